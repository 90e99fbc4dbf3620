package referral

import (
	"strings"
	"time"

	"github.com/kith-project/kith/screening"
)

// Concern is a safeguarding concern raised for the site's safeguarding team,
// and what became of it. Its vocabulary is the national Safeguarding Adults
// Collection's, so a site's return needs no re-keying.
type Concern struct {
	ID          string    `json:"id"`
	Reference   string    `json:"reference"`
	ScreeningID string    `json:"screening_id"`
	ReferralID  string    `json:"referral_id,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	// RaisedBy is the actor (kith.Actor.Ref) who submitted the screening
	// behind the concern: the visitor who raised it.
	RaisedBy string `json:"-"`
	// PersonName is the screened person's name as the visitor gave it.
	PersonName     string          `json:"person_name"`
	TypesOfRisk    []string        `json:"types_of_risk"`
	LocationOfRisk string          `json:"location_of_risk"`
	SourceOfRisk   string          `json:"source_of_risk"`
	Outcome        *ConcernOutcome `json:"outcome"`
	OutcomeAt      *time.Time      `json:"outcome_at"`
}

// NewConcern is what a concern raised from a screening holds: the types of
// risk the safeguarding decision found, and where the risk is and who may be
// its source as the visitor gave them. What the visitor did not say is left
// empty (not yet known) for the safeguarding team to complete: it is never
// invented. The reference and the time are given when it is stored.
func NewConcern(id, screeningID string, res *screening.Result, req *screening.Request) Concern {
	c := Concern{ID: id, ScreeningID: screeningID, TypesOfRisk: append([]string{}, res.Safeguarding.TypesOfRisk...)}
	if req != nil && req.S42 != nil {
		c.LocationOfRisk, c.SourceOfRisk = req.S42.LocationOfRisk, req.S42.SourceOfRisk
	}
	if req != nil && req.Person != nil {
		c.PersonName = req.Person.Name
	}
	return c
}

// WithOutcome is the concern once the council has reported back (checked
// with ConcernOutcome.Check first). The safeguarding team completes or
// corrects where the risk is and its source; what it leaves out stays as
// it was.
func (c Concern) WithOutcome(o ConcernOutcome, at time.Time) Concern {
	if o.LocationOfRisk != "" {
		c.LocationOfRisk = o.LocationOfRisk
	}
	if o.SourceOfRisk != "" {
		c.SourceOfRisk = o.SourceOfRisk
	}
	c.Outcome, c.OutcomeAt = &o, &at
	return c
}

// StillToComplete names what the safeguarding team has still to complete
// for the national return: location and source of risk are never invented.
func (c Concern) StillToComplete() []string {
	var missing []string
	if c.LocationOfRisk == "" {
		missing = append(missing, "location_of_risk")
	}
	if c.SourceOfRisk == "" {
		missing = append(missing, "source_of_risk")
	}
	return missing
}

// ConcernReturnColumns are the columns of the concerns return, one row per
// concern (ConcernReturnRow).
var ConcernReturnColumns = []string{"reference", "raised_on", "types_of_risk", "location_of_risk", "source_of_risk", "enquiry", "instead_of_enquiry",
	"msp_desired_outcomes_asked", "msp_achieved", "risk_assessment", "risk_outcome", "still_to_complete"}

// ConcernReturnRow is a concern in the Safeguarding Adults Collection's
// terms, for the annual return; the last column says what is still to
// complete.
func ConcernReturnRow(c Concern) []string {
	row := []string{c.Reference, c.CreatedAt.Format(time.DateOnly), strings.Join(c.TypesOfRisk, ";"), c.LocationOfRisk, c.SourceOfRisk, "", "", "", "", "", "", ""}
	if o := c.Outcome; o != nil {
		row[5], row[6], row[7], row[8], row[9], row[10] = o.Enquiry, o.Instead, o.MSPAsked, o.MSPAchieved, o.RiskAssessment, o.RiskOutcome
	}
	row[11] = strings.Join(c.StillToComplete(), ";")
	return row
}

// ConcernStatus is what has happened to a concern, as the visitor who raised
// it may be told: the council's decision and whether its work has ended,
// never what the team found or recorded about the person.
type ConcernStatus string

// The statuses a visitor may see.
const (
	StatusAwaitingDecision  ConcernStatus = "awaiting_decision"  // the team has not yet recorded a decision
	StatusS42Enquiry        ConcernStatus = "s42_enquiry"        // a section 42 enquiry is under way
	StatusOtherEnquiry      ConcernStatus = "other_enquiry"      // another enquiry is under way
	StatusEnquiryFinished   ConcernStatus = "enquiry_finished"   // an enquiry (of either kind) has ended
	StatusAdviceGiven       ConcernStatus = "advice_given"       // no enquiry: information and advice
	StatusCommunityReferral ConcernStatus = "community_referral" // no enquiry: referred to community support
	StatusOtherService      ConcernStatus = "other_service"      // no enquiry: passed to another service
	StatusNoFurtherAction   ConcernStatus = "no_further_action"  // no enquiry and nothing more
)

// VisitorStatus is what the visitor who raised c may be told of it.
func (c Concern) VisitorStatus() ConcernStatus {
	o := c.Outcome
	switch {
	case o == nil:
		return StatusAwaitingDecision
	case o.Enquiry == "no_enquiry":
		switch o.Instead {
		case "information_and_advice":
			return StatusAdviceGiven
		case "community_referral":
			return StatusCommunityReferral
		case "other_service":
			return StatusOtherService
		}
		return StatusNoFurtherAction
	case o.RiskAssessment != "":
		return StatusEnquiryFinished
	case o.Enquiry == "s42_enquiry":
		return StatusS42Enquiry
	}
	return StatusOtherEnquiry
}
