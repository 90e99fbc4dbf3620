package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/web"
)

var clientRefRe = regexp.MustCompile(`name="client_ref" value="([^"]+)"`)

func TestScreeningFormSubmission(t *testing.T) {
	e := newEnv(t)
	e.user("alpha", "v@example.org", kith.RoleVisitor, "a long password")
	c := browser(t)
	signIn(t, e, c, "v@example.org", "a long password")
	page := doWith(t, c, "GET", e.URL+"/screen", "", nil)
	if page.Status != 200 {
		t.Fatalf("GET /screen: %d", page.Status)
	}
	csrf := string(csrfRe.FindSubmatch(page.Body)[1])
	ref := string(clientRefRe.FindSubmatch(page.Body)[1])
	for _, code := range []string{"lives_alone", "contact_controlled", "discloses_abuse"} {
		if !strings.Contains(string(page.Body), `value="`+code+`"`) {
			t.Fatalf("form lacks indicator %s", code)
		}
	}
	v := url.Values{
		"_csrf": {csrf}, "client_ref": {ref},
		"person.name": {"Zoë <b>Müller</b>"}, "person.postcode": {"ls1 4ap"},
		"indicators":                 {"lives_alone", "contact_controlled"},
		"s42.care_and_support_needs": {"yes"}, "s42.unable_to_protect_self": {"unsure"},
		"s42.immediate_danger": {"no"}, "s42.others_at_risk": {"no"}, "s42.capacity_concern": {"no"},
		"s42.crime_suspected": {"no"}, "s42.staff_or_provider_implicated": {"no"}, "s42.visitor_concerned": {"no"},
		"consent.share":                {"yes"},
		"instruments.ucla3.answers[0]": {"3"}, "instruments.ucla3.answers[1]": {"2"}, "instruments.ucla3.answers[2]": {"3"},
	}
	// Safe contact is required with a sign of control: the form comes back
	// with the error and everything typed kept.
	bad := postForm(t, c, e.URL+"/screen", v)
	if bad.Status != 422 || !strings.Contains(string(bad.Body), "There is a problem") ||
		!strings.Contains(string(bad.Body), `href="#safe-contact"`) ||
		!strings.Contains(string(bad.Body), `value="Zoë &lt;b&gt;Müller&lt;/b&gt;"`) ||
		!regexp.MustCompile(`value="contact_controlled" checked`).Match(bad.Body) {
		t.Fatalf("missing safe contact: %d\n%s", bad.Status, bad.Body)
	}
	v.Set("safe_contact.phone", "yes")
	ok := postForm(t, c, e.URL+"/screen", v)
	if ok.Status != 303 || !strings.HasPrefix(ok.Header.Get("Location"), "/screenings/") {
		t.Fatalf("submit: %d %s", ok.Status, ok.Body)
	}
	// Submitting twice (a double click, a retry) shows the same screening.
	again := postForm(t, c, e.URL+"/screen", v)
	if again.Header.Get("Location") != ok.Header.Get("Location") {
		t.Fatalf("resubmission made another screening: %s vs %s", again.Header.Get("Location"), ok.Header.Get("Location"))
	}
	res := doWith(t, c, "GET", e.URL+ok.Header.Get("Location"), "", nil)
	body := string(res.Body)
	if res.Status != 200 || !strings.Contains(body, "Raise a safeguarding concern now") || !strings.Contains(body, "0113 496 0000") ||
		!regexp.MustCompile(`SG-\d{4}-\d{6}`).MatchString(body) {
		t.Fatalf("result page: %d\n%s", res.Status, body)
	}
	if strings.Index(body, "Raise a safeguarding concern now") > strings.Index(body, "Community support") {
		t.Fatal("the next step is not first")
	}
	// Another visitor cannot see it.
	e.user("alpha", "w@example.org", kith.RoleVisitor, "a long password")
	c2 := browser(t)
	signIn(t, e, c2, "w@example.org", "a long password")
	if r := doWith(t, c2, "GET", e.URL+ok.Header.Get("Location"), "", nil); r.Status != 404 {
		t.Fatalf("another visitor reads the result: %d", r.Status)
	}
}

func TestScreeningFormEASIOnlyWhenAlone(t *testing.T) {
	e := newEnv(t)
	e.user("alpha", "v@example.org", kith.RoleVisitor, "a long password")
	c := browser(t)
	signIn(t, e, c, "v@example.org", "a long password")
	page := doWith(t, c, "GET", e.URL+"/screen", "", nil)
	csrf := string(csrfRe.FindSubmatch(page.Body)[1])
	v := url.Values{"_csrf": {csrf}, "client_ref": {"x-1"}, "person.name": {"A"}, "person.postcode": {"LS1 4AP"},
		"s42.care_and_support_needs": {"no"}, "s42.unable_to_protect_self": {"no"},
		"s42.immediate_danger": {"no"}, "s42.others_at_risk": {"no"}, "s42.capacity_concern": {"no"},
		"s42.crime_suspected": {"no"}, "s42.staff_or_provider_implicated": {"no"}, "s42.visitor_concerned": {"no"},
		"consent.share": {"yes"}, "seen_alone": {"no"}, "instruments.easi.answers[1]": {"yes"}}
	r := postForm(t, c, e.URL+"/screen", v)
	if r.Status != 422 || !strings.Contains(string(r.Body), `href="#instruments-easi"`) {
		t.Fatalf("EASI when not alone: %d\n%s", r.Status, r.Body)
	}
}

// FuzzScreeningForm sends arbitrary form bodies through the form's parser
// and the screening rules: never a panic, and a request is either refused
// with field errors or scored.
func FuzzScreeningForm(f *testing.F) {
	f.Add("person.name=Ada&person.postcode=LS1+4AP&consent.share=yes&s42.immediate_danger=no")
	f.Add("indicators=lives_alone&indicators=lives_alone&instruments.ucla3.answers%5B0%5D=9")
	f.Add("person.age=abc&person.latitude=1e999&seen_alone=maybe&instruments.easi.answers%5B1%5D=yes")
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		web.FormScreeningForTest(v)
	})
}
