package web_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-project/kith/web"
)

// TestOpenAPIMatchesRoutes fails when a registered API route is not
// documented, or a documented one is not registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/api/v1/openapi.json", "", nil)
	if r.Status != 200 {
		t.Fatalf("openapi.json: %d", r.Status)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			if method == "parameters" {
				continue
			}
			var op struct {
				Summary     string `json:"summary"`
				OperationID string `json:"operationId"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			if op.Summary == "" || op.OperationID == "" {
				t.Errorf("%s %s has no summary or operationId", method, path)
			}
			documented = append(documented, strings.ToUpper(method)+" /api/v1"+path)
		}
	}
	srv, err := web.New(e.newApp(), discardLogger(), web.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var registered []string
	for _, rt := range srv.Routes() {
		if strings.HasPrefix(rt.Path, "/api/v1/") {
			registered = append(registered, rt.Method+" "+rt.Path)
		}
	}
	sort.Strings(documented)
	sort.Strings(registered)
	if diff := cmp.Diff(registered, documented); diff != "" {
		t.Fatalf("routes (-registered +documented):\n%s", diff)
	}
}
