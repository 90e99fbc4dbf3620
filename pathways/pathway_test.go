package pathways

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/screening"
)

func mustDefault(t testing.TB) *Pathway {
	t.Helper()
	p, err := Default()
	if err != nil {
		t.Fatalf("default pathway: %v", err)
	}
	return p
}

// input makes an Input with the given relationship levels.
func input(levels map[string]string, mods ...func(*Input)) Input {
	in := Input{Levels: map[string]string{}, Instruments: map[string]string{}, Indicators: []string{}, Age: -1,
		Quadrant: "unknown", Loneliness: "unknown", Isolation: "unknown", Action: screening.ActionNone,
		Consent: map[string]string{"share": "yes", "refer": "yes", "feedback": "yes"}}
	for _, r := range assets.RelationshipCodes() {
		in.Levels[r] = screening.LevelNone
	}
	for k, v := range levels {
		in.Levels[k] = v
	}
	for _, m := range mods {
		m(&in)
	}
	return in
}

func categories(o Outcome) []string {
	var out []string
	for _, x := range o.Offers {
		out = append(out, x.Category)
	}
	return out
}

func TestDefaultPathwayRules(t *testing.T) {
	p := mustDefault(t)
	withIndicators := func(codes ...string) func(*Input) { return func(in *Input) { in.Indicators = codes } }
	for _, tc := range []struct {
		name     string
		in       Input
		want     []string // categories in order
		urgency  string
		matched  []string
		followUp int
	}{
		{"nothing", input(nil), nil, "routine", []string{}, 28},
		{"risk factor", input(map[string]string{"risk_factor": "medium"}),
			[]string{"befriending", "social_group", "community_navigator"}, "routine", []string{"risk-factor"}, 28},
		{"risk factor, housebound", input(map[string]string{"risk_factor": "low"}, func(in *Input) { in.Housebound = true }),
			[]string{"telephone_befriending", "befriending", "community_navigator", "transport", "social_group"}, "routine", []string{"risk-factor-housebound", "risk-factor"}, 28},
		// 2026.2: the scam rule fires on scam indicators only; money taken
		// by influence or an attorney has its own rule.
		{"means of abuse: scams", input(map[string]string{"means_of_abuse": "medium"}, withIndicators("responds_to_scams")),
			[]string{"scam_prevention"}, "soon", []string{"means-of-abuse-scams"}, 7},
		{"means of abuse: scam in progress", input(map[string]string{"means_of_abuse": "medium"}, withIndicators("scam_in_progress")),
			[]string{"scam_prevention"}, "soon", []string{"means-of-abuse-scams"}, 7},
		{"means of abuse: attorney, not a scam", input(map[string]string{"means_of_abuse": "medium"}, withIndicators("attorney_suspected")),
			[]string{"advocacy", "information_and_advice"}, "soon", []string{"means-of-abuse-money"}, 7},
		{"thoughts of suicide", input(nil, withIndicators("suicidal_thoughts")),
			[]string{"mental_health", "counselling"}, "urgent", []string{"mental-health-crisis"}, 2},
		{"low mood after a death", input(map[string]string{"impact_factor": "low", "risk_factor": "low"}, withIndicators("low_mood", "recent_bereavement")),
			[]string{"mental_health", "bereavement_support", "victim_support", "peer_support", "counselling", "befriending", "social_group", "community_navigator"}, "routine", []string{"impact", "low-mood", "bereavement", "risk-factor"}, 14},
		// The man who prefers his own company since his wife died and talks
		// of ending his life: the choice is not respected (screening), so
		// the chosen-isolation rule does not stop the offers.
		{"chosen isolation with thoughts of suicide", input(map[string]string{"chosen_isolation": "low", "risk_factor": "low", "impact_factor": "low"},
			withIndicators("prefers_own_company", "recent_bereavement", "low_mood", "suicidal_thoughts")),
			[]string{"mental_health", "counselling", "bereavement_support", "victim_support", "peer_support", "befriending", "social_group", "community_navigator"}, "urgent",
			[]string{"mental-health-crisis", "impact", "low-mood", "bereavement", "risk-factor"}, 2},
		{"means of abuse: control", input(map[string]string{"means_of_abuse": "medium"}, withIndicators("contact_controlled")),
			[]string{"domestic_abuse_service", "advocacy"}, "soon", []string{"means-of-abuse-control"}, 7},
		{"carers", input(map[string]string{"carers": "low"}), []string{"carers_support", "respite"}, "routine", []string{"carers"}, 14},
		{"self-neglect", input(map[string]string{"self_neglect": "low"}), []string{"hoarding_support", "practical_help", "fire_safety_visit"}, "routine", []string{"self-neglect"}, 14},
		{"impact", input(map[string]string{"impact_factor": "low"}), []string{"victim_support", "peer_support", "counselling"}, "routine", []string{"impact"}, 14},
		{"fear of isolation", input(map[string]string{"fear_of_isolation": "medium"}), []string{"advocacy", "befriending"}, "soon", []string{"fear-of-isolation"}, 7},
		{"chosen isolation without harm", input(map[string]string{"chosen_isolation": "low", "risk_factor": "high"}, func(in *Input) { in.ChoiceRespected = true }),
			[]string{"practical_help", "information_and_advice"}, "routine", []string{"chosen-isolation"}, 56},
		{"lonely with no other relationship", input(nil, func(in *Input) { in.Loneliness = "lonely" }),
			[]string{"social_group", "befriending", "information_and_advice"}, "routine", []string{"lonely-without-risk"}, 28},
		{"fire risk always brings a fire safety visit", input(nil, withIndicators("fire_risk")), []string{"fire_safety_visit"}, "routine", []string{}, 28},
		{"a raised concern makes the work urgent", input(map[string]string{"risk_factor": "low"}, func(in *Input) { in.Action = screening.ActionRaiseConcern }),
			[]string{"befriending", "social_group", "community_navigator"}, "urgent", []string{"risk-factor"}, 28},
		{"the highest level answers first", input(map[string]string{"risk_factor": "low", "carers": "high"}),
			[]string{"carers_support", "respite", "befriending", "social_group", "community_navigator"}, "routine", []string{"carers", "risk-factor"}, 14},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := p.Evaluate(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, categories(out)); diff != "" {
				t.Errorf("offers (-want +got):\n%s", diff)
			}
			if out.Urgency != tc.urgency {
				t.Errorf("urgency = %s, want %s", out.Urgency, tc.urgency)
			}
			if diff := cmp.Diff(tc.matched, out.MatchedRules); diff != "" {
				t.Errorf("matched (-want +got):\n%s", diff)
			}
			if out.FollowUpDays != tc.followUp {
				t.Errorf("follow_up_days = %d, want %d", out.FollowUpDays, tc.followUp)
			}
		})
	}
}

// Where a choice to be alone is respected, no pathway, however written,
// offers social activity.
func TestChosenIsolationNeverSocialProperty(t *testing.T) {
	doc := &Document{Name: "greedy", Rules: []Rule{{ID: "all", When: "true", Offer: assets.CategoryCodes()}}}
	greedy, err := Compile(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	pathways := []*Pathway{mustDefault(t), greedy}
	levels := []string{"none", "low", "medium", "high"}
	rng := rand.New(rand.NewPCG(1, 2))
	var all []string
	for _, i := range screening.Indicators {
		all = append(all, i.Code)
	}
	for n := 0; n < 2000; n++ {
		lv := map[string]string{}
		for _, r := range assets.RelationshipCodes() {
			lv[r] = levels[rng.IntN(4)]
		}
		in := input(lv, func(in *Input) {
			in.ChoiceRespected = true
			in.Housebound = rng.IntN(2) == 0
			in.Loneliness = []string{"not_lonely", "unknown"}[rng.IntN(2)]
			for k := rng.IntN(6); k > 0; k-- {
				in.Indicators = append(in.Indicators, all[rng.IntN(len(all))])
			}
		})
		for _, p := range pathways {
			out, err := p.Evaluate(in)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range categories(out) {
				if assets.IsSocialActivity(c) {
					t.Fatalf("%s offered social activity %s to a person whose choice is respected: %+v", p.Doc.Name, c, in)
				}
			}
		}
	}
}

func TestCompileErrorsNameTheRule(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rule  Rule
		field string
		want  string
	}{
		{"syntax", Rule{ID: "broken", When: "level.risk_factor >="}, "rules[0].when", `rule "broken" does not compile`},
		{"unknown variable", Rule{ID: "typo", When: "levle.risk_factor > 1"}, "rules[0].when", `rule "typo" does not compile`},
		{"not a bool", Rule{ID: "number", When: "level.risk_factor + 1"}, "rules[0].when", `rule "number" must give true or false`},
		{"type error", Rule{ID: "mixed", When: "quadrant > 3"}, "rules[0].when", `rule "mixed" does not compile`},
		{"unknown category", Rule{ID: "cat", When: "true", Offer: []string{"bingo"}}, "rules[0].offer[0]", `"bingo" is not a known asset category`},
		{"bad relationship", Rule{ID: "rel", When: "true", Relationship: "friends"}, "rules[0].relationship", "is not one of the seven"},
		{"bad id", Rule{ID: "Bad Id", When: "true"}, "rules[0].id", "lower-case"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(&Document{Name: "x", Rules: []Rule{tc.rule}}, nil)
			fields := kith.FieldErrors(err)
			if kith.ErrorCode(err) != kith.EINVALID || len(fields) == 0 || fields[0].Field != tc.field || !strings.Contains(fields[0].Message, tc.want) {
				t.Fatalf("Compile error = %v, want %s: %s", err, tc.field, tc.want)
			}
		})
	}
	// Site categories are allowed.
	if _, err := Compile(&Document{Name: "x", Rules: []Rule{{ID: "own", When: "true", Offer: []string{"lunch_club"}}}}, []string{"lunch_club"}); err != nil {
		t.Fatalf("site category refused: %v", err)
	}
}

// A hostile condition is stopped by the cost limit, never hangs.
func TestCostLimit(t *testing.T) {
	p, err := Compile(&Document{Name: "x", Rules: []Rule{{ID: "heavy", Offer: []string{"befriending"},
		When: "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, a+b+c+d > 0))))"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Evaluate(input(nil))
	if err != nil || slices.Contains(categories(out), "befriending") {
		t.Fatalf("over-cost rule matched: %v %v", out, err)
	}
}

func TestParseDocumentStrict(t *testing.T) {
	if _, err := ParseDocument([]byte(`{"name":"x","rules":[],"colour":"red"}`)); err == nil {
		t.Fatal("unknown field accepted")
	}
	if _, err := ParseDocument(DefaultDocument()); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkEvaluateDefault(b *testing.B) {
	p := mustDefault(b)
	in := input(map[string]string{"risk_factor": "high", "means_of_abuse": "medium", "self_neglect": "low"}, func(in *Input) {
		in.Indicators = []string{"lives_alone", "responds_to_scams", "fire_risk"}
		in.Loneliness = "lonely"
	})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Evaluate(in); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzCompile(f *testing.F) {
	f.Add(`level.risk_factor >= 1`)
	f.Add(`'fire_risk' in indicators && housebound`)
	f.Add(`instruments.ucla3 == 'lonely'`)
	f.Fuzz(func(t *testing.T, when string) {
		p, err := Compile(&Document{Name: "f", Rules: []Rule{{ID: "r", When: when, Offer: []string{"befriending"}}}}, nil)
		if err != nil {
			if kith.ErrorCode(err) != kith.EINVALID {
				t.Fatalf("non-validation error: %v", err)
			}
			return
		}
		if _, err := p.Evaluate(input(nil)); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkRecommendDemo evaluates the default pathway and ranks the whole
// demo directory for one screening.
func BenchmarkRecommendDemo(b *testing.B) {
	p := mustDefault(b)
	in := input(map[string]string{"risk_factor": "high", "means_of_abuse": "medium", "self_neglect": "low"}, func(in *Input) {
		in.Indicators = []string{"lives_alone", "responds_to_scams", "fire_risk"}
		in.Housebound = true
	})
	lat, lon := 53.7966, -1.5467
	var cands []Candidate
	for _, s := range assets.DemoServices() {
		c := Candidate{Service: s}
		if s.Latitude != nil {
			d := assets.DistanceKm(lat, lon, *s.Latitude, *s.Longitude)
			c.DistanceKm = &d
		}
		cands = append(cands, c)
	}
	age := 81
	person := Person{Person: assets.Person{Age: &age}, Housebound: true, Language: "ur", Wishes: "someone to talk to about my garden"}
	b.ReportAllocs()
	for b.Loop() {
		out, err := p.Evaluate(in)
		if err != nil {
			b.Fatal(err)
		}
		if recs := Recommend(out, cands, person, Ref{PathwayID: "default", Version: 1}); len(recs) == 0 {
			b.Fatal("no recommendations")
		}
	}
}
