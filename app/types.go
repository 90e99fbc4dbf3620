package app

// The types the stores take and return, beside the domain's own.

import (
	"encoding/json"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

// Message is an email waiting in (or sent from) the outbox.
type Message struct {
	ID         int64      `json:"id"`
	Site       string     `json:"site"`
	CreatedAt  time.Time  `json:"created_at"`
	Kind       string     `json:"kind"`
	To         string     `json:"to"`
	Subject    string     `json:"subject"`
	Body       string     `json:"body"`
	ReferralID string     `json:"referral_id"`
	SentAt     *time.Time `json:"sent_at"`
	Attempts   int        `json:"attempts"`
}

// BestInterest is a navigator's recorded best-interest decision.
type BestInterest struct {
	Decision   string `json:"decision" validate:"required,oneof=refer do_not_refer"`
	StepsTaken string `json:"steps_taken" validate:"required,max=5000"`
	Advocate   string `json:"advocate" validate:"max=200"`
}

// BestInterestRecord is a best-interest decision as recorded.
type BestInterestRecord struct {
	BestInterest
	DecidedAt time.Time `json:"decided_at"`
	DecidedBy string    `json:"decided_by"`
}

// PathwaySummary is one row of the pathway list.
type PathwaySummary struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	LatestVersion int    `json:"latest_version"`
	Active        bool   `json:"active"`
	ActiveVersion *int   `json:"active_version"`
	PilotVersion  *int   `json:"pilot_b_version"`
}

// Location is where a screened person lives, as far as is known.
type Location struct {
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
	// Source is "given" (sent with the screening), "postcode" (the
	// postcode's centroid) or "unknown".
	Source string `json:"source"`
}

// NewScreening is a scored screening ready to store.
type NewScreening struct {
	IdempotencyKey string // "" when the client sent none
	RequestHash    []byte // what makes a retry "the same body"
	Request        *screening.Request
	Result         *screening.Result
	Location       Location
	// Pathway records which pathway version (and pilot arm) made the
	// recommendations; empty when none ran.
	PathwayID      string
	PathwayVersion int
	Arm            string
	Outcome        *PathwayOutcome
}

// StoredScreening is a screening as the API returns it.
type StoredScreening struct {
	*screening.Result
	CreatedAt time.Time       `json:"created_at"`
	Location  Location        `json:"location"`
	Pathway   *PathwayOutcome `json:"pathway"`
	// JSON is the screening as stored (its JSON encoding), when it was read
	// or written just now: a response can send it as it is.
	JSON []byte `json:"-"`
}

// PathwayOutcome is what the site's pathway made of a screening, beside the
// recommendations: which version ran (and pilot arm), how urgent the
// navigator's work is and when to follow up.
type PathwayOutcome struct {
	PathwayID    string   `json:"pathway_id"`
	Version      int      `json:"version"`
	Arm          string   `json:"arm,omitempty"`
	Urgency      string   `json:"urgency"`
	FollowUpDays int      `json:"follow_up_days"`
	MatchedRules []string `json:"matched_rules"`
}

// ScreeningFilter selects screenings. Zero values do not filter.
type ScreeningFilter struct {
	Action       string
	Quadrant     string
	Relationship string
	Level        string // with Relationship: exactly this level; without: ignored
	From, To     time.Time
	Page         kith.Page
}

// ScreeningSummary is one row of a screening list.
type ScreeningSummary struct {
	ID             string            `json:"id"`
	CreatedAt      time.Time         `json:"created_at"`
	ScoringVersion string            `json:"scoring_version"`
	Action         string            `json:"action"`
	Reference      string            `json:"reference"`
	Quadrant       string            `json:"quadrant"`
	Loneliness     string            `json:"loneliness"`
	Isolation      string            `json:"isolation"`
	Agency         string            `json:"agency"`
	Levels         map[string]string `json:"levels"`
}

// Postcode is one row of the postcode directory.
type Postcode struct {
	Postcode            string
	Latitude, Longitude float64
}

// ServiceFilter selects services for lists (not distance searches).
type ServiceFilter struct {
	StaleBefore   string // "YYYY-MM-DD": only services last confirmed before this (or never)
	PublicOnly    bool
	ModifiedAfter time.Time
	TaxonomyTerm  string
	Q             string
	Page          kith.Page
}

// SearchHit is one search result.
type SearchHit struct {
	assets.Service
	DistanceKm *float64 `json:"distance_km"`
	Stale      bool     `json:"stale"`
}

// Search is a validated directory search. Lat and Lon, when set, make it a
// distance search within RadiusKm.
type Search struct {
	assets.SearchFilter
	Now        time.Time
	Page       kith.Page
	PublicOnly bool // the open feed: only services the site publishes
}

// MarshalJSON adds the hit's distance and staleness to the service's own
// JSON (assets.Service marshals itself, which an embedding would hide).
func (h SearchHit) MarshalJSON() ([]byte, error) {
	return WithMembers(h.Service, map[string]any{"distance_km": h.DistanceKm, "stale": h.Stale})
}

// WithMembers marshals v (a JSON object) with extra members added, for
// wrappers of types that marshal themselves (which embedding would hide).
func WithMembers(v any, extra map[string]any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, x := range extra {
		raw, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		m[k] = raw
	}
	return json.Marshal(m)
}

// ReportFilter selects the screenings a report covers: created from From
// (inclusive) to To (exclusive), both midnight UTC (the aggregates are kept
// by UTC day), optionally one pathway version or arm.
type ReportFilter struct {
	From, To       time.Time
	PathwayVersion *int
	Arm            string
	GapRadiusKm    float64
}

// ReferralFilter selects a worklist.
type ReferralFilter struct {
	State     string
	Assignee  string
	ServiceID string
	Overdue   *bool
	Page      kith.Page
	// Now and Thresholds decide which referrals are overdue, for the
	// order and the Overdue filter; the application sets them.
	Now        time.Time
	Thresholds referral.Thresholds
}

// SiteReferral is a referral with the site it belongs to.
type SiteReferral struct {
	Site     string
	Referral referral.Referral
}

// TransitionResult says what a move did besides changing the state.
type TransitionResult struct {
	NewReferralID string // a reroute's new referral
	ConcernRef    string // an escalation's concern
}

// Concern is a safeguarding concern and what became of it.
type Concern struct {
	ID             string                   `json:"id"`
	Reference      string                   `json:"reference"`
	ScreeningID    string                   `json:"screening_id"`
	ReferralID     string                   `json:"referral_id,omitempty"`
	CreatedAt      time.Time                `json:"created_at"`
	TypesOfRisk    []string                 `json:"types_of_risk"`
	LocationOfRisk string                   `json:"location_of_risk"`
	SourceOfRisk   string                   `json:"source_of_risk"`
	Outcome        *referral.ConcernOutcome `json:"outcome"`
	OutcomeAt      *time.Time               `json:"outcome_at"`
}
