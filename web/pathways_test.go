package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/pathways"
)

// lonelyAtHome is a screening that the default pathway answers with
// befriending and social groups.
func lonelyAtHome(t *testing.T, consent string, members map[string]any) map[string]any {
	m := screeningWith(t, map[string]any{
		"person":      map[string]any{"name": "Ada Example", "postcode": "LS1 4AP", "age": 81},
		"consent":     map[string]any{"share": consent},
		"indicators":  []string{"lives_alone", "no_regular_visitors", "rarely_goes_out", "fire_risk"},
		"instruments": map[string]any{"ucla3": map[string]any{"answers": []int{3, 3, 2}}},
		"wishes":      "I would like someone to talk to",
	}, nil)
	for k, v := range members {
		m[k] = v
	}
	return m
}

type recView struct {
	Rank           int      `json:"rank"`
	ServiceID      string   `json:"service_id"`
	Category       string   `json:"category"`
	DistanceKm     *float64 `json:"distance_km"`
	Reasons        []string `json:"reasons"`
	PathwayID      string   `json:"pathway_id"`
	PathwayVersion int      `json:"pathway_version"`
	Arm            string   `json:"arm"`
}

func recommendations(t *testing.T, r response) ([]recView, map[string]any) {
	t.Helper()
	var body struct {
		Recommendations []recView      `json:"recommendations"`
		Pathway         map[string]any `json:"pathway"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	return body.Recommendations, body.Pathway
}

func TestScreeningGetsRankedRecommendations(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	visitor := e.token("alpha", kith.RoleVisitor)
	r := e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "yes", nil))
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	recs, pw := recommendations(t, r)
	if len(recs) == 0 {
		t.Fatal("no recommendations with consent")
	}
	if pw["pathway_id"] != "default" || pw["version"] != float64(1) {
		t.Fatalf("pathway = %v", pw)
	}
	cats := map[string]bool{}
	for i, rec := range recs {
		if rec.Rank != i+1 || rec.ServiceID == "" || len(rec.Reasons) == 0 || rec.PathwayID != "default" || rec.PathwayVersion != 1 {
			t.Errorf("recommendation %d incomplete: %+v", i, rec)
		}
		cats[rec.Category] = true
	}
	if !cats["fire_safety_visit"] {
		t.Error("a fire risk did not bring a fire safety visit")
	}
	if !cats["befriending"] && !cats["social_group"] {
		t.Errorf("risk factor got no befriending or social group: %v", cats)
	}
	// Never a full service.
	for _, rec := range recs {
		svc := e.do("GET", "/api/v1/assets/"+rec.ServiceID, visitor, nil).JSON(t)
		if svc["capacity"] == "full" {
			t.Errorf("recommended a full service: %s", rec.ServiceID)
		}
	}
	// Without consent to refer: none.
	r = e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "no", nil))
	if recs, _ := recommendations(t, r); len(recs) != 0 {
		t.Fatalf("recommendations without consent: %v", recs)
	}
}

func TestChosenIsolationGetsNoSocialActivity(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	visitor := e.token("alpha", kith.RoleVisitor)
	r := e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "yes", map[string]any{
		"indicators":  []string{"lives_alone", "prefers_own_company", "content_with_contact"},
		"instruments": map[string]any{"ucla3": map[string]any{"answers": []int{1, 1, 1}}},
	}))
	recs, _ := recommendations(t, r)
	social := map[string]bool{"befriending": true, "telephone_befriending": true, "social_group": true, "faith_and_cultural_groups": true, "physical_activity": true, "volunteering": true}
	for _, rec := range recs {
		if social[rec.Category] {
			t.Fatalf("social activity %s offered to someone whose choice is respected", rec.Category)
		}
	}
	if !strings.Contains(string(r.Body), `"choice_respected":true`) {
		t.Fatalf("choice not respected: %s", r.Body)
	}
}

func TestBadPathwayRefusedActiveUnchanged(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	doc := map[string]any{"name": "Broken", "rules": []any{
		map[string]any{"id": "ok", "when": "level.risk_factor >= 1", "offer": []string{"befriending"}},
		map[string]any{"id": "typo", "when": "level.risk_factr >= ", "offer": []string{"befriending"}},
	}}
	r := e.do("POST", "/api/v1/pathways", lead, map[string]any{"id": "default", "document": doc, "activate": true})
	wantProblem(t, r, 422, "document.rules[1].when")
	if !strings.Contains(string(r.Body), `rule \"typo\"`) {
		t.Fatalf("the rule is not named: %s", r.Body)
	}
	act := e.do("GET", "/api/v1/pathways/active", lead, nil).JSON(t)
	if act["pathway_id"] != "default" || act["version"] != float64(1) {
		t.Fatalf("active changed: %v", act)
	}
	if l := e.do("GET", "/api/v1/pathways", lead, nil).JSON(t); l["items"].([]any)[0].(map[string]any)["latest_version"] != float64(1) {
		t.Fatalf("a bad pathway was stored: %v", l)
	}
}

func TestPathwayVersionsActivationPreviewAndPilot(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	lead := e.token("alpha", kith.RoleLead)
	visitor := e.token("alpha", kith.RoleVisitor)
	var def map[string]any
	json.Unmarshal(pathways.DefaultDocument(), &def)
	// Version 2: telephone befriending first for everyone at risk.
	def["name"] = "Phone first"
	rules := def["rules"].([]any)
	rules = append([]any{map[string]any{"id": "phone-first", "when": "level.risk_factor >= 1", "relationship": "risk_factor",
		"offer": []string{"telephone_befriending"}, "priority": 0}}, rules...)
	def["rules"] = rules
	r := e.do("POST", "/api/v1/pathways", lead, map[string]any{"id": "default", "document": def})
	if r.Status != 201 || r.JSON(t)["version"] != float64(2) {
		t.Fatalf("save v2: %d %s", r.Status, r.Body)
	}
	if r := e.do("GET", "/api/v1/pathways/default/versions/2", e.token("alpha", kith.RoleNavigator), nil); r.Status != 200 {
		t.Fatalf("get v2: %d", r.Status)
	}
	wantProblem(t, e.do("GET", "/api/v1/pathways/default/versions/9", lead, nil), 404, "")
	// Preview v2 against a stored screening: nothing stored.
	s := e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "yes", nil)).JSON(t)
	p := e.do("POST", "/api/v1/pathways/preview", lead, map[string]any{"document": def, "screening_id": s["id"]})
	if p.Status != 200 {
		t.Fatalf("preview: %d %s", p.Status, p.Body)
	}
	recs, _ := recommendations(t, p)
	if len(recs) == 0 || recs[0].Category != "telephone_befriending" {
		t.Fatalf("preview did not apply the draft: %+v", recs)
	}
	if act := e.do("GET", "/api/v1/pathways/active", lead, nil).JSON(t); act["version"] != float64(1) {
		t.Fatalf("preview changed the active version: %v", act)
	}
	wantProblem(t, e.do("POST", "/api/v1/pathways/preview", lead, map[string]any{"document": def, "screening_id": "nope"}), 422, "screening_id")
	// A pilot: alternation between v1 and v2, recorded per screening.
	r = e.do("POST", "/api/v1/pathways/default/activate", lead, map[string]any{"version": 1, "pilot": map[string]any{"version": 2, "rule": "alternation"}})
	if r.Status != 200 {
		t.Fatalf("pilot: %d %s", r.Status, r.Body)
	}
	arms := map[string]int{}
	for i := 0; i < 4; i++ {
		_, pw := recommendations(t, e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "yes", nil)))
		arms[pw["arm"].(string)]++
	}
	if arms["a"] != 2 || arms["b"] != 2 {
		t.Fatalf("alternation arms = %v", arms)
	}
	wantProblem(t, e.do("POST", "/api/v1/pathways/default/activate", lead, map[string]any{"version": 1, "pilot": map[string]any{"version": 1, "rule": "random"}}), 422, "pilot.version")
	wantProblem(t, e.do("POST", "/api/v1/pathways/default/activate", lead, map[string]any{"version": 7}), 404, "")
	wantProblem(t, e.do("POST", "/api/v1/pathways", visitor, map[string]any{"id": "x", "document": def}), 403, "")
}
