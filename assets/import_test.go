package assets

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kith-project/kith"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hasWarning(ws []Warning, field, contains string) bool {
	return slices.ContainsFunc(ws, func(w Warning) bool { return w.Field == field && strings.Contains(w.Message, contains) })
}

// The official examples must import: their impossible coordinates (latitude
// 100) become warnings, not failures.
func TestParseJSONOfficialExamples(t *testing.T) {
	tests := []struct {
		file         string
		wantWarnings []Warning // each must be present (message is a substring)
	}{
		{"hsds/uk-profile/service_full.json", []Warning{
			{"service_at_locations[0].location.latitude", "100 is not a possible latitude"},
			{"languages[0]", "has no language code or name"},
			{"attributes", `"counselling" was inferred from "Community Counselling"`},
			{"attributes", `"open" was assumed`},
			{"attributes", "no Kith relationships"},
		}},
		{"hsds/uk-profile/service_list.json", []Warning{{"contents[0].attributes", `"counselling" was inferred`}}},
		{"hsds/hsds-3.0/service_full.json", []Warning{{"service_at_locations[0].location.latitude", "100 is not a possible latitude"}}},
		{"hsds/hsds-3.0/service_list.json", []Warning{{"contents[0].attributes", `"open" was assumed`}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			imp, err := ParseJSON(readTestdata(t, tt.file), nil)
			if err != nil {
				t.Fatalf("ParseJSON: %v", err)
			}
			if len(imp.Services) != 1 {
				t.Fatalf("got %d services, want 1", len(imp.Services))
			}
			for _, w := range tt.wantWarnings {
				if !hasWarning(imp.Warnings, w.Field, w.Message) {
					t.Errorf("no warning %s: %q in %+v", w.Field, w.Message, imp.Warnings)
				}
			}
			s := imp.Services[0]
			if s.ID != "ac148810-d857-441c-9679-408f346de14b" || s.Name != "Community Counselling" || s.Category != "counselling" || s.Capacity != CapacityOpen {
				t.Errorf("service = %q %q %q %q", s.ID, s.Name, s.Category, s.Capacity)
			}
			if errs := Validate(&s, nil); len(errs) > 0 {
				t.Errorf("imported service fails Validate: %v", errs)
			}
		})
	}
}

func TestParseJSONMapsHSDSFull(t *testing.T) {
	imp, err := ParseJSON(readTestdata(t, "hsds/hsds-3.0/service_full.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := imp.Services[0]
	want := Service{
		ID:          "ac148810-d857-441c-9679-408f346de14b",
		Name:        "Community Counselling",
		Description: "Counselling Services provided by trained professionals. Suitable for people with mental health conditions such as anxiety, depression, or eating disorders as well as people experiencing difficult life events and circumstances.",
		URL:         "http://example.com/counselling",
		Email:       "email@example.com",
		Status:      "active",
		Organization: Organization{
			ID: "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", Name: "Example Organization Inc.",
			Description: "Example Org is a non-profit organization dedicated to providing services to qualified beneficiaries",
			Website:     "http://example.com", Email: "email@example.com",
		},
		Locations: []Location{{
			ID: "3a19ff88-4620-4d17-9830-ac1d859eb5d5", Name: "MyCity Civic Center", Address1: "1-30 Main Street",
			Address2: "MyVillage", City: "MyCity", Region: "MyRegion", PostalCode: "ABC 1234", Country: "US",
		}},
		Contacts: []Contact{{Name: "Ann Persona", Title: "Reception Manager", Email: "email@example.com", Phone: "+44 1234 234567"}},
		Phones: []Phone{{Number: "+44 1234 234567 ext 100",
			Description: "Our main reception phone number. The phones will be available from 0800 (8am) until 1800 (6pm) local time. There may be some slight delays in answering your call if we are busy."}},
		Schedules: []Schedule{{ByDay: "TH,FR", OpensAt: "10:00", ClosesAt: "18:00", Freq: "WEEKLY", ValidFrom: "2005-01-01", ValidTo: "2005-01-01",
			Description: "The service is available from 10 am to 6pm weekdays. The service is not available on public holidays."}},
		Cost: Cost{Description: "Under 18s and Over 60s: per 1 hour session", Amount: ptr(35.0), Currency: "GBP"},
		Eligibility: Eligibility{
			MinimumAge: ptr(12), MaximumAge: ptr(100),
			AreaServed:  []string{"The service is available to all residents of the MyCity area. We provide the service in our offices or via video conferencing to any who can provide evidence of their residency."},
			Description: "This service is intended for all people aged 12 and over who require counselling services in the MyCity area",
		},
		Languages:     []string{"ur"},
		Accessibility: []string{"The building is equipped with induction loops for hearing aids. Wheelchair access is possible on all levels."},
		TaxonomyTerms: []TaxonomyTerm{{ID: "3f7b145d-84af-42d7-8fae-eaca714b02b2", Term: "name", Vocabulary: "taxonomy"}},
		Category:      "counselling",
		Capacity:      "open",
		LastConfirmed: "2005-01-01",
	}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("mapped service (-want +got):\n%s", diff)
	}
}

// One bad service refuses the whole file, and every problem is named.
func TestParseJSONAllOrNothing(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []kith.FieldError
	}{
		{"array", `[
			{"id": "a", "status": "active"},
			{"id": "b", "name": "Walk", "status": "active", "minimum_age": "twelve", "service_at_locations": [{"id": "x", "location": {"id": "y", "location_type": "physical", "latitude": "north"}}]},
			{"id": "c", "name": "Fine", "status": "active"}
		]`, []kith.FieldError{
			{Field: "[0].name", Message: "is required"},
			{Field: "[1].minimum_age", Message: "must be a number, not a string"},
			{Field: "[1].service_at_locations[0].location.latitude", Message: "must be a number, not a string"},
		}},
		{"page", `{"total_items": 3, "contents": [
			{"id": "a", "name": "A", "status": "active"},
			{"id": "b", "name": "B", "status": "active"},
			{"id": "c", "status": "open", "attributes": [{"id": "t", "taxonomy_term": {"id": "k", "name": "n", "description": "d", "taxonomy": "kith", "term": "category:knitting"}}]}
		]}`, []kith.FieldError{
			{Field: "contents[2].name", Message: "is required"},
			{Field: "contents[2].status", Message: `must be one of "active", "inactive", "defunct", "temporarily closed"`},
			{Field: "contents[2].attributes[0].taxonomy_term.term", Message: `"knitting" is not a known category`},
		}},
		{"single", `{"id": "a", "name": "` + strings.Repeat("x", 201) + `", "status": "active", "maximum_age": 12.5}`, []kith.FieldError{
			{Field: "maximum_age", Message: "must be a whole number of years"},
			{Field: "name", Message: "must be at most 200 characters"},
		}},
		{"kith checks on HSDS 3.0 fields", `{"id": "a", "name": "A", "status": "active",
			"phones": "0113", "languages": [{"id": "l", "code": 5}],
			"minimum_age": 70, "maximum_age": 60,
			"schedules": [{"id": "s", "byday": "MO", "opens_at": "25:00", "closes_at": "12:00"}]}`, []kith.FieldError{
			{Field: "phones", Message: "must be an array"},
			{Field: "languages[0].code", Message: "must be a string"},
			{Field: "schedules[0].opens_at", Message: "must be a time written HH:MM, such as 09:30"},
			{Field: "maximum_age", Message: "must not be below minimum_age"},
		}},
		{"repeated ids", `[{"id": "a", "name": "A", "status": "active"}, {"id": "a", "name": "B", "status": "active"}]`, []kith.FieldError{
			{Field: "[1].id", Message: `"a" is also the id of [0]`},
		}},
		{"not a service", `"hello"`, []kith.FieldError{
			{Field: "body", Message: "must be a service, an array of services or a page of services"},
		}},
		{"array of non-objects", `[1]`, []kith.FieldError{
			{Field: "[0]", Message: "must be an object, not a number"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			imp, err := ParseJSON([]byte(tt.doc), nil)
			if imp != nil {
				t.Errorf("imported %d services from a bad file", len(imp.Services))
			}
			if kith.ErrorCode(err) != kith.EINVALID {
				t.Fatalf("error = %v, want invalid", err)
			}
			if diff := cmp.Diff(tt.want, kith.FieldErrors(err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseJSONIgnoresByteOrderMark(t *testing.T) {
	doc := append([]byte("\xef\xbb\xbf"), kithService(nil, "category:befriending", "capacity:open", "relationship:risk_factor")...)
	if _, err := ParseJSON(doc, nil); err != nil {
		t.Errorf("ParseJSON with a BOM: %v", err)
	}
}

func TestParseJSONNotJSON(t *testing.T) {
	for _, doc := range []string{"", "{", `{"id": "a"} trailing`, "\xff"} {
		_, err := ParseJSON([]byte(doc), nil)
		var ke *kith.Error
		if !errors.As(err, &ke) || ke.Code != kith.EBADREQUEST {
			t.Errorf("ParseJSON(%q) = %v, want bad request", doc, err)
		}
	}
}

// kithService builds an HSDS document carrying Kith's attributes.
func kithService(extra map[string]any, codes ...string) []byte {
	doc := map[string]any{"id": "s1", "name": "Friendly Calls", "status": "active"}
	var attrs []any
	for i, c := range codes {
		attrs = append(attrs, map[string]any{"id": "a" + string(rune('0'+i)), "taxonomy_term": map[string]any{
			"id": "t" + string(rune('0'+i)), "name": c, "description": c, "taxonomy": "kith", "term": c,
		}})
	}
	doc["attributes"] = attrs
	for k, v := range extra {
		doc[k] = v
	}
	b, _ := json.Marshal(doc)
	return b
}

func TestParseJSONKithAttributes(t *testing.T) {
	doc := kithService(nil, "category:telephone_befriending", "relationship:risk_factor", "relationship:carers",
		"relationship:carers", "support_to_attend:by_phone", "capacity:waiting_list", "eligibility:carers_only",
		"gender:female", "condition:sight loss", "interest:music", "accessibility:relay calls", "category:befriending", "colour:blue")
	imp, err := ParseJSON(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := imp.Services[0]
	want := Service{
		ID: "s1", Name: "Friendly Calls", Status: "active",
		Category: "telephone_befriending", Relationships: []string{"risk_factor", "carers"},
		SupportToAttend: []string{"by_phone"}, Capacity: "waiting_list",
		Eligibility:   Eligibility{CarersOnly: true, Gender: "female", Conditions: []string{"sight loss"}},
		Interests:     []string{"music"},
		Accessibility: []string{"relay calls"},
		Cost:          Cost{Free: true},
	}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("service (-want +got):\n%s", diff)
	}
	wantWarnings := []Warning{
		{Field: "attributes[11].taxonomy_term.term", Message: `a service has one Kith category; "telephone_befriending" is used and "befriending" ignored`},
		{Field: "attributes[12].taxonomy_term.term", Message: `"colour:blue" is not a Kith attribute; ignored`},
	}
	if diff := cmp.Diff(wantWarnings, imp.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	// A site's own category is accepted only by that site.
	doc = kithService(nil, "category:mens_sheds", "capacity:open", "relationship:risk_factor")
	if _, err := ParseJSON(doc, []string{"mens_sheds"}); err != nil {
		t.Errorf("site category refused: %v", err)
	}
	if _, err := ParseJSON(doc, nil); kith.ErrorCode(err) != kith.EINVALID {
		t.Errorf("another site's category accepted: %v", err)
	}
}

func TestParseJSONLocations(t *testing.T) {
	loc := func(lat, lon any, country, postcode string) map[string]any {
		l := map[string]any{"id": "l", "location_type": "physical", "name": "Hall",
			"addresses": []any{map[string]any{"id": "ad", "address_1": "1 Lane", "city": "Leeds", "state_province": "", "postal_code": postcode, "country": country, "address_type": "physical"}}}
		if lat != nil {
			l["latitude"] = lat
		}
		if lon != nil {
			l["longitude"] = lon
		}
		return map[string]any{"service_at_locations": []any{map[string]any{"id": "sal", "location": l}}}
	}
	const at = "service_at_locations[0].location"
	tests := []struct {
		name         string
		doc          map[string]any
		located      bool
		postcode     string
		warningField string
		warning      string
	}{
		{"in Leeds", loc(53.8, -1.55, "GB", "ls1 4ap"), true, "LS1 4AP", "", ""},
		{"impossible", loc(100, 101, "GB", "LS1 4AP"), false, "LS1 4AP", at + ".latitude", "100 is not a possible latitude"},
		{"impossible longitude", loc(53.8, 181, "GB", "LS1 4AP"), false, "LS1 4AP", at + ".longitude", "181 is not a possible longitude"},
		{"outside the UK", loc(48.85, 2.35, "FR", "75001"), false, "75001", at + ".latitude", "48.85, 2.35 is outside the United Kingdom"},
		{"missing", loc(nil, nil, "GB", "LS1 4AP"), false, "LS1 4AP", at, "has no latitude and longitude"},
		{"half", loc(53.8, nil, "GB", "LS1 4AP"), false, "LS1 4AP", at, "has only one of latitude and longitude"},
		{"foreign postcode kept", loc(nil, nil, "US", "ABC 1234"), false, "ABC 1234", at, "has no latitude"},
		{"bad UK postcode", loc(53.8, -1.55, "United Kingdom", "LS1"), true, "", at + ".addresses[0].postal_code", `"LS1" is not a well-formed UK postcode; left out`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			imp, err := ParseJSON(kithService(tt.doc, "category:social_group", "capacity:open", "relationship:risk_factor"), nil)
			if err != nil {
				t.Fatal(err)
			}
			s := imp.Services[0]
			l := s.Locations[0]
			if l.Located != tt.located || (l.Latitude != nil) != tt.located || (s.Latitude != nil) != tt.located {
				t.Errorf("located = %v, latitude %v, service latitude %v; want located %v", l.Located, l.Latitude, s.Latitude, tt.located)
			}
			if l.PostalCode != tt.postcode {
				t.Errorf("postcode = %q, want %q", l.PostalCode, tt.postcode)
			}
			if tt.warning == "" && len(imp.Warnings) > 0 {
				t.Errorf("unexpected warnings %+v", imp.Warnings)
			}
			if tt.warning != "" && !hasWarning(imp.Warnings, tt.warningField, tt.warning) {
				t.Errorf("no warning %s: %q in %+v", tt.warningField, tt.warning, imp.Warnings)
			}
		})
	}
}

func TestParseJSONCost(t *testing.T) {
	opt := func(amount any, words string) map[string]any {
		o := map[string]any{"id": "c"}
		if amount != nil {
			o["amount"] = amount
		}
		if words != "" {
			o["option"] = words
		}
		return o
	}
	tests := []struct {
		name  string
		extra map[string]any
		want  Cost
	}{
		{"no cost options", nil, Cost{Free: true}},
		{"fees text naming a charge", map[string]any{"fees": "£5 a session"}, Cost{Description: "£5 a session"}},
		{"fees text saying free", map[string]any{"fees": "Free of charge"}, Cost{Free: true, Description: "Free of charge"}},
		{"amounts of zero", map[string]any{"cost_options": []any{opt(0, "Members"), opt(0, "")}}, Cost{Free: true, Description: "Members"}},
		{"a positive amount", map[string]any{"cost_options": []any{opt(0, "Carers"), opt(7.5, "Others")}}, Cost{Description: "Carers; Others", Amount: ptr(7.5), Currency: "GBP"}},
		{"words saying free", map[string]any{"cost_options": []any{opt(nil, "Free for everyone")}}, Cost{Free: true, Description: "Free for everyone"}},
		{"words without an amount", map[string]any{"cost_options": []any{opt(nil, "Donation suggested")}}, Cost{Description: "Donation suggested"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			imp, err := ParseJSON(kithService(tt.extra, "category:social_group", "capacity:open", "relationship:risk_factor"), nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, imp.Services[0].Cost); diff != "" {
				t.Errorf("cost (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseJSONMalformedAddressesAreLeftOut(t *testing.T) {
	doc := kithService(map[string]any{"url": "www.example.org", "email": "not an email",
		"languages": []any{map[string]any{"id": "l1", "name": "Polish"}, map[string]any{"id": "l2", "code": "eng"}, map[string]any{"id": "l3", "name": "Klingon"}}},
		"category:social_group", "capacity:open", "relationship:risk_factor")
	imp, err := ParseJSON(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := imp.Services[0]
	if s.URL != "" || s.Email != "" {
		t.Errorf("url %q, email %q kept", s.URL, s.Email)
	}
	if diff := cmp.Diff([]string{"pl", "en"}, s.Languages); diff != "" {
		t.Errorf("languages (-want +got):\n%s", diff)
	}
	for _, f := range []string{"url", "email", "languages[2]"} {
		if !hasWarning(imp.Warnings, f, "") {
			t.Errorf("no warning for %s in %+v", f, imp.Warnings)
		}
	}
}
