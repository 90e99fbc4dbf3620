package storetest

import (
	"strings"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
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
