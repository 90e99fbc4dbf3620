package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

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
	if !strings.Contains(body, ",new,draft,871731000000106,,") { // a new referral: a draft Task, the episode's referral code
		t.Fatalf("no SNOMED code or FHIR status on the referral row:\n%s", body)
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	first := strings.SplitN(lines[1], ",", 2)[0]
	again := strings.SplitN(strings.Split(strings.TrimSpace(string(e.do("GET", "/api/v1/exports/research.csv", lead, nil).Body)), "\n")[1], ",", 2)[0]
	if first != again || !strings.HasPrefix(first, "P") {
		t.Fatalf("pseudonyms not stable: %s %s", first, again)
	}
	concerns := e.do("GET", "/api/v1/exports/concerns.csv", lead, nil)
	if concerns.Status != 200 || !strings.Contains(string(concerns.Body), "financial_or_material") || !strings.Contains(string(concerns.Body), ",,location_of_risk;source_of_risk\n") {
		// The visitor gave no location or source: none is invented, and the
		// row says both are still to complete.
		t.Fatalf("concerns return: %d %s", concerns.Status, concerns.Body)
	}
	wantProblem(t, e.do("GET", "/api/v1/exports/research.csv", nav, nil), 403, "")
	// Subject access: everything about the person.
	sar := e.do("GET", "/api/v1/screenings/"+ref.ScreeningID(t, e, nav)+"/subject-access", lead, nil)
	if sar.Status != 200 || !strings.Contains(string(sar.Body), "Winifred Uniquename") || !strings.Contains(string(sar.Body), "Spoke to Winifred") {
		t.Fatalf("subject access: %d %s", sar.Status, sar.Body)
	}
	checkSubjectAccessCopies(t, e, lead, ref.ScreeningID(t, e, nav), sar.Body)
	// Retention: once the referral is final and the record old, personal data goes, statistics stay.
	move(t, e, nav, ref.ID, map[string]any{"to": "withdrawn", "withdrawn_by": "person", "reason": "moved away"})
	defer e.travelBack()
	e.travel(func(now time.Time) time.Time { return now.AddDate(0, 0, 400) })
	n, err := e.App.ApplySiteRetention(context.Background(), "alpha", 365)
	if err != nil || n == 0 {
		t.Fatalf("retention: %d %v", n, err)
	}
	e.travelBack()
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

// checkSubjectAccessCopies checks the PDF and HTML copies of a subject
// access record against its JSON: the HTML shows every value the JSON holds
// (times reworded, so left out of the check), the PDF says the same things
// and passes qpdf's check.
func checkSubjectAccessCopies(t *testing.T, e *env, lead, screeningID string, sarJSON []byte) {
	t.Helper()
	base := "/api/v1/screenings/" + screeningID + "/subject-access"
	page := e.do("GET", base+".html", lead, nil)
	if page.Status != 200 || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("subject access HTML: %d %s", page.Status, page.Body)
	}
	doc, err := html.Parse(bytes.NewReader(page.Body))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for n := range doc.Descendants() {
		if n.Type == html.TextNode {
			text.WriteString(n.Data + "\n")
		}
	}
	var data any
	if err := json.Unmarshal(sarJSON, &data); err != nil {
		t.Fatal(err)
	}
	var values []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
				for _, line := range strings.Split(v, "\n") {
					if line = strings.Join(strings.Fields(line), " "); line != "" {
						values = append(values, line)
					}
				}
			}
		case float64:
			values = append(values, strconv.FormatFloat(v, 'f', -1, 64))
		}
	}
	walk(data)
	if len(values) < 40 {
		t.Fatalf("only %d values in the subject access JSON", len(values))
	}
	flat := strings.Join(strings.Fields(text.String()), " ")
	for _, v := range values {
		if !strings.Contains(flat, v) {
			t.Errorf("the subject access HTML lacks %q", v)
		}
	}
	pdf := e.do("GET", base+".pdf", lead, nil)
	if pdf.Status != 200 || pdf.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("subject access PDF: %d %s", pdf.Status, pdf.Body)
	}
	path := filepath.Join(t.TempDir(), "sar.pdf")
	if err := os.WriteFile(path, pdf.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pdfText := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"Winifred Uniquename", "Spoke to Winifred at 9 Secret Lane", "my private words about gardening", "Bartholomew Nephew", "Your screening", "Who has looked at or changed this record"} {
		if !strings.Contains(pdfText, want) {
			t.Errorf("the subject access PDF lacks %q", want)
		}
	}
}
