package web_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/web"
)

// FuzzJSONBody sends arbitrary bodies through the real handler chain: the
// answer is always a 2xx or a 4xx problem, never a 5xx or a panic.
func FuzzJSONBody(f *testing.F) {
	for _, s := range []string{`{"role":"visitor"}`, `{"role":"lead","name":"x"}`, `{}`, `[]`, `null`, `{"role":"visitor"}x`,
		`{"role":1}`, `{"a":{"b":{"c":[[[[]]]]}}}`, "\xff", `{"role":"visitor","name":"\u0000"}`} {
		f.Add([]byte(s))
	}
	f.Add([]byte(minimal))
	f.Add([]byte(realistic))
	db := openFuzzDB(f)
	srv, err := web.New(app.New(db.Stores, app.Options{}), discardLogger(), web.DefaultConfig())
	if err != nil {
		f.Fatal(err)
	}
	srv.SetReady()
	_, secret, err := db.Tokens.CreateToken(f.Context(), kith.Actor{Site: "alpha", Kind: "system", ID: "fuzz"}, app.TokenToCreate{Role: kith.RoleLead, Name: "fuzz", ExpiresAt: time.Now().AddDate(1, 0, 0)})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, path := range []string{"/api/v1/tokens", "/api/v1/users", "/api/v1/screenings"} {
			req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+secret)
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s answered %d for %q: %s", path, rec.Code, body, rec.Body)
			}
			if rec.Code >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%s answered %d without problem+json", path, rec.Code)
			}
		}
	})
}
