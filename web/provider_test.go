package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/mail"
)

var providerRe = regexp.MustCompile(`/provider/[A-Za-z0-9_.-]+`)

type fakeSender struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (f *fakeSender) Send(_ context.Context, m mail.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, m)
	return nil
}

func (f *fakeSender) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sent)
}

func TestProviderLoopThroughTheLink(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	lead := e.token("alpha", kith.RoleLead)
	ref, _ := newReferral(t, e, nav, map[string]any{"wishes": "Someone to talk to on Sundays", "safe_contact": map[string]any{"phone": "yes", "do_not_contact": "Her nephew Darren"}})
	send(t, e, nav, ref.ID)
	// The provider's email waits in the outbox (no SMTP configured), written
	// with the transition: a crash now loses nothing.
	var box struct {
		Items []struct {
			To, Body   string
			ReferralID string `json:"referral_id"`
		}
	}
	json.Unmarshal(e.do("GET", "/api/v1/outbox", lead, nil).Body, &box)
	var link string
	for _, m := range box.Items {
		if m.ReferralID == ref.ID {
			link = providerRe.FindString(m.Body)
			if strings.Contains(m.Body, "Ada") || strings.Contains(m.Body, "Darren") {
				t.Fatalf("the email names someone: %s", m.Body)
			}
		}
	}
	if link == "" {
		// The service has no email: the navigator passes the link on.
		got := e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil).JSON(t)
		link = providerRe.FindString(got["provider_url"].(string))
	}
	if link == "" {
		t.Fatal("no provider link")
	}
	c := browser(t)
	page := doWith(t, c, "GET", e.URL+link, "", nil)
	body := string(page.Body)
	if page.Status != 200 || !strings.Contains(body, "Ada Example") || !strings.Contains(body, "Someone to talk to on Sundays") {
		t.Fatalf("provider page: %d %s", page.Status, body)
	}
	for _, secret := range []string{"Darren", "SG-", "safeguarding concern", "unexplained"} {
		if strings.Contains(body, secret) {
			t.Fatalf("the provider page shows %q", secret)
		}
	}
	csrf := string(csrfRe.FindSubmatch(page.Body)[1])
	for _, answer := range []string{"accepted", "engaged"} {
		r := postForm(t, c, e.URL+link, url.Values{"_csrf": {csrf}, "answer": {answer}})
		if r.Status != 200 || !strings.Contains(string(r.Body), "Thank you") {
			t.Fatalf("%s: %d %s", answer, r.Status, r.Body)
		}
	}
	// A provider cannot close or withdraw.
	if r := postForm(t, c, e.URL+link, url.Values{"_csrf": {csrf}, "answer": {"closed"}}); r.Status != 422 {
		t.Fatalf("provider closing: %d", r.Status)
	}
	r := move(t, e, nav, ref.ID, map[string]any{"to": "closed", "outcome": map[string]any{"desired_outcomes_asked": "asked_expressed", "achieved": "fully", "feels_safer": "agree"}})
	got := decodeReferral(t, r)
	if got.State != "closed" {
		t.Fatalf("close: %s", r.Body)
	}
	actors := map[string]bool{}
	for _, h := range got.History {
		actors[h.Actor] = true
	}
	if !actors["provider:"+ref.ID] {
		t.Fatalf("provider moves not in the history: %+v", got.History)
	}
	if r := doWith(t, c, "GET", e.URL+link+"x", "", nil); r.Status != 404 {
		t.Fatalf("tampered link: %d", r.Status)
	}
}

// The outbox is sent once a sender runs, as after a restart.
func TestOutboxSentAfterRestart(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, nil)
	svc := e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil).JSON(t)["service_id"].(string)
	// Make sure the service has an email so a message is queued.
	lead := e.token("alpha", kith.RoleLead)
	s := e.do("GET", "/api/v1/assets/"+svc, lead, nil).JSON(t)
	s["email"] = "referrals@provider.example"
	for _, k := range []string{"created_at", "updated_at", "deleted_at"} {
		delete(s, k)
	}
	if r := e.do("PUT", "/api/v1/assets/"+svc, lead, s); r.Status != 200 {
		t.Fatalf("update service: %d %s", r.Status, r.Body)
	}
	send(t, e, nav, ref.ID)
	pending, err := e.Stores.Outbox.PendingMessages(context.Background(), "alpha", 10, 0)
	if err != nil || len(pending) != 1 || pending[0].To != "referrals@provider.example" {
		t.Fatalf("outbox: %+v %v", pending, err)
	}
	fs := &fakeSender{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		e.App.RunJob(ctx, app.Job{Name: "outbox", Interval: 10 * time.Millisecond, Run: func(ctx context.Context) error { return e.App.SendOutbox(ctx, fs) }})
		close(done)
	}()
	// Until the message is sent and marked sent: the job marks it just
	// after the sender returns, so stopping the job at the first send
	// could stop it between the two.
	pendingNow := func() int {
		left, _ := e.Stores.Outbox.PendingMessages(context.Background(), "alpha", 10, 0)
		return len(left)
	}
	deadline := time.Now().Add(5 * time.Second)
	for (fs.count() == 0 || pendingNow() > 0) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if fs.count() != 1 {
		t.Fatalf("sent %d messages", fs.count())
	}
	if left, _ := e.Stores.Outbox.PendingMessages(context.Background(), "alpha", 10, 0); len(left) != 0 {
		t.Fatalf("still pending: %+v", left)
	}
}

func TestBestInterestAllowsReferralWithoutConsent(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	visitor := e.token("alpha", kith.RoleVisitor)
	in := lonelyAtHome(t, "not_asked", nil)
	in["s42"].(map[string]any)["capacity_concern"] = true
	s := e.do("POST", "/api/v1/screenings", visitor, in).JSON(t)
	svc := e.do("GET", "/api/v1/assets?per_page=1", nav, nil).JSON(t)["items"].([]any)[0].(map[string]any)["id"]
	wantProblem(t, e.do("POST", "/api/v1/referrals", nav, map[string]any{"screening_id": s["id"], "service_id": svc}), 409, "")
	wantProblem(t, e.do("GET", "/api/v1/screenings/"+s["id"].(string)+"/recommendations", nav, nil), 409, "")
	wantProblem(t, e.do("POST", "/api/v1/screenings/"+s["id"].(string)+"/best-interest", nav, map[string]any{"decision": "refer"}), 422, "steps_taken")
	if r := e.do("POST", "/api/v1/screenings/"+s["id"].(string)+"/best-interest", nav, map[string]any{"decision": "refer",
		"doubt":       "She could not hold on to what the service is from one visit to the next.",
		"steps_taken": "Explained with pictures over two visits; her daughter helped.", "consulted": "Her daughter and her GP", "advocate": "Independent Voice Advocacy"}); r.Status != 204 {
		t.Fatalf("best interest: %d %s", r.Status, r.Body)
	}
	recs, pw := recommendations(t, e.do("GET", "/api/v1/screenings/"+s["id"].(string)+"/recommendations", nav, nil))
	if len(recs) == 0 || pw["pathway_id"] != "default" {
		t.Fatalf("recommendations after a best-interest decision: %v %v", recs, pw)
	}
	if r := e.do("POST", "/api/v1/referrals", nav, map[string]any{"screening_id": s["id"], "service_id": svc}); r.Status != 201 {
		t.Fatalf("referral after best-interest decision: %d %s", r.Status, r.Body)
	}
}
