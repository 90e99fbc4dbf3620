package storetest

import (
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/reports"
)

func testReports(t *testing.T, f *fixture) {
	_, id := f.referral(t, minimal, 0)
	f.send(t, id)
	f.screen(t, concerning)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	sum, err := f.st.Reports.Summary(f.ctx, f.lead, app.ReportFilter{From: today.AddDate(0, 0, -1), To: today.AddDate(0, 0, 2)}, nil)
	must(t, "summary", err)
	want := reports.Funnel{Screenings: 2, Concerns: 1, Referrals: 1, Sent: 1}
	if sum.Funnel != want {
		t.Fatalf("funnel %+v, want %+v", sum.Funnel, want)
	}
	if sum.Quadrants["isolated_and_lonely"] != 1 || sum.Prevalence["risk_factor"] == nil {
		t.Fatalf("quadrants %v, prevalence %v", sum.Quadrants, sum.Prevalence)
	}
	other, err := f.st.Reports.Summary(f.ctx, f.other, app.ReportFilter{From: today.AddDate(0, 0, -1), To: today.AddDate(0, 0, 2)}, nil)
	if err != nil || other.Funnel != (reports.Funnel{}) {
		t.Fatalf("beta's summary counts alpha's screenings: %+v %v", other.Funnel, err)
	}
}

func testRetention(t *testing.T, f *fixture) {
	settings := f.siteSettings(t)
	settings.RetentionDays = 400
	must(t, "set retention", f.st.Sites.UpdateSiteSettings(f.ctx, f.lead, "Site alpha", settings))
	sites, err := f.st.Exports.EverySiteSettings(f.ctx)
	if _, listed := sites["beta"]; err != nil || sites["alpha"].RetentionDays != 400 || sites["beta"].RetentionDays != 0 || !listed {
		t.Fatalf("sites with retention: %v %v", sites, err)
	}
	open, openID := f.referral(t, minimal, 0)
	closed, closedID := f.referral(t, minimal, 1)
	_, err = f.st.Referrals.Transition(f.ctx, f.nav, closedID, referral.Move{To: referral.Withdrawn, WithdrawnBy: "person", Reason: "moved away"}, nil)
	must(t, "withdraw", err)
	must(t, "note", f.st.Referrals.AddNote(f.ctx, f.nav, closedID, "Ada said her son visits on Sundays"))
	if bi, err := f.st.Screenings.BestInterestDecision(f.ctx, f.lead, closed.ID); bi != nil || err != nil {
		t.Fatalf("a best-interest decision never made: %+v %v", bi, err)
	}
	must(t, "best interest", f.st.Screenings.RecordBestInterest(f.ctx, f.nav, closed.ID, app.BestInterest{Decision: "refer", StepsTaken: "Ada's steps", Advocate: "Ada's advocate"}))
	if bi, err := f.st.Screenings.BestInterestDecision(f.ctx, f.lead, closed.ID); err != nil || bi == nil || bi.StepsTaken != "Ada's steps" || bi.DecidedBy != f.nav.Ref() || bi.DecidedAt.IsZero() {
		t.Fatalf("best-interest decision: %+v %v", bi, err)
	}
	if bi, _ := f.st.Screenings.BestInterestDecision(f.ctx, f.other, closed.ID); bi != nil {
		t.Fatalf("another site reads the best-interest decision: %+v", bi)
	}
	before := time.Now().UTC().Add(time.Hour)
	items, err := f.st.Exports.RetentionCandidates(f.ctx, sys(), before)
	if err != nil || len(items) != 1 || items[0].ID != closed.ID || items[0].Request.Person.Name != "Ada Example" {
		t.Fatalf("candidates (the screening with an open referral must wait): %+v %v", items, err)
	}
	if items, _ := f.st.Exports.RetentionCandidates(f.ctx, sys(), time.Now().UTC().Add(-time.Hour)); len(items) != 0 {
		t.Fatalf("a screening newer than the cut-off is a candidate: %+v", items)
	}
	r, err := app.Redact(items[0])
	must(t, "redact", err)
	must(t, "store the redaction", f.st.Exports.Redact(f.ctx, sys(), r))
	req, _ := f.st.Screenings.ScreeningRequest(f.ctx, f.lead, closed.ID)
	if req.Person.Name != app.Removed || req.Person.Address != "" || req.Wishes != "" {
		t.Fatalf("redacted request: %+v", req.Person)
	}
	ref, _ := f.st.Referrals.Referral(f.ctx, f.lead, closedID)
	if len(ref.Notes) != 1 || ref.Notes[0].Note == "Ada said her son visits on Sundays" {
		t.Fatalf("the referral's note survived retention: %+v", ref.Notes)
	}
	// The worklist's search no longer finds the person by the name removed
	// (it still finds the other screening's referral, not yet redacted).
	found, _, err := f.st.Referrals.ListReferrals(f.ctx, f.nav, app.ReferralFilter{Q: "Ada", Page: kith.Page{Number: 1, Size: 10},
		Now: time.Now(), Thresholds: referral.Thresholds{}.OrDefault()})
	if err != nil || len(found) != 1 || found[0].ID != openID {
		t.Fatalf("searching the name retention removed finds %+v (%v); want only %s", found, err, openID)
	}
	if items, _ := f.st.Exports.RetentionCandidates(f.ctx, sys(), before); len(items) != 0 {
		t.Fatalf("a redacted screening is a candidate again: %+v", items)
	}
	if req, _ := f.st.Screenings.ScreeningRequest(f.ctx, f.lead, open.ID); req.Person.Name != "Ada Example" {
		t.Fatalf("the screening with an open referral (%s) was redacted", openID)
	}
	if bi, _ := f.st.Screenings.BestInterestDecision(f.ctx, f.lead, closed.ID); bi == nil || bi.StepsTaken == "Ada's steps" || bi.Advocate != "" {
		t.Fatalf("the best-interest decision's words survived retention: %+v", bi)
	}
	// An open referral untouched since the cut-off is expired, then its
	// screening can go; one changed since is left alone.
	if n, err := f.st.Exports.ExpireStaleReferrals(f.ctx, sys(), time.Now().UTC().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("expire referrals changed after the cut-off: %d %v", n, err)
	}
	if n, err := f.st.Exports.ExpireStaleReferrals(f.ctx, kith.Actor{Site: "beta", Kind: "system", ID: "retention"}, before); err != nil || n != 0 {
		t.Fatalf("beta's retention expired alpha's referrals: %d %v", n, err)
	}
	if n, err := f.st.Exports.ExpireStaleReferrals(f.ctx, sys(), before); err != nil || n != 1 {
		t.Fatalf("expire stale referrals: %d %v", n, err)
	}
	if ref, _ := f.st.Referrals.Referral(f.ctx, f.lead, openID); ref.State != referral.Expired || ref.History[len(ref.History)-1].Reason != "retention_period_passed" {
		t.Fatalf("the stale referral: %s %+v", ref.State, ref.History)
	}
	if items, _ := f.st.Exports.RetentionCandidates(f.ctx, sys(), before); len(items) != 1 || items[0].ID != open.ID {
		t.Fatalf("after expiring, the screening is a candidate: %+v", items)
	}
	must(t, "forget removed", f.st.Exports.ForgetRemoved(f.ctx))
}

// testLock: a job's lock is held by one taking at a time and given back on
// release; a backend shared by processes must hold it across them too
// (sqlite's TestTwoStoresShareJobLocks shows it with two stores).
func testLock(t *testing.T, f *fixture) {
	release, ok, err := f.st.Lock.TryLock(f.ctx, "job:conformance", time.Minute)
	if err != nil || !ok {
		t.Fatalf("take: %v %v", ok, err)
	}
	if _, ok, err := f.st.Lock.TryLock(f.ctx, "job:conformance", time.Minute); err != nil || ok {
		t.Fatalf("a held lock was taken again: %v %v", ok, err)
	}
	other, ok, err := f.st.Lock.TryLock(f.ctx, "job:another", time.Minute)
	if err != nil || !ok {
		t.Fatalf("another job's lock: %v %v", ok, err)
	}
	other()
	release()
	again, ok, err := f.st.Lock.TryLock(f.ctx, "job:conformance", time.Minute)
	if err != nil || !ok {
		t.Fatalf("after release: %v %v", ok, err)
	}
	again()
}
