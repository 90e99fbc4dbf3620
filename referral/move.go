package referral

import (
	"slices"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/screening"
)

// Effects are what a move does, for the store to write in the move's
// transaction beside the new state and its history row.
type Effects struct {
	// Assignee is set when the referral is assigned.
	Assignee string
	// Sent starts the provider's timers (and forgets any nudge).
	Sent bool
	// RerouteTo is the service a new referral goes to, linked both ways.
	RerouteTo string
	// RaiseConcern raises a safeguarding concern for the screening if it
	// has none.
	RaiseConcern bool
	// Task is a task to open on the referral ("" for none).
	Task string
	// Outcome and Change are stored when the referral closes.
	Outcome *Outcome
	Change  *Change
	// HistoryReason is the reason the history row records.
	HistoryReason string
	// RevokeLink ends the provider's link (RevokesProviderLink).
	RevokeLink bool
}

// NeedsScreening reports whether Plan needs the screening's result for m:
// a close with a follow-up measure compares it with the first.
func NeedsScreening(m Move) bool {
	return m.To == Closed && m.Outcome != nil && m.Outcome.FollowUp != nil
}

// Plan checks a move of r and says what it does: a reroute opens a new
// referral; an escalation raises a concern; a withdrawal of a referral
// with red flags opens a coercion check; closing stores the outcome and
// the change in loneliness. actorRef is who moves it (an assignment to
// no one in particular goes to them); first is the screening's result,
// needed only when NeedsScreening(m).
func Plan(r Referral, m Move, actorRef string, first *screening.Result) (Effects, error) {
	if err := Check(r.State, m); err != nil {
		return Effects{}, err
	}
	e := Effects{HistoryReason: m.Reason, RevokeLink: RevokesProviderLink(m.To)}
	switch m.To {
	case Assigned:
		e.Assignee = m.Assignee
		if e.Assignee == "" {
			e.Assignee = actorRef
		}
	case Sent:
		e.Sent = true
	case Rerouted:
		e.RerouteTo = m.ServiceID
	case Escalated:
		e.RaiseConcern = true
	case Withdrawn:
		e.HistoryReason = m.WithdrawnBy + ": " + m.Reason
		if r.RedFlags {
			e.Task = TaskCoercionCheck
		}
	case Closed:
		e.Outcome = m.Outcome
		if NeedsScreening(m) {
			c, err := FollowUpChange(first, m.Outcome.FollowUp)
			if err != nil {
				return Effects{}, err
			}
			e.Change = c
		}
	}
	return e, nil
}

// FollowUpChange scores a follow-up loneliness measure and compares it
// with the first, which must have used the same instrument.
func FollowUpChange(first *screening.Result, fu *FollowUp) (*Change, error) {
	if fu == nil {
		return nil, nil
	}
	var prev screening.InstrumentResult
	ok := false
	if first != nil {
		prev, ok = first.Instruments[fu.Instrument]
	}
	if !ok || !slices.Contains([]string{screening.UCLA3, screening.DJG6, screening.ONSLoneliness}, fu.Instrument) {
		return nil, kith.Invalid(kith.FieldError{Field: "outcome.follow_up.instrument",
			Message: "must be a loneliness instrument the screening used, so the change is meaningful"})
	}
	res, err := screening.ScoreInstrument(fu.Instrument, screening.InstrumentInput{Answers: fu.Answers, Answer: fu.Answer}, "outcome.follow_up")
	if err != nil {
		return nil, err
	}
	c := &Change{Instrument: fu.Instrument, FirstScore: prev.Score, FollowUpScore: res.Score,
		FirstClass: prev.Classification, FollowUpClass: res.Classification}
	if prev.Score != nil && res.Score != nil {
		d := *res.Score - *prev.Score
		c.Delta = &d
	}
	c.MovedOutOfLonely = LonelyClass(prev.Classification) && !LonelyClass(res.Classification)
	return c, nil
}

// Opening is what a new referral carries from its screening.
type Opening struct {
	// Safeguarding puts the referral first in the worklist: the screening
	// raised a concern or called for an emergency response.
	Safeguarding bool
	// RedFlags makes a withdrawal open a coercion check.
	RedFlags bool
}

// OpenFrom decides whether a referral may be made from a screening: the person
// agreed to one, or, where their capacity to decide is in doubt, a navigator
// recorded a best-interest decision to refer. A capacitous refusal is never
// overridden, whatever was recorded.
func OpenFrom(first *screening.Result, req *screening.Request, bestInterestRefers bool) (Opening, error) {
	if first.Consent.Refer != screening.Yes && (!bestInterestRefers || AgreementOf(req) != CapacityInDoubt) {
		return Opening{}, &kith.Error{Code: kith.ECONFLICT, Message: "The person has not agreed to a referral. A navigator may record a best-interest decision first.",
			Fields: []kith.FieldError{{Field: "screening_id", Message: "the person has not agreed to a referral"}}}
	}
	a := first.Safeguarding.Action
	return Opening{Safeguarding: a == screening.ActionRaiseConcern || a == screening.ActionEmergency, RedFlags: first.AbuseIndicated}, nil
}

// ReasonRetention is the history's reason for a referral retention expired.
const ReasonRetention = "retention_period_passed"

// RetentionExpiry is what retention's move of r to expired does, from any
// state not yet settled (a move no person may make: retention expires the
// referrals left open and untouched past the site's period, so the
// person's data can be removed): the history says why, and the provider's
// link ends as it does when a referral closes.
func RetentionExpiry(r Referral) (Effects, error) {
	if Settled(r.State) {
		return Effects{}, &kith.Error{Code: kith.ECONFLICT, Message: "A referral that is " + string(r.State) + " is settled: retention does not expire it."}
	}
	return Effects{HistoryReason: ReasonRetention, RevokeLink: true}, nil
}
