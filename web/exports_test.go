package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith"
)

func TestExportsAndRetention(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	lead := e.token("alpha", kith.RoleLead)
	nav := e.token("alpha", kith.RoleNavigator)
	person := map[string]any{"name": "Winifred Uniquename", "postcode": "LS1 4AP", "address": "9 Secret Lane\nLeeds"}
	ref, _ := newReferral(t, e, nav, map[string]any{"person": person, "wishes": "my private words about gardening",
		"safe_contact": map[string]any{"phone": "yes", "times": "after 6pm", "do_not_contact": "Bartholomew Nephew"},
		"indicators":   []string{"lives_alone", "unexplained_money_problems"},
		"observer":     map[string]any{"role": "Home carer", "organisation": "Acme Care 0113 496 0999", "agency": "home_care"},
		"s42": map[string]any{"care_and_support_needs": "yes", "unable_to_protect_self": "no", "immediate_danger": false, "others_at_risk": false,
			"capacity_concern": false, "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false}})
	e.do("POST", "/api/v1/referrals/"+ref.ID+"/notes", nav, map[string]any{"note": "Spoke to Winifred at 9 Secret Lane"})
	research := e.do("GET", "/api/v1/exports/research.csv", lead, nil)
	if research.Status != 200 {
		t.Fatalf("research: %d %s", research.Status, research.Body)
	}
	body := string(research.Body)
	for _, secret := range []string{"Winifred", "Uniquename", "Secret Lane", "LS1", "4AP", "gardening", "Bartholomew", "0113", "after 6pm", "Acme", "Home carer"} {
		if strings.Contains(body, secret) {
			t.Fatalf("the research extract holds %q:\n%s", secret, body)
		}
	}
	if !strings.Contains(body, "871731000000106") || !strings.Contains(body, "requested") {
		t.Fatalf("no SNOMED code or FHIR status on the referral row:\n%s", body)
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	first := strings.SplitN(lines[1], ",", 2)[0]
	again := strings.SplitN(strings.Split(strings.TrimSpace(string(e.do("GET", "/api/v1/exports/research.csv", lead, nil).Body)), "\n")[1], ",", 2)[0]
	if first != again || !strings.HasPrefix(first, "P") {
		t.Fatalf("pseudonyms not stable: %s %s", first, again)
	}
	concerns := e.do("GET", "/api/v1/exports/concerns.csv", lead, nil)
	if concerns.Status != 200 || !strings.Contains(string(concerns.Body), "financial_or_material") || !strings.Contains(string(concerns.Body), "own_home") {
		t.Fatalf("concerns return: %d %s", concerns.Status, concerns.Body)
	}
	wantProblem(t, e.do("GET", "/api/v1/exports/research.csv", nav, nil), 403, "")
	// Subject access: everything about the person.
	sar := e.do("GET", "/api/v1/screenings/"+ref.ScreeningID(t, e, nav)+"/subject-access", lead, nil)
	if sar.Status != 200 || !strings.Contains(string(sar.Body), "Winifred Uniquename") || !strings.Contains(string(sar.Body), "Spoke to Winifred") {
		t.Fatalf("subject access: %d %s", sar.Status, sar.Body)
	}
	// Retention: once the referral is final and the record old, personal data goes, statistics stay.
	move(t, e, nav, ref.ID, map[string]any{"to": "withdrawn", "withdrawn_by": "person", "reason": "moved away"})
	real := e.DB.Now
	defer func() { e.DB.Now = real }()
	e.DB.Now = func() time.Time { return real().AddDate(0, 0, 400) }
	n, err := e.DB.ApplyRetention(context.Background(), kith.Actor{Site: "alpha", Kind: "system", ID: "retention"}, 365)
	if err != nil || n == 0 {
		t.Fatalf("retention: %d %v", n, err)
	}
	e.DB.Now = real
	after := string(e.do("GET", "/api/v1/screenings/"+ref.ScreeningID(t, e, nav)+"/subject-access", lead, nil).Body)
	for _, secret := range []string{"Winifred", "Secret Lane", "gardening", "Bartholomew", "after 6pm"} {
		if strings.Contains(after, secret) {
			t.Fatalf("after retention the record still holds %q", secret)
		}
	}
	var sum map[string]any
	json.Unmarshal(e.do("GET", "/api/v1/reports/summary", lead, nil).Body, &sum)
	if sum["funnel"].(map[string]any)["screenings"].(float64) < 1 {
		t.Fatal("retention removed the statistics")
	}
	// After a full run of screening, referral, notes, exports and subject
	// access, the logs hold no name, address or words of the person.
	for _, secret := range []string{"Winifred", "Uniquename", "Secret Lane", "gardening", "Bartholomew"} {
		if strings.Contains(e.Logs.String(), secret) {
			t.Fatalf("the logs hold %q", secret)
		}
	}
	audit := e.do("GET", "/api/v1/audit?action=retention&entity=screening", lead, nil)
	if !strings.Contains(string(audit.Body), `"action":"retention"`) {
		t.Fatalf("retention not audited: %s", audit.Body)
	}
}
