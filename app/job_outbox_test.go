package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/mail"
)

// sender records what it sends and fails every message to bad.
type sender struct {
	bad  string
	sent []string
}

func (s *sender) Send(_ context.Context, m mail.Message) error {
	if m.To == s.bad {
		return errors.New("mailbox unavailable")
	}
	s.sent = append(s.sent, m.To)
	return nil
}

// The outbox sends what waits, counts each failure, and stops trying a
// message after app.MaxSendAttempts without holding up the others, on
// each backend.
func TestSendOutbox(t *testing.T) { onEachBackend(t, testSendOutbox) }

func testSendOutbox(t *testing.T, w *world) {
	r := w.sentReferral(t, "alpha", 0)
	s := &sender{bad: "gone@provider.example"}
	if _, err := w.db.MarkNudged(w.ctx, nav("alpha"), r.ID, app.Message{Kind: "provider_nudge", To: "gone@provider.example", Subject: "s", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	b := w.sentReferral(t, "beta", 0)
	if _, err := w.db.MarkNudged(w.ctx, nav("beta"), b.ID, app.Message{Kind: "provider_nudge", To: "ok@provider.example", Subject: "s", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	for range app.MaxSendAttempts {
		if err := w.app.SendOutbox(w.ctx, s); err != nil {
			t.Fatal(err)
		}
		// Runs an hour apart, past any wait after a failure (PostgreSQL
		// backs off before trying a failed message again).
		w.clock.add(time.Hour)
	}
	if len(s.sent) != 1 || s.sent[0] != "ok@provider.example" {
		t.Fatalf("sent %v, want the one good message once", s.sent)
	}
	left, err := w.db.PendingMessages(w.ctx, "", 10, 0)
	if err != nil || len(left) != 1 || left[0].Attempts != app.MaxSendAttempts {
		t.Fatalf("left in the outbox: %+v %v", left, err)
	}
	if err := w.app.SendOutbox(w.ctx, s); err != nil {
		t.Fatal(err)
	}
	if left, _ := w.db.PendingMessages(w.ctx, "", 10, 0); left[0].Attempts != app.MaxSendAttempts {
		t.Fatalf("a message was tried %d times, more than %d", left[0].Attempts, app.MaxSendAttempts)
	}
}
