package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/app/storetest"
	"github.com/kith-project/kith/sqlite"
)

// TestStoreConformance runs the application's store conformance suite
// against SQLite, a new database file for each test.
func TestStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) app.Stores {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "kith.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db.Stores()
	})
}
