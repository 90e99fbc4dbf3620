package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// shot saves what the screen shows when KITH_SCREENSHOTS names a folder, so
// a person can look at what the browser test saw.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("KITH_SCREENSHOTS")
	if dir == "" {
		return
	}
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A home carer finds bruising during personal care with the woman's son in
// the room, so it is not safe to ask her about sharing. On a phone she gets
// "raise a safeguarding concern now" and a reference, never "they have not
// agreed to share"; the optional details she knows are stored as given.
func TestBrowserBruisingWithTheSonInTheRoom(t *testing.T) {
	e := browserEnv(t)
	ctx := newBrowser(t, 360, 740)
	browserSignIn(t, ctx, e.URL, "visitor@example.org", "a long password")
	do(t, ctx, chromedp.Navigate(e.URL+"/screen"), chromedp.WaitVisible("#s42-immediate-danger"))
	v := &visit{t: t, ctx: ctx}
	v.tap("#s42-immediate-danger-1")
	v.next("danger")
	v.fill("#person-name", "Edna Bruise")
	v.fill("#person-postcode", "LS1 4AP")
	v.next("person")
	v.tap("#ind-unexplained_injuries")
	v.next("seen")
	v.tap("#s42-care-and-support-needs", "#s42-unable-to-protect-self-2", "#s42-others-at-risk-1",
		"#s42-capacity-concern-1", "#s42-crime-suspected-1", "#s42-staff-or-provider-implicated-1", "#s42-visitor-concerned",
		"#seen-alone-1", "#harm-details summary", "#s42-location-of-risk-1")
	do(t, ctx, chromedp.ScrollIntoView("#harm-details"))
	shot(t, ctx, "screen-harm-details-360.png")
	if !evalJS[bool](t, ctx, `document.getElementById("s42-location-of-risk-1").checked`) {
		t.Fatal("the location could not be chosen")
	}
	checkAccessibility(t, ctx, "/screen with the harm details open")
	v.next("safeguarding")
	v.next("questions")
	v.tap("#consent-share-2")
	v.next("agreement")
	v.submit()
	do(t, ctx, chromedp.WaitVisible("#next-step-heading"))
	do(t, ctx, chromedp.Click("#why summary"))
	shot(t, ctx, "result-bruising-360.png")
	heading, err := chromedp.Run(ctx, chromedp.Text("#next-step-heading"))
	if err != nil || !strings.Contains(heading, "Raise a safeguarding concern now") {
		t.Fatalf("next step = %q, %v", heading, err)
	}
	// All the page's words, including the reasons folded under "Why".
	body := evalJS[string](t, ctx, `document.querySelector("main").textContent`)
	for _, want := range []string{"Concern reference: SG-", "it was not safe to ask them", "only when you can speak to them alone and it is safe"} {
		if !strings.Contains(body, want) {
			t.Errorf("result page lacks %q:\n%s", want, body)
		}
	}
	for _, never := range []string{"not agreed", "without naming the person"} {
		if strings.Contains(body, never) {
			t.Errorf("result page says %q", never)
		}
	}
	checkAccessibility(t, ctx, "result page with a concern")

	// What the safeguarding team receives: the location as the carer gave
	// it, the source not yet known.
	lead := e.token("alpha", "lead")
	list := e.do("GET", "/api/v1/concerns", lead, nil).JSON(t)["items"].([]any)
	if len(list) != 1 {
		t.Fatalf("concerns: %v", list)
	}
	c := list[0].(map[string]any)
	if c["location_of_risk"] != "own_home" || c["source_of_risk"] != "" {
		t.Errorf("concern: %v", c)
	}
}
