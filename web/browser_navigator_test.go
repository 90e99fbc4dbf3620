package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/web"
)

// The whole loop in real browsers: a visitor screens on a phone; the
// navigator, on a laptop, finds the screening waiting, makes the referral
// from the pages, assigns and sends it; the provider, on a phone, types
// the code from the letter and accepts; the navigator reassigns it to a
// named colleague and closes it with the outcome. axe-core checks every
// new page, at 360 px and laptop width.
func TestBrowserNavigatorJourney(t *testing.T) {
	e := browserEnv(t)
	colleague := e.user("alpha", "colleague@example.org", kith.RoleNavigator, "a long password")
	lead := kith.Actor{Site: "alpha", Kind: "cli", ID: "test", Role: kith.RoleLead}
	if err := e.App.SetDisplayName(t.Context(), lead, colleague.ID, "Carys Colleague"); err != nil {
		t.Fatal(err)
	}

	// The visitor screens on a phone.
	phone := newBrowser(t, 360, 740)
	browserSignIn(t, phone, e.URL, "visitor@example.org", "a long password")
	do(t, phone, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	v := &visit{t: t, ctx: phone}
	v.tap("#s42-immediate-danger-1")
	v.next("danger")
	v.fill("#person-name", "Ada Journey")
	v.fill("#person-postcode", "LS1 4AP")
	v.next("person")
	v.tap("#ind-lives_alone", "#ind-no_regular_visitors", "#ind-rarely_goes_out")
	v.next("seen")
	v.tap("#s42-care-and-support-needs-1", "#s42-unable-to-protect-self-1", "#s42-others-at-risk-1", "#s42-capacity-concern-1",
		"#s42-crime-suspected-1", "#s42-staff-or-provider-implicated-1", "#s42-visitor-concerned-1")
	v.next("safeguarding")
	v.next("questions")
	v.tap("#consent-share")
	v.next("agreement")
	v.submit()
	do(t, phone, chromedp.WaitVisible("#next-step-heading"))

	// The navigator finds it waiting and makes the referral.
	laptop := newBrowser(t, 1024, 900)
	browserSignIn(t, laptop, e.URL, "navigator@example.org", "a long password")
	do(t, laptop, chromedp.Navigate(e.URL+"/navigator/screenings"), chromedp.WaitVisible("table"))
	checkAccessibility(t, laptop, "/navigator/screenings")
	href := evalJS[string](t, laptop, `[...document.querySelectorAll("main a")].filter(a => a.textContent.includes("Ada Journey")).map(a => a.getAttribute("href"))[0] || ""`)
	if !strings.HasPrefix(href, "/navigator/screenings/") {
		t.Fatalf("the screening is not waiting: %s", evalJS[string](t, laptop, `document.querySelector("main").textContent`))
	}
	do(t, laptop, chromedp.Navigate(e.URL+href), chromedp.WaitVisible(`#q`))
	checkAccessibility(t, laptop, "/navigator/screenings/{id}")
	do(t, laptop, chromedp.Click(`form input[value="refer"] ~ button`), chromedp.WaitVisible("#moves"))
	refID := strings.TrimPrefix(evalJS[string](t, laptop, `location.pathname`), "/referrals/")
	waitState := func(to referral.State) {
		t.Helper()
		waitFor(t, laptop, fmt.Sprintf(`document.readyState === "complete" && location.pathname === "/referrals/%s" && document.body.textContent.includes(%q)`, refID, web.StateWords(to)))
	}
	do(t, laptop, chromedp.Click(`[data-move="assigned"]`), chromedp.WaitVisible("#assignee"),
		chromedp.Click(`//label[contains(., "(you)")]`), chromedp.Click(`main form[method=post] button[type=submit]`))
	waitState(referral.Assigned)
	for _, to := range []referral.State{referral.Contacted, referral.Sent} {
		do(t, laptop, chromedp.Click(fmt.Sprintf(`[data-move=%q]`, to)))
		waitState(to)
	}
	code := evalJS[string](t, laptop, `document.getElementById("provider-code").textContent.trim()`)

	// The provider types the code from the letter, on a phone, and accepts.
	provider := newBrowser(t, 360, 740)
	do(t, provider, chromedp.Navigate(e.URL+"/provider"), chromedp.WaitVisible("#code"))
	checkAccessibility(t, provider, "/provider")
	do(t, provider, chromedp.SendKeys("#code", strings.ToLower(code)), chromedp.Click("main form button[type=submit]"),
		chromedp.WaitVisible(`button[value="accepted"]`))
	checkAccessibility(t, provider, "/provider/{token}")
	do(t, provider, chromedp.Click(`button[value="accepted"]`), chromedp.WaitVisible(".govuk-panel"))

	// The navigator reassigns it to a named colleague, then closes it.
	do(t, laptop, chromedp.Reload())
	waitState(referral.Accepted)
	do(t, laptop, chromedp.Click(`[data-move="reassign"]`), chromedp.WaitVisible("#assignee"))
	checkAccessibility(t, laptop, "reassign page")
	do(t, laptop, chromedp.Click(`//label[contains(., "Carys Colleague")]`), chromedp.Click(`main form[method=post] button[type=submit]`))
	waitFor(t, laptop, `document.readyState === "complete" && document.body.textContent.includes("reassigned from") && document.body.textContent.includes("Carys Colleague")`)
	do(t, laptop, chromedp.Click(`[data-move="engaged"]`))
	waitState(referral.Engaged)
	do(t, laptop, chromedp.Click(`[data-move="closed"]`), chromedp.WaitVisible("#outcome-desired-outcomes-asked"),
		chromedp.Click("#outcome-desired-outcomes-asked"), chromedp.Click("#outcome-achieved"), chromedp.Click("#outcome-feels-safer"),
		chromedp.Click(`main form[method=post] button[type=submit]`))
	waitState(referral.Closed)
	checkAccessibility(t, laptop, "/referrals/{id} closed")
	shot(t, laptop, "navigator-referral-closed")
	got := decodeReferral(t, e.do("GET", "/api/v1/referrals/"+refID, e.token("alpha", kith.RoleNavigator), nil))
	if got.State != "closed" || got.Assignee != fmt.Sprintf("user:%d", colleague.ID) {
		t.Fatalf("after the journey: %s, assigned to %s", got.State, got.Assignee)
	}
	// The letters read as pictures: the HTML twin at phone width, styled.
	do(t, provider, chromedp.Navigate(e.URL+"/sign-in"), chromedp.WaitVisible("#email"))
	do(t, laptop, chromedp.Navigate(e.URL+"/referrals/"+refID+"/letters/provider.html"), chromedp.WaitVisible("h1"))
	waitFor(t, laptop, `document.readyState === "complete"`)
	checkAccessibility(t, laptop, "provider letter (HTML)")
	if font := evalJS[string](t, laptop, `getComputedStyle(document.body).fontFamily`); !strings.Contains(strings.ToLower(font), "arial") {
		css := evalJS[string](t, laptop, `(() => { const l = document.querySelector("link[rel=stylesheet]"); return l ? fetch(l.href).then(r => r.text()).then(t => l.href + " " + t.slice(0, 300) + " sheets=" + document.styleSheets.length + " rules=" + (document.styleSheets[0] ? document.styleSheets[0].cssRules.length : -1) + " class=" + document.body.className) : "no link" })()`)
		t.Fatalf("the letter's HTML twin is unstyled: font %q, stylesheet %s", font, css)
	}
	shot(t, laptop, "provider-letter-html")
	// And the code stops working once the referral is closed.
	do(t, provider, chromedp.Navigate(e.URL+"/provider"), chromedp.WaitVisible("#code"), chromedp.SendKeys("#code", code),
		chromedp.Click("main form button[type=submit]"))
	waitFor(t, provider, `document.readyState === "complete" && document.body.textContent.includes("no longer works")`)
	if body := evalJS[string](t, provider, `document.body.textContent`); strings.Contains(body, "Ada Journey") {
		t.Fatalf("a closed referral's code: %s", body)
	}
}
