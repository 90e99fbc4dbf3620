package assets

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kith-project/kith"
)

func ptr[T any](v T) *T { return &v }

// validService is a small service that passes Validate; each case below
// breaks one thing.
func validService() Service {
	return Service{
		Name:     "Tea and Talk",
		Category: "social_group",
		Capacity: CapacityOpen,
		Locations: []Location{{
			Name: "Hall", Address1: "1 Vicar Lane", City: "Leeds", PostalCode: "ls2 7hy",
			Latitude: ptr(53.7972), Longitude: ptr(-1.5403),
		}},
		Relationships:   []string{"risk_factor"},
		SupportToAttend: []string{"transport"},
		Schedules:       []Schedule{{Freq: "WEEKLY", ByDay: "MO,WE", OpensAt: "10:00", ClosesAt: "12:00"}},
		Languages:       []string{"en", "ur"},
		LastConfirmed:   "2026-10-01",
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Service)
		want   []kith.FieldError
	}{
		{"valid", func(*Service) {}, nil},
		{"site category", func(s *Service) { s.Category = "mens_sheds" }, nil},
		{"no name, category or capacity", func(s *Service) { s.Name, s.Category, s.Capacity = " ", "", "" }, []kith.FieldError{
			{Field: "name", Message: "is required"},
			{Field: "category", Message: "is required"},
			{Field: "capacity", Message: `is required: one of "open", "waiting_list", "full"`},
		}},
		{"long name", func(s *Service) { s.Name = strings.Repeat("é", 201) }, []kith.FieldError{
			{Field: "name", Message: "must be at most 200 characters"},
		}},
		{"long description", func(s *Service) { s.Description = strings.Repeat("a", 5001) }, []kith.FieldError{
			{Field: "description", Message: "must be at most 5000 characters"},
		}},
		{"unknown codes", func(s *Service) {
			s.Category = "knitting"
			s.Relationships = []string{"risk_factor", "loneliness", "risk_factor"}
			s.SupportToAttend = []string{"taxi"}
			s.Capacity = "busy"
			s.Status = "closed"
		}, []kith.FieldError{
			{Field: "status", Message: `must be one of "active", "inactive", "defunct", "temporarily closed"`},
			{Field: "relationships[1]", Message: `"loneliness" is not a known relationship: use one of "risk_factor", "impact_factor", "means_of_abuse", "self_neglect", "carers", "fear_of_isolation", "chosen_isolation"`},
			{Field: "relationships[2]", Message: `"risk_factor" is repeated`},
			{Field: "category", Message: `"knitting" is not a known category`},
			{Field: "support_to_attend[0]", Message: `"taxi" is not a known support to attend: use one of "accompanied_first_visit", "transport", "home_visits", "by_phone", "online"`},
			{Field: "capacity", Message: `must be one of "open", "waiting_list", "full"`},
		}},
		{"ages", func(s *Service) { s.Eligibility.MinimumAge, s.Eligibility.MaximumAge = ptr(70), ptr(65) }, []kith.FieldError{
			{Field: "eligibility.maximum_age", Message: "must not be below minimum_age"},
		}},
		{"age range", func(s *Service) { s.Eligibility.MinimumAge, s.Eligibility.MaximumAge = ptr(-1), ptr(131) }, []kith.FieldError{
			{Field: "eligibility.minimum_age", Message: "must be from 0 to 130"},
			{Field: "eligibility.maximum_age", Message: "must be from 0 to 130"},
		}},
		{"gender", func(s *Service) { s.Eligibility.Gender = "women" }, []kith.FieldError{
			{Field: "eligibility.gender", Message: `must be "female", "male" or empty (anyone)`},
		}},
		{"languages", func(s *Service) { s.Languages = []string{"English", "en", "en"} }, []kith.FieldError{
			{Field: "languages[0]", Message: `must be an ISO 639 language code such as "en" or "ur"`},
			{Field: "languages[2]", Message: `"en" is repeated`},
		}},
		{"coordinates", func(s *Service) { s.Locations[0].Latitude, s.Locations[0].Longitude = ptr(100.0), ptr(1.0) }, []kith.FieldError{
			{Field: "locations[0].latitude", Message: "must be a number from -90 to 90 (WGS84 decimal degrees)"},
		}},
		{"outside the UK", func(s *Service) { s.Locations[0].Latitude, s.Locations[0].Longitude = ptr(48.85), ptr(2.35) }, []kith.FieldError{
			{Field: "locations[0].latitude", Message: "48.85, 2.35 is outside the United Kingdom"},
		}},
		{"latitude alone", func(s *Service) { s.Locations[0].Longitude = nil }, []kith.FieldError{
			{Field: "locations[0].longitude", Message: "is required with latitude: give both or neither"},
		}},
		{"UK postcode", func(s *Service) { s.Locations[0].PostalCode = "LS99 XYZ" }, []kith.FieldError{
			{Field: "locations[0].postal_code", Message: `"LS99 XYZ" is not a well-formed UK postcode`},
		}},
		{"foreign postcode", func(s *Service) {
			s.Locations[0].PostalCode, s.Locations[0].Country = "ABC 1234", "US"
			s.Locations[0].Latitude, s.Locations[0].Longitude = nil, nil
		}, nil},
		{"empty location", func(s *Service) { s.Locations = []Location{{}} }, []kith.FieldError{
			{Field: "locations[0]", Message: "needs a name, an address or coordinates"},
		}},
		{"addresses", func(s *Service) {
			s.URL, s.Email = "ftp://x", "Ann <ann@example.org>"
			s.Organization = Organization{Website: "example.org"}
			s.Contacts = []Contact{{Email: "nope"}}
		}, []kith.FieldError{
			{Field: "url", Message: "must be a web address starting http:// or https://"},
			{Field: "email", Message: "must be an email address such as name@example.org"},
			{Field: "organization.name", Message: "is required"},
			{Field: "organization.website", Message: "must be a web address starting http:// or https://"},
			{Field: "contacts[0].email", Message: "must be an email address such as name@example.org"},
		}},
		{"phones", func(s *Service) { s.Phones = []Phone{{}, {Number: "call us"}} }, []kith.FieldError{
			{Field: "phones[0].number", Message: "is required"},
			{Field: "phones[1].number", Message: "must be a phone number of at most 40 characters"},
		}},
		{"schedules", func(s *Service) {
			s.Schedules = []Schedule{
				{ByDay: "MO,XX", OpensAt: "9am", ClosesAt: "12:00"},
				{ByDay: "2TU", OpensAt: "10:00", ClosesAt: "10:00", Freq: "DAILY"},
				{OpensAt: "10:00", ValidFrom: "2026-02-01", ValidTo: "2026-01-01"},
			}
		}, []kith.FieldError{
			{Field: "schedules[0].byday", Message: "must list days as MO, TU, WE, TH, FR, SA, SU separated by commas"},
			{Field: "schedules[0].opens_at", Message: "must be a time written HH:MM, such as 09:30"},
			{Field: "schedules[1].freq", Message: `must be "WEEKLY" or "MONTHLY"`},
			{Field: "schedules[1].byday", Message: `"2TU" counts weeks in the month, which needs freq MONTHLY`},
			{Field: "schedules[1].closes_at", Message: "must differ from opens_at"},
			{Field: "schedules[2].closes_at", Message: "is required with opens_at"},
			{Field: "schedules[2].valid_to", Message: "must not be before valid_from"},
		}},
		{"monthly and overnight", func(s *Service) {
			s.Schedules = []Schedule{{Freq: "MONTHLY", ByDay: "2TU,-1FR", OpensAt: "22:00", ClosesAt: "02:00"}}
		}, nil},
		{"cost", func(s *Service) { s.Cost = Cost{Free: true, Amount: ptr(3.0), Currency: "pounds"} }, []kith.FieldError{
			{Field: "cost.free", Message: "cannot be true with an amount above 0"},
			{Field: "cost.currency", Message: `must be a three-letter ISO 4217 code such as "GBP"`},
		}},
		{"last confirmed", func(s *Service) { s.LastConfirmed = "01/10/2026" }, []kith.FieldError{
			{Field: "last_confirmed", Message: "must be a date written YYYY-MM-DD"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validService()
			tt.change(&s)
			Normalize(&s)
			got := Validate(&s, []string{"mens_sheds"})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateAtPrefixesPaths(t *testing.T) {
	s := validService()
	s.Category = ""
	s.Locations[0].Latitude = nil
	got := ValidateAt("services[3]", &s, nil)
	want := []kith.FieldError{
		{Field: "services[3].locations[0].latitude", Message: "is required with longitude: give both or neither"},
		{Field: "services[3].category", Message: "is required"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ValidateAt (-want +got):\n%s", diff)
	}
}

func TestNormalize(t *testing.T) {
	s := validService()
	s.Locations = append([]Location{{Name: "Helpline office", Country: "uk"}}, s.Locations...)
	s.Cost = Cost{Amount: ptr(2.5)}
	s.Languages = []string{" UR "}
	Normalize(&s)
	if s.Status != StatusActive || s.Locations[0].Country != "GB" || s.Locations[1].PostalCode != "LS2 7HY" {
		t.Errorf("defaults: status %q, country %q, postcode %q", s.Status, s.Locations[0].Country, s.Locations[1].PostalCode)
	}
	if s.Locations[0].Located || !s.Locations[1].Located {
		t.Errorf("located = %v, %v; want false, true", s.Locations[0].Located, s.Locations[1].Located)
	}
	if s.Latitude == nil || *s.Latitude != 53.7972 || *s.Longitude != -1.5403 {
		t.Errorf("top-level coordinates = %v, %v; want the first located location's", s.Latitude, s.Longitude)
	}
	if s.Cost.Currency != "GBP" || s.Languages[0] != "ur" {
		t.Errorf("currency %q, language %q", s.Cost.Currency, s.Languages[0])
	}
	free := Service{Cost: Cost{Free: true, Amount: ptr(0.0)}}
	Normalize(&free)
	if free.Cost.Amount != nil {
		t.Error("a free service keeps an amount of 0")
	}
}

func TestServiceJSONListsAreNeverNull(t *testing.T) {
	b, err := json.Marshal(Service{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"locations", "contacts", "phones", "schedules", "languages", "accessibility", "taxonomy_terms", "relationships", "support_to_attend"} {
		if _, ok := got[k].([]any); !ok {
			t.Errorf("%s = %v, want []", k, got[k])
		}
	}
	for _, k := range []string{"latitude", "longitude"} {
		if v, ok := got[k]; !ok || v != nil {
			t.Errorf("%s = %v (present %v), want null", k, v, ok)
		}
	}
	if _, ok := got["created_at"]; ok {
		t.Error("created_at is written before storage sets it")
	}
}
