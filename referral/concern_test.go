package referral

import (
	"slices"
	"testing"
	"time"

	"github.com/kith-project/kith/screening"
)

func TestNewConcernNeverInventsWhereOrWho(t *testing.T) {
	res := &screening.Result{Safeguarding: screening.Safeguarding{TypesOfRisk: []string{"physical"}}}
	req := &screening.Request{Person: &screening.Person{Name: "Edna"}, S42: &screening.S42{LocationOfRisk: "own_home"}}
	c := NewConcern("c1", "s1", res, req)
	if c.ID != "c1" || c.ScreeningID != "s1" || c.PersonName != "Edna" || c.LocationOfRisk != "own_home" || c.SourceOfRisk != "" || !slices.Equal(c.TypesOfRisk, []string{"physical"}) {
		t.Fatalf("concern: %+v", c)
	}
	if got := c.StillToComplete(); !slices.Equal(got, []string{"source_of_risk"}) {
		t.Fatalf("still to complete: %v", got)
	}
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	c.CreatedAt = at
	c.Reference = "SG-2026-000001"
	done := c.WithOutcome(ConcernOutcome{Enquiry: "no_enquiry", Instead: "information_and_advice", SourceOfRisk: "other_known_to_individual"}, at)
	if done.LocationOfRisk != "own_home" || done.SourceOfRisk != "other_known_to_individual" || done.OutcomeAt == nil || len(done.StillToComplete()) != 0 {
		t.Fatalf("with outcome: %+v", done)
	}
	row := ConcernReturnRow(done)
	if len(row) != len(ConcernReturnColumns) || row[0] != "SG-2026-000001" || row[1] != "2026-05-01" || row[5] != "no_enquiry" || row[6] != "information_and_advice" || row[11] != "" {
		t.Fatalf("return row: %v", row)
	}
}

func TestVisitorStatus(t *testing.T) {
	for _, tc := range []struct {
		o    *ConcernOutcome
		want ConcernStatus
	}{
		{nil, StatusAwaitingDecision},
		{&ConcernOutcome{Enquiry: "s42_enquiry"}, StatusS42Enquiry},
		{&ConcernOutcome{Enquiry: "other_enquiry"}, StatusOtherEnquiry},
		{&ConcernOutcome{Enquiry: "s42_enquiry", MSPAsked: "not_asked", RiskAssessment: "ceased_at_request"}, StatusEnquiryFinished},
		{&ConcernOutcome{Enquiry: "no_enquiry", Instead: "information_and_advice"}, StatusAdviceGiven},
		{&ConcernOutcome{Enquiry: "no_enquiry", Instead: "community_referral"}, StatusCommunityReferral},
		{&ConcernOutcome{Enquiry: "no_enquiry", Instead: "other_service"}, StatusOtherService},
		{&ConcernOutcome{Enquiry: "no_enquiry", Instead: "no_further_action"}, StatusNoFurtherAction},
	} {
		if got := (Concern{Outcome: tc.o}).VisitorStatus(); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.o, got, tc.want)
		}
	}
}
