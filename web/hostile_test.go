package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kith-project/kith"
)

type hostileCase struct {
	name, method, path string
	body               any
	headers            []string
	want               int // 0: any 4xx
}

// TestHostileInput sends a corpus of malformed and hostile requests across
// the endpoints: each is answered 4xx with problem+json (naming the field
// for validation failures), never a 5xx, and the server stays up.
func TestHostileInput(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	lead := e.token("alpha", kith.RoleLead)
	nav := e.token("alpha", kith.RoleNavigator)
	var cases []hostileCase
	posts := []string{"/api/v1/screenings", "/api/v1/tokens", "/api/v1/users", "/api/v1/assets", "/api/v1/pathways", "/api/v1/pathways/preview",
		"/api/v1/referrals", "/api/v1/pathways/default/activate", "/api/v1/concerns/x/outcome", "/api/v1/screenings/x/best-interest"}
	big := `{"x":"` + strings.Repeat("a", 1<<20+10) + `"}`
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	for _, p := range posts {
		cases = append(cases,
			hostileCase{"wrong content type " + p, "POST", p, `{}`, []string{"Content-Type", "text/plain"}, 415},
			hostileCase{"xml " + p, "POST", p, `<a/>`, []string{"Content-Type", "application/xml"}, 415},
			hostileCase{"not json " + p, "POST", p, `{"a":`, nil, 0},
			hostileCase{"trailing data " + p, "POST", p, `{} {}`, nil, 0},
			hostileCase{"array " + p, "POST", p, `[]`, nil, 0},
			hostileCase{"null " + p, "POST", p, `null`, nil, 0},
			hostileCase{"huge body " + p, "POST", p, big, nil, 413},
			hostileCase{"deep nesting " + p, "POST", p, deep, nil, 0},
			hostileCase{"invalid utf-8 " + p, "POST", p, "{\"a\":\"\xff\xfe\"}", nil, 0},
			hostileCase{"unknown field " + p, "POST", p, `{"zzz":1}`, nil, 0},
			hostileCase{"nul byte " + p, "POST", p, "{\"a\":\"\u0000\"}", nil, 0},
		)
	}
	// Every text field of a screening, with injection attempts.
	for _, payload := range []string{"'); DROP TABLE screenings;--", "<script>alert(1)</script>", strings.Repeat("x", 5001), "\u202e\u0000"} {
		for _, field := range []string{"name", "name_latin", "address", "language", "postcode"} {
			m := screeningWith(t, nil, nil)
			m["person"].(map[string]any)[field] = payload
			cases = append(cases, hostileCase{"person." + field + " " + payload[:min(10, len(payload))], "POST", "/api/v1/screenings", m, nil, -1})
		}
		for _, field := range []string{"wishes", "client_ref"} {
			m := screeningWith(t, map[string]any{field: payload}, nil)
			cases = append(cases, hostileCase{field + " " + payload[:min(10, len(payload))], "POST", "/api/v1/screenings", m, nil, -1})
		}
	}
	// Wrong types and out-of-range numbers.
	for _, tc := range []struct {
		name    string
		members map[string]any
	}{
		{"latitude string", map[string]any{"person": map[string]any{"name": "A", "latitude": "north", "longitude": 1}}},
		{"latitude huge", map[string]any{"person": map[string]any{"name": "A", "latitude": 1e308, "longitude": 1}}},
		{"age negative", map[string]any{"person": map[string]any{"name": "A", "postcode": "LS1 4AP", "age": -1}}},
		{"age float", map[string]any{"person": map[string]any{"name": "A", "postcode": "LS1 4AP", "age": 1.5}}},
		{"indicators object", map[string]any{"indicators": map[string]any{"a": 1}}},
		{"indicators numbers", map[string]any{"indicators": []int{1, 2}}},
		{"too many indicators", map[string]any{"indicators": strings.Split(strings.Repeat("lives_alone,", 101), ",")[:101]}},
		{"instrument answers huge", map[string]any{"instruments": map[string]any{"ucla3": map[string]any{"answers": []any{1e300, 2, 3}}}}},
		{"instrument answers nested", map[string]any{"instruments": map[string]any{"ucla3": map[string]any{"answers": []any{[]int{1}, 2, 3}}}}},
		{"consent number", map[string]any{"consent": 1}},
		{"s42 string", map[string]any{"s42": "yes"}},
		{"desired outcomes too many", map[string]any{"desired_outcomes": strings.Split(strings.Repeat("x,", 21), ",")}},
	} {
		cases = append(cases, hostileCase{tc.name, "POST", "/api/v1/screenings", screeningWith(t, tc.members, nil), nil, 0})
	}
	// Path tricks in ids and filters.
	for _, p := range []string{"/api/v1/screenings/..%2f..%2fetc%2fpasswd", "/api/v1/screenings/%00", "/api/v1/screenings/" + strings.Repeat("a", 5000),
		"/api/v1/referrals/'%20OR%201=1--", "/api/v1/assets/%27%3B%20DROP%20TABLE%20services", "/api/v1/tokens/-1", "/api/v1/users/99999999999999999999",
		"/api/v1/pathways/default/versions/abc", "/api/v1/referrals/x/letters/..%2f..%2fprovider.pdf",
		"/api/v1/assets/search?lat=NaN&lon=1", "/api/v1/assets/search?radius_km=1e309&lat=1&lon=1", "/api/v1/assets/search?age=99999999999999999999",
		"/api/v1/screenings?per_page=1e3", "/api/v1/screenings?page=-5", "/api/v1/audit?from=2026-13-45", "/api/v1/reports/summary?from=0000-00-00",
		"/api/v1/referrals?state=%00", "/api/v1/assets/search?q=" + strings.Repeat("a", 300)} {
		cases = append(cases, hostileCase{"path " + p[:min(50, len(p))], "GET", p, nil, nil, 0})
	}
	// FTS syntax in a search is only text: answered, never an error.
	cases = append(cases, hostileCase{"fts syntax", "GET", "/api/v1/assets/search?q=%22%20OR%20*%20NEAR(", nil, nil, -1})
	// Imports: broken CSV, oversized, zip bombs and lies.
	cases = append(cases,
		hostileCase{"import not a zip", "POST", "/api/v1/assets/import", []byte("PK\x03\x04garbage"), []string{"Content-Type", "application/zip"}, 0},
		hostileCase{"import empty", "POST", "/api/v1/assets/import", []byte(""), nil, 0},
		hostileCase{"import json string", "POST", "/api/v1/assets/import", `"hello"`, nil, 0},
		hostileCase{"import broken service", "POST", "/api/v1/assets/import", `[{"id":"x","name":7}]`, nil, 0},
		hostileCase{"import oversized", "POST", "/api/v1/assets/import", bytes.Repeat([]byte("a"), 21<<20), []string{"Content-Type", "application/zip"}, 413},
		hostileCase{"import multipart broken", "POST", "/api/v1/assets/import", "--x\r\nbroken", []string{"Content-Type", "multipart/form-data; boundary=x"}, 0},
	)
	broken := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"services.csv\"\r\nContent-Type: text/csv\r\n\r\nid,name\n\"unterminated,x\n--b--\r\n"
	cases = append(cases, hostileCase{"import broken csv", "POST", "/api/v1/assets/import", broken, []string{"Content-Type", "multipart/form-data; boundary=b"}, 0})
	// Transitions with junk.
	ref, _ := newReferral(t, e, nav, nil)
	for _, body := range []string{`{"to":"closed","outcome":"yes"}`, `{"to":["new"]}`, `{"to":"assigned","assignee":"` + strings.Repeat("a", 300) + `"}`, `{"to":"declined","reason":{"a":1}}`} {
		cases = append(cases, hostileCase{"transition " + body[:min(30, len(body))], "POST", "/api/v1/referrals/" + ref.ID + "/transitions", body, nil, 0})
	}
	if len(cases) < 150 {
		t.Fatalf("only %d hostile cases", len(cases))
	}
	for _, tc := range cases {
		tok := lead
		if strings.HasPrefix(tc.path, "/api/v1/referrals") {
			tok = nav
		}
		var body any = tc.body
		if b, ok := tc.body.([]byte); ok {
			body = b
		}
		r := e.do(tc.method, tc.path, tok, body, tc.headers...)
		switch {
		case r.Status >= 500:
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
		case tc.want == -1:
			// Injection text in a valid place may be accepted as text.
			if r.Status >= 300 && r.Status < 400 {
				t.Errorf("%s: %d", tc.name, r.Status)
			}
		case tc.want > 0 && r.Status != tc.want:
			t.Errorf("%s: %d, want %d", tc.name, r.Status, tc.want)
		case tc.want == 0 && (r.Status < 400 || r.Status >= 500):
			t.Errorf("%s: %d, want a 4xx", tc.name, r.Status)
		}
		if r.Status >= 400 {
			if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: %d with Content-Type %q", tc.name, r.Status, ct)
			}
			var p struct {
				Errors []struct{ Field, Message string }
			}
			json.Unmarshal(r.Body, &p)
			if r.Status == 422 && len(p.Errors) > 0 && (p.Errors[0].Field == "" || p.Errors[0].Message == "") {
				t.Errorf("%s: a field error without a field: %s", tc.name, r.Body)
			}
		}
	}
	if r := e.do("GET", "/healthz", "", nil); r.Status != 200 {
		t.Fatal("the server is down after the hostile corpus")
	}
	t.Logf("%d hostile requests, none answered 5xx", len(cases))
	_ = fmt.Sprint
}

// A form post over the limit is refused before the CSRF check reads it.
func TestPageBodyLimit(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/sign-in", "", strings.Repeat("a", 2<<20), "Content-Type", "application/x-www-form-urlencoded")
	if r.Status != 413 {
		t.Fatalf("a 2 MiB form: %d", r.Status)
	}
}
