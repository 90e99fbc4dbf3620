package web_test

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"sync/atomic"
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
			items, _, err := e.DB.ListAudit(context.Background(), "alpha", kith.AuditFilter{Entity: "token", Page: kith.Page{Number: 1, Size: 1}})
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
