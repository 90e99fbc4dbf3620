package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
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

// A navigator signs in with their council account in the browser, through
// the provider's own login page, and lands on the page they asked for; the
// lead's mapping page and the reset page pass the accessibility check.
func TestBrowserCouncilSignIn(t *testing.T) {
	e := browserEnv(t)
	issuer := startProvider(t, e)
	ctx := context.Background()
	if err := app.SetOIDCProvider(ctx, e.Stores.OIDC, kith.Actor{Site: "alpha", Kind: "cli", ID: "test"},
		app.OIDCProvider{Issuer: issuer, ClientID: "kith", ClientSecret: "kith-client-secret", Claim: "groups"}); err != nil {
		t.Fatal(err)
	}
	if err := e.App.SetRoleMapping(ctx, kith.Actor{Site: "alpha", Kind: "user", ID: "3", Role: kith.RoleLead},
		map[string]kith.Role{"grp-navigators": kith.RoleNavigator}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, 360, 800)
	do(t, b, chromedp.Navigate(e.URL+"/worklist"), chromedp.WaitVisible("#sso-alpha"))
	checkAccessibility(t, b, "/sign-in with council sign-in")
	do(t, b, chromedp.Click("#sso-alpha"), chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", "nora"), chromedp.SendKeys("#password", "provider-password"),
		chromedp.Click("form button[type=submit], form input[type=submit]"), chromedp.WaitVisible(`form[action="/sign-out"]`))
	if loc, _ := chromedp.Run(b, chromedp.Location()); !strings.HasSuffix(loc, "/worklist") {
		t.Fatalf("after council sign-in: %s", loc)
	}
	shot(t, b, "council-sign-in.png")

	lb := newBrowser(t, 1024, 900)
	browserSignIn(t, lb, e.URL, "lead@example.org", "a long password")
	do(t, lb, chromedp.Navigate(e.URL+"/lead/sign-in"), chromedp.WaitVisible("#groups-navigator"))
	checkAccessibility(t, lb, "/lead/sign-in with a provider")
	tok, err := e.App.ResetPassword(ctx, kith.Actor{Site: "alpha", Kind: "user", ID: "3", Role: kith.RoleLead}, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	rb := newBrowser(t, 360, 800)
	do(t, rb, chromedp.Navigate(e.URL+"/reset/"+tok), chromedp.WaitVisible("#new-password"))
	checkAccessibility(t, rb, "/reset")
	do(t, rb, chromedp.SendKeys("#new-password", "short"), chromedp.SendKeys("#confirm-password", "short"),
		chromedp.Click("main form button[type=submit]"), chromedp.WaitVisible(".govuk-error-summary"))
	checkAccessibility(t, rb, "/reset with an error")
}
