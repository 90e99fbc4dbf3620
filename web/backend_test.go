package web_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/internal/pgtest"
	"github.com/kith-project/kith/sqlite"
)

// The API and page tests run on either backend. KITH_TEST_BACKEND=postgres
// (or a KITH_TEST_POSTGRES_URL naming a server) runs them on PostgreSQL,
// each test on a fresh database of internal/pgtest's server; otherwise,
// and by default, each test has a SQLite file of its own. scripts/test runs
// this package twice, once on each.
const backendVar = "KITH_TEST_BACKEND"

// onPostgres reports whether this run's tests use PostgreSQL.
func onPostgres() bool {
	return os.Getenv(backendVar) == "postgres" || os.Getenv(pgtest.EnvURL) != ""
}

// The web package's tests stop pgtest's server, if one was started.
func TestMain(m *testing.M) { pgtest.Main(m) }

// backend is the store a test runs on, through the application's store
// interfaces only: nothing in a test but what must be SQLite's reaches
// past them.
type backend struct {
	app.Stores
	// loadPostcodes loads postcode centroids, as `kith postcodes load` does.
	loadPostcodes func(ctx context.Context, pcs []app.Postcode) error
	// tamper tries to rewrite an audit row (the store must refuse).
	tamper func(ctx context.Context) error
	close  func()
	// sqlite is the SQLite file's store, nil on PostgreSQL: for the few
	// checks of SQLite's own file, which say why they are SQLite's only.
	sqlite *sqlite.DB
}

// openBackend opens a new, empty, migrated store for t on this run's
// backend, on clock's time.
func openBackend(t testing.TB, ctx context.Context, clock func() time.Time) *backend {
	t.Helper()
	if onPostgres() {
		return openPostgres(t, ctx, clock)
	}
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kith.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.Now = clock
	return &backend{Stores: db.Stores(), loadPostcodes: db.LoadPostcodes, tamper: db.TamperAuditForTest, close: func() { db.Close() }, sqlite: db}
}

// testClock is the one clock of a test's service and store: the real time,
// moved by travel.
type testClock struct {
	mu    sync.Mutex
	shift func(time.Time) time.Time
}

func (c *testClock) Now() time.Time {
	now := time.Now().UTC()
	c.mu.Lock()
	shift := c.shift
	c.mu.Unlock()
	if shift != nil {
		return shift(now)
	}
	return now
}

func (c *testClock) set(shift func(time.Time) time.Time) {
	c.mu.Lock()
	c.shift = shift
	c.mu.Unlock()
}
