package reports

import (
	"fmt"
	"sort"
	"strings"
)

// Table is one table of a report, as a page shows it and as its CSV holds
// it. Counts are suppressed (under 5 shown as "<5", others rounded to the
// nearest 5) as the national return does.
type Table struct {
	Name    string
	Title   string
	Columns []string
	Rows    [][]string
	// Chart, when set, is the column whose counts a bar chart shows.
	Chart int
	// Raw are the exact counts behind the chart column, for bar lengths
	// (the bars of suppressed counts use the suppressed value).
	Raw []int
}

func count(n int) string { return Suppress(n) }

func pct(s *float64) string {
	if s == nil {
		return "not enough data"
	}
	return fmt.Sprintf("%.0f%%", *s*100)
}

func days(d *float64) string {
	if d == nil {
		return "none yet"
	}
	return fmt.Sprintf("%.1f", *d)
}

func suppressedShare(s Share) string {
	if s.Of < 5 {
		return "fewer than 5 people: not shown"
	}
	return pct(s.Share) + " of " + count(s.Of)
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func label(code string) string {
	if code == "" {
		return "not recorded"
	}
	return strings.ReplaceAll(code, "_", " ")
}

// roundedCount is the bar length a suppressed count shows.
func roundedCount(n int) int {
	if n < 5 {
		return 0
	}
	return (n + 2) / 5 * 5
}

func countTable(name, title, first string, m map[string]int, order []string) Table {
	t := Table{Name: name, Title: title, Columns: []string{first, "Count"}, Chart: 1}
	if order == nil {
		order = sortedKeys(m)
	}
	for _, k := range order {
		t.Rows = append(t.Rows, []string{label(k), count(m[k])})
		t.Raw = append(t.Raw, roundedCount(m[k]))
	}
	return t
}

// Tables lays the summary out as the report page's tables, suppressed.
func Tables(s Summary) []Table {
	f := s.Funnel
	funnel := Table{Name: "funnel", Title: "From screening to a closed referral", Columns: []string{"Step", "Count", "Median working days from the step before"}, Chart: 1}
	steps := []struct {
		name string
		n    int
		d    *float64
	}{{"Screenings", f.Screenings, nil}, {"Safeguarding concerns", f.Concerns, nil}, {"Referrals", f.Referrals, s.Times.ScreeningToReferral},
		{"Sent to a service", f.Sent, s.Times.ReferralToSent}, {"Accepted", f.Accepted, s.Times.SentToAccepted},
		{"Engaged", f.Engaged, s.Times.AcceptedToEngaged}, {"Closed", f.Closed, s.Times.EngagedToClosed}}
	for i, st := range steps {
		d := days(st.d)
		if i < 2 {
			d = ""
		}
		funnel.Rows = append(funnel.Rows, []string{st.name, count(st.n), d})
		funnel.Raw = append(funnel.Raw, roundedCount(st.n))
	}
	agency := Table{Name: "by_agency", Title: "By referring agency", Columns: []string{"Agency", "Screenings", "Concerns", "Referrals", "Sent", "Accepted", "Engaged", "Closed"}, Chart: -1}
	for _, a := range s.ByAgency {
		x := a.Funnel
		agency.Rows = append(agency.Rows, []string{label(a.Agency), count(x.Screenings), count(x.Concerns), count(x.Referrals), count(x.Sent), count(x.Accepted), count(x.Engaged), count(x.Closed)})
	}
	prev := Table{Name: "prevalence", Title: "Each relationship between isolation and safeguarding, by level", Columns: []string{"Relationship", "None", "Low", "Medium", "High"}, Chart: -1}
	for _, rel := range []string{"risk_factor", "impact_factor", "means_of_abuse", "self_neglect", "carers", "fear_of_isolation", "chosen_isolation"} {
		m := s.Prevalence[rel]
		prev.Rows = append(prev.Rows, []string{label(rel), count(m["none"]), count(m["low"]), count(m["medium"]), count(m["high"])})
	}
	quad := countTable("quadrants", "Loneliness and isolation together", "Combination", s.Quadrants,
		[]string{"isolated_and_lonely", "isolated_not_lonely", "lonely_not_isolated", "connected", "unknown"})
	sg := Table{Name: "safeguarding", Title: "What happened to safeguarding concerns", Columns: []string{"Outcome", "Count"}, Chart: 1}
	add := func(t *Table, name string, n int) {
		t.Rows = append(t.Rows, []string{name, count(n)})
		t.Raw = append(t.Raw, roundedCount(n))
	}
	add(&sg, "Concerns raised", s.Safeguarding.Concerns)
	add(&sg, "Awaiting the council's outcome", s.Safeguarding.AwaitingReply)
	for _, k := range sortedKeys(s.Safeguarding.Enquiry) {
		add(&sg, "Became: "+label(k), s.Safeguarding.Enquiry[k])
	}
	for _, k := range sortedKeys(s.Safeguarding.InsteadOfEnquiry) {
		add(&sg, "No enquiry, instead: "+label(k), s.Safeguarding.InsteadOfEnquiry[k])
	}
	msp := Table{Name: "msp_outcomes", Title: "Making Safeguarding Personal: outcomes of enquiries", Columns: []string{"Measure", "Answer", "Count"}, Chart: -1}
	for _, part := range []struct {
		name string
		m    map[string]int
	}{{"Desired outcomes asked", s.MSP.Asked}, {"Achieved", s.MSP.Achieved}, {"Risk assessment", s.MSP.RiskAssessment}, {"Risk outcome", s.MSP.RiskOutcome}} {
		for _, k := range sortedKeys(part.m) {
			msp.Rows = append(msp.Rows, []string{part.name, label(k), count(part.m[k])})
		}
	}
	ro := Table{Name: "referral_outcomes", Title: "Community referrals at closing", Columns: []string{"Measure", "Answer", "Count"}, Chart: -1}
	for _, part := range []struct {
		name string
		m    map[string]int
	}{{"Desired outcomes asked", s.Referrals.Asked}, {"Achieved", s.Referrals.Achieved}, {"Feels safer", s.Referrals.FeelsSafer}} {
		for _, k := range sortedKeys(part.m) {
			ro.Rows = append(ro.Rows, []string{part.name, label(k), count(part.m[k])})
		}
	}
	lon := Table{Name: "loneliness_change", Title: "Change in loneliness from first to follow-up measure", Columns: []string{"Instrument", "People", "Mean change", "95% confidence interval", "Moved out of lonely"}, Chart: -1}
	for _, l := range s.Loneliness {
		mean, ci := "fewer than 5 people", ""
		if l.Change.N >= 5 && l.Change.Mean != nil {
			mean = fmt.Sprintf("%.2f", *l.Change.Mean)
			if l.Change.Low != nil {
				ci = fmt.Sprintf("%.2f to %.2f", *l.Change.Low, *l.Change.High)
			}
		}
		lon.Rows = append(lon.Rows, []string{label(l.Instrument), count(l.Change.N), mean, ci, suppressedShare(l.MovedOutOfLonely)})
	}
	hyp := Table{Name: "isolation_hypothesis", Title: "Isolation and loneliness where a concern was raised, and where not", Columns: []string{"Screenings", "Isolated", "Lonely"}, Chart: -1}
	hyp.Rows = append(hyp.Rows, []string{"That raised a concern", suppressedShare(s.Hypothesis.ConcernIsolated), suppressedShare(s.Hypothesis.ConcernLonely)},
		[]string{"That did not", suppressedShare(s.Hypothesis.NoConcernIsolated), suppressedShare(s.Hypothesis.NoConcernLonely)})
	svc := Table{Name: "services", Title: "Services: referrals and response", Columns: []string{"Service", "Referrals", "Acceptance rate", "Median response (working days)"}, Chart: -1}
	for _, r := range s.Services {
		rate := pct(r.AcceptanceRate)
		if r.Accepted+r.Declined < 5 {
			rate = "fewer than 5 answers"
		}
		svc.Rows = append(svc.Rows, []string{r.Name, count(r.Referrals), rate, days(r.MedianResponseWD)})
	}
	gaps := Table{Name: "gaps", Title: "Gaps: people with a need and no open service near enough", Columns: []string{"Relationship", "People with the need", "No open service within", "Radius (km)"}, Chart: -1}
	for _, g := range s.Gaps {
		gaps.Rows = append(gaps.Rows, []string{label(g.Relationship), count(g.People), count(g.NoServiceWithin), fmt.Sprintf("%g", g.RadiusKm)})
	}
	costs := Table{Name: "costs_avoided", Title: "Costs avoided: an estimate from assumptions, not a measurement", Columns: []string{"Event avoided", "Formula", "Low (£)", "Central (£)", "High (£)", "Source of the assumption"}, Chart: -1}
	for _, c := range s.Costs.Items {
		costs.Rows = append(costs.Rows, []string{c.Name, c.Formula, fmt.Sprintf("%.0f", c.Low), fmt.Sprintf("%.0f", c.Central), fmt.Sprintf("%.0f", c.High), c.Source})
	}
	out := []Table{funnel, agency, prev, quad, sg, msp, ro, lon, hyp, svc, gaps, costs}
	for _, a := range s.Arms {
		t := Table{Name: "arm_" + a.Arm, Title: fmt.Sprintf("Pilot arm %s (pathway version %d)", strings.ToUpper(a.Arm), a.Version), Columns: []string{"Step", "Count"}, Chart: 1}
		for _, st := range []struct {
			n string
			v int
		}{{"Screenings", a.Funnel.Screenings}, {"Referrals", a.Funnel.Referrals}, {"Engaged", a.Funnel.Engaged}, {"Closed", a.Funnel.Closed}} {
			add(&t, st.n, st.v)
		}
		out = append(out, t)
	}
	return out
}
