package reports

import (
	"sort"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/screening"
)

// Counts are the grouped counts a summary is assembled from: what a
// store's aggregates hold for one site, period and filter. Each slice is
// one grouping; a row with a zero count may be left out.
type Counts struct {
	Screenings    []ScreeningCount
	Relationships []RelationshipCount
	Concerns      []MeasureCount // measures: concern (value: agency), awaiting, enquiry, instead, msp_*, risk_*
	Funnel        []FunnelCount
	Steps         []StepCount
	Services      []ServiceRow // ServiceID, Name, Referrals, Accepted, Declined
	Responses     []ResponseCount
	Outcomes      []MeasureCount // measures: closed, asked, achieved, feels_safer
	Changes       []ChangeCount
	Gaps          []GapCount
}

// ScreeningCount counts screenings by pathway version, arm, agency, whether
// they raised a concern, and their three statuses.
type ScreeningCount struct {
	Version                         int
	Arm, Agency                     string
	Concern                         bool
	Loneliness, Isolation, Quadrant string
	N                               int
}

// RelationshipCount counts screenings by one relationship's level.
type RelationshipCount struct {
	Relationship, Level string
	N                   int
}

// MeasureCount counts one value of a measure, in an arm ("" for none).
type MeasureCount struct {
	Arm, Measure, Value string
	N                   int
}

// FunnelCount is the referral part of the funnel for an arm and agency.
type FunnelCount struct {
	Arm, Agency string
	Funnel      Funnel
}

// StepCount counts referrals that took Days whole working days to reach a
// step (referral, sent, accepted, engaged, closed).
type StepCount struct {
	Agency, Step string
	Days, N      int
}

// ResponseCount counts a service's answers that took Days working days.
type ResponseCount struct {
	ServiceID string
	Days, N   int
}

// ChangeCount sums whole-number loneliness changes for an instrument: how
// many, their sum and sum of squares, how many began lonely and how many
// of those moved out of it.
type ChangeCount struct {
	Arm, Instrument                   string
	N, Sum, SumSq, LonelyFirst, Moved int64
}

// IsNeed reports whether a relationship's level is a need the gaps count:
// medium or high (the views of migration 0008 say the same in SQL).
func IsNeed(level string) bool { return level == "medium" || level == "high" }

// GapCount counts people with a need in a relationship, and those of them
// with no open service for it within the radius.
type GapCount struct {
	Relationship            string
	People, NoServiceWithin int
}

// Filter is what a summary is of.
type Filter struct {
	From, To       string // inclusive dates, YYYY-MM-DD
	PathwayVersion *int
	Arm            string
	GapRadiusKm    float64 // 0: assets.DefaultRadiusKm
}

// part is what the summary reports for all screenings, an agency or an arm.
type part struct {
	funnel    Funnel
	steps     map[string]Histogram
	quadrants map[string]int
	outcomes  ReferralOutcomes
	changes   map[string]*ChangeCount
	version   int
}

func newPart() *part {
	return &part{steps: map[string]Histogram{}, quadrants: map[string]int{}, changes: map[string]*ChangeCount{},
		outcomes: ReferralOutcomes{Asked: map[string]int{}, Achieved: map[string]int{}, FeelsSafer: map[string]int{}}}
}

// parts groups the counts by agency and by arm beside the whole.
type parts struct {
	all            *part
	agencies, arms map[string]*part
	hyp            [8]int // concern isolated, of; no concern isolated, of; concern lonely, of; no concern lonely, of
	safeguarding   Safeguarding
	msp            MSPOutcomes
	prevalence     map[string]map[string]int
	services       []ServiceRow
	responses      map[string]Histogram
}

func get(m map[string]*part, k string) *part {
	if m[k] == nil {
		m[k] = newPart()
	}
	return m[k]
}

func agencyKey(s string) string {
	if s == "" {
		return "not_recorded"
	}
	return s
}

// of is the whole, the agency's part and, when there is an arm, the arm's.
func (ps *parts) of(agency, arm string) []*part {
	out := []*part{ps.all}
	if agency != "-" {
		out = append(out, get(ps.agencies, agencyKey(agency)))
	}
	if arm != "" {
		out = append(out, get(ps.arms, arm))
	}
	return out
}

// Assemble builds the evaluation summary from grouped counts, with the
// site's unit costs behind the costs avoided.
func Assemble(f Filter, c Counts, costs []kith.CostItem) Summary {
	ps := &parts{all: newPart(), agencies: map[string]*part{}, arms: map[string]*part{}, prevalence: map[string]map[string]int{},
		safeguarding: Safeguarding{Enquiry: map[string]int{}, InsteadOfEnquiry: map[string]int{}},
		msp:          MSPOutcomes{Asked: map[string]int{}, Achieved: map[string]int{}, RiskAssessment: map[string]int{}, RiskOutcome: map[string]int{}},
		responses:    map[string]Histogram{}}
	ps.addScreenings(c.Screenings)
	for _, r := range c.Relationships {
		if ps.prevalence[r.Relationship] == nil {
			ps.prevalence[r.Relationship] = map[string]int{}
		}
		ps.prevalence[r.Relationship][r.Level] += r.N
	}
	ps.addConcerns(c.Concerns)
	ps.addReferrals(c)
	out := Summary{From: f.From, To: f.To, PathwayVersion: f.PathwayVersion, Arm: f.Arm}
	all := ps.all
	out.Funnel, out.Times = all.funnel, all.times()
	out.ByAgency = []AgencyFunnel{}
	for name, p := range ps.agencies {
		if p.funnel.Screenings > 0 {
			out.ByAgency = append(out.ByAgency, AgencyFunnel{Agency: name, Funnel: p.funnel, Times: p.times()})
		}
	}
	sort.Slice(out.ByAgency, func(i, j int) bool { return out.ByAgency[i].Agency < out.ByAgency[j].Agency })
	out.Prevalence, out.Quadrants = ps.prevalence, all.quadrants
	ps.safeguarding.Concerns = all.funnel.Concerns
	out.Safeguarding, out.MSP = ps.safeguarding, ps.msp
	out.Referrals, out.Loneliness = all.outcomes, all.loneliness()
	h := ps.hyp
	out.Hypothesis = Hypothesis{ConcernIsolated: NewShare(h[0], h[1]), NoConcernIsolated: NewShare(h[2], h[3]),
		ConcernLonely: NewShare(h[4], h[5]), NoConcernLonely: NewShare(h[6], h[7]), Note: HypothesisNote}
	out.Services = ps.serviceRows()
	out.Gaps = gaps(c.Gaps, f.GapRadiusKm)
	out.Costs = EstimateCosts(costs, map[string]int{"engaged_referrals": out.Funnel.Engaged, "closed_referrals": out.Funnel.Closed, "screenings": out.Funnel.Screenings})
	if f.PathwayVersion == nil && f.Arm == "" {
		for _, arm := range []string{"a", "b"} {
			p := ps.arms[arm]
			if p == nil || p.funnel.Screenings == 0 {
				continue
			}
			out.Arms = append(out.Arms, ArmSummary{Arm: arm, Version: p.version, Funnel: p.funnel, Quadrants: p.quadrants,
				Referrals: p.outcomes, Loneliness: p.loneliness()})
		}
	}
	return out
}

// HypothesisNote says what the isolation hypothesis's shares can show.
const HypothesisNote = "Shares are of screenings where the status is known. A difference between them is an association in the site's data, not evidence that isolation causes harm."

func (ps *parts) addScreenings(rows []ScreeningCount) {
	for _, s := range rows {
		if s.N == 0 {
			continue
		}
		for _, p := range ps.of(s.Agency, s.Arm) {
			p.funnel.Screenings += s.N
			p.quadrants[s.Quadrant] += s.N
		}
		if s.Arm != "" {
			ap := ps.arms[s.Arm]
			ap.version = max(ap.version, s.Version)
		}
		c := 0
		if !s.Concern {
			c = 2
		}
		if s.Isolation != "unknown" {
			ps.hyp[c+1] += s.N
			if s.Isolation == "isolated" {
				ps.hyp[c] += s.N
			}
		}
		if s.Loneliness != "unknown" {
			ps.hyp[4+c+1] += s.N
			if s.Loneliness == "lonely" {
				ps.hyp[4+c] += s.N
			}
		}
	}
}

func (ps *parts) addConcerns(rows []MeasureCount) {
	sg, msp := &ps.safeguarding, &ps.msp
	for _, m := range rows {
		n, value := m.N, m.Value
		switch m.Measure {
		case "concern":
			for _, p := range ps.of(value, m.Arm) {
				p.funnel.Concerns += n
			}
		case "awaiting":
			sg.AwaitingReply += n
		case "enquiry":
			sg.Enquiry[value] += n
			if value != "no_enquiry" {
				msp.Enquiries += n
			}
		case "instead":
			sg.InsteadOfEnquiry[value] += n
		case "msp_asked":
			if value == "" {
				continue // an enquiry under way: its outcome is not yet known
			}
			msp.Asked[value] += n
		case "msp_achieved":
			msp.Achieved[value] += n
		case "risk_assessment":
			if value == "" {
				continue
			}
			msp.RiskAssessment[value] += n
		case "risk_outcome":
			msp.RiskOutcome[value] += n
		}
	}
}

func (ps *parts) addReferrals(c Counts) {
	for _, x := range c.Funnel {
		for _, p := range ps.of(x.Agency, x.Arm) {
			p.funnel.Referrals += x.Funnel.Referrals
			p.funnel.Sent += x.Funnel.Sent
			p.funnel.Accepted += x.Funnel.Accepted
			p.funnel.Engaged += x.Funnel.Engaged
			p.funnel.Closed += x.Funnel.Closed
		}
	}
	for _, s := range c.Steps {
		for _, p := range ps.of(s.Agency, "") {
			if p.steps[s.Step] == nil {
				p.steps[s.Step] = Histogram{}
			}
			p.steps[s.Step][s.Days] += s.N
		}
	}
	for _, o := range c.Outcomes {
		for _, p := range ps.of("-", o.Arm) {
			switch o.Measure {
			case "closed":
				p.outcomes.Closed += o.N
			case "asked":
				p.outcomes.Asked[o.Value] += o.N
			case "achieved":
				p.outcomes.Achieved[o.Value] += o.N
			case "feels_safer":
				p.outcomes.FeelsSafer[o.Value] += o.N
			}
		}
	}
	for _, ch := range c.Changes {
		for _, p := range ps.of("-", ch.Arm) {
			sum := p.changes[ch.Instrument]
			if sum == nil {
				sum = &ChangeCount{Instrument: ch.Instrument}
				p.changes[ch.Instrument] = sum
			}
			sum.N, sum.Sum, sum.SumSq = sum.N+ch.N, sum.Sum+ch.Sum, sum.SumSq+ch.SumSq
			sum.LonelyFirst, sum.Moved = sum.LonelyFirst+ch.LonelyFirst, sum.Moved+ch.Moved
		}
	}
	ps.services = c.Services
	for _, r := range c.Responses {
		if ps.responses[r.ServiceID] == nil {
			ps.responses[r.ServiceID] = Histogram{}
		}
		ps.responses[r.ServiceID][r.Days] += r.N
	}
}

func median(h Histogram) *float64 {
	if m, ok := h.Median(); ok {
		return &m
	}
	return nil
}

func (p *part) times() StepTimes {
	return StepTimes{ScreeningToReferral: median(p.steps["referral"]), ReferralToSent: median(p.steps["sent"]),
		SentToAccepted: median(p.steps["accepted"]), AcceptedToEngaged: median(p.steps["engaged"]), EngagedToClosed: median(p.steps["closed"])}
}

func (p *part) loneliness() []LonelinessChange {
	out := []LonelinessChange{}
	for _, code := range []string{screening.UCLA3, screening.DJG6, screening.ONSLoneliness} {
		c := p.changes[code]
		if c == nil || (c.N == 0 && c.LonelyFirst == 0) {
			continue
		}
		out = append(out, LonelinessChange{Instrument: code, Change: Mean95Sums(int(c.N), float64(c.Sum), float64(c.SumSq)),
			MovedOutOfLonely: NewShare(int(c.Moved), int(c.LonelyFirst))})
	}
	return out
}

func (ps *parts) serviceRows() []ServiceRow {
	out := []ServiceRow{}
	for _, row := range ps.services {
		if row.Referrals == 0 {
			continue
		}
		if d := row.Accepted + row.Declined; d > 0 {
			v := float64(row.Accepted) / float64(d)
			row.AcceptanceRate = &v
		}
		row.MedianResponseWD = median(ps.responses[row.ServiceID])
		out = append(out, row)
	}
	SortServices(out)
	return out
}

// SortServices orders services by referrals, most first, then by id.
func SortServices(out []ServiceRow) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Referrals != out[j].Referrals {
			return out[i].Referrals > out[j].Referrals
		}
		return out[i].ServiceID < out[j].ServiceID
	})
}

// gaps are the relationships with people in need, in the relationships'
// order, with how many have no open service within the radius.
// GapRadius is the distance a gap is measured over: the one asked for,
// else the directory search's default (assets.DefaultRadiusKm). A store
// counts "no service within" over GapRadius(Filter.GapRadiusKm).
func GapRadius(km float64) float64 {
	if km <= 0 {
		return assets.DefaultRadiusKm
	}
	return km
}

func gaps(rows []GapCount, radius float64) []Gap {
	radius = GapRadius(radius)
	out := []Gap{}
	for _, rel := range assets.RelationshipCodes() {
		g := Gap{Relationship: rel, RadiusKm: radius}
		for _, r := range rows {
			if r.Relationship == rel {
				g.People += r.People
				g.NoServiceWithin += r.NoServiceWithin
			}
		}
		if g.People > 0 {
			out = append(out, g)
		}
	}
	return out
}
