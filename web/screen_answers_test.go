package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kith-project/kith"
)

// Every yes/no question on the screening form, answered each way through
// the form, reads back as asked through the API (the subject access record
// holds the screening as submitted).
func TestScreeningFormAnswersStoredAsAsked(t *testing.T) {
	e := newEnv(t)
	e.user("alpha", "v@example.org", kith.RoleVisitor, "a long password")
	lead := e.token("alpha", kith.RoleLead)
	c := browser(t)
	signIn(t, e, c, "v@example.org", "a long password")
	page := doWith(t, c, "GET", e.URL+"/screen", "", nil)
	csrf := string(csrfRe.FindSubmatch(page.Body)[1])
	base := func() url.Values {
		return url.Values{
			"_csrf": {csrf}, "person.name": {"Ada Answers"}, "person.postcode": {"LS1 4AP"},
			"s42.care_and_support_needs": {"no"}, "s42.unable_to_protect_self": {"no"},
			"s42.immediate_danger": {"no"}, "s42.others_at_risk": {"no"}, "s42.capacity_concern": {"no"},
			"s42.crime_suspected": {"no"}, "s42.staff_or_provider_implicated": {"no"}, "s42.visitor_concerned": {"no"},
			"consent.share": {"yes"},
		}
	}
	cases := []struct {
		field   string   // the form's field
		answers []string // what the visitor chose
		path    string   // where it is stored in the request
		want    []any    // what is stored, answer by answer
		extra   url.Values
	}{
		{"person.leaves_home_without_help", []string{"yes", "no"}, "person.housebound", []any{false, true}, nil},
		{"s42.immediate_danger", []string{"yes", "no"}, "s42.immediate_danger", []any{true, false}, nil},
		{"s42.care_and_support_needs", []string{"yes", "no", "unsure"}, "s42.care_and_support_needs", []any{"yes", "no", "unsure"}, nil},
		{"s42.unable_to_protect_self", []string{"yes", "no", "unsure"}, "s42.unable_to_protect_self", []any{"yes", "no", "unsure"}, nil},
		{"s42.others_at_risk", []string{"yes", "no"}, "s42.others_at_risk", []any{true, false}, url.Values{"s42.others_at_risk_who": {"child"}}},
		{"s42.capacity_concern", []string{"yes", "no"}, "s42.capacity_concern", []any{true, false}, nil},
		{"s42.crime_suspected", []string{"yes", "no"}, "s42.crime_suspected", []any{true, false}, nil},
		{"s42.staff_or_provider_implicated", []string{"yes", "no"}, "s42.staff_or_provider_implicated", []any{true, false}, nil},
		{"s42.visitor_concerned", []string{"yes", "no"}, "s42.visitor_concerned", []any{true, false}, nil},
		{"s42.own_organisation_implicated", []string{"yes", "no"}, "s42.own_organisation_implicated", []any{true, false}, nil},
		{"seen_alone", []string{"yes", "no"}, "seen_alone", []any{true, false}, nil},
		{"safe_contact.phone", []string{"yes", "no"}, "safe_contact.phone", []any{"yes", "no"}, nil},
		{"safe_contact.post", []string{"yes", "no"}, "safe_contact.post", []any{"yes", "no"}, nil},
		{"safe_contact.visit", []string{"yes", "no"}, "safe_contact.visit", []any{"yes", "no"}, nil},
		{"consent.share", []string{"yes", "no", "not_asked"}, "consent.share", []any{"yes", "no", "not_asked"}, nil},
	}
	for _, tc := range cases {
		for i, answer := range tc.answers {
			t.Run(tc.field+"="+answer, func(t *testing.T) {
				if !strings.Contains(string(page.Body), fmt.Sprintf(`name="%s" type="radio" value="%s"`, tc.field, answer)) {
					t.Fatalf("the form has no %s answer %q", tc.field, answer)
				}
				v := base()
				v.Set(tc.field, answer)
				if answer == "yes" {
					for k, x := range tc.extra {
						v[k] = x
					}
				}
				res := postForm(t, c, e.URL+"/screen", v)
				loc := res.Header.Get("Location")
				if res.Status != 303 || !strings.HasPrefix(loc, "/screenings/") {
					t.Fatalf("submit: %d %s", res.Status, res.Body)
				}
				sa := e.do("GET", "/api/v1"+loc+"/subject-access", lead, nil).JSON(t)
				var got any = sa["screening"].(map[string]any)["as_submitted"]
				for _, part := range strings.Split(tc.path, ".") {
					m, _ := got.(map[string]any)
					got = m[part]
				}
				if got != tc.want[i] {
					t.Fatalf("%s answered %q is stored as %s = %v, want %v", tc.field, answer, tc.path, got, tc.want[i])
				}
			})
		}
	}
}

// The phone number is checked as a UK number and stored in national form;
// an error names the question in plain words and the summary links to it.
func TestScreeningFormPhoneAndMessages(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	e.user("alpha", "v@example.org", kith.RoleVisitor, "a long password")
	lead := e.token("alpha", kith.RoleLead)
	c := browser(t)
	signIn(t, e, c, "v@example.org", "a long password")
	page := doWith(t, c, "GET", e.URL+"/screen", "", nil)
	csrf := string(csrfRe.FindSubmatch(page.Body)[1])
	// Each question page shows its own problems, the first page with a
	// problem first; moving on from a page checks it and those before it.
	for _, step := range []struct {
		form url.Values
		want []string
	}{
		{url.Values{"person.phone": {"12345"}}, []string{`<a href="#s42-immediate-danger">Say whether anyone is in danger right now</a>`}},
		{url.Values{"_step": {"person"}, "_action": {"continue"}, "s42.immediate_danger": {"no"}, "person.phone": {"12345"}}, []string{
			`<a href="#person-name">Enter the person&#39;s name</a>`,
			`<a href="#person-phone">Enter a UK phone number, like 07700 900123 or 0113 496 0000</a>`}},
		{url.Values{"_step": {"safeguarding"}, "_action": {"continue"}, "s42.immediate_danger": {"no"}, "person.name": {"Ada"}, "person.postcode": {"LS1 4AP"}},
			[]string{`<a href="#s42-unable-to-protect-self">Say whether they could protect themselves</a>`}},
	} {
		step.form.Set("_csrf", csrf)
		r := postForm(t, c, e.URL+"/screen", step.form)
		body := string(r.Body)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%v: status %d, want 422", step.form, r.Status)
		}
		for _, want := range step.want {
			if !strings.Contains(body, want) {
				t.Errorf("the error page lacks %s", want)
			}
		}
		if strings.Contains(body, "is required</a>") || strings.Contains(body, "must be") {
			t.Errorf("an error reads like a rule, not a question")
		}
	}
	v := url.Values{
		"_csrf": {csrf}, "person.name": {"Ada Phone"}, "person.postcode": {"LS1 4AP"}, "person.phone": {"+44 7700 900123"},
		"indicators":                 {"lives_alone", "no_regular_visitors", "rarely_goes_out"},
		"s42.care_and_support_needs": {"no"}, "s42.unable_to_protect_self": {"no"},
		"s42.immediate_danger": {"no"}, "s42.others_at_risk": {"no"}, "s42.capacity_concern": {"no"},
		"s42.crime_suspected": {"no"}, "s42.staff_or_provider_implicated": {"no"}, "s42.visitor_concerned": {"no"},
		"consent.share": {"yes"}, "safe_contact.phone": {"yes"}, "instruments.ucla3.answers[0]": {"3"},
		"instruments.ucla3.answers[1]": {"3"}, "instruments.ucla3.answers[2]": {"3"},
	}
	res := postForm(t, c, e.URL+"/screen", v)
	loc := res.Header.Get("Location")
	if res.Status != 303 {
		t.Fatalf("submit: %d %s", res.Status, res.Body)
	}
	sa := e.do("GET", "/api/v1"+loc+"/subject-access", lead, nil).JSON(t)
	if got := sa["screening"].(map[string]any)["as_submitted"].(map[string]any)["person"].(map[string]any)["phone"]; got != "07700 900123" {
		t.Fatalf("phone stored as %v", got)
	}
	// The result page: distances in words, at most five before "show more",
	// and no language reason when no language was recorded.
	result := string(doWith(t, c, "GET", e.URL+loc, "", nil).Body)
	if strings.Contains(result, "%!") {
		t.Fatalf("formatting artefact on the result page:\n%s", result)
	}
	list := result[strings.Index(result, `id="recommendations"`):]
	list = list[:strings.Index(list, "</ol>")]
	if n := strings.Count(list, "<strong>"); n == 0 || n > 5 {
		t.Fatalf("%d recommendations listed at once", n)
	}
	if !strings.Contains(result, " km)") {
		t.Errorf("no distance shown")
	}
	if strings.Contains(result, "Offered in ") {
		t.Errorf("a language reason with no language recorded")
	}
	if strings.Count(result, "<strong>") > 6 && !strings.Contains(result, `id="more-recommendations"`) {
		t.Errorf("no show more")
	}
}
