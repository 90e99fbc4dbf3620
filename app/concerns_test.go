package app_test

import (
	"testing"

	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
)

// The team completes where the risk is once; an outcome recorded later
// without it leaves it as it was (the application decides, the store
// writes what it is given).
func TestConcernOutcomeKeepsWhatTheTeamLeftOut(t *testing.T) {
	w := newWorld(t)
	r := w.sentReferral(t, "alpha", 0)
	res, err := w.app.Transition(w.ctx, nav("alpha"), r.ID, referral.Move{To: referral.Escalated, Reason: "disclosed harm"}, app.Links{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.app.ScreeningConcern(w.ctx, lead("alpha"), r.ScreeningID)
	if err != nil {
		t.Fatalf("escalation %+v raised no concern: %v", res, err)
	}
	got, err := w.app.RecordConcernOutcome(w.ctx, lead("alpha"), c.ID, referral.ConcernOutcome{Enquiry: "s42_enquiry", LocationOfRisk: "own_home"})
	if err != nil || got.LocationOfRisk != "own_home" {
		t.Fatalf("decision: %+v %v", got, err)
	}
	got, err = w.app.RecordConcernOutcome(w.ctx, lead("alpha"), c.ID, referral.ConcernOutcome{Enquiry: "s42_enquiry"})
	if err != nil || got.LocationOfRisk != "own_home" || got.OutcomeAt == nil {
		t.Fatalf("outcome without a location: %+v %v", got, err)
	}
}
