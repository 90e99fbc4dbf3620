package assets

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/postcode"
)

// KithVocabulary is the HSDS taxonomy name under which Kith's own fields
// travel as attributes (see the package comment).
const KithVocabulary = "kith"

// Import is the result of reading a directory file: every service, and the
// warnings a lead should read (values left out, defaults assumed). Services
// keep the ids the file gave them; a service without one gets none here.
type Import struct {
	Services []Service `json:"services"`
	Warnings []Warning `json:"warnings"`
}

// Warning is something the import did about a value rather than refuse it.
type Warning struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// maxReported bounds the problems listed for one file: enough to fix a file,
// not so many that the answer is larger than the upload.
const maxReported = 1000

// issue is a problem found while mapping, at a path inside the service
// object (the document path, before the caller places it in the file).
type issue struct{ path, msg string }

// mapper turns one HSDS service object, as decoded from JSON with numbers
// kept exact, into a Service. It never stops at the first problem. origin
// records where each Kith field came from, so that Validate's findings name
// the document's field, not Kith's.
type mapper struct {
	errs, warns []issue
	origin      map[string]string
}

type objAt struct {
	o    map[string]any
	path string
}

// mapService maps and validates one service. locate places a document path
// in the file (prefixing an array index, or naming a CSV file and row).
func mapService(o map[string]any, siteCategories []string, locate func(string) string) (Service, []Warning, []kith.FieldError) {
	m := &mapper{origin: map[string]string{}}
	s := m.service(o)
	var errs []kith.FieldError
	for _, e := range m.errs {
		errs = append(errs, kith.FieldError{Field: locate(e.path), Message: e.msg})
	}
	for _, e := range ValidateAt("", &s, siteCategories) {
		errs = append(errs, kith.FieldError{Field: locate(m.docPath(e.Field)), Message: e.Message})
	}
	warns := make([]Warning, 0, len(m.warns))
	for _, w := range m.warns {
		warns = append(warns, Warning{Field: locate(w.path), Message: w.msg})
	}
	return s, warns, errs
}

// docPath finds where a Kith field came from: the longest recorded prefix,
// with the rest of the path kept. Fields Kith names as HSDS does need no
// record.
func (m *mapper) docPath(kithPath string) string {
	for p := kithPath; ; {
		if d, ok := m.origin[p]; ok {
			return joinPath(d, strings.TrimPrefix(kithPath[len(p):], "."))
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			return kithPath
		}
		p = p[:i]
	}
}

func (m *mapper) errf(path, format string, args ...any) {
	m.errs = append(m.errs, issue{path, fmt.Sprintf(format, args...)})
}

func (m *mapper) warnf(path, format string, args ...any) {
	m.warns = append(m.warns, issue{path, fmt.Sprintf(format, args...)})
}

func (m *mapper) str(o map[string]any, path, key string) string {
	v, ok := o[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		m.errf(joinPath(path, key), "must be a string")
		return ""
	}
	return strings.TrimSpace(s)
}

func (m *mapper) num(o map[string]any, path, key string) (float64, bool) {
	v, ok := o[key]
	if !ok || v == nil {
		return 0, false
	}
	f, ok := number(v)
	if !ok {
		m.errf(joinPath(path, key), "must be a number")
	}
	return f, ok
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil && !math.IsInf(f, 0)
	case float64:
		return n, !math.IsNaN(n) && !math.IsInf(n, 0)
	}
	return 0, false
}

func wholeNumber(v any) (int64, bool) {
	f, ok := number(v)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

func (m *mapper) child(o map[string]any, path, key string) (objAt, bool) {
	v, ok := o[key]
	if !ok || v == nil {
		return objAt{}, false
	}
	c, ok := v.(map[string]any)
	if !ok {
		m.errf(joinPath(path, key), "must be an object")
		return objAt{}, false
	}
	return objAt{c, joinPath(path, key)}, true
}

func (m *mapper) objects(o map[string]any, path, key string) []objAt {
	v, ok := o[key]
	if !ok || v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		m.errf(joinPath(path, key), "must be an array")
		return nil
	}
	out := make([]objAt, 0, len(list))
	for i, e := range list {
		p := fmt.Sprintf("%s[%d]", joinPath(path, key), i)
		c, ok := e.(map[string]any)
		if !ok {
			m.errf(p, "must be an object")
			continue
		}
		out = append(out, objAt{c, p})
	}
	return out
}

// link and mail leave out an ill-formed web or email address with a warning:
// it is someone else's data, and the rest of the record is still useful.
func (m *mapper) link(o map[string]any, path, key string) string {
	v := m.str(o, path, key)
	if v != "" && (len(v) > maxURL || !validURL(v)) {
		m.warnf(joinPath(path, key), "%q is not a web address; left out", v)
		return ""
	}
	return v
}

func (m *mapper) mail(o map[string]any, path, key string) string {
	v := m.str(o, path, key)
	if v != "" && !validEmail(v) {
		m.warnf(joinPath(path, key), "%q is not an email address; left out", v)
		return ""
	}
	return v
}

func (m *mapper) service(o map[string]any) Service {
	s := Service{
		ID:          m.str(o, "", "id"),
		Name:        m.str(o, "", "name"),
		Description: m.str(o, "", "description"),
		URL:         m.link(o, "", "url"),
		Email:       m.mail(o, "", "email"),
		Status:      m.str(o, "", "status"),
	}
	if org, ok := m.child(o, "", "organization"); ok {
		s.Organization = Organization{
			ID:          m.str(org.o, org.path, "id"),
			Name:        m.str(org.o, org.path, "name"),
			Description: m.str(org.o, org.path, "description"),
			Website:     m.link(org.o, org.path, "website"),
			Email:       m.mail(org.o, org.path, "email"),
		}
	}
	m.locations(o, &s)
	m.contacts(o, &s)
	m.phones(o, &s)
	m.schedules(o, &s)
	m.cost(o, &s)
	m.eligibility(o, &s)
	m.languages(o, &s)
	m.attributes(o, &s)
	s.LastConfirmed = dateOnly(m.str(o, "", "assured_date"))
	m.origin["last_confirmed"] = "assured_date"
	m.kithDefaults(&s)
	Normalize(&s)
	return s
}

func (m *mapper) locations(o map[string]any, s *Service) {
	seen := map[string]bool{}
	add := func(lo objAt) {
		id := m.str(lo.o, lo.path, "id")
		if id != "" && seen[id] {
			return
		}
		seen[id] = true
		m.location(lo, id, s)
	}
	for _, sal := range m.objects(o, "", "service_at_locations") {
		if lo, ok := m.child(sal.o, sal.path, "location"); ok {
			add(lo)
		} else if m.str(sal.o, sal.path, "location_id") != "" {
			m.warnf(sal.path+".location_id", "names a location the document does not include; left out")
		}
	}
	for _, lo := range m.objects(o, "", "locations") {
		add(lo)
	}
}

func (m *mapper) location(lo objAt, id string, s *Service) {
	kp := fmt.Sprintf("locations[%d]", len(s.Locations))
	m.origin[kp] = lo.path
	l := Location{ID: id, Name: m.str(lo.o, lo.path, "name")}
	addrs := m.objects(lo.o, lo.path, "addresses")
	if i := slices.IndexFunc(addrs, func(a objAt) bool { return a.o["address_type"] == "physical" }); i > 0 {
		addrs[0] = addrs[i]
	}
	if len(addrs) > 0 {
		a := addrs[0]
		field := func(kithName, key string) string {
			m.origin[kp+"."+kithName] = a.path + "." + key
			return m.str(a.o, a.path, key)
		}
		l.Address1 = field("address_1", "address_1")
		l.Address2 = field("address_2", "address_2")
		l.City = field("city", "city")
		if l.Region = field("region", "region"); l.Region == "" {
			l.Region = field("region", "state_province")
		}
		l.PostalCode = field("postal_code", "postal_code")
		l.Country = normalizeCountry(field("country", "country"))
		if l.Country == "GB" && l.PostalCode != "" {
			if pc, ok := postcode.Normalize(l.PostalCode); ok {
				l.PostalCode = pc
			} else {
				m.warnf(a.path+".postal_code", "%q is not a well-formed UK postcode; left out", l.PostalCode)
				l.PostalCode = ""
			}
		}
	}
	lat, hasLat := m.num(lo.o, lo.path, "latitude")
	lon, hasLon := m.num(lo.o, lo.path, "longitude")
	const kept = "the location is kept without coordinates, so distance searches will not find it"
	switch {
	case !hasLat && !hasLon:
		if t := m.str(lo.o, lo.path, "location_type"); (t == "" || t == "physical") && (l.Name != "" || l.Address1 != "" || l.PostalCode != "") {
			m.warnf(lo.path, "has no latitude and longitude; %s", kept)
		}
	case hasLat != hasLon:
		m.warnf(lo.path, "has only one of latitude and longitude; %s", kept)
	case lat < -90 || lat > 90 || lon < -180 || lon > 180:
		if lat < -90 || lat > 90 {
			m.warnf(lo.path+".latitude", "%s is not a possible latitude; %s", fmtFloat(lat), kept)
		}
		if lon < -180 || lon > 180 {
			m.warnf(lo.path+".longitude", "%s is not a possible longitude; %s", fmtFloat(lon), kept)
		}
	case !InUK(lat, lon):
		m.warnf(lo.path+".latitude", "%s, %s is outside the United Kingdom; %s", fmtFloat(lat), fmtFloat(lon), kept)
	default:
		l.Latitude, l.Longitude = &lat, &lon
	}
	if l.Name == "" && l.Address1 == "" && l.PostalCode == "" && l.Latitude == nil {
		for k := range m.origin {
			if k == kp || strings.HasPrefix(k, kp+".") {
				delete(m.origin, k)
			}
		}
		m.warnf(lo.path, "has no name, address or usable coordinates; left out")
		return
	}
	for _, acc := range m.objects(lo.o, lo.path, "accessibility") {
		key := "description"
		d := m.str(acc.o, acc.path, key)
		if d == "" {
			key = "accessibility"
			d = m.str(acc.o, acc.path, key)
		}
		m.addAccessibility(s, d, acc.path+"."+key)
	}
	s.Locations = append(s.Locations, l)
}

func (m *mapper) addAccessibility(s *Service, d, path string) {
	if d == "" || slices.Contains(s.Accessibility, d) {
		return
	}
	m.origin[fmt.Sprintf("accessibility[%d]", len(s.Accessibility))] = path
	s.Accessibility = append(s.Accessibility, d)
}

func (m *mapper) contacts(o map[string]any, s *Service) {
	for _, c := range m.objects(o, "", "contacts") {
		kp := fmt.Sprintf("contacts[%d]", len(s.Contacts))
		ct := Contact{
			Name:  m.str(c.o, c.path, "name"),
			Title: m.str(c.o, c.path, "title"),
			Email: m.mail(c.o, c.path, "email"),
		}
		for _, p := range m.objects(c.o, c.path, "phones") {
			if ct.Phone = cleanPhone(m.str(p.o, p.path, "number")); ct.Phone != "" {
				m.origin[kp+".phone"] = p.path + ".number"
				break
			}
		}
		if ct.Name == "" && ct.Email == "" && ct.Phone == "" {
			m.warnf(c.path, "has no name, email address or phone number; left out")
			continue
		}
		m.origin[kp] = c.path
		s.Contacts = append(s.Contacts, ct)
	}
}

// cleanPhone drops the stray quotation marks some exports (the HSDS examples
// among them) leave around a number.
func cleanPhone(n string) string {
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(n), `"'`))
}

func (m *mapper) phones(o map[string]any, s *Service) {
	for _, p := range m.objects(o, "", "phones") {
		n := cleanPhone(m.str(p.o, p.path, "number"))
		if n == "" {
			m.warnf(p.path, "has no number; left out")
			continue
		}
		if ext, ok := wholeNumber(p.o["extension"]); ok && ext > 0 {
			n = fmt.Sprintf("%s ext %d", n, ext)
		}
		m.origin[fmt.Sprintf("phones[%d]", len(s.Phones))] = p.path
		s.Phones = append(s.Phones, Phone{Number: n, Description: m.str(p.o, p.path, "description")})
	}
}

// schedules reads the service's own schedules and those of its
// service-at-locations, once each: HSDS documents often repeat one schedule
// at several levels.
func (m *mapper) schedules(o map[string]any, s *Service) {
	seen := map[string]bool{}
	lists := m.objects(o, "", "schedules")
	for _, sal := range m.objects(o, "", "service_at_locations") {
		lists = append(lists, m.objects(sal.o, sal.path, "schedules")...)
	}
	for _, sc := range lists {
		if id := m.str(sc.o, sc.path, "id"); id != "" {
			if seen[id] {
				continue
			}
			seen[id] = true
		}
		m.origin[fmt.Sprintf("schedules[%d]", len(s.Schedules))] = sc.path
		s.Schedules = append(s.Schedules, Schedule{
			ByDay:       strings.ToUpper(m.str(sc.o, sc.path, "byday")),
			OpensAt:     clockHHMM(m.str(sc.o, sc.path, "opens_at")),
			ClosesAt:    clockHHMM(m.str(sc.o, sc.path, "closes_at")),
			Description: m.str(sc.o, sc.path, "description"),
			Freq:        strings.ToUpper(m.str(sc.o, sc.path, "freq")),
			ValidFrom:   dateOnly(m.str(sc.o, sc.path, "valid_from")),
			ValidTo:     dateOnly(m.str(sc.o, sc.path, "valid_to")),
		})
	}
}

// clockHHMM writes HSDS times ("10:00:00", "9:30") as Kith's "10:00"; a
// value it cannot read is kept for Validate to report.
func clockHHMM(s string) string {
	if len(s) == 4 && s[1] == ':' {
		s = "0" + s
	}
	if len(s) == 8 && s[5] == ':' && s[6:] == "00" {
		return s[:5]
	}
	return s
}

// dateOnly takes the date of a date-time; anything else is kept for
// Validate to report.
func dateOnly(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Format(time.DateOnly)
	}
	return s
}

var saysFree = regexp.MustCompile(`(?i)\b(free|no charge|no cost|without charge)\b`)

// cost decides whether the service is free. A service is free when it has
// no cost options (and no fees text that names a charge), or when every cost
// option is free: an amount of 0, or no amount and words that say free. The
// first positive amount becomes Kith's amount; the options' words, joined,
// its description.
func (m *mapper) cost(o map[string]any, s *Service) {
	opts := m.objects(o, "", "cost_options")
	if len(opts) == 0 {
		key := "fees_description"
		fees := m.str(o, "", key)
		if fees == "" {
			key = "fees"
			fees = m.str(o, "", key)
		}
		s.Cost = Cost{Free: fees == "" || saysFree.MatchString(fees), Description: fees}
		m.origin["cost.description"] = key
		return
	}
	s.Cost.Free = true
	var words []string
	for _, c := range opts {
		text := strings.Join(nonEmpty(m.str(c.o, c.path, "option"), m.str(c.o, c.path, "amount_description")), ": ")
		if text != "" {
			words = append(words, text)
		}
		amount, has := m.num(c.o, c.path, "amount")
		switch {
		case has && amount < 0:
			m.errf(c.path+".amount", "must not be negative")
		case has && amount > 0:
			s.Cost.Free = false
			if s.Cost.Amount == nil {
				a := amount
				s.Cost.Amount = &a
				s.Cost.Currency = m.str(c.o, c.path, "currency")
				m.origin["cost"] = c.path
			}
		case !has && !saysFree.MatchString(text):
			s.Cost.Free = false
		}
	}
	if _, ok := m.origin["cost"]; !ok {
		m.origin["cost"] = opts[0].path
	}
	m.origin["cost.description"] = opts[0].path + ".option"
	s.Cost.Description = strings.Join(words, "; ")
}

func nonEmpty(vs ...string) []string {
	return slices.DeleteFunc(vs, func(v string) bool { return v == "" })
}

func (m *mapper) eligibility(o map[string]any, s *Service) {
	age := func(key string) *int {
		m.origin["eligibility."+key] = key
		v, ok := o[key]
		if !ok || v == nil {
			return nil
		}
		n, whole := wholeNumber(v)
		switch {
		case !whole:
			if _, isNum := number(v); isNum {
				m.errf(key, "must be a whole number of years")
			} else {
				m.errf(key, "must be a number")
			}
			return nil
		case n < 0 || n > maxAge:
			m.errf(key, "must be from 0 to %d", maxAge)
			return nil
		}
		a := int(n)
		return &a
	}
	s.Eligibility.MinimumAge = age("minimum_age")
	s.Eligibility.MaximumAge = age("maximum_age")
	s.Eligibility.Description = m.str(o, "", "eligibility_description")
	m.origin["eligibility.description"] = "eligibility_description"
	for _, a := range m.objects(o, "", "service_areas") {
		key := "name"
		n := m.str(a.o, a.path, key)
		if n == "" {
			key = "service_area"
			n = m.str(a.o, a.path, key)
		}
		if n != "" && !slices.Contains(s.Eligibility.AreaServed, n) {
			m.origin[fmt.Sprintf("eligibility.area_served[%d]", len(s.Eligibility.AreaServed))] = a.path + "." + key
			s.Eligibility.AreaServed = append(s.Eligibility.AreaServed, n)
		}
	}
}

func (m *mapper) languages(o map[string]any, s *Service) {
	for _, l := range m.objects(o, "", "languages") {
		code := languageFromFeed(m.str(l.o, l.path, "code"), m.str(l.o, l.path, "name"))
		switch {
		case code == "":
			m.warnf(l.path, "has no language code or name that Kith knows; left out")
		case !slices.Contains(s.Languages, code):
			m.origin[fmt.Sprintf("languages[%d]", len(s.Languages))] = l.path
			s.Languages = append(s.Languages, code)
		}
	}
}

// attributes reads Kith's fields from attributes in the kith taxonomy and
// keeps every other taxonomy term.
func (m *mapper) attributes(o map[string]any, s *Service) {
	for _, a := range m.objects(o, "", "attributes") {
		t, ok := m.child(a.o, a.path, "taxonomy_term")
		if !ok {
			continue
		}
		vocab := m.str(t.o, t.path, "taxonomy")
		if d, ok := m.child(t.o, t.path, "taxonomy_detail"); ok && vocab == "" {
			vocab = m.str(d.o, d.path, "name")
		}
		if strings.EqualFold(vocab, KithVocabulary) {
			for _, key := range []string{"code", "term", "name"} {
				if v := m.str(t.o, t.path, key); v != "" {
					m.kithAttribute(s, v, t.path+"."+key)
					break
				}
			}
			continue
		}
		term := m.str(t.o, t.path, "name")
		for _, key := range []string{"term", "code"} {
			if term == "" {
				term = m.str(t.o, t.path, key)
			}
		}
		if term == "" {
			continue
		}
		m.origin[fmt.Sprintf("taxonomy_terms[%d]", len(s.TaxonomyTerms))] = t.path
		s.TaxonomyTerms = append(s.TaxonomyTerms, TaxonomyTerm{ID: m.str(t.o, t.path, "id"), Term: term, Vocabulary: vocab})
		m.eligibilityHint(s, term, t.path)
	}
}

// eligibilityHint reads the few other-taxonomy terms whose meaning for
// eligibility is unmistakable.
func (m *mapper) eligibilityHint(s *Service, term, path string) {
	switch strings.ToLower(strings.Join(strings.FieldsFunc(term, func(r rune) bool { return r == ' ' || r == '-' || r == '_' }), " ")) {
	case "women only", "female only", "for women only":
		if s.Eligibility.Gender == "" {
			s.Eligibility.Gender = GenderFemale
			m.origin["eligibility.gender"] = path
		}
	case "men only", "male only", "for men only":
		if s.Eligibility.Gender == "" {
			s.Eligibility.Gender = GenderMale
			m.origin["eligibility.gender"] = path
		}
	case "carers only", "for carers only", "unpaid carers only":
		s.Eligibility.CarersOnly = true
	}
}

func (m *mapper) kithAttribute(s *Service, code, path string) {
	kind, value, _ := strings.Cut(code, ":")
	kind, value = strings.TrimSpace(kind), strings.TrimSpace(value)
	appendCode := func(list *[]string, field string) {
		if value == "" || slices.Contains(*list, value) {
			return
		}
		m.origin[fmt.Sprintf("%s[%d]", field, len(*list))] = path
		*list = append(*list, value)
	}
	switch kind {
	case "category":
		if s.Category != "" {
			m.warnf(path, "a service has one Kith category; %q is used and %q ignored", s.Category, value)
			return
		}
		s.Category = value
		m.origin["category"] = path
	case "relationship":
		appendCode(&s.Relationships, "relationships")
	case "support_to_attend":
		appendCode(&s.SupportToAttend, "support_to_attend")
	case "capacity":
		if s.Capacity != "" {
			m.warnf(path, "a service has one capacity; %q is used and %q ignored", s.Capacity, value)
			return
		}
		s.Capacity = value
		m.origin["capacity"] = path
	case "eligibility":
		if value != "carers_only" {
			m.warnf(path, "%q is not a Kith eligibility term; ignored", code)
			return
		}
		s.Eligibility.CarersOnly = true
	case "gender":
		s.Eligibility.Gender = value
		m.origin["eligibility.gender"] = path
	case "condition":
		appendCode(&s.Eligibility.Conditions, "eligibility.conditions")
	case "interest":
		appendCode(&s.Interests, "interests")
	case "accessibility":
		m.addAccessibility(s, value, path)
	default:
		m.warnf(path, "%q is not a Kith attribute; ignored", code)
	}
}

// kithDefaults fills what a file from outside Kith usually lacks, saying so
// in a warning each time.
func (m *mapper) kithDefaults(s *Service) {
	const at = "attributes"
	if s.Category == "" {
		if c, from := inferCategory(s); c != "" {
			s.Category = c
			m.warnf(at, "has no Kith category; %q was inferred from %q: check it", c, excerpt(from))
		} else {
			s.Category = "information_and_advice"
			m.warnf(at, "has no Kith category; \"information_and_advice\" was used: set the right one")
		}
	}
	if s.Capacity == "" {
		s.Capacity = CapacityOpen
		m.warnf(at, "has no Kith capacity; \"open\" was assumed")
	}
	if len(s.Relationships) == 0 {
		m.warnf(at, "has no Kith relationships, so no pathway will recommend it until a lead adds them")
	}
	if s.Status == "" {
		s.Status = StatusActive
	}
}

// categoryHints are words that name a category in service names and common
// taxonomies, most specific first.
var categoryHints = []struct {
	category string
	words    []string
}{
	{"telephone_befriending", []string{"telephone befriend", "phone befriend", "friendly call", "telephone friendship"}},
	{"befriending", []string{"befriend"}},
	{"domestic_abuse_service", []string{"domestic abuse", "domestic violence"}},
	{"scam_prevention", []string{"scam", "fraud"}},
	{"victim_support", []string{"victim", "hate crime", "after crime"}},
	{"hoarding_support", []string{"hoard", "clutter"}},
	{"fire_safety_visit", []string{"fire safety", "safe and well", "smoke alarm"}},
	{"bereavement_support", []string{"bereave", "grief"}},
	{"respite", []string{"respite", "short break", "sitting service"}},
	{"carers_support", []string{"carer"}},
	{"counselling", []string{"counselling", "counseling", "psychotherap", "talking therap"}},
	{"mental_health", []string{"mental health", "wellbeing", "anxiety", "depression"}},
	{"learning_disability_support", []string{"learning disab", "autism", "autistic"}},
	{"advocacy", []string{"advocacy", "advocate"}},
	{"digital_inclusion", []string{"digital", "computer", "internet", "getting online"}},
	{"transport", []string{"transport", "dial-a-ride", "community bus", "minibus", "car scheme"}},
	{"peer_support", []string{"peer support", "support group"}},
	{"community_navigator", []string{"social prescrib", "navigator", "link worker", "community connector"}},
	{"faith_and_cultural_groups", []string{"church", "mosque", "masjid", "gurdwara", "temple", "synagogue", "faith", "cultural"}},
	{"physical_activity", []string{"exercise", "walking", "fitness", "yoga", "sport", "dance", "swim", "physical activity"}},
	{"volunteering", []string{"volunteering", "volunteer opportunit"}},
	{"practical_help", []string{"handyperson", "shopping", "gardening", "practical help", "repairs"}},
	{"social_group", []string{"lunch club", "social club", "coffee morning", "social group", "friendship group", "tea dance"}},
	{"information_and_advice", []string{"advice", "information", "benefits"}},
}

// inferCategory guesses a category from the service's other taxonomy terms,
// then its name, then its description, returning the text it read.
func inferCategory(s *Service) (category, from string) {
	texts := make([]string, 0, len(s.TaxonomyTerms)+2)
	for _, t := range s.TaxonomyTerms {
		texts = append(texts, t.Term)
	}
	texts = append(texts, s.Name, s.Description)
	for _, t := range texts {
		lower := strings.ToLower(t)
		for _, h := range categoryHints {
			for _, w := range h.words {
				if strings.Contains(lower, w) {
					return h.category, t
				}
			}
		}
	}
	return "", ""
}

// excerpt shortens a text quoted in a message.
func excerpt(s string) string {
	const max = 80
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}
