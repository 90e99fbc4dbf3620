package sqlite

import (
	"context"
	"os"
	"strings"
	"testing"
)

// A PostgreSQL URL given as the database (KITH_DB, --db) is refused with a
// plain message, not taken for a file name and made into a new empty
// SQLite database; a password in it is never shown.
func TestOpenRefusesPostgresURL(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	for _, u := range []string{"postgres://kith@db.example/kith", "postgresql://kith:s3cret@db.example/kith"} {
		db, err := Open(context.Background(), u)
		if err == nil {
			db.Close()
			t.Fatalf("%s opened as a SQLite file", u)
		}
		if !strings.Contains(err.Error(), "PostgreSQL") {
			t.Fatalf("%s: error %q does not say it is a PostgreSQL URL", u, err)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Fatalf("the error shows the password: %q", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("%s: files made: %v", u, entries)
		}
	}
}
