package screening

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// designIndicators is DESIGN.md's indicator table: the contract. A "!" marks
// a red flag.
var designIndicators = map[string]string{
	"risk_factor":        "lives_alone no_regular_visitors no_emergency_contact rarely_goes_out recent_bereavement recent_loss_of_role sensory_or_language_barrier no_phone_or_internet memory_problems",
	"impact_factor":      "recent_abuse_or_scam! withdrawn_since_incident afraid_to_go_out low_mood after_safeguarding_enquiry",
	"means_of_abuse":     "contact_controlled! phone_or_post_withheld! undue_influence! unexplained_money_problems! scam_contact responds_to_scams! mate_crime! excluded_in_care_setting confined_or_kept_apart! attorney_suspected! scam_in_progress!",
	"self_neglect":       "home_unsafe hoarding poor_self_care refuses_help fire_risk untreated_health_condition alcohol_or_drug_use missed_care_calls fire_risk_to_life!",
	"carers":             "is_unpaid_carer carer_isolated carer_strain carer_harmed! carer_may_harm!",
	"fear_of_isolation":  "only_contact_is_harmful! scammer_is_only_visitor! fears_losing_carer ashamed_to_tell",
	"chosen_isolation":   "prefers_own_company declines_social_contact distrusts_others content_with_contact",
	"safeguarding_signs": "discloses_abuse! unexplained_injuries! afraid_of_someone_at_home! someone_answers_for_them! neglected_by_carer! hate_incident! home_taken_over! forced_to_work! documents_held! sexual_abuse_suspected! neglected_by_staff_or_provider! radicalisation_concern! no_response_at_visit! needs_advocate suicidal_thoughts children_in_household",
}

func TestRelationshipsInDesignOrder(t *testing.T) {
	var got []string
	for _, r := range Relationships {
		got = append(got, r.Code)
		if r.Name == "" || r.Description == "" {
			t.Errorf("%s: name and description are required", r.Code)
		}
	}
	want := []string{"risk_factor", "impact_factor", "means_of_abuse", "self_neglect", "carers", "fear_of_isolation", "chosen_isolation"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("relationship codes (-want +got):\n%s", diff)
	}
}

func TestIndicatorsMatchDesign(t *testing.T) {
	got := map[string]string{}
	for _, ind := range Indicators {
		code := ind.Code
		if ind.RedFlag {
			code += "!"
		}
		got[ind.Group] = strings.TrimSpace(got[ind.Group] + " " + code)
	}
	if diff := cmp.Diff(designIndicators, got); diff != "" {
		t.Errorf("indicators by group (-design +catalogue):\n%s", diff)
	}
}

func TestIndicatorDetails(t *testing.T) {
	groups := map[string]bool{}
	for _, g := range Groups {
		groups[g.Code] = true
	}
	seen := map[string]bool{}
	for _, ind := range Indicators {
		if seen[ind.Code] {
			t.Errorf("%s: repeated", ind.Code)
		}
		seen[ind.Code] = true
		if !groups[ind.Group] {
			t.Errorf("%s: group %q has no heading", ind.Code, ind.Group)
		}
		if ind.Wording == "" {
			t.Errorf("%s: no wording", ind.Code)
		}
		if ind.TypesOfRisk == nil {
			t.Errorf("%s: types_of_risk must be a list, not null", ind.Code)
		}
		if ind.RedFlag && len(ind.TypesOfRisk) == 0 {
			t.Errorf("%s: a red flag must suggest a type of risk", ind.Code)
		}
		for _, ty := range ind.TypesOfRisk {
			if !slices.Contains(TypesOfRisk, ty) {
				t.Errorf("%s: %q is not a Safeguarding Adults Collection type of risk", ind.Code, ty)
			}
		}
	}
}

func TestInstruments(t *testing.T) {
	tests := []struct {
		code, shape string
		items       int
		values      []any
	}{
		{ONSLoneliness, ShapeAnswer, 1, []any{"often_always", "some_of_the_time", "occasionally", "hardly_ever", "never"}},
		{UCLA3, ShapeAnswers, 3, []any{1, 2, 3}},
		{DJG6, ShapeAnswers, 6, []any{"yes", "more_or_less", "no", nil}},
		{LSNS6, ShapeAnswers, 6, []any{0, 1, 2, 3, 4, 5}},
		{EASI, ShapeAnswers, 6, []any{"yes", "no", nil}},
		{CSI, ShapeAnswers, 13, []any{"yes", "no"}},
		{CIR, ShapeAnswer, 1, []any{1, 2, 3, 4, 5, 6, 7, 8, 9}},
	}
	if len(Instruments) != len(tests) {
		t.Fatalf("%d instruments; want %d", len(Instruments), len(tests))
	}
	for i, tt := range tests {
		inst, ok := InstrumentByCode(tt.code)
		if !ok || Instruments[i].Code != tt.code {
			t.Fatalf("instrument %d: want %s", i, tt.code)
		}
		var values []any
		for _, o := range inst.Options {
			values = append(values, o.Value)
			if o.Label == "" {
				t.Errorf("%s: option %v has no label", tt.code, o.Value)
			}
		}
		if inst.AnswerShape != tt.shape || len(inst.Items) != tt.items || !cmp.Equal(values, tt.values) {
			t.Errorf("%s: shape %s, %d items, options %v; want %s, %d, %v", tt.code, inst.AnswerShape, len(inst.Items), values, tt.shape, tt.items, tt.values)
		}
		for j, item := range inst.Items {
			if item.Number != j+1 || item.Text == "" {
				t.Errorf("%s item %d: numbered %d, text %q", tt.code, j+1, item.Number, item.Text)
			}
		}
		if inst.Name == "" || inst.Source == "" || inst.Question == "" || inst.Scoring == "" || len(inst.Classifications) == 0 {
			t.Errorf("%s: name, source, question, scoring and classifications are required", tt.code)
		}
	}
}

func TestPublishedWording(t *testing.T) {
	tests := map[string][]string{
		UCLA3: {"How often do you feel that you lack companionship?", "How often do you feel left out?", "How often do you feel isolated from others?"},
		DJG6: {
			"I experience a general sense of emptiness.", "There are plenty of people I can lean on when I have problems.",
			"There are many people I can trust completely.", "I miss having people around.",
			"There are enough people I feel close to.", "I often feel rejected.",
		},
		LSNS6: {
			"How many relatives do you see or hear from at least once a month?",
			"How many relatives do you feel at ease with that you can talk about private matters?",
			"How many relatives do you feel close to such that you could call on them for help?",
			"How many of your friends do you see or hear from at least once a month?",
			"How many friends do you feel at ease with that you can talk about private matters?",
			"How many friends do you feel close to such that you could call on them for help?",
		},
	}
	for code, want := range tests {
		inst, _ := InstrumentByCode(code)
		var got []string
		for _, item := range inst.Items {
			got = append(got, item.Text)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s wording (-published +catalogue):\n%s", code, diff)
		}
	}
	djg, _ := InstrumentByCode(DJG6)
	var subscales []string
	for _, item := range djg.Items {
		subscales = append(subscales, item.Subscale)
	}
	if want := []string{"emotional", "social", "social", "emotional", "social", "emotional"}; !cmp.Equal(want, subscales) {
		t.Errorf("DJG-6 subscales %v; want %v", subscales, want)
	}
}

func TestLookups(t *testing.T) {
	if ind, ok := IndicatorByCode("hoarding"); !ok || ind.Group != SelfNeglect {
		t.Errorf("IndicatorByCode(hoarding) = %+v, %v", ind, ok)
	}
	if _, ok := IndicatorByCode("nope"); ok {
		t.Error("IndicatorByCode(nope) found something")
	}
	if _, ok := InstrumentByCode("phq9"); ok {
		t.Error("InstrumentByCode(phq9) found something")
	}
}

func TestCatalogueJSON(t *testing.T) {
	b, err := json.Marshal(Catalogue())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ScoringVersion string            `json:"scoring_version"`
		Relationships  []json.RawMessage `json:"relationships"`
		Indicators     []struct {
			Code        string   `json:"code"`
			RedFlag     *bool    `json:"red_flag"`
			TypesOfRisk []string `json:"types_of_risk"`
		} `json:"indicators"`
		Instruments []struct {
			Code    string `json:"code"`
			Options []struct {
				Value json.RawMessage `json:"value"`
			} `json:"options"`
		} `json:"instruments"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ScoringVersion != "2026.2" || len(doc.Relationships) != 7 || len(doc.Indicators) != len(Indicators) || len(doc.Instruments) != 7 {
		t.Errorf("catalogue: version %q, %d relationships, %d indicators, %d instruments", doc.ScoringVersion, len(doc.Relationships), len(doc.Indicators), len(doc.Instruments))
	}
	if doc.Indicators[0].RedFlag == nil || doc.Indicators[0].TypesOfRisk == nil {
		t.Error("red_flag and types_of_risk must always be present")
	}
	// The options are the very JSON values a client sends.
	var easi []string
	for _, o := range doc.Instruments[4].Options {
		easi = append(easi, string(o.Value))
	}
	if want := []string{`"yes"`, `"no"`, "null"}; !cmp.Equal(want, easi) {
		t.Errorf("EASI option values %v; want %v", easi, want)
	}
	if v := string(doc.Instruments[1].Options[0].Value); v != "1" {
		t.Errorf("UCLA-3 first option value %s; want 1", v)
	}
}

func TestRulesEmbedded(t *testing.T) {
	if ScoringVersion() != "2026.2" {
		t.Errorf("ScoringVersion() = %q", ScoringVersion())
	}
	// Every earlier version stays embedded beside the current one, so a
	// stored result's version can always be read back.
	if got := ScoringVersions(); !cmp.Equal(got, []string{"2026.1", "2026.2"}) {
		t.Errorf("ScoringVersions() = %q", got)
	}
	for _, v := range versions {
		if len(v.Levels) != 3 || len(v.Contributions) == 0 || v.LevelsNote == "" {
			t.Errorf("version %s: %d levels, %d contributions", v.ScoringVersion, len(v.Levels), len(v.Contributions))
		}
	}
	if current.LevelsNote == "" {
		t.Error("levels_note is empty")
	}
}

func TestParseRulesRejectsBadRules(t *testing.T) {
	good, err := rulesFS.ReadFile("rules/v1.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string][3]string{ // old, new, a word from the error
		"unknown field":         {`"levels_note"`, `"levels_notes"`, "unknown field"},
		"unknown relationship":  {`"relationship": "carers"`, `"relationship": "carer"`, "relationship"},
		"unknown instrument":    {`"instrument": "csi"`, `"instrument": "csi2"`, "instrument"},
		"unknown class":         {`"classifications": ["high_strain"]`, `"classifications": ["high"]`, "classification"},
		"unknown answer":        {`"answers": ["often_always", "some_of_the_time"]`, `"answers": ["often"]`, "no answer"},
		"two conditions":        {`"min_score": 4,`, `"min_score": 4, "classifications": ["clinically_significant"],`, "exactly one condition"},
		"unknown type of risk":  {`"types_of_risk": ["self_neglect"]`, `"types_of_risk": ["neglect"]`, "type of risk"},
		"unknown indicator":     {`"lives_alone", "no_regular_visitors"`, `"lives_alone", "no_visitors"`, "unknown indicator"},
		"isolation at_least":    {`"at_least": 3`, `"at_least": 5`, "at_least"},
		"loneliness orphan":     {`"order": ["ucla3", "djg6", "ons_loneliness"]`, `"order": ["ucla3", "lsns6"]`, "no rule in group"},
		"empty scoring version": {`"scoring_version": "2026.1"`, `"scoring_version": ""`, "scoring_version"},
		"answers on a scale":    {`"classifications": ["moderately_lonely", "severely_lonely"]`, `"answers": ["yes"]`, "several answers"},
		"item out of range":     {`"item": 2,`, `"item": 7,`, "bad item"},
	}
	for name, edit := range tests {
		bad := strings.Replace(string(good), edit[0], edit[1], 1)
		if bad == string(good) {
			t.Errorf("%s: edit %q not found", name, edit[0])
			continue
		}
		if _, err := parseRules([]byte(bad)); err == nil || !strings.Contains(err.Error(), edit[2]) {
			t.Errorf("%s: parseRules = %v; want an error about %q", name, err, edit[2])
		}
	}
	if _, err := parseRules(good); err != nil {
		t.Errorf("parseRules(v1) = %v", err)
	}
}
