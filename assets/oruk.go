package assets

import (
	"crypto/sha1"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ToORUK returns the full Open Referral UK document for a service, as the
// open feed's /services/{id} serves it. It validates against the ORUK
// compiled service schema and reads back through ParseJSON to the same Kith
// fields (Public and the storage timestamps aside).
//
// Objects Kith keeps without an id (contacts, schedules, cost options...) get
// name-based UUIDs derived from the service id and their place, so the same
// service always publishes the same ids. Fields the UK profile drops from
// HSDS 3.0 but does not forbid (service phones, contact email and phones,
// language code and name, eligibility_description, currency) are included,
// because they carry what a reader needs.
func ToORUK(s Service) map[string]any {
	doc := orukCommon(s)
	sid := s.ID

	sals := []any{}
	for i, l := range s.Locations {
		locID := l.ID
		if locID == "" {
			locID = derivedUUID(sid, "location", strconv.Itoa(i))
		}
		loc := map[string]any{"id": locID, "location_type": "physical"}
		put(loc, "name", l.Name)
		if l.Located && l.Latitude != nil && l.Longitude != nil && InUK(*l.Latitude, *l.Longitude) {
			loc["latitude"], loc["longitude"] = *l.Latitude, *l.Longitude
		}
		addrs := []any{}
		if l.Address1 != "" || l.City != "" || l.PostalCode != "" {
			country := l.Country
			if country == "" {
				country = "GB"
			}
			a := map[string]any{
				"id": derivedUUID(sid, "address", locID), "location_id": locID,
				"address_1": l.Address1, "city": l.City, "region": l.Region, "state_province": l.Region,
				"postal_code": l.PostalCode, "country": country, "address_type": "physical",
			}
			put(a, "address_2", l.Address2)
			addrs = append(addrs, a)
		}
		loc["addresses"] = addrs
		acc := []any{}
		for j, d := range s.Accessibility {
			acc = append(acc, map[string]any{"id": derivedUUID(sid, "accessibility", locID, strconv.Itoa(j)), "location_id": locID, "description": d})
		}
		loc["accessibility"] = acc
		sals = append(sals, map[string]any{
			"id": derivedUUID(sid, "service_at_location", locID), "location_id": locID, "location": loc,
		})
	}
	doc["service_at_locations"] = sals

	contacts := []any{}
	for i, c := range s.Contacts {
		id := derivedUUID(sid, "contact", strconv.Itoa(i))
		ct := map[string]any{"id": id, "name": c.Name}
		put(ct, "title", c.Title)
		put(ct, "email", c.Email)
		phones := []any{}
		if c.Phone != "" {
			phones = append(phones, map[string]any{"id": derivedUUID(sid, "contact_phone", strconv.Itoa(i)), "contact_id": id, "number": c.Phone})
		}
		ct["phones"] = phones
		contacts = append(contacts, ct)
	}
	doc["contacts"] = contacts

	phones := []any{}
	for i, p := range s.Phones {
		ph := map[string]any{"id": derivedUUID(sid, "phone", strconv.Itoa(i)), "number": p.Number}
		put(ph, "description", p.Description)
		phones = append(phones, ph)
	}
	doc["phones"] = phones

	scheds := []any{}
	for i, sc := range s.Schedules {
		m := map[string]any{"id": derivedUUID(sid, "schedule", strconv.Itoa(i))}
		put(m, "freq", sc.Freq)
		put(m, "byday", sc.ByDay)
		put(m, "opens_at", hsdsTime(sc.OpensAt))
		put(m, "closes_at", hsdsTime(sc.ClosesAt))
		put(m, "description", sc.Description)
		put(m, "valid_from", sc.ValidFrom)
		put(m, "valid_to", sc.ValidTo)
		scheds = append(scheds, m)
	}
	doc["schedules"] = scheds

	doc["cost_options"] = []any{orukCost(s)}

	langs := []any{}
	for _, code := range s.Languages {
		langs = append(langs, map[string]any{"id": derivedUUID(sid, "language", code), "code": code, "name": LanguageName(code)})
	}
	doc["languages"] = langs

	areas := []any{}
	for _, a := range s.Eligibility.AreaServed {
		areas = append(areas, map[string]any{"id": derivedUUID(sid, "service_area", a), "name": a})
	}
	doc["service_areas"] = areas
	put(doc, "eligibility_description", s.Eligibility.Description)
	doc["attributes"] = orukAttributes(s)
	return doc
}

// ToORUKListItem returns the summary of a service that an ORUK list page
// holds in its contents.
func ToORUKListItem(s Service) map[string]any { return orukCommon(s) }

// ORUKPage wraps items in the ORUK Page envelope. page counts from 1; size
// is the number of items on this page, as the ORUK OpenAPI document defines
// it.
func ORUKPage(items []any, totalItems, page, perPage int) map[string]any {
	if perPage < 1 {
		perPage = 1
	}
	if items == nil {
		items = []any{}
	}
	totalPages := (totalItems + perPage - 1) / perPage
	return map[string]any{
		"total_items": totalItems,
		"total_pages": totalPages,
		"page_number": page,
		"size":        len(items),
		"first_page":  page <= 1,
		"last_page":   page >= totalPages,
		"empty":       len(items) == 0,
		"contents":    items,
	}
}

// orukCommon holds the fields a list item and a full service share.
func orukCommon(s Service) map[string]any {
	status := s.Status
	if status == "" {
		status = StatusActive
	}
	doc := map[string]any{"id": s.ID, "name": s.Name, "description": s.Description, "status": status}
	put(doc, "url", s.URL)
	put(doc, "email", s.Email)
	put(doc, "assured_date", s.LastConfirmed)
	if s.UpdatedAt != nil {
		doc["last_modified"] = s.UpdatedAt.UTC().Format(time.RFC3339)
	}
	if e := s.Eligibility; e.MinimumAge != nil {
		doc["minimum_age"] = *e.MinimumAge
	}
	if e := s.Eligibility; e.MaximumAge != nil {
		doc["maximum_age"] = *e.MaximumAge
	}
	if o := s.Organization; o.Name != "" {
		id := o.ID
		if id == "" {
			id = derivedUUID("organization", o.Name)
		}
		org := map[string]any{"id": id, "name": o.Name, "description": o.Description}
		put(org, "website", o.Website)
		put(org, "email", o.Email)
		doc["organization"] = org
		doc["organization_id"] = id
	}
	return doc
}

// orukCost writes one cost option that reads back to the same Cost: an
// amount of 0 for free, the amount and currency for a charge, and Kith's
// description as the option's words.
func orukCost(s Service) map[string]any {
	c := map[string]any{"id": derivedUUID(s.ID, "cost_option")}
	put(c, "option", s.Cost.Description)
	switch {
	case s.Cost.Free:
		c["amount"] = 0
	case s.Cost.Amount != nil:
		c["amount"] = *s.Cost.Amount
		currency := s.Cost.Currency
		if currency == "" {
			currency = "GBP"
		}
		c["currency"] = currency
	}
	return c
}

// orukAttributes writes Kith's fields as attributes in the kith taxonomy,
// then the service's other taxonomy terms.
func orukAttributes(s Service) []any {
	var codes []string
	if s.Category != "" {
		codes = append(codes, "category:"+s.Category)
	}
	for _, r := range s.Relationships {
		codes = append(codes, "relationship:"+r)
	}
	for _, a := range s.SupportToAttend {
		codes = append(codes, "support_to_attend:"+a)
	}
	if s.Capacity != "" {
		codes = append(codes, "capacity:"+s.Capacity)
	}
	if s.Eligibility.CarersOnly {
		codes = append(codes, "eligibility:carers_only")
	}
	if s.Eligibility.Gender != "" {
		codes = append(codes, "gender:"+s.Eligibility.Gender)
	}
	for _, c := range s.Eligibility.Conditions {
		codes = append(codes, "condition:"+c)
	}
	for _, i := range s.Interests {
		codes = append(codes, "interest:"+i)
	}
	if len(s.Locations) == 0 { // with no location to carry them
		for _, a := range s.Accessibility {
			codes = append(codes, "accessibility:"+a)
		}
	}
	taxonomyID := derivedUUID("taxonomy", KithVocabulary)
	attrs := make([]any, 0, len(codes)+len(s.TaxonomyTerms))
	for _, code := range codes {
		termID := derivedUUID("taxonomy_term", KithVocabulary, code)
		attrs = append(attrs, map[string]any{
			"id": derivedUUID(s.ID, "attribute", code), "taxonomy_term_id": termID, "link_entity": "service",
			"taxonomy_term": map[string]any{
				"id": termID, "taxonomy_id": taxonomyID, "taxonomy": KithVocabulary,
				"code": code, "term": code, "name": code, "description": kithTermDescription(code),
			},
		})
	}
	for _, t := range s.TaxonomyTerms {
		termID := t.ID
		if termID == "" {
			termID = derivedUUID("taxonomy_term", t.Vocabulary, t.Term)
		}
		tt := map[string]any{"id": termID, "name": t.Term, "term": t.Term, "description": t.Term}
		put(tt, "taxonomy", t.Vocabulary)
		attrs = append(attrs, map[string]any{
			"id": derivedUUID(s.ID, "attribute", t.Vocabulary, t.Term), "taxonomy_term_id": termID,
			"link_entity": "service", "taxonomy_term": tt,
		})
	}
	return attrs
}

// kithTermDescription says in words what a kith attribute means, for a
// reader of the feed who does not know Kith.
func kithTermDescription(code string) string {
	kind, value, _ := strings.Cut(code, ":")
	switch kind {
	case "category":
		return "Kith category: " + CategoryLabel(value)
	case "relationship":
		return "Helps with: " + label(Relationships, value)
	case "support_to_attend":
		return "Support to attend: " + SupportToAttendLabel(value)
	case "capacity":
		return "Capacity now: " + label(Capacities, value)
	case "eligibility":
		return "Only for unpaid carers"
	case "gender":
		return "Only for " + map[string]string{GenderFemale: "women", GenderMale: "men"}[value]
	case "condition":
		return "For people with: " + value
	case "interest":
		return "Interest: " + value
	case "accessibility":
		return "Accessibility: " + value
	}
	return code
}

// hsdsTime writes Kith's "10:00" as HSDS's "10:00:00".
func hsdsTime(t string) string {
	if len(t) == 5 {
		return t + ":00"
	}
	return t
}

func put(m map[string]any, key, v string) {
	if v != "" {
		m[key] = v
	}
}

// derivedUUID makes a name-based UUID (version 5 layout, SHA-1) from parts,
// so that objects Kith stores without ids publish stable ones.
func derivedUUID(parts ...string) string {
	h := sha1.New()
	h.Write([]byte("kith"))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	b := h.Sum(nil)
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
