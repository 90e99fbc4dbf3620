package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
)

const hsdsTestdata = "../assets/testdata/hsds"

// demoDirectory imports the demo directory into alpha and returns a lead token.
func demoDirectory(t *testing.T, e *env) string {
	t.Helper()
	lead := e.token("alpha", kith.RoleLead)
	var pcs []app.Postcode
	for _, p := range assets.DemoPostcodes() {
		pcs = append(pcs, app.Postcode{Postcode: p.Postcode, Latitude: p.Latitude, Longitude: p.Longitude})
	}
	if err := e.store.loadPostcodes(context.Background(), pcs); err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(toORUKList(assets.DemoServicesAt(e.Now())))
	if err != nil {
		t.Fatal(err)
	}
	r := e.do("POST", "/api/v1/assets/import", lead, body)
	if r.Status != 200 {
		t.Fatalf("import demo: %d %s", r.Status, r.Body)
	}
	return lead
}

func toORUKList(svcs []assets.Service) []any {
	out := make([]any, 0, len(svcs))
	for _, s := range svcs {
		out = append(out, assets.ToORUK(s))
	}
	return out
}

func TestImportOfficialExamples(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	for _, f := range []string{"uk-profile/service_full.json", "uk-profile/service_list.json", "hsds-3.0/service_full.json", "hsds-3.0/service_list.json"} {
		t.Run(f, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(hsdsTestdata, f))
			if err != nil {
				t.Skipf("example not in testdata: %v", err)
			}
			r := e.do("POST", "/api/v1/assets/import", lead, b)
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			m := r.JSON(t)
			if m["services"].(float64) < 1 {
				t.Fatalf("imported nothing: %s", r.Body)
			}
			// The examples' coordinates (latitude 100, longitude 101) are impossible: warned, not indexed.
			if strings.HasSuffix(f, "_full.json") && !strings.Contains(string(r.Body), "latitude") {
				t.Errorf("no warning about impossible coordinates: %s", r.Body)
			}
			// Importing again updates, never duplicates.
			before := e.do("GET", "/api/v1/assets", lead, nil).JSON(t)["total"]
			again := e.do("POST", "/api/v1/assets/import", lead, b).JSON(t)
			if again["created"] != float64(0) {
				t.Errorf("re-import created %v", again["created"])
			}
			if after := e.do("GET", "/api/v1/assets", lead, nil).JSON(t)["total"]; after != before {
				t.Errorf("re-import changed the count %v -> %v", before, after)
			}
		})
	}
}

func TestImportCSVZipAndMultipart(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	dir := filepath.Join(hsdsTestdata, "uk-profile/csv")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skip("no CSV examples")
	}
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	var mbuf bytes.Buffer
	mw := multipart.NewWriter(&mbuf)
	for _, en := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, en.Name()))
		w, _ := zw.Create(en.Name())
		w.Write(b)
		fw, _ := mw.CreateFormFile("file", en.Name())
		fw.Write(b)
	}
	zw.Close()
	mw.Close()
	r := e.do("POST", "/api/v1/assets/import", lead, zbuf.Bytes(), "Content-Type", "application/zip")
	if r.Status != 200 || r.JSON(t)["services"].(float64) < 1 {
		t.Fatalf("zip import: %d %s", r.Status, r.Body)
	}
	r = e.do("POST", "/api/v1/assets/import", lead, mbuf.Bytes(), "Content-Type", mw.FormDataContentType())
	if r.Status != 200 || r.JSON(t)["created"] != float64(0) {
		t.Fatalf("multipart import of the same tables: %d %s", r.Status, r.Body)
	}
	if r := e.do("POST", "/api/v1/assets/import", lead, []byte("not a zip"), "Content-Type", "application/zip"); r.Status != 400 && r.Status != 422 {
		t.Fatalf("not a zip: %d", r.Status)
	}
	wantProblem(t, e.do("POST", "/api/v1/assets/import", lead, "x", "Content-Type", "text/plain"), 415, "Content-Type")
	wantProblem(t, e.do("POST", "/api/v1/assets/import", e.token("alpha", kith.RoleNavigator), "[]"), 403, "")
}

func TestImportInvalidImportsNothing(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	good := assets.ToORUK(assets.DemoServicesAt(e.Now())[0])
	noName := assets.ToORUK(assets.DemoServicesAt(e.Now())[1])
	delete(noName, "name")
	badType := assets.ToORUK(assets.DemoServicesAt(e.Now())[2])
	badType["status"] = 7
	r := e.do("POST", "/api/v1/assets/import", lead, []any{good, noName, badType})
	wantProblem(t, r, 422, "")
	body := string(r.Body)
	if !strings.Contains(body, `[1]`) || !strings.Contains(body, `[2]`) {
		t.Fatalf("problems do not name each service: %s", body)
	}
	if total := e.do("GET", "/api/v1/assets", lead, nil).JSON(t)["total"]; total != float64(0) {
		t.Fatalf("a failed import left %v services", total)
	}
}

func TestSearch(t *testing.T) {
	e := newEnv(t)
	lead := demoDirectory(t, e)
	nav := e.token("alpha", kith.RoleNavigator)
	const lat, lon = 53.7966, -1.5467
	type hit struct {
		ID              string   `json:"id"`
		Category        string   `json:"category"`
		Latitude        *float64 `json:"latitude"`
		Longitude       *float64 `json:"longitude"`
		DistanceKm      *float64 `json:"distance_km"`
		Capacity        string   `json:"capacity"`
		Stale           bool     `json:"stale"`
		Cost            struct{ Free bool }
		Relationships   []string `json:"relationships"`
		SupportToAttend []string `json:"support_to_attend"`
		Locations       []struct {
			Latitude, Longitude *float64
			Located             bool
		} `json:"locations"`
	}
	search := func(q string) ([]hit, float64) {
		t.Helper()
		r := e.do("GET", "/api/v1/assets/search?"+q, nav, nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", q, r.Status, r.Body)
		}
		var body struct {
			Items []hit
			Total float64
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		return body.Items, body.Total
	}
	items, total := search(fmt.Sprintf("lat=%v&lon=%v&radius_km=5&per_page=100", lat, lon))
	if total == 0 {
		t.Fatal("nothing within 5 km of the centre of Leeds")
	}
	prev := -1.0
	for _, h := range items {
		if h.DistanceKm == nil {
			t.Fatalf("%s has no distance", h.ID)
		}
		// The distance is to the nearest located place, right to 0.1 km
		// against an independent haversine.
		best := math.Inf(1)
		for _, l := range h.Locations {
			if l.Located {
				best = math.Min(best, haversine(lat, lon, *l.Latitude, *l.Longitude))
			}
		}
		if math.Abs(best-*h.DistanceKm) > 0.1 || *h.DistanceKm > 5 {
			t.Errorf("%s: distance %.3f, independent %.3f", h.ID, *h.DistanceKm, best)
		}
		if *h.DistanceKm < prev {
			t.Errorf("not sorted by distance")
		}
		prev = *h.DistanceKm
	}
	// Filters combine.
	items, _ = search(fmt.Sprintf("lat=%v&lon=%v&radius_km=20&category=befriending&free_only=true&per_page=100", lat, lon))
	for _, h := range items {
		if h.Category != "befriending" || !h.Cost.Free {
			t.Errorf("filter leak: %+v", h)
		}
	}
	items, _ = search("relationship=carers&support_to_attend=by_phone&per_page=100")
	if len(items) == 0 {
		t.Error("no carers' service by phone in the demo directory")
	}
	for _, h := range items {
		if !contains(h.Relationships, "carers") || !contains(h.SupportToAttend, "by_phone") {
			t.Errorf("filter leak: %+v", h)
		}
	}
	// Full text.
	demo := assets.DemoServicesAt(e.Now())
	word := strings.Fields(demo[0].Name)[0]
	if items, _ := search("q=" + url.QueryEscape(word)); len(items) == 0 {
		t.Errorf("q=%s found nothing", word)
	}
	if _, n := search("q=" + url.QueryEscape(`"; DROP TABLE services; --`)); n != 0 {
		t.Errorf("injection text matched %v", n)
	}
	// Postcode centre.
	if _, n := search("postcode=LS1+4AP&radius_km=3"); n == 0 {
		t.Error("postcode search found nothing (is LS1 4AP loaded?)")
	}
	// Stale entries are flagged.
	items, _ = search("per_page=100")
	stale := 0
	for _, h := range items {
		if h.Stale {
			stale++
		}
	}
	if stale == 0 {
		t.Error("no stale entry flagged in the demo directory")
	}
	for q, field := range map[string]string{"radius_km=0&lat=53&lon=-1": "radius_km", "radius_km=201&lat=53&lon=-1": "radius_km",
		"category=bingo": "category", "relationship=x": "relationship", "support_to_attend=teleport": "support_to_attend",
		"lat=53": "lon", "age=-1": "age", "free_only=maybe": "free_only", "q=" + strings.Repeat("a", 201): "q", "postcode=NOPE": "postcode"} {
		wantProblem(t, e.do("GET", "/api/v1/assets/search?"+q, nav, nil), 422, field)
	}
	_ = lead
}

func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0088
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestAssetManagement(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	svc := assets.DemoServicesAt(e.Now())[0]
	svc.ID = "my-service"
	r := e.do("POST", "/api/v1/assets", lead, svc)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	wantProblem(t, e.do("POST", "/api/v1/assets", lead, svc), 409, "id")
	svc.Name = "Renamed"
	if r := e.do("PUT", "/api/v1/assets/my-service", lead, svc); r.Status != 200 || r.JSON(t)["name"] != "Renamed" {
		t.Fatalf("update: %d %s", r.Status, r.Body)
	}
	bad := svc
	bad.Category = "bingo"
	wantProblem(t, e.do("PUT", "/api/v1/assets/my-service", lead, bad), 422, "category")
	wantProblem(t, e.do("DELETE", "/api/v1/assets/my-service", e.token("alpha", kith.RoleNavigator), nil), 403, "")
	if r := e.do("DELETE", "/api/v1/assets/my-service", lead, nil); r.Status != 204 {
		t.Fatalf("delete: %d", r.Status)
	}
	// Still readable by id, marked deleted; gone from lists.
	if r := e.do("GET", "/api/v1/assets/my-service", lead, nil); r.Status != 200 || r.JSON(t)["deleted_at"] == nil {
		t.Fatalf("deleted service: %d %s", r.Status, r.Body)
	}
	if n := e.do("GET", "/api/v1/assets", lead, nil).JSON(t)["total"]; n != float64(0) {
		t.Fatalf("deleted service listed: %v", n)
	}
	wantProblem(t, e.do("GET", "/api/v1/assets/my-service", e.token("beta", kith.RoleLead), nil), 404, "")
}

func TestOpenFeed(t *testing.T) {
	e := newEnv(t)
	lead := demoDirectory(t, e)
	get := func(path string) response {
		t.Helper()
		r := e.do("GET", path, "", nil, "Origin", "https://other-council.example")
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
		if r.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("%s: no open CORS header", path)
		}
		return r
	}
	get("/oruk/alpha/")
	page := get("/oruk/alpha/services?per_page=100")
	if err := assets.ValidateORUKPage(page.Body); err != nil {
		t.Fatalf("services page fails the ORUK schema: %v", err)
	}
	var p struct {
		TotalItems int `json:"total_items"`
		Contents   []json.RawMessage
	}
	json.Unmarshal(page.Body, &p)
	if p.TotalItems == 0 {
		t.Fatal("no public services")
	}
	for _, item := range p.Contents {
		if err := assets.ValidateORUKListItem(item); err != nil {
			t.Fatalf("list item fails the ORUK schema: %v\n%s", err, item)
		}
		var id struct{ ID string }
		json.Unmarshal(item, &id)
		full := get("/oruk/alpha/services/" + id.ID)
		if err := assets.ValidateORUKService(full.Body); err != nil {
			t.Fatalf("service %s fails the ORUK schema: %v", id.ID, err)
		}
	}
	for _, path := range []string{"/oruk/alpha/services?search=lunch", "/oruk/alpha/services?lat=53.7966&lon=-1.5467&radius_km=3", "/oruk/alpha/services?modified_after=2000-01-01",
		"/oruk/alpha/services?page=2&per_page=5"} {
		if err := assets.ValidateORUKPage(get(path).Body); err != nil {
			t.Fatalf("%s fails the ORUK page schema: %v", path, err)
		}
	}
	// Taxonomies and terms carry what the UK schemas require of them.
	for _, path := range []string{"/oruk/alpha/taxonomies", "/oruk/alpha/taxonomy_terms?per_page=100"} {
		var tp struct {
			TotalItems int `json:"total_items"`
			Contents   []map[string]any
		}
		json.Unmarshal(get(path).Body, &tp)
		if tp.TotalItems == 0 || len(tp.Contents) == 0 {
			t.Fatalf("%s is empty", path)
		}
		for _, c := range tp.Contents {
			for _, k := range []string{"id", "name", "description"} {
				if c[k] == nil || c[k] == "" {
					t.Fatalf("%s: an entry lacks %s: %v", path, k, c)
				}
			}
		}
	}
	if r := e.do("GET", "/oruk/nowhere/services", "", nil); r.Status != 404 {
		t.Fatalf("unknown site: %d", r.Status)
	}
	// A service the site does not publish is not in the feed.
	svc := assets.DemoServicesAt(e.Now())[0]
	svc.ID, svc.Public = "private-one", false
	e.do("POST", "/api/v1/assets", lead, svc)
	if r := e.do("GET", "/oruk/alpha/services/private-one", "", nil); r.Status != 404 {
		t.Fatalf("private service published: %d", r.Status)
	}
	// Read-only.
	if r := e.do("POST", "/oruk/alpha/services", "", "{}"); r.Status < 400 || r.Status == 500 {
		t.Fatalf("POST to the feed: %d", r.Status)
	}
}

var confirmRe = regexp.MustCompile(`/confirm/[A-Za-z0-9_.-]+`)

func TestFreshnessConfirmation(t *testing.T) {
	e := newEnv(t)
	lead := demoDirectory(t, e)
	r := e.do("GET", "/api/v1/assets/stale", lead, nil)
	if r.Status != 200 {
		t.Fatalf("stale: %d %s", r.Status, r.Body)
	}
	var body struct {
		Items []struct {
			ID         string `json:"id"`
			ConfirmURL string `json:"confirm_url"`
		}
		Total int
	}
	json.Unmarshal(r.Body, &body)
	if body.Total == 0 {
		t.Fatal("no stale services in the demo directory")
	}
	link := confirmRe.FindString(body.Items[0].ConfirmURL)
	c := browser(t)
	page := doWith(t, c, "GET", e.URL+link, "", nil)
	if page.Status != 200 || !strings.Contains(string(page.Body), "still up to date") {
		t.Fatalf("confirm page: %d", page.Status)
	}
	csrf := string(csrfRe.FindSubmatch(page.Body)[1])
	done := postForm(t, c, e.URL+link, url.Values{"_csrf": {csrf}})
	if done.Status != 200 || !strings.Contains(string(done.Body), "Thank you") {
		t.Fatalf("confirm: %d %s", done.Status, done.Body)
	}
	after := e.do("GET", "/api/v1/assets/stale", lead, nil)
	if strings.Contains(string(after.Body), `"id":"`+body.Items[0].ID+`"`) {
		t.Fatal("confirmed service still stale")
	}
	if r := doWith(t, c, "GET", e.URL+link+"x", "", nil); r.Status != 404 {
		t.Fatalf("tampered link: %d", r.Status)
	}
	items, _, _ := e.Stores.Audit.ListAudit(context.Background(), "alpha", kith.AuditFilter{Entity: "service", EntityID: body.Items[0].ID, Page: kith.Page{Number: 1, Size: 5}})
	if len(items) == 0 || items[0].Actor != "provider:confirm-link" {
		t.Fatalf("confirmation not audited: %+v", items)
	}
	_ = http.StatusOK
}

// An import over the import limit is told that limit (20 MiB), not the
// 1 MiB of other bodies. (The page's 20 MiB is only for a signed-in lead:
// see TestUnauthenticatedUploadReadsAtMostOneMiB.)
func TestImportTooLargeNamesItsLimit(t *testing.T) {
	e := newEnv(t)
	lead := e.token("alpha", kith.RoleLead)
	body := bytes.Repeat([]byte(" "), 21<<20)
	r := e.do("POST", "/api/v1/assets/import", lead, body)
	wantProblem(t, r, 413, "body")
	if !strings.Contains(string(r.Body), "20 MiB") || strings.Contains(string(r.Body), "1 MiB") {
		t.Fatalf("21 MiB import: %s", r.Body)
	}
	page := doWith(t, leadBrowser(t, e), "POST", e.URL+"/lead/directory/import", "", body, "Content-Type", "multipart/form-data; boundary=x")
	if page.Status != 413 || !strings.Contains(string(page.Body), "20 MiB") || strings.Contains(string(page.Body), "1 MiB") {
		t.Fatalf("21 MiB upload page: %d %s", page.Status, page.Body)
	}
}
