package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/pathways"
)

// leadBrowser signs a new lead of alpha in and returns the client.
func leadBrowser(t *testing.T, e *env) *http.Client {
	t.Helper()
	e.user("alpha", "lead@example.org", kith.RoleLead, "a long password")
	c := browser(t)
	if r := signIn(t, e, c, "lead@example.org", "a long password"); r.Status != http.StatusSeeOther {
		t.Fatalf("lead sign-in: %d", r.Status)
	}
	return c
}

// page gets a page and its CSRF token.
func page(t *testing.T, e *env, c *http.Client, path string) (response, string) {
	t.Helper()
	r := doWith(t, c, "GET", e.URL+path, "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	m := csrfRe.FindSubmatch(r.Body)
	if m == nil {
		t.Fatalf("GET %s: no CSRF field", path)
	}
	return r, string(m[1])
}

// text is a page's body with HTML entities decoded, to look for messages in.
func text(r response) string { return html.UnescapeString(string(r.Body)) }

// follow checks a POST answered with a redirect to want and gets the page.
func follow(t *testing.T, e *env, c *http.Client, r response, want string) response {
	t.Helper()
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != want {
		t.Fatalf("want a redirect to %s, got %d %v: %s", want, r.Status, r.Header.Get("Location"), r.Body)
	}
	got := doWith(t, c, "GET", e.URL+want, "", nil)
	if got.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", want, got.Status, got.Body)
	}
	return got
}

// upload posts files through the import form.
func upload(t *testing.T, e *env, c *http.Client, csrf string, files map[string][]byte) response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("_csrf", csrf); err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(b)
	}
	mw.Close()
	return doWith(t, c, "POST", e.URL+"/lead/directory/import", "", buf.Bytes(), "Content-Type", mw.FormDataContentType())
}

func TestLeadImportThroughTheUploadForm(t *testing.T) {
	e := newEnv(t)
	c := leadBrowser(t, e)
	_, csrf := page(t, e, c, "/lead/directory/import")
	svcs := assets.DemoServicesAt(e.Now())[:3]
	body, _ := json.Marshal(toORUKList(svcs))
	r := follow(t, e, c, upload(t, e, c, csrf, map[string][]byte{"directory.json": body}), "/lead/directory/import")
	if !strings.Contains(text(r), "3 services imported: 3 new, 0 updated.") {
		t.Fatalf("no import report: %s", r.Body)
	}
	// The report is shown once: reloading the page does not show it again,
	// and the import is not sent again.
	if again := doWith(t, c, "GET", e.URL+"/lead/directory/import", "", nil); strings.Contains(text(again), "services imported") {
		t.Fatal("the report was shown twice")
	}
	// The same file again updates, never duplicates; warnings are listed.
	svcs[0].Relationships = nil
	body, _ = json.Marshal(toORUKList(svcs))
	r = follow(t, e, c, upload(t, e, c, csrf, map[string][]byte{"directory.json": body}), "/lead/directory/import")
	if !strings.Contains(text(r), "3 services imported: 0 new, 3 updated.") || !strings.Contains(text(r), "no pathway will recommend it") {
		t.Fatalf("second import report: %s", r.Body)
	}
	list, _ := page(t, e, c, "/lead/directory")
	for _, s := range svcs {
		if !strings.Contains(text(list), s.Name) {
			t.Errorf("%s not listed in the directory admin", s.Name)
		}
	}
}

func TestLeadImportListsEveryProblem(t *testing.T) {
	e := newEnv(t)
	c := leadBrowser(t, e)
	_, csrf := page(t, e, c, "/lead/directory/import")
	demo := assets.DemoServicesAt(e.Now())
	good := assets.ToORUK(demo[0])
	noName := assets.ToORUK(demo[1])
	delete(noName, "name")
	badType := assets.ToORUK(demo[2])
	badType["status"] = 7
	badEmail := assets.ToORUK(demo[3])
	badEmail["email"] = "not an email"
	cases := []struct {
		name  string
		items []any
	}{
		{"a few problems", []any{good, noName, badType, badEmail}},
		{"more problems than the summary lists", func() []any {
			var out []any
			for i := range 30 {
				s := assets.ToORUK(demo[i])
				delete(s, "name")
				out = append(out, s)
			}
			return out
		}()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, _ := json.Marshal(tc.items)
			_, want := assets.ParseJSON(body, nil)
			problems := kith.FieldErrors(want)
			if len(problems) < 2 {
				t.Fatalf("the file should have several problems: %v", want)
			}
			r := upload(t, e, c, csrf, map[string][]byte{"directory.json": body})
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			got := text(r)
			if !strings.Contains(got, `class="govuk-error-summary"`) || !strings.Contains(got, "Nothing was imported") {
				t.Fatalf("no error summary: %s", got)
			}
			for _, p := range problems {
				if !strings.Contains(got, ">"+p.Field+"<") || !strings.Contains(got, p.Message) {
					t.Errorf("problem not listed: %s: %s", p.Field, p.Message)
				}
			}
			if n := strings.Count(got, `<tr class="govuk-table__row">`) - 1; n != len(problems) {
				t.Errorf("the table lists %d problems, want %d", n, len(problems))
			}
			if _, total, _ := e.Stores.Directory.ListServices(context.Background(), "alpha", app.ServiceFilter{Page: kith.Page{Number: 1, Size: 1}}); total != 0 {
				t.Fatalf("a refused file imported %d services", total)
			}
		})
	}
	// A file that is not JSON, and no file at all, are problems on the page too.
	r := upload(t, e, c, csrf, map[string][]byte{"broken.json": []byte(`{"name": `)})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), "The file is not valid JSON") {
		t.Fatalf("not JSON: %d %s", r.Status, r.Body)
	}
	r = upload(t, e, c, csrf, nil)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), "choose a JSON file") {
		t.Fatalf("no file: %d %s", r.Status, r.Body)
	}
}

func TestLeadEditsAServiceKeepingTheRest(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	c := leadBrowser(t, e)
	ctx := context.Background()
	before, err := e.Stores.Directory.Service(ctx, "alpha", assets.DemoServicesAt(e.Now())[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	path := "/lead/directory/" + url.PathEscape(before.ID)
	form, csrf := page(t, e, c, path)
	if !strings.Contains(text(form), `value="`+before.Name+`"`) {
		t.Fatalf("the form does not hold the name: %s", form.Body)
	}
	v := url.Values{"_csrf": {csrf}, "name": {"Renamed service"}, "description": {before.Description}, "category": {"social_group"},
		"relationships": {"risk_factor", "carers"}, "support_to_attend": {"by_phone"}, "capacity": {"waiting_list"},
		"cost.description": {"£2 a session"}, "languages": {"EN, ur"}, "email": {"new@example.org"}, "public": {"true"},
		"last_confirmed": {"2026-01-31"}}
	// A problem shows the form again with what was typed.
	bad := url.Values{}
	for k, vs := range v {
		bad[k] = vs
	}
	bad.Set("languages", "en, english")
	bad.Set("last_confirmed", "31/01/2026")
	r := postForm(t, c, e.URL+path, bad)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), `Languages: "english": must be an ISO 639 language code`) ||
		!strings.Contains(text(r), "Last confirmed: must be a date") || !strings.Contains(text(r), `value="Renamed service"`) {
		t.Fatalf("bad form: %d %s", r.Status, r.Body)
	}
	follow(t, e, c, postForm(t, c, e.URL+path, v), "/lead/directory")
	after, err := e.Stores.Directory.Service(ctx, "alpha", before.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := before
	want.Name, want.Category, want.Relationships, want.SupportToAttend = "Renamed service", "social_group", []string{"risk_factor", "carers"}, []string{"by_phone"}
	want.Capacity, want.Cost.Free, want.Cost.Description, want.Languages = "waiting_list", false, "£2 a session", []string{"en", "ur"}
	want.Email, want.Public, want.LastConfirmed = "new@example.org", true, "2026-01-31"
	want.UpdatedAt = after.UpdatedAt
	if diff := cmp.Diff(want, after); diff != "" {
		t.Fatalf("service after the edit (-want +got):\n%s", diff)
	}
	// Delete takes it out of the list.
	list, csrf := page(t, e, c, "/lead/directory?q=Renamed")
	if !strings.Contains(text(list), "Renamed service") {
		t.Fatal("renamed service not found")
	}
	follow(t, e, c, postForm(t, c, e.URL+path+"/delete", url.Values{"_csrf": {csrf}}), "/lead/directory")
	if r := doWith(t, c, "GET", e.URL+path, "", nil); r.Status != http.StatusNotFound {
		t.Fatalf("a deleted service's form: %d", r.Status)
	}
	// An id with characters that travel escaped in a path still finds its service.
	odd := &assets.Service{ID: "odd/id ü", Name: "Odd one", Category: "befriending", Capacity: "open"}
	if err := e.Stores.Directory.CreateService(ctx, kith.Actor{Site: "alpha", Kind: "system", ID: "test"}, odd); err != nil {
		t.Fatal(err)
	}
	oddPage, csrf := page(t, e, c, "/lead/directory/"+url.PathEscape(odd.ID))
	if !strings.Contains(text(oddPage), "Odd one") {
		t.Fatalf("the odd id's page: %s", oddPage.Body)
	}
	follow(t, e, c, postForm(t, c, e.URL+"/lead/directory/"+url.PathEscape(odd.ID), url.Values{"_csrf": {csrf}, "name": {"Odd two"},
		"category": {"befriending"}, "capacity": {"full"}}), "/lead/directory")
	if got, _ := e.Stores.Directory.Service(ctx, "alpha", odd.ID); got.Name != "Odd two" || got.Capacity != "full" {
		t.Fatalf("the odd id's service was not changed: %+v", got)
	}
	// A new service.
	_, csrf = page(t, e, c, "/lead/directory/new")
	r = postForm(t, c, e.URL+"/lead/directory/new", url.Values{"_csrf": {csrf}, "name": {""}, "capacity": {"open"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), "Name: is required") || !strings.Contains(text(r), "Kind of support: is required") {
		t.Fatalf("empty new service: %d %s", r.Status, r.Body)
	}
	done := follow(t, e, c, postForm(t, c, e.URL+"/lead/directory/new", url.Values{"_csrf": {csrf}, "name": {"Knit and natter"},
		"category": {"social_group"}, "capacity": {"open"}, "relationships": {"risk_factor"}}), "/lead/directory")
	if !strings.Contains(text(done), "Knit and natter added to the directory.") {
		t.Fatalf("no notice: %s", done.Body)
	}
}

func TestLeadStaleServicesShowTheirLinks(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	c := leadBrowser(t, e)
	r, _ := page(t, e, c, "/lead/directory")
	link := confirmRe.FindString(text(r))
	if link == "" {
		t.Fatalf("no confirm link on the page: %s", r.Body)
	}
	if p := doWith(t, browser(t), "GET", e.URL+link, "", nil); p.Status != http.StatusOK || !strings.Contains(string(p.Body), "still up to date") {
		t.Fatalf("the link does not open the confirm page: %d", p.Status)
	}
}

// badRuleDocument is the default pathway with a rule that does not compile.
func badRuleDocument(t *testing.T) string {
	var doc map[string]any
	if err := json.Unmarshal(pathways.DefaultDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	rules := doc["rules"].([]any)
	rules[1] = map[string]any{"id": "typo", "when": "level.risk_factr >= ", "offer": []string{"befriending"}}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return string(b)
}

func TestLeadPathwayEditorRefusesABadRule(t *testing.T) {
	e := newEnv(t)
	c := leadBrowser(t, e)
	r, csrf := page(t, e, c, "/lead/pathways/default")
	if !strings.Contains(text(r), `"name": "Default prevention pathway"`) {
		t.Fatalf("the editor does not hold the latest version: %s", r.Body)
	}
	doc := badRuleDocument(t)
	r = postForm(t, c, e.URL+"/lead/pathways/default", url.Values{"_csrf": {csrf}, "document": {doc}, "activate": {"true"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.Status)
	}
	got := text(r)
	if !strings.Contains(got, `<a href="#document">document.rules[1].when: rule "typo" does not compile`) {
		t.Fatalf("the rule's error is not in the error summary: %s", got)
	}
	if !strings.Contains(got, `"when": "level.risk_factr \u003e= "`) && !strings.Contains(got, `"when": "level.risk_factr >= "`) {
		t.Fatalf("what was typed is not kept: %s", got)
	}
	items, _, err := e.Stores.Pathways.ListPathways(context.Background(), "alpha", kith.Page{Number: 1, Size: 10})
	if err != nil || len(items) != 1 || items[0].LatestVersion != 1 {
		t.Fatalf("a bad pathway was saved: %+v %v", items, err)
	}
	// A good one is saved as version 2 and made active.
	var d map[string]any
	json.Unmarshal(pathways.DefaultDocument(), &d)
	d["name"] = "Second"
	good, _ := json.Marshal(d)
	done := follow(t, e, c, postForm(t, c, e.URL+"/lead/pathways/default", url.Values{"_csrf": {csrf}, "document": {string(good)}, "activate": {"true"}}), "/lead/pathways/default")
	if !strings.Contains(text(done), "Version 2 of default saved and active") {
		t.Fatalf("no notice: %s", done.Body)
	}
	if act, _, _ := e.Stores.Pathways.ActivePathway(context.Background(), "alpha"); act.Version != 2 {
		t.Fatalf("active version = %d, want 2", act.Version)
	}
	// Version 1 can be made active again.
	_, csrf = page(t, e, c, "/lead/pathways/default?version=1")
	follow(t, e, c, postForm(t, c, e.URL+"/lead/pathways/default/activate", url.Values{"_csrf": {csrf}, "version": {"1"}}), "/lead/pathways/default")
	if act, _, _ := e.Stores.Pathways.ActivePathway(context.Background(), "alpha"); act.Version != 1 {
		t.Fatalf("active version = %d, want 1", act.Version)
	}
}

func TestLeadPathwayPreview(t *testing.T) {
	e := newEnv(t)
	lead := demoDirectory(t, e)
	c := leadBrowser(t, e)
	s := e.do("POST", "/api/v1/screenings", e.token("alpha", kith.RoleVisitor), lonelyAtHome(t, "yes", nil)).JSON(t)
	var def map[string]any
	json.Unmarshal(pathways.DefaultDocument(), &def)
	def["rules"] = append([]any{map[string]any{"id": "phone-first", "when": "level.risk_factor >= 1", "relationship": "risk_factor",
		"offer": []string{"telephone_befriending"}}}, def["rules"].([]any)...)
	doc, _ := json.Marshal(def)
	api := e.do("POST", "/api/v1/pathways/preview", lead, map[string]any{"document": json.RawMessage(doc), "screening_id": s["id"]})
	var want struct {
		Recommendations []struct{ Name string }
	}
	if err := json.Unmarshal(api.Body, &want); err != nil || len(want.Recommendations) == 0 {
		t.Fatalf("API preview: %s", api.Body)
	}
	_, csrf := page(t, e, c, "/lead/pathways/default")
	r := postForm(t, c, e.URL+"/lead/pathways/default/preview", url.Values{"_csrf": {csrf}, "document": {string(doc)}, "screening_id": {s["id"].(string)}})
	if r.Status != http.StatusOK {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	got := text(r)
	if !strings.Contains(got, "Services the draft recommends") || !strings.Contains(got, "phone-first") {
		t.Fatalf("no recommendations or outcome: %s", got)
	}
	for _, rec := range want.Recommendations {
		if !strings.Contains(got, rec.Name) {
			t.Errorf("recommendation %q not shown", rec.Name)
		}
	}
	if items, _, _ := e.Stores.Pathways.ListPathways(context.Background(), "alpha", kith.Page{Number: 1, Size: 10}); items[0].LatestVersion != 1 {
		t.Fatal("a preview saved a version")
	}
	// An unknown screening, and a bad rule, are problems on the page.
	r = postForm(t, c, e.URL+"/lead/pathways/default/preview", url.Values{"_csrf": {csrf}, "document": {badRuleDocument(t)}, "screening_id": {"nope"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), `rule "typo" does not compile`) {
		t.Fatalf("preview of a bad rule: %d %s", r.Status, r.Body)
	}
	r = postForm(t, c, e.URL+"/lead/pathways/default/preview", url.Values{"_csrf": {csrf}, "document": {string(doc)}, "screening_id": {"nope"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), `<a href="#screening-id">Screening id: no screening in this site has that id`) {
		t.Fatalf("preview of an unknown screening: %d %s", r.Status, r.Body)
	}
}

var tokenShown = regexp.MustCompile(`id="new-token" type="text" readonly value="(kith_[A-Za-z0-9_-]+)"`)

func TestLeadTokenSecretShownOnce(t *testing.T) {
	e := newEnv(t)
	c := leadBrowser(t, e)
	_, csrf := page(t, e, c, "/lead/tokens")
	r := postForm(t, c, e.URL+"/lead/tokens", url.Values{"_csrf": {csrf}, "name": {""}, "role": {"boss"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), "What uses it: is required") || !strings.Contains(text(r), "Role: must be one of") {
		t.Fatalf("bad token form: %d %s", r.Status, r.Body)
	}
	r = postForm(t, c, e.URL+"/lead/tokens", url.Values{"_csrf": {csrf}, "name": {"Case system"}, "role": {"navigator"}})
	if bytes.Contains(r.Body, []byte("kith_")) {
		t.Fatal("the secret is in the redirect's body")
	}
	got := follow(t, e, c, r, "/lead/tokens")
	m := tokenShown.FindSubmatch(got.Body)
	if m == nil {
		t.Fatalf("the secret is not shown: %s", got.Body)
	}
	secret := string(m[1])
	if me := e.do("GET", "/api/v1/me", secret, nil); me.Status != 200 || me.JSON(t)["role"] != "navigator" {
		t.Fatalf("the shown token does not work: %d %s", me.Status, me.Body)
	}
	again := doWith(t, c, "GET", e.URL+"/lead/tokens", "", nil)
	if strings.Contains(string(again.Body), secret) || !strings.Contains(string(again.Body), "Case system") {
		t.Fatal("the secret was shown a second time, or the token is not listed")
	}
	// Revoking it stops it working.
	tokens, _, _ := e.Stores.Tokens.ListTokens(context.Background(), "alpha", kith.Page{Number: 1, Size: 10})
	_, csrf = page(t, e, c, "/lead/tokens")
	follow(t, e, c, postForm(t, c, e.URL+fmt.Sprintf("/lead/tokens/%d/revoke", tokens[0].ID), url.Values{"_csrf": {csrf}}), "/lead/tokens")
	if me := e.do("GET", "/api/v1/me", secret, nil); me.Status != http.StatusUnauthorized {
		t.Fatalf("a revoked token: %d", me.Status)
	}
}

func TestLeadUsers(t *testing.T) {
	e := newEnv(t)
	c := leadBrowser(t, e)
	_, csrf := page(t, e, c, "/lead/users")
	r := postForm(t, c, e.URL+"/lead/users", url.Values{"_csrf": {csrf}, "email": {"new@example.org"}, "role": {"visitor"}, "password": {"short"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), "Password: must be at least 12 characters") ||
		!strings.Contains(text(r), `value="new@example.org"`) || strings.Contains(text(r), `value="short"`) {
		t.Fatalf("bad user form: %d %s", r.Status, r.Body)
	}
	done := follow(t, e, c, postForm(t, c, e.URL+"/lead/users", url.Values{"_csrf": {csrf}, "email": {"new@example.org"}, "role": {"visitor"},
		"password": {"a long password"}}), "/lead/users")
	if !strings.Contains(text(done), "new@example.org can now sign in as a visitor.") {
		t.Fatalf("no notice: %s", done.Body)
	}
	if r := signIn(t, e, browser(t), "new@example.org", "a long password"); r.Status != http.StatusSeeOther {
		t.Fatalf("the new user cannot sign in: %d", r.Status)
	}
	r = postForm(t, c, e.URL+"/lead/users", url.Values{"_csrf": {csrf}, "email": {"new@example.org"}, "role": {"visitor"}, "password": {"a long password"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), "Email address: is already in use") {
		t.Fatalf("a repeated email: %d %s", r.Status, r.Body)
	}
	users, _, _ := e.Stores.Users.ListUsers(context.Background(), "alpha", kith.Page{Number: 1, Size: 10})
	var me, other int64
	for _, u := range users {
		if u.Email == "lead@example.org" {
			me = u.ID
		} else {
			other = u.ID
		}
	}
	if r := postForm(t, c, e.URL+fmt.Sprintf("/lead/users/%d/disable", me), url.Values{"_csrf": {csrf}}); r.Status != http.StatusConflict {
		t.Fatalf("a lead disabled themselves: %d", r.Status)
	}
	follow(t, e, c, postForm(t, c, e.URL+fmt.Sprintf("/lead/users/%d/disable", other), url.Values{"_csrf": {csrf}}), "/lead/users")
	if r := signIn(t, e, browser(t), "new@example.org", "a long password"); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a disabled user signed in: %d", r.Status)
	}
}

func TestLeadSettings(t *testing.T) {
	e := newEnv(t)
	c := leadBrowser(t, e)
	r, csrf := page(t, e, c, "/lead/settings")
	if !strings.Contains(text(r), `value="0113 496 0000"`) {
		t.Fatalf("the form does not hold the settings: %s", r.Body)
	}
	ctx := context.Background()
	site, _ := e.Stores.Sites.Site(ctx, "alpha")
	site.Settings.UnitCosts = []kith.CostItem{{Name: "Hospital admission", UnitCost: 2000, Driver: "engaged_referrals", RateCentral: 0.1, RateHigh: 0.1}}
	if err := e.Stores.Sites.UpdateSiteSettings(ctx, kith.Actor{Site: "alpha", Kind: "system", ID: "test"}, site.Name, site.Settings); err != nil {
		t.Fatal(err)
	}
	v := url.Values{"_csrf": {csrf}, "name": {"Alpha Council"}, "safeguarding_phone": {"0113 222 3333"}, "safeguarding_email": {""},
		"navigator_phone": {"0113 444 5555"}, "navigator_email": {"nav@alpha.example"}, "colour": {"#FF0000"}, "categories": {"men_in_sheds\r\nwarm_spaces\r\n"},
		// The form shows the unit costs as it found them; a save sends them back.
		"unit_costs": {"Hospital admission | 2000 | engaged_referrals | 0 | 0.1 | 0.1"}}
	bad := url.Values{}
	for k, vs := range v {
		bad[k] = vs
	}
	bad.Set("colour", "red")
	bad.Set("categories", "befriending\nBad Code")
	r = postForm(t, c, e.URL+"/lead/settings", bad)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), "Colour: must be a colour") ||
		!strings.Contains(text(r), `"befriending" is already one of Kith's own kinds`) || !strings.Contains(text(r), `"Bad Code" must be lower_snake_case`) {
		t.Fatalf("bad settings: %d %s", r.Status, r.Body)
	}
	follow(t, e, c, postForm(t, c, e.URL+"/lead/settings", v), "/lead/settings")
	got, _ := e.Stores.Sites.Site(ctx, "alpha")
	want := kith.SiteSettings{SafeguardingPhone: "0113 222 3333", NavigatorPhone: "0113 444 5555", NavigatorEmail: "nav@alpha.example",
		Colour: "#ff0000", Categories: []string{"men_in_sheds", "warm_spaces"}, UnitCosts: site.Settings.UnitCosts}
	if diff := cmp.Diff(want, got.Settings); diff != "" || got.Name != "Alpha Council" {
		t.Fatalf("settings (-want +got):\n%s %s", diff, got.Name)
	}
	// A site category still in use cannot be removed.
	a := kith.Actor{Site: "alpha", Kind: "system", ID: "test"}
	if err := e.Stores.Directory.CreateService(ctx, a, &assets.Service{Name: "Shed", Category: "men_in_sheds", Capacity: "open"}); err != nil {
		t.Fatal(err)
	}
	v.Set("categories", "warm_spaces")
	r = postForm(t, c, e.URL+"/lead/settings", v)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), `1 service is still in "men_in_sheds"`) {
		t.Fatalf("removing a category in use: %d %s", r.Status, r.Body)
	}
}

func TestLeadAuditPage(t *testing.T) {
	e := newEnv(t)
	c := leadBrowser(t, e)
	_, csrf := page(t, e, c, "/lead/tokens")
	follow(t, e, c, postForm(t, c, e.URL+"/lead/tokens", url.Values{"_csrf": {csrf}, "name": {"Audited"}, "role": {"visitor"}}), "/lead/tokens")
	r, _ := page(t, e, c, "/lead/audit")
	got := text(r)
	for _, want := range []string{"create", "token", "site alpha", "lead@example.org"} {
		if !strings.Contains(got, want) {
			t.Errorf("the audit page does not show %q", want)
		}
	}
	r, _ = page(t, e, c, "/lead/audit?entity=token")
	if strings.Contains(text(r), "site alpha") || !strings.Contains(text(r), "1 entry match") {
		t.Fatalf("the filter did not filter: %s", r.Body)
	}
	r, _ = page(t, e, c, "/lead/audit?actor=LEAD@example.org")
	if !strings.Contains(text(r), "token") || strings.Contains(text(r), "system:test") {
		t.Fatalf("the filter by email did not filter: %s", r.Body)
	}
	today := e.Now().Format(time.DateOnly)
	if r, _ := page(t, e, c, "/lead/audit?from="+today+"&to="+today+"&per_page=1"); !strings.Contains(text(r), "Page 2 of") {
		t.Fatalf("no paging: %s", r.Body)
	}
	bad := doWith(t, c, "GET", e.URL+"/lead/audit?from=yesterday", "", nil)
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(text(bad), `<a href="#from">From: write a date like 2026-03-31`) {
		t.Fatalf("a bad date: %d %s", bad.Status, bad.Body)
	}
}

// Only a lead may use the lead's pages: every route under /lead, read or
// write, answers a navigator (with a good CSRF token) 403.
func TestLeadPagesRefuseANavigator(t *testing.T) {
	e := newEnv(t)
	e.user("alpha", "nav@example.org", kith.RoleNavigator, "a long password")
	c := browser(t)
	signIn(t, e, c, "nav@example.org", "a long password")
	_, csrf := page(t, e, c, "/worklist")
	n := 0
	for _, rt := range e.srv.Routes() {
		if !strings.HasPrefix(rt.Path, "/lead/") {
			continue
		}
		n++
		path := e.URL + strings.ReplaceAll(rt.Path, "{id}", "1")
		var r response
		if rt.Method == http.MethodPost {
			r = postForm(t, c, path, url.Values{"_csrf": {csrf}, "name": {"x"}})
		} else {
			r = doWith(t, c, rt.Method, path, "", nil)
		}
		if r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "may not do this") {
			t.Errorf("%s %s as a navigator: %d", rt.Method, rt.Path, r.Status)
		}
	}
	if n < 20 {
		t.Fatalf("only %d lead routes found", n)
	}
}

// The result carried across a redirect is for the person who sent the form.
func TestLeadResultIsNotShownToAnotherLead(t *testing.T) {
	e := newEnv(t)
	c := leadBrowser(t, e)
	_, csrf := page(t, e, c, "/lead/tokens")
	r := postForm(t, c, e.URL+"/lead/tokens", url.Values{"_csrf": {csrf}, "name": {"Mine"}, "role": {"visitor"}})
	var flash *http.Cookie
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.Name == "kith_flash" {
			flash = ck
		}
	}
	if flash == nil || !flash.HttpOnly || flash.SameSite != http.SameSiteStrictMode {
		t.Fatalf("the result cookie: %+v", flash)
	}
	e.user("alpha", "other@example.org", kith.RoleLead, "a long password")
	other := browser(t)
	signIn(t, e, other, "other@example.org", "a long password")
	u, _ := url.Parse(e.URL + "/lead/")
	other.Jar.SetCookies(u, []*http.Cookie{{Name: "kith_flash", Value: flash.Value, Path: "/lead/"}})
	if got := doWith(t, other, "GET", e.URL+"/lead/tokens", "", nil); tokenShown.Match(got.Body) {
		t.Fatal("another lead saw the secret")
	}
	other.Jar.SetCookies(u, []*http.Cookie{{Name: "kith_flash", Value: "forged" + flash.Value, Path: "/lead/"}})
	if got := doWith(t, other, "GET", e.URL+"/lead/tokens", "", nil); got.Status != http.StatusOK {
		t.Fatalf("a forged cookie: %d", got.Status)
	}
}

// Every lead page passes the accessibility check, error states included.
func TestBrowserLeadPagesAccessibility(t *testing.T) {
	e := browserEnv(t)
	visitor := e.token("alpha", kith.RoleVisitor)
	s := e.do("POST", "/api/v1/screenings", visitor, lonelyAtHome(t, "yes", nil)).JSON(t)
	ctx := newBrowser(t, 1024, 900)
	browserSignIn(t, ctx, e.URL, "lead@example.org", "a long password")
	svc := assets.DemoServicesAt(e.Now())[0].ID
	for _, p := range []string{"/lead/directory", "/lead/directory/new", "/lead/directory/" + url.PathEscape(svc), "/lead/directory/import",
		"/lead/pathways", "/lead/pathways?new=Bad+Id", "/lead/pathways/default", "/lead/pathways/new-one", "/lead/users", "/lead/tokens",
		"/lead/audit", "/lead/audit?from=nope", "/lead/settings", "/lead/sign-in"} {
		do(t, ctx, chromedp.Navigate(e.URL+p), chromedp.WaitVisible("h1"))
		checkAccessibility(t, ctx, p)
	}
	// Forms sent with problems, and the results of forms.
	type step struct {
		name, page, want string // want: a selector that shows the form's result
		actions          []chromedp.Action[chromedp.Void]
	}
	steps := []step{
		{"service form with problems", "/lead/directory/new", ".govuk-error-summary", []chromedp.Action[chromedp.Void]{chromedp.Click(`main form button[type=submit]`)}},
		{"settings with problems", "/lead/settings", ".govuk-error-summary", []chromedp.Action[chromedp.Void]{chromedp.SetValue("#colour", "red"), chromedp.Click(`main form button[type=submit]`)}},
		{"users with problems", "/lead/users", ".govuk-error-summary", []chromedp.Action[chromedp.Void]{chromedp.Click(`form[action="/lead/users"] button[type=submit]`)}},
		{"token made", "/lead/tokens", "#new-token", []chromedp.Action[chromedp.Void]{chromedp.SetValue("#name", "Case system"), chromedp.Click("#role"),
			chromedp.Click(`form[action="/lead/tokens"] button[type=submit]`)}},
		{"pathway with a bad rule", "/lead/pathways/default", "#document-error", []chromedp.Action[chromedp.Void]{chromedp.SetValue("#document", badRuleDocument(t)),
			chromedp.Click(`main form button.govuk-button:not(.govuk-button--secondary)`)}},
		{"pathway preview", "/lead/pathways/default", "#preview", []chromedp.Action[chromedp.Void]{chromedp.SetValue("#screening-id", s["id"].(string)),
			chromedp.Click(`button[formaction$="/preview"]`)}},
	}
	dir := t.TempDir()
	demo := assets.DemoServicesAt(e.Now())
	noName := assets.ToORUK(demo[1])
	delete(noName, "name")
	goodFile, badFile := filepath.Join(dir, "good.json"), filepath.Join(dir, "bad.json")
	b, _ := json.Marshal(toORUKList(demo[:2]))
	os.WriteFile(goodFile, b, 0o600)
	b, _ = json.Marshal([]any{assets.ToORUK(demo[0]), noName})
	os.WriteFile(badFile, b, 0o600)
	steps = append(steps,
		step{"import with problems", "/lead/directory/import", "#import-problems", []chromedp.Action[chromedp.Void]{
			chromedp.SetUploadFiles("#file", []string{badFile}), chromedp.Click(`main form button[type=submit]`)}},
		step{"import report", "/lead/directory/import", ".govuk-notification-banner", []chromedp.Action[chromedp.Void]{
			chromedp.SetUploadFiles("#file", []string{goodFile}), chromedp.Click(`main form button[type=submit]`)}},
	)
	for _, st := range steps {
		do(t, ctx, chromedp.Navigate(e.URL+st.page), chromedp.WaitVisible("h1"))
		do(t, ctx, st.actions...)
		do(t, ctx, chromedp.WaitVisible(st.want))
		checkAccessibility(t, ctx, st.name)
	}
}

func TestLeadSettingsTimersAndCosts(t *testing.T) {
	e := newEnv(t)
	e.user("alpha", "settings@example.org", kith.RoleLead, "a long password")
	c := browser(t)
	signIn(t, e, c, "settings@example.org", "a long password")
	page := doWith(t, c, "GET", e.URL+"/lead/settings", "", nil)
	csrf := string(csrfRe.FindSubmatch(page.Body)[1])
	base := url.Values{"_csrf": {csrf}, "name": {"Site alpha"}, "safeguarding_phone": {"0113 496 0000"}, "navigator_phone": {"0113 496 0001"}}
	bad := url.Values{}
	for k, v := range base {
		bad[k] = v
	}
	bad.Set("nudge_after", "soon")
	bad.Set("unit_costs", "s.42 enquiry | lots | engaged_referrals | 0.01 | 0.03 | 0.06")
	r := postForm(t, c, e.URL+"/lead/settings", bad)
	if r.Status != 422 || !strings.Contains(string(r.Body), "whole number of days") || !strings.Contains(string(r.Body), "Unit costs line 1") {
		t.Fatalf("bad settings: %d %s", r.Status, r.Body)
	}
	good := base
	good.Set("nudge_after", "2")
	good.Set("overdue_after", "4")
	good.Set("expire_after", "8")
	good.Set("retention_days", "730")
	good.Set("unit_costs", "s.42 enquiry | 2500 | engaged_referrals | 0.01 | 0.03 | 0.06 | finance team")
	if r := postForm(t, c, e.URL+"/lead/settings", good); r.Status != 303 {
		t.Fatalf("good settings: %d %s", r.Status, r.Body)
	}
	site, err := e.Stores.Sites.Site(context.Background(), "alpha")
	if err != nil || site.Settings.Timers.ExpireAfter != 8 || site.Settings.RetentionDays != 730 || len(site.Settings.UnitCosts) != 1 || site.Settings.UnitCosts[0].UnitCost != 2500 {
		t.Fatalf("saved settings: %+v %v", site.Settings, err)
	}
}

// The API follows the settings page's rule: a site's own category still in
// use cannot be removed (its services could no longer be saved).
func TestSiteAPIKeepsCategoriesInUse(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	site := e.do("GET", "/api/v1/site", lead, nil).JSON(t)
	settings := site["settings"].(map[string]any)
	settings["categories"] = []string{"men_in_sheds", "warm_spaces"}
	if r := e.do("PUT", "/api/v1/site", lead, map[string]any{"name": site["name"], "settings": settings}); r.Status != 200 {
		t.Fatalf("add categories: %d %s", r.Status, r.Body)
	}
	if err := e.Stores.Directory.CreateService(context.Background(), kith.Actor{Site: "alpha", Kind: "system", ID: "test"},
		&assets.Service{Name: "Shed", Category: "men_in_sheds", Capacity: "open"}); err != nil {
		t.Fatal(err)
	}
	settings["categories"] = []string{"warm_spaces"}
	r := e.do("PUT", "/api/v1/site", lead, map[string]any{"name": site["name"], "settings": settings})
	wantProblem(t, r, 422, "settings.categories")
	if got := e.do("GET", "/api/v1/site", lead, nil).JSON(t)["settings"].(map[string]any)["categories"]; len(got.([]any)) != 2 {
		t.Fatalf("categories after the refused change: %v", got)
	}
}
