package web_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kith-project/kith"
)

func pdfWords(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// The person who must not be contacted is shown to the navigator and never
// in anything sent out: the letters (PDF and HTML), the provider's page and
// the emails. The letters say "we have asked" until the service accepts,
// are signed by the navigator by name with the site's number, and give the
// provider its short code.
func TestNothingSentOutNamesTheDoNotContactPerson(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	u := e.user("alpha", "nav@example.org", kith.RoleNavigator, "a long password")
	lead := e.token("alpha", kith.RoleLead)
	c := browser(t)
	signIn(t, e, c, "nav@example.org", "a long password")
	if err := e.App.SetDisplayName(t.Context(), kith.Actor{Site: "alpha", Kind: "user", ID: "0", Role: kith.RoleLead}, u.ID, "Priya Navigator"); err != nil {
		t.Fatal(err)
	}
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, map[string]any{
		"person":       map[string]any{"name": "Ada Example", "postcode": "LS1 4AP", "address": "1 Example Street\nLeeds", "phone": "07700 900123"},
		"wishes":       "A lunch club. Darren Pike must not know.",
		"safe_contact": map[string]any{"phone": "yes", "post": "yes", "do_not_contact": "Darren Pike"},
	})
	if r := move(t, e, nav, ref.ID, map[string]any{"to": "assigned", "assignee": fmt.Sprintf("user:%d", u.ID)}); r.Status != 200 {
		t.Fatalf("assign: %s", r.Body)
	}
	// The navigator sees who must not be contacted, at the top.
	if page := string(doWith(t, c, "GET", e.URL+"/referrals/"+ref.ID, "", nil).Body); !strings.Contains(page, "Do not contact or tell Darren Pike") {
		t.Fatal("the referral page does not show who must not be contacted")
	}
	// The navigator agrees with Ada what is shared.
	sid := e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil).JSON(t)["screening_id"].(string)
	page := doWith(t, c, "GET", e.URL+"/navigator/screenings/"+sid, "", nil)
	postForm(t, c, e.URL+"/navigator/screenings/"+sid, map[string][]string{"_csrf": {pageCSRF(t, page)}, "action": {"words"}, "shared_words": {"A lunch club."}})
	for _, to := range []string{"contacted", "sent"} {
		if r := move(t, e, nav, ref.ID, map[string]any{"to": to}); r.Status != 200 {
			t.Fatalf("%s: %s", to, r.Body)
		}
	}
	link, code := providerLinkOf(t, e, nav, ref.ID)
	sent := map[string]string{}
	base := "/api/v1/referrals/" + ref.ID + "/letters/"
	for _, f := range []string{"provider.html", "person.html"} {
		sent[f] = string(e.do("GET", base+f, nav, nil).Body)
	}
	for _, f := range []string{"provider.pdf", "person.pdf"} {
		sent[f] = pdfWords(t, e.do("GET", base+f, nav, nil).Body)
	}
	sent["provider page"] = string(doWith(t, browser(t), "GET", e.URL+link, "", nil).Body)
	var box struct {
		Items []struct{ Subject, Body string }
	}
	json.Unmarshal(e.do("GET", "/api/v1/outbox", lead, nil).Body, &box)
	for i, m := range box.Items {
		sent[fmt.Sprintf("email %d", i)] = m.Subject + "\n" + m.Body
	}
	for what, body := range sent {
		for _, secret := range []string{"Darren", "Pike", "must not know"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s holds %q", what, secret)
			}
		}
	}
	for _, f := range []string{"provider.pdf", "person.pdf"} {
		if !strings.Contains(sent[f], "Priya Navigator") || !strings.Contains(sent[f], "0113 496 0001") {
			t.Errorf("%s is not signed by the navigator with the site's number: %s", f, sent[f])
		}
	}
	if !strings.Contains(sent["provider.pdf"], code) || !strings.Contains(sent["provider.html"], code) || !strings.Contains(sent["provider.html"], "/provider\"") {
		t.Errorf("the provider letter lacks its code %s: %s", code, sent["provider.html"])
	}
	if !strings.Contains(sent["person.pdf"], "we have asked") || strings.Contains(sent["person.pdf"], "they have agreed") {
		t.Errorf("before the service accepts: %s", sent["person.pdf"])
	}
	if !strings.Contains(sent["provider.html"], "/static/letter.") {
		t.Error("the HTML letter is not styled")
	}
	move(t, e, nav, ref.ID, map[string]any{"to": "accepted"})
	if got := pdfWords(t, e.do("GET", base+"person.pdf", nav, nil).Body); !strings.Contains(got, "they have agreed") {
		t.Errorf("after the service accepts: %s", got)
	}
}
