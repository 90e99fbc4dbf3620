package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/kith-project/kith"
)

// A navigator's first sign-in on a phone-sized screen, by keyboard: the
// password, then setting up an authenticator app from the QR code page
// (typing the setup key's code), the recovery codes, then their account
// page. Every page passes the accessibility check.
func TestBrowserNavigatorSetsUpAnAuthenticator(t *testing.T) {
	e := newEnv(t)
	e.user("alpha", "first@example.org", kith.RoleNavigator, "a long password")
	ctx := newBrowser(t, 360, 800)
	do(t, ctx, chromedp.Navigate(e.URL+"/sign-in"), chromedp.WaitVisible("#email"),
		chromedp.SendKeys("#email", "first@example.org"), chromedp.SendKeys("#password", "a long password"),
		chromedp.Click("form button[type=submit]"), chromedp.WaitVisible("img.kith-qr"))
	checkAccessibility(t, ctx, "/sign-in/enrol")
	shot(t, ctx, "mfa-enrol.png")
	if w := evalJS[float64](t, ctx, `document.querySelector("img.kith-qr").naturalWidth`); w < 200 {
		t.Fatalf("the QR code did not load as an image: width %v", w)
	}
	// A wrong code first: the error is shown beside the field.
	do(t, ctx, chromedp.SendKeys("#code", "000000"), chromedp.Click("form button[type=submit]"), chromedp.WaitVisible(".govuk-error-summary"))
	checkAccessibility(t, ctx, "/sign-in/enrol with an error")
	key := evalJS[string](t, ctx, `document.getElementById("setup-key").textContent`)
	code := e.totpCode(strings.ReplaceAll(key, " ", ""))
	do(t, ctx, chromedp.SendKeys("#code", code), chromedp.Click("form button[type=submit]"), chromedp.WaitVisible("#recovery-codes"))
	checkAccessibility(t, ctx, "recovery codes")
	if n := evalJS[float64](t, ctx, `document.querySelectorAll("#recovery-codes code").length`); n != 10 {
		t.Fatalf("%v recovery codes", n)
	}
	do(t, ctx, chromedp.Click("#continue"), chromedp.WaitVisible(`form[action="/sign-out"]`))
	do(t, ctx, chromedp.Navigate(e.URL+"/account"), chromedp.WaitVisible("#current-password"))
	checkAccessibility(t, ctx, "/account")
	// Sign out and in again: the code page.
	do(t, ctx, chromedp.Click(`form[action="/sign-out"] button`), chromedp.WaitVisible("#email"),
		chromedp.SendKeys("#email", "first@example.org"), chromedp.SendKeys("#password", "a long password"),
		chromedp.Click("form button[type=submit]"), chromedp.WaitVisible("#code"))
	checkAccessibility(t, ctx, "/sign-in/code")
	shot(t, ctx, "mfa-code.png")
}
