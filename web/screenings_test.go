package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kith-project/kith"
)

// minimal is DESIGN.md's minimal screening, which a visitor token may submit.
const minimal = `{
  "person": {"name": "Ada Example", "postcode": "LS1 4AP"},
  "consent": {"share": "yes"},
  "s42": {"care_and_support_needs": "no", "unable_to_protect_self": "no",
          "immediate_danger": false, "others_at_risk": false, "capacity_concern": false,
          "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false},
  "indicators": [],
  "instruments": {"ucla3": {"answers": [1, 2, 1]}}
}`

// screeningWith returns the minimal screening with top-level members
// replaced or added, and s42 members overridden by s42.
func screeningWith(t *testing.T, members map[string]any, s42 map[string]any) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(minimal), &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range members {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	for k, v := range s42 {
		if v == nil {
			delete(m["s42"].(map[string]any), k)
			continue
		}
		m["s42"].(map[string]any)[k] = v
	}
	return m
}

func TestMinimalScreeningAccepted(t *testing.T) {
	e := newEnv(t)
	visitor := e.token("alpha", kith.RoleVisitor)
	r := e.do("POST", "/api/v1/screenings", visitor, minimal)
	if r.Status != 201 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	m := r.JSON(t)
	for _, k := range []string{"id", "scoring_version", "relationships", "instruments", "loneliness", "isolation", "quadrant",
		"choice_respected", "safeguarding", "next_steps", "recommendations"} {
		if _, ok := m[k]; !ok {
			t.Errorf("result lacks %q", k)
		}
	}
	if len(m["relationships"].(map[string]any)) != 7 {
		t.Errorf("relationships: %v", m["relationships"])
	}
	sg := m["safeguarding"].(map[string]any)
	for _, k := range []string{"action", "share_basis", "reasons", "types_of_risk", "reference"} {
		if _, ok := sg[k]; !ok {
			t.Errorf("safeguarding lacks %q", k)
		}
	}
	ucla := m["instruments"].(map[string]any)["ucla3"].(map[string]any)
	if ucla["score"] != float64(4) || ucla["classification"] != "not_lonely" {
		t.Errorf("ucla3 = %v", ucla)
	}
	// GET returns the same result.
	g := e.do("GET", "/api/v1/screenings/"+m["id"].(string), visitor, nil)
	if g.Status != 200 || strings.TrimSpace(string(g.Body)) != strings.TrimSpace(string(r.Body)) {
		t.Fatalf("GET differs from POST:\n%s\n%s", g.Body, r.Body)
	}
}

func TestScreeningIdempotency(t *testing.T) {
	e := newEnv(t)
	visitor := e.token("alpha", kith.RoleVisitor)
	first := e.do("POST", "/api/v1/screenings", visitor, minimal, "Idempotency-Key", "visit-1")
	if first.Status != 201 {
		t.Fatalf("first: %d %s", first.Status, first.Body)
	}
	id := first.JSON(t)["id"]
	// Same key, same body (re-encoded): the first result, never a 409.
	again := e.do("POST", "/api/v1/screenings", visitor, screeningWith(t, nil, nil), "Idempotency-Key", "visit-1")
	if again.Status != 200 || again.JSON(t)["id"] != id {
		t.Fatalf("retry: %d %s", again.Status, again.Body)
	}
	// client_ref in the body works the same way.
	ref := screeningWith(t, map[string]any{"client_ref": "visit-2"}, nil)
	a := e.do("POST", "/api/v1/screenings", visitor, ref)
	b := e.do("POST", "/api/v1/screenings", visitor, ref)
	if a.Status != 201 || b.Status != 200 || a.JSON(t)["id"] != b.JSON(t)["id"] {
		t.Fatalf("client_ref retry: %d %d", a.Status, b.Status)
	}
	// Same key, different body: 422.
	other := screeningWith(t, map[string]any{"wishes": "something else"}, nil)
	wantProblem(t, e.do("POST", "/api/v1/screenings", visitor, other, "Idempotency-Key", "visit-1"), 422, "Idempotency-Key")
	// The same key in another site is another screening.
	if r := e.do("POST", "/api/v1/screenings", e.token("beta", kith.RoleVisitor), minimal, "Idempotency-Key", "visit-1"); r.Status != 201 {
		t.Fatalf("other site, same key: %d", r.Status)
	}
}

func TestScreeningConcurrentRetriesMakeOneRecord(t *testing.T) {
	e := newEnv(t)
	visitor := e.token("alpha", kith.RoleVisitor)
	nav := e.token("alpha", kith.RoleNavigator)
	const n = 16
	ids := make([]string, n)
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := e.do("POST", "/api/v1/screenings", visitor, minimal, "Idempotency-Key", "race")
			statuses[i] = r.Status
			var m map[string]any
			if json.Unmarshal(r.Body, &m) == nil {
				ids[i], _ = m["id"].(string)
			}
		}(i)
	}
	wg.Wait()
	created := 0
	for i := range ids {
		if statuses[i] == 201 {
			created++
		} else if statuses[i] != 200 {
			t.Fatalf("retry %d answered %d", i, statuses[i])
		}
		if ids[i] != ids[0] || ids[i] == "" {
			t.Fatalf("ids differ: %v", ids)
		}
	}
	if created != 1 {
		t.Fatalf("%d answers were 201, want exactly 1", created)
	}
	list := e.do("GET", "/api/v1/screenings", nav, nil).JSON(t)
	if list["total"] != float64(1) {
		t.Fatalf("records after racing retries: %v", list["total"])
	}
}

func TestScreeningAccess(t *testing.T) {
	e := newEnv(t)
	v1 := e.token("alpha", kith.RoleVisitor)
	v2 := e.token("alpha", kith.RoleVisitor)
	nav := e.token("alpha", kith.RoleNavigator)
	betaLead := e.token("beta", kith.RoleLead)
	r := e.do("POST", "/api/v1/screenings", v1, minimal)
	id := r.JSON(t)["id"].(string)
	if r := e.do("GET", "/api/v1/screenings/"+id, nav, nil); r.Status != 200 {
		t.Fatalf("navigator read: %d", r.Status)
	}
	wantProblem(t, e.do("GET", "/api/v1/screenings/"+id, v2, nil), 404, "")
	wantProblem(t, e.do("GET", "/api/v1/screenings/"+id, betaLead, nil), 404, "")
	wantProblem(t, e.do("GET", "/api/v1/screenings/../../etc/passwd", nav, nil), 404, "")
	wantProblem(t, e.do("GET", "/api/v1/screenings", v1, nil), 403, "")
	wantProblem(t, e.do("GET", "/api/v1/screenings", "", nil), 401, "")
	if l := e.do("GET", "/api/v1/screenings", betaLead, nil).JSON(t); l["total"] != float64(0) {
		t.Fatalf("beta lists alpha's screenings: %v", l)
	}
	// Reads are audited.
	lead := e.token("alpha", kith.RoleLead)
	audit := e.do("GET", "/api/v1/audit?entity=screening&entity_id="+id, lead, nil)
	if !strings.Contains(string(audit.Body), `"action":"read"`) || !strings.Contains(string(audit.Body), `"action":"create"`) {
		t.Fatalf("screening read or create not audited: %s", audit.Body)
	}
}

func TestScreeningListFilters(t *testing.T) {
	e := newEnv(t)
	visitor := e.token("alpha", kith.RoleVisitor)
	nav := e.token("alpha", kith.RoleNavigator)
	e.do("POST", "/api/v1/screenings", visitor, minimal)
	danger := screeningWith(t, map[string]any{"indicators": []string{"lives_alone", "no_regular_visitors", "rarely_goes_out"}},
		map[string]any{"immediate_danger": true})
	if r := e.do("POST", "/api/v1/screenings", visitor, danger); r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	for q, want := range map[string]float64{
		"":                                      2,
		"action=emergency":                      1,
		"action=none":                           1,
		"relationship=risk_factor":              1,
		"relationship=risk_factor&level=high":   1,
		"relationship=risk_factor&level=low":    0,
		"quadrant=unknown":                      1,
		"from=2000-01-01&to=2000-01-02":         0,
		"from=2000-01-01&per_page=1":            2,
		"relationship=carers&level=none&page=1": 2,
	} {
		m := e.do("GET", "/api/v1/screenings?"+q, nav, nil).JSON(t)
		if m["total"] != want {
			t.Errorf("%s: total %v, want %v", q, m["total"], want)
		}
	}
	for q, field := range map[string]string{"action=panic": "action", "quadrant=sad": "quadrant", "relationship=x": "relationship",
		"level=high": "level", "relationship=carers&level=extreme": "level", "from=soon": "from"} {
		wantProblem(t, e.do("GET", "/api/v1/screenings?"+q, nav, nil), 422, field)
	}
}

func TestScreeningValidationNamesFields(t *testing.T) {
	e := newEnv(t)
	visitor := e.token("alpha", kith.RoleVisitor)
	for _, tc := range []struct {
		name    string
		members map[string]any
		s42     map[string]any
		field   string
	}{
		{"no person", map[string]any{"person": nil}, nil, "person"},
		{"no name", map[string]any{"person": map[string]any{"postcode": "LS1 4AP"}}, nil, "person.name"},
		{"long name", map[string]any{"person": map[string]any{"name": strings.Repeat("a", 201), "postcode": "LS1 4AP"}}, nil, "person.name"},
		{"no consent", map[string]any{"consent": nil}, nil, "consent"},
		{"bad consent", map[string]any{"consent": map[string]any{"share": "maybe"}}, nil, "consent.share"},
		{"no s42", map[string]any{"s42": nil}, nil, "s42"},
		{"missing s42 boolean", nil, map[string]any{"immediate_danger": nil}, "s42.immediate_danger"},
		{"bad s42 answer", nil, map[string]any{"care_and_support_needs": "perhaps"}, "s42.care_and_support_needs"},
		{"unknown indicator", map[string]any{"indicators": []string{"lives_alone", "sad"}}, nil, "indicators[1]"},
		{"repeated indicator", map[string]any{"indicators": []string{"lives_alone", "lives_alone"}}, nil, "indicators[1]"},
		{"unknown instrument", map[string]any{"instruments": map[string]any{"phq9": map[string]any{"answers": []int{1}}}}, nil, "instruments.phq9"},
		{"ucla3 count", map[string]any{"instruments": map[string]any{"ucla3": map[string]any{"answers": []int{1, 2}}}}, nil, "instruments.ucla3.answers"},
		{"ucla3 range", map[string]any{"instruments": map[string]any{"ucla3": map[string]any{"answers": []int{1, 2, 4}}}}, nil, "instruments.ucla3.answers[2]"},
		{"lsns6 type", map[string]any{"instruments": map[string]any{"lsns6": map[string]any{"answers": []any{1, 2, 3, "many", 1, 1}}}}, nil, "instruments.lsns6.answers[3]"},
		{"djg6 two missing", map[string]any{"instruments": map[string]any{"djg6": map[string]any{"answers": []any{"yes", nil, nil, "no", "no", "no"}}}}, nil, "instruments.djg6.answers"},
		{"easi not seen alone", map[string]any{"seen_alone": false, "instruments": map[string]any{"easi": map[string]any{"answers": []any{"no", "no", "no", "no", "no", "no"}}}}, nil, "instruments.easi"},
		{"bad postcode", map[string]any{"person": map[string]any{"name": "A", "postcode": "NOT A CODE"}}, nil, "person.postcode"},
		{"no location", map[string]any{"person": map[string]any{"name": "A"}}, nil, "person.postcode"},
		{"latitude out of range", map[string]any{"person": map[string]any{"name": "A", "latitude": 91, "longitude": 0}}, nil, "person.latitude"},
		{"safe contact needed", map[string]any{"indicators": []string{"contact_controlled"}}, nil, "safe_contact"},
		{"unknown member", map[string]any{"mood": "ok"}, nil, "mood"},
		{"bad agency", map[string]any{"observer": map[string]any{"agency": "army"}}, nil, "observer.agency"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, e.do("POST", "/api/v1/screenings", visitor, screeningWith(t, tc.members, tc.s42)), 422, tc.field)
		})
	}
}

func TestCatalogue(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/api/v1/screening/catalogue", e.token("alpha", kith.RoleVisitor), nil)
	if r.Status != 200 {
		t.Fatalf("%d", r.Status)
	}
	var c struct {
		Relationships []struct{ Code string } `json:"relationships"`
		Indicators    []struct {
			Code        string   `json:"code"`
			Wording     string   `json:"wording"`
			RedFlag     bool     `json:"red_flag"`
			TypesOfRisk []string `json:"types_of_risk"`
		} `json:"indicators"`
		Instruments []struct {
			Code  string            `json:"code"`
			Items []json.RawMessage `json:"items"`
		} `json:"instruments"`
	}
	if err := json.Unmarshal(r.Body, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Relationships) != 7 || len(c.Instruments) != 7 || len(c.Indicators) < 50 {
		t.Fatalf("catalogue sizes: %d relationships, %d instruments, %d indicators", len(c.Relationships), len(c.Instruments), len(c.Indicators))
	}
	for _, i := range c.Indicators {
		if i.Wording == "" || (i.RedFlag && len(i.TypesOfRisk) == 0) {
			t.Errorf("indicator %s lacks wording or types of risk", i.Code)
		}
	}
	_ = fmt.Sprint
}
