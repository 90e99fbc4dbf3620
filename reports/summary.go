package reports

// Funnel counts each step exactly (small-number suppression applies to
// pages and exports, not to this).
type Funnel struct {
	Screenings int `json:"screenings"`
	Concerns   int `json:"concerns"`
	Referrals  int `json:"referrals"`
	Sent       int `json:"sent"`
	Accepted   int `json:"accepted"`
	Engaged    int `json:"engaged"`
	Closed     int `json:"closed"`
}

// StepTimes are the median working days between steps.
type StepTimes struct {
	ScreeningToReferral *float64 `json:"screening_to_referral"`
	ReferralToSent      *float64 `json:"referral_to_sent"`
	SentToAccepted      *float64 `json:"sent_to_accepted"`
	AcceptedToEngaged   *float64 `json:"accepted_to_engaged"`
	EngagedToClosed     *float64 `json:"engaged_to_closed"`
}

// AgencyFunnel is the funnel for one referring agency.
type AgencyFunnel struct {
	Agency string    `json:"agency"`
	Funnel Funnel    `json:"funnel"`
	Times  StepTimes `json:"median_working_days"`
}

// Safeguarding says what became of concerns, including those that never
// became s.42 enquiries.
type Safeguarding struct {
	Concerns         int            `json:"concerns"`
	AwaitingReply    int            `json:"awaiting_outcome"`
	Enquiry          map[string]int `json:"enquiry"`
	InsteadOfEnquiry map[string]int `json:"instead_of_enquiry"`
}

// MSPOutcomes are the outcomes of concerns that became enquiries.
type MSPOutcomes struct {
	Enquiries      int            `json:"enquiries"`
	Asked          map[string]int `json:"asked"`
	Achieved       map[string]int `json:"achieved"`
	RiskAssessment map[string]int `json:"risk_assessment"`
	RiskOutcome    map[string]int `json:"risk_outcome"`
}

// ReferralOutcomes are the outcomes of community referrals at closing,
// kept apart from the national return's concern outcomes.
type ReferralOutcomes struct {
	Closed     int            `json:"closed"`
	Asked      map[string]int `json:"desired_outcomes_asked"`
	Achieved   map[string]int `json:"achieved"`
	FeelsSafer map[string]int `json:"feels_safer"`
}

// LonelinessChange is the change from first to follow-up measure for one
// instrument.
type LonelinessChange struct {
	Instrument       string `json:"instrument"`
	Change           MeanCI `json:"change"`
	MovedOutOfLonely Share  `json:"moved_out_of_lonely"`
}

// Hypothesis compares screenings that raised a concern with those that did not.
type Hypothesis struct {
	ConcernIsolated   Share  `json:"concern_isolated"`
	NoConcernIsolated Share  `json:"no_concern_isolated"`
	ConcernLonely     Share  `json:"concern_lonely"`
	NoConcernLonely   Share  `json:"no_concern_lonely"`
	Note              string `json:"note"`
}

// ServiceRow is one service's referrals and response.
type ServiceRow struct {
	ServiceID        string   `json:"service_id"`
	Name             string   `json:"name"`
	Referrals        int      `json:"referrals"`
	Accepted         int      `json:"accepted"`
	Declined         int      `json:"declined"`
	AcceptanceRate   *float64 `json:"acceptance_rate"`
	MedianResponseWD *float64 `json:"median_response_working_days"`
}

// Gap is a need with no open service near enough.
type Gap struct {
	Relationship    string  `json:"relationship"`
	People          int     `json:"people"`
	NoServiceWithin int     `json:"no_open_service_within"`
	RadiusKm        float64 `json:"radius_km"`
}

// Summary is the evaluation of a period.
type Summary struct {
	From           string                    `json:"from"`
	To             string                    `json:"to"`
	PathwayVersion *int                      `json:"pathway_version"`
	Arm            string                    `json:"arm,omitempty"`
	Funnel         Funnel                    `json:"funnel"`
	Times          StepTimes                 `json:"median_working_days"`
	ByAgency       []AgencyFunnel            `json:"by_agency"`
	Prevalence     map[string]map[string]int `json:"prevalence"`
	Quadrants      map[string]int            `json:"quadrants"`
	Safeguarding   Safeguarding              `json:"safeguarding"`
	MSP            MSPOutcomes               `json:"msp_outcomes"`
	Referrals      ReferralOutcomes          `json:"referral_outcomes"`
	Loneliness     []LonelinessChange        `json:"loneliness_change"`
	Hypothesis     Hypothesis                `json:"isolation_hypothesis"`
	Services       []ServiceRow              `json:"services"`
	Gaps           []Gap                     `json:"gaps"`
	Costs          Costs                     `json:"costs_avoided"`
	Arms           []ArmSummary              `json:"pilot_arms,omitempty"`
}

// ArmSummary is one arm of a pilot on the same measures. Version is the
// highest pathway version among the arm's screenings in the period (a site
// that ran two pilots in one period shows the later one's).
type ArmSummary struct {
	Arm        string             `json:"arm"`
	Version    int                `json:"pathway_version"`
	Funnel     Funnel             `json:"funnel"`
	Quadrants  map[string]int     `json:"quadrants"`
	Referrals  ReferralOutcomes   `json:"referral_outcomes"`
	Loneliness []LonelinessChange `json:"loneliness_change"`
}
