package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith"
)

type referralView struct {
	ID           string `json:"id"`
	State        string `json:"state"`
	Assignee     string `json:"assignee"`
	Safeguarding bool   `json:"safeguarding"`
	ReroutedTo   string `json:"rerouted_to"`
	ReroutedFrom string `json:"rerouted_from"`
	Overdue      bool   `json:"overdue"`
	History      []struct {
		From, To, Actor, Reason, Note string
		At                            time.Time
	} `json:"history"`
	Tasks    []struct{ Kind string }   `json:"tasks"`
	Attempts []struct{ Result string } `json:"contact_attempts"`
	Change   *struct {
		Delta            *int `json:"delta"`
		MovedOutOfLonely bool `json:"moved_out_of_lonely"`
	} `json:"loneliness_change"`
}

func decodeReferral(t *testing.T, r response) referralView {
	t.Helper()
	var v referralView
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("%v: %s", err, r.Body)
	}
	return v
}

// newReferral makes a screening (with consent) and a referral to the first
// recommended service.
func newReferral(t *testing.T, e *env, nav string, members map[string]any) (referralView, string) {
	t.Helper()
	visitor := e.token("alpha", kith.RoleVisitor)
	s := e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "yes", members))
	recs, _ := recommendations(t, s)
	if len(recs) < 2 {
		t.Fatalf("not enough recommendations: %s", s.Body)
	}
	sid := s.JSON(t)["id"].(string)
	r := e.do("POST", "/api/v1/referrals", nav, map[string]any{"screening_id": sid, "service_id": recs[0].ServiceID})
	if r.Status != 201 {
		t.Fatalf("create referral: %d %s", r.Status, r.Body)
	}
	return decodeReferral(t, r), recs[1].ServiceID
}

func move(t *testing.T, e *env, tok, id string, body map[string]any) response {
	t.Helper()
	return e.do("POST", "/api/v1/referrals/"+id+"/transitions", tok, body)
}

// send takes a new referral through assigned and contacted to sent, the
// step that gives the provider its link.
func send(t *testing.T, e *env, tok, id string) {
	t.Helper()
	for _, to := range []string{"assigned", "contacted", "sent"} {
		if r := move(t, e, tok, id, map[string]any{"to": to}); r.Status != 200 {
			t.Fatalf("%s: %d %s", to, r.Status, r.Body)
		}
	}
}

func TestReferralFromNewToClosed(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, nil)
	if ref.State != "new" {
		t.Fatalf("state = %s", ref.State)
	}
	steps := []map[string]any{
		{"to": "assigned"},
		{"to": "contacted", "note": "Spoke on the phone; she would like a weekly call."},
		{"to": "sent"},
		{"to": "accepted"},
		{"to": "engaged"},
		{"to": "closed", "outcome": map[string]any{"desired_outcomes_asked": "asked_expressed", "achieved": "partially",
			"felt_listened_to": "agree", "felt_involved": "strongly_agree", "feels_safer": "agree",
			"follow_up": map[string]any{"instrument": "ucla3", "answers": []int{1, 2, 1}}}},
	}
	for _, st := range steps {
		r := move(t, e, nav, ref.ID, st)
		if r.Status != 200 {
			t.Fatalf("to %v: %d %s", st["to"], r.Status, r.Body)
		}
		ref = decodeReferral(t, r)
	}
	if ref.State != "closed" || !strings.HasPrefix(ref.Assignee, "token:") {
		t.Fatalf("closed referral: %+v", ref)
	}
	want := []string{"new", "assigned", "contacted", "sent", "accepted", "engaged", "closed"}
	if len(ref.History) != len(want) {
		t.Fatalf("history: %+v", ref.History)
	}
	for i, h := range ref.History {
		if h.To != want[i] || h.Actor == "" || h.At.IsZero() {
			t.Fatalf("history[%d] = %+v", i, h)
		}
	}
	if ref.History[2].Note == "" {
		t.Error("the note on contacted was not recorded")
	}
	if ref.Change == nil || ref.Change.Delta == nil || *ref.Change.Delta != -4 || !ref.Change.MovedOutOfLonely {
		t.Fatalf("loneliness change: %+v", ref.Change)
	}
	// Final: any further move is a 409 listing no allowed moves.
	r := move(t, e, nav, ref.ID, map[string]any{"to": "assigned"})
	wantProblem(t, r, 409, "")
	// Every step is in the audit trail.
	items, _, _ := e.Stores.Audit.ListAudit(context.Background(), "alpha", kith.AuditFilter{Entity: "referral", EntityID: ref.ID, Page: kith.Page{Number: 1, Size: 100}})
	n := 0
	for _, it := range items {
		if strings.HasPrefix(it.Action, "transition:") {
			n++
		}
	}
	if n != 6 {
		t.Fatalf("%d transitions audited, want 6", n)
	}
}

func TestReferralRules(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	visitor := e.token("alpha", kith.RoleVisitor)
	ref, other := newReferral(t, e, nav, nil)
	// Illegal: a 409 listing the allowed moves.
	r := move(t, e, nav, ref.ID, map[string]any{"to": "engaged"})
	wantProblem(t, r, 409, "")
	if !strings.Contains(string(r.Body), `"allowed":["assigned","withdrawn","escalated"]`) {
		t.Fatalf("allowed moves not listed: %s", r.Body)
	}
	wantProblem(t, move(t, e, visitor, ref.ID, map[string]any{"to": "assigned"}), 403, "")
	wantProblem(t, move(t, e, e.token("beta", kith.RoleNavigator), ref.ID, map[string]any{"to": "assigned"}), 404, "")
	wantProblem(t, move(t, e, nav, ref.ID, map[string]any{"to": "nowhere"}), 422, "to")
	// Assign to a named colleague, never to someone who is not one.
	wantProblem(t, move(t, e, nav, ref.ID, map[string]any{"to": "assigned", "assignee": "user:42"}), 422, "assignee")
	colleague := fmt.Sprintf("user:%d", e.user("alpha", "colleague@example.org", kith.RoleNavigator, "a long password").ID)
	if r := move(t, e, nav, ref.ID, map[string]any{"to": "assigned", "assignee": colleague}); decodeReferral(t, r).Assignee != colleague {
		t.Fatalf("assignee: %s", r.Body)
	}
	move(t, e, nav, ref.ID, map[string]any{"to": "contacted"})
	move(t, e, nav, ref.ID, map[string]any{"to": "sent"})
	wantProblem(t, move(t, e, nav, ref.ID, map[string]any{"to": "declined", "reason": "busy"}), 422, "reason")
	move(t, e, nav, ref.ID, map[string]any{"to": "declined", "reason": "service_full"})
	// Reroute: ends this one, opens a new one, linked both ways.
	r = move(t, e, nav, ref.ID, map[string]any{"to": "rerouted", "service_id": other})
	old := decodeReferral(t, r)
	if old.State != "rerouted" || old.ReroutedTo == "" {
		t.Fatalf("reroute: %s", r.Body)
	}
	fresh := decodeReferral(t, e.do("GET", "/api/v1/referrals/"+old.ReroutedTo, nav, nil))
	if fresh.State != "new" || fresh.ReroutedFrom != old.ID {
		t.Fatalf("new referral: %+v", fresh)
	}
	// Three failed contact attempts make a welfare check.
	for i := 0; i < 3; i++ {
		if r := e.do("POST", "/api/v1/referrals/"+fresh.ID+"/contact-attempts", nav, map[string]any{"result": "no_answer"}); r.Status != 201 {
			t.Fatalf("attempt: %d %s", r.Status, r.Body)
		}
	}
	got := decodeReferral(t, e.do("GET", "/api/v1/referrals/"+fresh.ID, nav, nil))
	if len(got.Tasks) != 1 || got.Tasks[0].Kind != "welfare_check" {
		t.Fatalf("tasks: %+v", got.Tasks)
	}
	wantProblem(t, e.do("POST", "/api/v1/referrals/"+fresh.ID+"/contact-attempts", nav, map[string]any{"result": "maybe"}), 422, "result")
	if r := e.do("POST", "/api/v1/referrals/"+fresh.ID+"/notes", nav, map[string]any{"note": "Left a card."}); r.Status != 201 {
		t.Fatalf("note: %d", r.Status)
	}
	// No referral without consent to refer.
	s := e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "no", nil)).JSON(t)
	wantProblem(t, e.do("POST", "/api/v1/referrals", nav, map[string]any{"screening_id": s["id"], "service_id": other}), 409, "screening_id")
	wantProblem(t, e.do("POST", "/api/v1/referrals", nav, map[string]any{"screening_id": s["id"], "service_id": "nope"}), 409, "")
	wantProblem(t, e.do("POST", "/api/v1/referrals", visitor, map[string]any{"screening_id": s["id"], "service_id": other}), 403, "")
}

func TestWithdrawalWithRedFlagsMakesCoercionCheck(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, map[string]any{
		"indicators":   []string{"lives_alone", "no_regular_visitors", "rarely_goes_out", "contact_controlled"},
		"safe_contact": map[string]any{"phone": "yes"},
	})
	if !ref.Safeguarding {
		t.Log("not a safeguarding referral (care needs answered no)")
	}
	r := move(t, e, nav, ref.ID, map[string]any{"to": "withdrawn", "withdrawn_by": "person", "reason": "does not want help now"})
	got := decodeReferral(t, r)
	if len(got.Tasks) != 1 || got.Tasks[0].Kind != "coercion_check" {
		t.Fatalf("tasks after withdrawal with red flags: %s", r.Body)
	}
}

func TestWorklistOrderAndConcerns(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	lead := e.token("alpha", kith.RoleLead)
	plain, _ := newReferral(t, e, nav, nil)
	concern, _ := newReferral(t, e, nav, map[string]any{
		"indicators":   []string{"lives_alone", "unexplained_money_problems"},
		"safe_contact": map[string]any{"phone": "yes"},
		"s42": map[string]any{"care_and_support_needs": "yes", "unable_to_protect_self": "unsure", "immediate_danger": false, "others_at_risk": false,
			"capacity_concern": false, "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false},
	})
	list := e.do("GET", "/api/v1/referrals", nav, nil)
	var l struct{ Items []referralView }
	json.Unmarshal(list.Body, &l)
	if len(l.Items) != 2 || l.Items[0].ID != concern.ID || l.Items[1].ID != plain.ID {
		t.Fatalf("safeguarding not first: %s", list.Body)
	}
	for q, field := range map[string]string{"state=lost": "state", "overdue=maybe": "overdue"} {
		wantProblem(t, e.do("GET", "/api/v1/referrals?"+q, nav, nil), 422, field)
	}
	if n := e.do("GET", "/api/v1/referrals?state=new&overdue=false", nav, nil).JSON(t)["total"]; n != float64(2) {
		t.Fatalf("filter total %v", n)
	}
	// The concern was raised with the screening; the council reports back.
	cs := e.do("GET", "/api/v1/concerns", nav, nil)
	var cl struct {
		Items []struct {
			ID, Reference string
			TypesOfRisk   []string `json:"types_of_risk"`
		}
	}
	json.Unmarshal(cs.Body, &cl)
	if len(cl.Items) != 1 || !strings.HasPrefix(cl.Items[0].Reference, "SG-") || len(cl.Items[0].TypesOfRisk) == 0 {
		t.Fatalf("concerns: %s", cs.Body)
	}
	id := cl.Items[0].ID
	wantProblem(t, e.do("POST", "/api/v1/concerns/"+id+"/outcome", lead, map[string]any{"enquiry": "no_enquiry"}), 422, "instead")
	if r := e.do("POST", "/api/v1/concerns/"+id+"/outcome", lead, map[string]any{"enquiry": "no_enquiry", "instead": "community_referral"}); r.Status != 200 {
		t.Fatalf("outcome: %d %s", r.Status, r.Body)
	}
	wantProblem(t, e.do("POST", "/api/v1/concerns/"+id+"/outcome", nav, map[string]any{"enquiry": "no_enquiry", "instead": "community_referral"}), 403, "")
}

func TestTimersExpireAfterTenWorkingDays(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, nil)
	send(t, e, nav, ref.ID)
	defer e.travelBack()
	e.travel(func(now time.Time) time.Time { return now.AddDate(0, 0, 9) }) // at least 6 working days
	if got := decodeReferral(t, e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil)); !got.Overdue {
		t.Fatalf("not overdue after 9 days: %+v", got)
	}
	e.travel(func(now time.Time) time.Time { return now.AddDate(0, 0, 20) })
	if err := e.App.ApplyTimers(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := decodeReferral(t, e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil))
	if got.State != "expired" || got.History[len(got.History)-1].Actor != "system:timers" {
		t.Fatalf("after 20 days: %+v", got)
	}
}

// ScreeningID returns the referral's screening id.
func (r referralView) ScreeningID(t *testing.T, e *env, tok string) string {
	t.Helper()
	m := e.do("GET", "/api/v1/referrals/"+r.ID, tok, nil).JSON(t)
	return m["screening_id"].(string)
}

// A site's own timers decide when a referral is overdue, and the nudge
// queues a reminder to the provider.
func TestSiteTimersAndNudge(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	lead := e.token("alpha", kith.RoleLead)
	site := e.do("GET", "/api/v1/site", lead, nil).JSON(t)
	settings := site["settings"].(map[string]any)
	settings["timers"] = map[string]any{"nudge_after": 1, "overdue_after": 2, "expire_after": 30}
	if r := e.do("PUT", "/api/v1/site", lead, map[string]any{"name": site["name"], "settings": settings}); r.Status != 200 {
		t.Fatalf("set timers: %d %s", r.Status, r.Body)
	}
	ref, _ := newReferral(t, e, nav, nil)
	svc := e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil).JSON(t)["service_id"].(string)
	s := e.do("GET", "/api/v1/assets/"+svc, lead, nil).JSON(t)
	s["email"] = "referrals@provider.example"
	for _, k := range []string{"created_at", "updated_at", "deleted_at"} {
		delete(s, k)
	}
	e.do("PUT", "/api/v1/assets/"+svc, lead, s)
	send(t, e, nav, ref.ID)
	defer e.travelBack()
	e.travel(func(now time.Time) time.Time { return now.AddDate(0, 0, 5) }) // at least 3 working days
	if got := decodeReferral(t, e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil)); !got.Overdue {
		t.Fatal("not overdue under the site's 2-day timer")
	}
	if err := e.App.ApplyTimers(context.Background()); err != nil {
		t.Fatal(err)
	}
	pending, err := e.Stores.Outbox.PendingMessages(context.Background(), "alpha", 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, m := range pending {
		kinds[m.Kind]++
	}
	if kinds["provider_nudge"] != 1 {
		t.Fatalf("outbox after the nudge: %v", kinds)
	}
	if got := decodeReferral(t, e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil)); got.State != "sent" {
		t.Fatalf("expired under a 30-day timer: %s", got.State)
	}
}

// The referral page's contact-attempt form follows the API's rules: an
// attempt without a result is refused, so three empty submissions raise
// no welfare check.
func TestReferralPageAttemptNeedsAResult(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, nil)
	e.user("alpha", "nav@example.org", kith.RoleNavigator, "a long password")
	c := browser(t)
	signIn(t, e, c, "nav@example.org", "a long password")
	page := doWith(t, c, "GET", e.URL+"/referrals/"+ref.ID, "", nil)
	if page.Status != 200 {
		t.Fatalf("referral page: %d", page.Status)
	}
	csrf := string(csrfRe.FindSubmatch(page.Body)[1])
	for i := range 3 {
		r := postForm(t, c, e.URL+"/referrals/"+ref.ID, url.Values{"_csrf": {csrf}, "action": {"attempt"}, "result": {""}})
		if r.Status != 422 {
			t.Fatalf("empty attempt %d: status %d, want 422", i+1, r.Status)
		}
	}
	if got := decodeReferral(t, e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil)); len(got.Tasks) != 0 || len(got.Attempts) != 0 {
		t.Fatalf("after three empty attempts: tasks %+v, attempts %d", got.Tasks, len(got.Attempts))
	}
}
