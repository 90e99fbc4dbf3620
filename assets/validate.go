package assets

import (
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/postcode"
)

// Text limits: the API's for names and free text, and a bound on every list
// so that one record cannot grow without limit.
const (
	maxName     = 200
	maxText     = 5000
	maxURL      = 2000
	maxEmail    = 254
	maxPhone    = 40
	maxListSize = 100
	maxAge      = 130
	maxAmount   = 1e6
)

// The United Kingdom's bounding box, generous at the edges (Scilly, Shetland,
// Northern Ireland). Coordinates outside it are a data error for a directory
// of English community services, usually swapped or placeholder values.
const (
	ukMinLat, ukMaxLat = 49.8, 60.95
	ukMinLon, ukMaxLon = -8.7, 1.8
)

var (
	countryCode  = regexp.MustCompile(`^[A-Z]{2}$`)
	currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)
)

// InUK reports whether a point lies inside the United Kingdom's bounding box.
func InUK(lat, lon float64) bool {
	return lat >= ukMinLat && lat <= ukMaxLat && lon >= ukMinLon && lon <= ukMaxLon
}

// Normalize fills the fields Kith derives and puts values in their one stored
// form. Call it before Validate on anything a person or a file supplied.
//
// It defaults an empty status to active and a location's country to GB,
// writes GB postcodes as "LS1 4AP", sets each location's Located flag and the
// service's top-level coordinates from the first located location, and
// defaults the currency of an amount to GBP (a free service's amount of 0 is
// dropped: free says it). It never drops anything Validate should see: an
// impossible coordinate stays for Validate to report.
func Normalize(s *Service) {
	s.Name = strings.TrimSpace(s.Name)
	if s.Status == "" {
		s.Status = StatusActive
	}
	s.Latitude, s.Longitude = nil, nil
	for i := range s.Locations {
		l := &s.Locations[i]
		l.Country = normalizeCountry(l.Country)
		if l.Country == "GB" {
			if pc, ok := postcode.Normalize(l.PostalCode); ok {
				l.PostalCode = pc
			}
		}
		l.Located = l.Latitude != nil && l.Longitude != nil && InUK(*l.Latitude, *l.Longitude)
		if l.Located && s.Latitude == nil {
			lat, lon := *l.Latitude, *l.Longitude
			s.Latitude, s.Longitude = &lat, &lon
		}
	}
	if s.Cost.Free && s.Cost.Amount != nil && *s.Cost.Amount == 0 {
		s.Cost.Amount = nil
	}
	s.Cost.Currency = strings.ToUpper(strings.TrimSpace(s.Cost.Currency))
	if s.Cost.Amount != nil && s.Cost.Currency == "" {
		s.Cost.Currency = "GBP"
	}
	for i, l := range s.Languages {
		s.Languages[i] = strings.ToLower(strings.TrimSpace(l))
	}
}

// normalizeCountry returns an ISO 3166-1 alpha-2 code, reading the names
// people write for the UK as GB. Anything else is returned upper-cased for
// Validate to judge.
func normalizeCountry(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	switch c {
	case "", "UK", "GBR", "UNITED KINGDOM", "GREAT BRITAIN", "ENGLAND", "SCOTLAND", "WALES", "NORTHERN IRELAND":
		return "GB"
	}
	return c
}

// Validate checks a service as Kith's own API receives it, naming each
// problem by its JSON path. It returns every problem, not just the first.
func Validate(s *Service, siteCategories []string) []kith.FieldError {
	return ValidateAt("", s, siteCategories)
}

// ValidateAt is Validate with each field path under prefix, for a service
// inside a larger document ("services[3]" gives "services[3].category").
func ValidateAt(prefix string, s *Service, siteCategories []string) []kith.FieldError {
	c := &checker{prefix: prefix}
	c.text("id", s.ID, maxName, false)
	c.text("name", s.Name, maxName, true)
	c.text("description", s.Description, maxText, false)
	c.url("url", s.URL)
	c.email("email", s.Email)
	if s.Status != "" && !slices.Contains(Statuses, s.Status) {
		c.add("status", "must be one of %s", quoteList(Statuses))
	}
	c.organization(s.Organization)
	c.bound("locations", len(s.Locations))
	for i, l := range s.Locations {
		c.location(fmt.Sprintf("locations[%d]", i), l)
	}
	c.bound("contacts", len(s.Contacts))
	for i, ct := range s.Contacts {
		c.contact(fmt.Sprintf("contacts[%d]", i), ct)
	}
	c.bound("phones", len(s.Phones))
	for i, p := range s.Phones {
		f := fmt.Sprintf("phones[%d]", i)
		c.phone(f+".number", p.Number, true)
		c.text(f+".description", p.Description, maxText, false)
	}
	c.bound("schedules", len(s.Schedules))
	for i, sc := range s.Schedules {
		c.schedule(fmt.Sprintf("schedules[%d]", i), sc)
	}
	c.cost(s.Cost)
	c.eligibility(s.Eligibility)
	c.codes("languages", s.Languages, func(code string) string {
		if !validLanguage(code) {
			return "must be an ISO 639 language code such as \"en\" or \"ur\""
		}
		return ""
	})
	c.texts("accessibility", s.Accessibility, maxText)
	c.bound("taxonomy_terms", len(s.TaxonomyTerms))
	for i, t := range s.TaxonomyTerms {
		f := fmt.Sprintf("taxonomy_terms[%d]", i)
		c.text(f+".id", t.ID, maxName, false)
		c.text(f+".term", t.Term, maxName, true)
		c.text(f+".vocabulary", t.Vocabulary, maxName, false)
	}
	c.codes("relationships", s.Relationships, vocabularyCheck(Relationships, "relationship"))
	switch {
	case s.Category == "":
		c.add("category", "is required")
	case !ValidCategory(s.Category, siteCategories):
		c.add("category", "%q is not a known category", s.Category)
	}
	c.codes("support_to_attend", s.SupportToAttend, vocabularyCheck(SupportToAttend, "support to attend"))
	switch {
	case s.Capacity == "":
		c.add("capacity", "is required: one of %s", quoteList(CapacityCodes()))
	case !known(Capacities, s.Capacity):
		c.add("capacity", "must be one of %s", quoteList(CapacityCodes()))
	}
	c.date("last_confirmed", s.LastConfirmed)
	c.texts("interests", s.Interests, 100)
	return c.errs
}

type checker struct {
	prefix string
	errs   []kith.FieldError
}

func (c *checker) add(field, format string, args ...any) {
	c.errs = append(c.errs, kith.FieldError{Field: joinPath(c.prefix, field), Message: fmt.Sprintf(format, args...)})
}

func (c *checker) text(field, v string, max int, required bool) {
	switch {
	case required && strings.TrimSpace(v) == "":
		c.add(field, "is required")
	case utf8.RuneCountInString(v) > max:
		c.add(field, "must be at most %d characters", max)
	}
}

func (c *checker) texts(field string, vs []string, max int) {
	c.bound(field, len(vs))
	for i, v := range vs {
		c.text(fmt.Sprintf("%s[%d]", field, i), v, max, true)
	}
}

func (c *checker) bound(field string, n int) {
	if n > maxListSize {
		c.add(field, "must have at most %d items", maxListSize)
	}
}

// codes checks a list of codes against a rule and refuses repeats.
func (c *checker) codes(field string, vs []string, check func(string) string) {
	c.bound(field, len(vs))
	for i, v := range vs {
		f := fmt.Sprintf("%s[%d]", field, i)
		if msg := check(v); msg != "" {
			c.add(f, "%s", msg)
		} else if slices.Index(vs, v) < i {
			c.add(f, "%q is repeated", v)
		}
	}
}

func vocabularyCheck(terms []Term, what string) func(string) string {
	return func(code string) string {
		if known(terms, code) {
			return ""
		}
		return fmt.Sprintf("%q is not a known %s: use one of %s", code, what, quoteList(codes(terms)))
	}
}

func (c *checker) url(field, v string) {
	if v == "" {
		return
	}
	if len(v) > maxURL || !validURL(v) {
		c.add(field, "must be a web address starting http:// or https://")
	}
}

func validURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(v, " \t\r\n")
}

func (c *checker) email(field, v string) {
	if v != "" && !validEmail(v) {
		c.add(field, "must be an email address such as name@example.org")
	}
}

func validEmail(v string) bool {
	a, err := mail.ParseAddress(v)
	return err == nil && a.Address == v && a.Name == "" && len(v) <= maxEmail
}

func (c *checker) phone(field, v string, required bool) {
	switch {
	case v == "":
		if required {
			c.add(field, "is required")
		}
	case len(v) > maxPhone || !strings.ContainsAny(v, "0123456789"):
		c.add(field, "must be a phone number of at most %d characters", maxPhone)
	}
}

func (c *checker) date(field, v string) {
	if v == "" {
		return
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		c.add(field, "must be a date written YYYY-MM-DD")
	}
}

func (c *checker) organization(o Organization) {
	c.text("organization.id", o.ID, maxName, false)
	named := o.ID != "" || o.Description != "" || o.Website != "" || o.Email != ""
	c.text("organization.name", o.Name, maxName, named)
	c.text("organization.description", o.Description, maxText, false)
	c.url("organization.website", o.Website)
	c.email("organization.email", o.Email)
}

func (c *checker) location(f string, l Location) {
	c.text(f+".id", l.ID, maxName, false)
	c.text(f+".name", l.Name, maxName, false)
	c.text(f+".address_1", l.Address1, maxName, false)
	c.text(f+".address_2", l.Address2, maxName, false)
	c.text(f+".city", l.City, maxName, false)
	c.text(f+".region", l.Region, maxName, false)
	if l.Name == "" && l.Address1 == "" && l.PostalCode == "" && l.Latitude == nil && l.Longitude == nil {
		c.add(f, "needs a name, an address or coordinates")
	}
	country := l.Country
	if country == "" {
		country = "GB"
	}
	if !countryCode.MatchString(country) {
		c.add(f+".country", "must be a two-letter ISO 3166 country code such as \"GB\"")
	}
	switch _, ok := postcode.Normalize(l.PostalCode); {
	case l.PostalCode == "":
	case country == "GB" && !ok:
		c.add(f+".postal_code", "%q is not a well-formed UK postcode", l.PostalCode)
	case len(l.PostalCode) > 20:
		c.add(f+".postal_code", "must be at most 20 characters")
	}
	switch {
	case l.Latitude != nil && l.Longitude == nil:
		c.add(f+".longitude", "is required with latitude: give both or neither")
	case l.Latitude == nil && l.Longitude != nil:
		c.add(f+".latitude", "is required with longitude: give both or neither")
	case l.Latitude != nil:
		lat, lon := *l.Latitude, *l.Longitude
		latOK := !math.IsNaN(lat) && lat >= -90 && lat <= 90
		lonOK := !math.IsNaN(lon) && lon >= -180 && lon <= 180
		if !latOK {
			c.add(f+".latitude", "must be a number from -90 to 90 (WGS84 decimal degrees)")
		}
		if !lonOK {
			c.add(f+".longitude", "must be a number from -180 to 180 (WGS84 decimal degrees)")
		}
		if latOK && lonOK && !InUK(lat, lon) {
			c.add(f+".latitude", "%s, %s is outside the United Kingdom", fmtFloat(lat), fmtFloat(lon))
		}
	}
}

func (c *checker) contact(f string, ct Contact) {
	c.text(f+".name", ct.Name, maxName, false)
	c.text(f+".title", ct.Title, maxName, false)
	c.email(f+".email", ct.Email)
	c.phone(f+".phone", ct.Phone, false)
	if ct.Name == "" && ct.Email == "" && ct.Phone == "" {
		c.add(f, "needs a name, an email address or a phone number")
	}
}

func (c *checker) schedule(f string, sc Schedule) {
	if sc.Freq != "" && sc.Freq != "WEEKLY" && sc.Freq != "MONTHLY" {
		c.add(f+".freq", "must be \"WEEKLY\" or \"MONTHLY\"")
	}
	if _, err := parseByDay(sc.ByDay, sc.Freq == "MONTHLY"); err != nil {
		c.add(f+".byday", "%s", err.Error())
	}
	opens, okOpens := clockMinutes(sc.OpensAt, false)
	closes, okCloses := clockMinutes(sc.ClosesAt, true)
	if sc.OpensAt != "" && !okOpens {
		c.add(f+".opens_at", "must be a time written HH:MM, such as 09:30")
	}
	if sc.ClosesAt != "" && !okCloses {
		c.add(f+".closes_at", "must be a time written HH:MM, such as 17:00")
	}
	switch {
	case sc.OpensAt == "" && sc.ClosesAt != "":
		c.add(f+".opens_at", "is required with closes_at")
	case sc.OpensAt != "" && sc.ClosesAt == "":
		c.add(f+".closes_at", "is required with opens_at")
	case okOpens && okCloses && opens == closes:
		c.add(f+".closes_at", "must differ from opens_at")
	}
	c.text(f+".description", sc.Description, maxText, false)
	c.date(f+".valid_from", sc.ValidFrom)
	c.date(f+".valid_to", sc.ValidTo)
	if sc.ValidFrom != "" && sc.ValidTo != "" && validDate(sc.ValidFrom) && validDate(sc.ValidTo) && sc.ValidTo < sc.ValidFrom {
		c.add(f+".valid_to", "must not be before valid_from")
	}
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func (c *checker) cost(k Cost) {
	c.text("cost.description", k.Description, maxText, false)
	if k.Amount != nil {
		a := *k.Amount
		switch {
		case math.IsNaN(a) || a < 0 || a > maxAmount:
			c.add("cost.amount", "must be a number from 0 to %d", int(maxAmount))
		case k.Free && a > 0:
			c.add("cost.free", "cannot be true with an amount above 0")
		case !k.Free && a == 0:
			c.add("cost.amount", "is 0, which means free: set free to true or give the charge")
		}
	}
	if k.Currency != "" && !currencyCode.MatchString(k.Currency) {
		c.add("cost.currency", "must be a three-letter ISO 4217 code such as \"GBP\"")
	}
}

func (c *checker) eligibility(e Eligibility) {
	age := func(f string, v *int) bool {
		if v != nil && (*v < 0 || *v > maxAge) {
			c.add(f, "must be from 0 to %d", maxAge)
			return false
		}
		return v != nil
	}
	okMin := age("eligibility.minimum_age", e.MinimumAge)
	okMax := age("eligibility.maximum_age", e.MaximumAge)
	if okMin && okMax && *e.MinimumAge > *e.MaximumAge {
		c.add("eligibility.maximum_age", "must not be below minimum_age")
	}
	if e.Gender != "" && e.Gender != GenderFemale && e.Gender != GenderMale {
		c.add("eligibility.gender", "must be \"female\", \"male\" or empty (anyone)")
	}
	c.texts("eligibility.area_served", e.AreaServed, 500)
	c.texts("eligibility.conditions", e.Conditions, maxName)
	c.text("eligibility.description", e.Description, maxText, false)
}

var weekdays = map[string]time.Weekday{
	"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday, "WE": time.Wednesday,
	"TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday,
}

// dayRule is one BYDAY entry: a weekday, and for a monthly schedule which
// one in the month (1 the first, -1 the last; 0 every one).
type dayRule struct {
	day     time.Weekday
	ordinal int
}

// parseByDay reads an iCalendar BYDAY list ("MO,WE", "2TU,-1FR").
func parseByDay(s string, monthly bool) ([]dayRule, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var rules []dayRule
	for _, tok := range strings.Split(s, ",") {
		tok = strings.ToUpper(strings.TrimSpace(tok))
		if len(tok) < 2 {
			return nil, fmt.Errorf("must list days as MO, TU, WE, TH, FR, SA, SU separated by commas")
		}
		day, ok := weekdays[tok[len(tok)-2:]]
		if !ok {
			return nil, fmt.Errorf("must list days as MO, TU, WE, TH, FR, SA, SU separated by commas")
		}
		r := dayRule{day: day}
		if n := tok[:len(tok)-2]; n != "" {
			o, err := strconv.Atoi(n)
			if err != nil || o == 0 || o < -5 || o > 5 {
				return nil, fmt.Errorf("%q is not a day: a monthly day is written like 2TU (second Tuesday) or -1FR (last Friday)", tok)
			}
			if !monthly {
				return nil, fmt.Errorf("%q counts weeks in the month, which needs freq MONTHLY", tok)
			}
			r.ordinal = o
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// clockMinutes reads "HH:MM" (or HSDS's "HH:MM:SS") as minutes after
// midnight. 24:00 is allowed as a closing time.
func clockMinutes(s string, closing bool) (int, bool) {
	if len(s) == 8 && s[5] == ':' && s[6:] == "00" {
		s = s[:5]
	}
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && (m != 0 || !closing)) {
		return 0, false
	}
	return h*60 + m, true
}

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// joinPath appends a field path to a prefix: "contents[2]" and "name" give
// "contents[2].name"; an index joins without a dot.
func joinPath(prefix, rest string) string {
	switch {
	case prefix == "":
		return rest
	case rest == "":
		return prefix
	case rest[0] == '[':
		return prefix + rest
	}
	return prefix + "." + rest
}
