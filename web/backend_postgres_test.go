package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/kith-project/kith/internal/pgtest"
	"github.com/kith-project/kith/postgres"
)

// openPostgres opens a fresh, migrated database on pgtest's server.
func openPostgres(t testing.TB, ctx context.Context, clock func() time.Time) *backend {
	t.Helper()
	db, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	db.Now = clock
	return &backend{Stores: db.Stores(), loadPostcodes: db.LoadPostcodes, tamper: db.TamperAuditForTest,
		close: func() { db.Close() }}
}
