package postgres_test

import (
	"context"
	"testing"

	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/app/storetest"
	"github.com/kith-project/kith/internal/pgtest"
	"github.com/kith-project/kith/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// openStores opens a fresh, migrated database for t.
func openStores(t *testing.T) (*postgres.DB, app.Stores) {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, db.Stores()
}

// TestStoreConformance runs the store conformance suite against
// PostgreSQL, a new database for each test.
func TestStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) app.Stores { _, st := openStores(t); return st })
}
