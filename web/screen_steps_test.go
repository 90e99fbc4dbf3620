package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kith-project/kith"
)

var shownStepRe = regexp.MustCompile(`<section class="kith-step" id="step-([a-z]+)" data-step="[a-z]+" data-summary-title="[^"]+" aria-labelledby="[^"]+">`)

// shownStep is the question page a response shows (the only section
// without the hidden attribute).
func shownStep(t *testing.T, r response) string {
	t.Helper()
	m := shownStepRe.FindAllSubmatch(r.Body, -1)
	if len(m) != 1 {
		t.Fatalf("%d question pages shown, want 1 (status %d)", len(m), r.Status)
	}
	return string(m[0][1])
}

// Without JavaScript the form is still question pages: each Continue posts
// the answers so far and shows the next page; check your answers lists
// them with Change buttons that return to it; the screening is stored
// only from there.
func TestScreeningQuestionPagesWithoutJavaScript(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	e.user("alpha", "v@example.org", kith.RoleVisitor, "a long password")
	nav := e.token("alpha", kith.RoleNavigator)
	c := browser(t)
	signIn(t, e, c, "v@example.org", "a long password")
	page := doWith(t, c, "GET", e.URL+"/screen", "", nil)
	if got := shownStep(t, page); got != "danger" {
		t.Fatalf("the form opens on %q, want the danger question", got)
	}
	csrf := string(csrfRe.FindSubmatch(page.Body)[1])
	key := regexp.MustCompile(`name="client_ref" value="([^"]+)"`).FindSubmatch(page.Body)[1]
	author := regexp.MustCompile(`name="author" value="([^"]+)"`).FindSubmatch(page.Body)[1]
	answers := url.Values{"_csrf": {csrf}, "client_ref": {string(key)}, "author": {string(author)}}
	post := func(step, action string, more url.Values) response {
		t.Helper()
		for k, v := range more {
			answers[k] = v
		}
		v := url.Values{"_step": {step}, "_action": {action}}
		for k, x := range answers {
			v[k] = x
		}
		return postForm(t, c, e.URL+"/screen", v)
	}
	walk := []struct {
		step    string
		answers url.Values
		next    string
	}{
		{"danger", url.Values{"s42.immediate_danger": {"no"}}, "person"},
		{"person", url.Values{"person.name": {"Nora Nojs"}, "person.postcode": {"LS1 4AP"}}, "seen"},
		{"seen", url.Values{"indicators": {"lives_alone"}}, "safeguarding"},
		{"safeguarding", url.Values{"s42.care_and_support_needs": {"no"}, "s42.unable_to_protect_self": {"no"}, "s42.others_at_risk": {"no"},
			"s42.capacity_concern": {"no"}, "s42.crime_suspected": {"no"}, "s42.staff_or_provider_implicated": {"no"}, "s42.visitor_concerned": {"no"}}, "questions"},
		{"questions", url.Values{"instruments.ons_loneliness.answer": {"some_of_the_time"}}, "agreement"},
		{"agreement", url.Values{"consent.share": {"yes"}}, "check"},
	}
	var r response
	for _, w := range walk {
		r = post(w.step, "continue", w.answers)
		if r.Status != http.StatusOK || shownStep(t, r) != w.next {
			t.Fatalf("continue from %s: status %d, shows %s, want %s", w.step, r.Status, shownStep(t, r), w.next)
		}
	}
	body := string(r.Body)
	for _, want := range []string{"Check your answers", "Nora Nojs", "Lives alone", "Some of the time", `value="change:person"`} {
		if !strings.Contains(body, want) {
			t.Errorf("check your answers lacks %q", want)
		}
	}
	// Back goes one page back; Change goes to the page and returns.
	if got := shownStep(t, post("check", "back", nil)); got != "agreement" {
		t.Errorf("back from check shows %s", got)
	}
	r = post("check", "change:person", nil)
	if shownStep(t, r) != "person" || !strings.Contains(string(r.Body), `name="_return" value="check"`) {
		t.Fatalf("change shows %s", shownStep(t, r))
	}
	answers["_return"] = []string{"check"}
	r = post("person", "continue", url.Values{"person.name": {"Nora Changed"}})
	if shownStep(t, r) != "check" || !strings.Contains(string(r.Body), "Nora Changed") {
		t.Fatalf("after a change, continue shows %s", shownStep(t, r))
	}
	if n := e.do("GET", "/api/v1/screenings", nav, nil).JSON(t)["total"]; n != float64(0) {
		t.Fatalf("stored before check your answers: %v", n)
	}
	// A problem found only at the end shows the page that asks it.
	saved := answers["person.postcode"]
	answers["person.postcode"] = []string{"not a postcode"}
	r = post("check", "submit", nil)
	if r.Status != http.StatusUnprocessableEntity || shownStep(t, r) != "person" || !strings.Contains(string(r.Body), "Enter a real UK postcode") {
		t.Fatalf("a bad postcode at submit: status %d, shows %s", r.Status, shownStep(t, r))
	}
	answers["person.postcode"] = saved
	r = post("check", "submit", nil)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/screenings/") {
		t.Fatalf("submit: status %d to %q", r.Status, r.Header.Get("Location"))
	}
	if n := e.do("GET", "/api/v1/screenings", nav, nil).JSON(t)["total"]; n != float64(1) {
		t.Fatalf("%v screenings stored, want 1", n)
	}
}

// A screening saved on a shared phone carries its author; sent under
// anyone else it is refused and nothing is stored. Its key is its
// author's too: another user replaying it neither sees the first
// screening nor stores a second.
func TestScreeningSentOnlyByItsAuthor(t *testing.T) {
	e := newEnv(t)
	first := e.user("alpha", "first@example.org", kith.RoleVisitor, "a long password")
	e.user("alpha", "second@example.org", kith.RoleVisitor, "a long password")
	nav := e.token("alpha", kith.RoleNavigator)
	form := func(csrf, author string) url.Values {
		return url.Values{
			"_csrf": {csrf}, "_action": {"submit"}, "client_ref": {"form-0123456789abcdef0123456789abcdef"}, "author": {author},
			"person.name": {"Sam Shared"}, "person.postcode": {"LS1 4AP"},
			"s42.care_and_support_needs": {"no"}, "s42.unable_to_protect_self": {"no"},
			"s42.immediate_danger": {"no"}, "s42.others_at_risk": {"no"}, "s42.capacity_concern": {"no"},
			"s42.crime_suspected": {"no"}, "s42.staff_or_provider_implicated": {"no"}, "s42.visitor_concerned": {"no"},
			"consent.share": {"yes"},
		}
	}
	c2 := browser(t)
	signIn(t, e, c2, "second@example.org", "a long password")
	csrf2 := string(csrfRe.FindSubmatch(doWith(t, c2, "GET", e.URL+"/screen", "", nil).Body)[1])
	firstAuthor := "alpha/" + strconv.FormatInt(first.ID, 10)
	if r := postForm(t, c2, e.URL+"/screen", form(csrf2, firstAuthor)); r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "started by someone else") {
		t.Fatalf("another user's screening sent: status %d", r.Status)
	}
	if n := e.do("GET", "/api/v1/screenings", nav, nil).JSON(t)["total"]; n != float64(0) {
		t.Fatalf("%v screenings stored", n)
	}
	// Its author sends it.
	c1 := browser(t)
	signIn(t, e, c1, "first@example.org", "a long password")
	csrf1 := string(csrfRe.FindSubmatch(doWith(t, c1, "GET", e.URL+"/screen", "", nil).Body)[1])
	if r := postForm(t, c1, e.URL+"/screen", form(csrf1, firstAuthor)); r.Status != http.StatusSeeOther {
		t.Fatalf("its author could not send it: status %d", r.Status)
	}
	// The second user replays its key, claiming to be its author, or not.
	second := "alpha/" + strconv.FormatInt(first.ID+1, 10)
	if r := postForm(t, c2, e.URL+"/screen", form(csrf2, second)); r.Status != http.StatusForbidden || strings.Contains(string(r.Body), "Sam Shared") {
		t.Fatalf("a replay of another's key answered %d", r.Status)
	}
	if n := e.do("GET", "/api/v1/screenings", nav, nil).JSON(t)["total"]; n != float64(1) {
		t.Fatalf("%v screenings stored, want 1", n)
	}
}
