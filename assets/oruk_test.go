package assets

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kith-project/kith"
)

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Public is a local publishing decision and the timestamps belong to
// storage; neither travels in HSDS.
var roundTripOptions = cmp.Options{
	cmpopts.IgnoreFields(Service{}, "Public", "CreatedAt", "UpdatedAt", "DeletedAt"),
	cmpopts.EquateEmpty(),
}

func TestORUKRoundTripsEveryDemoService(t *testing.T) {
	for _, s := range DemoServices() {
		t.Run(s.ID, func(t *testing.T) {
			full := mustJSON(t, ToORUK(s))
			if err := ValidateORUKService(full); err != nil {
				t.Fatalf("ToORUK does not validate: %v", err)
			}
			if err := ValidateORUKListItem(mustJSON(t, ToORUKListItem(s))); err != nil {
				t.Fatalf("ToORUKListItem does not validate: %v", err)
			}
			imp, err := ParseJSON(full, nil)
			if err != nil {
				t.Fatalf("ParseJSON(ToORUK): %v", err)
			}
			if diff := cmp.Diff(s, imp.Services[0], roundTripOptions); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			for _, w := range imp.Warnings {
				if len(s.Locations) > 0 {
					t.Errorf("unexpected warning %+v", w)
				}
			}
		})
	}
}

func TestORUKGeneratedServicesValidate(t *testing.T) {
	for _, s := range GenerateServices(200, 7) {
		s.UpdatedAt = ptr(time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC))
		if err := ValidateORUKService(mustJSON(t, ToORUK(s))); err != nil {
			t.Fatalf("%s: %v", s.ID, err)
		}
		imp, err := ParseJSON(mustJSON(t, ToORUK(s)), nil)
		if err != nil {
			t.Fatalf("%s: %v", s.ID, err)
		}
		if diff := cmp.Diff(s, imp.Services[0], roundTripOptions); diff != "" {
			t.Fatalf("%s round trip (-want +got):\n%s", s.ID, diff)
		}
	}
}

func TestToORUKShape(t *testing.T) {
	s := DemoServices()[4] // the telephone service with no location
	if len(s.Locations) != 0 {
		t.Fatalf("%s has a location", s.ID)
	}
	s.Locations = []Location{{Name: "Office", Country: "GB"}} // unlocated
	s.TaxonomyTerms = []TaxonomyTerm{{Term: "Befriending", Vocabulary: "LGA"}}
	doc := ToORUK(s)
	if err := ValidateORUKService(mustJSON(t, doc)); err != nil {
		t.Fatal(err)
	}
	loc := doc["service_at_locations"].([]any)[0].(map[string]any)["location"].(map[string]any)
	if _, ok := loc["latitude"]; ok {
		t.Error("an unlocated location publishes a latitude")
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if id, _ := loc["id"].(string); !uuid.MatchString(id) {
		t.Errorf("derived location id %q is not a UUID", id)
	}
	var kithCodes []string
	for _, a := range doc["attributes"].([]any) {
		tt := a.(map[string]any)["taxonomy_term"].(map[string]any)
		if tt["taxonomy"] == KithVocabulary {
			kithCodes = append(kithCodes, tt["code"].(string))
		}
	}
	want := []string{"category:telephone_befriending", "relationship:risk_factor", "relationship:fear_of_isolation",
		"relationship:chosen_isolation", "support_to_attend:by_phone", "capacity:open"}
	if diff := cmp.Diff(want, kithCodes); diff != "" {
		t.Errorf("kith attributes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(doc, ToORUK(s)); diff != "" {
		t.Errorf("ToORUK is not stable (-first +second):\n%s", diff)
	}
}

func TestORUKPage(t *testing.T) {
	svcs := DemoServices()
	items := []any{ToORUKListItem(svcs[0]), ToORUKListItem(svcs[1])}
	tests := []struct {
		name                       string
		items                      []any
		total, page, perPage       int
		wantPages                  int
		wantFirst, wantLast, empty bool
	}{
		{"first of many", items, 65, 1, 2, 33, true, false, false},
		{"last", items[:1], 65, 33, 2, 33, false, true, false},
		{"beyond the end", nil, 65, 40, 2, 33, false, true, true},
		{"nothing", nil, 0, 1, 20, 0, true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ORUKPage(tt.items, tt.total, tt.page, tt.perPage)
			got := []any{p["total_pages"], p["first_page"], p["last_page"], p["empty"], p["size"]}
			want := []any{tt.wantPages, tt.wantFirst, tt.wantLast, tt.empty, len(tt.items)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("page (-want +got):\n%s", diff)
			}
			if err := ValidateORUKPage(mustJSON(t, p)); err != nil {
				t.Errorf("ValidateORUKPage: %v", err)
			}
		})
	}
}

func TestValidateORUKReportsPaths(t *testing.T) {
	err := ValidateORUKService([]byte(`{"id": "x", "status": "shut", "service_at_locations": [{"id": "s", "location": {"id": "l", "location_type": "physical", "latitude": "53"}}]}`))
	want := []kith.FieldError{
		{Field: "name", Message: "is required"},
		{Field: "service_at_locations[0].location.latitude", Message: "must be a number, not a string"},
		{Field: "status", Message: `must be one of "active", "inactive", "defunct", "temporarily closed"`},
	}
	if diff := cmp.Diff(want, kith.FieldErrors(err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	err = ValidateORUKPage([]byte(`{"total_items": "1", "contents": [{"id": "x", "status": "active"}]}`))
	want = []kith.FieldError{
		{Field: "total_items", Message: "must be a whole number"},
		{Field: "total_pages", Message: "is required"},
		{Field: "page_number", Message: "is required"},
		{Field: "size", Message: "is required"},
		{Field: "first_page", Message: "is required"},
		{Field: "last_page", Message: "is required"},
		{Field: "empty", Message: "is required"},
		{Field: "contents[0].name", Message: "is required"},
	}
	if diff := cmp.Diff(want, kith.FieldErrors(err)); diff != "" {
		t.Errorf("page problems (-want +got):\n%s", diff)
	}
	if kith.ErrorCode(ValidateORUKListItem([]byte("{"))) != kith.EBADREQUEST {
		t.Error("broken JSON is not a bad request")
	}
	for _, f := range []string{"uk-profile/service_full.json", "hsds-3.0/service_full.json"} {
		if err := ValidateORUKService(readTestdata(t, "hsds/"+f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, f := range []string{"uk-profile/service_list.json", "hsds-3.0/service_list.json"} {
		if err := ValidateORUKPage(readTestdata(t, "hsds/"+f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// The kith taxonomy the feed publishes holds every fixed term the services'
// attributes point at, under the same ids.
func TestKithTaxonomyCoversServiceAttributes(t *testing.T) {
	if tax := KithTaxonomy(); tax["name"] != KithVocabulary || tax["id"] != derivedUUID("taxonomy", KithVocabulary) {
		t.Errorf("taxonomy = %v", tax)
	}
	for _, s := range DemoServices() {
		for _, a := range ToORUK(s)["attributes"].([]any) {
			tt := a.(map[string]any)["taxonomy_term"].(map[string]any)
			code := tt["code"].(string)
			if tt["taxonomy"] != KithVocabulary || regexp.MustCompile(`^(condition|interest|accessibility):`).MatchString(code) {
				continue
			}
			if got := KithTermCode(tt["id"].(string)); got != code {
				t.Errorf("%s: term %s is %q in the taxonomy, want %q", s.ID, tt["id"], got, code)
			}
		}
	}
	if KithTermCode("no-such-id") != "" {
		t.Error("an unknown id has a code")
	}
}
