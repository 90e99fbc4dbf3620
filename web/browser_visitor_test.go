package web_test

import (
	"context"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/kith-project/kith"
)

// visit walks the screening form as a visitor on a phone would, counting
// taps: each press on a button, answer or field is one; typing is not.
type visit struct {
	t    *testing.T
	ctx  context.Context
	taps int
	axe  bool // check each page with axe-core as it is reached
}

func (v *visit) tap(sels ...string) {
	v.t.Helper()
	for _, s := range sels {
		do(v.t, v.ctx, chromedp.WaitVisible(s), chromedp.Click(s))
		v.taps++
	}
}

func (v *visit) fill(sel, text string) {
	v.t.Helper()
	do(v.t, v.ctx, chromedp.WaitVisible(sel), chromedp.Click(sel), chromedp.SendKeys(sel, text))
	v.taps++
}

// next presses Continue on a question page.
func (v *visit) next(step string) {
	v.t.Helper()
	v.tap("#step-" + step + ` button[value="continue"]`)
	if v.axe {
		do(v.t, v.ctx, chromedp.WaitNotVisible("#step-"+step))
		checkAccessibility(v.t, v.ctx, "/screen after "+step)
	}
}

// routine fills a routine screening (no red flags, the one loneliness
// question) up to check your answers.
func (v *visit) routine(name string) {
	v.t.Helper()
	v.tap("#s42-immediate-danger-1")
	v.next("danger")
	v.fill("#person-name", name)
	v.fill("#person-postcode", "LS1 4AP")
	v.next("person")
	v.next("seen")
	v.tap("#s42-care-and-support-needs-1", "#s42-unable-to-protect-self-1", "#s42-others-at-risk-1", "#s42-capacity-concern-1",
		"#s42-crime-suspected-1", "#s42-staff-or-provider-implicated-1", "#s42-visitor-concerned-1")
	v.next("safeguarding")
	v.tap("#instruments-ons-loneliness-answer-3")
	v.next("questions")
	v.tap("#consent-share")
	v.next("agreement")
	do(v.t, v.ctx, chromedp.WaitVisible("#step-check-title"))
}

func (v *visit) submit() {
	v.t.Helper()
	v.tap(`#step-check button[value="submit"]`)
}

// A routine screening at 360 px: at most 20 taps from the first question
// to the next step, every page and the check-your-answers page pass
// axe-core, and the visitor's own details are remembered for next time.
func TestBrowserRoutineScreeningInTwentyTaps(t *testing.T) {
	e := browserEnv(t)
	ctx := newBrowser(t, 360, 740)
	browserSignIn(t, ctx, e.URL, "visitor@example.org", "a long password")
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	checkAccessibility(t, ctx, "/screen: danger")
	shot(t, ctx, "screen-danger-360.png")
	v := &visit{t: t, ctx: ctx, axe: true}
	v.routine("Ada Tapper")
	checkAccessibility(t, ctx, "/screen: check your answers")
	shot(t, ctx, "screen-check-answers-360.png")
	check := evalJS[string](t, ctx, `document.getElementById("check-answers").textContent`)
	for _, want := range []string{"Ada Tapper", "LS1 4AP", "Hardly ever", "Nothing ticked"} {
		if !strings.Contains(check, want) {
			t.Errorf("check your answers lacks %q: %s", want, check)
		}
	}
	v.submit()
	do(t, ctx, chromedp.WaitVisible("#next-step-heading"))
	checkAccessibility(t, ctx, "result page")
	t.Logf("a routine screening took %d taps at 360 px", v.taps)
	if v.taps > 20 {
		t.Errorf("a routine screening took %d taps, more than 20", v.taps)
	}
	if h := evalJS[string](t, ctx, `document.getElementById("next-step-heading").textContent`); !strings.Contains(h, "Community support") {
		t.Errorf("next step %q", h)
	}
	nav := e.token("alpha", kith.RoleNavigator)
	if n := e.do("GET", "/api/v1/screenings", nav, nil).JSON(t)["total"]; n != float64(1) {
		t.Fatalf("%v screenings stored, want 1", n)
	}

	// A change from check your answers goes back to that page and returns.
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	v = &visit{t: t, ctx: ctx}
	v.routine("Bea Changer")
	v.tap(`#check-answers button[value="change:person"]`)
	do(t, ctx, chromedp.WaitVisible("#person-name"), chromedp.Clear("#person-name"), chromedp.SendKeys("#person-name", "Bea Changed"))
	v.next("person")
	do(t, ctx, chromedp.WaitVisible("#step-check-title"))
	if check := evalJS[string](t, ctx, `document.getElementById("check-answers").textContent`); !strings.Contains(check, "Bea Changed") {
		t.Errorf("the change is not on check your answers: %s", check)
	}
}

// The same by keyboard alone: Space chooses, Enter continues.
func TestBrowserRoutineScreeningByKeyboard(t *testing.T) {
	e := browserEnv(t)
	ctx := newBrowser(t, 360, 740)
	browserSignIn(t, ctx, e.URL, "visitor@example.org", "a long password")
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	press := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.WaitVisible(sel), chromedp.Focus(sel), chromedp.KeyEvent(" "))
	}
	typeInto := func(sel, text string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.WaitVisible(sel), chromedp.Focus(sel), chromedp.KeyEvent(text))
	}
	enter := func(step string) chromedp.Action[chromedp.Void] {
		sel := "#step-" + step + ` button[value="continue"]`
		return chromedp.Steps(chromedp.WaitVisible(sel), chromedp.Focus(sel), chromedp.KeyEvent("\r"))
	}
	do(t, ctx, press("#s42-immediate-danger-1"), enter("danger"),
		typeInto("#person-name", "Ada Keyboard"), typeInto("#person-postcode", "LS1 4AP\r"), // Enter in a field moves on too
		press("#ind-lives_alone"), enter("seen"),
		press("#s42-care-and-support-needs-1"), press("#s42-unable-to-protect-self-1"), press("#s42-others-at-risk-1"),
		press("#s42-capacity-concern-1"), press("#s42-crime-suspected-1"), press("#s42-staff-or-provider-implicated-1"),
		press("#s42-visitor-concerned-1"), enter("safeguarding"), enter("questions"),
		press("#consent-share"), enter("agreement"),
		chromedp.WaitVisible(`#step-check button[value="submit"]`), chromedp.Focus(`#step-check button[value="submit"]`), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible("#next-step-heading"))
	if h := evalJS[string](t, ctx, `document.getElementById("next-step-heading").textContent`); !strings.Contains(h, "Community support") {
		t.Errorf("next step %q", h)
	}
}

// A question left blank stops the visitor on its page with a GOV.UK error
// naming it, with and without signal; the error state passes axe-core.
func TestBrowserScreeningStepErrors(t *testing.T) {
	e := browserEnv(t)
	ctx := newBrowser(t, 360, 740)
	browserSignIn(t, ctx, e.URL, "visitor@example.org", "a long password")
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	v := &visit{t: t, ctx: ctx}
	v.next("danger")
	do(t, ctx, chromedp.WaitVisible("#step-errors"))
	if msg := evalJS[string](t, ctx, `document.getElementById("step-errors").textContent`); !strings.Contains(msg, "Say whether anyone is in danger right now") {
		t.Errorf("error summary %q", msg)
	}
	checkAccessibility(t, ctx, "/screen: danger with an error")
	// Yes shows 999 at once.
	v.tap("#s42-immediate-danger")
	if !evalJS[bool](t, ctx, `!document.getElementById("danger-now").classList.contains("govuk-radios__conditional--hidden")`) {
		t.Error("999 is not shown when someone is in danger")
	}
	v.next("danger")
	v.next("person")
	do(t, ctx, chromedp.WaitVisible("#step-errors"))
	msg := evalJS[string](t, ctx, `document.getElementById("step-errors").textContent`)
	for _, want := range []string{"Enter the person's name", "Enter the person's postcode, or use your location"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error summary lacks %q: %s", want, msg)
		}
	}
	checkAccessibility(t, ctx, "/screen: the person with errors")
	shot(t, ctx, "screen-person-errors-360.png")
}

// fillRedFlag fills a screening with a sign of abuse, up to check your
// answers.
func (v *visit) redFlag(name string) {
	v.t.Helper()
	v.tap("#s42-immediate-danger-1")
	v.next("danger")
	v.fill("#person-name", name)
	v.fill("#person-postcode", "LS1 4AP")
	v.tap("#safe-contact-phone-1", "#safe-contact-post-1", "#safe-contact-visit")
	v.next("person")
	v.tap("#ind-contact_controlled")
	v.next("seen")
	v.tap("#s42-care-and-support-needs", "#s42-unable-to-protect-self", "#s42-others-at-risk-1", "#s42-capacity-concern-1",
		"#s42-crime-suspected-1", "#s42-staff-or-provider-implicated-1", "#s42-visitor-concerned")
	v.next("safeguarding")
	v.next("questions")
	v.tap("#consent-share")
	v.next("agreement")
	do(v.t, v.ctx, chromedp.WaitVisible("#step-check-title"))
}

func queuedCount(t *testing.T, ctx context.Context) int {
	return int(evalJS[float64](t, ctx, `new Promise(r => { const q = indexedDB.open("kith-offline", 2); q.onsuccess = () => {
		const g = q.result.transaction("screenings").objectStore("screenings").count(); g.onsuccess = () => r(g.result); }; })`))
}

// Without signal: a red-flag screening says at once to raise a concern,
// the form is cleared for the next person with a new key, a second
// screening is kept beside the first, and when signal returns both are
// sent and listed under "Sent today" with the concern reference.
func TestBrowserTwoOfflineScreeningsBothSent(t *testing.T) {
	e := browserEnv(t)
	nav := e.token("alpha", kith.RoleNavigator)
	ctx := newBrowser(t, 360, 740)
	browserSignIn(t, ctx, e.URL, "visitor@example.org", "a long password")
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	waitFor(t, ctx, `navigator.serviceWorker.ready.then(() => true)`)
	firstKey := evalJS[string](t, ctx, `document.querySelector("input[name=client_ref]").value`)
	setOffline(t, ctx, true)
	waitFor(t, ctx, `!navigator.onLine`)
	v := &visit{t: t, ctx: ctx}
	v.redFlag("Olive Offline")
	v.submit()
	waitFor(t, ctx, `document.getElementById("saved-next-step")?.textContent.includes("Raise a safeguarding concern now: call 0113 496 0000")`)
	waitFor(t, ctx, `document.getElementById("offline-banner-text").textContent.includes("Waiting to send (1)")`)
	shot(t, ctx, "screen-saved-offline-360.png")
	checkAccessibility(t, ctx, "/screen saved offline")
	if got := evalJS[string](t, ctx, `document.getElementById("person-name").value + document.querySelector("input[name=client_ref]").value`); got == firstKey || strings.Contains(got, "Olive") {
		t.Fatalf("the form was not cleared for the next person: %q", got)
	}
	if vis := evalJS[bool](t, ctx, `!document.getElementById("step-danger").hidden`); !vis {
		t.Fatal("the next screening does not start at the first question")
	}
	v.routine("Percy Second")
	v.submit()
	waitFor(t, ctx, `document.getElementById("offline-banner-text").textContent.includes("Waiting to send (2)")`)
	if n := queuedCount(t, ctx); n != 2 {
		t.Fatalf("%d screenings kept, want 2", n)
	}
	if n := e.do("GET", "/api/v1/screenings", nav, nil).JSON(t)["total"]; n != float64(0) {
		t.Fatalf("sent while offline: %v", n)
	}
	setOffline(t, ctx, false)
	waitFor(t, ctx, `navigator.onLine`)
	waitFor(t, ctx, `document.querySelectorAll("#sent-list li").length === 2`)
	if n := e.do("GET", "/api/v1/screenings", nav, nil).JSON(t)["total"]; n != float64(2) {
		t.Fatalf("after the connection returned: %v screenings, want 2", n)
	}
	sent := evalJS[string](t, ctx, `document.getElementById("sent-list").textContent`)
	for _, want := range []string{"Olive Offline: Raise a safeguarding concern now", "Concern reference SG-", "Percy Second: Community support"} {
		if !strings.Contains(sent, want) {
			t.Errorf("sent today lacks %q: %s", want, sent)
		}
	}
	shot(t, ctx, "screen-sent-today-360.png")
	checkAccessibility(t, ctx, "/screen with sent today")
}

// A shared phone: a screening kept without signal stays locked to the
// visitor who made it. Signing out warns; the next person, of this site or
// another, neither sees nor sends it; its author, signing in again, does.
func TestBrowserSharedPhoneNeverSendsAsAnotherUser(t *testing.T) {
	e := browserEnv(t)
	e.user("alpha", "second@example.org", kith.RoleVisitor, "a long password")
	e.user("beta", "other-council@example.org", kith.RoleVisitor, "a long password")
	navAlpha, navBeta := e.token("alpha", kith.RoleNavigator), e.token("beta", kith.RoleNavigator)
	ctx := newBrowser(t, 360, 740)
	browserSignIn(t, ctx, e.URL, "visitor@example.org", "a long password")
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	waitFor(t, ctx, `navigator.serviceWorker.ready.then(() => true)`)
	setOffline(t, ctx, true)
	waitFor(t, ctx, `!navigator.onLine`)
	v := &visit{t: t, ctx: ctx}
	v.routine("Shared Phone")
	v.submit()
	waitFor(t, ctx, `document.getElementById("offline-banner-text").textContent.includes("Waiting to send (1)")`)
	// Signing out with a screening waiting warns first.
	do(t, ctx, chromedp.Click(`form[action="/sign-out"] button`), chromedp.WaitVisible("#sign-out-warning"))
	if w := evalJS[string](t, ctx, `document.getElementById("sign-out-warning").textContent`); !strings.Contains(w, "locked to you") {
		t.Errorf("sign-out warning %q", w)
	}
	checkAccessibility(t, ctx, "/screen sign-out warning")
	// The session ends before signal returns: sending is refused, and the
	// phone says so rather than trying again in silence.
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	setOffline(t, ctx, false)
	waitFor(t, ctx, `navigator.onLine`)
	waitFor(t, ctx, `document.getElementById("waiting-list")?.textContent.includes("Not sent")`)
	total := func(nav string) float64 {
		return e.do("GET", "/api/v1/screenings", nav, nil).JSON(t)["total"].(float64)
	}
	for _, who := range []string{"second@example.org", "other-council@example.org"} {
		browserSignIn(t, ctx, e.URL, who, "a long password")
		do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"), chromedp.Sleep(1500e6))
		if shown := evalJS[string](t, ctx, `document.getElementById("offline-queue").hidden ? "" : document.getElementById("offline-queue").textContent`); strings.Contains(shown, "Shared Phone") {
			t.Errorf("%s sees another visitor's screening: %s", who, shown)
		}
		do(t, ctx, chromedp.Click(`form[action="/sign-out"] button`), chromedp.WaitVisible("#email"))
	}
	if got := total(navAlpha); got != 0 {
		t.Fatalf("site alpha has %v screenings after others signed in, want 0", got)
	}
	if got := total(navBeta); got != 0 {
		t.Fatalf("another council received %v screenings from the shared phone", got)
	}
	// Its author signs in again and it is sent, once.
	browserSignIn(t, ctx, e.URL, "visitor@example.org", "a long password")
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"))
	// The list is drawn again as the phone looks for work to send, so the
	// button is pressed once it is there, in the page itself.
	waitFor(t, ctx, `(() => { const b = document.querySelector("#waiting-list button"); if (b) b.click(); return !!b; })()`)
	waitFor(t, ctx, `document.querySelectorAll("#sent-list li").length === 1`)
	if got := total(navAlpha); got != 1 {
		t.Fatalf("site alpha has %v screenings after its author signed in, want 1", got)
	}
}

// Every yes/no question answered through the form in a real browser, all
// Yes and then all No, reads back through the API as it was answered.
func TestBrowserEveryYesNoStoredAsAnswered(t *testing.T) {
	e := browserEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	ctx := newBrowser(t, 360, 740)
	browserSignIn(t, ctx, e.URL, "visitor@example.org", "a long password")
	for round, answer := range []string{"yes", "no"} {
		opt := func(id string) string {
			if round == 1 {
				return id + "-1"
			}
			return id
		}
		do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
		v := &visit{t: t, ctx: ctx}
		v.tap(opt("#s42-immediate-danger"))
		v.next("danger")
		v.fill("#person-name", "Yan Yesno")
		v.fill("#person-postcode", "LS1 4AP")
		v.tap(opt("#person-leaves-home-without-help"), opt("#safe-contact-phone"), opt("#safe-contact-post"), opt("#safe-contact-visit"))
		v.next("person")
		v.next("seen")
		v.tap(opt("#s42-care-and-support-needs"), opt("#s42-unable-to-protect-self"), opt("#s42-others-at-risk"))
		if answer == "yes" {
			v.tap("#s42-others-at-risk-who")
		}
		v.tap(opt("#s42-capacity-concern"), opt("#s42-crime-suspected"), opt("#s42-staff-or-provider-implicated"),
			opt("#s42-visitor-concerned"), opt("#seen-alone"), "#harm-details summary", opt("#s42-own-organisation-implicated"))
		v.next("safeguarding")
		v.next("questions")
		v.tap(opt("#consent-share"))
		v.next("agreement")
		v.submit()
		do(t, ctx, chromedp.WaitVisible("#next-step-heading"))
		loc := evalJS[string](t, ctx, `location.pathname`)
		sa := e.do("GET", "/api/v1"+loc+"/subject-access", lead, nil).JSON(t)
		req := sa["screening"].(map[string]any)["as_submitted"].(map[string]any)
		yes := answer == "yes"
		for path, want := range map[string]any{
			"person.housebound": !yes, "s42.immediate_danger": yes, "s42.care_and_support_needs": answer,
			"s42.unable_to_protect_self": answer, "s42.others_at_risk": yes, "s42.capacity_concern": yes,
			"s42.crime_suspected": yes, "s42.staff_or_provider_implicated": yes, "s42.visitor_concerned": yes,
			"s42.own_organisation_implicated": yes, "seen_alone": yes, "safe_contact.phone": answer,
			"safe_contact.post": answer, "safe_contact.visit": answer, "consent.share": answer,
		} {
			var got any = req
			for _, part := range strings.Split(path, ".") {
				m, _ := got.(map[string]any)
				got = m[part]
			}
			if got != want {
				t.Errorf("all %s: %s is stored as %v, want %v", answer, path, got, want)
			}
		}
	}
}

// A screening marked to check (its answers may be stored the wrong way
// round) is listed for navigators; on its page the navigator records what
// the visitor said, and the page then says how to read the answers.
func TestBrowserNavigatorChecksAMarkedScreening(t *testing.T) {
	e := browserEnv(t)
	visitor := e.token("alpha", kith.RoleVisitor)
	sid := e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "yes", nil)).JSON(t)["id"].(string)
	if err := e.Stores.Reviews.MarkScreeningForReview(context.Background(), kith.Actor{Site: "alpha", Kind: "system", ID: "test"}, sid,
		[]string{"person.housebound", "s42.unable_to_protect_self"}); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t, 360, 740)
	browserSignIn(t, ctx, e.URL, "navigator@example.org", "a long password")
	do(t, ctx, chromedp.Navigate(e.URL+"/"), chromedp.WaitVisible(`main a[href="/screenings/to-check"]`), chromedp.Click(`main a[href="/screenings/to-check"]`),
		chromedp.WaitVisible("table"))
	checkAccessibility(t, ctx, "/screenings/to-check")
	do(t, ctx, chromedp.Click(`table a[href^="/screenings/"]`), chromedp.WaitVisible("#review"))
	if w := evalJS[string](t, ctx, `document.getElementById("review").textContent`); !strings.Contains(w, "Can they leave home without help?") || !strings.Contains(w, "Could the person protect themselves?") {
		t.Errorf("review warning %q", w)
	}
	checkAccessibility(t, ctx, "/screenings/{id} marked to check")
	do(t, ctx, chromedp.Click(`form[action$="/review"] button`), chromedp.WaitVisible(".govuk-error-summary"))
	checkAccessibility(t, ctx, "/screenings/{id} review with an error")
	do(t, ctx, chromedp.Click("#outcome-1"), chromedp.Click(`form[action$="/review"] button`))
	// The old page also has #review: wait for the page the form leads to.
	waitFor(t, ctx, `document.readyState === "complete" && !!document.getElementById("review") && document.getElementById("review").textContent.includes("read each Yes as No")`)
	do(t, ctx, chromedp.Navigate(e.URL+"/screenings/to-check"), chromedp.WaitVisible("h1"))
	if body := evalJS[string](t, ctx, `document.querySelector("main").textContent`); !strings.Contains(body, "There are no screenings to check") {
		t.Errorf("the checked screening is still listed: %s", body)
	}
}

// The visitor's own details are remembered on the phone for them, shown
// for confirmation on the next screening, and never offered to someone
// else signing in on the same phone.
func TestBrowserVisitorDetailsRemembered(t *testing.T) {
	e := browserEnv(t)
	e.user("alpha", "second@example.org", kith.RoleVisitor, "a long password")
	ctx := newBrowser(t, 360, 740)
	browserSignIn(t, ctx, e.URL, "visitor@example.org", "a long password")
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	v := &visit{t: t, ctx: ctx}
	v.routine("Ada Remembered")
	v.tap(`#check-answers button[value="change:agreement"]`)
	v.fill("#observer-name", "Sam Carter")
	v.fill("#observer-role", "Home carer")
	v.next("agreement")
	v.submit()
	do(t, ctx, chromedp.WaitVisible("#next-step-heading"), chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	if got := evalJS[string](t, ctx, `document.getElementById("observer-name").value + "/" + document.getElementById("observer-role").value + "/" + document.getElementById("about-you-remembered").hidden`); got != "Sam Carter/Home carer/false" {
		t.Errorf("remembered details: %q", got)
	}
	do(t, ctx, chromedp.Click(`form[action="/sign-out"] button`), chromedp.WaitVisible("#email"))
	browserSignIn(t, ctx, e.URL, "second@example.org", "a long password")
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	if got := evalJS[string](t, ctx, `document.getElementById("observer-name").value + document.getElementById("observer-role").value`); got != "" {
		t.Errorf("another visitor is offered %q", got)
	}
}
