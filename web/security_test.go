package web_test

import (
	"strings"
	"testing"

	"github.com/kith-project/kith"
)

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/sign-in", "/api/v1/openapi.json", "/healthz"} {
		r := e.do("GET", p, "", nil)
		csp := r.Header.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Referrer-Policy") == "" || r.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", p, r.Header)
		}
	}
}

// Hostile text reaches pages and letters as text, never as markup.
func TestHostileTextIsEscaped(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	for _, name := range []string{"<script>alert(1)</script>", "'); DROP TABLE people;--"} {
		ref, _ := newReferral(t, e, nav, map[string]any{"person": map[string]any{"name": name, "postcode": "LS1 4AP"}})
		html := string(e.do("GET", "/api/v1/referrals/"+ref.ID+"/letters/provider.html", nav, nil).Body)
		if strings.Contains(html, "<script>alert(1)</script>") {
			t.Fatal("a name became markup in the letter")
		}
		if !strings.Contains(html, "&lt;script&gt;") && !strings.Contains(html, "DROP TABLE") && !strings.Contains(html, "&#39;); DROP TABLE") {
			t.Fatalf("the name is not shown as text: %s", html)
		}
	}
	// The database is still there.
	if r := e.do("GET", "/api/v1/referrals", nav, nil); r.Status != 200 {
		t.Fatalf("after injection text: %d", r.Status)
	}
}
