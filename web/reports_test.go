package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kith-project/kith"
)

// On data with known counts, every funnel figure matches.
func TestReportSummaryCounts(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	lead := e.token("alpha", kith.RoleLead)
	nav := e.token("alpha", kith.RoleNavigator)
	visitor := e.token("alpha", kith.RoleVisitor)
	// 2 screenings without referrals, one of them raising a concern.
	e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "no", nil))
	e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "yes", map[string]any{
		"indicators": []string{"unexplained_money_problems"}, "safe_contact": map[string]any{"phone": "yes"},
		"s42": map[string]any{"care_and_support_needs": "yes", "unable_to_protect_self": "no", "immediate_danger": false, "others_at_risk": false,
			"capacity_concern": false, "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false}}))
	// 3 referrals (3 more screenings): one closed, one accepted, one new.
	var ids []string
	for i := 0; i < 3; i++ {
		r, _ := newReferral(t, e, nav, nil)
		ids = append(ids, r.ID)
	}
	for _, to := range []string{"assigned", "contacted", "sent", "accepted", "engaged"} {
		move(t, e, nav, ids[0], map[string]any{"to": to})
	}
	move(t, e, nav, ids[0], map[string]any{"to": "closed", "outcome": map[string]any{"desired_outcomes_asked": "asked_expressed", "achieved": "fully",
		"feels_safer": "agree", "follow_up": map[string]any{"instrument": "ucla3", "answers": []int{1, 1, 1}}}})
	for _, to := range []string{"assigned", "contacted", "sent", "accepted"} {
		move(t, e, nav, ids[1], map[string]any{"to": to})
	}
	r := e.do("GET", "/api/v1/reports/summary", lead, nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var s struct {
		Funnel     map[string]int `json:"funnel"`
		Quadrants  map[string]int `json:"quadrants"`
		Loneliness []struct {
			Instrument string
			Change     struct {
				N    int
				Mean *float64
			}
		} `json:"loneliness_change"`
		Safeguarding struct{ Concerns, AwaitingOutcome int } `json:"safeguarding"`
	}
	if err := json.Unmarshal(r.Body, &s); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"screenings": 5, "concerns": 1, "referrals": 3, "sent": 2, "accepted": 2, "engaged": 1, "closed": 1}
	for k, v := range want {
		if s.Funnel[k] != v {
			t.Errorf("funnel.%s = %d, want %d (%v)", k, s.Funnel[k], v, s.Funnel)
		}
	}
	if len(s.Loneliness) != 1 || s.Loneliness[0].Change.N != 1 || *s.Loneliness[0].Change.Mean != -5 {
		t.Errorf("loneliness change: %+v", s.Loneliness)
	}
	total := 0
	for _, n := range s.Quadrants {
		total += n
	}
	if total != 5 {
		t.Errorf("quadrants add up to %d", total)
	}
	// A period before any data has none.
	empty := e.do("GET", "/api/v1/reports/summary?from=2000-01-01&to=2000-12-31", lead, nil).JSON(t)
	if empty["funnel"].(map[string]any)["screenings"] != float64(0) {
		t.Fatalf("old period: %v", empty["funnel"])
	}
	for q, field := range map[string]string{"from=yesterday": "from", "from=2026-02-01&to=2026-01-01": "to", "arm=c": "arm", "pathway_version=0": "pathway_version"} {
		wantProblem(t, e.do("GET", "/api/v1/reports/summary?"+q, lead, nil), 422, field)
	}
	wantProblem(t, e.do("GET", "/api/v1/reports/summary", nav, nil), 403, "")
}

func TestReportsPageAndCSV(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	e.user("alpha", "lead@example.org", kith.RoleLead, "a long password")
	visitor := e.token("alpha", kith.RoleVisitor)
	for i := 0; i < 7; i++ {
		e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "yes", nil))
	}
	c := browser(t)
	signIn(t, e, c, "lead@example.org", "a long password")
	page := doWith(t, c, "GET", e.URL+"/reports", "", nil)
	body := string(page.Body)
	if page.Status != 200 || !strings.Contains(body, "<svg role=\"img\"") || !strings.Contains(body, "<title id=\"t-funnel\">") ||
		!strings.Contains(body, "<th scope=\"row\" class=\"govuk-table__header\">Screenings</th><td class=\"govuk-table__cell\">5</td>") {
		t.Fatalf("reports page: %d %s", page.Status, body)
	}
	csv := doWith(t, c, "GET", e.URL+"/reports/funnel.csv", "", nil)
	if csv.Status != 200 || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || !strings.Contains(string(csv.Body), "Screenings,5,") {
		t.Fatalf("csv: %d %s", csv.Status, csv.Body)
	}
	if r := doWith(t, c, "GET", e.URL+"/reports/nothing.csv", "", nil); r.Status != 404 {
		t.Fatalf("unknown table: %d", r.Status)
	}
	if r := doWith(t, c, "GET", e.URL+"/reports?from=nope", "", nil); r.Status != 422 || !strings.Contains(string(r.Body), "govuk-error-summary") {
		t.Fatalf("bad date: %d", r.Status)
	}
}
