package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
)

// referral makes a screening and a referral from it to a new service.
func (f *fixture) referral(t *testing.T, body string, svcIndex int) (app.StoredScreening, string) {
	t.Helper()
	s := f.screen(t, body)
	svc := f.service(t, svcIndex)
	id, err := f.st.Referrals.CreateReferral(f.ctx, f.nav, s.ID, svc.ID)
	must(t, "create referral", err)
	return s, id
}

// send moves a new referral through assigned and contacted to sent,
// queueing msgs with the send.
func (f *fixture) send(t *testing.T, id string, msgs ...app.Message) {
	t.Helper()
	for _, to := range []referral.State{referral.Assigned, referral.Contacted} {
		_, err := f.st.Referrals.Transition(f.ctx, f.nav, id, referral.Move{To: to}, nil)
		must(t, "move to "+string(to), err)
	}
	_, err := f.st.Referrals.Transition(f.ctx, f.nav, id, referral.Move{To: referral.Sent}, nil, msgs...)
	must(t, "send", err)
}

func testReferrals(t *testing.T, f *fixture) {
	s, id := f.referral(t, minimal, 0)
	r, err := f.st.Referrals.Referral(f.ctx, f.nav, id)
	if err != nil || r.State != referral.New || r.ScreeningID != s.ID || r.PersonName != "Ada Example" || len(r.History) != 1 {
		t.Fatalf("new referral: %+v %v", r, err)
	}
	_, err = f.st.Referrals.Referral(f.ctx, f.other, id)
	wantCode(t, "another site's referral", err, kith.ENOTFOUND)
	_, err = f.st.Referrals.Transition(f.ctx, f.nav, id, referral.Move{To: referral.Accepted}, nil)
	wantCode(t, "an illegal move", err, kith.ECONFLICT)
	f.send(t, id)
	r, _ = f.st.Referrals.Referral(f.ctx, f.nav, id)
	if r.State != referral.Sent || r.SentAt == nil || r.Assignee != f.nav.Ref() || len(r.History) != 4 || r.History[3].From != referral.Contacted {
		t.Fatalf("sent referral: %+v", r)
	}
	sent, err := f.st.Referrals.SentReferrals(f.ctx)
	if err != nil || len(sent) != 1 || sent[0].Site != "alpha" || sent[0].Referral.ID != id {
		t.Fatalf("sent referrals: %+v %v", sent, err)
	}
	if ids, err := f.st.Referrals.ScreeningReferralIDs(f.ctx, "alpha", s.ID); err != nil || !slices.Equal(ids, []string{id}) {
		t.Fatalf("screening's referrals: %v %v", ids, err)
	}
	// A nudge is recorded once per sending.
	if ok, err := f.st.Referrals.MarkNudged(f.ctx, f.nav, id); err != nil || !ok {
		t.Fatalf("first nudge: %v %v", ok, err)
	}
	if ok, _ := f.st.Referrals.MarkNudged(f.ctx, f.nav, id); ok {
		t.Fatal("a second nudge of the same sending was recorded")
	}
	must(t, "note", f.st.Referrals.AddNote(f.ctx, f.nav, id, "left a card"))
	// Three failed contact attempts raise a welfare check.
	var welfare bool
	for range referral.FailedAttemptsForWelfareCheck {
		welfare, err = f.st.Referrals.AddAttempt(f.ctx, f.nav, id, "no_answer", "")
		must(t, "attempt", err)
	}
	r, _ = f.st.Referrals.Referral(f.ctx, f.nav, id)
	if !welfare || len(r.Notes) != 1 || len(r.Attempts) != 3 || len(r.Tasks) != 1 || r.Tasks[0].Kind != referral.TaskWelfareCheck {
		t.Fatalf("after a note and three attempts: welfare %v, %+v", welfare, r)
	}
	// A reroute opens a new referral linked both ways.
	_, err = f.st.Referrals.Transition(f.ctx, f.nav, id, referral.Move{To: referral.Declined, Reason: "service_full"}, nil)
	must(t, "decline", err)
	other := f.service(t, 1)
	res, err := f.st.Referrals.Transition(f.ctx, f.nav, id, referral.Move{To: referral.Rerouted, ServiceID: other.ID}, nil)
	if err != nil || res.NewReferralID == "" {
		t.Fatalf("reroute: %+v %v", res, err)
	}
	next, _ := f.st.Referrals.Referral(f.ctx, f.nav, res.NewReferralID)
	if r, _ = f.st.Referrals.Referral(f.ctx, f.nav, id); r.ReroutedTo != next.ID || next.ReroutedFrom != id || next.ServiceID != other.ID {
		t.Fatalf("reroute links: %q -> %q, %q <- %q", id, r.ReroutedTo, next.ID, next.ReroutedFrom)
	}
	// Histories reads many referrals' moves at once, the same as each
	// referral's own, and nothing of another site's.
	hs, err := f.st.Referrals.Histories(f.ctx, f.nav, []string{id, next.ID, "no-such-referral"})
	must(t, "histories", err)
	if len(hs) != 2 || len(hs[id]) != len(r.History) || len(hs[next.ID]) != len(next.History) {
		t.Fatalf("histories: %d referrals, %d and %d moves, want %d and %d", len(hs), len(hs[id]), len(hs[next.ID]), len(r.History), len(next.History))
	}
	for i, e := range hs[id] {
		if w := r.History[i]; e.From != w.From || e.To != w.To || e.Reason != w.Reason || !e.At.Equal(w.At) {
			t.Fatalf("histories[%d] = %+v, the referral's own %+v", i, e, w)
		}
	}
	if referral.TaskStatusOf(hs[id]) != referral.TaskRejected {
		t.Fatalf("declined on receipt, then rerouted: Task status %s", referral.TaskStatusOf(hs[id]))
	}
	if hs, err := f.st.Referrals.Histories(f.ctx, f.other, []string{id}); err != nil || len(hs) != 0 {
		t.Fatalf("another site read the histories: %v %v", hs, err)
	}
	if hs, err := f.st.Referrals.Histories(f.ctx, f.nav, nil); err != nil || len(hs) != 0 {
		t.Fatalf("no ids: %v %v", hs, err)
	}
}

func testWorklist(t *testing.T, f *fixture) {
	_, plain := f.referral(t, minimal, 0)
	_, urgent := f.referral(t, concerning, 1)
	_, waiting := f.referral(t, minimal, 2)
	f.send(t, waiting)
	page := func(fl app.ReferralFilter) []string {
		t.Helper()
		fl.Page, fl.Thresholds = kith.Page{Number: 1, Size: 10}, referral.Thresholds{}.OrDefault()
		if fl.Now.IsZero() {
			fl.Now = time.Now().UTC()
		}
		items, total, err := f.st.Referrals.ListReferrals(f.ctx, f.nav, fl)
		must(t, "worklist", err)
		var ids []string
		for _, r := range items {
			ids = append(ids, r.ID)
		}
		if total != len(ids) {
			t.Fatalf("worklist total %d for %d items", total, len(ids))
		}
		return ids
	}
	// Safeguarding first, then oldest.
	if got, want := page(app.ReferralFilter{}), []string{urgent, plain, waiting}; !slices.Equal(got, want) {
		t.Fatalf("worklist now: %v, want %v", got, want)
	}
	// Three weeks on, the sent one is overdue and comes before the plain one.
	later := time.Now().UTC().AddDate(0, 0, 21)
	if got, want := page(app.ReferralFilter{Now: later}), []string{urgent, waiting, plain}; !slices.Equal(got, want) {
		t.Fatalf("worklist in three weeks: %v, want %v", got, want)
	}
	yes, no := true, false
	if got := page(app.ReferralFilter{Now: later, Overdue: &yes}); !slices.Equal(got, []string{waiting}) {
		t.Fatalf("overdue: %v", got)
	}
	if got := page(app.ReferralFilter{Now: later, Overdue: &no}); !slices.Equal(got, []string{urgent, plain}) {
		t.Fatalf("not overdue: %v", got)
	}
	if got := page(app.ReferralFilter{State: string(referral.Sent)}); !slices.Equal(got, []string{waiting}) {
		t.Fatalf("by state: %v", got)
	}
	items, total, err := f.st.Referrals.ListReferrals(f.ctx, f.nav, app.ReferralFilter{Page: kith.Page{Number: 2, Size: 2}, Now: later})
	if err != nil || total != 3 || len(items) != 1 || items[0].ID != plain {
		t.Fatalf("second page of two: %d items of %d, %v", len(items), total, err)
	}
}

func testConcerns(t *testing.T, f *fixture) {
	in := newScreening(t, concerning, "")
	in.Concern.Message = func(ref string) app.Message {
		return app.Message{Kind: "safeguarding_concern", To: "team@council.example", Subject: "Concern " + ref, Body: "Open the link", UntilSent: true,
			ConcernID: in.Concern.Concern.ID}
	}
	s, _, err := f.st.Screenings.CreateScreening(f.ctx, f.visit, in)
	must(t, "create screening", err)
	if s.Safeguarding.Reference == "" {
		t.Fatalf("a screening that raises a concern has no reference: %+v", s.Safeguarding)
	}
	c, err := f.st.Concerns.ScreeningConcern(f.ctx, f.nav, s.ID)
	if err != nil || c.Reference != s.Safeguarding.Reference || c.ScreeningID != s.ID || c.ID != in.Concern.Concern.ID ||
		c.PersonName != "Bea Example" || c.RaisedBy != f.visit.Ref() || !slices.Equal(c.TypesOfRisk, s.Safeguarding.TypesOfRisk) {
		t.Fatalf("concern: %+v %v", c, err)
	}
	if got, err := f.st.Concerns.Concern(f.ctx, f.nav, c.ID); err != nil || got.Reference != c.Reference {
		t.Fatalf("concern by id: %+v %v", got, err)
	}
	_, err = f.st.Concerns.Concern(f.ctx, f.other, c.ID)
	wantCode(t, "another site's concern by id", err, kith.ENOTFOUND)
	// Its message was queued with it, under its reference.
	msgs, err := f.st.Outbox.PendingMessages(f.ctx, "alpha", 10, 0)
	if err != nil || len(msgs) != 1 || msgs[0].ConcernID != c.ID || !msgs[0].UntilSent || msgs[0].Subject != "Concern "+c.Reference || msgs[0].To != "team@council.example" {
		t.Fatalf("the concern's message: %+v %v", msgs, err)
	}
	items, total, err := f.st.Concerns.ListConcerns(f.ctx, f.nav, app.ConcernFilter{Page: kith.Page{Number: 1, Size: 10}})
	if err != nil || total != 1 || items[0].ID != c.ID {
		t.Fatalf("list concerns: %d %v", total, err)
	}
	if _, total, _ := f.st.Concerns.ListConcerns(f.ctx, f.other, app.ConcernFilter{Page: kith.Page{Number: 1, Size: 10}}); total != 0 {
		t.Fatalf("beta lists alpha's concerns: %d", total)
	}
	if _, total, _ := f.st.Concerns.ListConcerns(f.ctx, f.nav, app.ConcernFilter{RaisedBy: "user:someone-else", Page: kith.Page{Number: 1, Size: 10}}); total != 0 {
		t.Fatalf("another visitor's concerns: %d", total)
	}
	if mine, total, _ := f.st.Concerns.ListConcerns(f.ctx, f.visit, app.ConcernFilter{RaisedBy: f.visit.Ref(), Page: kith.Page{Number: 1, Size: 10}}); total != 1 || mine[0].ID != c.ID {
		t.Fatalf("the visitor's own concerns: %d", total)
	}
	o := referral.ConcernOutcome{Enquiry: "no_enquiry", Instead: "community_referral", LocationOfRisk: "own_home"}
	got, err := f.st.Concerns.RecordConcernOutcome(f.ctx, f.lead, c.ID, o)
	if err != nil || got.Outcome == nil || got.Outcome.Instead != "community_referral" || got.OutcomeAt == nil || got.LocationOfRisk != "own_home" {
		t.Fatalf("record outcome: %+v %v", got, err)
	}
	// The store writes what it is given (the application keeps what the
	// team left out: App.RecordConcernOutcome).
	got, err = f.st.Concerns.RecordConcernOutcome(f.ctx, f.lead, c.ID, referral.ConcernOutcome{Enquiry: "s42_enquiry", LocationOfRisk: "own_home"})
	if err != nil || got.LocationOfRisk != "own_home" || got.SourceOfRisk != "" || got.Outcome.Enquiry != "s42_enquiry" {
		t.Fatalf("record decision: %+v %v", got, err)
	}
	if again, _ := f.st.Concerns.Concern(f.ctx, f.nav, c.ID); again.LocationOfRisk != "own_home" || again.Outcome == nil || again.Outcome.Enquiry != "s42_enquiry" {
		t.Fatalf("stored outcome: %+v", again)
	}
	_, err = f.st.Concerns.RecordConcernOutcome(f.ctx, f.other, c.ID, o)
	wantCode(t, "another site's concern", err, kith.ENOTFOUND)
	plain := f.screen(t, minimal)
	_, err = f.st.Concerns.ScreeningConcern(f.ctx, f.nav, plain.ID)
	wantCode(t, "a screening without a concern", err, kith.ENOTFOUND)
	if rows, err := f.st.Exports.ConcernsRaisedBetween(f.ctx, f.lead, time.Now().Add(-time.Hour), time.Now().Add(time.Hour)); err != nil || len(rows) != 1 || rows[0].ID != c.ID {
		t.Fatalf("concerns raised in the hour: %+v %v", rows, err)
	}
}

// testEscalation: escalating a referral whose screening raised no concern
// raises the one the application gives, with its message, in the move's
// transaction; one whose screening has a concern keeps it.
func testEscalation(t *testing.T, f *fixture) {
	s, id := f.referral(t, minimal, 0)
	_, err := f.st.Referrals.Transition(f.ctx, f.nav, id, referral.Move{To: referral.Escalated, Reason: "worried"}, nil)
	if err == nil {
		t.Fatalf("an escalation with no concern to raise was accepted")
	}
	raise := &app.NewConcern{Concern: referral.Concern{ID: "c-esc-1", ScreeningID: s.ID, ReferralID: id, TypesOfRisk: []string{"neglect_and_acts_of_omission"}},
		Message: func(ref string) app.Message {
			return app.Message{Kind: "safeguarding_concern", To: "team@council.example", Subject: "Concern " + ref, Body: "link", ConcernID: "c-esc-1", UntilSent: true}
		}}
	res, err := f.st.Referrals.Transition(f.ctx, f.nav, id, referral.Move{To: referral.Escalated, Reason: "worried"}, raise)
	if err != nil || res.ConcernRef == "" {
		t.Fatalf("escalate: %+v %v", res, err)
	}
	c, err := f.st.Concerns.ScreeningConcern(f.ctx, f.nav, s.ID)
	if err != nil || c.ID != "c-esc-1" || c.Reference != res.ConcernRef || c.ReferralID != id {
		t.Fatalf("escalation's concern: %+v %v", c, err)
	}
	msgs, _ := f.st.Outbox.PendingMessages(f.ctx, "alpha", 10, 0)
	if len(msgs) != 1 || msgs[0].ConcernID != "c-esc-1" || msgs[0].Subject != "Concern "+res.ConcernRef {
		t.Fatalf("escalation's message: %+v", msgs)
	}
	// A screening with a concern keeps it: nothing more is raised or sent.
	withConcern := f.screen(t, concerning)
	svc := f.service(t, 1)
	third, err := f.st.Referrals.CreateReferral(f.ctx, f.nav, withConcern.ID, svc.ID)
	must(t, "refer the screening with a concern", err)
	res, err = f.st.Referrals.Transition(f.ctx, f.nav, third, referral.Move{To: referral.Escalated, Reason: "worried"},
		&app.NewConcern{Concern: referral.Concern{ID: "c-esc-3", ScreeningID: withConcern.ID}})
	if err != nil || res.ConcernRef != withConcern.Safeguarding.Reference {
		t.Fatalf("escalating a screening with a concern: %+v %v", res, err)
	}
	if _, err := f.st.Concerns.Concern(f.ctx, f.nav, "c-esc-3"); kith.ErrorCode(err) != kith.ENOTFOUND {
		t.Fatalf("a second concern was raised: %v", err)
	}
}

func testOutbox(t *testing.T, f *fixture) {
	_, id := f.referral(t, minimal, 0)
	f.send(t, id, app.Message{Kind: "provider_referral", To: "referrals@provider.example", Subject: "A referral", Body: "Open the link"})
	msgs, err := f.st.Outbox.PendingMessages(f.ctx, "alpha", 10, 0)
	if err != nil || len(msgs) != 1 || msgs[0].ReferralID != id || msgs[0].To != "referrals@provider.example" || msgs[0].Attempts != 0 {
		t.Fatalf("pending: %+v %v", msgs, err)
	}
	if msgs, _ := f.st.Outbox.PendingMessages(f.ctx, "beta", 10, 0); len(msgs) != 0 {
		t.Fatalf("beta's outbox holds alpha's message: %+v", msgs)
	}
	m := msgs[0]
	for range 3 {
		must(t, "failed send", f.st.Outbox.MarkSent(f.ctx, m.ID, errors.New("mailbox unavailable")))
	}
	if msgs, _ := f.st.Outbox.PendingMessages(f.ctx, "", 10, 0); len(msgs) != 1 || msgs[0].Attempts != 3 {
		t.Fatalf("after three failures: %+v", msgs)
	}
	if msgs, _ := f.st.Outbox.PendingMessages(f.ctx, "", 10, 3); len(msgs) != 0 {
		t.Fatalf("a message tried as often as allowed is still offered: %+v", msgs)
	}
	must(t, "sent", f.st.Outbox.MarkSent(f.ctx, m.ID, nil))
	if msgs, _ := f.st.Outbox.PendingMessages(f.ctx, "", 10, 0); len(msgs) != 0 {
		t.Fatalf("a sent message is pending: %+v", msgs)
	}
	// A concern's message is tried until it is sent, behind messages
	// tried fewer times.
	in := newScreening(t, concerning, "")
	in.Concern.Message = func(ref string) app.Message {
		return app.Message{Kind: "safeguarding_concern", To: "team@council.example", Subject: ref, Body: "link", UntilSent: true, ConcernID: in.Concern.Concern.ID}
	}
	_, _, err = f.st.Screenings.CreateScreening(f.ctx, f.visit, in)
	must(t, "screening with a concern", err)
	msgs, _ = f.st.Outbox.PendingMessages(f.ctx, "alpha", 10, 0)
	if len(msgs) != 1 || !msgs[0].UntilSent {
		t.Fatalf("the concern's message: %+v", msgs)
	}
	for range 3 {
		must(t, "failed send", f.st.Outbox.MarkSent(f.ctx, msgs[0].ID, errors.New("mailbox unavailable")))
	}
	_, fresh := f.referral(t, minimal, 1)
	f.send(t, fresh, app.Message{Kind: "provider_referral", To: "referrals@provider.example", Subject: "Another referral", Body: "Open the link"})
	got, _ := f.st.Outbox.PendingMessages(f.ctx, "", 10, 3)
	if len(got) != 2 || got[0].ReferralID != fresh || got[1].ID != msgs[0].ID {
		t.Fatalf("after three failures the concern's message is still offered, after the fresh one: %+v", got)
	}
}

// The sender claims what waits, in the listing's order; a message sent is
// never claimed again, one tried as often as allowed is left out, and
// listing the outbox (the lead's page) hands nothing out: a message listed
// is still claimed and sent.
func testOutboxClaims(t *testing.T, f *fixture) {
	_, first := f.referral(t, minimal, 0)
	f.send(t, first, app.Message{Kind: "provider_referral", To: "one@provider.example", Subject: "A referral", Body: "Open the link"})
	_, second := f.referral(t, minimal, 1)
	f.send(t, second, app.Message{Kind: "provider_referral", To: "two@provider.example", Subject: "A referral", Body: "Open the link"})
	if listed, err := f.st.Outbox.PendingMessages(f.ctx, "alpha", 10, 0); err != nil || len(listed) != 2 {
		t.Fatalf("listed: %+v %v", listed, err)
	}
	claimed, err := f.st.Outbox.ClaimMessages(f.ctx, 10, 0)
	if err != nil || len(claimed) != 2 || claimed[0].ReferralID != first || claimed[1].ReferralID != second || claimed[0].Site != "alpha" {
		t.Fatalf("claimed after listing: %+v %v", claimed, err)
	}
	must(t, "sent", f.st.Outbox.MarkSent(f.ctx, claimed[0].ID, nil))
	must(t, "failed send", f.st.Outbox.MarkSent(f.ctx, claimed[1].ID, errors.New("mailbox unavailable")))
	if listed, _ := f.st.Outbox.PendingMessages(f.ctx, "", 10, 0); len(listed) != 1 || listed[0].ID != claimed[1].ID || listed[0].Attempts != 1 {
		t.Fatalf("listed after one sent and one failed: %+v", listed)
	}
	if again, err := f.st.Outbox.ClaimMessages(f.ctx, 10, 1); err != nil || len(again) != 0 {
		t.Fatalf("claimed a message tried as often as allowed, or one sent: %+v %v", again, err)
	}
	must(t, "sent", f.st.Outbox.MarkSent(f.ctx, claimed[1].ID, nil))
	if again, err := f.st.Outbox.ClaimMessages(f.ctx, 10, 0); err != nil || len(again) != 0 {
		t.Fatalf("claimed a sent message: %+v %v", again, err)
	}
}
