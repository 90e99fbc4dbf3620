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

// passing are the conformance suite's tests this backend passes so far, in
// the suite's order. The backend is offered to the service (cmd/kith) only
// once this is the whole suite and the test below runs storetest.Run.
var passing = []string{
	"Sites", "Users", "Tokens", "Sessions", "Secrets", "Audit", "Health", "Lock", "Postcodes",
	"Screenings", "ScreeningIdempotency", "Directory", "Pathways", "Referrals", "ReferralWorklist",
	"Concerns", "Outbox", "Reports", "Retention", "Reviews",
}

// openStores opens a fresh, migrated database for t.
func openStores(t *testing.T) (*postgres.DB, app.Stores) {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, db.PartialStores()
}

// TestStoreConformance runs the store conformance suite's passing tests
// against PostgreSQL, a new database for each test.
func TestStoreConformance(t *testing.T) {
	storetest.RunOnly(t, func(t *testing.T) app.Stores { _, st := openStores(t); return st }, passing...)
}
