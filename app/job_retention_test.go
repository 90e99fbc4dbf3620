package app_test

import (
	"github.com/kith-project/kith/app"
	"testing"
	"time"

	"github.com/kith-project/kith/referral"
)

// Retention redacts, in each site, the screenings older than its period
// (the default when the lead chose none) whose referrals are all final,
// after expiring referrals left untouched past the period; a referral
// still being worked keeps its screening whole.
func TestApplyRetention(t *testing.T) { onEachBackend(t, testApplyRetention) }

func testApplyRetention(t *testing.T, w *world) {
	st, _ := w.app.Site(w.ctx, "alpha")
	st.Settings.RetentionDays = 365
	if err := w.app.UpdateSiteSettings(w.ctx, lead("alpha"), st.Name, st.Settings); err != nil {
		t.Fatal(err)
	}
	final := w.sentReferral(t, "alpha", 0)
	if _, err := w.app.Transition(w.ctx, nav("alpha"), final.ID, referral.Move{To: referral.Withdrawn, WithdrawnBy: "person", Reason: "moved away"}, app.Links{}); err != nil {
		t.Fatal(err)
	}
	open := w.sentReferral(t, "alpha", 1)
	stale := w.sentReferral(t, "alpha", 2)
	beta := w.sentReferral(t, "beta", 0)
	if _, err := w.app.Transition(w.ctx, nav("beta"), beta.ID, referral.Move{To: referral.Withdrawn, WithdrawnBy: "person", Reason: "moved away"}, app.Links{}); err != nil {
		t.Fatal(err)
	}
	if n, err := w.app.ApplyRetention(w.ctx); err != nil || n != 0 {
		t.Fatalf("retention on new records: %d %v", n, err)
	}
	w.clock.add(400 * 24 * time.Hour)
	// The navigator is still working this one.
	if _, err := w.app.Transition(w.ctx, nav("alpha"), open.ID, referral.Move{To: referral.Accepted}, app.Links{}); err != nil {
		t.Fatal(err)
	}
	if n, err := w.app.ApplyRetention(w.ctx); err != nil || n != 2 {
		t.Fatalf("retention after 400 days: %d screenings, %v; want 2", n, err)
	}
	if r, err := w.app.Referral(w.ctx, nav("alpha"), stale.ID); err != nil || r.State != referral.Expired {
		t.Fatalf("the referral left open past the period: %v %v", r.State, err)
	}
	name := func(site, screeningID string) string {
		req, err := w.app.ScreeningRequest(w.ctx, lead(site), screeningID)
		if err != nil {
			t.Fatal(err)
		}
		return req.Person.Name
	}
	if got := name("alpha", final.ScreeningID); got == "Ada Example" {
		t.Error("the old screening with only final referrals kept the name")
	}
	if got := name("alpha", open.ScreeningID); got != "Ada Example" {
		t.Errorf("the screening with an open referral lost its name: %q", got)
	}
	if got := name("alpha", stale.ScreeningID); got == "Ada Example" {
		t.Error("the screening whose referral was left open past the period kept the name")
	}
	if got := name("beta", beta.ScreeningID); got != "Ada Example" {
		t.Errorf("beta has the default period (six years) but lost a name after 400 days: %q", got)
	}
	if n, _ := w.app.ApplyRetention(w.ctx); n != 0 {
		t.Errorf("a second run redacted %d again", n)
	}
	w.clock.add(7 * 365 * 24 * time.Hour)
	if n, err := w.app.ApplyRetention(w.ctx); err != nil || n != 2 {
		t.Fatalf("after seven years: %d %v, want beta's and alpha's last", n, err)
	}
	if got := name("beta", beta.ScreeningID); got == "Ada Example" {
		t.Error("the default period never applied")
	}
}
