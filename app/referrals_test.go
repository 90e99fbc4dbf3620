package app_test

import (
	"github.com/kith-project/kith/app"
	"strings"
	"testing"

	"github.com/kith-project/kith/referral"
)

// Sending a referral emails the provider its link, in the move's
// transaction; other moves email no one.
func TestSendingEmailsTheProvider(t *testing.T) { onEachBackend(t, testSendingEmailsTheProvider) }

func testSendingEmailsTheProvider(t *testing.T, w *world) {
	r := w.sentReferral(t, "alpha", 0) // sent without a link: no email
	if msgs, _ := w.db.PendingMessages(w.ctx, "alpha", 10, 0); len(msgs) != 0 {
		t.Fatalf("a send without a link queued %+v", msgs)
	}
	if _, err := w.app.Transition(w.ctx, nav("alpha"), r.ID, referral.Move{To: referral.Declined, Reason: "service_full"}, app.Links{}); err != nil {
		t.Fatal(err)
	}
	other := w.sentReferral(t, "alpha", 1) // another service to reroute to
	asked := 0
	link := func() (string, error) { asked++; return "https://kith.example/provider/abc", nil }
	next, err := w.app.CreateReferral(w.ctx, nav("alpha"), r.ScreeningID, other.ServiceID)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []referral.State{referral.Assigned, referral.Contacted} {
		if _, err := w.app.Transition(w.ctx, nav("alpha"), next.ID, referral.Move{To: to}, app.Links{Provider: link}); err != nil {
			t.Fatal(err)
		}
	}
	if asked != 0 {
		t.Fatalf("the link was made for a move that sends nothing (%d)", asked)
	}
	if _, err := w.app.Transition(w.ctx, nav("alpha"), next.ID, referral.Move{To: referral.Sent}, app.Links{Provider: link}); err != nil {
		t.Fatal(err)
	}
	msgs, err := w.db.PendingMessages(w.ctx, "alpha", 10, 0)
	if err != nil || len(msgs) != 1 || asked != 1 {
		t.Fatalf("after sending: %+v %v (link made %d times)", msgs, err, asked)
	}
	m := msgs[0]
	if m.Kind != "provider_referral" || m.To != "referrals@provider.example" || m.ReferralID != next.ID {
		t.Errorf("message: %+v", m)
	}
	for _, secret := range []string{"Ada", "someone to talk to"} {
		if strings.Contains(m.Body, secret) || strings.Contains(m.Subject, secret) {
			t.Errorf("the provider's email holds %q", secret)
		}
	}
	if !strings.Contains(m.Body, "https://kith.example/provider/abc") {
		t.Errorf("the provider's email lacks its link: %s", m.Body)
	}
}
