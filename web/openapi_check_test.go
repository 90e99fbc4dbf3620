package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/kith-project/kith"
)

// The API tests check every response they receive under /api/v1 against
// web/openapi.json (see doWith): the status must be documented for the
// operation, the content type declared for that status, and a JSON body
// (application/json or application/problem+json) must match the schema.
// Object schemas whose shape is fixed close with additionalProperties (or
// unevaluatedProperties) false, so an undeclared field fails the test.

const apiPrefix = "/api/v1"

type apiContract struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	contractOnce sync.Once
	contract     *apiContract
	loadErr      error
)

// loadContract reads, validates and routes the OpenAPI document once per
// test binary.
func loadContract() (*apiContract, error) {
	contractOnce.Do(func() {
		raw, err := os.ReadFile("openapi.json")
		if err != nil {
			loadErr = err
			return
		}
		contract, loadErr = newContract(raw)
	})
	return contract, loadErr
}

func newContract(raw []byte) (*apiContract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI document: %w", err)
	}
	// The tests' server listens on a free port: match on the base path
	// alone, not the documented host.
	routed := *doc
	routed.Servers = openapi3.Servers{{URL: apiPrefix}}
	router, err := gorillamux.NewRouter(&routed)
	if err != nil {
		return nil, fmt.Errorf("openapi.json routes: %w", err)
	}
	return &apiContract{doc: &routed, router: router}, nil
}

// schemaMessage words a schema error as where it is in the body and what is
// wrong there, without the schema itself.
func schemaMessage(err *openapi3.SchemaError) string {
	return fmt.Sprintf("at %q: %s", "/"+strings.Join(err.JSONPointer(), "/"), err.Reason)
}

// isJSON reports whether a content type is JSON (application/json or a
// +json type such as application/problem+json).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// check validates one response to req against the document. It returns nil
// for anything outside /api/v1.
func (c *apiContract) check(req *http.Request, status int, header http.Header, body []byte) error {
	if !strings.HasPrefix(req.URL.Path, apiPrefix+"/") {
		return nil
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		if !errors.Is(err, routers.ErrPathNotFound) && !errors.Is(err, routers.ErrMethodNotAllowed) {
			return err
		}
		// A path or method the document does not have: the answer must
		// still be a problem, as every error of the API is.
		return c.checkUnrouted(status, header, body)
	}
	ct := header.Get("Content-Type")
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      route,
		},
		Status: status,
		Header: header,
		Body:   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
			// Letters, exports and PDFs are checked elsewhere; here only
			// their status and content type.
			ExcludeResponseBody: !isJSON(ct),
		},
	}
	input.Options.WithCustomSchemaErrorFunc(schemaMessage)
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		return err
	}
	if !isJSON(ct) && len(body) > 0 && status != http.StatusNoContent {
		ref := route.Operation.Responses.Status(status)
		if ref == nil || ref.Value == nil || ref.Value.Content.Get(ct) == nil {
			return fmt.Errorf("response %d has content type %q, which the document does not declare", status, ct)
		}
	}
	return nil
}

func (c *apiContract) checkUnrouted(status int, header http.Header, body []byte) error {
	// Echo answers a wrong method on a known path with 400 (see fromEcho).
	if status < 400 || status > 499 {
		return fmt.Errorf("undocumented route answered %d", status)
	}
	if ct := header.Get("Content-Type"); ct != "application/problem+json" {
		return fmt.Errorf("undocumented route answered %d with content type %q, not application/problem+json", status, ct)
	}
	problem := c.doc.Components.Schemas["Problem"]
	if problem == nil || problem.Value == nil {
		return errors.New("the document has no Problem schema")
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("problem body is not JSON: %w", err)
	}
	if err := problem.Value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.VisitAsResponse(), openapi3.MultiErrors(),
		openapi3.SetSchemaErrorMessageCustomizer(schemaMessage)); err != nil {
		return fmt.Errorf("response body doesn't match schema Problem: %w", err)
	}
	return nil
}

// contractErr runs the contract check on a response as doWith would, and
// returns its error.
func contractErr(t *testing.T, method, path string, status int, contentType string, body []byte) error {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, "http://127.0.0.1:1"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.check(req, status, http.Header{"Content-Type": {contentType}}, body)
}

// removed, as the value given to withMember, deletes the member.
var removed = new(struct{})

// withMember sets (or, with removed, deletes) a member of the JSON object at
// the given path (object keys or array indexes) in a copy of body.
func withMember(t *testing.T, body []byte, value any, path ...any) []byte {
	t.Helper()
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	cur := doc
	for i, step := range path {
		last := i == len(path)-1
		switch k := step.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("%v: step %d is not an object", path, i)
			}
			if last && value == removed {
				delete(m, k)
			} else if last {
				m[k] = value
			} else {
				cur = m[k]
			}
		case int:
			a, ok := cur.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("%v: step %d is not an array with index %d", path, i, k)
			}
			if last {
				a[k] = value
			} else {
				cur = a[k]
			}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestContractCheckRejectsWhatTheDocumentDoesNotDeclare proves the check
// that doWith runs on every response: a real referral passes, and the same
// body with an undeclared field (at the top or nested), a wrong type, an
// undocumented status or content type fails, naming what is wrong.
func TestContractCheckRejectsWhatTheDocumentDoesNotDeclare(t *testing.T) {
	e := newEnv(t)
	demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	ref, _ := newReferral(t, e, nav, nil)
	send(t, e, nav, ref.ID)
	path := "/api/v1/referrals/" + ref.ID
	got := e.do("GET", path, nav, nil) // checked by doWith: it must pass
	if got.Status != http.StatusOK {
		t.Fatalf("referral: %d %s", got.Status, got.Body)
	}
	body := got.Body
	for _, k := range []string{"updated_at", "state_at", "sent_at", "timer", "history", "provider_url"} {
		if _, ok := got.JSON(t)[k]; !ok {
			t.Fatalf("a sent referral lacks %q: %s", k, body)
		}
	}
	if err := contractErr(t, "GET", path, 200, "application/json", body); err != nil {
		t.Fatalf("the real response fails the check: %v", err)
	}

	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        []byte
		want        []string // each must appear in the error
	}{
		{"undeclared top-level field", 200, "application/json", withMember(t, body, "x", "surprise"), []string{"surprise"}},
		{"undeclared field in the timer", 200, "application/json", withMember(t, body, true, "timer", "paused"), []string{"/timer", "paused"}},
		{"undeclared field in a history entry", 200, "application/json", withMember(t, body, "x", "history", 0, "ip"), []string{"/history/0", "ip"}},
		{"wrong type", 200, "application/json", withMember(t, body, 7, "state"), []string{"/state"}},
		{"value outside the enum", 200, "application/json", withMember(t, body, "lost", "state"), []string{"/state"}},
		{"a required field missing", 200, "application/json", withMember(t, body, removed, "state_at"), []string{"state_at"}},
		{"null where the document has no null", 200, "application/json", withMember(t, body, nil, "timer"), []string{"/timer"}},
		{"undocumented status", http.StatusTeapot, "application/json", body, []string{"status is not supported"}},
		{"undocumented content type", 200, "text/plain", []byte("hello"), []string{"text/plain"}},
		{"problem with an undeclared member", 404, "application/problem+json",
			[]byte(`{"type":"about:blank","title":"Not found.","status":404,"stack":"main.go:1"}`), []string{"stack"}},
		{"problem as plain JSON", 404, "application/json",
			[]byte(`{"type":"about:blank","title":"Not found.","status":404}`), []string{"application/json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := contractErr(t, "GET", path, tc.status, tc.contentType, tc.body)
			if err == nil {
				t.Fatalf("passed the check: %s", tc.body)
			}
			t.Log(err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not name %q: %v", w, err)
				}
			}
		})
	}

	// The compositions (allOf closed by unevaluatedProperties) and the
	// nested objects of other responses are closed too.
	lead := e.token("alpha", kith.RoleLead)
	services := e.do("GET", "/api/v1/assets/search?postcode=LS1%204AP", nav, nil)
	svcID := services.JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string)
	service := e.do("GET", "/api/v1/assets/"+svcID, nav, nil)
	token := e.do("POST", "/api/v1/tokens", lead, map[string]any{"role": "visitor", "name": "proof"})
	result := e.do("GET", "/api/v1/screenings/"+ref.ScreeningID(t, e, nav), nav, nil)
	for _, tc := range []struct {
		name, path string
		status     int
		body       []byte
		at         []any
	}{
		{"a service", "/api/v1/assets/" + svcID, 200, service.Body, []any{"surprise"}},
		{"a service's cost", "/api/v1/assets/" + svcID, 200, service.Body, []any{"cost", "surprise"}},
		{"a search hit", "/api/v1/assets/search", 200, services.Body, []any{"items", 0, "surprise"}},
		{"the search centre", "/api/v1/assets/search", 200, services.Body, []any{"location", "surprise"}},
		{"a new token", "/api/v1/tokens", 201, token.Body, []any{"surprise"}},
		{"a screening result's s.42 limb", "/api/v1/screenings/x", 200, result.Body, []any{"safeguarding", "limbs", "unable_to_protect_self", "surprise"}},
		{"a screening result's relationship", "/api/v1/screenings/x", 200, result.Body, []any{"relationships", "risk_factor", "surprise"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := "GET"
			if tc.status == 201 {
				method = "POST"
			}
			if err := contractErr(t, method, tc.path, tc.status, "application/json", tc.body); err != nil {
				t.Fatalf("the real response fails the check: %v", err)
			}
			err := contractErr(t, method, tc.path, tc.status, "application/json", withMember(t, tc.body, 1, tc.at...))
			if err == nil || !strings.Contains(err.Error(), "surprise") {
				t.Fatalf("an undeclared field at %v: err = %v", tc.at, err)
			}
			t.Log(err)
		})
	}

	// A route the document does not have may only answer with a problem.
	if err := contractErr(t, "GET", "/api/v1/nowhere", 200, "application/json", []byte(`{"ok":true}`)); err == nil {
		t.Error("an undocumented route answering 200 passed the check")
	}
	nowhere := e.do("GET", "/api/v1/nowhere", nav, nil) // checked by doWith
	wantProblem(t, nowhere, http.StatusNotFound, "")
	if err := contractErr(t, "GET", "/api/v1/nowhere", 404, "application/problem+json", withMember(t, nowhere.Body, 1, "extra")); err == nil {
		t.Error("a problem with an undeclared member passed the check on an undocumented route")
	}
}

// TestOpenAPIComponentsAreClosed keeps the document strict: every object
// schema that lists its properties also says what else may appear
// (additionalProperties or unevaluatedProperties), unless it is a part of an
// allOf that closes the whole with unevaluatedProperties: false, or a
// component that such an allOf refers to (TokenFields, ServiceFields).
func TestOpenAPIComponentsAreClosed(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	parts := map[string]bool{}
	for _, s := range schemas {
		m := s.(map[string]any)
		if all, ok := m["allOf"].([]any); ok && m["unevaluatedProperties"] == false {
			for _, part := range all {
				if r, ok := part.(map[string]any)["$ref"].(string); ok {
					parts[strings.TrimPrefix(r, "#/components/schemas/")] = true
				}
			}
		}
	}
	if len(parts) == 0 {
		t.Fatal("no closed allOf compositions found")
	}
	checked := 0
	var walk func(at string, v any, open bool)
	walk = func(at string, v any, open bool) {
		switch x := v.(type) {
		case map[string]any:
			_, props := x["properties"]
			_, ap := x["additionalProperties"]
			_, up := x["unevaluatedProperties"]
			if props {
				checked++
				if !ap && !up && !open {
					t.Errorf("%s lists properties but leaves the object open: add additionalProperties: false", at)
				}
			}
			for k, sub := range x {
				switch k {
				case "enum", "const", "default", "example", "examples":
				case "allOf":
					closed := x["unevaluatedProperties"] == false
					for i, part := range sub.([]any) {
						walk(at+"/allOf/"+strconv.Itoa(i), part, closed)
					}
				default:
					walk(at+"/"+k, sub, false)
				}
			}
		case []any:
			for i, sub := range x {
				walk(at+"/"+strconv.Itoa(i), sub, false)
			}
		}
	}
	walk("#/paths", doc["paths"], false)
	for name, s := range schemas {
		walk("#/components/schemas/"+name, s, parts[name])
	}
	if checked < 50 {
		t.Fatalf("only %d object schemas found; the walk is wrong", checked)
	}
}
