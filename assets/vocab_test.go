package assets

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The codes are fixed by the design's contract; a change here is a breaking
// change to the API.
func TestVocabularyMatchesContract(t *testing.T) {
	wantCategories := []string{
		"befriending", "telephone_befriending", "social_group", "community_navigator", "carers_support",
		"respite", "peer_support", "counselling", "victim_support", "domestic_abuse_service", "scam_prevention",
		"advocacy", "hoarding_support", "practical_help", "fire_safety_visit", "transport", "digital_inclusion",
		"mental_health", "bereavement_support", "learning_disability_support", "faith_and_cultural_groups",
		"physical_activity", "volunteering", "information_and_advice",
	}
	tests := []struct {
		name      string
		got, want []string
	}{
		{"categories", CategoryCodes(), wantCategories},
		{"relationships", RelationshipCodes(), []string{"risk_factor", "impact_factor", "means_of_abuse", "self_neglect", "carers", "fear_of_isolation", "chosen_isolation"}},
		{"support to attend", SupportToAttendCodes(), []string{"accompanied_first_visit", "transport", "home_visits", "by_phone", "online"}},
		{"capacity", CapacityCodes(), []string{"open", "waiting_list", "full"}},
		{"social activity", SocialActivity, []string{"befriending", "telephone_befriending", "social_group", "faith_and_cultural_groups", "physical_activity", "volunteering"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("codes (-want +got):\n%s", diff)
			}
		})
	}
	for _, terms := range [][]Term{Categories, Relationships, SupportToAttend, Capacities} {
		for _, term := range terms {
			if term.Label == "" || term.Label == term.Code {
				t.Errorf("%s has no words", term.Code)
			}
		}
	}
	for _, c := range SocialActivity {
		if !slices.Contains(wantCategories, c) || !IsSocialActivity(c) {
			t.Errorf("social activity %q", c)
		}
	}
	if IsSocialActivity("advocacy") {
		t.Error("advocacy is not a social activity")
	}
}

func TestValidCategory(t *testing.T) {
	extra := []string{"mens_sheds", "Bad-Code", "allotments2"}
	tests := []struct {
		code string
		want bool
	}{
		{"befriending", true},
		{"mens_sheds", true},
		{"allotments2", true},
		{"Bad-Code", false}, // listed, but not lower_snake_case
		{"knitting", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidCategory(tt.code, extra); got != tt.want {
			t.Errorf("ValidCategory(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
	for code, want := range map[string]bool{"mens_sheds": true, "befriending": false, "a__b": false, "_x": false, "x1_y2": true} {
		if got := ValidSiteCategory(code); got != want {
			t.Errorf("ValidSiteCategory(%q) = %v, want %v", code, got, want)
		}
	}
}
