package reports

import (
	"strconv"
	"time"

	"github.com/kith-project/kith/referral"
)

// Cohort is one screening with everything the evaluation summary counts
// under it: its relationships, its concerns and its referrals. A store
// that keeps the summary's counts exact on write (package postgres)
// recounts a screening's cohort before and after each change to it and
// adds the difference, so what is counted has one definition: Tallies.
// (Package sqlite's views in its migration 0008 say the same in SQL.)
type Cohort struct {
	CreatedAt                                            time.Time
	Version                                              int
	Arm, Agency, Action, Loneliness, Isolation, Quadrant string
	Latitude, Longitude                                  *float64
	Relationships                                        map[string]string          // code: level
	Concerns                                             []*referral.ConcernOutcome // nil: no outcome yet
	Referrals                                            []CohortReferral
}

// CohortReferral is a referral of a cohort: when it was made and when it
// first reached each state the funnel counts (nil: never).
type CohortReferral struct {
	ServiceID                                 string
	CreatedAt                                 time.Time
	Sent, Accepted, Declined, Engaged, Closed *time.Time
	Outcome                                   *referral.Outcome
	Change                                    *referral.Change
}

// Tally kinds: what each counts, its keys and its values.
const (
	TallyScreening    = "screening"    // agency, concern ("1" or "0"), loneliness, isolation, quadrant; n
	TallyRelationship = "relationship" // relationship, level; n
	TallyGap          = "gap"          // relationship, latitude, longitude (exact, as strconv 'g' -1); n
	TallyConcern      = "concern"      // measure, value; n
	TallyFunnel       = "funnel"       // agency; referrals, sent, accepted, engaged, closed
	TallyStep         = "step"         // agency, step, working days; n
	TallyService      = "service"      // service id; referrals, accepted, declined
	TallyResponse     = "response"     // service id, working days; n
	TallyOutcome      = "outcome"      // measure, value; n
	TallyChange       = "change"       // instrument; n, sum, sum of squares, lonely first, moved out
)

// Tally is one counter a cohort adds to: of a kind, under keys, by values.
type Tally struct {
	Kind string
	Keys []string
	V    [5]int64
}

// Tallies lists what the cohort adds to the counts (under its version and
// arm, in the period it was screened).
func (c Cohort) Tallies() []Tally {
	var out []Tally
	add := func(kind string, v [5]int64, keys ...string) { out = append(out, Tally{Kind: kind, Keys: keys, V: v}) }
	one := [5]int64{1}
	concern := "0"
	if c.Action == "raise_concern" || c.Action == "emergency" {
		concern = "1"
	}
	add(TallyScreening, one, c.Agency, concern, c.Loneliness, c.Isolation, c.Quadrant)
	for rel, level := range c.Relationships {
		add(TallyRelationship, one, rel, level)
		if (level == "medium" || level == "high") && c.Latitude != nil && c.Longitude != nil {
			add(TallyGap, one, rel, strconv.FormatFloat(*c.Latitude, 'g', -1, 64), strconv.FormatFloat(*c.Longitude, 'g', -1, 64))
		}
	}
	for _, o := range c.Concerns {
		for _, m := range concernMeasures(c.Agency, o) {
			add(TallyConcern, one, m[0], m[1])
		}
	}
	for _, r := range c.Referrals {
		out = append(out, c.referralTallies(r)...)
	}
	return out
}

// concernMeasures are what one concern counts under, in the national
// return's terms: raised (by agency), awaiting an outcome, and the
// outcome's parts that apply.
func concernMeasures(agency string, o *referral.ConcernOutcome) [][2]string {
	out := [][2]string{{"concern", agency}}
	if o == nil {
		return append(out, [2]string{"awaiting", ""})
	}
	out = append(out, [2]string{"enquiry", o.Enquiry})
	if o.Enquiry == "no_enquiry" {
		return append(out, [2]string{"instead", o.Instead})
	}
	out = append(out, [2]string{"msp_asked", o.MSPAsked}, [2]string{"risk_assessment", o.RiskAssessment})
	if o.MSPAchieved != "" {
		out = append(out, [2]string{"msp_achieved", o.MSPAchieved})
	}
	if o.RiskOutcome != "" {
		out = append(out, [2]string{"risk_outcome", o.RiskOutcome})
	}
	return out
}

func flag(t *time.Time) int64 {
	if t != nil {
		return 1
	}
	return 0
}

// referralTallies are what one referral counts under: the funnel, the
// working days between its steps, its service's counts and response time,
// its outcome at closing and the change in loneliness.
func (c Cohort) referralTallies(r CohortReferral) []Tally {
	var out []Tally
	add := func(kind string, v [5]int64, keys ...string) { out = append(out, Tally{Kind: kind, Keys: keys, V: v}) }
	one := [5]int64{1}
	days := func(from, to time.Time) string { return strconv.Itoa(referral.WorkingDaysBetween(from, to)) }
	add(TallyFunnel, [5]int64{1, flag(r.Sent), flag(r.Accepted), flag(r.Engaged), flag(r.Closed)}, c.Agency)
	add(TallyStep, one, c.Agency, "referral", days(c.CreatedAt, r.CreatedAt))
	if r.Sent != nil {
		add(TallyStep, one, c.Agency, "sent", days(r.CreatedAt, *r.Sent))
		if r.Accepted != nil {
			add(TallyStep, one, c.Agency, "accepted", days(*r.Sent, *r.Accepted))
		}
	}
	if r.Accepted != nil && r.Engaged != nil {
		add(TallyStep, one, c.Agency, "engaged", days(*r.Accepted, *r.Engaged))
	}
	if r.Engaged != nil && r.Closed != nil {
		add(TallyStep, one, c.Agency, "closed", days(*r.Engaged, *r.Closed))
	}
	declined := int64(0)
	if r.Accepted == nil && r.Declined != nil {
		declined = 1
	}
	add(TallyService, [5]int64{1, flag(r.Accepted), declined}, r.ServiceID)
	answered := r.Accepted
	if answered == nil {
		answered = r.Declined
	}
	if r.Sent != nil && answered != nil {
		add(TallyResponse, one, r.ServiceID, days(*r.Sent, *answered))
	}
	if o := r.Outcome; o != nil {
		add(TallyOutcome, one, "closed", "")
		add(TallyOutcome, one, "asked", o.DesiredOutcomesAsked)
		if o.Achieved != "" {
			add(TallyOutcome, one, "achieved", o.Achieved)
		}
		if o.FeelsSafer != "" {
			add(TallyOutcome, one, "feels_safer", o.FeelsSafer)
		}
	}
	if ch := r.Change; ch != nil {
		var n, d int64
		if ch.Delta != nil {
			n, d = 1, int64(*ch.Delta)
		}
		lonely, moved := int64(0), int64(0)
		if referral.LonelyClass(ch.FirstClass) {
			lonely = 1
			if ch.MovedOutOfLonely {
				moved = 1
			}
		}
		add(TallyChange, [5]int64{n, d, d * d, lonely, moved}, ch.Instrument)
	}
	return out
}
