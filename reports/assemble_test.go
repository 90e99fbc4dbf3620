package reports

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

func TestAssemble(t *testing.T) {
	c := Counts{
		Screenings: []ScreeningCount{
			{Version: 1, Agency: "fire_service", Concern: true, Loneliness: "lonely", Isolation: "isolated", Quadrant: "isolated_and_lonely", N: 3},
			{Version: 2, Arm: "a", Agency: "", Loneliness: "not_lonely", Isolation: "unknown", Quadrant: "unknown", N: 2},
		},
		Concerns: []MeasureCount{{Measure: "concern", Value: "fire_service", N: 3}, {Measure: "enquiry", Value: "s42", N: 1}, {Measure: "awaiting", N: 2}},
		Funnel:   []FunnelCount{{Agency: "fire_service", Funnel: Funnel{Referrals: 2, Sent: 1}}, {Arm: "a", Funnel: Funnel{Referrals: 1}}},
		Steps:    []StepCount{{Agency: "fire_service", Step: "referral", Days: 1, N: 1}, {Agency: "fire_service", Step: "referral", Days: 3, N: 1}},
		Services: []ServiceRow{{ServiceID: "s2", Name: "Two", Referrals: 1, Accepted: 1}, {ServiceID: "s1", Name: "One", Referrals: 2, Declined: 1}, {ServiceID: "s0", Referrals: 0}},
		Changes:  []ChangeCount{{Instrument: screening.UCLA3, N: 2, Sum: -4, SumSq: 10, LonelyFirst: 2, Moved: 1}},
		Gaps:     []GapCount{{Relationship: "carers", People: 2, NoServiceWithin: 1}},
	}
	s := Assemble(Filter{From: "2026-11-01", To: "2026-11-30"}, c, nil)
	if want := (Funnel{Screenings: 5, Concerns: 3, Referrals: 3, Sent: 1}); s.Funnel != want {
		t.Errorf("funnel %+v, want %+v", s.Funnel, want)
	}
	if len(s.ByAgency) != 2 || s.ByAgency[0].Agency != "fire_service" || s.ByAgency[0].Funnel.Screenings != 3 || s.ByAgency[1].Agency != "not_recorded" {
		t.Errorf("by agency: %+v", s.ByAgency)
	}
	if m := s.Times.ScreeningToReferral; m == nil || *m != 2 {
		t.Errorf("median days to referral: %v, want 2", m)
	}
	if s.Safeguarding.Concerns != 3 || s.Safeguarding.AwaitingReply != 2 || s.MSP.Enquiries != 1 {
		t.Errorf("safeguarding %+v, MSP %+v", s.Safeguarding, s.MSP)
	}
	same := func(a, b Share) bool { return a.Count == b.Count && a.Of == b.Of }
	if h := s.Hypothesis; !same(h.ConcernIsolated, NewShare(3, 3)) || !same(h.NoConcernIsolated, NewShare(0, 0)) || !same(h.NoConcernLonely, NewShare(0, 2)) {
		t.Errorf("hypothesis: %+v", h)
	}
	if len(s.Services) != 2 || s.Services[0].ServiceID != "s1" || s.Services[1].AcceptanceRate == nil || *s.Services[1].AcceptanceRate != 1 {
		t.Errorf("services (most referred first, none without referrals): %+v", s.Services)
	}
	if len(s.Loneliness) != 1 || !same(s.Loneliness[0].MovedOutOfLonely, NewShare(1, 2)) || s.Loneliness[0].Change.N != 2 {
		t.Errorf("loneliness: %+v", s.Loneliness)
	}
	if len(s.Gaps) != 1 || s.Gaps[0].NoServiceWithin != 1 || s.Gaps[0].RadiusKm <= 0 {
		t.Errorf("gaps: %+v", s.Gaps)
	}
	if len(s.Arms) != 1 || s.Arms[0].Arm != "a" || s.Arms[0].Version != 2 || s.Arms[0].Funnel.Screenings != 2 || s.Arms[0].Funnel.Referrals != 1 {
		t.Errorf("arms: %+v", s.Arms)
	}
	if filtered := Assemble(Filter{Arm: "a"}, c, nil); filtered.Arms != nil {
		t.Errorf("a summary of one arm compares no arms: %+v", filtered.Arms)
	}
}

func TestResearchRows(t *testing.T) {
	res := &screening.Result{ChoiceRespected: true, Relationships: map[string]screening.RelationshipResult{"carers": {Level: "high"}},
		Instruments: map[string]screening.InstrumentResult{"ucla3": {Classification: "lonely"}}, Consent: screening.Consent{Refer: screening.Yes}}
	refused := &screening.Result{Consent: screening.Consent{Refer: screening.No}}
	minus2 := -2
	walk := func(states ...referral.State) []referral.Entry {
		h := []referral.Entry{{To: referral.New}}
		for i := 1; i < len(states); i++ {
			h = append(h, referral.Entry{From: states[i-1], To: states[i]})
		}
		return h
	}
	closed := walk(referral.New, referral.Assigned, referral.Contacted, referral.Sent, referral.Accepted, referral.Engaged, referral.Closed)
	declinedByService := walk(referral.New, referral.Assigned, referral.Contacted, referral.Sent, referral.Declined)
	declinedByService[len(declinedByService)-1].Reason = "service_full"
	declinedByPerson := walk(referral.New, referral.Assigned, referral.Contacted, referral.Sent, referral.Declined)
	declinedByPerson[len(declinedByPerson)-1].Reason = "person_declined"
	list := []ResearchScreening{
		{ID: "s1", Month: "2026-11", Agency: "housing", Result: res, PathwayVersion: 3, Arm: "b", Referrals: []ResearchReferral{
			{ID: "r1", State: "declined", Category: "social_group", History: declinedByService},
			{ID: "r2", State: "closed", Category: "befriending", ReroutedFrom: "r1", History: closed,
				Outcome: &referral.Outcome{Achieved: "fully", FeelsSafer: "agree"}, Change: &referral.Change{Delta: &minus2}},
		}},
		{ID: "s2", Month: "2026-11", Result: res},
		{ID: "s3", Month: "2026-11", Result: refused},
		{ID: "s4", Month: "2026-11", Result: res, Referrals: []ResearchReferral{{ID: "r4", State: "declined", Category: "befriending", History: declinedByPerson}}},
	}
	rows := ResearchRows([]byte("key"), "alpha", list)
	if len(rows) != 6 {
		t.Fatalf("rows: %d", len(rows))
	}
	for i, r := range rows {
		if len(r) != len(rows[0]) {
			t.Fatalf("row %d is %d wide, the header %d", i, len(r), len(rows[0]))
		}
	}
	p := Pseudonym([]byte("key"), "alpha", "s1")
	if rows[1][0] != p || rows[2][0] != p || p == "s1" || Pseudonym([]byte("key"), "beta", "s1") == p {
		t.Errorf("pseudonyms: %q %q (stable per site, different across sites)", rows[1][0], rows[2][0])
	}
	tail := func(r []string) []string { return r[len(r)-8:] }
	for _, c := range []struct {
		name string
		row  []string
		want []string
	}{
		// The episode's first referral is coded as a referral; the
		// service's decline is not the person declining.
		{"first referral, declined by the service", rows[1], []string{"declined", "rejected", SnomedReferredToSocialPrescribing, "", "social_group", "", "", ""}},
		// The reroute is the same episode: no second referral code.
		{"rerouted referral, closed", rows[2], []string{"closed", "completed", "", "", "befriending", "fully", "agree", "-2"}},
		{"no referral, agreed", rows[3], []string{"", "", "", "", "", "", "", ""}},
		{"no referral, the person said no", rows[4], []string{"", "", "", SnomedSocialPrescribingDeclined, "", "", "", ""}},
		{"declined by the person", rows[5], []string{"declined", "rejected", SnomedReferredToSocialPrescribing, SnomedSocialPrescribingDeclined, "befriending", "", "", ""}},
	} {
		if diff := cmp.Diff(c.want, tail(c.row)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}

// An enquiry under way has a decision but no outcome yet: it counts as an
// enquiry, and among no outcome's answers.
func TestAssembleEnquiryUnderWay(t *testing.T) {
	c := Counts{Concerns: []MeasureCount{{Measure: "concern", N: 2}, {Measure: "enquiry", Value: "s42_enquiry", N: 2},
		{Measure: "msp_asked", Value: "", N: 1}, {Measure: "risk_assessment", Value: "", N: 1},
		{Measure: "msp_asked", Value: "not_asked", N: 1}, {Measure: "risk_assessment", Value: "ceased_at_request", N: 1}}}
	s := Assemble(Filter{}, c, nil)
	if s.MSP.Enquiries != 2 || len(s.MSP.Asked) != 1 || s.MSP.Asked["not_asked"] != 1 || len(s.MSP.RiskAssessment) != 1 {
		t.Fatalf("MSP outcomes: %+v", s.MSP)
	}
}
