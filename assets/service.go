package assets

import (
	"encoding/json"
	"time"
)

// Service is one community asset as Kith's own API shows it: an HSDS service
// flattened to what a navigator needs, plus Kith's fields. Lists are never
// null in JSON. Latitude and Longitude are the first located location's, and
// null when the service has no place (a helpline); Normalize sets them.
type Service struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Description     string         `json:"description"`
	URL             string         `json:"url"`
	Email           string         `json:"email"`
	Status          string         `json:"status"`
	Organization    Organization   `json:"organization"`
	Locations       []Location     `json:"locations"`
	Latitude        *float64       `json:"latitude"`
	Longitude       *float64       `json:"longitude"`
	Contacts        []Contact      `json:"contacts"`
	Phones          []Phone        `json:"phones"`
	Schedules       []Schedule     `json:"schedules"`
	Cost            Cost           `json:"cost"`
	Eligibility     Eligibility    `json:"eligibility"`
	Languages       []string       `json:"languages"`
	Accessibility   []string       `json:"accessibility"`
	TaxonomyTerms   []TaxonomyTerm `json:"taxonomy_terms"`
	Relationships   []string       `json:"relationships"`
	Category        string         `json:"category"`
	SupportToAttend []string       `json:"support_to_attend"`
	Capacity        string         `json:"capacity"`
	LastConfirmed   string         `json:"last_confirmed"`
	Public          bool           `json:"public"`
	Interests       []string       `json:"interests,omitempty"`

	// Set by storage.
	CreatedAt *time.Time `json:"created_at,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
}

// Organization is who runs the service.
type Organization struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Website     string `json:"website"`
	Email       string `json:"email"`
}

// Location is a place the service is given. Located is false when the
// coordinates are missing, impossible or outside the UK; such a location is
// never found by a distance search. Normalize sets Located.
type Location struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Address1   string   `json:"address_1"`
	Address2   string   `json:"address_2,omitempty"`
	City       string   `json:"city"`
	Region     string   `json:"region,omitempty"`
	PostalCode string   `json:"postal_code"`
	Country    string   `json:"country"`
	Latitude   *float64 `json:"latitude"`
	Longitude  *float64 `json:"longitude"`
	Located    bool     `json:"located"`
}

// Contact is a named person at the service.
type Contact struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// Phone is one of the service's phone numbers.
type Phone struct {
	Number      string `json:"number"`
	Description string `json:"description"`
}

// Schedule is the subset of an HSDS (iCalendar-style) schedule that says when
// the service is open: on the days in ByDay ("MO,WE"; for a monthly schedule
// also "2TU" or "-1FR"), from OpensAt to ClosesAt ("10:00", Europe/London
// time), between ValidFrom and ValidTo when given ("YYYY-MM-DD").
type Schedule struct {
	ByDay       string `json:"byday"`
	OpensAt     string `json:"opens_at"`
	ClosesAt    string `json:"closes_at"`
	Description string `json:"description,omitempty"`
	Freq        string `json:"freq,omitempty"`
	ValidFrom   string `json:"valid_from,omitempty"`
	ValidTo     string `json:"valid_to,omitempty"`
}

// Cost says whether using the service costs the person anything.
type Cost struct {
	Free        bool     `json:"free"`
	Description string   `json:"description"`
	Amount      *float64 `json:"amount"`
	Currency    string   `json:"currency"`
}

// Eligibility says who the service is for. Empty fields mean no restriction.
// AreaServed holds postcode districts ("LS6"), postcode areas ("LS") or place
// names; only the postcode forms are checked against a person.
type Eligibility struct {
	MinimumAge  *int     `json:"minimum_age"`
	MaximumAge  *int     `json:"maximum_age"`
	CarersOnly  bool     `json:"carers_only"`
	Gender      string   `json:"gender"`
	AreaServed  []string `json:"area_served"`
	Conditions  []string `json:"conditions"`
	Description string   `json:"description"`
}

// TaxonomyTerm is a term from another taxonomy that an imported service
// carried (for example an LGA or Open Eligibility term), kept so that the
// open feed passes it on.
type TaxonomyTerm struct {
	ID         string `json:"id"`
	Term       string `json:"term"`
	Vocabulary string `json:"vocabulary"`
}

// MarshalJSON writes empty lists as [] rather than null, so API clients can
// iterate without checking.
func (s Service) MarshalJSON() ([]byte, error) {
	type plain Service
	p := plain(s)
	p.Locations = nonNil(p.Locations)
	p.Contacts = nonNil(p.Contacts)
	p.Phones = nonNil(p.Phones)
	p.Schedules = nonNil(p.Schedules)
	p.Languages = nonNil(p.Languages)
	p.Accessibility = nonNil(p.Accessibility)
	p.TaxonomyTerms = nonNil(p.TaxonomyTerms)
	p.Relationships = nonNil(p.Relationships)
	p.SupportToAttend = nonNil(p.SupportToAttend)
	p.Eligibility.AreaServed = nonNil(p.Eligibility.AreaServed)
	p.Eligibility.Conditions = nonNil(p.Eligibility.Conditions)
	return json.Marshal(p)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
