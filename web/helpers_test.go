package web_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/sqlite"
	"github.com/kith-project/kith/web"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

func serveOnce(srv *web.Server, method, path string) int {
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec.Code
}

// openFuzzDB is a store of this run's backend with one site, "alpha".
func openFuzzDB(f *testing.F) *backend {
	db := openBackend(f, f.Context(), func() time.Time { return time.Now().UTC() })
	f.Cleanup(db.close)
	if err := db.Sites.CreateSite(f.Context(), kith.Actor{Kind: "system", ID: "fuzz"}, app.NewSite("alpha", "Alpha", kith.SiteSettings{})); err != nil {
		f.Fatal(err)
	}
	return db
}

// benchEnv is env for benchmarks, which measure the default backend,
// SQLite (PostgreSQL's figures come from cmd/kithload and package postgres).
type benchEnv struct {
	URL string
	DB  *sqlite.DB
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "kith.db"))
	if err != nil {
		b.Fatal(err)
	}
	cfg := web.DefaultConfig()
	cfg.APIRate, cfg.APIBurst = 1e6, 1e6
	srv, err := web.New(app.New(db.Stores(), app.Options{Clock: func() time.Time { return db.Now() }}), discardLogger(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := db.CreateSite(ctx, kith.Actor{Kind: "system", ID: "bench"}, app.NewSite("alpha", "Alpha", kith.SiteSettings{SafeguardingPhone: "0113 496 0000"})); err != nil {
		b.Fatal(err)
	}
	srv.SetReady()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, 5*time.Second) }()
	b.Cleanup(func() {
		cancel()
		<-done
		db.Close()
	})
	return &benchEnv{URL: "http://" + ln.Addr().String(), DB: db}
}

func (e *benchEnv) benchToken(site string, role kith.Role) string {
	_, secret, err := e.DB.CreateToken(context.Background(), kith.Actor{Site: site, Kind: "system", ID: "bench"},
		app.TokenToCreate{Role: role, Name: "bench", ExpiresAt: time.Now().AddDate(1, 0, 0)})
	if err != nil {
		panic(err)
	}
	return secret
}
