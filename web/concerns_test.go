package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

var concernLinkRe = regexp.MustCompile(`https?://[^\s]+/concern-summary/[A-Za-z0-9_.-]+`)

// setTeamEmail gives alpha's safeguarding team an address.
func setTeamEmail(t *testing.T, e *env, addr string) {
	t.Helper()
	site, err := e.App.Site(context.Background(), "alpha")
	if err != nil {
		t.Fatal(err)
	}
	site.Settings.SafeguardingEmail = addr
	if err := e.Stores.Sites.UpdateSiteSettings(context.Background(), kith.Actor{Site: "alpha", Kind: "system", ID: "test"}, site.Name, site.Settings); err != nil {
		t.Fatal(err)
	}
}

// aConcern is a screening that raises a concern about the person: money
// taken by someone who controls who she sees, her nephew not to be told.
func aConcern(t *testing.T) map[string]any {
	return screeningWith(t, map[string]any{
		"person":       map[string]any{"name": "Margaret Example", "postcode": "LS1 4AP", "phone": "0113 496 0123"},
		"consent":      map[string]any{"share": "yes"},
		"indicators":   []string{"contact_controlled", "unexplained_money_problems"},
		"safe_contact": map[string]any{"phone": "yes", "times": "mornings", "do_not_contact": "Her nephew Darren"},
		"wishes":       "I want my money to be my own again",
		"observer":     map[string]any{"name": "Sam Carter", "phone": "07700 900456", "role": "Home carer", "organisation": "Aire Valley Care", "agency": "home_care"},
		"s42": map[string]any{"care_and_support_needs": "yes", "unable_to_protect_self": "unsure", "immediate_danger": false, "others_at_risk": false,
			"capacity_concern": false, "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false},
	}, nil)
}

// pendingMessages are alpha's unsent messages, through the API.
func pendingMessages(t *testing.T, e *env) []app.Message {
	t.Helper()
	r := e.do("GET", "/api/v1/outbox", e.token("alpha", kith.RoleLead), nil)
	var out struct{ Items []app.Message }
	if err := json.Unmarshal(r.Body, &out); err != nil || r.Status != 200 {
		t.Fatalf("outbox: %d %s", r.Status, r.Body)
	}
	return out.Items
}

// Every raised concern reaches the safeguarding team's address the moment
// it is stored, named by its reference alone, with a link to its summary
// that works without an account and reaches that concern only.
func TestConcernIsSentToTheSafeguardingTeam(t *testing.T) {
	e := newEnv(t)
	setTeamEmail(t, e, "safeguarding@alpha.example")
	visitor := e.token("alpha", kith.RoleVisitor)
	s := e.do("POST", "/api/v1/screenings", visitor, aConcern(t))
	if s.Status != 201 {
		t.Fatalf("screening: %d %s", s.Status, s.Body)
	}
	ref := s.JSON(t)["safeguarding"].(map[string]any)["reference"].(string)
	msgs := pendingMessages(t, e)
	if len(msgs) != 1 {
		t.Fatalf("outbox: %+v", msgs)
	}
	m := msgs[0]
	if m.To != "safeguarding@alpha.example" || m.Kind != "safeguarding_concern" || !m.UntilSent || m.ConcernID == "" || !strings.Contains(m.Subject, ref) {
		t.Fatalf("the team's message: %+v", m)
	}
	for _, secret := range []string{"Margaret", "Darren", "Sam Carter", "money"} {
		if strings.Contains(m.Subject+m.Body, secret) {
			t.Fatalf("the email itself holds %q: %s %s", secret, m.Subject, m.Body)
		}
	}
	link := concernLinkRe.FindString(m.Body)
	if link == "" {
		t.Fatalf("no link in %q", m.Body)
	}
	page := doWith(t, browser(t), "GET", link, "", nil)
	body := string(page.Body)
	if page.Status != 200 {
		t.Fatalf("the link: %d %s", page.Status, body)
	}
	for _, want := range []string{ref, "Margaret Example", "Do not contact or tell: Her nephew Darren", "Sam Carter", "07700", "Aire Valley Care",
		"Financial or material abuse", "I want my money to be my own again", "Raised"} {
		if !strings.Contains(body, want) {
			t.Errorf("the concern summary lacks %q", want)
		}
	}
	if strings.Contains(body, "financial_or_material") {
		t.Errorf("the concern summary shows a code")
	}
	pdf := doWith(t, browser(t), "GET", link+"/summary.pdf", "", nil)
	if pdf.Status != 200 || !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) {
		t.Fatalf("the link's PDF: %d", pdf.Status)
	}
	if r := doWith(t, browser(t), "GET", link+"x", "", nil); r.Status != 404 {
		t.Fatalf("a tampered link: %d", r.Status)
	}
	// Every opening is in the audit trail, under the link.
	audit := e.do("GET", "/api/v1/audit?entity_id="+m.ConcernID, e.token("alpha", kith.RoleLead), nil)
	if !strings.Contains(string(audit.Body), "concern_link:"+m.ConcernID) {
		t.Fatalf("the link's reads are not audited: %s", audit.Body)
	}

	// A site without an address for its team still records the concern.
	beta := e.do("POST", "/api/v1/screenings", e.token("beta", kith.RoleVisitor), aConcern(t))
	if beta.Status != 201 {
		t.Fatalf("beta screening: %d", beta.Status)
	}
	if r := e.do("GET", "/api/v1/concerns", e.token("beta", kith.RoleLead), nil).JSON(t); r["total"] != float64(1) {
		t.Fatalf("beta's concern: %v", r)
	}
}

// The team's message is tried until it is sent: a mailbox that fails more
// than the usual ten times does not lose it.
func TestConcernMessageRetriedUntilSent(t *testing.T) {
	e := newEnv(t)
	setTeamEmail(t, e, "safeguarding@alpha.example")
	if s := e.do("POST", "/api/v1/screenings", e.token("alpha", kith.RoleVisitor), aConcern(t)); s.Status != 201 {
		t.Fatalf("screening: %d", s.Status)
	}
	failing := &failingSender{bad: "safeguarding@alpha.example"}
	// Each try after the longest wait between tries (ten minutes).
	defer e.travelBack()
	for i := range app.MaxSendAttempts + 2 {
		e.travel(func(now time.Time) time.Time { return now.Add(time.Duration(i) * 11 * time.Minute) })
		runOutboxOnce(t, e, failing)
	}
	e.travel(func(now time.Time) time.Time { return now.Add(time.Duration(app.MaxSendAttempts+3) * 11 * time.Minute) })
	msgs := pendingMessages(t, e)
	if len(msgs) != 1 || msgs[0].Attempts != app.MaxSendAttempts+2 {
		t.Fatalf("after %d failures: %+v", app.MaxSendAttempts+2, msgs)
	}
	ok := &fakeSender{}
	runOutboxOnce(t, e, ok)
	if ok.count() != 1 || ok.sent[0].To != "safeguarding@alpha.example" || len(pendingMessages(t, e)) != 0 {
		t.Fatalf("not sent once the mailbox works: %d sent, %+v pending", ok.count(), pendingMessages(t, e))
	}
}

// Escalating a referral raises a concern when its screening had none, and
// the team is told of it as of any other.
func TestEscalationSendsItsConcernToTheTeam(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	setTeamEmail(t, e, "safeguarding@alpha.example")
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, nil)
	if r := move(t, e, nav, ref.ID, map[string]any{"to": "escalated", "reason": "she told me her nephew takes her pension"}); r.Status != 200 {
		t.Fatalf("escalate: %d %s", r.Status, r.Body)
	}
	msgs := pendingMessages(t, e)
	if len(msgs) != 1 || msgs[0].Kind != "safeguarding_concern" || msgs[0].ConcernID == "" {
		t.Fatalf("the escalation's message: %+v", msgs)
	}
	list := e.do("GET", "/api/v1/concerns", e.token("alpha", kith.RoleSafeguarding), nil).JSON(t)
	items := list["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["referral_id"] != ref.ID || items[0].(map[string]any)["id"] != msgs[0].ConcernID {
		t.Fatalf("the escalation's concern: %v", list)
	}
}

// Who may read concerns and record the council's decision.
func TestConcernRoles(t *testing.T) {
	e := newEnv(t)
	if s := e.do("POST", "/api/v1/screenings", e.token("alpha", kith.RoleVisitor), aConcern(t)); s.Status != 201 {
		t.Fatalf("screening: %d", s.Status)
	}
	officer := e.token("alpha", kith.RoleSafeguarding)
	list := e.do("GET", "/api/v1/concerns", officer, nil).JSON(t)
	id := list["items"].([]any)[0].(map[string]any)["id"].(string)
	// A decision alone: the enquiry is under way.
	r := e.do("POST", "/api/v1/concerns/"+id+"/outcome", officer, map[string]any{"enquiry": "s42_enquiry", "location_of_risk": "own_home"})
	if r.Status != 200 || r.JSON(t)["location_of_risk"] != "own_home" {
		t.Fatalf("the officer's decision: %d %s", r.Status, r.Body)
	}
	wantProblem(t, e.do("POST", "/api/v1/concerns/"+id+"/outcome", officer, map[string]any{"enquiry": "s42_enquiry", "msp_asked": "not_asked"}), 422, "risk_assessment")
	wantProblem(t, e.do("POST", "/api/v1/concerns/"+id+"/outcome", e.token("alpha", kith.RoleNavigator), map[string]any{"enquiry": "no_enquiry", "instead": "community_referral"}), 403, "")
	wantProblem(t, e.do("GET", "/api/v1/concerns", e.token("alpha", kith.RoleVisitor), nil), 403, "")
	wantProblem(t, e.do("POST", "/api/v1/concerns/"+id+"/outcome", e.token("beta", kith.RoleSafeguarding), map[string]any{"enquiry": "s42_enquiry"}), 404, "")
	// An officer screens no one and works no referral.
	wantProblem(t, e.do("POST", "/api/v1/screenings", officer, aConcern(t)), 403, "")
	wantProblem(t, e.do("GET", "/api/v1/referrals", officer, nil), 403, "")
}
