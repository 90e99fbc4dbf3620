package web_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/sqlite"
	"github.com/kith-project/kith/web"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

func serveOnce(srv *web.Server, method, path string) int {
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec.Code
}

func openFuzzDB(f *testing.F) *sqlite.DB {
	db, err := sqlite.Open(f.Context(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	if err := db.CreateSite(f.Context(), kith.Actor{Kind: "system", ID: "fuzz"}, "alpha", "Alpha", kith.SiteSettings{}); err != nil {
		f.Fatal(err)
	}
	return db
}
