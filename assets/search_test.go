package assets

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kith-project/kith"
)

// Reference distances were computed separately with the spherical Vincenty
// formula (atan2 form) on the same 6371.0088 km sphere.
func TestDistanceKm(t *testing.T) {
	tests := []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want                   float64
	}{
		{"Leeds station to York station", 53.7950, -1.5474, 53.9580, -1.0930, 34.868},
		{"Leeds station to Manchester Piccadilly", 53.7950, -1.5474, 53.4774, -2.2309, 57.252},
		{"LS1 4AP to Hyde Park, Leeds", 53.7966, -1.5467, 53.8129, -1.5702, 2.380},
		{"London King's Cross to Edinburgh Waverley", 51.5308, -0.1238, 55.9521, -3.1890, 531.218},
		{"one degree of latitude", 53, 0, 54, 0, 111.195},
		{"antipodes", 0, 0, 0, 180, 20015.114},
		{"same point", 53.8, -1.55, 53.8, -1.55, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DistanceKm(tt.lat1, tt.lon1, tt.lat2, tt.lon2)
			if math.Abs(got-tt.want) > 0.1 {
				t.Errorf("DistanceKm = %.3f, want %.3f", got, tt.want)
			}
			if back := DistanceKm(tt.lat2, tt.lon2, tt.lat1, tt.lon1); math.Abs(back-got) > 1e-9 {
				t.Errorf("not symmetric: %v and %v", got, back)
			}
		})
	}
}

// destination is the point at distance d km and bearing b from a point.
func destination(lat, lon, d, b float64) (float64, float64) {
	r := d / earthRadiusKm
	p1, l1, br := radians(lat), radians(lon), radians(b)
	p2 := math.Asin(math.Sin(p1)*math.Cos(r) + math.Cos(p1)*math.Sin(r)*math.Cos(br))
	l2 := l1 + math.Atan2(math.Sin(br)*math.Sin(r)*math.Cos(p1), math.Cos(r)-math.Sin(p1)*math.Sin(p2))
	lon2 := math.Mod(degrees(l2)+540, 360) - 180
	return degrees(p2), lon2
}

func TestBoundingBoxContainsTheCircle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	centres := [][2]float64{{53.7966, -1.5467}, {60.9, -0.9}, {89.9, 10}, {-89.5, 0}, {0, 179.99}, {51.5, -179.95}}
	for range 200 {
		centres = append(centres, [2]float64{rng.Float64()*178 - 89, rng.Float64()*360 - 180})
	}
	for _, c := range centres {
		for _, radius := range []float64{0.5, 10, 200, 3000} {
			minLat, maxLat, minLon, maxLon := BoundingBox(c[0], c[1], radius)
			for range 64 {
				lat, lon := destination(c[0], c[1], radius*math.Sqrt(rng.Float64()), rng.Float64()*360)
				if lat < minLat || lat > maxLat || lon < minLon || lon > maxLon {
					t.Fatalf("centre %v radius %v: point %v,%v outside box %v..%v, %v..%v", c, radius, lat, lon, minLat, maxLat, minLon, maxLon)
				}
			}
			for b := 0.0; b < 360; b += 1 { // the circle itself
				lat, lon := destination(c[0], c[1], radius, b)
				if lat < minLat || lat > maxLat || lon < minLon || lon > maxLon {
					t.Fatalf("centre %v radius %v: edge point %v,%v outside box", c, radius, lat, lon)
				}
			}
		}
	}
	// And it stays tight where Kith works: a 10 km search in Leeds.
	minLat, maxLat, minLon, maxLon := BoundingBox(53.7966, -1.5467, 10)
	if h, w := maxLat-minLat, maxLon-minLon; h > 0.181 || w > 0.305 {
		t.Errorf("box %v by %v degrees is looser than needed", h, w)
	}
	if minLat, maxLat, minLon, maxLon := BoundingBox(89.99, 0, 5); maxLat != 90 || minLon != -180 || maxLon != 180 || minLat > 89.95 {
		t.Errorf("box round the pole = %v..%v, %v..%v", minLat, maxLat, minLon, maxLon)
	}
}

func inLondon(t *testing.T, value string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", value, kith.London)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenAt(t *testing.T) {
	monWed := []Schedule{{Freq: "WEEKLY", ByDay: "MO,WE", OpensAt: "10:00", ClosesAt: "12:00"}}
	tests := []struct {
		name      string
		schedules []Schedule
		at        time.Time
		want      bool
	}{
		{"Monday morning in summer time", monWed, time.Date(2026, 7, 6, 9, 30, 0, 0, time.UTC), true}, // 10:30 BST
		{"the same UTC hour in winter", monWed, time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC), false},  // 09:30 GMT
		{"at opening", monWed, inLondon(t, "2026-11-25 10:00"), true},
		{"at closing", monWed, inLondon(t, "2026-11-25 12:00"), false},
		{"Tuesday", monWed, inLondon(t, "2026-11-24 11:00"), false},
		{"no schedules", nil, inLondon(t, "2026-11-25 11:00"), false},
		{"hours unknown", []Schedule{{ByDay: "WE", Description: "By appointment"}}, inLondon(t, "2026-11-25 11:00"), false},
		{"every day", []Schedule{{OpensAt: "09:00", ClosesAt: "17:00"}}, inLondon(t, "2026-11-29 16:59"), true},
		{"past midnight", []Schedule{{ByDay: "FR", OpensAt: "22:00", ClosesAt: "02:00"}}, inLondon(t, "2026-11-28 01:30"), true},
		{"past midnight, wrong night", []Schedule{{ByDay: "FR", OpensAt: "22:00", ClosesAt: "02:00"}}, inLondon(t, "2026-11-27 01:30"), false},
		{"second Tuesday", []Schedule{{Freq: "MONTHLY", ByDay: "2TU", OpensAt: "14:00", ClosesAt: "16:00"}}, inLondon(t, "2026-11-10 15:00"), true},
		{"first Tuesday", []Schedule{{Freq: "MONTHLY", ByDay: "2TU", OpensAt: "14:00", ClosesAt: "16:00"}}, inLondon(t, "2026-11-03 15:00"), false},
		{"last Thursday", []Schedule{{Freq: "MONTHLY", ByDay: "-1TH", OpensAt: "18:00", ClosesAt: "19:30"}}, inLondon(t, "2026-11-26 18:30"), true},
		{"expired", []Schedule{{ByDay: "WE", OpensAt: "10:00", ClosesAt: "12:00", ValidTo: "2026-06-30"}}, inLondon(t, "2026-11-25 11:00"), false},
		{"not yet valid", []Schedule{{ByDay: "WE", OpensAt: "10:00", ClosesAt: "12:00", ValidFrom: "2026-12-01"}}, inLondon(t, "2026-11-25 11:00"), false},
		{"any of several", append([]Schedule{{ByDay: "SA", OpensAt: "10:00", ClosesAt: "12:00"}}, monWed...), inLondon(t, "2026-11-28 11:00"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OpenAt(tt.schedules, tt.at); got != tt.want {
				t.Errorf("OpenAt = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMatches(t *testing.T) {
	s := validService()
	s.Cost = Cost{Amount: ptr(3.0), Currency: "GBP"}
	s.Eligibility.MinimumAge = ptr(60)
	monday := inLondon(t, "2026-11-23 11:00")
	tests := []struct {
		name string
		f    SearchFilter
		want bool
	}{
		{"no filters", SearchFilter{}, true},
		{"relationship", SearchFilter{Relationship: "risk_factor"}, true},
		{"other relationship", SearchFilter{Relationship: "carers"}, false},
		{"category", SearchFilter{Category: "social_group"}, true},
		{"other category", SearchFilter{Category: "befriending"}, false},
		{"support", SearchFilter{SupportToAttend: "transport"}, true},
		{"other support", SearchFilter{SupportToAttend: "online"}, false},
		{"free only", SearchFilter{FreeOnly: true}, false},
		{"language", SearchFilter{Language: "ur"}, true},
		{"other language", SearchFilter{Language: "pl"}, false},
		{"old enough", SearchFilter{Age: ptr(60)}, true},
		{"too young", SearchFilter{Age: ptr(59)}, false},
		{"open now", SearchFilter{OpenNow: true, At: monday}, true},
		{"closed now", SearchFilter{OpenNow: true, At: monday.Add(3 * time.Hour)}, false},
		{"open now without a time", SearchFilter{OpenNow: true}, false},
		{"all at once", SearchFilter{Relationship: "risk_factor", Category: "social_group", Language: "en", Age: ptr(80), OpenNow: true, At: monday}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Matches(s, tt.f); got != tt.want {
				t.Errorf("Matches = %v, want %v", got, tt.want)
			}
		})
	}
	if !Matches(Service{}, SearchFilter{Language: "en"}) || Matches(Service{}, SearchFilter{Language: "ur"}) {
		t.Error("a service listing no languages should count as English only")
	}
}

func TestSearchFilterValidate(t *testing.T) {
	tests := []struct {
		name string
		f    SearchFilter
		want []kith.FieldError
	}{
		{"empty", SearchFilter{}, nil},
		{"full", SearchFilter{Lat: ptr(53.8), Lon: ptr(-1.5), Postcode: "ls1 4ap", RadiusKm: 200, Relationship: "carers",
			Category: "mens_sheds", SupportToAttend: "online", Language: "bfi", Age: ptr(130), Q: "tea"}, nil},
		{"bad", SearchFilter{Lat: ptr(91.0), Lon: ptr(-181.0), Postcode: "LS1", RadiusKm: 201, Relationship: "lonely",
			Category: "knitting", SupportToAttend: "taxi", Language: "English", Age: ptr(-1), Q: string(make([]rune, 201))}, []kith.FieldError{
			{Field: "lat", Message: "must be a number from -90 to 90"},
			{Field: "lon", Message: "must be a number from -180 to 180"},
			{Field: "postcode", Message: `"LS1" is not a well-formed UK postcode`},
			{Field: "radius_km", Message: "must be more than 0 and at most 200"},
			{Field: "relationship", Message: `"lonely" is not a known relationship: use one of "risk_factor", "impact_factor", "means_of_abuse", "self_neglect", "carers", "fear_of_isolation", "chosen_isolation"`},
			{Field: "category", Message: `"knitting" is not a known category`},
			{Field: "support_to_attend", Message: `"taxi" is not a known kind of support: use one of "accompanied_first_visit", "transport", "home_visits", "by_phone", "online"`},
			{Field: "language", Message: `must be an ISO 639 language code such as "en" or "ur"`},
			{Field: "age", Message: "must be from 0 to 130"},
			{Field: "q", Message: "must be at most 200 characters"},
		}},
		{"lat alone", SearchFilter{Lat: ptr(53.8)}, []kith.FieldError{{Field: "lon", Message: "is required with lat: give both or neither"}}},
		{"lon alone", SearchFilter{Lon: ptr(-1.5)}, []kith.FieldError{{Field: "lat", Message: "is required with lon: give both or neither"}}},
		{"negative radius", SearchFilter{RadiusKm: -1}, []kith.FieldError{{Field: "radius_km", Message: "must be more than 0 and at most 200"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.f.Validate([]string{"mens_sheds"})); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
	if (SearchFilter{}).Radius() != DefaultRadiusKm || (SearchFilter{RadiusKm: 3}).Radius() != 3 {
		t.Error("Radius")
	}
}

func TestStale(t *testing.T) {
	tests := []struct {
		confirmed string
		now       time.Time
		want      bool
	}{
		{"2026-05-25", inLondon(t, "2026-11-25 09:00"), false}, // exactly six months
		{"2026-05-24", inLondon(t, "2026-11-25 09:00"), true},
		{"2026-11-25", inLondon(t, "2026-11-25 09:00"), false},
		{"2026-02-28", inLondon(t, "2026-08-31 09:00"), false}, // 31 August less six months is 28 February
		{"2026-02-27", inLondon(t, "2026-08-31 09:00"), true},
		{"2026-01-31", time.Date(2026, 7, 31, 23, 30, 0, 0, time.UTC), true}, // already 1 August in London
		{"", inLondon(t, "2026-11-25 09:00"), true},
		{"25/05/2026", inLondon(t, "2026-11-25 09:00"), true},
	}
	for _, tt := range tests {
		if got := Stale(tt.confirmed, tt.now); got != tt.want {
			t.Errorf("Stale(%q, %s) = %v, want %v", tt.confirmed, tt.now, got, tt.want)
		}
	}
}

func TestEligibleForAndOfferable(t *testing.T) {
	base := validService()
	with := func(change func(*Service)) Service {
		s := validService()
		change(&s)
		return s
	}
	over65 := with(func(s *Service) { s.Eligibility.MinimumAge = ptr(65) })
	under30 := with(func(s *Service) { s.Eligibility.MaximumAge = ptr(30) })
	carers := with(func(s *Service) { s.Eligibility.CarersOnly = true })
	women := with(func(s *Service) { s.Eligibility.Gender = GenderFemale })
	north := with(func(s *Service) { s.Eligibility.AreaServed = []string{"LS6", "ls16", "Leeds"} })
	area := with(func(s *Service) { s.Eligibility.AreaServed = []string{"LS", "UK"} })
	names := with(func(s *Service) { s.Eligibility.AreaServed = []string{"Leeds", "UK"} })
	tests := []struct {
		name      string
		s         Service
		p         Person
		eligible  bool
		reason    string
		offerable bool
	}{
		{"anyone", base, Person{}, true, "", true},
		{"old enough", over65, Person{Age: ptr(65)}, true, "", true},
		{"too young", over65, Person{Age: ptr(64)}, false, "The service is for people aged 65 and over.", false},
		{"age unknown", over65, Person{}, true, "", true},
		{"too old", under30, Person{Age: ptr(31)}, false, "The service is for people aged up to 30.", false},
		{"carer", carers, Person{Carer: true}, true, "", true},
		{"not a carer", carers, Person{}, false, "The service is only for unpaid carers.", false},
		{"woman", women, Person{Gender: GenderFemale}, true, "", true},
		{"man", women, Person{Gender: GenderMale}, false, "The service is only for women.", false},
		{"gender unknown", women, Person{}, true, "", true},
		{"in area", north, Person{PostcodeDistrict: "LS16"}, true, "", true},
		{"out of area", north, Person{PostcodeDistrict: "LS10"}, false, "The service only covers LS6, LS16.", false},
		{"district unknown", north, Person{}, true, "", true},
		{"postcode area", area, Person{PostcodeDistrict: "LS10"}, true, "", true},
		{"other postcode area", area, Person{PostcodeDistrict: "BD1"}, false, "The service only covers LS.", false},
		{"place names only", names, Person{PostcodeDistrict: "BD1"}, true, "", true},
		{"full", with(func(s *Service) { s.Capacity = CapacityFull }), Person{}, true, "", false},
		{"waiting list", with(func(s *Service) { s.Capacity = CapacityWaitingList }), Person{}, true, "", true},
		{"inactive", with(func(s *Service) { s.Status = StatusTemporarilyClosed }), Person{}, true, "", false},
		{"deleted", with(func(s *Service) { s.DeletedAt = ptr(time.Now()) }), Person{}, true, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reason := EligibleFor(tt.s, tt.p)
			if ok != tt.eligible || reason != tt.reason {
				t.Errorf("EligibleFor = %v, %q; want %v, %q", ok, reason, tt.eligible, tt.reason)
			}
			if got := Offerable(tt.s, tt.p); got != tt.offerable {
				t.Errorf("Offerable = %v, want %v", got, tt.offerable)
			}
		})
	}
}

// StaleCutoff and Stale apply one rule, so a list of stale services and
// the stale flag in search agree.
func TestStaleCutoffAgreesWithStale(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 8, 31, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC),
	} {
		cut := StaleCutoff(now)
		for d := now.AddDate(0, -7, 0); d.Before(now.AddDate(0, -5, 0)); d = d.AddDate(0, 0, 1) {
			day := d.Format(time.DateOnly)
			if Stale(day, now) != (day < cut) {
				t.Fatalf("at %v: Stale(%s) = %v, cutoff %s", now, day, Stale(day, now), cut)
			}
		}
	}
}

func TestSortRankedAndRoundKm(t *testing.T) {
	km := func(v float64) *float64 { return &v }
	rs := []Ranked{{Key: 4}, {Key: 3, DistanceKm: km(2)}, {Key: 2, DistanceKm: km(0.5), Rank: -1}, {Key: 1, DistanceKm: km(2)}}
	SortRanked(rs, false)
	var keys []int64
	for _, r := range rs {
		keys = append(keys, r.Key)
	}
	if want := []int64{2, 1, 3, 4}; !slices.Equal(keys, want) {
		t.Fatalf("by distance then key, unlocated last: %v, want %v", keys, want)
	}
	rs = []Ranked{{Key: 1, Rank: -1, DistanceKm: km(9)}, {Key: 2, Rank: -5, DistanceKm: km(9)}, {Key: 3, Rank: -1, DistanceKm: km(1)}}
	SortRanked(rs, true)
	if rs[0].Key != 2 || rs[1].Key != 3 || rs[2].Key != 1 {
		t.Fatalf("by text rank first: %+v", rs)
	}
	if got := *RoundKm(km(1.23456)); got != 1.23 {
		t.Fatalf("to 10 m: %v", got)
	}
	if RoundKm(nil) != nil {
		t.Fatal("no distance rounds to none")
	}
}
