package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/web"
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

// A caller's X-Request-Id is kept only when it is a short token of safe
// characters; anything else is replaced, and never reaches the audit trail
// (the review wrote a 60 KB header into it).
func TestRequestIDFromCallerIsChecked(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	cases := []struct {
		name, sent string
		kept       bool
	}{
		{"a uuid", "3f2b8c1e-6a4d-4f0e-9b7a-1c2d3e4f5a6b", true},
		{"a short token", "abc_DEF.123:x", true},
		{"60 KB", strings.Repeat("A", 60<<10), false},
		{"65 characters", strings.Repeat("a", 65), false},
		{"markup", "<script>x</script>", false},
		{"spaces", "a b", false},
		{"a newline escape", "a%0Ab", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/tokens", lead, map[string]any{"role": "visitor", "name": tc.name}, "X-Request-Id", tc.sent)
			if r.Status != 201 {
				t.Fatalf("create token: %d %s", r.Status, r.Body)
			}
			got := r.Header.Get("X-Request-Id")
			if tc.kept != (got == tc.sent) {
				t.Fatalf("answered X-Request-Id %.80q for %.80q; kept=%v wanted", got, tc.sent, tc.kept)
			}
			if got == "" || len(got) > 64 {
				t.Fatalf("answered X-Request-Id %.80q", got)
			}
			items, _, err := e.Stores.Audit.ListAudit(context.Background(), "alpha", kith.AuditFilter{Entity: "token", Page: kith.Page{Number: 1, Size: 1}})
			if err != nil || len(items) == 0 {
				t.Fatal(err)
			}
			if items[0].RequestID != got {
				t.Fatalf("audit request id %.80q, want %.80q", items[0].RequestID, got)
			}
		})
	}
}

// countingBody is an endless-enough request body that counts what the
// server read of it.
type countingBody struct {
	left int64
	read atomic.Int64
	head []byte
}

func (b *countingBody) Read(p []byte) (int, error) {
	if len(b.head) > 0 {
		n := copy(p, b.head)
		b.head = b.head[n:]
		b.read.Add(int64(n))
		return n, nil
	}
	if b.left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > b.left {
		n = b.left
	}
	for i := range p[:n] {
		p[i] = 'x'
	}
	b.left -= n
	b.read.Add(n)
	return int(n), nil
}

func (b *countingBody) Close() error { return nil }

// No request without a session makes the server read more than 1 MiB: the
// review's 30 parallel 20 MiB uploads to /lead/directory/import took the
// server to 1.8 GB because the CSRF check parsed the form first.
func TestUnauthenticatedUploadReadsAtMostOneMiB(t *testing.T) {
	e := newEnv(t)
	// The attacker has a CSRF cookie and token, as anyone can.
	c := browser(t)
	page := doWith(t, c, "GET", e.URL+"/sign-in", "", nil)
	tok := string(csrfRe.FindSubmatch(page.Body)[1])
	csrf := cookieValue(c, e.URL, "kith_csrf")
	for _, tc := range []struct {
		name    string
		path    string
		chunked bool
		cookie  string
	}{
		{"upload page, with length", "/lead/directory/import", false, ""},
		{"upload page, chunked", "/lead/directory/import", true, ""},
		{"upload page, forged session", "/lead/directory/import", true, "kith_session=forged"},
		{"sign-in, chunked", "/sign-in", true, ""},
		{"API import, chunked", "/api/v1/assets/import", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			head := "--x\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + tok +
				"\r\n--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.json\"\r\nContent-Type: application/json\r\n\r\n"
			body := &countingBody{left: 19 << 20, head: []byte(head)}
			req := httptest.NewRequest("POST", tc.path, body)
			if !tc.chunked {
				req.ContentLength = int64(len(head)) + 19<<20
			} else {
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
			ck := "kith_csrf=" + csrf
			if tc.cookie != "" {
				ck += "; " + tc.cookie
			}
			req.Header.Set("Cookie", ck)
			rec := httptest.NewRecorder()
			e.srv.Handler().ServeHTTP(rec, req)
			if n := body.read.Load(); n > 1<<20+64<<10 {
				t.Fatalf("the server read %d bytes of an unauthenticated request (answered %d)", n, rec.Code)
			}
			if rec.Code < 300 || rec.Code == 200 {
				t.Fatalf("answered %d", rec.Code)
			}
		})
	}
}

// The review's low findings, each as an attacker tried it.
func TestLowFindings(t *testing.T) {
	t.Run("no open redirect through next", func(t *testing.T) {
		e := newEnv(t)
		for i, next := range []string{"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/ /evil.example",
			"/\\evil.example", "//evil.example", "https://evil.example", "/%09/evil.example", "/\x00/evil.example"} {
			email := fmt.Sprintf("nav%d@example.org", i) // one each: sign-in is rate limited per account
			e.user("alpha", email, kith.RoleNavigator, "a long password")
			c := browser(t)
			page := doWith(t, c, "GET", e.URL+"/sign-in", "", nil)
			tok := string(csrfRe.FindSubmatch(page.Body)[1])
			r := postForm(t, c, e.URL+"/sign-in", url.Values{"_csrf": {tok}, "email": {email}, "password": {"a long password"}, "next": {next}})
			loc := r.Header.Get("Location")
			if r.Status != 303 || strings.ContainsAny(loc, "\t\r\n \\\x00") || strings.HasPrefix(loc, "//") || strings.Contains(loc, "evil") && !strings.HasPrefix(loc, "/") {
				t.Errorf("next %q: redirected to %q", next, loc)
			}
			if u, err := url.Parse(strings.Map(func(r rune) rune {
				if r == '\t' || r == '\n' || r == '\r' {
					return -1
				}
				return r
			}, loc)); err != nil || u.Host != "" {
				t.Errorf("next %q: a browser goes to host %q", next, loc)
			}
		}
		// A good next still works.
		e.user("alpha", "visitor@example.org", kith.RoleVisitor, "a long password")
		c := browser(t)
		r := signInNext(t, e, c, "visitor@example.org", "/worklist?page=2")
		if r.Header.Get("Location") != "/worklist?page=2" {
			t.Errorf("a good next: %q", r.Header.Get("Location"))
		}
	})
	t.Run("links come from the configured base URL, never the Host header", func(t *testing.T) {
		e := newEnv(t)
		lead := demoDirectory(t, e)
		r := withHost(t, e, "/api/v1/assets/stale", lead, "evil.example")
		if strings.Contains(string(r.Body), "evil.example") || !strings.Contains(string(r.Body), e.URL+"/confirm/") {
			t.Fatalf("links without KITH_BASE_URL: %.500s", r.Body)
		}
		cfg := web.DefaultConfig()
		cfg.BaseURL = "https://kith.example.gov.uk"
		e2 := newEnv(t, cfg)
		lead2 := demoDirectory(t, e2)
		r = withHost(t, e2, "/api/v1/assets/stale", lead2, "evil.example")
		if strings.Contains(string(r.Body), "evil.example") || !strings.Contains(string(r.Body), "https://kith.example.gov.uk/confirm/") {
			t.Fatalf("links with KITH_BASE_URL: %.500s", r.Body)
		}
	})
	t.Run("CSRF cookie is Secure when the base URL is https", func(t *testing.T) {
		cfg := web.DefaultConfig()
		cfg.BaseURL = "https://kith.example.gov.uk"
		e := newEnv(t, cfg)
		r := e.do("GET", "/sign-in", "", nil)
		ck := strings.Join(r.Header.Values("Set-Cookie"), "\n")
		if !strings.Contains(ck, "kith_csrf=") || !strings.Contains(ck, "Secure") {
			t.Fatalf("CSRF cookie: %s", ck)
		}
		plain := newEnv(t)
		if ck := strings.Join(plain.do("GET", "/sign-in", "", nil).Header.Values("Set-Cookie"), "\n"); strings.Contains(ck, "Secure") {
			t.Fatalf("a Secure cookie over plain http without an https base URL would never come back: %s", ck)
		}
	})
	t.Run("personal data is never cached; Permissions-Policy is sent", func(t *testing.T) {
		e := newEnv(t)
		nav := e.token("alpha", kith.RoleNavigator)
		demoDirectory(t, e)
		ref, _ := newReferral(t, e, nav, nil)
		for _, p := range []string{"/api/v1/referrals/" + ref.ID, "/api/v1/referrals", "/api/v1/me", "/api/v1/concerns"} {
			r := e.do("GET", p, nav, nil)
			if r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: Cache-Control %q", p, r.Header.Get("Cache-Control"))
			}
		}
		c := leadBrowser(t, e)
		if r := doWith(t, c, "GET", e.URL+"/worklist", "", nil); r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("a signed-in page: Cache-Control %q", r.Header.Get("Cache-Control"))
		}
		for _, p := range []string{"/sign-in", "/healthz", "/api/v1/openapi.json"} {
			pp := e.do("GET", p, "", nil).Header.Get("Permissions-Policy")
			if !strings.Contains(pp, "camera=()") || !strings.Contains(pp, "microphone=()") || !strings.Contains(pp, "geolocation=(self)") {
				t.Errorf("%s: Permissions-Policy %q", p, pp)
			}
		}
	})
}

// signInNext signs in from a sign-in page that was asked to go on to next.
func signInNext(t *testing.T, e *env, c *http.Client, email, next string) response {
	t.Helper()
	page := doWith(t, c, "GET", e.URL+"/sign-in?next="+url.QueryEscape(next), "", nil)
	tok := string(csrfRe.FindSubmatch(page.Body)[1])
	return postForm(t, c, e.URL+"/sign-in", url.Values{"_csrf": {tok}, "email": {email}, "password": {"a long password"}, "next": {next}})
}

// withHost gets path with a Host header of the caller's choosing.
func withHost(t *testing.T, e *env, path, token, host string) response {
	t.Helper()
	req, err := http.NewRequest("GET", e.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s with Host %s: %d %s", path, host, res.StatusCode, b)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}
