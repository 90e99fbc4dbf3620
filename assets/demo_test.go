package assets

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kith-project/kith/postcode"
)

// Leeds, as the demo directory must stay inside it.
const leedsMinLat, leedsMaxLat, leedsMinLon, leedsMaxLon = 53.74, 53.87, -1.70, -1.40

func TestDemoServices(t *testing.T) {
	svcs := DemoServices()
	if len(svcs) < 60 {
		t.Fatalf("%d demo services, want at least 60", len(svcs))
	}
	ids := map[string]bool{}
	relationships, categories, capacities, languages := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	var unlocated, stale, carersOnly, womenOnly, paid, evening, weekend int
	for _, s := range svcs {
		if ids[s.ID] {
			t.Errorf("id %s repeated", s.ID)
		}
		ids[s.ID] = true
		if errs := Validate(&s, nil); len(errs) > 0 {
			t.Errorf("%s fails Validate: %v", s.ID, errs)
		}
		for _, r := range s.Relationships {
			relationships[r]++
		}
		categories[s.Category]++
		capacities[s.Capacity]++
		for _, l := range s.Languages {
			languages[l]++
		}
		if len(s.Locations) == 0 {
			unlocated++
			if s.Latitude != nil {
				t.Errorf("%s has no location but has coordinates", s.ID)
			}
		}
		for _, l := range s.Locations {
			if !l.Located || *l.Latitude < leedsMinLat || *l.Latitude > leedsMaxLat || *l.Longitude < leedsMinLon || *l.Longitude > leedsMaxLon {
				t.Errorf("%s is not located in Leeds: %+v", s.ID, l)
			}
		}
		if Stale(s.LastConfirmed, demoDate) {
			stale++
		}
		if s.Eligibility.CarersOnly {
			carersOnly++
		}
		if s.Eligibility.Gender == GenderFemale {
			womenOnly++
		}
		if !s.Cost.Free {
			paid++
		}
		for _, sc := range s.Schedules {
			if sc.ClosesAt > "18:00" {
				evening++
			}
			if slices.ContainsFunc([]string{"SA", "SU"}, func(d string) bool { return contains(sc.ByDay, d) }) {
				weekend++
			}
		}
	}
	for _, r := range RelationshipCodes() {
		if relationships[r] == 0 {
			t.Errorf("no demo service helps with %s", r)
		}
	}
	for _, c := range CategoryCodes() {
		if categories[c] == 0 {
			t.Errorf("no demo service in category %s", c)
		}
	}
	for _, l := range []string{"en", "ur", "pa", "pl", "ro", "bn", "ar", "zh", "so"} {
		if languages[l] == 0 {
			t.Errorf("no demo service in language %s", l)
		}
	}
	checks := []struct {
		what     string
		got, min int
	}{
		{"unlocated", unlocated, 1}, {"stale", stale, 1}, {"carers only", carersOnly, 1}, {"women only", womenOnly, 1},
		{"paid", paid, 5}, {"free", len(svcs) - paid, 30}, {"evening sessions", evening, 3}, {"weekend sessions", weekend, 3},
		{"waiting list", capacities[CapacityWaitingList], 2}, {"full", capacities[CapacityFull], 2}, {"open", capacities[CapacityOpen], len(svcs) / 2},
	}
	for _, c := range checks {
		if c.got < c.min {
			t.Errorf("%d %s, want at least %d", c.got, c.what, c.min)
		}
	}
	if stale > 2 || unlocated > 1 {
		t.Errorf("%d stale and %d unlocated, want one or two stale and one unlocated", stale, unlocated)
	}
}

func contains(byDay, day string) bool {
	rules, _ := parseByDay(byDay, true)
	return slices.ContainsFunc(rules, func(r dayRule) bool { return weekdays[day] == r.day })
}

func TestDemoServicesAreDeterministic(t *testing.T) {
	first := DemoServices()
	first[0].Relationships[0] = "changed"
	first[0].Schedules[0].OpensAt = "changed"
	if diff := cmp.Diff(DemoServices(), DemoServices()); diff != "" {
		t.Errorf("two calls differ:\n%s", diff)
	}
	if s := DemoServices()[0]; s.Relationships[0] == "changed" || s.Schedules[0].OpensAt == "changed" {
		t.Error("changing one result changed the next")
	}
	// Dated from another day, the same services are stale.
	later := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	for i, s := range DemoServicesAt(later) {
		if Stale(s.LastConfirmed, later) != Stale(DemoServices()[i].LastConfirmed, demoDate) {
			t.Errorf("%s staleness changes with the date", s.ID)
		}
	}
}

func TestDemoPostcodes(t *testing.T) {
	byCode := map[string]Postcode{}
	for _, p := range DemoPostcodes() {
		if n, ok := postcode.Normalize(p.Postcode); !ok || n != p.Postcode {
			t.Errorf("%q is not a canonical UK postcode", p.Postcode)
		}
		if _, dup := byCode[p.Postcode]; dup {
			t.Errorf("%s repeated", p.Postcode)
		}
		if p.Latitude < leedsMinLat || p.Latitude > leedsMaxLat || p.Longitude < leedsMinLon || p.Longitude > leedsMaxLon {
			t.Errorf("%s at %v,%v is not in Leeds", p.Postcode, p.Latitude, p.Longitude)
		}
		byCode[p.Postcode] = p
	}
	if _, ok := byCode["LS1 4AP"]; !ok {
		t.Error("LS1 4AP, the contract's example, is missing")
	}
	for _, s := range DemoServices() {
		for _, l := range s.Locations {
			p, ok := byCode[l.PostalCode]
			if !ok {
				t.Errorf("%s uses %s, which DemoPostcodes lacks", s.ID, l.PostalCode)
				continue
			}
			if d := DistanceKm(p.Latitude, p.Longitude, *l.Latitude, *l.Longitude); d > 0.3 {
				t.Errorf("%s is %.2f km from its postcode", s.ID, d)
			}
		}
	}
}

func TestGenerateServices(t *testing.T) {
	a, b := GenerateServices(500, 42), GenerateServices(500, 42)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same seed, different services:\n%s", diff)
	}
	if cmp.Equal(a, GenerateServices(500, 43)) {
		t.Error("a different seed gives the same services")
	}
	ids := map[string]bool{}
	for _, s := range a {
		if errs := Validate(&s, nil); len(errs) > 0 {
			t.Fatalf("%s fails Validate: %v", s.ID, errs)
		}
		if ids[s.ID] || s.Latitude == nil || !InUK(*s.Latitude, *s.Longitude) {
			t.Fatalf("%s: repeated id or not located in the UK", s.ID)
		}
		ids[s.ID] = true
	}
}
