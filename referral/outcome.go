package referral

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/screening"
)

// Desired outcomes asked, in the national return's terms.
var AskedValues = []string{"asked_expressed", "asked_not_expressed", "not_asked", "dont_know", "not_recorded"}

// Achieved values: only after asked_expressed.
var AchievedValues = []string{"fully", "partially", "not_achieved"}

// AgreeScale is the MSP Outcomes Framework's five-point agree scale.
var AgreeScale = []string{"strongly_agree", "agree", "neither", "disagree", "strongly_disagree"}

// Outcome is a community referral's outcome at closing, kept apart from a
// concern's outcome in the national return.
type Outcome struct {
	DesiredOutcomesAsked string `json:"desired_outcomes_asked" validate:"max=30"`
	Achieved             string `json:"achieved,omitempty" validate:"max=30"`
	FeltListenedTo       string `json:"felt_listened_to,omitempty" validate:"max=30"`
	FeltInvolved         string `json:"felt_involved,omitempty" validate:"max=30"`
	FeelsSafer           string `json:"feels_safer,omitempty" validate:"max=30"`
	// FollowUp is a loneliness measure with the same instrument as the
	// first, so the change means something: {"instrument": "ucla3",
	// "answers": [...]} or {"instrument": "ons_loneliness", "answer": ...}.
	FollowUp *FollowUp `json:"follow_up,omitempty"`
	Note     string    `json:"note,omitempty" validate:"max=5000"`
}

// FollowUp is a repeated loneliness measure.
type FollowUp struct {
	Instrument string            `json:"instrument" validate:"max=30"`
	Answers    []json.RawMessage `json:"answers,omitempty"`
	Answer     json.RawMessage   `json:"answer,omitempty"`
}

// Check checks the outcome's values; prefix names the field.
func (o *Outcome) Check(prefix string) []kith.FieldError {
	var errs []kith.FieldError
	bad := func(field, msg string) {
		errs = append(errs, kith.FieldError{Field: prefix + "." + field, Message: msg})
	}
	if !slices.Contains(AskedValues, o.DesiredOutcomesAsked) {
		bad("desired_outcomes_asked", "must be one of: "+strings.Join(AskedValues, ", "))
	}
	switch {
	case o.Achieved == "" && o.DesiredOutcomesAsked == "asked_expressed":
		bad("achieved", "is required when desired outcomes were asked and expressed: "+strings.Join(AchievedValues, ", "))
	case o.Achieved != "" && o.DesiredOutcomesAsked != "asked_expressed":
		bad("achieved", "is recorded only when desired outcomes were asked and expressed")
	case o.Achieved != "" && !slices.Contains(AchievedValues, o.Achieved):
		bad("achieved", "must be one of: "+strings.Join(AchievedValues, ", "))
	}
	for name, v := range map[string]string{"felt_listened_to": o.FeltListenedTo, "felt_involved": o.FeltInvolved, "feels_safer": o.FeelsSafer} {
		if v != "" && !slices.Contains(AgreeScale, v) {
			bad(name, "must be one of: "+strings.Join(AgreeScale, ", "))
		}
	}
	slices.SortFunc(errs, func(a, b kith.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return errs
}

// Concern outcome vocabulary, in the Safeguarding Adults Collection's terms.
var (
	EnquiryValues        = []string{"s42_enquiry", "other_enquiry", "no_enquiry"}
	InsteadValues        = []string{"information_and_advice", "community_referral", "other_service", "no_further_action"}
	RiskAssessmentValues = []string{"risk_identified_action_taken", "risk_identified_no_action", "inconclusive_action_taken",
		"inconclusive_no_action", "no_risk_identified_action_taken", "no_risk_identified_no_action", "ceased_at_request"}
	RiskOutcomeValues = []string{"removed", "reduced", "remained"}
)

// ConcernOutcome is what the council reports back about a concern.
type ConcernOutcome struct {
	Enquiry        string `json:"enquiry" validate:"required,max=30"`
	Instead        string `json:"instead,omitempty" validate:"max=30"`
	MSPAsked       string `json:"msp_asked,omitempty" validate:"max=30"`
	MSPAchieved    string `json:"msp_achieved,omitempty" validate:"max=30"`
	RiskAssessment string `json:"risk_assessment,omitempty" validate:"max=40"`
	RiskOutcome    string `json:"risk_outcome,omitempty" validate:"max=30"`
	Note           string `json:"note,omitempty" validate:"max=5000"`
	// LocationOfRisk and SourceOfRisk complete or correct what the visitor
	// gave (screening's vocabulary); empty leaves the concern's as it is.
	LocationOfRisk string `json:"location_of_risk,omitempty" validate:"max=40"`
	SourceOfRisk   string `json:"source_of_risk,omitempty" validate:"max=40"`
}

// Check applies the national return's rules: what happened instead only
// when there was no enquiry; MSP and risk outcomes only for an enquiry (and
// both together, or neither while the enquiry is under way);
// achieved only after asked_expressed; a risk outcome only where a risk
// was identified or the result was inconclusive.
func (o *ConcernOutcome) Check() []kith.FieldError {
	var errs []kith.FieldError
	bad := func(field, msg string) { errs = append(errs, kith.FieldError{Field: field, Message: msg}) }
	oneOf := func(field, v string, allowed []string) bool {
		if !slices.Contains(allowed, v) {
			bad(field, "must be one of: "+strings.Join(allowed, ", "))
			return false
		}
		return true
	}
	if o.LocationOfRisk != "" {
		oneOf("location_of_risk", o.LocationOfRisk, screening.LocationOfRiskCodes())
	}
	if o.SourceOfRisk != "" {
		oneOf("source_of_risk", o.SourceOfRisk, screening.SourceOfRiskCodes())
	}
	if !oneOf("enquiry", o.Enquiry, EnquiryValues) {
		return errs
	}
	if o.Enquiry == "no_enquiry" {
		oneOf("instead", o.Instead, InsteadValues)
		for field, v := range map[string]string{"msp_asked": o.MSPAsked, "msp_achieved": o.MSPAchieved, "risk_assessment": o.RiskAssessment, "risk_outcome": o.RiskOutcome} {
			if v != "" {
				bad(field, "is recorded only for an enquiry")
			}
		}
		slices.SortFunc(errs, func(a, b kith.FieldError) int { return strings.Compare(a.Field, b.Field) })
		return errs
	}
	if o.Instead != "" {
		bad("instead", "is recorded only when there was no enquiry")
	}
	// An enquiry's decision may be recorded while it is under way: its
	// outcome (desired outcomes asked, the risk assessment) comes when it
	// ends, both together.
	if o.MSPAsked == "" && o.RiskAssessment == "" {
		if o.MSPAchieved != "" {
			bad("msp_achieved", "is recorded only when desired outcomes were asked and expressed")
		}
		if o.RiskOutcome != "" {
			bad("risk_outcome", "is recorded only with the risk assessment")
		}
		return errs
	}
	oneOf("msp_asked", o.MSPAsked, AskedValues)
	switch {
	case o.MSPAsked == "asked_expressed" && o.MSPAchieved == "":
		bad("msp_achieved", "is required when desired outcomes were asked and expressed")
	case o.MSPAchieved != "" && o.MSPAsked != "asked_expressed":
		bad("msp_achieved", "is recorded only when desired outcomes were asked and expressed")
	case o.MSPAchieved != "":
		oneOf("msp_achieved", o.MSPAchieved, AchievedValues)
	}
	if oneOf("risk_assessment", o.RiskAssessment, RiskAssessmentValues) {
		needsOutcome := strings.HasPrefix(o.RiskAssessment, "risk_identified") || strings.HasPrefix(o.RiskAssessment, "inconclusive")
		switch {
		case needsOutcome && o.RiskOutcome == "":
			bad("risk_outcome", "is required where a risk was identified or the result was inconclusive")
		case !needsOutcome && o.RiskOutcome != "":
			bad("risk_outcome", fmt.Sprintf("is not recorded when the risk assessment is %s", o.RiskAssessment))
		case o.RiskOutcome != "":
			oneOf("risk_outcome", o.RiskOutcome, RiskOutcomeValues)
		}
	}
	return errs
}

// ConcernReference is the reference a visitor or navigator quotes for the
// nth concern a site raised, in the year of at: SG-2026-000042.
func ConcernReference(at time.Time, n int64) string {
	return fmt.Sprintf("SG-%s-%06d", at.Format("2006"), n)
}
