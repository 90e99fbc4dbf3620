package app_test

import (
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/referral"
)

// Each site's referrals expire under that site's own timers, in the same
// run: alpha gives providers 30 working days, beta the default 10.
func TestApplyTimersUsesEachSitesTimers(t *testing.T) {
	onEachBackend(t, testApplyTimersUsesEachSitesTimers)
}

func testApplyTimersUsesEachSitesTimers(t *testing.T, w *world) {
	w.setTimers(t, "alpha", kith.ReferralTimers{NudgeAfter: 3, OverdueAfter: 6, ExpireAfter: 30})
	a := w.sentReferral(t, "alpha", 0)
	b := w.sentReferral(t, "beta", 0)
	w.clock.add(20 * 24 * time.Hour) // 14 working days
	if err := w.app.ApplyTimers(w.ctx); err != nil {
		t.Fatal(err)
	}
	if got := w.state(t, "alpha", a.ID); got != referral.Sent {
		t.Errorf("alpha (30 working days) after 14: %s, want sent", got)
	}
	if got := w.state(t, "beta", b.ID); got != referral.Expired {
		t.Errorf("beta (10 working days) after 14: %s, want expired", got)
	}
	// alpha's provider was nudged instead, once, with a reminder queued.
	msgs, err := w.db.PendingMessages(w.ctx, "alpha", 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	nudges := 0
	for _, m := range msgs {
		if m.Kind == "provider_nudge" {
			nudges++
		}
	}
	if err := w.app.ApplyTimers(w.ctx); err != nil {
		t.Fatal(err)
	}
	again, _ := w.db.PendingMessages(w.ctx, "alpha", 10, 0)
	if nudges != 1 || len(again) != len(msgs) {
		t.Errorf("nudges queued %d (want 1); a second run queued %d more", nudges, len(again)-len(msgs))
	}
	w.clock.add(30 * 24 * time.Hour)
	if err := w.app.ApplyTimers(w.ctx); err != nil {
		t.Fatal(err)
	}
	if got := w.state(t, "alpha", a.ID); got != referral.Expired {
		t.Errorf("alpha after 35 working days: %s, want expired", got)
	}
}
