package web_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/web"
	"github.com/pquerna/otp/totp"
)

var (
	qrRe       = regexp.MustCompile(`src="data:image/png;base64,([A-Za-z0-9+/=]+)"`)
	setupKeyRe = regexp.MustCompile(`id="setup-key">([A-Z2-7 ]+)<`)
	recoveryRe = regexp.MustCompile(`<code>([A-Z2-7]{5}-[A-Z2-7]{5})</code>`)
	noticeRe   = regexp.MustCompile(`/reset/[A-Za-z0-9_-]+`)
)

// passwordOnly posts the sign-in form without the helpers' second step.
func passwordOnly(t *testing.T, e *env, c *http.Client, email, pw string) (response, string) {
	t.Helper()
	page := doWith(t, c, "GET", e.URL+"/sign-in", "", nil)
	tok := string(csrfRe.FindSubmatch(page.Body)[1])
	return postForm(t, c, e.URL+"/sign-in", url.Values{"_csrf": {tok}, "email": {email}, "password": {pw}}), tok
}

// A navigator cannot reach personal data on a password alone: they set up
// an authenticator by QR code first, get one-time recovery codes, and
// then sign in with a code each time (never the same code twice).
func TestSecondFactor(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	e.user("alpha", "nav@example.org", kith.RoleNavigator, "a long password")
	c := browser(t)
	r, csrf := passwordOnly(t, e, c, "nav@example.org", "a long password")
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in/enrol") {
		t.Fatalf("a navigator's password: %d %s", r.Status, r.Header.Get("Location"))
	}
	// Half signed in reaches nothing.
	if r := doWith(t, c, "GET", e.URL+"/worklist", "", nil); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in") {
		t.Fatalf("the worklist before the second factor: %d", r.Status)
	}
	wantProblem(t, doWith(t, c, "GET", e.URL+"/api/v1/referrals", "", nil), 401, "")

	enrol := doWith(t, c, "GET", e.URL+"/sign-in/enrol", "", nil)
	m := qrRe.FindSubmatch([]byte(text(enrol)))
	k := setupKeyRe.FindSubmatch(enrol.Body)
	if enrol.Status != 200 || m == nil || k == nil {
		t.Fatalf("enrolment page: %d %s", enrol.Status, enrol.Body)
	}
	raw, _ := base64.StdEncoding.DecodeString(string(m[1]))
	if img, err := png.Decode(bytes.NewReader(raw)); err != nil || img.Bounds().Dx() < 200 {
		t.Fatalf("the QR code is not a PNG image: %v", err)
	}
	secret := strings.ReplaceAll(string(k[1]), " ", "")
	// The same key is shown again on reload, until confirmed.
	if again := setupKeyRe.FindSubmatch(doWith(t, c, "GET", e.URL+"/sign-in/enrol", "", nil).Body); again == nil || string(again[1]) != string(k[1]) {
		t.Fatal("the key changed on reload")
	}
	bad := postForm(t, c, e.URL+"/sign-in/enrol", url.Values{"_csrf": {csrf}, "code": {"000000"}})
	if bad.Status != 422 || !strings.Contains(text(bad), "Enter the 6-digit code") {
		t.Fatalf("a wrong code: %d %s", bad.Status, bad.Body)
	}
	code := e.totpCode(secret)
	done := postForm(t, c, e.URL+"/sign-in/enrol", url.Values{"_csrf": {csrf}, "code": {code}, "next": {"/worklist"}})
	codes := recoveryRe.FindAllStringSubmatch(string(done.Body), -1)
	if done.Status != 200 || len(codes) != 10 {
		t.Fatalf("after enrolment: %d %d codes %s", done.Status, len(codes), done.Body)
	}
	if r := doWith(t, c, "GET", e.URL+"/worklist", "", nil); r.Status != 200 {
		t.Fatalf("the worklist after enrolment: %d", r.Status)
	}

	// Next time: a code. The one just used is refused (a replay).
	c2 := browser(t)
	r, csrf2 := passwordOnly(t, e, c2, "nav@example.org", "a long password")
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in/code") {
		t.Fatalf("an enrolled navigator's password: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r := postForm(t, c2, e.URL+"/sign-in/code", url.Values{"_csrf": {csrf2}, "code": {code}}); r.Status != 422 {
		t.Fatalf("a replayed code: %d", r.Status)
	}
	// A recovery code works once.
	if r := postForm(t, c2, e.URL+"/sign-in/code", url.Values{"_csrf": {csrf2}, "code": {strings.ToLower(codes[0][1])}, "next": {"/worklist"}}); r.Status != 303 || r.Header.Get("Location") != "/worklist" {
		t.Fatalf("a recovery code: %d %s", r.Status, r.Body)
	}
	c3 := browser(t)
	_, csrf3 := passwordOnly(t, e, c3, "nav@example.org", "a long password")
	if r := postForm(t, c3, e.URL+"/sign-in/code", url.Values{"_csrf": {csrf3}, "code": {codes[0][1]}}); r.Status != 422 {
		t.Fatalf("a recovery code used twice: %d", r.Status)
	}
	// A code of the next step (a phone a little fast) works.
	next, _ := totp.GenerateCode(secret, e.Now().Add(30*time.Second))
	if r := postForm(t, c3, e.URL+"/sign-in/code", url.Values{"_csrf": {csrf3}, "code": {next}}); r.Status != 303 {
		t.Fatalf("the next step's code: %d %s", r.Status, r.Body)
	}
}

// Visitors may choose an authenticator; once set up it is asked for.
func TestVisitorMayEnrol(t *testing.T) {
	e := newEnv(t)
	e.user("alpha", "v@example.org", kith.RoleVisitor, "a long password")
	c := browser(t)
	if r := signIn(t, e, c, "v@example.org", "a long password"); r.Status != 303 || r.Header.Get("Location") != "/" {
		t.Fatalf("a visitor signs in with a password: %d %s", r.Status, r.Header.Get("Location"))
	}
	acct, csrf := page(t, e, c, "/account")
	if !strings.Contains(text(acct), "Set up an authenticator app") {
		t.Fatalf("account page: %s", acct.Body)
	}
	en, _ := page(t, e, c, "/account/mfa")
	secret := strings.ReplaceAll(string(setupKeyRe.FindSubmatch(en.Body)[1]), " ", "")
	if r := postForm(t, c, e.URL+"/account/mfa", url.Values{"_csrf": {csrf}, "code": {e.totpCode(secret)}}); r.Status != 200 || len(recoveryRe.FindAll(r.Body, -1)) != 10 {
		t.Fatalf("a visitor's enrolment: %d %s", r.Status, r.Body)
	}
	if r, _ := passwordOnly(t, e, browser(t), "v@example.org", "a long password"); !strings.HasPrefix(r.Header.Get("Location"), "/sign-in/code") {
		t.Fatalf("an enrolled visitor: %d %s", r.Status, r.Header.Get("Location"))
	}
}

// Wrong passwords lock the account for a growing time; the limit per
// address honours trusted proxies and never stops a browser that signed
// in to its account before, so one address cannot lock everyone out.
func TestLockoutAndAddressLimit(t *testing.T) {
	e := newEnv(t)
	e.user("alpha", "v@example.org", kith.RoleVisitor, "a long password")
	c := browser(t)
	for i := 0; i < 5; i++ {
		if r, _ := passwordOnly(t, e, c, "v@example.org", "wrong password!"); r.Status != 422 {
			t.Fatalf("wrong password %d: %d", i, r.Status)
		}
	}
	r, _ := passwordOnly(t, e, c, "v@example.org", "a long password")
	if r.Status != 429 || !strings.Contains(text(r), "Too many wrong attempts for this account. Wait until") {
		t.Fatalf("the right password while locked: %d %s", r.Status, r.Body)
	}
	defer e.travelBack()
	e.travel(func(now time.Time) time.Time { return now.Add(61 * time.Second) })
	// The sixth wrong one locks for two minutes.
	if r, _ := passwordOnly(t, e, c, "v@example.org", "wrong password!"); r.Status != 422 {
		t.Fatalf("after a minute, wrong: %d", r.Status)
	}
	e.travel(func(now time.Time) time.Time { return now.Add(61*time.Second + 90*time.Second) })
	if r, _ := passwordOnly(t, e, c, "v@example.org", "a long password"); r.Status != 429 {
		t.Fatalf("90 s into a two-minute lock: %d", r.Status)
	}
	e.travel(func(now time.Time) time.Time { return now.Add(61*time.Second + 121*time.Second) })
	if r, _ := passwordOnly(t, e, c, "v@example.org", "a long password"); r.Status != 303 {
		t.Fatalf("after the lock: %d %s", r.Status, r.Body)
	}
	e.travelBack()

	// One address (an office NAT) fails twenty times: new browsers there
	// are refused, but c, which signed in to v@ before, is not.
	e.user("alpha", "w@example.org", kith.RoleVisitor, "a long password")
	limited := false
	for i := 0; i < 25; i++ {
		r, _ := passwordOnly(t, e, browser(t), fmt.Sprintf("nobody%d@example.org", i), "wrong password!")
		limited = limited || r.Status == 429
	}
	if !limited {
		t.Fatal("25 failures from one address were never limited")
	}
	if r, _ := passwordOnly(t, e, browser(t), "w@example.org", "a long password"); r.Status != 429 {
		t.Fatalf("a new browser at the limited address: %d", r.Status)
	}
	if r, _ := passwordOnly(t, e, c, "v@example.org", "a long password"); r.Status != 303 {
		t.Fatalf("a browser that signed in before, at the limited address: %d %s", r.Status, r.Body)
	}

	// Behind a trusted proxy each client address has its own limit.
	cfg := web.DefaultConfig()
	cfg.TrustedProxies = []string{"127.0.0.0/8"}
	p := newEnv(t, cfg)
	for i := 0; i < 30; i++ {
		pc := browser(t)
		page := doWith(t, pc, "GET", p.URL+"/sign-in", "", nil)
		tok := string(csrfRe.FindSubmatch(page.Body)[1])
		req, _ := http.NewRequest("POST", p.URL+"/sign-in", strings.NewReader(url.Values{"_csrf": {tok}, "email": {"x@example.org"}, "password": {"wrong password!"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		res, err := pc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == 429 {
			t.Fatalf("attempt %d from its own address behind the proxy: 429", i)
		}
	}
}

// People change their own password; a lead can send a reset link, and
// with it reset a lost authenticator.
func TestChangeAndResetPassword(t *testing.T) {
	e := newEnv(t)
	lead := leadBrowser(t, e)
	nav := e.user("alpha", "nav@example.org", kith.RoleNavigator, "a long password")
	c := browser(t)
	if r := signIn(t, e, c, "nav@example.org", "a long password"); r.Status != 303 {
		t.Fatalf("sign in: %d", r.Status)
	}
	other := browser(t)
	signIn(t, e, other, "nav@example.org", "a long password")
	_, csrf := page(t, e, c, "/account")
	for _, tc := range []struct{ current, next, again, want string }{
		{"wrong one here", "tea with Maud on Sundays", "tea with Maud on Sundays", "Your current password is not right"},
		{"a long password", "short", "short", "The new password must be at least 12 characters"},
		{"a long password", "password1234", "password1234", "is too common"},
		{"a long password", "tea with Maud on Sundays", "tea with Maud on Monday", "The two new passwords are not the same"},
	} {
		r := postForm(t, c, e.URL+"/account/password", url.Values{"_csrf": {csrf}, "current_password": {tc.current}, "new_password": {tc.next}, "confirm_password": {tc.again}})
		if r.Status != 422 || !strings.Contains(text(r), tc.want) {
			t.Fatalf("%+v: %d %s", tc, r.Status, text(r))
		}
	}
	r := postForm(t, c, e.URL+"/account/password", url.Values{"_csrf": {csrf}, "current_password": {"a long password"},
		"new_password": {"tea with Maud on Sundays"}, "confirm_password": {"tea with Maud on Sundays"}})
	if done := follow(t, e, c, r, "/account"); !strings.Contains(text(done), "Your password is changed") {
		t.Fatalf("change: %s", done.Body)
	}
	if r := doWith(t, other, "GET", e.URL+"/worklist", "", nil); r.Status != 303 {
		t.Fatalf("the other session after a change: %d", r.Status)
	}
	if r := signIn(t, e, browser(t), "nav@example.org", "tea with Maud on Sundays"); r.Status != 303 {
		t.Fatalf("the new password: %d", r.Status)
	}

	// The lead resets it, with the authenticator.
	_, lcsrf := page(t, e, lead, "/lead/users")
	done := follow(t, e, lead, postForm(t, lead, fmt.Sprintf("%s/lead/users/%d/reset", e.URL, nav.ID), url.Values{"_csrf": {lcsrf}, "mfa": {"yes"}}), "/lead/users")
	link := noticeRe.FindString(text(done))
	if link == "" || !strings.Contains(text(done), e.URL+link) {
		t.Fatalf("no reset link: %s", text(done))
	}
	if r := doWith(t, c, "GET", e.URL+"/worklist", "", nil); r.Status != 303 {
		t.Fatalf("the navigator's session after a reset: %d", r.Status)
	}
	rb := browser(t)
	rp := doWith(t, rb, "GET", e.URL+link, "", nil)
	if rp.Status != 200 || !strings.Contains(text(rp), "nav@example.org") {
		t.Fatalf("reset page: %d", rp.Status)
	}
	tok := string(csrfRe.FindSubmatch(rp.Body)[1])
	if r := postForm(t, rb, e.URL+link, url.Values{"_csrf": {tok}, "new_password": {"short"}, "confirm_password": {"short"}}); r.Status != 422 {
		t.Fatalf("a short reset: %d", r.Status)
	}
	if r := postForm(t, rb, e.URL+link, url.Values{"_csrf": {tok}, "new_password": {"kettle on at half past two"}, "confirm_password": {"kettle on at half past two"}}); r.Status != 303 {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	if r := doWith(t, rb, "GET", e.URL+link, "", nil); r.Status != 404 {
		t.Fatalf("a used reset link: %d", r.Status)
	}
	if r, _ := passwordOnly(t, e, browser(t), "nav@example.org", "kettle on at half past two"); !strings.HasPrefix(r.Header.Get("Location"), "/sign-in/enrol") {
		t.Fatalf("after a reset with the authenticator: %d %s", r.Status, r.Header.Get("Location"))
	}
}
