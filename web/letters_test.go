package web_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kith-project/kith"
)

func TestReferralLetters(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, map[string]any{
		"person":       map[string]any{"name": "Zoë Müller", "postcode": "LS1 4AP", "address": "1 Example Street\nLeeds\nLS1 4AP"},
		"wishes":       "Company on Sundays; costs under £5",
		"safe_contact": map[string]any{"phone": "yes", "post": "yes", "do_not_contact": "Her son Darren"},
		"indicators":   []string{"lives_alone", "no_regular_visitors", "unexplained_money_problems"},
		"s42": map[string]any{"care_and_support_needs": "yes", "unable_to_protect_self": "unsure", "immediate_danger": false, "others_at_risk": false,
			"capacity_concern": false, "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false},
	})
	base := "/api/v1/referrals/" + ref.ID + "/letters/"
	for _, f := range []string{"provider.pdf", "person.pdf", "concern.pdf"} {
		r := e.do("GET", base+f, nav, nil)
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.Body, []byte("%PDF-")) {
			t.Fatalf("%s: %d %s", f, r.Status, r.Header.Get("Content-Type"))
		}
	}
	prov := e.do("GET", base+"provider.html", nav, nil)
	body := string(prov.Body)
	if prov.Status != 200 || !strings.Contains(body, "<h1") || !strings.Contains(body, "Zoë Müller") || !strings.Contains(body, "£5") {
		t.Fatalf("provider.html: %d %s", prov.Status, body)
	}
	for _, secret := range []string{"Darren", "SG-", "financial", "Unexplained"} {
		if strings.Contains(body, secret) {
			t.Fatalf("the provider letter holds %q", secret)
		}
	}
	concern := string(e.do("GET", base+"concern.html", nav, nil).Body)
	if !strings.Contains(concern, "SG-") {
		t.Fatalf("the concern summary has no reference: %s", concern)
	}
	wantProblem(t, e.do("GET", base+"other.pdf", nav, nil), 404, "")
	wantProblem(t, e.do("GET", base+"provider.doc", nav, nil), 404, "")
	wantProblem(t, e.do("GET", base+"provider.pdf", e.token("alpha", kith.RoleVisitor), nil), 403, "")
	wantProblem(t, e.do("GET", base+"provider.pdf", e.token("beta", kith.RoleNavigator), nil), 404, "")

	// No letter to a home where post is not safe, or with no address.
	unsafe, _ := newReferral(t, e, nav, map[string]any{"safe_contact": map[string]any{"phone": "yes", "post": "no"},
		"person": map[string]any{"name": "A", "postcode": "LS1 4AP", "address": "2 Example Street"}})
	wantProblem(t, e.do("GET", "/api/v1/referrals/"+unsafe.ID+"/letters/person.pdf", nav, nil), 409, "")
	noAddr, _ := newReferral(t, e, nav, map[string]any{"safe_contact": map[string]any{"post": "yes"}})
	wantProblem(t, e.do("GET", "/api/v1/referrals/"+noAddr.ID+"/letters/person.pdf", nav, nil), 409, "")
	// An address that cannot be posted (no street, so two lines with the
	// name) is refused in words; the postcode is added last when the
	// address as typed leaves it off.
	short, _ := newReferral(t, e, nav, map[string]any{"safe_contact": map[string]any{"post": "yes"},
		"person": map[string]any{"name": "Ada Short", "postcode": "LS1 4AP", "address": "LS1 4AP"}})
	r := e.do("GET", "/api/v1/referrals/"+short.ID+"/letters/person.pdf", nav, nil)
	wantProblem(t, r, 409, "person.address")
	if !strings.Contains(string(r.Body), "at least 3 lines") {
		t.Errorf("short address refused without saying why: %s", r.Body)
	}
	noPostcode, _ := newReferral(t, e, nav, map[string]any{"safe_contact": map[string]any{"post": "yes"},
		"person": map[string]any{"name": "Ada Long", "postcode": "LS1 4AP", "address": "3 Example Street\nLeeds"}})
	page := string(e.do("GET", "/api/v1/referrals/"+noPostcode.ID+"/letters/person.html", nav, nil).Body)
	if i := strings.Index(page, `<p class="recipient">`); i < 0 || !strings.Contains(page[i:i+200], "Leeds<br>\nLS1 4AP</p>") {
		t.Errorf("the person letter's address lacks the postcode: %s", page)
	}
	// No concern, no concern summary.
	wantProblem(t, e.do("GET", "/api/v1/referrals/"+noAddr.ID+"/letters/concern.pdf", nav, nil), 404, "")
}
