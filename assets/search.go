package assets

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/postcode"
)

// Search radius limits, in kilometres.
const (
	DefaultRadiusKm = 10
	MaxRadiusKm     = 200
)

// SearchFilter is the directory search's query. Lat and Lon (or Postcode,
// which storage turns into a point) centre a search of RadiusKm; the rest
// filter. At is the moment OpenNow is judged at: the caller sets it from its
// clock, and with no At no service counts as open now.
type SearchFilter struct {
	Lat             *float64  `json:"lat,omitempty" query:"lat"`
	Lon             *float64  `json:"lon,omitempty" query:"lon"`
	Postcode        string    `json:"postcode,omitempty" query:"postcode"`
	RadiusKm        float64   `json:"radius_km,omitempty" query:"radius_km"`
	Relationship    string    `json:"relationship,omitempty" query:"relationship"`
	Category        string    `json:"category,omitempty" query:"category"`
	SupportToAttend string    `json:"support_to_attend,omitempty" query:"support_to_attend"`
	Language        string    `json:"language,omitempty" query:"language"`
	FreeOnly        bool      `json:"free_only,omitempty" query:"free_only"`
	OpenNow         bool      `json:"open_now,omitempty" query:"open_now"`
	Age             *int      `json:"age,omitempty" query:"age"`
	Q               string    `json:"q,omitempty" query:"q"`
	At              time.Time `json:"-" query:"-"`
}

// Validate checks the query, naming each problem by its query parameter. An
// unknown code is an error, never an empty result. RadiusKm 0 means not
// given (DefaultRadiusKm).
func (f SearchFilter) Validate(siteCategories []string) []kith.FieldError {
	c := &checker{}
	switch {
	case f.Lat != nil && f.Lon == nil:
		c.add("lon", "is required with lat: give both or neither")
	case f.Lat == nil && f.Lon != nil:
		c.add("lat", "is required with lon: give both or neither")
	case f.Lat != nil:
		if math.IsNaN(*f.Lat) || *f.Lat < -90 || *f.Lat > 90 {
			c.add("lat", "must be a number from -90 to 90")
		}
		if math.IsNaN(*f.Lon) || *f.Lon < -180 || *f.Lon > 180 {
			c.add("lon", "must be a number from -180 to 180")
		}
	}
	if f.Postcode != "" {
		if _, ok := postcode.Normalize(f.Postcode); !ok {
			c.add("postcode", "%q is not a well-formed UK postcode", f.Postcode)
		}
	}
	if math.IsNaN(f.RadiusKm) || f.RadiusKm < 0 || f.RadiusKm > MaxRadiusKm {
		c.add("radius_km", "must be more than 0 and at most %d", MaxRadiusKm)
	}
	if f.Relationship != "" && !known(Relationships, f.Relationship) {
		c.add("relationship", "%q is not a known relationship: use one of %s", f.Relationship, quoteList(RelationshipCodes()))
	}
	if f.Category != "" && !ValidCategory(f.Category, siteCategories) {
		c.add("category", "%q is not a known category", f.Category)
	}
	if f.SupportToAttend != "" && !known(SupportToAttend, f.SupportToAttend) {
		c.add("support_to_attend", "%q is not a known kind of support: use one of %s", f.SupportToAttend, quoteList(SupportToAttendCodes()))
	}
	if f.Language != "" && !validLanguage(f.Language) {
		c.add("language", "must be an ISO 639 language code such as \"en\" or \"ur\"")
	}
	if f.Age != nil && (*f.Age < 0 || *f.Age > maxAge) {
		c.add("age", "must be from 0 to %d", maxAge)
	}
	if utf8.RuneCountInString(f.Q) > maxName {
		c.add("q", "must be at most %d characters", maxName)
	}
	return c.errs
}

// Radius returns the search radius in kilometres, the default when none was
// given.
func (f SearchFilter) Radius() float64 {
	if f.RadiusKm == 0 {
		return DefaultRadiusKm
	}
	return f.RadiusKm
}

// Matches applies the filters that need neither geometry nor text search
// (relationship, category, support to attend, free only, language, age,
// open now), so storage can narrow its candidates by index and check the
// rest here. A service that lists no languages is taken to work in English.
func Matches(s Service, f SearchFilter) bool {
	switch {
	case f.Relationship != "" && !slices.Contains(s.Relationships, f.Relationship),
		f.Category != "" && s.Category != f.Category,
		f.SupportToAttend != "" && !slices.Contains(s.SupportToAttend, f.SupportToAttend),
		f.FreeOnly && !s.Cost.Free,
		f.Language != "" && !speaks(s, f.Language),
		f.Age != nil && ageProblem(s.Eligibility, *f.Age) != "",
		f.OpenNow && (f.At.IsZero() || !OpenAt(s.Schedules, f.At)):
		return false
	}
	return true
}

func speaks(s Service, lang string) bool {
	if len(s.Languages) == 0 {
		return lang == "en"
	}
	return slices.Contains(s.Languages, lang)
}

// earthRadiusKm is the IUGG mean Earth radius.
const earthRadiusKm = 6371.0088

// DistanceKm is the great-circle (haversine) distance between two points
// given in WGS84 decimal degrees. On the scale of a town the sphere is within
// 0.5% of the ellipsoid, which is far below what a person notices.
func DistanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	p1, p2 := radians(lat1), radians(lat2)
	dp, dl := p2-p1, radians(lon2-lon1)
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// BoundingBox returns a latitude and longitude box that contains every point
// within radiusKm of the centre, for an index to narrow a search before
// DistanceKm decides. The longitude half-width is the exact extent of a
// spherical cap; a cap that reaches a pole or crosses the 180th meridian
// gets the whole longitude range, so a plain BETWEEN on each axis is always
// enough.
func BoundingBox(lat, lon, radiusKm float64) (minLat, maxLat, minLon, maxLon float64) {
	const margin = 1e-9 // degrees: keeps points on the circle inside despite rounding
	r := math.Max(radiusKm, 0) / earthRadiusKm
	d := degrees(r) + margin
	minLat, maxLat = math.Max(lat-d, -90), math.Min(lat+d, 90)
	if r >= math.Pi/2 || math.Sin(r) >= math.Cos(radians(lat)) {
		return minLat, maxLat, -180, 180
	}
	dLon := degrees(math.Asin(math.Sin(r)/math.Cos(radians(lat)))) + margin
	minLon, maxLon = lon-dLon, lon+dLon
	if minLon < -180 || maxLon > 180 {
		return minLat, maxLat, -180, 180
	}
	return minLat, maxLat, minLon, maxLon
}

func radians(d float64) float64 { return d * math.Pi / 180 }
func degrees(r float64) float64 { return r * 180 / math.Pi }

// OpenAt reports whether any schedule is open at t, read as London time. A
// service with no schedules, or only schedules without hours ("by
// appointment"), is not known to be open, so it is never shown as open now.
// A schedule whose closing time is not after its opening time runs past
// midnight.
func OpenAt(schedules []Schedule, t time.Time) bool {
	local := t.In(kith.London)
	for _, sc := range schedules {
		if sc.openAt(local) {
			return true
		}
	}
	return false
}

func (sc Schedule) openAt(t time.Time) bool {
	opens, ok1 := clockMinutes(sc.OpensAt, false)
	closes, ok2 := clockMinutes(sc.ClosesAt, true)
	rules, err := parseByDay(sc.ByDay, true)
	if !ok1 || !ok2 || err != nil {
		return false
	}
	now := t.Hour()*60 + t.Minute()
	if closes > opens {
		return now >= opens && now < closes && sc.runsOn(t, rules)
	}
	yesterday := t.AddDate(0, 0, -1)
	return now >= opens && sc.runsOn(t, rules) || now < closes && sc.runsOn(yesterday, rules)
}

// runsOn reports whether the schedule has a session starting on t's date.
func (sc Schedule) runsOn(t time.Time, rules []dayRule) bool {
	date := t.Format(time.DateOnly)
	if sc.ValidFrom != "" && date < sc.ValidFrom || sc.ValidTo != "" && date > sc.ValidTo {
		return false
	}
	if len(rules) == 0 {
		return true
	}
	for _, r := range rules {
		if r.day != t.Weekday() {
			continue
		}
		switch {
		case r.ordinal == 0:
			return true
		case r.ordinal > 0 && (t.Day()-1)/7+1 == r.ordinal:
			return true
		case r.ordinal < 0 && (daysIn(t)-t.Day())/7+1 == -r.ordinal:
			return true
		}
	}
	return false
}

func daysIn(t time.Time) int {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// StaleAfterMonths is how long a directory entry may go unconfirmed.
const StaleAfterMonths = 6

// Stale reports whether an entry last confirmed on lastConfirmed
// ("YYYY-MM-DD") is due to be checked at now: confirmed before the same day
// six calendar months earlier (the last day of that month when it is
// shorter). A missing or unreadable date is stale.
func Stale(lastConfirmed string, now time.Time) bool {
	d, err := time.Parse(time.DateOnly, lastConfirmed)
	if err != nil {
		return true
	}
	return d.Before(staleCutoff(now))
}

// StaleCutoff is the date ("YYYY-MM-DD") before which a confirmation is
// stale, for storage to list stale services by the same rule as Stale.
func StaleCutoff(now time.Time) string { return staleCutoff(now).Format(time.DateOnly) }

func staleCutoff(now time.Time) time.Time {
	y, m, day := now.In(kith.London).Date()
	first := time.Date(y, m-StaleAfterMonths, 1, 0, 0, 0, 0, time.UTC)
	return first.AddDate(0, 0, min(day, daysIn(first))-1)
}

// Person is what eligibility is judged on. Unknown facts (a nil Age, an
// empty Gender or PostcodeDistrict) never make someone ineligible: the
// navigator checks them with the person.
type Person struct {
	Age              *int
	Carer            bool
	Gender           string // GenderFemale, GenderMale, or "" when not known
	PostcodeDistrict string // "LS6"
}

// EligibleFor reports whether p meets the service's eligibility, and when
// not, why, in a plain sentence.
func EligibleFor(s Service, p Person) (bool, string) {
	e := s.Eligibility
	if p.Age != nil {
		if why := ageProblem(e, *p.Age); why != "" {
			return false, why
		}
	}
	if e.CarersOnly && !p.Carer {
		return false, "The service is only for unpaid carers."
	}
	if e.Gender != "" && p.Gender != "" && p.Gender != e.Gender {
		return false, "The service is only for " + map[string]string{GenderFemale: "women", GenderMale: "men"}[e.Gender] + "."
	}
	if why := areaProblem(e.AreaServed, p.PostcodeDistrict); why != "" {
		return false, why
	}
	return true, ""
}

func ageProblem(e Eligibility, age int) string {
	switch {
	case e.MinimumAge != nil && age < *e.MinimumAge:
		return fmt.Sprintf("The service is for people aged %d and over.", *e.MinimumAge)
	case e.MaximumAge != nil && age > *e.MaximumAge:
		return fmt.Sprintf("The service is for people aged up to %d.", *e.MaximumAge)
	}
	return ""
}

// areaProblem checks a postcode district against the postcode districts and
// areas a service serves. Place names cannot be checked against a postcode,
// so a service that lists only place names is taken to serve everyone.
func areaProblem(areas []string, district string) string {
	district = strings.ToUpper(strings.TrimSpace(district))
	if district == "" {
		return ""
	}
	var postal []string
	for _, a := range areas {
		a = strings.ToUpper(strings.ReplaceAll(a, " ", ""))
		switch {
		case postcodeDistrict(a):
			if a == district {
				return ""
			}
		case postcodeAreas[a]:
			if areaOf(district) == a {
				return ""
			}
		default:
			continue
		}
		postal = append(postal, a)
	}
	if len(postal) == 0 {
		return ""
	}
	return "The service only covers " + strings.Join(postal, ", ") + "."
}

func areaOf(district string) string {
	i := strings.IndexAny(district, "0123456789")
	if i < 0 {
		return district
	}
	return district[:i]
}

// postcodeAreas are the UK's postcode areas (with the Crown Dependencies),
// so that a place name such as "UK" is not taken for one.
var postcodeAreas = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range strings.Fields(`AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE
		DG DH DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA
		LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN
		SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE`) {
		m[a] = true
	}
	return m
}()

// postcodeDistrict reports whether a is an outward code such as "LS6",
// "LS10" or "EC1A".
func postcodeDistrict(a string) bool {
	area := areaOf(a)
	rest := a[len(area):]
	return postcodeAreas[area] && len(rest) >= 1 && len(rest) <= 2 && rest[0] >= '0' && rest[0] <= '9' &&
		strings.Trim(rest, "0123456789ABCDEFGHJKMNPRSTUVWXY") == ""
}

// Offerable reports whether the service may be offered to p at all: active,
// not full, not deleted, and p eligible. A navigator is never shown a
// service that would turn the person away.
func Offerable(s Service, p Person) bool {
	if s.DeletedAt != nil || s.Capacity == CapacityFull || (s.Status != "" && s.Status != StatusActive) {
		return false
	}
	ok, _ := EligibleFor(s, p)
	return ok
}

// Reaches decides whether a service can reach a person: with the person's
// location unknown, any service does; otherwise one of its places is
// within radiusKm (the nearest is returned), or it has no place at all
// (by phone, online or at home). places are latitude and longitude pairs.
func Reaches(places [][2]float64, placeless bool, lat, lon *float64, radiusKm float64) (nearestKm *float64, ok bool) {
	if lat == nil || lon == nil {
		return nil, true
	}
	for _, p := range places {
		d := DistanceKm(*lat, *lon, p[0], p[1])
		if d <= radiusKm && (nearestKm == nil || d < *nearestKm) {
			nearestKm = &d
		}
	}
	return nearestKm, nearestKm != nil || placeless
}

// RoundKm keeps a distance to 10 metres: more is false precision. Every
// distance shown or stored for a search or a recommendation is rounded so.
func RoundKm(d *float64) *float64 {
	if d == nil {
		return nil
	}
	r := math.Round(*d*100) / 100
	return &r
}

// Ranked is a service a search found: Key orders ties (the store's row
// key), Rank is its text rank (bm25: lower is better) when a query ranks
// them, DistanceKm its nearest place (nil: unlocated).
type Ranked struct {
	Key        int64
	Rank       float64
	DistanceKm *float64
}

// SortRanked orders a search's results: by text rank when a query ranks
// them, then nearest first (unlocated last), then by key.
func SortRanked(rs []Ranked, byText bool) {
	sort.SliceStable(rs, func(i, j int) bool {
		if byText && rs[i].Rank != rs[j].Rank {
			return rs[i].Rank < rs[j].Rank
		}
		di, dj := math.Inf(1), math.Inf(1)
		if rs[i].DistanceKm != nil {
			di = *rs[i].DistanceKm
		}
		if rs[j].DistanceKm != nil {
			dj = *rs[j].DistanceKm
		}
		if di != dj {
			return di < dj
		}
		return rs[i].Key < rs[j].Key
	})
}
