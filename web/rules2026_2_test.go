package web_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/screening"
)

// practitionerCase is one of screening/testdata/practitioner_cases.json: a
// case a home visitor meets, and what the 2026.2 rules must make of it.
type practitionerCase struct {
	Name               string          `json:"name"`
	Request            json.RawMessage `json:"request"`
	Action             string          `json:"action"`
	ConcernAboutPerson bool            `json:"concern_about_person"`
	Routes             []string        `json:"routes"`
	Others             []string        `json:"others"`
	ChoiceRespected    bool            `json:"choice_respected"`
}

type apiResult struct {
	ID              string   `json:"id"`
	ScoringVersion  string   `json:"scoring_version"`
	ChoiceRespected bool     `json:"choice_respected"`
	NextSteps       []string `json:"next_steps"`
	Safeguarding    struct {
		Action             string   `json:"action"`
		WhatToDoNow        string   `json:"what_to_do_now"`
		ShareBasis         []string `json:"share_basis"`
		ConcernAboutPerson bool     `json:"concern_about_person"`
		Reference          string   `json:"reference"`
		Routes             []struct {
			Code string `json:"code"`
			Step string `json:"step"`
		} `json:"routes"`
		OthersAtRisk []struct {
			Who      string `json:"who"`
			Inferred bool   `json:"inferred"`
			Reason   string `json:"reason"`
		} `json:"others_at_risk"`
	} `json:"safeguarding"`
	Pathway struct {
		MatchedRules []string `json:"matched_rules"`
	} `json:"pathway"`
}

// Each of the practitioner's cases, through POST /api/v1/screenings as a
// visitor would send it; the concern (where one is recorded) checked as the
// safeguarding team sees it.
func TestPractitionerCasesThroughTheAPI(t *testing.T) {
	b, err := os.ReadFile("../screening/testdata/practitioner_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []practitionerCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	visitor := e.token("alpha", kith.RoleVisitor)
	lead := e.token("alpha", kith.RoleLead)
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/screenings", visitor, string(tc.Request))
			if r.Status != 201 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			var res apiResult
			if err := json.Unmarshal(r.Body, &res); err != nil {
				t.Fatal(err)
			}
			sg := res.Safeguarding
			if res.ScoringVersion != "2026.2" || sg.Action != tc.Action || sg.ConcernAboutPerson != tc.ConcernAboutPerson {
				t.Errorf("version %s, action %s, concern about person %v; want 2026.2, %s, %v", res.ScoringVersion, sg.Action, sg.ConcernAboutPerson, tc.Action, tc.ConcernAboutPerson)
			}
			if (sg.Reference != "") != tc.ConcernAboutPerson {
				t.Errorf("reference %q with concern about person %v", sg.Reference, tc.ConcernAboutPerson)
			}
			for _, s := range append([]string{sg.WhatToDoNow}, res.NextSteps...) {
				if strings.Contains(s, "without naming the person") || strings.HasPrefix(s, "No safeguarding concern") || strings.Contains(s, "have not agreed") && slices.Contains(sg.ShareBasis, "consent_not_safely_obtainable") {
					t.Errorf("step %q", s)
				}
			}
			var routes []string
			for _, rt := range sg.Routes {
				routes = append(routes, rt.Code)
				if !slices.Contains(res.NextSteps, rt.Step) {
					t.Errorf("route %s's step is not a next step", rt.Code)
				}
			}
			for _, want := range tc.Routes {
				if !slices.Contains(routes, want) {
					t.Errorf("routes %q lack %s", routes, want)
				}
			}
			var others []string
			for _, o := range sg.OthersAtRisk {
				others = append(others, o.Who)
			}
			if strings.Join(others, ",") != strings.Join(tc.Others, ",") {
				t.Errorf("others at risk %q; want %q", others, tc.Others)
			}
			if res.ChoiceRespected != tc.ChoiceRespected {
				t.Errorf("choice_respected %v", res.ChoiceRespected)
			}

			// The concern, as the safeguarding team sees it: location and
			// source exactly as the visitor gave them, or not yet known.
			var req screening.Request
			if err := json.Unmarshal(tc.Request, &req); err != nil {
				t.Fatal(err)
			}
			c := concernByReference(t, e, lead, sg.Reference)
			switch {
			case !tc.ConcernAboutPerson && c != nil:
				t.Errorf("a concern about the person was recorded: %v", c)
			case tc.ConcernAboutPerson && c == nil:
				t.Errorf("no concern %s recorded", sg.Reference)
			case c != nil:
				if c["location_of_risk"] != req.S42.LocationOfRisk || c["source_of_risk"] != req.S42.SourceOfRisk {
					t.Errorf("concern location %q, source %q; want %q, %q", c["location_of_risk"], c["source_of_risk"], req.S42.LocationOfRisk, req.S42.SourceOfRisk)
				}
			}
		})
	}
}

func concernByReference(t *testing.T, e *env, token, ref string) map[string]any {
	t.Helper()
	if ref == "" {
		return nil
	}
	r := e.do("GET", "/api/v1/concerns?per_page=100", token, nil)
	if r.Status != 200 {
		t.Fatalf("concerns: %d %s", r.Status, r.Body)
	}
	for _, it := range r.JSON(t)["items"].([]any) {
		if c := it.(map[string]any); c["reference"] == ref {
			return c
		}
	}
	return nil
}

// The man who prefers his own company since his wife died and talks of
// ending his life: no respected choice, and the default pathway offers
// mental health and bereavement support, not practical help alone.
func TestGrievingManGetsMentalHealthOffers(t *testing.T) {
	e := newEnv(t)
	visitor := e.token("alpha", kith.RoleVisitor)
	body := screeningWith(t, map[string]any{
		"indicators": []string{"lives_alone", "recent_bereavement", "low_mood", "prefers_own_company", "suicidal_thoughts"},
	}, nil)
	r := e.do("POST", "/api/v1/screenings", visitor, body)
	if r.Status != 201 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	var res apiResult
	if err := json.Unmarshal(r.Body, &res); err != nil {
		t.Fatal(err)
	}
	if res.ChoiceRespected {
		t.Error("choice respected")
	}
	for _, rule := range []string{"mental-health-crisis", "low-mood", "bereavement"} {
		if !slices.Contains(res.Pathway.MatchedRules, rule) {
			t.Errorf("matched rules %q lack %s", res.Pathway.MatchedRules, rule)
		}
	}
	if slices.Contains(res.Pathway.MatchedRules, "chosen-isolation") {
		t.Errorf("the chosen-isolation rule still stops the offers: %q", res.Pathway.MatchedRules)
	}
	if !strings.Contains(res.NextSteps[0], "NHS 111") {
		t.Errorf("first step %q", res.NextSteps[0])
	}
}

func TestNewFieldsThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	visitor := e.token("alpha", kith.RoleVisitor)
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"unknown dash risk", screeningWith(t, nil, map[string]any{"dash_risk": "very_high"}), "s42.dash_risk"},
		{"unknown location", screeningWith(t, nil, map[string]any{"location_of_risk": "garden"}), "s42.location_of_risk"},
		{"unknown source", screeningWith(t, nil, map[string]any{"source_of_risk": "neighbour"}), "s42.source_of_risk"},
		{"own organisation not a boolean", screeningWith(t, nil, map[string]any{"own_organisation_implicated": "yes"}), "s42.own_organisation_implicated"},
		{"disclosed types without a disclosure", screeningWith(t, map[string]any{"discloses_abuse_types": []string{"physical"}}, nil), "discloses_abuse_types"},
		{"unknown indicator", screeningWith(t, map[string]any{"indicators": []string{"forced_to_work", "forced_labour"}}, nil), "indicators[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/screenings", visitor, tc.body)
			if r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+tc.field+`"`) {
				t.Errorf("status %d: %s; want 422 naming %s", r.Status, r.Body, tc.field)
			}
		})
	}
	cat := e.do("GET", "/api/v1/screening/catalogue", visitor, nil)
	for _, want := range []string{`"scoring_version":"2026.2"`, `"scoring_versions":["2026.1","2026.2"]`, `"forced_to_work"`, `"scam_in_progress"`, `"needs_advocate"`, `"locations_of_risk"`, `"care_home_nursing"`, `"dash_risks"`} {
		if !strings.Contains(string(cat.Body), want) {
			t.Errorf("catalogue lacks %s", want)
		}
	}
}

// A screening stored under 2026.1 keeps the result it was given: reading it
// back never scores it again.
func TestFirstVersionResultsUnchanged(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	nav := e.token("alpha", kith.RoleNavigator)
	// The bruising case as the first rules answered it: consent not asked
	// was no basis, so "seek advice without naming the person".
	req := &screening.Request{}
	if err := json.Unmarshal([]byte(`{"person": {"name": "Stored Earlier", "postcode": "LS1 4AP"}, "consent": {"share": "not_asked"},
		"s42": {"care_and_support_needs": "yes", "unable_to_protect_self": "unsure", "immediate_danger": false, "others_at_risk": false,
		"capacity_concern": false, "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false},
		"indicators": ["unexplained_injuries"]}`), req); err != nil {
		t.Fatal(err)
	}
	res, err := screening.Assess(req, screening.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res.ScoringVersion = "2026.1"
	res.Safeguarding.Action = screening.ActionDiscuss
	res.Safeguarding.ShareBasis = []string{}
	res.Safeguarding.ConcernAboutPerson = false
	res.Safeguarding.Routes = []screening.Route{}
	res.Safeguarding.WhatToDoNow = "Talk to your manager or the safeguarding advice line today."
	res.NextSteps = []string{"Talk to your manager or the safeguarding advice line today.", "They have not agreed to share, so seek advice without naming the person."}
	stored, _, err := e.Stores.Screenings.CreateScreening(ctx, kith.Actor{Site: "alpha", Kind: "user", ID: "earlier", Role: kith.RoleNavigator},
		app.NewScreening{RequestHash: []byte("earlier"), Request: req, Result: res, Location: app.Location{Source: "unknown"}})
	if err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", "/api/v1/screenings/"+stored.Result.ID, nav, nil)
	if r.Status != 200 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	if strings.TrimSpace(string(r.Body)) != strings.TrimSpace(string(stored.JSON)) {
		t.Errorf("the stored 2026.1 result changed on reading:\n%s\nwas\n%s", r.Body, stored.JSON)
	}
	if !strings.Contains(string(r.Body), `"scoring_version":"2026.1"`) || !strings.Contains(string(r.Body), "seek advice without naming") {
		t.Errorf("re-scored: %s", r.Body)
	}
}

// The safeguarding team completes where the risk is and its source when it
// records the concern's outcome; the export then no longer lists them as
// still to complete.
func TestConcernLocationCompletedAtOutcome(t *testing.T) {
	e := newEnv(t)
	visitor := e.token("alpha", kith.RoleVisitor)
	lead := e.token("alpha", kith.RoleLead)
	r := e.do("POST", "/api/v1/screenings", visitor, screeningWith(t, map[string]any{"indicators": []string{"unexplained_injuries"}},
		map[string]any{"care_and_support_needs": "yes", "location_of_risk": "own_home"}))
	if r.Status != 201 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	ref := r.JSON(t)["safeguarding"].(map[string]any)["reference"].(string)
	c := concernByReference(t, e, lead, ref)
	if c["location_of_risk"] != "own_home" || c["source_of_risk"] != "" {
		t.Fatalf("concern as raised: %v", c)
	}
	if csv := string(e.do("GET", "/api/v1/exports/concerns.csv", lead, nil).Body); !strings.Contains(csv, ",own_home,,") || !strings.Contains(csv, ",source_of_risk\n") {
		t.Fatalf("export before completion:\n%s", csv)
	}
	bad := e.do("POST", "/api/v1/concerns/"+c["id"].(string)+"/outcome", lead, `{"enquiry": "no_enquiry", "instead": "information_and_advice", "source_of_risk": "the son"}`)
	if bad.Status != 422 || !strings.Contains(string(bad.Body), `"field":"source_of_risk"`) {
		t.Fatalf("unknown source: %d %s", bad.Status, bad.Body)
	}
	ok := e.do("POST", "/api/v1/concerns/"+c["id"].(string)+"/outcome", lead, `{"enquiry": "no_enquiry", "instead": "information_and_advice", "source_of_risk": "other_known_to_individual"}`)
	if ok.Status != 200 {
		t.Fatalf("outcome: %d %s", ok.Status, ok.Body)
	}
	c = concernByReference(t, e, lead, ref)
	if c["location_of_risk"] != "own_home" || c["source_of_risk"] != "other_known_to_individual" {
		t.Fatalf("concern after completion: %v", c)
	}
	if csv := string(e.do("GET", "/api/v1/exports/concerns.csv", lead, nil).Body); !strings.Contains(csv, "own_home,other_known_to_individual,no_enquiry,information_and_advice,,,,,\n") {
		t.Fatalf("export after completion:\n%s", csv)
	}
}
