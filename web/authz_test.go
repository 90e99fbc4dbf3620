package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/web"
)

// minRole is who may call each API route: "public", or the lowest role.
// TestAuthorisationMatrix fails when a registered route is missing here,
// so a new route cannot go untested.
var minRole = map[string]string{
	"GET /api/v1/openapi.json":                        "public",
	"GET /api/v1/me":                                  "visitor",
	"GET /api/v1/site":                                "visitor",
	"PUT /api/v1/site":                                "lead",
	"GET /api/v1/audit":                               "lead",
	"GET /api/v1/tokens":                              "lead",
	"POST /api/v1/tokens":                             "lead",
	"DELETE /api/v1/tokens/{id}":                      "lead",
	"GET /api/v1/users":                               "lead",
	"POST /api/v1/users":                              "lead",
	"DELETE /api/v1/users/{id}":                       "lead",
	"GET /api/v1/screening/catalogue":                 "visitor",
	"POST /api/v1/screenings":                         "visitor",
	"GET /api/v1/screenings":                          "navigator",
	"GET /api/v1/screenings/{id}":                     "visitor",
	"GET /api/v1/assets":                              "visitor",
	"POST /api/v1/assets":                             "lead",
	"GET /api/v1/assets/search":                       "visitor",
	"GET /api/v1/assets/stale":                        "lead",
	"GET /api/v1/assets/{id}":                         "visitor",
	"PUT /api/v1/assets/{id}":                         "lead",
	"DELETE /api/v1/assets/{id}":                      "lead",
	"POST /api/v1/assets/import":                      "lead",
	"GET /api/v1/pathways":                            "navigator",
	"POST /api/v1/pathways":                           "lead",
	"GET /api/v1/pathways/active":                     "navigator",
	"POST /api/v1/pathways/preview":                   "lead",
	"GET /api/v1/pathways/{id}/versions/{version}":    "navigator",
	"POST /api/v1/pathways/{id}/activate":             "lead",
	"GET /api/v1/referrals":                           "navigator",
	"POST /api/v1/referrals":                          "navigator",
	"GET /api/v1/referrals/{id}":                      "navigator",
	"GET /api/v1/referrals/{id}/fhir":                 "navigator",
	"POST /api/v1/referrals/{id}/transitions":         "navigator",
	"POST /api/v1/referrals/{id}/notes":               "navigator",
	"POST /api/v1/referrals/{id}/contact-attempts":    "navigator",
	"GET /api/v1/referrals/{id}/letters/{file}":       "navigator",
	"POST /api/v1/screenings/{id}/best-interest":      "navigator",
	"GET /api/v1/screenings/{id}/recommendations":     "navigator",
	"GET /api/v1/outbox":                              "lead",
	"GET /api/v1/concerns":                            "navigator",
	"POST /api/v1/concerns/{id}/outcome":              "lead", // and the safeguarding role (TestConcernRoles)
	"GET /api/v1/reports/summary":                     "lead",
	"GET /api/v1/exports/concerns.csv":                "lead",
	"GET /api/v1/exports/research.csv":                "lead",
	"GET /api/v1/screenings/{id}/subject-access":      "lead",
	"GET /api/v1/screenings/{id}/subject-access.pdf":  "lead",
	"GET /api/v1/screenings/{id}/subject-access.html": "lead",
}

var rank = map[string]int{"public": 0, "visitor": 1, "navigator": 2, "lead": 3}

// TestAuthorisationMatrix calls every API route with no credentials, each
// role, and each role of another site: no credentials is 401, a role below
// the route's is 403, another site's records are 404, and nothing is a 5xx.
func TestAuthorisationMatrix(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, map[string]any{"indicators": []string{"unexplained_money_problems"}, "safe_contact": map[string]any{"phone": "yes", "post": "yes"},
		"person": map[string]any{"name": "A", "postcode": "LS1 4AP", "address": "1 Street"},
		"s42": map[string]any{"care_and_support_needs": "yes", "unable_to_protect_self": "no", "immediate_danger": false, "others_at_risk": false,
			"capacity_concern": false, "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false}})
	lead := e.token("alpha", kith.RoleLead)
	screeningID := e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil).JSON(t)["screening_id"].(string)
	var cons struct{ Items []struct{ ID string } }
	json.Unmarshal(e.do("GET", "/api/v1/concerns", lead, nil).Body, &cons)
	assetID := e.do("GET", "/api/v1/assets?per_page=1", lead, nil).JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string)
	u := e.user("alpha", "matrix@example.org", kith.RoleVisitor, "a long password")
	tokID := fmt.Sprint(int(e.do("GET", "/api/v1/tokens", lead, nil).JSON(t)["items"].([]any)[0].(map[string]any)["id"].(float64)))
	ids := map[string]map[string]string{
		"tokens":     {"id": tokID},
		"users":      {"id": fmt.Sprint(u.ID)},
		"screenings": {"id": screeningID},
		"assets":     {"id": assetID},
		"pathways":   {"id": "default", "version": "1"},
		"referrals":  {"id": ref.ID, "file": "provider.html"},
		"concerns":   {"id": cons.Items[0].ID},
	}
	srv, err := web.New(e.newApp(), discardLogger(), web.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]map[string]string{"alpha": {}, "beta": {}}
	for _, site := range []string{"alpha", "beta"} {
		for _, r := range []kith.Role{kith.RoleVisitor, kith.RoleNavigator, kith.RoleLead} {
			tokens[site][string(r)] = e.token(site, r)
		}
	}
	seen := 0
	for _, rt := range srv.Routes() {
		if !strings.HasPrefix(rt.Path, "/api/v1/") {
			continue
		}
		key := rt.Method + " " + rt.Path
		need, ok := minRole[key]
		if !ok {
			t.Errorf("%s is not in the authorisation matrix", key)
			continue
		}
		seen++
		path := rt.Path
		hasID := strings.Contains(path, "{")
		for _, part := range strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/") {
			if m, ok := ids[part]; ok {
				for k, v := range m {
					path = strings.ReplaceAll(path, "{"+k+"}", v)
				}
				break
			}
		}
		if strings.Contains(path, "{") {
			t.Fatalf("%s: no id to fill in", key)
		}
		// Bodies are empty objects: enough to get past authorisation, and
		// never a 5xx.
		body := any(nil)
		if rt.Method == "POST" || rt.Method == "PUT" {
			body = "{}"
		}
		check := func(who string, r response) {
			t.Helper()
			if r.Status >= 500 {
				t.Errorf("%s as %s: %d %s", key, who, r.Status, r.Body)
			}
		}
		r := e.do(rt.Method, path, "", body)
		check("nobody", r)
		if need != "public" && r.Status != 401 {
			t.Errorf("%s without credentials: %d, want 401", key, r.Status)
		}
		for role, tok := range tokens["alpha"] {
			r := e.do(rt.Method, path, tok, body)
			check(role, r)
			switch {
			case rank[role] < rank[need] && r.Status != 403:
				t.Errorf("%s as %s: %d, want 403", key, role, r.Status)
			case rank[role] >= rank[need] && (r.Status == 401 || r.Status == 403):
				t.Errorf("%s as %s: %d, want access", key, role, r.Status)
			}
		}
		for role, tok := range tokens["beta"] {
			r := e.do(rt.Method, path, tok, body)
			check("beta "+role, r)
			if rank[role] >= rank[need] && hasID && need != "public" && r.Status != 404 && r.Status != 422 && !(rt.Method == "GET" && strings.Contains(key, "/pathways/{id}")) {
				t.Errorf("%s as another site's %s: %d, want 404", key, role, r.Status)
			}
			if hasID && r.Status == 200 && strings.Contains(string(r.Body), screeningID) {
				t.Errorf("%s as another site's %s sees alpha's record", key, role)
			}
		}
	}
	if seen < len(minRole) {
		t.Errorf("the matrix lists %d routes but only %d are registered", len(minRole), seen)
	}
}

// pageRole is who may open each page route: "public", "link" (a signed
// link is the credential), or the lowest role. A page route missing here
// fails the test.
var pageRole = map[string]string{
	"GET /sign-in": "public", "POST /sign-in": "public", "POST /sign-out": "public",
	"GET /static/*": "public", "GET /sw.js": "public", "GET /healthz": "public", "GET /readyz": "public", "GET /metrics": "public",
	"GET /provider/{token}": "link", "POST /provider/{token}": "link", "GET /confirm/{token}": "link", "POST /confirm/{token}": "link",
	"GET /": "visitor", "GET /screen": "visitor", "POST /screen": "visitor", "GET /screenings/{id}": "visitor",
	"GET /worklist": "navigator", "GET /referrals/{id}": "navigator", "POST /referrals/{id}": "navigator",
	"GET /referrals/{id}/letters/{file}": "navigator",
	"GET /navigator/screenings":          "navigator", "GET /navigator/screenings/{id}": "navigator", "POST /navigator/screenings/{id}": "navigator",
	"GET /referrals/{id}/move/{to}": "navigator", "POST /referrals/{id}/move/{to}": "navigator", "POST /lead/users/{id}/name": "lead",
	"GET /provider": "public", "POST /provider": "public",
	"GET /screenings/{id}/subject-access.pdf": "lead", "GET /screenings/{id}/subject-access.html": "lead", "GET /directory": "navigator",
	"GET /oruk/{site}": "public", "GET /oruk/{site}/": "public", "GET /oruk/{site}/services": "public", "GET /oruk/{site}/services/{id}": "public",
	"GET /oruk/{site}/taxonomies": "public", "GET /oruk/{site}/taxonomy_terms": "public",
	"GET /reports": "lead", "GET /reports/{table}": "lead",
	// The second step of signing in: its credential is the half-signed-in
	// session (TestSecondFactor covers it); a reset link is a link.
	"GET /sign-in/code": "link", "POST /sign-in/code": "link", "GET /sign-in/enrol": "link", "POST /sign-in/enrol": "link",
	"GET /reset/{token}": "link", "POST /reset/{token}": "link",
	"GET /sign-in/sso/{site}": "link", "GET /sign-in/sso/callback": "link", // TestOpenIDConnectSignIn
	"GET /account": "visitor", "POST /account/password": "visitor", "GET /account/mfa": "visitor", "POST /account/mfa": "visitor",
	"GET /screenings/to-check": "navigator", "POST /screenings/{id}/review": "navigator",
	// The safeguarding front door: the concerns pages are the safeguarding
	// role's and the lead's (the role is beside the others, not in their
	// order: TestBrowserConcernFrontDoor signs in as an officer).
	"GET /concerns": "lead", "GET /concerns/{id}": "lead", "POST /concerns/{id}": "lead", "GET /concerns/{id}/{file}": "lead",
	"GET /concerns-raised": "visitor", "GET /concern-summary/{token}": "link", "GET /concern-summary/{token}/summary.pdf": "link",
}

// TestPageAuthorisationMatrix opens every page route signed out and as each
// role: signed out goes to sign-in, a role below the page's gets 403. The
// /lead pages are all lead-only. A provider's signed link is refused as an
// API credential.
func TestPageAuthorisationMatrix(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, nil)
	send(t, e, nav, ref.ID)
	link := providerRe.FindString(e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil).JSON(t)["provider_url"].(string))
	token := strings.TrimPrefix(link, "/provider/")
	// A provider's link is not an API credential.
	if r := e.do("GET", "/api/v1/referrals/"+ref.ID, token, nil); r.Status != 401 {
		t.Fatalf("a provider link as a bearer token: %d", r.Status)
	}
	browsers := map[string]*http.Client{}
	for _, role := range []kith.Role{kith.RoleVisitor, kith.RoleNavigator, kith.RoleLead} {
		email := string(role) + "@matrix.example"
		e.user("alpha", email, role, "a long password")
		c := browser(t)
		signIn(t, e, c, email, "a long password")
		browsers[string(role)] = c
	}
	screeningID := e.do("GET", "/api/v1/referrals/"+ref.ID, nav, nil).JSON(t)["screening_id"].(string)
	fill := strings.NewReplacer("{id}", ref.ID, "{file}", "provider.html", "{table}", "funnel.csv", "{token}", token, "{site}", "alpha", "*", "x")
	srv, err := web.New(e.newApp(), discardLogger(), web.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range srv.Routes() {
		if strings.HasPrefix(rt.Path, "/api/v1/") {
			continue
		}
		key := rt.Method + " " + rt.Path
		need, ok := pageRole[key]
		if strings.HasPrefix(rt.Path, "/lead/") {
			need, ok = "lead", true
		}
		if !ok {
			t.Errorf("page route %s is not in the matrix", key)
			continue
		}
		path := fill.Replace(rt.Path)
		if strings.HasPrefix(rt.Path, "/screenings/") {
			path = strings.Replace(rt.Path, "{id}", screeningID, 1)
		}
		if need == "public" || need == "link" || rt.Method == "POST" {
			// Posts need a form token; their guards are the same middleware
			// as the GETs checked here, and the handlers' tests cover them.
			continue
		}
		r := doWith(t, browser(t), rt.Method, e.URL+path, "", nil)
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in") {
			t.Errorf("%s signed out: %d %s, want a redirect to sign-in", key, r.Status, r.Header.Get("Location"))
		}
		for role, c := range browsers {
			r := doWith(t, c, rt.Method, e.URL+path, "", nil)
			switch {
			case r.Status >= 500:
				t.Errorf("%s as %s: %d", key, role, r.Status)
			case rank[role] < rank[need] && r.Status != 403:
				t.Errorf("%s as %s: %d, want 403", key, role, r.Status)
			case rank[role] >= rank[need] && (r.Status == 403 || r.Status == 401 || r.Status == 303):
				t.Errorf("%s as %s: %d, want the page", key, role, r.Status)
			}
		}
	}
}
