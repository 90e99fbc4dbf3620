package screening

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Answers that put each instrument on one side of its line.
var (
	uclaLonely     = answers(2, 2, 2)
	uclaNotLonely  = answers(1, 2, 2)
	djgLonely      = answers(mol, mol, s0, e0, s0, e0)
	djgNotLonely   = answers(mol, s0, s0, e0, s0, e0)
	lsnsAtRisk     = answers(2, 2, 2, 2, 2, 1)
	lsnsNotAtRisk  = answers(2, 2, 2, 2, 2, 2)
	easiKeptFrom   = answers("no", "yes", "no", "no", "no", "no")
	easiShamed     = answers("no", "no", "yes", "no", "no", "no")
	easiQ1Only     = answers("yes", "no", "no", "no", "no", "no")
	easiHurt       = answers("no", "no", "no", "no", "yes", "no")
	csiHigh        = answers(csi(7)...)
	csiBelow       = answers(csi(6)...)
	fourIsolation  = []string{"lives_alone", "no_regular_visitors", "no_emergency_contact", "rarely_goes_out"}
	threeIsolation = fourIsolation[:3]
)

type level struct {
	level    string
	evidence int
	redFlags int
}

func levelOf(r RelationshipResult) level {
	l := level{level: r.Level, evidence: len(r.Evidence)}
	for _, e := range r.Evidence {
		if e.RedFlag {
			l.redFlags++
		}
	}
	return l
}

func TestRelationshipLevels(t *testing.T) {
	tests := []struct {
		name         string
		change       func(*Request)
		relationship string
		want         level
	}{
		{"nothing", func(*Request) {}, RiskFactor, level{LevelNone, 0, 0}},
		{"one indicator", indicators("lives_alone"), RiskFactor, level{LevelLow, 1, 0}},
		{"two indicators", indicators("lives_alone", "recent_bereavement"), RiskFactor, level{LevelMedium, 2, 0}},
		{"three indicators", indicators("lives_alone", "recent_bereavement", "memory_problems"), RiskFactor, level{LevelHigh, 3, 0}},
		{"one red flag", indicators("recent_abuse_or_scam"), ImpactFactor, level{LevelMedium, 1, 1}},
		{"red flag and one more", indicators("recent_abuse_or_scam", "low_mood"), ImpactFactor, level{LevelMedium, 2, 1}},
		{"two red flags", func(r *Request) { indicators("contact_controlled", "mate_crime")(r); safe("", "", "")(r) }, MeansOfAbuse, level{LevelHigh, 2, 2}},
		{"two loneliness scales count once", func(r *Request) { instrument(UCLA3, uclaLonely)(r); instrument(DJG6, djgLonely)(r) }, RiskFactor, level{LevelLow, 1, 0}},
		{"three loneliness scales count once", func(r *Request) {
			instrument(UCLA3, uclaLonely)(r)
			instrument(DJG6, djgLonely)(r)
			instrument(ONSLoneliness, one("often_always"))(r)
		}, RiskFactor, level{LevelLow, 1, 0}},
		{"loneliness and network", func(r *Request) {
			instrument(UCLA3, uclaLonely)(r)
			instrument(DJG6, djgLonely)(r)
			instrument(LSNS6, lsnsAtRisk)(r)
		}, RiskFactor, level{LevelMedium, 2, 0}},
		{"lonely on a later scale still counts", func(r *Request) { instrument(UCLA3, uclaNotLonely)(r); instrument(DJG6, djgLonely)(r) }, RiskFactor, level{LevelLow, 1, 0}},
		{"not lonely adds nothing", func(r *Request) { instrument(UCLA3, uclaNotLonely)(r); instrument(DJG6, djgNotLonely)(r) }, RiskFactor, level{LevelNone, 0, 0}},
		{"ons some of the time", instrument(ONSLoneliness, one("some_of_the_time")), RiskFactor, level{LevelLow, 1, 0}},
		{"ons occasionally adds nothing", instrument(ONSLoneliness, one("occasionally")), RiskFactor, level{LevelNone, 0, 0}},
		{"lsns6 12 adds nothing", instrument(LSNS6, lsnsNotAtRisk), RiskFactor, level{LevelNone, 0, 0}},
		{"indicators and instruments add up", func(r *Request) { indicators("lives_alone", "memory_problems")(r); instrument(LSNS6, lsnsAtRisk)(r) }, RiskFactor, level{LevelHigh, 3, 0}},
		{"easi q2 is a red flag", instrument(EASI, easiKeptFrom), MeansOfAbuse, level{LevelMedium, 1, 1}},
		{"easi q3 adds no relationship", instrument(EASI, easiShamed), MeansOfAbuse, level{LevelNone, 0, 0}},
		{"csi 7", instrument(CSI, csiHigh), Carers, level{LevelLow, 1, 0}},
		{"csi 6", instrument(CSI, csiBelow), Carers, level{LevelNone, 0, 0}},
		{"cir 3", instrument(CIR, one(3)), SelfNeglect, level{LevelNone, 0, 0}},
		{"cir 4", instrument(CIR, one(4)), SelfNeglect, level{LevelLow, 1, 0}},
		{"cir 6", instrument(CIR, one(6)), SelfNeglect, level{LevelLow, 1, 0}},
		{"cir 7 red flag", instrument(CIR, one(7)), SelfNeglect, level{LevelMedium, 1, 1}},
		{"cir 7 and a red flag indicator is not two", func(r *Request) { indicators("hoarding")(r); instrument(CIR, one(8))(r) }, SelfNeglect, level{LevelMedium, 2, 1}},
		{"chosen isolation", indicators("prefers_own_company", "content_with_contact"), ChosenIsolation, level{LevelMedium, 2, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustAssess(t, with(tt.change))
			if len(res.Relationships) != 7 {
				t.Fatalf("%d relationships; want all 7", len(res.Relationships))
			}
			if got := levelOf(res.Relationships[tt.relationship]); got != tt.want {
				t.Errorf("%s = %+v; want %+v", tt.relationship, got, tt.want)
			}
		})
	}
}

func TestSafeguardingSignsFeedNoRelationship(t *testing.T) {
	var codes []string
	for _, ind := range Indicators {
		if ind.Group == SafeguardingSigns {
			codes = append(codes, ind.Code)
		}
	}
	res := mustAssess(t, with(indicators(codes...), s42(func(s *S42) { s.OthersAtRisk = bp(true); s.OthersAtRiskWho = []string{OthersChild} })))
	for code, rel := range res.Relationships {
		if rel.Level != LevelNone || len(rel.Evidence) != 0 {
			t.Errorf("%s: %+v; want none", code, rel)
		}
	}
}

func TestEvidence(t *testing.T) {
	res := mustAssess(t, with(
		indicators("memory_problems", "lives_alone"), // out of catalogue order
		instrument(ONSLoneliness, one("often_always")),
		instrument(DJG6, djgLonely),
		instrument(EASI, easiKeptFrom),
	))
	want := []Evidence{
		{Source: SourceIndicator, Code: "lives_alone", Contribution: "Lives alone (indicator)"},
		{Source: SourceIndicator, Code: "memory_problems", Contribution: "Has memory problems or gets confused (indicator)"},
		{Source: SourceInstrument, Code: DJG6, Contribution: "Lonely on the De Jong Gierveld scale (instrument); also feels lonely often or some of the time on the ONS question (counted once)"},
	}
	if diff := cmp.Diff(want, res.Relationships[RiskFactor].Evidence); diff != "" {
		t.Errorf("risk_factor evidence (-want +got):\n%s", diff)
	}
	easi := res.Relationships[MeansOfAbuse].Evidence
	if len(easi) != 1 || easi[0].Code != EASI || easi[0].Item != 2 || !easi[0].RedFlag {
		t.Errorf("means_of_abuse evidence %+v; want EASI item 2 as a red flag", easi)
	}
	if res.LevelsNote == "" {
		t.Error("levels_note is empty")
	}
}

func TestLoneliness(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Request)
		want   Status
	}{
		{"nothing asked", func(*Request) {}, Status{Unknown, SourceNone}},
		{"ucla3 first", func(r *Request) { instrument(UCLA3, uclaNotLonely)(r); instrument(DJG6, djgLonely)(r) }, Status{NotLonely, UCLA3}},
		{"djg6 before ons", func(r *Request) { instrument(DJG6, djgLonely)(r); instrument(ONSLoneliness, one("never"))(r) }, Status{Lonely, DJG6}},
		{"ons alone, often", instrument(ONSLoneliness, one("often_always")), Status{Lonely, ONSLoneliness}},
		{"ons alone, some of the time", instrument(ONSLoneliness, one("some_of_the_time")), Status{Lonely, ONSLoneliness}},
		{"ons alone, occasionally", instrument(ONSLoneliness, one("occasionally")), Status{NotLonely, ONSLoneliness}},
		{"ons alone, hardly ever", instrument(ONSLoneliness, one("hardly_ever")), Status{NotLonely, ONSLoneliness}},
		{"ucla3 lonely", instrument(UCLA3, uclaLonely), Status{Lonely, UCLA3}},
		{"djg6 severely", instrument(DJG6, answers(mol, mol, mol, mol, mol, mol)), Status{Lonely, DJG6}},
		{"djg6 not", instrument(DJG6, djgNotLonely), Status{NotLonely, DJG6}},
		{"other instruments say nothing", instrument(LSNS6, lsnsAtRisk), Status{Unknown, SourceNone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustAssess(t, with(tt.change)).Loneliness; got != tt.want {
				t.Errorf("loneliness %+v; want %+v", got, tt.want)
			}
		})
	}
}

func TestIsolation(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Request)
		want   Status
	}{
		{"nothing", func(*Request) {}, Status{Unknown, SourceIndicators}},
		{"two indicators", indicators(fourIsolation[:2]...), Status{Unknown, SourceIndicators}},
		{"three indicators", indicators(threeIsolation...), Status{Isolated, SourceIndicators}},
		{"four indicators", indicators(fourIsolation...), Status{Isolated, SourceIndicators}},
		{"other risk factors do not count", indicators("lives_alone", "no_regular_visitors", "memory_problems", "recent_bereavement"), Status{Unknown, SourceIndicators}},
		{"lsns6 11", instrument(LSNS6, lsnsAtRisk), Status{Isolated, LSNS6}},
		{"lsns6 12", instrument(LSNS6, lsnsNotAtRisk), Status{NotIsolated, LSNS6}},
		{"lsns6 wins over indicators", func(r *Request) { indicators(fourIsolation...)(r); instrument(LSNS6, lsnsNotAtRisk)(r) }, Status{NotIsolated, LSNS6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustAssess(t, with(tt.change)).Isolation; got != tt.want {
				t.Errorf("isolation %+v; want %+v", got, tt.want)
			}
		})
	}
}

func TestQuadrant(t *testing.T) {
	tests := []struct {
		name   string
		change []func(*Request)
		want   string
	}{
		{"isolated and lonely", []func(*Request){instrument(LSNS6, lsnsAtRisk), instrument(UCLA3, uclaLonely)}, IsolatedAndLonely},
		{"isolated not lonely", []func(*Request){indicators(threeIsolation...), instrument(UCLA3, uclaNotLonely)}, IsolatedNotLonely},
		{"lonely not isolated", []func(*Request){instrument(LSNS6, lsnsNotAtRisk), instrument(ONSLoneliness, one("often_always"))}, LonelyNotIsolated},
		{"connected", []func(*Request){instrument(LSNS6, lsnsNotAtRisk), instrument(DJG6, djgNotLonely)}, Connected},
		{"loneliness unknown", []func(*Request){instrument(LSNS6, lsnsAtRisk)}, Unknown},
		{"isolation unknown", []func(*Request){indicators(fourIsolation[:2]...), instrument(UCLA3, uclaLonely)}, Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustAssess(t, with(tt.change...)).Quadrant; got != tt.want {
				t.Errorf("quadrant %q; want %q", got, tt.want)
			}
		})
	}
}

func TestChoiceRespected(t *testing.T) {
	tests := []struct {
		name   string
		change []func(*Request)
		want   bool
	}{
		{"chosen, not lonely", []func(*Request){indicators("prefers_own_company"), instrument(UCLA3, uclaNotLonely)}, true},
		{"chosen, loneliness unknown", []func(*Request){indicators("content_with_contact", "lives_alone")}, true},
		{"chosen but lonely", []func(*Request){indicators("prefers_own_company"), instrument(UCLA3, uclaLonely)}, false},
		{"chosen but abuse indicated", []func(*Request){indicators("declines_social_contact", "unexplained_injuries")}, false},
		{"chosen but self-neglect high", []func(*Request){indicators("distrusts_others", "home_unsafe", "poor_self_care", "refuses_help")}, false},
		{"chosen but easi suspicion", []func(*Request){indicators("prefers_own_company"), instrument(EASI, easiShamed)}, false},
		{"not chosen", []func(*Request){instrument(UCLA3, uclaNotLonely)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustAssess(t, with(tt.change...))
			if res.ChoiceRespected != tt.want {
				t.Errorf("choice_respected %v; want %v", res.ChoiceRespected, tt.want)
			}
			if tt.want != hasStep(res, "offer practical help and information only") {
				t.Errorf("next steps %q: the practical-help-only step should appear exactly when the choice is respected", res.NextSteps)
			}
		})
	}
}
