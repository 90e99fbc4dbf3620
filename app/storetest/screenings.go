package storetest

import (
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/screening"
)

func testScreenings(t *testing.T, f *fixture) {
	s := f.screen(t, minimal)
	if s.CreatedAt.IsZero() || s.Result == nil || s.Quadrant != "isolated_and_lonely" || len(s.JSON) == 0 {
		t.Fatalf("stored screening: %+v", s)
	}
	got, err := f.st.Screenings.Screening(f.ctx, f.nav, s.ID, "")
	if err != nil || got.ID != s.ID || got.Relationships[screening.RiskFactor].Level != s.Relationships[screening.RiskFactor].Level {
		t.Fatalf("read screening: %+v %v", got, err)
	}
	if _, err := f.st.Screenings.Screening(f.ctx, f.visit, s.ID, f.visit.Ref()); err != nil {
		t.Fatalf("the visitor's own screening: %v", err)
	}
	_, err = f.st.Screenings.Screening(f.ctx, f.visit, s.ID, "user:99")
	wantCode(t, "a screening someone else submitted, scoped to them", err, kith.ENOTFOUND)
	_, err = f.st.Screenings.Screening(f.ctx, f.other, s.ID, "")
	wantCode(t, "another site's screening", err, kith.ENOTFOUND)
	req, err := f.st.Screenings.ScreeningRequest(f.ctx, f.nav, s.ID)
	if err != nil || req.Person == nil || req.Person.Name != "Ada Example" || req.Wishes != "someone to talk to" {
		t.Fatalf("screening request: %+v %v", req, err)
	}
	items, total, err := f.st.Screenings.ListScreenings(f.ctx, f.nav, app.ScreeningFilter{Quadrant: "isolated_and_lonely", Page: kith.Page{Number: 1, Size: 10}})
	if err != nil || total != 1 || items[0].ID != s.ID || items[0].Levels[screening.RiskFactor] == "" {
		t.Fatalf("list screenings: %+v %d %v", items, total, err)
	}
	if _, total, _ := f.st.Screenings.ListScreenings(f.ctx, f.nav, app.ScreeningFilter{Quadrant: "connected", Page: kith.Page{Number: 1, Size: 10}}); total != 0 {
		t.Fatalf("quadrant filter: %d", total)
	}
	// Reads of personal data are audited.
	audit, _, _ := f.st.Audit.ListAudit(f.ctx, "alpha", kith.AuditFilter{EntityID: s.ID, Actor: f.nav.Ref(), Page: kith.Page{Number: 1, Size: 10}})
	if len(audit) == 0 || audit[0].Action != "read" {
		t.Fatalf("reading a screening wrote no audit row: %+v", audit)
	}
	n1, err := f.st.Screenings.NextAllocation(f.ctx, "alpha")
	must(t, "allocation", err)
	if n2, _ := f.st.Screenings.NextAllocation(f.ctx, "alpha"); n2 != n1+1 {
		t.Fatalf("allocations %d then %d", n1, n2)
	}
	refers, err := f.st.Screenings.BestInterestRefers(f.ctx, "alpha", s.ID)
	if err != nil || refers {
		t.Fatalf("best interest before any decision: %v %v", refers, err)
	}
	must(t, "best interest", f.st.Screenings.RecordBestInterest(f.ctx, f.nav, s.ID, app.BestInterest{Decision: "refer", StepsTaken: "asked family"}))
	if refers, _ := f.st.Screenings.BestInterestRefers(f.ctx, "alpha", s.ID); !refers {
		t.Fatal("a best-interest decision to refer is not found")
	}
}

func testScreeningIdempotency(t *testing.T, f *fixture) {
	in := newScreening(t, minimal, "key-1")
	first, created, err := f.st.Screenings.CreateScreening(f.ctx, f.visit, in)
	if err != nil || !created {
		t.Fatalf("first: %v %v", created, err)
	}
	again, created, err := f.st.Screenings.CreateScreening(f.ctx, f.visit, newScreening(t, minimal, "key-1"))
	if err != nil || created || again.ID != first.ID {
		t.Fatalf("retry: created %v, id %q (first %q), %v", created, again.ID, first.ID, err)
	}
	other := newScreening(t, concerning, "key-1")
	_, _, err = f.st.Screenings.CreateScreening(f.ctx, f.visit, other)
	wantCode(t, "the same key with a different body", err, kith.EINVALID)
	// Someone else sending the key is told whose it is, and nothing more
	// of it is returned or stored; the application refuses them.
	colleague := kith.Actor{Site: "alpha", Kind: "user", ID: "77", Role: kith.RoleVisitor}
	for _, body := range []string{minimal, concerning} {
		s, created, err := f.st.Screenings.CreateScreening(f.ctx, colleague, newScreening(t, body, "key-1"))
		if err != nil || created || s.SubmittedBy != f.visit.Ref() || s.Result != nil {
			t.Fatalf("another's key: created %v, %+v, %v", created, s, err)
		}
	}
	// Keys belong to a site.
	beta := kith.Actor{Site: "beta", Kind: "user", ID: "5", Role: kith.RoleVisitor}
	if s, created, err := f.st.Screenings.CreateScreening(f.ctx, beta, newScreening(t, minimal, "key-1")); err != nil || !created || s.ID == first.ID {
		t.Fatalf("the same key in another site: created %v, %v", created, err)
	}
	if _, total, _ := f.st.Screenings.ListScreenings(f.ctx, f.nav, app.ScreeningFilter{Page: kith.Page{Number: 1, Size: 10}}); total != 1 {
		t.Fatalf("alpha holds %d screenings after a retry, want 1", total)
	}
}
