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
	ID         int64     `json:"id"`
	Site       string    `json:"site"`
	CreatedAt  time.Time `json:"created_at"`
	Kind       string    `json:"kind"`
	To         string    `json:"to"`
	Subject    string    `json:"subject"`
	Body       string    `json:"body"`
	ReferralID string    `json:"referral_id"`
	// ConcernID is the concern a safeguarding team's message is about.
	ConcernID string     `json:"concern_id"`
	SentAt    *time.Time `json:"sent_at"`
	Attempts  int        `json:"attempts"`
	// UntilSent messages are tried until they are sent, however many
	// attempts fail (a concern must reach the safeguarding team); others
	// stop after MaxSendAttempts.
	UntilSent bool `json:"until_sent"`
}

// BestInterest is a navigator's recorded best-interest decision (the rule
// of when one may be made is referral.CheckBestInterest).
type BestInterest = referral.BestInterest

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
	// Concern, when set, is raised with the screening (ConcernToRaise).
	Concern     *NewConcern
	RequestHash []byte // what makes a retry "the same body"
	Request     *screening.Request
	Result      *screening.Result
	Location    Location
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
	// SubmittedBy is who sent it (kith.Actor.Ref), set on a replay of an
	// idempotency key: when it is someone else's, that is all a store
	// returns of it (CheckReplayAuthor refuses it).
	SubmittedBy string `json:"-"`
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
	// Safeguarding, when set, keeps only referrals that are (or are not)
	// safeguarding work.
	Safeguarding *bool
	// Open leaves out finished referrals (referral.Final).
	Open bool
	// Q finds a person by any part of their name, or a referral by its
	// letters' reference (R-1a2b3c4d).
	Q    string
	Page kith.Page
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

// NewConcern is a concern the application has decided to raise, for the
// store to record in the same transaction as what raised it (a screening,
// or a referral's escalation): what it holds (referral.NewConcern), and the
// safeguarding team's email, which Message makes once the store has given
// the concern its reference. Message is nil when the site has no address
// for its safeguarding team.
type NewConcern struct {
	Concern referral.Concern
	Message func(reference string) Message
}

// ConcernFilter selects concerns, newest first. RaisedBy, when set, keeps
// only those raised from screenings that actor (kith.Actor.Ref) submitted.
type ConcernFilter struct {
	RaisedBy string
	Page     kith.Page
}

// Links make the signed links a use case sends out of the service. The web
// layer signs them (it knows the service's address); each is called only
// when a message needs it, and may be nil when none is wanted.
type Links struct {
	// Provider is the provider's link to the referral being sent.
	Provider func() (string, error)
	// Concern is the safeguarding team's link to a concern's summary.
	Concern func(site, concernID string) (string, error)
}

// Waiting says how the screening stands for the navigators' list of
// screenings waiting for a referral (WaitingScreenings), decided here so
// a store keeps it in columns of its own and reads no JSON per row:
// agreed when the person agreed to a referral, awaiting while none is made
// when they agreed or their capacity to decide is in doubt
// (referral.AwaitsNavigator).
func (n NewScreening) Waiting() (agreed, awaiting bool) {
	return referral.AgreementOf(n.Request) == referral.Agreed, referral.AwaitsNavigator(n.Request)
}
