package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kith-project/kith"
)

// A NUL character (which PostgreSQL cannot store in text, and which no
// text of Kith's means) is refused wherever a request carries text, with
// the field named, on either backend: never a 500.
func TestNULIsRefusedNamingTheField(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	wantProblem(t, e.do("POST", "/api/v1/tokens", lead, `{"role":"visitor","name":"a\u0000b"}`), 422, "name")
	visitor := e.token("alpha", kith.RoleVisitor)
	body := strings.Replace(minimal, `"postcode": "LS1 4AP"`, `"postcode": "LS1 4AP\u0000"`, 1)
	if body == minimal {
		t.Fatal("the minimal screening has no postcode to spoil")
	}
	wantProblem(t, e.do("POST", "/api/v1/screenings", visitor, body), 422, "person.postcode")
	// An escaped backslash before u0000 is text, not a NUL.
	if r := e.do("POST", "/api/v1/tokens", lead, `{"role":"visitor","name":"a\\u0000b"}`); r.Status != 201 {
		t.Fatalf("a name with a backslash: %d %s", r.Status, r.Body)
	}
	wantProblem(t, e.do("GET", "/api/v1/screenings/%00", lead, nil), 404, "")
	wantProblem(t, e.do("GET", "/api/v1/audit?entity_id=%00", lead, nil), 422, "entity_id")

	c := leadBrowser(t, e)
	_, csrf := page(t, e, c, "/lead/settings")
	r := postForm(t, c, e.URL+"/lead/settings", url.Values{"_csrf": {csrf}, "name": {"Alpha\x00Council"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), "NUL") {
		t.Fatalf("a form field with a NUL: %d %s", r.Status, r.Body)
	}
}
