package storetest

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
)

// doubtful did not agree to a referral, and the visitor doubted the
// person's capacity to decide.
var doubtful = strings.NewReplacer(`"consent": {"share": "yes", "refer": "yes"}`, `"consent": {"share": "not_asked"}`,
	`"capacity_concern": false`, `"capacity_concern": true`).Replace(minimal)

// refused said no, with nothing to doubt their capacity.
var refused = strings.Replace(minimal, `"consent": {"share": "yes", "refer": "yes"}`, `"consent": {"share": "no"}`, 1)

func waitingIDs(t *testing.T, f *fixture, a kith.Actor) map[string]string {
	t.Helper()
	items, total, err := f.st.Screenings.WaitingScreenings(f.ctx, a, kith.Page{Number: 1, Size: 50})
	must(t, "waiting screenings", err)
	if total != len(items) {
		t.Fatalf("waiting total %d, items %d", total, len(items))
	}
	out := map[string]string{}
	for _, w := range items {
		out[w.ID] = w.Waiting
		if w.PersonName == "" || w.CreatedAt.IsZero() {
			t.Fatalf("waiting screening without name or time: %+v", w)
		}
	}
	return out
}

func testWaitingScreenings(t *testing.T, f *fixture) {
	agreed := f.screen(t, minimal)
	doubt := f.screen(t, doubtful)
	no := f.screen(t, refused)
	_, referred := f.referral(t, minimal, 0)
	_ = referred
	got := waitingIDs(t, f, f.nav)
	if got[agreed.ID] != app.WaitingAgreed || got[doubt.ID] != app.WaitingBestInterest || len(got) != 2 {
		t.Fatalf("waiting: %v (agreed %s, doubt %s, refused %s)", got, agreed.ID, doubt.ID, no.ID)
	}
	if other := waitingIDs(t, f, f.other); len(other) != 0 {
		t.Fatalf("another site sees %v", other)
	}
	// A decision to refer keeps it waiting for the referral; a decision not
	// to refer takes it off the list.
	must(t, "best interest", f.st.Screenings.RecordBestInterest(f.ctx, f.nav, doubt.ID, app.BestInterest{Decision: "refer",
		Doubt: "forgets between visits", StepsTaken: "pictures, two visits", Consulted: "daughter"}))
	if got := waitingIDs(t, f, f.nav); got[doubt.ID] != app.WaitingBestInterestRefer {
		t.Fatalf("after a decision to refer: %v", got)
	}
	b, ok, err := f.st.Screenings.BestInterest(f.ctx, f.nav, doubt.ID)
	if err != nil || !ok || b.Doubt != "forgets between visits" || b.Consulted != "daughter" || b.StepsTaken != "pictures, two visits" {
		t.Fatalf("best interest read back: %+v %v %v", b, ok, err)
	}
	if _, ok, _ := f.st.Screenings.BestInterest(f.ctx, f.other, doubt.ID); ok {
		t.Fatal("another site reads the decision")
	}
	must(t, "best interest", f.st.Screenings.RecordBestInterest(f.ctx, f.nav, doubt.ID, app.BestInterest{Decision: "do_not_refer",
		Doubt: "forgets", StepsTaken: "pictures", Consulted: "daughter"}))
	if got := waitingIDs(t, f, f.nav); got[doubt.ID] != "" {
		t.Fatalf("after a decision not to refer: %v", got)
	}
}

func testSharedWords(t *testing.T, f *fixture) {
	s := f.screen(t, minimal)
	if _, ok, err := f.st.Screenings.SharedWords(f.ctx, f.nav, s.ID); err != nil || ok {
		t.Fatalf("shared words before any edit: %v %v", ok, err)
	}
	must(t, "set shared words", f.st.Screenings.SetSharedWords(f.ctx, f.nav, s.ID, "A weekly phone call"))
	must(t, "set shared words again", f.st.Screenings.SetSharedWords(f.ctx, f.nav, s.ID, ""))
	if w, ok, err := f.st.Screenings.SharedWords(f.ctx, f.nav, s.ID); err != nil || !ok || w != "" {
		t.Fatalf("shared words set to nothing: %q %v %v", w, ok, err)
	}
	if _, ok, _ := f.st.Screenings.SharedWords(f.ctx, f.other, s.ID); ok {
		t.Fatal("another site reads the shared words")
	}
	wantCode(t, "another site's screening", f.st.Screenings.SetSharedWords(f.ctx, f.other, s.ID, "x"), kith.ENOTFOUND)
}

func testPeopleAndReassign(t *testing.T, f *fixture) {
	u, err := f.st.Users.CreateUser(f.ctx, f.lead, "sam@example.org", kith.RoleNavigator, "hash")
	must(t, "create user", err)
	must(t, "name", f.st.Users.SetDisplayName(f.ctx, f.lead, u.ID, "Sam Okafor"))
	wantCode(t, "another site's user", f.st.Users.SetDisplayName(f.ctx, f.other, u.ID, "x"), kith.ENOTFOUND)
	got, _, err := f.st.Users.Credentials(f.ctx, "sam@example.org")
	if err != nil || got.DisplayName != "Sam Okafor" {
		t.Fatalf("credentials carry the name: %+v %v", got, err)
	}
	sam := kith.Actor{Site: "alpha", Kind: "user", ID: strconv.FormatInt(u.ID, 10), Role: kith.RoleNavigator}
	_, id := f.referral(t, minimal, 0)
	_, err = f.st.Referrals.Transition(f.ctx, f.nav, id, referral.Move{To: referral.Assigned, Assignee: sam.Ref()}, nil)
	must(t, "assign", err)
	if n, err := f.st.Referrals.OpenWork(f.ctx, f.lead, sam.Ref()); err != nil || n != 1 {
		t.Fatalf("open work: %d %v", n, err)
	}
	must(t, "contacted", func() error {
		_, err := f.st.Referrals.Transition(f.ctx, f.nav, id, referral.Move{To: referral.Contacted}, nil)
		return err
	}())
	// Reassigning keeps the state and records who it went to.
	must(t, "reassign", f.st.Referrals.Reassign(f.ctx, f.nav, id, f.nav.Ref()))
	r, _ := f.st.Referrals.Referral(f.ctx, f.nav, id)
	last := r.History[len(r.History)-1]
	if r.Assignee != f.nav.Ref() || r.State != referral.Contacted || last.From != referral.Contacted || last.To != referral.Contacted || !strings.Contains(last.Reason, f.nav.Ref()) {
		t.Fatalf("after reassigning: %+v %+v", r, last)
	}
	wantCode(t, "to the same person", f.st.Referrals.Reassign(f.ctx, f.nav, id, f.nav.Ref()), kith.EINVALID)
	wantCode(t, "another site's referral", f.st.Referrals.Reassign(f.ctx, f.other, id, "user:9"), kith.ENOTFOUND)
	// Handing over moves every open referral, and only open ones.
	n, err := f.st.Referrals.ReassignOpenWork(f.ctx, f.lead, f.nav.Ref(), sam.Ref())
	if err != nil || n != 1 {
		t.Fatalf("hand over: %d %v", n, err)
	}
	if n, _ := f.st.Referrals.OpenWork(f.ctx, f.lead, f.nav.Ref()); n != 0 {
		t.Fatalf("still open after handing over: %d", n)
	}
	_, err = f.st.Referrals.Transition(f.ctx, f.nav, id, referral.Move{To: referral.Withdrawn, WithdrawnBy: "person", Reason: "moved away"}, nil)
	must(t, "withdraw", err)
	wantCode(t, "a finished referral", f.st.Referrals.Reassign(f.ctx, f.nav, id, f.nav.Ref()), kith.ECONFLICT)
	if n, _ := f.st.Referrals.OpenWork(f.ctx, f.lead, sam.Ref()); n != 0 {
		t.Fatalf("finished work counted as open: %d", n)
	}
	must(t, "disable", f.st.Users.DisableUser(f.ctx, f.lead, u.ID))
	people, err := f.st.Users.People(f.ctx, "alpha")
	if err != nil || len(people) != 1 || people[0].User.Name() != "Sam Okafor" || !people[0].Disabled {
		t.Fatalf("people: %+v %v", people, err)
	}
	if others, _ := f.st.Users.People(f.ctx, "beta"); len(others) != 0 {
		t.Fatalf("beta lists alpha's people: %+v", others)
	}
}

func testProviderLinks(t *testing.T, f *fixture) {
	_, id := f.referral(t, minimal, 0)
	exp := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
	l, err := f.st.Referrals.ProviderLink(f.ctx, f.nav, id, "ABCD2345", exp)
	if err != nil || l.Code != "ABCD2345" || !l.ExpiresAt.Equal(exp) || l.RevokedAt != nil || l.Site != "alpha" || l.ReferralID != id {
		t.Fatalf("first link: %+v %v", l, err)
	}
	again, err := f.st.Referrals.ProviderLink(f.ctx, f.nav, id, "ZZZZ2222", exp.Add(time.Hour))
	if err != nil || again.Code != l.Code || !again.ExpiresAt.Equal(exp) {
		t.Fatalf("a second call made another link: %+v %v", again, err)
	}
	_, other := f.referral(t, minimal, 1)
	_, err = f.st.Referrals.ProviderLink(f.ctx, f.nav, other, "ABCD2345", exp)
	wantCode(t, "a code in use", err, kith.ECONFLICT)
	_, err = f.st.Referrals.ProviderLink(f.ctx, f.other, id, "QQQQ2222", exp)
	wantCode(t, "another site's referral", err, kith.ENOTFOUND)
	if got, err := f.st.Referrals.ProviderLinkByCode(f.ctx, "ABCD2345"); err != nil || got.ReferralID != id {
		t.Fatalf("by code: %+v %v", got, err)
	}
	_, err = f.st.Referrals.ProviderLinkByCode(f.ctx, "NOPE2345")
	wantCode(t, "an unknown code", err, kith.ENOTFOUND)
	if _, ok, _ := f.st.Referrals.ProviderLinkFor(f.ctx, "beta", id); ok {
		t.Fatal("beta reads alpha's link")
	}
	f.send(t, id)
	_, err = f.st.Referrals.Transition(f.ctx, f.nav, id, referral.Move{To: referral.Declined, Reason: "service_full"}, nil)
	must(t, "decline", err)
	if got, ok, err := f.st.Referrals.ProviderLinkFor(f.ctx, "alpha", id); err != nil || !ok || got.RevokedAt == nil {
		t.Fatalf("declining did not revoke the link: %+v %v %v", got, ok, err)
	}
	// A link first made for a referral that has ended is made revoked.
	_, err = f.st.Referrals.Transition(f.ctx, f.nav, other, referral.Move{To: referral.Withdrawn, WithdrawnBy: "person", Reason: "no"}, nil)
	must(t, "withdraw", err)
	if late, err := f.st.Referrals.ProviderLink(f.ctx, f.nav, other, "LATE2345", exp); err != nil || late.RevokedAt == nil {
		t.Fatalf("a link for an ended referral: %+v %v", late, err)
	}
}

func testWorklistSearchAndFilters(t *testing.T, f *fixture) {
	_, ada := f.referral(t, minimal, 0)    // Ada Example
	_, bea := f.referral(t, concerning, 1) // Bea Example, safeguarding
	_, done := f.referral(t, minimal, 2)
	_, err := f.st.Referrals.Transition(f.ctx, f.nav, done, referral.Move{To: referral.Withdrawn, WithdrawnBy: "person", Reason: "no"}, nil)
	must(t, "withdraw", err)
	list := func(fl app.ReferralFilter, size, number int) ([]string, int) {
		t.Helper()
		fl.Page, fl.Now, fl.Thresholds = kith.Page{Number: number, Size: size}, time.Now().UTC(), referral.Thresholds{}.OrDefault()
		items, total, err := f.st.Referrals.ListReferrals(f.ctx, f.nav, fl)
		must(t, "worklist", err)
		var ids []string
		for _, r := range items {
			ids = append(ids, r.ID)
		}
		return ids, total
	}
	if got, n := list(app.ReferralFilter{Open: true}, 10, 1); n != 2 || !slices.Equal(got, []string{bea, ada}) {
		t.Fatalf("open work: %v (%d)", got, n)
	}
	if _, n := list(app.ReferralFilter{}, 10, 1); n != 3 {
		t.Fatalf("finished work asked for: %d", n)
	}
	if got, _ := list(app.ReferralFilter{Q: "bEa"}, 10, 1); !slices.Equal(got, []string{bea}) {
		t.Fatalf("by name: %v", got)
	}
	if got, _ := list(app.ReferralFilter{Q: app.ReferralReference(ada)}, 10, 1); !slices.Equal(got, []string{ada}) {
		t.Fatalf("by reference: %v", got)
	}
	if got, _ := list(app.ReferralFilter{Q: "%"}, 10, 1); len(got) != 0 {
		t.Fatalf("a wildcard matches: %v", got)
	}
	yes, no := true, false
	if got, _ := list(app.ReferralFilter{Safeguarding: &yes}, 10, 1); !slices.Equal(got, []string{bea}) {
		t.Fatalf("safeguarding: %v", got)
	}
	if got, _ := list(app.ReferralFilter{Safeguarding: &no, Open: true}, 10, 1); !slices.Equal(got, []string{ada}) {
		t.Fatalf("not safeguarding: %v", got)
	}
	// Pages cross from one run to the next.
	first, n := list(app.ReferralFilter{}, 1, 1)
	second, _ := list(app.ReferralFilter{}, 1, 2)
	third, _ := list(app.ReferralFilter{}, 1, 3)
	if n != 3 || !slices.Equal(append(append(first, second...), third...), []string{bea, ada, done}) {
		t.Fatalf("pages of one: %v %v %v", first, second, third)
	}
	if beyond, n := list(app.ReferralFilter{}, 10, 5); len(beyond) != 0 || n != 3 {
		t.Fatalf("beyond the last page: %v %d", beyond, n)
	}
}

// testWorklistCounts checks the worklist's totals and order against the
// referrals themselves after every kind of write that changes what a
// filter counts (made, moved, sent, assigned, reassigned, handed over,
// finished), whatever the store keeps to answer them quickly.
func testWorklistCounts(t *testing.T, f *fixture) {
	_, ada := f.referral(t, minimal, 0)
	_, bea := f.referral(t, concerning, 1)
	_, cy := f.referral(t, minimal, 2)
	_, dev := f.referral(t, minimal, 3)
	f.send(t, ada)
	f.send(t, bea)
	_, err := f.st.Referrals.Transition(f.ctx, f.nav, cy, referral.Move{To: referral.Assigned, Assignee: "user:99"}, nil)
	must(t, "assign", err)
	must(t, "reassign", f.st.Referrals.Reassign(f.ctx, f.nav, cy, f.nav.Ref()))
	_, err = f.st.Referrals.Transition(f.ctx, f.nav, dev, referral.Move{To: referral.Withdrawn, WithdrawnBy: "person", Reason: "no"}, nil)
	must(t, "withdraw", err)
	_, err = f.st.Referrals.Transition(f.ctx, f.nav, bea, referral.Move{To: referral.Expired}, nil)
	must(t, "expire", err)
	_, err = f.st.Referrals.ReassignOpenWork(f.ctx, f.lead, f.nav.Ref(), "user:98")
	must(t, "hand over", err)
	yes, no := true, false
	for _, now := range []time.Time{time.Now().UTC(), time.Now().UTC().AddDate(0, 1, 0)} {
		th := referral.Thresholds{}.OrDefault()
		all, total, err := f.st.Referrals.ListReferrals(f.ctx, f.nav, app.ReferralFilter{Page: kith.Page{Number: 1, Size: 50}, Now: now, Thresholds: th})
		must(t, "everything", err)
		if total != 4 || len(all) != 4 {
			t.Fatalf("everything: %d of %d", len(all), total)
		}
		for i := range all {
			all[i] = all[i].WithTimer(now, th)
		}
		for _, fl := range []app.ReferralFilter{{Open: true}, {Assignee: "user:98"}, {Assignee: "user:98", Open: true}, {Assignee: "user:99"},
			{State: "sent"}, {State: "expired"}, {State: "withdrawn"}, {Safeguarding: &yes}, {Safeguarding: &no, Open: true},
			{Overdue: &yes}, {Overdue: &no, Open: true}, {Overdue: &yes, Safeguarding: &no}} {
			var want []string
			for _, r := range all {
				if (fl.Open && referral.Final(r.State)) || (fl.State != "" && string(r.State) != fl.State) || (fl.Assignee != "" && r.Assignee != fl.Assignee) ||
					(fl.Safeguarding != nil && r.Safeguarding != *fl.Safeguarding) || (fl.Overdue != nil && r.Overdue != *fl.Overdue) {
					continue
				}
				want = append(want, r.ID)
			}
			fl.Page, fl.Now, fl.Thresholds = kith.Page{Number: 1, Size: 50}, now, th
			items, n, err := f.st.Referrals.ListReferrals(f.ctx, f.nav, fl)
			must(t, "worklist", err)
			var got []string
			for _, r := range items {
				got = append(got, r.ID)
			}
			if n != len(want) || !slices.Equal(got, want) {
				t.Errorf("as of %s, filter %+v: got %v (total %d), want %v", now.Format(time.DateOnly), fl, got, n, want)
			}
		}
	}
}
