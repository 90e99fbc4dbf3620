package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

// A person who said no, with nothing to doubt their capacity, cannot be
// referred by a best-interest decision (before this rule a navigator could,
// and the provider letter then said the person agreed).
func TestBestInterestNeverOverridesACapacitousNo(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	visitor := e.token("alpha", kith.RoleVisitor)
	s := e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "no", nil)).JSON(t)
	id := s["id"].(string)
	svc := e.do("GET", "/api/v1/assets?per_page=1", nav, nil).JSON(t)["items"].([]any)[0].(map[string]any)["id"]
	wantProblem(t, e.do("POST", "/api/v1/screenings/"+id+"/best-interest", nav, map[string]any{"decision": "refer",
		"doubt": "She seemed confused", "steps_taken": "none", "consulted": "her neighbour"}), 409, "decision")
	wantProblem(t, e.do("POST", "/api/v1/referrals", nav, map[string]any{"screening_id": id, "service_id": svc}), 409, "")
}

// pageCSRF reads the CSRF token from a page.
func pageCSRF(t *testing.T, r response) string {
	t.Helper()
	m := csrfRe.FindSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no CSRF field: %d %s", r.Status, r.Body)
	}
	return string(m[1])
}

// A navigator finds a screening waiting, changes what will be shared and
// makes the referral from the pages, choosing a recommended service by its
// button; the provider then sees the words as the navigator left them.
func TestNavigatorMakesAReferralFromTheWaitingPage(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	e.user("alpha", "nav@example.org", kith.RoleNavigator, "a long password")
	visitor := e.token("alpha", kith.RoleVisitor)
	s := e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "yes", map[string]any{"wishes": "Someone to talk to. My nephew Darren takes my pension.",
		"safe_contact": map[string]any{"phone": "yes", "post": "no", "do_not_contact": "Darren"}})).JSON(t)
	id := s["id"].(string)
	c := browser(t)
	signIn(t, e, c, "nav@example.org", "a long password")
	list := doWith(t, c, "GET", e.URL+"/navigator/screenings", "", nil)
	if list.Status != 200 || !strings.Contains(string(list.Body), "/navigator/screenings/"+id) || !strings.Contains(string(list.Body), "Agreed to a referral") {
		t.Fatalf("waiting list: %d %s", list.Status, list.Body)
	}
	page := doWith(t, c, "GET", e.URL+"/navigator/screenings/"+id, "", nil)
	body := string(page.Body)
	for _, want := range []string{"Do not contact or tell Darren", "Refer to ", "My nephew Darren takes my pension", "Do not write to their home"} {
		if !strings.Contains(body, want) {
			t.Fatalf("screening page lacks %q: %s", want, body)
		}
	}
	csrf := pageCSRF(t, page)
	if r := postForm(t, c, e.URL+"/navigator/screenings/"+id, url.Values{"_csrf": {csrf}, "action": {"words"}, "shared_words": {strings.Repeat("x", 5001)}}); r.Status != 422 ||
		!strings.Contains(string(r.Body), "at most 5,000 characters") {
		t.Fatalf("too long: %d", r.Status)
	}
	if r := postForm(t, c, e.URL+"/navigator/screenings/"+id, url.Values{"_csrf": {csrf}, "action": {"words"}, "shared_words": {"Someone to talk to on Sundays."}}); r.Status != 303 {
		t.Fatalf("save words: %d %s", r.Status, r.Body)
	}
	svc := serviceButtonRe.FindStringSubmatch(string(doWith(t, c, "GET", e.URL+"/navigator/screenings/"+id, "", nil).Body))
	if svc == nil {
		t.Fatal("no service to refer to")
	}
	r := postForm(t, c, e.URL+"/navigator/screenings/"+id, url.Values{"_csrf": {csrf}, "action": {"refer"}, "service_id": {svc[1]}})
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/referrals/") {
		t.Fatalf("make referral: %d %s", r.Status, r.Body)
	}
	refID := strings.TrimPrefix(r.Header.Get("Location"), "/referrals/")
	if rp := doWith(t, c, "GET", e.URL+"/referrals/"+refID, "", nil); rp.Status != 200 || !strings.Contains(string(rp.Body), "Do not contact or tell Darren") {
		t.Fatalf("referral page: %d %s", rp.Status, rp.Body)
	}
	// The provider sees the words as the navigator left them, and not Darren.
	nav := e.token("alpha", kith.RoleNavigator)
	send(t, e, nav, refID)
	got := e.do("GET", "/api/v1/referrals/"+refID, nav, nil).JSON(t)
	link := providerRe.FindString(got["provider_url"].(string))
	pp := string(doWith(t, browser(t), "GET", e.URL+link, "", nil).Body)
	if !strings.Contains(pp, "Someone to talk to on Sundays.") || strings.Contains(pp, "Darren") || strings.Contains(pp, "pension") {
		t.Fatalf("provider page: %s", pp)
	}
	list = doWith(t, c, "GET", e.URL+"/navigator/screenings", "", nil)
	if strings.Contains(string(list.Body), "/navigator/screenings/"+id) {
		t.Fatal("a screening with a referral is still waiting")
	}
	// A service that is not in the directory is an error on the page, not a 500.
	if r := postForm(t, c, e.URL+"/navigator/screenings/"+id, url.Values{"_csrf": {csrf}, "action": {"refer"}, "service_id": {"nope"}}); r.Status != 422 {
		t.Fatalf("unknown service: %d", r.Status)
	}
}

var serviceButtonRe = regexp.MustCompile(`name="service_id" value="([^"]+)"`)

// A leaver's open work is handed to a named colleague before their account
// is disabled, and pages show people by name, never user:N.
func TestDisablingAUserHandsOverTheirWork(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	lead := e.user("alpha", "lead@example.org", kith.RoleLead, "a long password")
	leaver := e.user("alpha", "leaver@example.org", kith.RoleNavigator, "a long password")
	taker := e.user("alpha", "taker@example.org", kith.RoleNavigator, "a long password")
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, nil)
	leaverRef, takerRef := fmt.Sprintf("user:%d", leaver.ID), fmt.Sprintf("user:%d", taker.ID)
	if r := move(t, e, nav, ref.ID, map[string]any{"to": "assigned", "assignee": leaverRef}); r.Status != 200 {
		t.Fatalf("assign: %d %s", r.Status, r.Body)
	}
	c := browser(t)
	signIn(t, e, c, "lead@example.org", "a long password")
	users := doWith(t, c, "GET", e.URL+"/lead/users", "", nil)
	csrf := pageCSRF(t, users)
	for id, name := range map[int64]string{leaver.ID: "Lee Leaver", taker.ID: "Tara Taker", lead.ID: "Lena Lead"} {
		if r := postForm(t, c, fmt.Sprintf("%s/lead/users/%d/name", e.URL, id), url.Values{"_csrf": {csrf}, "display_name": {name}}); r.Status != 303 {
			t.Fatalf("rename: %d %s", r.Status, r.Body)
		}
	}
	if r := postForm(t, c, fmt.Sprintf("%s/lead/users/%d/name", e.URL, taker.ID), url.Values{"_csrf": {csrf}, "display_name": {" "}}); r.Status != 422 ||
		!strings.Contains(string(r.Body), "Enter the name colleagues know them by") {
		t.Fatalf("empty name: %d", r.Status)
	}
	// The API refuses to disable someone with open work without a taker.
	wantProblem(t, e.do("DELETE", fmt.Sprintf("/api/v1/users/%d", leaver.ID), e.token("alpha", kith.RoleLead), nil), 422, "assignee")
	r := postForm(t, c, fmt.Sprintf("%s/lead/users/%d/disable", e.URL, leaver.ID), url.Values{"_csrf": {csrf}})
	if r.Status != 200 || !strings.Contains(string(r.Body), "Who takes Lee Leaver") || !strings.Contains(string(r.Body), "Tara Taker") {
		t.Fatalf("handover page: %d %s", r.Status, r.Body)
	}
	if r := postForm(t, c, fmt.Sprintf("%s/lead/users/%d/disable", e.URL, leaver.ID), url.Values{"_csrf": {csrf}, "assignee": {leaverRef}}); r.Status != 422 {
		t.Fatalf("handing over to the leaver: %d", r.Status)
	}
	if r := postForm(t, c, fmt.Sprintf("%s/lead/users/%d/disable", e.URL, leaver.ID), url.Values{"_csrf": {csrf}, "assignee": {takerRef}}); r.Status != 303 {
		t.Fatalf("hand over: %d %s", r.Status, r.Body)
	}
	got := decodeReferral(t, e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil))
	if got.Assignee != takerRef {
		t.Fatalf("assignee after handing over: %s", got.Assignee)
	}
	page := string(doWith(t, c, "GET", e.URL+"/referrals/"+ref.ID, "", nil).Body)
	if !strings.Contains(page, "Tara Taker") || !strings.Contains(page, "reassigned from Lee Leaver to Tara Taker") || regexp.MustCompile(`user:\d`).MatchString(page) {
		t.Fatalf("referral page does not name people: %s", page)
	}
	audit := string(doWith(t, c, "GET", e.URL+"/lead/audit", "", nil).Body)
	if !strings.Contains(audit, "Lena Lead") {
		t.Fatal("the audit log does not name the lead")
	}
}

// providerLinkOf is the referral's provider link and code, as the API
// gives them.
func providerLinkOf(t *testing.T, e *env, nav, id string) (string, string) {
	t.Helper()
	got := e.do("GET", "/api/v1/referrals/"+id, nav, nil).JSON(t)
	u, _ := got["provider_url"].(string)
	code, _ := got["provider_code"].(string)
	return providerRe.FindString(u), code
}

// One stored link per referral, the same on every view; revoked when the
// referral closes, is withdrawn or declined, after which it (and its code)
// shows nothing about the person; an expired link shows nothing either.
func TestProviderLinkIsStoredAndRevoked(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	personal := []string{"Ada Example", "Someone to talk to", "07700"}
	members := map[string]any{"wishes": "Someone to talk to", "safe_contact": map[string]any{"phone": "yes"},
		"person": map[string]any{"name": "Ada Example", "postcode": "LS1 4AP", "phone": "07700 900123"}}
	ends := map[string][]map[string]any{
		"closed":    {{"to": "accepted"}, {"to": "engaged"}, {"to": "closed", "outcome": map[string]any{"desired_outcomes_asked": "not_asked"}}},
		"withdrawn": {{"to": "withdrawn", "withdrawn_by": "person", "reason": "changed her mind"}},
		"declined":  {{"to": "declined", "reason": "service_full"}},
	}
	for end, moves := range ends {
		t.Run(end, func(t *testing.T) {
			ref, _ := newReferral(t, e, nav, members)
			send(t, e, nav, ref.ID)
			link, code := providerLinkOf(t, e, nav, ref.ID)
			again, code2 := providerLinkOf(t, e, nav, ref.ID)
			if link == "" || link != again || code == "" || code != code2 {
				t.Fatalf("link %q then %q, code %q then %q", link, again, code, code2)
			}
			c := browser(t)
			page := doWith(t, c, "GET", e.URL+link, "", nil)
			if page.Status != 200 || !strings.Contains(string(page.Body), "Ada Example") {
				t.Fatalf("open link: %d", page.Status)
			}
			// The short code, typed in any case with spaces, opens the same page.
			form := doWith(t, c, "GET", e.URL+"/provider", "", nil)
			typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
			if r := postForm(t, c, e.URL+"/provider", url.Values{"_csrf": {pageCSRF(t, form)}, "code": {typed}}); r.Status != 303 || r.Header.Get("Location") != link {
				t.Fatalf("code: %d %q, want %q", r.Status, r.Header.Get("Location"), link)
			}
			for _, m := range moves {
				if r := move(t, e, nav, ref.ID, m); r.Status != 200 {
					t.Fatalf("%v: %d %s", m, r.Status, r.Body)
				}
			}
			if now, _ := providerLinkOf(t, e, nav, ref.ID); now != "" {
				t.Fatalf("the referral still offers its link: %s", now)
			}
			after := doWith(t, browser(t), "GET", e.URL+link, "", nil)
			if after.Status != 404 || !strings.Contains(string(after.Body), "no longer works") {
				t.Fatalf("revoked link: %d %s", after.Status, after.Body)
			}
			for _, p := range personal {
				if strings.Contains(string(after.Body), p) {
					t.Fatalf("a revoked link shows %q", p)
				}
			}
			if r := postForm(t, c, e.URL+link, url.Values{"_csrf": {pageCSRF(t, form)}, "answer": {"accepted"}}); r.Status != 404 {
				t.Fatalf("answering through a revoked link: %d", r.Status)
			}
			if r := postForm(t, c, e.URL+"/provider", url.Values{"_csrf": {pageCSRF(t, form)}, "code": {code}}); r.Status != 404 {
				t.Fatalf("a revoked code: %d", r.Status)
			}
		})
	}
	// Declining through the link thanks the provider and shows nothing more.
	ref, _ := newReferral(t, e, nav, members)
	send(t, e, nav, ref.ID)
	link, _ := providerLinkOf(t, e, nav, ref.ID)
	c := browser(t)
	page := doWith(t, c, "GET", e.URL+link, "", nil)
	r := postForm(t, c, e.URL+link, url.Values{"_csrf": {pageCSRF(t, page)}, "answer": {"declined"}, "reason": {"out_of_area"}})
	if r.Status != 200 || !strings.Contains(string(r.Body), "Thank you") || strings.Contains(string(r.Body), "Ada Example") {
		t.Fatalf("decline by link: %d %s", r.Status, r.Body)
	}
	// A wrong code is an error naming the field.
	form := doWith(t, c, "GET", e.URL+"/provider", "", nil)
	if r := postForm(t, c, e.URL+"/provider", url.Values{"_csrf": {pageCSRF(t, form)}, "code": {"nope"}}); r.Status != 422 || !strings.Contains(string(r.Body), "8-character code") {
		t.Fatalf("bad code: %d", r.Status)
	}
}

// An expired link shows no personal data.
func TestExpiredProviderLinkShowsNothing(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, nil)
	send(t, e, nav, ref.ID)
	link, _ := providerLinkOf(t, e, nav, ref.ID)
	e.travel(func(now time.Time) time.Time { return now.Add(app.ProviderLinkLifetime + time.Hour) })
	defer e.travelBack()
	r := doWith(t, browser(t), "GET", e.URL+link, "", nil)
	if r.Status != 404 || strings.Contains(string(r.Body), "Ada Example") {
		t.Fatalf("expired link: %d %s", r.Status, r.Body)
	}
}

// The worklist page searches, filters, pages and hides finished work
// unless asked; a bad filter is an error on the page naming it.
func TestWorklistPageSearchAndFilters(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	e.user("alpha", "nav@example.org", kith.RoleNavigator, "a long password")
	nav := e.token("alpha", kith.RoleNavigator)
	ada, _ := newReferral(t, e, nav, map[string]any{"person": map[string]any{"name": "Ada Lovelace", "postcode": "LS1 4AP"}})
	bob, _ := newReferral(t, e, nav, map[string]any{"person": map[string]any{"name": "Bob Marley", "postcode": "LS1 4AP"}})
	move(t, e, nav, bob.ID, map[string]any{"to": "withdrawn", "withdrawn_by": "person", "reason": "moved away"})
	c := browser(t)
	signIn(t, e, c, "nav@example.org", "a long password")
	get := func(q string) string {
		r := doWith(t, c, "GET", e.URL+"/worklist"+q, "", nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", q, r.Status, r.Body)
		}
		return string(r.Body)
	}
	if p := get(""); !strings.Contains(p, ada.ID) || strings.Contains(p, bob.ID) {
		t.Fatal("the worklist shows finished work, or not open work")
	}
	if p := get("?finished=true"); !strings.Contains(p, bob.ID) {
		t.Fatal("finished work not shown when asked for")
	}
	if p := get("?q=lovel"); !strings.Contains(p, ada.ID) {
		t.Fatal("search by name")
	}
	if p := get("?q=R-" + ada.ID[len(ada.ID)-8:]); !strings.Contains(p, ada.ID) {
		t.Fatal("search by reference")
	}
	if p := get("?q=nobody"); strings.Contains(p, ada.ID) || !strings.Contains(p, "No referrals match") {
		t.Fatal("a search that matches nothing")
	}
	if p := get("?mine=true"); strings.Contains(p, ada.ID) {
		t.Fatal("someone else's referral under 'assigned to me'")
	}
	if p := get("?safeguarding=true"); strings.Contains(p, ada.ID) {
		t.Fatal("a referral without safeguarding under safeguarding")
	}
	for _, q := range []string{"?state=nowhere", "?overdue=maybe", "?page=0"} {
		if r := doWith(t, c, "GET", e.URL+"/worklist"+q, "", nil); r.Status != 422 {
			t.Fatalf("%s: %d", q, r.Status)
		}
	}
	wantProblem(t, e.do("GET", "/api/v1/referrals?safeguarding=perhaps", nav, nil), 422, "safeguarding")
	if got := e.do("GET", "/api/v1/referrals?open=true&q=ada", nav, nil).JSON(t); got["total"] != float64(1) {
		t.Fatalf("API search: %v", got)
	}
}

// A best-interest decision from the page: only where capacity is in doubt,
// never with "none" for the steps taken; then the referral can be made.
func TestBestInterestFromThePage(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	e.user("alpha", "nav@example.org", kith.RoleNavigator, "a long password")
	visitor := e.token("alpha", kith.RoleVisitor)
	in := lonelyAtHome(t, "not_asked", map[string]any{"safe_contact": map[string]any{"phone": "yes", "do_not_contact": "Darren"}})
	in["s42"].(map[string]any)["capacity_concern"] = true
	id := e.do("POST", "/api/v1/screenings", visitor, in).JSON(t)["id"].(string)
	c := browser(t)
	signIn(t, e, c, "nav@example.org", "a long password")
	if list := string(doWith(t, c, "GET", e.URL+"/navigator/screenings", "", nil).Body); !strings.Contains(list, "Needs a best-interest decision") {
		t.Fatal("not listed as needing a best-interest decision")
	}
	page := doWith(t, c, "GET", e.URL+"/navigator/screenings/"+id, "", nil)
	if strings.Contains(string(page.Body), "Refer to ") {
		t.Fatal("a referral is offered before any decision")
	}
	csrf := pageCSRF(t, page)
	bad := postForm(t, c, e.URL+"/navigator/screenings/"+id, url.Values{"_csrf": {csrf}, "action": {"best_interest"}, "decision": {"refer"},
		"doubt": {"Could not hold on to what the service is"}, "steps_taken": {"none"}, "consulted": {"Darren"}})
	for _, want := range []string{"Say what was done to help the person decide", "cannot be consulted"} {
		if bad.Status != 422 || !strings.Contains(string(bad.Body), want) {
			t.Fatalf("want %q: %d %s", want, bad.Status, bad.Body)
		}
	}
	if r := postForm(t, c, e.URL+"/navigator/screenings/"+id, url.Values{"_csrf": {csrf}, "action": {"best_interest"}, "decision": {"refer"},
		"doubt": {"Could not hold on to what the service is"}, "steps_taken": {"Pictures, two visits, a quiet morning"}, "consulted": {"Her daughter and GP"}}); r.Status != 303 {
		t.Fatalf("record: %d %s", r.Status, r.Body)
	}
	after := string(doWith(t, c, "GET", e.URL+"/navigator/screenings/"+id, "", nil).Body)
	if !strings.Contains(after, "Refer to ") || !strings.Contains(after, "Her daughter and GP") {
		t.Fatalf("after the decision: %s", after)
	}
}
