package referral

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/screening"
)

func TestPlan(t *testing.T) {
	outcome := &Outcome{DesiredOutcomesAsked: "asked_expressed", Achieved: "fully", FeltListenedTo: "agree", FeltInvolved: "agree", FeelsSafer: "agree"}
	first := &screening.Result{Instruments: map[string]screening.InstrumentResult{}}
	seven := 7
	first.Instruments[screening.UCLA3] = screening.InstrumentResult{Score: &seven, Classification: "lonely"}
	withFollowUp := *outcome
	withFollowUp.FollowUp = &FollowUp{Instrument: screening.UCLA3, Answers: []json.RawMessage{json.RawMessage("1"), json.RawMessage("1"), json.RawMessage("2")}}
	four, minus3 := 4, -3
	tests := []struct {
		name string
		r    Referral
		m    Move
		want Effects
	}{
		{"assign to the mover", Referral{State: New}, Move{To: Assigned}, Effects{Assignee: "user:1"}},
		{"assign to another", Referral{State: New}, Move{To: Assigned, Assignee: "user:2"}, Effects{Assignee: "user:2"}},
		{"send starts the timers", Referral{State: Contacted}, Move{To: Sent}, Effects{Sent: true}},
		{"reroute opens a new referral", Referral{State: Declined}, Move{To: Rerouted, ServiceID: "s2"}, Effects{RerouteTo: "s2", RevokeLink: true}},
		{"escalate raises a concern", Referral{State: Contacted}, Move{To: Escalated, Reason: "disclosed abuse"},
			Effects{RaiseConcern: true, HistoryReason: "disclosed abuse", RevokeLink: true}},
		{"withdrawal with red flags opens a coercion check", Referral{State: Contacted, RedFlags: true},
			Move{To: Withdrawn, WithdrawnBy: "person", Reason: "moved"}, Effects{Task: TaskCoercionCheck, HistoryReason: "person: moved", RevokeLink: true}},
		{"withdrawal without red flags", Referral{State: Contacted}, Move{To: Withdrawn, WithdrawnBy: "referrer", Reason: "moved"},
			Effects{HistoryReason: "referrer: moved", RevokeLink: true}},
		{"close stores the outcome", Referral{State: Engaged}, Move{To: Closed, Outcome: outcome}, Effects{Outcome: outcome, RevokeLink: true}},
		{"close with a follow-up measures the change", Referral{State: Engaged}, Move{To: Closed, Outcome: &withFollowUp},
			Effects{Outcome: &withFollowUp, RevokeLink: true, Change: &Change{Instrument: screening.UCLA3, FirstScore: &seven, FollowUpScore: &four,
				FirstClass: "lonely", FollowUpClass: "not_lonely", Delta: &minus3, MovedOutOfLonely: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Plan(tt.r, tt.m, "user:1", first)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanRefuses(t *testing.T) {
	if _, err := Plan(Referral{State: Closed}, Move{To: Assigned}, "user:1", nil); kith.ErrorCode(err) != kith.ECONFLICT {
		t.Errorf("move from a final state: %v, want a conflict", err)
	}
	fu := &Outcome{DesiredOutcomesAsked: "asked_expressed", Achieved: "fully", FeltListenedTo: "agree", FeltInvolved: "agree", FeelsSafer: "agree",
		FollowUp: &FollowUp{Instrument: screening.DJG6, Answers: []json.RawMessage{json.RawMessage(`"no"`)}}}
	first := &screening.Result{Instruments: map[string]screening.InstrumentResult{}}
	if _, err := Plan(Referral{State: Engaged}, Move{To: Closed, Outcome: fu}, "user:1", first); kith.ErrorCode(err) != kith.EINVALID {
		t.Errorf("follow-up with an instrument the screening did not use: %v, want invalid", err)
	}
}

func TestRetentionExpiry(t *testing.T) {
	for _, s := range States {
		e, err := RetentionExpiry(Referral{State: s})
		if Settled(s) {
			if kith.ErrorCode(err) != kith.ECONFLICT {
				t.Errorf("%s: retention expired a settled referral: %v", s, err)
			}
			continue
		}
		if err != nil || e.HistoryReason != ReasonRetention || !e.RevokeLink || e.Assignee != "" || e.Sent || e.RaiseConcern || e.Task != "" {
			t.Errorf("%s: %+v %v", s, e, err)
		}
	}
}
