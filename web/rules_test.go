package web_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/kith-project/kith"
)

// TestRulesThroughTheAPI checks the instrument and safeguarding rules of
// DESIGN.md end to end. The screening package's own tables cover every
// boundary; this shows the service applies them as written.
func TestRulesThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	visitor := e.token("alpha", kith.RoleVisitor)
	instr := func(code string, v any) map[string]any {
		if code == "ons_loneliness" || code == "cir" {
			return map[string]any{code: map[string]any{"answer": v}}
		}
		return map[string]any{code: map[string]any{"answers": v}}
	}
	safe := map[string]any{"phone": "yes", "post": "yes", "visit": "yes"}
	type want struct {
		action       string
		shareBasis   []string // each must be present
		noShareBasis []string // each must be absent
		instrument   string   // instrument code to check
		score        any
		class        string
		loneliness   string
		isolation    string
		quadrant     string
		choice       *bool
		rel          string // relationship to check
		level        string
		reference    bool
	}
	yes, no := true, false
	for _, tc := range []struct {
		name    string
		members map[string]any
		s42     map[string]any
		want    want
	}{
		{"nothing indicated", nil, nil, want{action: "none", shareBasis: []string{"consent"}}},
		// 2026.2: with no care and support needs the visitor tells their own
		// safeguarding lead (the police lead), so no concern is recorded.
		{"immediate danger is an emergency", nil, map[string]any{"immediate_danger": true},
			want{action: "emergency", shareBasis: []string{"risk_to_life"}}},
		{"immediate danger with care needs raises a concern", nil, map[string]any{"immediate_danger": true, "care_and_support_needs": "unsure"},
			want{action: "emergency", shareBasis: []string{"risk_to_life"}, reference: true}},
		{"red flag with care needs and consent raises a concern",
			map[string]any{"indicators": []string{"unexplained_money_problems"}, "safe_contact": safe},
			map[string]any{"care_and_support_needs": "yes"}, want{action: "raise_concern", reference: true}},
		{"unsure care needs still raises", map[string]any{"indicators": []string{"discloses_abuse"}},
			map[string]any{"care_and_support_needs": "unsure"}, want{action: "raise_concern"}},
		{"unable_to_protect_self no never gates", map[string]any{"indicators": []string{"discloses_abuse"}},
			map[string]any{"care_and_support_needs": "yes", "unable_to_protect_self": "no"}, want{action: "raise_concern"}},
		{"no care needs means discuss", map[string]any{"indicators": []string{"discloses_abuse"}},
			map[string]any{"care_and_support_needs": "no"}, want{action: "discuss"}},
		{"no basis to share means discuss",
			map[string]any{"indicators": []string{"unexplained_injuries"}, "consent": map[string]any{"share": "no"}},
			map[string]any{"care_and_support_needs": "yes"}, want{action: "discuss", noShareBasis: []string{"consent"}}},
		{"coercion overrides refused consent",
			map[string]any{"indicators": []string{"contact_controlled"}, "consent": map[string]any{"share": "no"}, "safe_contact": safe},
			map[string]any{"care_and_support_needs": "yes"}, want{action: "raise_concern", shareBasis: []string{"coercion"}}},
		{"capacity concern is a basis",
			map[string]any{"indicators": []string{"unexplained_injuries"}, "consent": map[string]any{"share": "not_asked"}},
			map[string]any{"care_and_support_needs": "yes", "capacity_concern": true}, want{action: "raise_concern", shareBasis: []string{"capacity_concern"}}},
		{"others at risk alone raises, whatever the care needs",
			map[string]any{"consent": map[string]any{"share": "no"}},
			map[string]any{"others_at_risk": true, "others_at_risk_who": []string{"child"}}, want{action: "raise_concern", shareBasis: []string{"others_at_risk"}}},
		{"visitor concerned alone moves none to discuss", nil, map[string]any{"visitor_concerned": true}, want{action: "discuss"}},
		{"visitor concerned never lowers", map[string]any{"indicators": []string{"discloses_abuse"}},
			map[string]any{"care_and_support_needs": "yes", "visitor_concerned": true}, want{action: "raise_concern"}},
		{"crime suspected is indicated and a basis", map[string]any{"consent": map[string]any{"share": "no"}},
			map[string]any{"care_and_support_needs": "yes", "crime_suspected": true}, want{action: "raise_concern", shareBasis: []string{"crime_suspected"}}},
		{"staff implicated is a basis", map[string]any{"indicators": []string{"neglected_by_carer"}, "consent": map[string]any{"share": "no"}},
			map[string]any{"care_and_support_needs": "yes", "staff_or_provider_implicated": true}, want{action: "raise_concern", shareBasis: []string{"staff_or_provider_implicated"}}},
		{"suicidal thoughts is risk to life", map[string]any{"indicators": []string{"suicidal_thoughts"}}, nil,
			want{action: "none", shareBasis: []string{"risk_to_life"}}},
		{"EASI question 1 alone is no suspicion",
			map[string]any{"seen_alone": true, "instruments": instr("easi", []any{"yes", "no", "no", "no", "no", "no"})}, map[string]any{"care_and_support_needs": "yes"},
			want{action: "none", instrument: "easi", score: float64(0), class: "no_suspicion"}},
		{"EASI suspicion is indicated",
			map[string]any{"seen_alone": true, "instruments": instr("easi", []any{"no", "no", "no", "yes", "no", nil})}, map[string]any{"care_and_support_needs": "yes"},
			want{action: "raise_concern", instrument: "easi", score: float64(1), class: "suspicion"}},
		{"EASI Q2 is a means-of-abuse red flag",
			map[string]any{"seen_alone": true, "instruments": instr("easi", []any{"no", "yes", "no", "no", "no", "no"})}, map[string]any{"care_and_support_needs": "yes"},
			want{action: "raise_concern", rel: "means_of_abuse", level: "medium"}},
		{"LSNS-6 of 12 is not at risk", map[string]any{"instruments": instr("lsns6", []int{2, 2, 2, 2, 2, 2})}, nil,
			want{instrument: "lsns6", score: float64(12), class: "not_at_risk", isolation: "not_isolated"}},
		{"LSNS-6 of 11 is at risk", map[string]any{"instruments": map[string]any{"lsns6": map[string]any{"answers": []int{2, 2, 2, 2, 2, 1}}, "ucla3": map[string]any{"answers": []int{1, 1, 1}}}}, nil,
			want{instrument: "lsns6", score: float64(11), class: "at_risk_of_isolation", isolation: "isolated", quadrant: "isolated_not_lonely", rel: "risk_factor", level: "low"}},
		{"DJG-6 neutral answers count as lonely",
			map[string]any{"instruments": map[string]any{"djg6": map[string]any{"answers": []any{"more_or_less", "more_or_less", "no", "no", "yes", "no"}}}}, nil,
			want{instrument: "djg6", score: float64(3), class: "moderately_lonely", loneliness: "lonely"}},
		{"DJG-6 one missing scores the other five",
			map[string]any{"instruments": map[string]any{"djg6": map[string]any{"answers": []any{"yes", "no", "no", "yes", "no", nil}}}}, nil,
			want{instrument: "djg6", score: float64(5), class: "severely_lonely"}},
		{"UCLA-3 of 6 is lonely", map[string]any{"instruments": instr("ucla3", []int{2, 2, 2})}, nil,
			want{instrument: "ucla3", score: float64(6), class: "lonely", loneliness: "lonely", rel: "risk_factor", level: "low"}},
		{"ONS often is chronic", map[string]any{"instruments": instr("ons_loneliness", "often_always")}, nil,
			want{instrument: "ons_loneliness", score: nil, class: "chronic_loneliness"}},
		{"CSI of 7 is high strain", map[string]any{"instruments": instr("csi", []string{"yes", "yes", "yes", "yes", "yes", "yes", "yes", "no", "no", "no", "no", "no", "no"})}, nil,
			want{instrument: "csi", score: float64(7), class: "high_strain", rel: "carers", level: "low"}},
		{"CIR of 7 is a self-neglect red flag", map[string]any{"instruments": instr("cir", 7)}, map[string]any{"care_and_support_needs": "yes"},
			want{instrument: "cir", score: float64(7), class: "clinically_significant", rel: "self_neglect", level: "medium", action: "raise_concern"}},
		{"three isolation indicators make isolated",
			map[string]any{"indicators": []string{"lives_alone", "no_regular_visitors", "no_emergency_contact"}}, nil,
			want{isolation: "isolated", rel: "risk_factor", level: "high"}},
		{"two isolation indicators leave isolation unknown",
			map[string]any{"indicators": []string{"lives_alone", "no_regular_visitors"}}, nil,
			want{isolation: "unknown", quadrant: "unknown", rel: "risk_factor", level: "medium"}},
		{"a chosen isolation is respected",
			map[string]any{"indicators": []string{"prefers_own_company", "lives_alone"}, "instruments": instr("ucla3", []int{1, 1, 1})}, nil,
			want{choice: &yes, loneliness: "not_lonely"}},
		{"not when lonely",
			map[string]any{"indicators": []string{"prefers_own_company"}, "instruments": instr("ucla3", []int{3, 3, 3})}, nil,
			want{choice: &no}},
		{"not when abuse is indicated",
			map[string]any{"indicators": []string{"prefers_own_company", "discloses_abuse"}}, nil,
			want{choice: &no}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/screenings", visitor, screeningWith(t, tc.members, tc.s42))
			if r.Status != 201 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			var res struct {
				Relationships map[string]struct{ Level string }
				Instruments   map[string]struct {
					Score          any
					Classification string
				}
				Loneliness, Isolation struct{ Status string }
				Quadrant              string
				ChoiceRespected       bool `json:"choice_respected"`
				Safeguarding          struct {
					Action     string
					ShareBasis []string `json:"share_basis"`
					Reference  string
				}
			}
			if err := json.Unmarshal(r.Body, &res); err != nil {
				t.Fatal(err)
			}
			w := tc.want
			if w.action != "" && res.Safeguarding.Action != w.action {
				t.Errorf("action = %s, want %s", res.Safeguarding.Action, w.action)
			}
			for _, b := range w.shareBasis {
				if !slices.Contains(res.Safeguarding.ShareBasis, b) {
					t.Errorf("share_basis %v lacks %s", res.Safeguarding.ShareBasis, b)
				}
			}
			for _, b := range w.noShareBasis {
				if slices.Contains(res.Safeguarding.ShareBasis, b) {
					t.Errorf("share_basis %v holds %s", res.Safeguarding.ShareBasis, b)
				}
			}
			if w.reference && res.Safeguarding.Reference == "" {
				t.Error("a raised concern has no reference")
			}
			if !w.reference && (res.Safeguarding.Action == "none" || res.Safeguarding.Action == "discuss") && res.Safeguarding.Reference != "" {
				t.Errorf("reference %q without a concern", res.Safeguarding.Reference)
			}
			if w.instrument != "" {
				got := res.Instruments[w.instrument]
				if got.Score != w.score || got.Classification != w.class {
					t.Errorf("%s = %v %s, want %v %s", w.instrument, got.Score, got.Classification, w.score, w.class)
				}
			}
			if w.loneliness != "" && res.Loneliness.Status != w.loneliness {
				t.Errorf("loneliness = %s, want %s", res.Loneliness.Status, w.loneliness)
			}
			if w.isolation != "" && res.Isolation.Status != w.isolation {
				t.Errorf("isolation = %s, want %s", res.Isolation.Status, w.isolation)
			}
			if w.quadrant != "" && res.Quadrant != w.quadrant {
				t.Errorf("quadrant = %s, want %s", res.Quadrant, w.quadrant)
			}
			if w.choice != nil && res.ChoiceRespected != *w.choice {
				t.Errorf("choice_respected = %v, want %v", res.ChoiceRespected, *w.choice)
			}
			if w.rel != "" && res.Relationships[w.rel].Level != w.level {
				t.Errorf("%s level = %s, want %s", w.rel, res.Relationships[w.rel].Level, w.level)
			}
		})
	}
}
