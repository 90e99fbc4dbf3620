package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

// openTestDB opens a new database in a temporary directory with one site,
// "s", closed when the test ends.
func openTestDB(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "kith.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.CreateSite(ctx, kith.Actor{Kind: "system", ID: "test"}, app.NewSite("s", "S", kith.SiteSettings{})); err != nil {
		t.Fatal(err)
	}
	return db
}
