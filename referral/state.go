// Package referral owns what happens after a screening: the referral state
// machine (exactly DESIGN.md's transition table), the reasons and outcomes
// each move needs, safeguarding concerns and their outcomes in the national
// return's terms, working-day timers, and the mapping to FHIR Task statuses.
// It is pure: no storage, no HTTP.
package referral

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kith-project/kith"
)

// State is where a referral stands.
type State string

const (
	New       State = "new"
	Assigned  State = "assigned"
	Contacted State = "contacted"
	Sent      State = "sent"
	Accepted  State = "accepted"
	Declined  State = "declined"
	Expired   State = "expired"
	Engaged   State = "engaged"
	Closed    State = "closed"
	Withdrawn State = "withdrawn"
	Rerouted  State = "rerouted"
	Escalated State = "escalated"
)

// States lists every state in the order a referral usually moves.
var States = []State{New, Assigned, Contacted, Sent, Accepted, Declined, Expired, Engaged, Closed, Withdrawn, Rerouted, Escalated}

// transitions is DESIGN.md's table: from each state, where it may go.
var transitions = map[State][]State{
	New:       {Assigned, Withdrawn, Escalated},
	Assigned:  {Assigned, Contacted, Withdrawn, Escalated},
	Contacted: {Sent, Withdrawn, Escalated},
	Sent:      {Accepted, Declined, Expired, Rerouted, Withdrawn, Escalated},
	Accepted:  {Engaged, Declined, Rerouted, Withdrawn, Escalated},
	Declined:  {Rerouted, Closed, Escalated},
	Expired:   {Rerouted, Closed, Escalated},
	Engaged:   {Closed, Escalated},
}

// Allowed returns the states a referral in from may move to.
func Allowed(from State) []State { return slices.Clone(transitions[from]) }

// Final reports whether nothing can follow s.
func Final(s State) bool { return len(transitions[s]) == 0 && slices.Contains(States, s) }

// Settled reports whether a referral in s no longer holds a person's data
// open for work: final, or expired (retention expires a referral left open
// past the site's period, then removes the person).
func Settled(s State) bool { return Final(s) || s == Expired }

// Valid reports whether s is a known state.
func (s State) Valid() bool { return slices.Contains(States, s) }

// ProviderMoves are the moves a provider may make through its link.
var ProviderMoves = []State{Accepted, Declined, Engaged}

// Decline reasons.
var DeclineReasons = []string{"not_eligible", "service_full", "out_of_area", "could_not_contact", "person_declined", "other"}

// Who can withdraw a referral.
var Withdrawers = []string{"person", "referrer"}

// Move is a requested transition.
type Move struct {
	To          State    `json:"to" validate:"required,max=20"`
	Reason      string   `json:"reason" validate:"max=200"`
	Note        string   `json:"note" validate:"max=5000"`
	Assignee    string   `json:"assignee" validate:"max=200"`
	WithdrawnBy string   `json:"withdrawn_by" validate:"max=20"`
	ServiceID   string   `json:"service_id" validate:"max=100"`
	Outcome     *Outcome `json:"outcome"`
}

func stateList(ss []State) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

// Check says whether the move is legal from the state from, and has what
// it needs. An illegal move is a conflict listing the allowed moves; a
// legal one missing a reason or an outcome is invalid, naming the field.
func Check(from State, m Move) error {
	if !m.To.Valid() {
		return kith.Invalid(kith.FieldError{Field: "to", Message: fmt.Sprintf("%q is not a referral state: use one of %s", m.To, stateList(States))})
	}
	allowed := Allowed(from)
	if !slices.Contains(allowed, m.To) {
		msg := fmt.Sprintf("A referral that is %s cannot move to %s.", from, m.To)
		if len(allowed) == 0 {
			msg = fmt.Sprintf("A referral that is %s is final: nothing can follow it.", from)
		}
		list := make([]string, len(allowed))
		for i, s := range allowed {
			list[i] = string(s)
		}
		return &kith.Error{Code: kith.ECONFLICT, Message: msg, Extra: map[string]any{"allowed": list, "from": string(from)}}
	}
	var errs []kith.FieldError
	switch m.To {
	case Declined:
		if !slices.Contains(DeclineReasons, m.Reason) {
			errs = append(errs, kith.FieldError{Field: "reason", Message: "must be one of: " + strings.Join(DeclineReasons, ", ")})
		}
	case Withdrawn:
		if !slices.Contains(Withdrawers, m.WithdrawnBy) {
			errs = append(errs, kith.FieldError{Field: "withdrawn_by", Message: "must say who withdrew it: person or referrer"})
		}
		if strings.TrimSpace(m.Reason) == "" {
			errs = append(errs, kith.FieldError{Field: "reason", Message: "must say why it was withdrawn"})
		}
	case Rerouted:
		if m.ServiceID == "" {
			errs = append(errs, kith.FieldError{Field: "service_id", Message: "must name the service the new referral goes to"})
		}
	case Escalated:
		if strings.TrimSpace(m.Reason) == "" {
			errs = append(errs, kith.FieldError{Field: "reason", Message: "must say why it is passed to the safeguarding team"})
		}
	case Closed:
		if m.Outcome == nil {
			errs = append(errs, kith.FieldError{Field: "outcome", Message: "is required to close a referral"})
		} else {
			errs = append(errs, m.Outcome.Check("outcome")...)
		}
	}
	if m.To != Closed && m.Outcome != nil {
		errs = append(errs, kith.FieldError{Field: "outcome", Message: "is given only when closing"})
	}
	if len(errs) > 0 {
		return kith.Invalid(errs...)
	}
	return nil
}

// RevokesProviderLink reports whether a referral that reaches s ends its
// provider's link: declined, or finished (closed, withdrawn, rerouted,
// escalated). A revoked link shows nothing about the person.
func RevokesProviderLink(s State) bool { return s == Declined || Final(s) }

// FreeTextReasons are the moves whose recorded reason is the navigator's
// own words about the person (why they withdrew, why it closed, was passed
// to safeguarding or rerouted), which retention removes. Other reasons are
// codes (a decline's), a colleague's name (a reassignment) or retention's
// own (ReasonRetention), and stay.
var FreeTextReasons = []State{Withdrawn, Closed, Escalated, Rerouted}
