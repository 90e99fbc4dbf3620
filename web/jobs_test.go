package web_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/mail"
)

// setTimers sets the site's referral timers through the API.
func setTimers(t *testing.T, e *env, lead string, timers map[string]any) {
	t.Helper()
	site := e.do("GET", "/api/v1/site", lead, nil).JSON(t)
	settings := site["settings"].(map[string]any)
	settings["timers"] = timers
	if r := e.do("PUT", "/api/v1/site", lead, map[string]any{"name": site["name"], "settings": settings}); r.Status != 200 {
		t.Fatalf("set timers: %d %s", r.Status, r.Body)
	}
}

// A site that gives providers 30 working days keeps a referral waiting
// after 20 calendar days (about 14 working days); the default 10 would
// have expired it.
func TestTimersUseEachSitesExpiry(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	setTimers(t, e, e.token("alpha", kith.RoleLead), map[string]any{"nudge_after": 3, "overdue_after": 6, "expire_after": 30})
	ref, _ := newReferral(t, e, nav, nil)
	send(t, e, nav, ref.ID)
	defer e.travelBack()
	e.travel(func(now time.Time) time.Time { return now.AddDate(0, 0, 20) })
	if err := e.App.ApplyTimers(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := decodeReferral(t, e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil)); got.State != "sent" {
		t.Fatalf("after 20 calendar days under a 30-working-day expiry: state %s, want sent", got.State)
	}
	e.travel(func(now time.Time) time.Time { return now.AddDate(0, 0, 50) })
	if err := e.App.ApplyTimers(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := decodeReferral(t, e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil)); got.State != "expired" {
		t.Fatalf("after 50 calendar days: state %s, want expired", got.State)
	}
}

// failingSender fails every message sent to one address.
type failingSender struct {
	mu   sync.Mutex
	bad  string
	sent []string
}

func (f *failingSender) Send(_ context.Context, m mail.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m.To == f.bad {
		return errors.New("mailbox unavailable")
	}
	f.sent = append(f.sent, m.To)
	return nil
}

func (f *failingSender) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sent)
}

// Fifty messages that have each failed ten times do not stop the outbox:
// a new message behind them is still sent.
func TestOutboxSendsPastMessagesThatKeepFailing(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	lead := e.token("alpha", kith.RoleLead)
	setEmail := func(svc, email string) {
		s := e.do("GET", "/api/v1/assets/"+svc, lead, nil).JSON(t)
		s["email"] = email
		for _, k := range []string{"created_at", "updated_at", "deleted_at"} {
			delete(s, k)
		}
		if r := e.do("PUT", "/api/v1/assets/"+svc, lead, s); r.Status != 200 {
			t.Fatalf("update service: %d %s", r.Status, r.Body)
		}
	}
	first, _ := newReferral(t, e, nav, nil)
	svc := e.do("GET", "/api/v1/referrals/"+first.ID, nav, nil).JSON(t)["service_id"].(string)
	setEmail(svc, "gone@provider.example")
	send(t, e, nav, first.ID)
	for range 49 {
		ref, _ := newReferral(t, e, nav, nil)
		send(t, e, nav, ref.ID)
	}
	ctx := context.Background()
	stuck, err := e.Stores.Outbox.PendingMessages(ctx, "alpha", 100, 0)
	if err != nil || len(stuck) != 50 {
		t.Fatalf("outbox before: %d messages, %v", len(stuck), err)
	}
	for _, m := range stuck {
		for range 10 {
			if err := e.Stores.Outbox.MarkSent(ctx, m.ID, errors.New("mailbox unavailable")); err != nil {
				t.Fatal(err)
			}
		}
	}
	setEmail(svc, "referrals@provider.example")
	last, _ := newReferral(t, e, nav, nil)
	send(t, e, nav, last.ID)
	fs := &failingSender{bad: "gone@provider.example"}
	runOutboxOnce(t, e, fs)
	if fs.count() != 1 {
		t.Fatalf("sent %d messages, want the new one", fs.count())
	}
}
