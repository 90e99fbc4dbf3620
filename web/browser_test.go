package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/web"
)

// The browser tests drive Debian's Chromium through chromedp. The test
// command installs it; a missing browser is a failure, never a skip, so CI
// cannot pass without running them.
const chromiumPath = "/usr/bin/chromium"

func newBrowser(t *testing.T, width, height int64) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		t.Fatalf("Chromium is needed for the browser tests: run ./scripts/test (it installs Debian's chromium), or apt-get install chromium: %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func evalJS[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %q: %v", js, err)
	}
	return v
}

// browserSignIn signs in by keyboard, typing the authenticator code too
// where the role needs one (set up for the user as signIn does).
func browserSignIn(t *testing.T, ctx context.Context, base, email, pw string) {
	t.Helper()
	var secret string
	v, ok := envs.Load(base)
	if ok {
		secret = v.(*env).enrolMFA(email)
	}
	do(t, ctx, chromedp.Navigate(base+"/sign-in"), chromedp.WaitVisible("#email"),
		chromedp.SendKeys("#email", email), chromedp.SendKeys("#password", pw),
		chromedp.Click("form button[type=submit]"))
	if secret != "" {
		do(t, ctx, chromedp.WaitVisible("#code"), chromedp.SendKeys("#code", v.(*env).totpCode(secret)),
			chromedp.Click("form button[type=submit]"))
	}
	do(t, ctx, chromedp.WaitVisible(`form[action="/sign-out"]`))
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); strings.Contains(loc, "/sign-in") {
		t.Fatalf("sign-in failed for %s", email)
	}
}

var (
	axeOnce sync.Once
	axeJS   string
	axeErr  error
)

// checkAccessibility runs axe-core on the page in the browser and fails on
// any WCAG 2.2 A or AA violation.
func checkAccessibility(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	axeOnce.Do(func() {
		b, err := os.ReadFile("../tools/node_modules/axe-core/axe.min.js")
		axeJS, axeErr = string(b), err
	})
	if axeErr != nil {
		t.Fatalf("axe-core is needed (npm ci in tools/, which ./scripts/test runs): %v", axeErr)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeJS+";true")); err != nil {
		t.Fatalf("inject axe: %v", err)
	}
	res := evalJS[string](t, ctx, `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))`)
	var v []map[string]any
	if err := json.Unmarshal([]byte(res), &v); err != nil {
		t.Fatal(err)
	}
	if len(v) > 0 {
		t.Errorf("%s: %d accessibility violations: %s", page, len(v), res)
	}
}

// browserEnv is a server with the demo directory and a person in each role.
func browserEnv(t *testing.T) *env {
	e := newEnv(t)
	demoDirectory(t, e)
	e.user("alpha", "visitor@example.org", kith.RoleVisitor, "a long password")
	e.user("alpha", "navigator@example.org", kith.RoleNavigator, "a long password")
	e.user("alpha", "lead@example.org", kith.RoleLead, "a long password")
	return e
}

// The EASI questions are revealed only when the person is alone.
func TestBrowserEASIOnlyWhenAlone(t *testing.T) {
	e := browserEnv(t)
	ctx := newBrowser(t, 360, 740)
	browserSignIn(t, ctx, e.URL, "visitor@example.org", "a long password")
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	v := &visit{t: t, ctx: ctx}
	v.tap("#s42-immediate-danger-1")
	v.next("danger")
	v.fill("#person-name", "Ada Alone")
	v.fill("#person-postcode", "LS1 4AP")
	v.next("person")
	v.next("seen")
	if vis := evalJS[bool](t, ctx, `!document.getElementById("conditional-easi").classList.contains("govuk-radios__conditional--hidden")`); vis {
		t.Fatal("EASI questions shown before the visitor said the person is alone")
	}
	v.tap("#seen-alone")
	if vis := evalJS[bool](t, ctx, `!document.getElementById("conditional-easi").classList.contains("govuk-radios__conditional--hidden")`); !vis {
		t.Fatal("EASI questions not shown when the person is alone")
	}
	checkAccessibility(t, ctx, "/screen: safeguarding questions with EASI")
}

func setOffline(t *testing.T, ctx context.Context, offline bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
	emu := offline
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &emu,
		MatchedNetworkConditions:    []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", js)
}

// A screening made without signal is queued on the phone and sent once
// when the connection returns; sending it again makes no duplicate.
func TestBrowserOfflineScreeningQueuedAndSentOnce(t *testing.T) {
	e := browserEnv(t)
	nav := e.token("alpha", kith.RoleNavigator)
	ctx := newBrowser(t, 360, 740)
	browserSignIn(t, ctx, e.URL, "visitor@example.org", "a long password")
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	waitFor(t, ctx, `navigator.serviceWorker.ready.then(() => true)`)
	setOffline(t, ctx, true)
	waitFor(t, ctx, `!navigator.onLine`)
	v := &visit{t: t, ctx: ctx}
	v.routine("Olive Offline")
	v.submit()
	waitFor(t, ctx, `!document.getElementById("offline-queue").hidden && document.getElementById("offline-banner-text").textContent.includes("Waiting to send (1)")`)
	// The form opens from the phone without signal.
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	waitFor(t, ctx, `document.getElementById("offline-banner-text").textContent.includes("(1)")`)
	if n := e.do("GET", "/api/v1/screenings", nav, nil).JSON(t)["total"]; n != float64(0) {
		t.Fatalf("sent while offline: %v", n)
	}
	body := evalJS[string](t, ctx, `new Promise(r => { const q = indexedDB.open("kith-offline", 2); q.onsuccess = () => {
		const g = q.result.transaction("screenings").objectStore("screenings").getAll(); g.onsuccess = () => r(g.result[0].body); }; })`)
	setOffline(t, ctx, false)
	waitFor(t, ctx, `navigator.onLine`)
	waitFor(t, ctx, `document.querySelectorAll("#sent-list li").length === 1`)
	if n := e.do("GET", "/api/v1/screenings", nav, nil).JSON(t)["total"]; n != float64(1) {
		t.Fatalf("after the connection returned: %v screenings, want 1", n)
	}
	// Sending the same queued screening again (a retry after a lost answer)
	// returns the first one.
	url := evalJS[string](t, ctx, fmt.Sprintf(`fetch("/screen", {method: "POST", credentials: "same-origin",
		headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: %q}).then(r => r.url)`, body))
	if !strings.Contains(url, "/screenings/") {
		t.Fatalf("re-send answered %s", url)
	}
	if n := e.do("GET", "/api/v1/screenings", nav, nil).JSON(t)["total"]; n != float64(1) {
		t.Fatalf("re-sending made a duplicate: %v screenings", n)
	}
}

// A navigator takes a referral from new to closed in the pages and
// downloads a letter.
func TestBrowserNavigatorClosesAReferral(t *testing.T) {
	e := browserEnv(t)
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, map[string]any{"safe_contact": map[string]any{"phone": "yes", "post": "yes"},
		"person": map[string]any{"name": "Ada Example", "postcode": "LS1 4AP", "address": "1 Example Street\nLeeds"}})
	ctx := newBrowser(t, 1024, 900)
	browserSignIn(t, ctx, e.URL, "navigator@example.org", "a long password")
	do(t, ctx, chromedp.Navigate(e.URL+"/worklist"), chromedp.WaitVisible("table"))
	checkAccessibility(t, ctx, "/worklist")
	page := e.URL + "/referrals/" + ref.ID
	do(t, ctx, chromedp.Navigate(page), chromedp.WaitVisible("#moves"))
	checkAccessibility(t, ctx, "/referrals/{id}")
	// Each move is a button in words; one that needs more opens its page.
	for _, to := range []string{"assigned", "contacted", "sent", "accepted", "engaged", "closed"} {
		do(t, ctx, chromedp.WaitVisible("#moves"), chromedp.Click(fmt.Sprintf(`[data-move=%q]`, to)))
		switch to {
		case "assigned":
			do(t, ctx, chromedp.WaitVisible("#assignee"))
			checkAccessibility(t, ctx, "assign page")
			do(t, ctx, chromedp.Click("#assignee"), chromedp.Click(`main form[method=post] button[type=submit]`))
		case "closed":
			do(t, ctx, chromedp.WaitVisible("#outcome-desired-outcomes-asked"), chromedp.Click(`main form[method=post] button[type=submit]`),
				chromedp.WaitVisible(".govuk-error-summary"))
			checkAccessibility(t, ctx, "close page with errors")
			do(t, ctx, chromedp.Click("#outcome-desired-outcomes-asked"), chromedp.Click("#outcome-achieved"), chromedp.Click("#outcome-feels-safer-1"),
				chromedp.Click("#outcome-follow-up-answers-0"), chromedp.Click("#outcome-follow-up-answers-1"), chromedp.Click("#outcome-follow-up-answers-2"))
			checkAccessibility(t, ctx, "close page")
			do(t, ctx, chromedp.Click(`main form[method=post] button[type=submit]`))
		}
		waitFor(t, ctx, fmt.Sprintf(`document.readyState === "complete" && location.pathname === "/referrals/%s" && document.body.textContent.includes(%q)`,
			ref.ID, web.StateWords(referral.State(to))))
	}
	got := decodeReferral(t, e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil))
	if got.State != "closed" || len(got.History) != 7 {
		t.Fatalf("after the pages: %s, %d entries", got.State, len(got.History))
	}
	head := evalJS[string](t, ctx, `fetch("/referrals/`+ref.ID+`/letters/person.pdf").then(r => r.arrayBuffer()).then(b => String.fromCharCode(...new Uint8Array(b).slice(0, 5)))`)
	if head != "%PDF-" {
		t.Fatalf("letter download starts %q", head)
	}
	do(t, ctx, chromedp.Navigate(e.URL+"/referrals/"+ref.ID+"/letters/person.html"), chromedp.WaitVisible("h1"))
	checkAccessibility(t, ctx, "person letter (HTML)")
	do(t, ctx, chromedp.Navigate(e.URL+"/referrals/"+ref.ID+"/letters/provider.html"), chromedp.WaitVisible("h1"))
	checkAccessibility(t, ctx, "provider letter (HTML)")
	sg, _ := newReferral(t, e, nav, map[string]any{"indicators": []string{"unexplained_money_problems"}, "safe_contact": map[string]any{"phone": "yes"},
		"s42": map[string]any{"care_and_support_needs": "yes", "unable_to_protect_self": "no", "immediate_danger": false, "others_at_risk": false,
			"capacity_concern": false, "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false}})
	do(t, ctx, chromedp.Navigate(e.URL+"/referrals/"+sg.ID+"/letters/concern.html"), chromedp.WaitVisible("h1"))
	checkAccessibility(t, ctx, "concern summary (HTML)")
	// An error state on the referral page: an illegal move from closed.
	do(t, ctx, chromedp.Navigate(e.URL+"/directory?postcode=LS1+4AP&radius_km=5"), chromedp.WaitVisible("h1"))
	checkAccessibility(t, ctx, "/directory results")
	do(t, ctx, chromedp.Navigate(e.URL+"/directory?postcode=NOPE"), chromedp.WaitVisible(".govuk-error-summary"))
	checkAccessibility(t, ctx, "/directory with errors")
}

// Every other page passes the accessibility check, error states included.
func TestBrowserAccessibilityOfOtherPages(t *testing.T) {
	e := browserEnv(t)
	ctx := newBrowser(t, 1024, 900)
	do(t, ctx, chromedp.Navigate(e.URL+"/sign-in"), chromedp.WaitVisible("#email"))
	checkAccessibility(t, ctx, "/sign-in")
	do(t, ctx, chromedp.Click("form button[type=submit]"), chromedp.WaitVisible(".govuk-error-summary"))
	checkAccessibility(t, ctx, "/sign-in with errors")
	do(t, ctx, chromedp.Navigate(e.URL+"/nowhere"), chromedp.WaitVisible("h1"))
	browserSignIn(t, ctx, e.URL, "lead@example.org", "a long password")
	visitor := e.token("alpha", kith.RoleVisitor)
	for i := 0; i < 6; i++ {
		e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "yes", nil))
	}
	for _, p := range []string{"/", "/nowhere", "/reports", "/reports?from=nope"} {
		do(t, ctx, chromedp.Navigate(e.URL+p), chromedp.WaitVisible("h1"))
		checkAccessibility(t, ctx, p)
	}
	// The provider's page and the "still up to date" page, outside sign-in.
	lead := e.token("alpha", kith.RoleLead)
	stale := e.do("GET", "/api/v1/assets/stale", lead, nil)
	if link := confirmRe.FindString(string(stale.Body)); link != "" {
		do(t, ctx, chromedp.Navigate(e.URL+link), chromedp.WaitVisible("h1"))
		checkAccessibility(t, ctx, "confirm page")
	}
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, nil)
	send(t, e, nav, ref.ID)
	// A lead finds the subject access record from the screening's page.
	do(t, ctx, chromedp.Navigate(e.URL+"/screenings/"+ref.ScreeningID(t, e, nav)), chromedp.WaitVisible("h1"))
	checkAccessibility(t, ctx, "/screenings/{id} as a lead")
	do(t, ctx, chromedp.Click(`a[href$="/subject-access.html"]`), chromedp.WaitVisible("h3"))
	checkAccessibility(t, ctx, "subject access record (HTML)")
	got := e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil).JSON(t)
	do(t, ctx, chromedp.Navigate(e.URL+providerRe.FindString(got["provider_url"].(string))), chromedp.WaitVisible("h1"))
	checkAccessibility(t, ctx, "provider page")
}

// The form's first load, compressed over the wire, with the cache off.
func TestBrowserFormFirstLoadSize(t *testing.T) {
	e := browserEnv(t)
	ctx := newBrowser(t, 360, 740)
	browserSignIn(t, ctx, e.URL, "visitor@example.org", "a long password")
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	total := 0.0
	var urls []string
	requests := map[network.RequestID]string{}
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests[ev.RequestID] = ev.Request.URL
		case *network.EventLoadingFinished:
			total += ev.EncodedDataLength
			urls = append(urls, requests[ev.RequestID])
		}
	}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"), chromedp.Sleep(time.Second))
	mu.Lock()
	defer mu.Unlock()
	t.Logf("first load of /screen: %.1f KB over the wire in %d responses: %v", total/1024, len(urls), urls)
	if total > 60*1024 {
		t.Errorf("the form's first load is %.1f KB compressed, over the 60 KB budget", total/1024)
	}
}

// "Use my location" fills the hidden coordinates from the browser's
// position, and says so; with no position it asks for the postcode.
func TestBrowserUseMyLocation(t *testing.T) {
	e := browserEnv(t)
	ctx := newBrowser(t, 360, 740)
	browserSignIn(t, ctx, e.URL, "visitor@example.org", "a long password")
	if _, err := chromedp.Call(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "geolocation"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: e.URL,
	}); err != nil {
		t.Fatal(err)
	}
	lat, lon, accuracy := 53.799722, -1.549167, 20.0
	if _, err := chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lon, Accuracy: &accuracy}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"), chromedp.Click("#s42-immediate-danger-1"),
		chromedp.Click(`#step-danger button[value="continue"]`), chromedp.WaitVisible("#use-location"), chromedp.Click("#use-location"))
	waitFor(t, ctx, `document.getElementById("location-status").textContent === "Location recorded."`)
	got := evalJS[string](t, ctx, `document.getElementById("person-latitude").value + "," + document.getElementById("person-longitude").value`)
	if got != "53.799722,-1.549167" {
		t.Fatalf("coordinates %q", got)
	}
	// Position unavailable.
	if _, err := chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"), chromedp.Click("#s42-immediate-danger-1"),
		chromedp.Click(`#step-danger button[value="continue"]`), chromedp.WaitVisible("#use-location"), chromedp.Click("#use-location"))
	waitFor(t, ctx, `document.getElementById("location-status").textContent.startsWith("Your location could not be found")`)
	if got := evalJS[string](t, ctx, `document.getElementById("person-latitude").value`); got != "" {
		t.Fatalf("latitude %q with no position", got)
	}
}
