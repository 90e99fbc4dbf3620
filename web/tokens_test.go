package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/kith-project/kith"
)

var newTokenRe = regexp.MustCompile(`id="new-token"[^>]*value="([^"]+)"`)

// makeTokenOnPage makes a token on the lead's tokens page and returns its
// secret, shown once.
func makeTokenOnPage(t *testing.T, e *env, c *http.Client, days string) string {
	t.Helper()
	_, csrf := page(t, e, c, "/lead/tokens")
	v := url.Values{"_csrf": {csrf}, "name": {"case system"}, "role": {"lead"}}
	if days != "" {
		v.Set("expires_in_days", days)
	}
	r := follow(t, e, c, postForm(t, c, e.URL+"/lead/tokens", v), "/lead/tokens")
	m := newTokenRe.FindSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no new token on the page: %s", r.Body)
	}
	return string(m[1])
}

// Tokens belong to the user who made them, expire (90 days unless the
// lead chooses, at most a year), and stop working the moment their owner
// is disabled. The review found a disabled lead's tokens kept lead access.
func TestTokensBelongToTheirMakerAndExpire(t *testing.T) {
	e := newEnv(t)
	c := leadBrowser(t, e)
	admin := e.token("alpha", kith.RoleLead)

	secret := makeTokenOnPage(t, e, c, "")
	me := e.do("GET", "/api/v1/me", secret, nil)
	if me.Status != 200 {
		t.Fatalf("a new token: %d", me.Status)
	}
	list := e.do("GET", "/api/v1/tokens", admin, nil).JSON(t)["items"].([]any)
	made := list[0].(map[string]any)
	created, _ := time.Parse(time.RFC3339, made["created_at"].(string))
	expires, _ := time.Parse(time.RFC3339, made["expires_at"].(string))
	if d := expires.Sub(created); d < 89*24*time.Hour || d > 91*24*time.Hour {
		t.Fatalf("default expiry %v after making, want 90 days: %v", d, made)
	}
	users := e.do("GET", "/api/v1/users", admin, nil).JSON(t)["items"].([]any)
	leadID := users[0].(map[string]any)["id"].(float64)
	if made["user_id"] != leadID {
		t.Fatalf("token owner %v, want the lead who made it (%v)", made["user_id"], leadID)
	}

	// Chosen on the page: 30 days works for 30 days and not after.
	short := makeTokenOnPage(t, e, c, "30")
	defer e.travelBack()
	e.travel(func(now time.Time) time.Time { return now.AddDate(0, 0, 29) })
	if r := e.do("GET", "/api/v1/me", short, nil); r.Status != 200 {
		t.Fatalf("a 30-day token after 29 days: %d", r.Status)
	}
	e.travel(func(now time.Time) time.Time { return now.AddDate(0, 0, 31) })
	wantProblem(t, e.do("GET", "/api/v1/me", short, nil), 401, "")
	e.travelBack()

	// The API: longer than a year, or none, is refused naming the field.
	for _, days := range []int{0, 366, -1} {
		r := e.do("POST", "/api/v1/tokens", admin, map[string]any{"role": "visitor", "name": "x", "expires_in_days": days})
		wantProblem(t, r, 422, "expires_in_days")
	}
	r := e.do("POST", "/api/v1/tokens", admin, map[string]any{"role": "visitor", "name": "x", "expires_in_days": 365})
	if r.Status != 201 {
		t.Fatalf("a year: %d %s", r.Status, r.Body)
	}
	// The page says so too.
	_, csrf := page(t, e, c, "/lead/tokens")
	bad := postForm(t, c, e.URL+"/lead/tokens", url.Values{"_csrf": {csrf}, "name": {"x"}, "role": {"lead"}, "expires_in_days": {"400"}})
	if bad.Status != 422 || !regexp.MustCompile(`How long it works: `).Match([]byte(text(bad))) {
		t.Fatalf("a 400-day token on the page: %d %s", bad.Status, bad.Body)
	}

	// Disabling the lead stops their tokens at once.
	if r := e.do("DELETE", "/api/v1/users/"+strconv.Itoa(int(leadID)), admin, nil); r.Status != 204 {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	wantProblem(t, e.do("GET", "/api/v1/me", secret, nil), 401, "")
	if r := e.do("GET", "/api/v1/me", admin, nil); r.Status != 200 {
		t.Fatalf("the command line's token: %d", r.Status)
	}
}
