package web_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith"
)

// Retention is on without a lead setting it, reaches every table that
// holds the person (best-interest decisions, withdrawal reasons, notes,
// concern outcomes, the outbox), closes referrals left open past the
// period as expired first, and leaves no removed name in the database
// file (PRAGMA secure_delete, and a checkpoint of the WAL). Subject access
// before it holds the best-interest decision and the audit of the concern.
func TestRetentionIsOnByDefaultAndLeavesNoTrace(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	lead := e.token("alpha", kith.RoleLead)
	visitor := e.token("alpha", kith.RoleVisitor)
	const name = "Zebediah Quenneville"

	// A person who may lack capacity: a best-interest decision, a concern
	// with the council's outcome, a referral withdrawn with a reason.
	s := e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "not_asked", map[string]any{
		"person": map[string]any{"name": name, "postcode": "LS1 4AP"},
		// Long enough to go to overflow pages, which a plain delete would
		// leave readable on the free list.
		"wishes":     strings.Repeat("Zebediah Quenneville wants to see his brother. ", 90),
		"indicators": []string{"lives_alone", "unexplained_money_problems"}, "safe_contact": map[string]any{"phone": "yes", "post": "yes", "visit": "yes"},
		"s42": map[string]any{"care_and_support_needs": "yes", "unable_to_protect_self": "unsure", "immediate_danger": false, "others_at_risk": false,
			"capacity_concern": true, "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false}})).JSON(t)
	sid, ok := s["id"].(string)
	if !ok {
		t.Fatalf("screening: %v", s)
	}
	if r := e.do("POST", "/api/v1/screenings/"+sid+"/best-interest", nav, map[string]any{"decision": "refer",
		"steps_taken": "Quenneville steps: explained with pictures", "advocate": "Quenneville Advocacy",
		"doubt": "Quenneville doubt: could not retain the information", "consulted": "Quenneville family"}); r.Status != 204 {
		t.Fatalf("best interest: %d %s", r.Status, r.Body)
	}
	svc := e.do("GET", "/api/v1/assets?per_page=1", nav, nil).JSON(t)["items"].([]any)[0].(map[string]any)["id"]
	refID := e.do("POST", "/api/v1/referrals", nav, map[string]any{"screening_id": sid, "service_id": svc}).JSON(t)["id"].(string)
	e.do("POST", "/api/v1/referrals/"+refID+"/notes", nav, map[string]any{"note": "Quenneville note"})
	send(t, e, nav, refID)
	if r := move(t, e, nav, refID, map[string]any{"to": "withdrawn", "withdrawn_by": "person", "reason": "Quenneville moved to Whitby"}); r.Status != 200 {
		t.Fatalf("withdraw: %d %s", r.Status, r.Body)
	}
	var cl struct {
		Items []struct {
			ID          string `json:"id"`
			ScreeningID string `json:"screening_id"`
		}
	}
	json.Unmarshal(e.do("GET", "/api/v1/concerns", nav, nil).Body, &cl)
	concernID := ""
	for _, c := range cl.Items {
		if c.ScreeningID == sid {
			concernID = c.ID
		}
	}
	if concernID == "" {
		t.Fatalf("no concern for the screening: %v", cl)
	}
	if r := e.do("POST", "/api/v1/concerns/"+concernID+"/outcome", lead, map[string]any{"enquiry": "no_enquiry", "instead": "community_referral",
		"note": "Quenneville outcome note"}); r.Status != 200 {
		t.Fatalf("outcome: %d %s", r.Status, r.Body)
	}

	// Subject access holds the decision and the concern's audit rows.
	sar := e.do("GET", "/api/v1/screenings/"+sid+"/subject-access", lead, nil)
	var sa struct {
		BestInterest *struct {
			Decision   string `json:"decision"`
			StepsTaken string `json:"steps_taken"`
		} `json:"best_interest"`
		Audit []kith.AuditEntry
	}
	json.Unmarshal(sar.Body, &sa)
	if sa.BestInterest == nil || sa.BestInterest.StepsTaken != "Quenneville steps: explained with pictures" {
		t.Fatalf("subject access without the best-interest decision: %s", sar.Body)
	}
	concernAudited := false
	for _, a := range sa.Audit {
		concernAudited = concernAudited || (a.EntityID == concernID && a.Entity == "concern")
	}
	if !concernAudited {
		t.Fatalf("subject access without the concern's audit rows: %s", sar.Body)
	}

	// A second person whose referral is still open: it blocks nothing.
	ref2, _ := newReferral(t, e, nav, map[string]any{"person": map[string]any{"name": "Ottoline Quenneville", "postcode": "LS1 4AP"}})
	move(t, e, nav, ref2.ID, map[string]any{"to": "assigned"})

	// No retention period set: the default applies.
	site := e.do("GET", "/api/v1/site", lead, nil).JSON(t)
	if days, _ := site["settings"].(map[string]any)["retention_days"].(float64); days != 0 {
		t.Fatalf("the test site sets a retention period: %v", days)
	}
	defer e.travelBack()
	e.travel(func(now time.Time) time.Time { return now.AddDate(7, 0, 0) })
	n, err := e.App.ApplyRetention(context.Background())
	if err != nil || n < 2 {
		t.Fatalf("retention by default: %d %v", n, err)
	}
	e.travelBack()
	r2 := e.do("GET", "/api/v1/referrals/"+ref2.ID, nav, nil).JSON(t)
	if r2["state"] != "expired" {
		t.Fatalf("an open referral past the period: %v", r2["state"])
	}
	after := string(e.do("GET", "/api/v1/screenings/"+sid+"/subject-access", lead, nil).Body)
	if strings.Contains(after, "Quenneville") || strings.Contains(after, "Whitby") {
		t.Fatalf("after retention the record still holds the person: %s", after)
	}
	// What is left in the database's own files is SQLite's question
	// (secure_delete overwrites a deleted row's bytes, the WAL included);
	// PostgreSQL keeps a changed row's old version until VACUUM reclaims
	// it, which docs/reliability.md describes.
	db := e.store.sqlite
	if db == nil {
		return
	}
	for _, f := range []string{db.Path, db.Path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		// In any case: the worklist's search keeps the name in lower case,
		// and its full-text index the words of it.
		for _, secret := range []string{"quenneville", "whitby"} {
			if strings.Contains(strings.ToLower(string(b)), secret) {
				t.Errorf("%s still holds %q after retention", f, secret)
			}
		}
	}
}
