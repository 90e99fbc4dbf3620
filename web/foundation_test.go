package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/web"
)

func TestAuditRoles(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name   string
		token  string
		status int
	}{
		{"lead", e.token("alpha", kith.RoleLead), 200},
		{"navigator", e.token("alpha", kith.RoleNavigator), 403},
		{"visitor", e.token("alpha", kith.RoleVisitor), 403},
		{"none", "", 401},
		{"unknown token", "kith_nope", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("GET", "/api/v1/audit", tc.token, nil)
			if tc.status == 200 {
				if r.Status != 200 {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				m := r.JSON(t)
				for _, k := range []string{"items", "total", "page", "per_page"} {
					if _, ok := m[k]; !ok {
						t.Errorf("list lacks %q", k)
					}
				}
				return
			}
			wantProblem(t, r, tc.status, "")
		})
	}
}

func TestRevokedTokenStopsWorking(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	r := e.do("POST", "/api/v1/tokens", lead, map[string]any{"role": "visitor", "name": "phone"})
	if r.Status != 201 {
		t.Fatalf("create token: %d %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	secret, id := m["token"].(string), int(m["id"].(float64))
	if r := e.do("GET", "/api/v1/me", secret, nil); r.Status != 200 {
		t.Fatalf("new token: %d", r.Status)
	}
	if r := e.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", id), lead, nil); r.Status != 204 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	wantProblem(t, e.do("GET", "/api/v1/me", secret, nil), 401, "")
	// The list never shows secrets but does show the revocation and last use.
	list := e.do("GET", "/api/v1/tokens", lead, nil)
	if strings.Contains(string(list.Body), secret) {
		t.Fatal("token list contains a secret")
	}
	if !strings.Contains(string(list.Body), `"revoked_at":"`) || !strings.Contains(string(list.Body), `"last_used_at":"`) {
		t.Fatalf("token list lacks revoked_at or last_used_at: %s", list.Body)
	}
}

func TestSiteIsolation(t *testing.T) {
	e := newEnv(t)
	alphaLead := e.token("alpha", kith.RoleLead)
	betaLead := e.token("beta", kith.RoleLead)
	u := e.user("beta", "b@example.org", kith.RoleVisitor, "a long password")
	// Another site's records are not found, not forbidden.
	wantProblem(t, e.do("DELETE", fmt.Sprintf("/api/v1/users/%d", u.ID), alphaLead, nil), 404, "")
	if r := e.do("GET", "/api/v1/users", alphaLead, nil); strings.Contains(string(r.Body), "b@example.org") {
		t.Fatalf("alpha sees beta's user: %s", r.Body)
	}
	if r := e.do("GET", "/api/v1/users", betaLead, nil); !strings.Contains(string(r.Body), "b@example.org") {
		t.Fatalf("beta does not see its own user: %s", r.Body)
	}
	if r := e.do("GET", "/api/v1/audit?entity=user", alphaLead, nil); strings.Contains(string(r.Body), `"site":"beta"`) {
		t.Fatalf("alpha sees beta's audit: %s", r.Body)
	}
	r := e.do("GET", "/api/v1/site", alphaLead, nil)
	if r.JSON(t)["id"] != "alpha" {
		t.Fatalf("site = %s", r.Body)
	}
}

func TestAuditIsAtomicWithTheChange(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	body := map[string]any{"email": "x@example.org", "role": "navigator", "password": "a long password"}
	if r := e.do("POST", "/api/v1/users", lead, body); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	count := func() int {
		items, total, err := e.Stores.Audit.ListAudit(context.Background(), "alpha", kith.AuditFilter{Entity: "user", Page: kith.Page{Number: 1, Size: 100}})
		if err != nil {
			t.Fatal(err)
		}
		_ = items
		return total
	}
	before := count()
	// A failed change (duplicate email) leaves no audit row.
	wantProblem(t, e.do("POST", "/api/v1/users", lead, body), 409, "email")
	if after := count(); after != before {
		t.Fatalf("audit rows %d -> %d after a failed change", before, after)
	}
	// The audit trail cannot be rewritten.
	if err := e.store.tamper(context.Background()); err == nil {
		t.Fatal("updating an audit row succeeded")
	}
}

func TestStrictDecoding(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	for _, tc := range []struct {
		name    string
		body    any
		headers []string
		status  int
		field   string
	}{
		{"unknown field", `{"role":"visitor","nmae":"x"}`, nil, 422, "nmae"},
		{"trailing data", `{"role":"visitor"} {"role":"lead"}`, nil, 400, "body"},
		{"wrong type", `{"role":7}`, nil, 422, "role"},
		{"bad value", `{"role":"admin"}`, nil, 422, "role"},
		{"missing", `{}`, nil, 422, "role"},
		{"too long", map[string]any{"role": "visitor", "name": strings.Repeat("n", 201)}, nil, 422, "name"},
		{"syntax", `{"role":`, nil, 400, "body"},
		{"empty", ``, nil, 400, "body"},
		{"not utf-8", "{\"role\":\"visitor\",\"name\":\"\xff\"}", nil, 400, "body"},
		{"wrong content type", `{"role":"visitor"}`, []string{"Content-Type", "text/plain"}, 415, "Content-Type"},
		{"too large", `{"role":"visitor","name":"` + strings.Repeat("a", 1<<20) + `"}`, nil, 413, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, e.do("POST", "/api/v1/tokens", lead, tc.body, tc.headers...), tc.status, tc.field)
		})
	}
}

func TestPagination(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	for q, field := range map[string]string{"per_page=0": "per_page", "per_page=101": "per_page", "page=0": "page", "page=x": "page", "per_page=-1": "per_page"} {
		wantProblem(t, e.do("GET", "/api/v1/audit?"+q, lead, nil), 422, field)
	}
	wantProblem(t, e.do("GET", "/api/v1/audit?from=yesterday", lead, nil), 422, "from")
	r := e.do("GET", "/api/v1/audit?per_page=1&page=2", lead, nil)
	m := r.JSON(t)
	if m["page"] != float64(2) || m["per_page"] != float64(1) || len(m["items"].([]any)) != 1 {
		t.Fatalf("page 2 of 1: %s", r.Body)
	}
}

func TestRequestIDAndUnknownRoute(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/api/v1/nothing-here", e.token("alpha", kith.RoleLead), nil)
	if r.Header.Get("X-Request-Id") == "" {
		t.Fatal("no X-Request-Id")
	}
	wantProblem(t, r, 404, "")
}

func TestProbesAndMetrics(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := e.do("GET", p, "", nil); r.Status != 200 {
			t.Fatalf("%s: %d %s", p, r.Status, r.Body)
		}
	}
	e.do("GET", "/api/v1/me", e.token("alpha", kith.RoleVisitor), nil)
	r := e.do("GET", "/metrics", "", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `kith_http_requests_total{method="GET",route="/api/v1/me",status="200"}`) {
		t.Fatalf("metrics: %d %s", r.Status, r.Body)
	}
}

func TestHealthzWaitsForStartUp(t *testing.T) {
	e := newEnv(t)
	_ = e
	srv, err := web.New(e.newApp(), discardLogger(), web.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	rec := serveOnce(srv, "GET", "/healthz")
	if rec != http.StatusServiceUnavailable {
		t.Fatalf("healthz before ready = %d, want 503", rec)
	}
	srv.SetReady()
	if rec := serveOnce(srv, "GET", "/healthz"); rec != 200 {
		t.Fatalf("healthz after ready = %d", rec)
	}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs in through the pages as a person would, including the
// second step for a role that needs an authenticator code: it sets one up
// for the user (e.enrolMFA) and types the code. It returns the last answer:
// the redirect away from sign-in, or the page that refused.
func signIn(t *testing.T, e *env, client *http.Client, email, pw string) response {
	t.Helper()
	secret := e.enrolMFA(email)
	page := doWith(t, client, "GET", e.URL+"/sign-in", "", nil)
	m := csrfRe.FindSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no CSRF field on the sign-in page: %s", page.Body)
	}
	r := postForm(t, client, e.URL+"/sign-in", url.Values{"_csrf": {string(m[1])}, "email": {email}, "password": {pw}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in/code") || secret == "" {
		return r
	}
	next, _ := url.Parse(r.Header.Get("Location"))
	return postForm(t, client, e.URL+"/sign-in/code", url.Values{"_csrf": {string(m[1])}, "code": {e.totpCode(secret)},
		"next": {next.Query().Get("next")}})
}

func postForm(t *testing.T, client *http.Client, u string, v url.Values) response {
	t.Helper()
	res, err := client.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b := make([]byte, 0)
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b = append(b, buf[:n]...)
		if err != nil {
			break
		}
	}
	checkContract(t, res.Request, res.StatusCode, res.Header, b)
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

func TestSignInSessionAndCSRF(t *testing.T) {
	e := newEnv(t)
	e.user("alpha", "nav@example.org", kith.RoleNavigator, "a long password")
	c := browser(t)
	// Without a session, pages redirect to sign-in.
	if r := doWith(t, c, "GET", e.URL+"/", "", nil); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in") {
		t.Fatalf("GET / signed out: %d %v", r.Status, r.Header)
	}
	// A form post without the CSRF token is refused.
	if r := postForm(t, c, e.URL+"/sign-in", url.Values{"email": {"nav@example.org"}, "password": {"a long password"}}); r.Status != 403 && r.Status != 400 {
		t.Fatalf("sign-in without CSRF: %d", r.Status)
	}
	bad := signIn(t, e, c, "nav@example.org", "wrong password")
	if bad.Status != 422 || !strings.Contains(string(bad.Body), "Enter a correct email address and password") ||
		!strings.Contains(string(bad.Body), `value="nav@example.org"`) {
		t.Fatalf("wrong password: %d %s", bad.Status, bad.Body)
	}
	r := signIn(t, e, c, "nav@example.org", "a long password")
	if r.Status != 303 || r.Header.Get("Location") != "/" {
		t.Fatalf("sign-in: %d %v", r.Status, r.Header)
	}
	var session *http.Cookie
	for _, ck := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(ck, "kith_session=") {
			if !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
				t.Fatalf("session cookie flags: %s", ck)
			}
			session = &http.Cookie{}
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	// Signed in: the signed-in page and the API by cookie both work.
	if r := doWith(t, c, "GET", e.URL+"/", "", nil); r.Status != 200 {
		t.Fatalf("GET / signed in: %d", r.Status)
	}
	if r := doWith(t, c, "GET", e.URL+"/api/v1/me", "", nil); r.Status != 200 {
		t.Fatalf("API by cookie: %d %s", r.Status, r.Body)
	}
	// A change through the API by cookie needs the CSRF header.
	wantProblem(t, doWith(t, c, "PUT", e.URL+"/api/v1/site", "", map[string]any{"name": "x"}), 403, "")
	// A second sign-in makes a different session id.
	first := cookieValue(c, e.URL, "kith_session")
	signIn(t, e, browser(t), "nav@example.org", "a long password")
	r = signIn(t, e, c, "nav@example.org", "a long password")
	if second := cookieValue(c, e.URL, "kith_session"); second == first || second == "" {
		t.Fatal("session id not renewed at sign-in")
	}
}

func cookieValue(c *http.Client, base, name string) string {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func TestSignInRateLimited(t *testing.T) {
	e := newEnv(t)
	e.user("alpha", "v@example.org", kith.RoleVisitor, "a long password")
	c := browser(t)
	limited := false
	for i := 0; i < 8; i++ {
		if r := signIn(t, e, c, "v@example.org", "wrong password"); r.Status == 429 {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("eight wrong passwords for one account were never rate limited")
	}
}

// A spoofed X-Forwarded-For must not change the address that the audit
// trail and the sign-in rate limiter see (Echo v4 GO-2026-6875/6872).
func TestSpoofedForwardedForIgnored(t *testing.T) {
	e := newEnv(t)
	e.user("alpha", "s@example.org", kith.RoleVisitor, "a long password")
	c := browser(t)
	// Exhaust the per-account limit with varying spoofed addresses: if the
	// header were believed, the per-address limiter would be dodged but the
	// audit row would show the spoofed address.
	page := doWith(t, c, "GET", e.URL+"/sign-in", "", nil)
	tok := string(csrfRe.FindSubmatch(page.Body)[1])
	// The limiter allows 20 at once and one more every 3 s: count what got
	// through against the time the attempts took, not by attempt number
	// (a slow machine refills a token during the run).
	start, passed := time.Now(), 0
	for i := 0; i < 25; i++ {
		req, _ := http.NewRequest("POST", e.URL+"/sign-in", strings.NewReader(url.Values{"_csrf": {tok}, "email": {fmt.Sprintf("nobody%d@example.org", i)}, "password": {"x"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		req.Header.Set("X-Real-IP", fmt.Sprintf("198.51.100.%d", i))
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 429 {
			passed++
		}
	}
	if allowed := 20 + int(time.Since(start)/(3*time.Second)) + 1; passed > allowed || passed == 25 {
		t.Fatalf("%d of 25 attempts from one real address with spoofed headers got through, at most %d may", passed, allowed)
	}
	lead := e.token("alpha", kith.RoleLead)
	e.do("GET", "/api/v1/me", lead, nil)
	if r := e.do("POST", "/api/v1/tokens", lead, map[string]any{"role": "visitor"}, "X-Forwarded-For", "203.0.113.9"); r.Status != 201 {
		t.Fatalf("create token: %d", r.Status)
	}
	items, _, err := e.Stores.Audit.ListAudit(context.Background(), "alpha", kith.AuditFilter{Entity: "token", Page: kith.Page{Number: 1, Size: 1}})
	if err != nil || len(items) == 0 {
		t.Fatal(err)
	}
	if items[0].IP != "127.0.0.1" {
		t.Fatalf("audit ip = %q, want the real peer 127.0.0.1", items[0].IP)
	}
}

func TestAPIRateLimitAllows100PerSecond(t *testing.T) {
	e := newEnv(t)
	tok := e.token("alpha", kith.RoleVisitor)
	for i := 0; i < 150; i++ {
		if r := e.do("GET", "/api/v1/me", tok, nil); r.Status != 200 {
			t.Fatalf("request %d: %d", i, r.Status)
		}
	}
}

func TestLogsHoldNoPersonalData(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	e.do("POST", "/api/v1/users", lead, map[string]any{"email": "secret-person@example.org", "role": "visitor", "password": "a long password"})
	e.do("GET", "/api/v1/audit?actor=secret-person@example.org", lead, nil)
	if strings.Contains(e.Logs.String(), "secret-person") {
		t.Fatalf("logs hold personal data: %s", e.Logs.String())
	}
	if !strings.Contains(e.Logs.String(), `"route":"/api/v1/users"`) {
		t.Fatal("requests are not logged")
	}
}
