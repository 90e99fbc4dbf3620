package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var concernRefRe = regexp.MustCompile(`SG-\d{4}-\d{6}`)

// The safeguarding front door, walked in the pages: a lead gives a
// colleague the safeguarding role; a home carer raises a concern on a
// phone; it reaches the outbox addressed to the safeguarding team and the
// Concerns page; the officer records the council's decision; the carer
// sees what happened, in plain words and nothing more.
func TestBrowserConcernFrontDoor(t *testing.T) {
	e := browserEnv(t)
	setTeamEmail(t, e, "safeguarding@alpha.example")
	const pw = "a long password"

	lead := newBrowser(t, 1024, 900)
	browserSignIn(t, lead, e.URL, "lead@example.org", pw)
	do(t, lead, chromedp.Navigate(e.URL+"/lead/users"), chromedp.WaitVisible("#email"),
		chromedp.SendKeys("#email", "officer@example.org"), chromedp.Click("#role-2"), chromedp.SendKeys("#password", pw),
		chromedp.Click(`form[action="/lead/users"] button[type=submit]`), chromedp.WaitVisible(".govuk-notification-banner"))
	if body := evalJS[string](t, lead, `document.querySelector("main").textContent`); !strings.Contains(body, "officer@example.org can now sign in as a safeguarding") {
		t.Fatalf("the lead's users page: %s", body)
	}

	visitor := newBrowser(t, 360, 740)
	browserSignIn(t, visitor, e.URL, "visitor@example.org", pw)
	do(t, visitor, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	v := &visit{t: t, ctx: visitor}
	v.tap("#s42-immediate-danger-1")
	v.next("danger")
	v.fill("#person-name", "Edna Bruise")
	v.fill("#person-postcode", "LS1 4AP")
	v.fill("#safe-contact-do-not-contact", "Her son Barry")
	v.next("person")
	v.tap("#ind-unexplained_injuries")
	v.next("seen")
	v.tap("#s42-care-and-support-needs", "#s42-unable-to-protect-self-2", "#s42-others-at-risk-1", "#s42-capacity-concern-1",
		"#s42-crime-suspected-1", "#s42-staff-or-provider-implicated-1", "#s42-visitor-concerned", "#seen-alone-1")
	v.next("safeguarding")
	v.next("questions")
	v.tap("#consent-share-2")
	v.fill("#observer-name", "Sam Carter")
	v.fill("#observer-phone", "07700 900456")
	checkAccessibility(t, visitor, "/screen with the visitor's call-back number")
	v.next("agreement")
	v.submit()
	do(t, visitor, chromedp.WaitVisible("#next-step-heading"))
	ref := concernRefRe.FindString(evalJS[string](t, visitor, `document.querySelector("main").textContent`))
	if ref == "" {
		t.Fatal("the result page gives no concern reference")
	}

	// The outbox holds it, addressed to the safeguarding team.
	msgs := pendingMessages(t, e)
	if len(msgs) != 1 || msgs[0].To != "safeguarding@alpha.example" || !strings.Contains(msgs[0].Subject, ref) {
		t.Fatalf("the outbox: %+v", msgs)
	}

	officer := newBrowser(t, 1024, 900)
	browserSignIn(t, officer, e.URL, "officer@example.org", pw)
	do(t, officer, chromedp.Navigate(e.URL+"/concerns"), chromedp.WaitVisible(".govuk-summary-card"))
	checkAccessibility(t, officer, "/concerns")
	if body := evalJS[string](t, officer, `document.querySelector("main").textContent`); !strings.Contains(body, ref) || !strings.Contains(body, "Waiting for a decision") {
		t.Fatalf("the Concerns page: %s", body)
	}
	do(t, officer, chromedp.Click(`.govuk-summary-card a[href^="/concerns/"]`), chromedp.WaitVisible("#enquiry"))
	checkAccessibility(t, officer, "/concerns/{id}")
	body := evalJS[string](t, officer, `document.querySelector("main").textContent`)
	for _, want := range []string{"Do not contact or tell Her son Barry", "Sam Carter", "07700 900456", "Has injuries with no clear explanation", "Physical"} {
		if !strings.Contains(body, want) {
			t.Errorf("the concern page lacks %q", want)
		}
	}
	// Saved without a decision: the page says what is missing.
	do(t, officer, chromedp.Click(`form[method=post] button[type=submit]`), chromedp.WaitVisible(".govuk-error-summary"))
	checkAccessibility(t, officer, "/concerns/{id} with errors")
	if s := evalJS[string](t, officer, `document.querySelector(".govuk-error-summary").textContent`); !strings.Contains(s, "Choose the council's decision") {
		t.Fatalf("the error: %s", s)
	}
	do(t, officer, chromedp.Click("#enquiry"), chromedp.Click("#source-of-risk-1"),
		chromedp.Click(`form[method=post] button[type=submit]`), chromedp.WaitVisible(".govuk-notification-banner"))
	checkAccessibility(t, officer, "/concerns/{id} after the decision")
	shot(t, officer, "concern-after-decision-1024.png")
	body = evalJS[string](t, officer, `document.querySelector("main").textContent`)
	if !strings.Contains(body, "A section 42 enquiry, under way") || !strings.Contains(body, "Someone they know") {
		t.Fatalf("after the decision: %s", body)
	}
	do(t, officer, chromedp.Navigate(e.URL+"/concerns"), chromedp.WaitVisible(".govuk-summary-card"))
	if body := evalJS[string](t, officer, `document.querySelector("main").textContent`); !strings.Contains(body, "under way") {
		t.Fatalf("the Concerns page after the decision: %s", body)
	}
	summary := evalJS[string](t, officer, `document.querySelector(".govuk-summary-card a").getAttribute("href")`) + "/summary.html"
	do(t, officer, chromedp.Navigate(e.URL+summary), chromedp.WaitVisible("h1"))
	checkAccessibility(t, officer, "concern summary (HTML) from the concern page")

	// The officer's pages on a phone.
	phone := newBrowser(t, 360, 740)
	browserSignIn(t, phone, e.URL, "officer@example.org", pw)
	do(t, phone, chromedp.Navigate(e.URL+"/concerns"), chromedp.WaitVisible(".govuk-summary-card"))
	checkAccessibility(t, phone, "/concerns at 360 px")
	shot(t, phone, "concerns-360.png")
	do(t, phone, chromedp.Click(`.govuk-summary-card a[href^="/concerns/"]`), chromedp.WaitVisible("#enquiry"))
	checkAccessibility(t, phone, "/concerns/{id} at 360 px")

	// The carer, from her home page (a new browser: each has two minutes).
	visitor = newBrowser(t, 360, 740)
	browserSignIn(t, visitor, e.URL, "visitor@example.org", pw)
	do(t, visitor, chromedp.Navigate(e.URL+"/"), chromedp.WaitVisible("h1"), chromedp.Click(`main a[href="/concerns-raised"]`), chromedp.WaitVisible(".govuk-summary-card"))
	checkAccessibility(t, visitor, "/concerns-raised")
	shot(t, visitor, "concerns-raised-360.png")
	mine := evalJS[string](t, visitor, `document.querySelector("main").textContent`)
	for _, want := range []string{ref, "Edna Bruise", "The council is making a safeguarding enquiry (section 42 of the Care Act)"} {
		if !strings.Contains(mine, want) {
			t.Errorf("Concerns you raised lacks %q: %s", want, mine)
		}
	}
	for _, never := range []string{"Someone they know", "Physical", "Barry"} {
		if strings.Contains(mine, never) {
			t.Errorf("Concerns you raised shows %q, which the team recorded", never)
		}
	}
}
