package pathways

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/kith-project/kith/assets"
)

// Candidate is a directory service that might be offered, with its
// distance from the person when both are located.
type Candidate struct {
	Service    assets.Service
	DistanceKm *float64
	// Words are the service's words as ServiceWords gives them, when the
	// caller keeps them with the service (they are worked out when nil).
	// Shared between candidates, so never changed.
	Words map[string]bool
}

// ServiceWords are the words of a service's name, description and
// interests that the ranking matches against the person's own words.
func ServiceWords(s *assets.Service) map[string]bool {
	return words(s.Name + " " + s.Description + " " + strings.Join(s.Interests, " "))
}

// Person is what the ranking takes into account about the person.
type Person struct {
	assets.Person
	Housebound bool
	Anxious    bool
	Language   string // as the visitor wrote it: a code ("ur") or a name ("Urdu")
	Wishes     string
	Interests  []string
}

// Ref records which pathway made a recommendation.
type Ref struct {
	PathwayID string
	Version   int
	Arm       string
}

// Recommendation is one service offered, with the reasons in plain words.
type Recommendation struct {
	Rank         int      `json:"rank"`
	ServiceID    string   `json:"service_id"`
	Name         string   `json:"name"`
	Category     string   `json:"category"`
	Relationship string   `json:"relationship"`
	DistanceKm   *float64 `json:"distance_km"`
	Reasons      []string `json:"reasons"`
	// ReasonKinds says what each reason is, index by index, so retention
	// and display never depend on a reason's wording. A recommendation
	// stored before kinds were recorded has none (see WithoutPersonWords).
	ReasonKinds    []ReasonKind `json:"reason_kinds,omitempty"`
	PathwayID      string       `json:"pathway_id"`
	PathwayVersion int          `json:"pathway_version"`
	Arm            string       `json:"arm,omitempty"`
}

// PerCategory is how many services each offered category contributes.
const PerCategory = 2

// remoteSupport is support that brings the service to someone who finds it
// hard to go out.
var remoteSupport = []string{"home_visits", "by_phone", "online", "transport", "accompanied_first_visit"}

// Recommend chooses services for the pathway's offers and ranks them: by
// the level of the relationship each answers (highest first), then the
// pathway's priority, then distance. A full, closed or ineligible service is
// never offered, and no service is offered twice.
func Recommend(out Outcome, cands []Candidate, p Person, ref Ref) []Recommendation {
	recs := []Recommendation{}
	used := map[string]bool{}
	theirs := words(p.Wishes + " " + strings.Join(p.Interests, " "))
	// ranked is a candidate with its sort keys worked out once, so sorting
	// neither copies services nor recomputes the keys per comparison.
	type ranked struct {
		c     *Candidate
		lang  int
		comes bool
		dist  float64
	}
	var pool []ranked
	for _, offer := range out.Offers {
		pool = pool[:0]
		for i := range cands {
			c := &cands[i]
			if c.Service.Category == offer.Category && !used[c.Service.ID] && assets.Offerable(c.Service, p.Person) {
				pool = append(pool, ranked{c: c, lang: languageFit(&c.Service, p.Language), comes: comesToPerson(&c.Service), dist: dist(c)})
			}
		}
		sort.SliceStable(pool, func(i, j int) bool {
			a, b := &pool[i], &pool[j]
			if a.lang != b.lang {
				return a.lang > b.lang
			}
			if (p.Housebound || p.Anxious) && a.comes != b.comes {
				return a.comes
			}
			if a.dist != b.dist {
				return a.dist < b.dist
			}
			return a.c.Service.Name < b.c.Service.Name
		})
		for _, r := range pool[:min(PerCategory, len(pool))] {
			c := r.c
			used[c.Service.ID] = true
			rec := Recommendation{
				Rank: len(recs) + 1, ServiceID: c.Service.ID, Name: c.Service.Name, Category: c.Service.Category,
				Relationship: offer.Relationship, DistanceKm: c.DistanceKm,
				PathwayID: ref.PathwayID, PathwayVersion: ref.Version, Arm: ref.Arm,
			}
			why := reasons(c, offer, p, theirs)
			rec.Reasons, rec.ReasonKinds = make([]string, len(why)), make([]ReasonKind, len(why))
			for i, x := range why {
				rec.Reasons[i], rec.ReasonKinds[i] = x.text, x.kind
			}
			recs = append(recs, rec)
		}
	}
	return recs
}

// languageFit ranks a service for the person's language: 2 when it is
// offered in it, 1 when it works in English (or says nothing), 0 when it
// works only in other languages.
func languageFit(s *assets.Service, want string) int {
	if matchLanguage(s.Languages, want) != "" {
		return 2
	}
	if len(s.Languages) == 0 || slices.Contains(s.Languages, "en") {
		return 1
	}
	return 0
}

func dist(c *Candidate) float64 {
	if c.DistanceKm == nil {
		return math.Inf(1)
	}
	return *c.DistanceKm
}

func comesToPerson(s *assets.Service) bool {
	for _, x := range s.SupportToAttend {
		if slices.Contains(remoteSupport, x) {
			return true
		}
	}
	return false
}

var levelWords = map[string]string{"low": "some", "medium": "clear", "high": "strong"}

// reasons says why a service is offered, in sentences a navigator can read
// out: what it helps with, how far, how the person can get there, cost,
// capacity, language, age, and what in the person's own words it matches.
func reasons(c *Candidate, o Offer, p Person, theirs map[string]bool) []reason {
	s := &c.Service
	out := make([]reason, 0, 9)
	add := func(k ReasonKind, text string) { out = append(out, reason{k, text}) }
	if o.Relationship != "" && slices.Contains(s.Relationships, o.Relationship) && levelWords[o.RelationshipLevel] == "" {
		add(ReasonHelpsWith, fmt.Sprintf("Helps where %s.", strings.ToLower(relationshipLabel(o.Relationship))))
	} else if o.Relationship != "" && slices.Contains(s.Relationships, o.Relationship) {
		add(ReasonHelpsWith, fmt.Sprintf("Helps where %s: the screening found %s evidence of this.",
			strings.ToLower(relationshipLabel(o.Relationship)), levelWords[o.RelationshipLevel]))
	} else {
		add(ReasonHelpsWith, fmt.Sprintf("Offers %s, which the pathway suggests for this person.", strings.ToLower(assets.CategoryLabel(s.Category))))
	}
	switch {
	case c.DistanceKm != nil:
		add(ReasonDistance, fmt.Sprintf("%.1f km from the person's home.", *c.DistanceKm))
	case slices.Contains(s.SupportToAttend, "by_phone") || slices.Contains(s.SupportToAttend, "online"):
		add(ReasonDistance, "No travel needed: it works by phone or online.")
	}
	if (p.Housebound || p.Anxious) && comesToPerson(s) {
		var ways []string
		for _, x := range s.SupportToAttend {
			if slices.Contains(remoteSupport, x) {
				ways = append(ways, strings.ToLower(assets.SupportToAttendLabel(x)))
			}
		}
		add(ReasonGettingThere, "Suits someone who finds it hard to go out: "+strings.Join(ways, ", ")+".")
	}
	if s.Cost.Free {
		add(ReasonCost, "Free.")
	} else if s.Cost.Description != "" {
		add(ReasonCost, "Cost: "+s.Cost.Description)
	}
	if s.Capacity == assets.CapacityWaitingList {
		add(ReasonCapacity, "Has a waiting list.")
	} else {
		add(ReasonCapacity, "Taking new people now.")
	}
	if lang := matchLanguage(s.Languages, p.Language); lang != "" {
		add(ReasonLanguage, "Offered in "+lang+".")
	}
	e := s.Eligibility
	if p.Age != nil && (e.MinimumAge != nil || e.MaximumAge != nil) {
		add(ReasonAge, fmt.Sprintf("Open to the person's age (%d).", *p.Age))
	}
	sw := c.Words
	if sw == nil {
		sw = ServiceWords(s)
	}
	if w := matchWords(theirs, sw); len(w) > 0 {
		add(ReasonPersonWords, personWordsReason+strings.Join(w, ", ")+".")
	}
	return out
}

func relationshipLabel(code string) string {
	for _, r := range assets.Relationships {
		if r.Code == code {
			return r.Label
		}
	}
	return code
}

// matchLanguage returns the language's name when the service offers the
// person's language (given as a code or an English name), and "" when the
// person's language is English, unknown or not offered.
func matchLanguage(offered []string, want string) string {
	want = strings.ToLower(strings.TrimSpace(want))
	if want == "" || want == "en" || want == "english" {
		return ""
	}
	for _, code := range offered {
		name := assets.LanguageName(code)
		if strings.ToLower(code) == want || strings.ToLower(name) == want {
			return name
		}
	}
	return ""
}

var stopWords = map[string]bool{"about": true, "would": true, "like": true, "with": true, "have": true, "they": true, "their": true,
	"there": true, "someone": true, "some": true, "more": true, "want": true, "wants": true, "that": true, "this": true, "from": true,
	"what": true, "when": true, "just": true, "them": true, "help": true, "people": true, "feel": true, "really": true, "again": true}

func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len([]rune(w)) >= 4 && !stopWords[w] {
			out[w] = true
		}
	}
	return out
}

// matchWords returns the words of the person's own that the service's
// words share (a plain stem match: "walks" matches "walking"), at most three.
func matchWords(theirs, sw map[string]bool) []string {
	var out []string
	for w := range theirs {
		stem := w[:min(len(w), 5)]
		for x := range sw {
			if strings.HasPrefix(x, stem) {
				out = append(out, w)
				break
			}
		}
	}
	sort.Strings(out)
	return out[:min(3, len(out))]
}

// ReasonKind is what a recommendation's reason is about.
type ReasonKind string

// The kinds of reason. Only ReasonPersonWords quotes the person.
const (
	ReasonHelpsWith    ReasonKind = "helps_with"    // the relationship or category it answers
	ReasonDistance     ReasonKind = "distance"      // how far, or no travel needed
	ReasonGettingThere ReasonKind = "getting_there" // support for someone who finds it hard to go out
	ReasonCost         ReasonKind = "cost"
	ReasonCapacity     ReasonKind = "capacity"
	ReasonLanguage     ReasonKind = "language"
	ReasonAge          ReasonKind = "age"
	ReasonPersonWords  ReasonKind = "person_words" // quotes what the person said
)

// reason is one reason with its kind, before it is stored as the two
// parallel lists of a Recommendation.
type reason struct {
	kind ReasonKind
	text string
}

// personWordsReason opens the one reason that quotes the person's own
// words (what they said matched a service's description).
const personWordsReason = "Matches what the person said: "

// WithoutPersonWords is the recommendation with any reason that quotes the
// person's own words taken out, for retention, by its kind. A
// recommendation stored before kinds were recorded (no ReasonKinds) is
// read by this package's own opening words for that reason, the only
// wording it ever used.
func (r Recommendation) WithoutPersonWords() Recommendation {
	typed := len(r.ReasonKinds) == len(r.Reasons) && len(r.ReasonKinds) > 0
	kept, kinds := []string{}, []ReasonKind{}
	for i, text := range r.Reasons {
		quotes := strings.HasPrefix(text, personWordsReason)
		if typed {
			quotes = r.ReasonKinds[i] == ReasonPersonWords
		}
		if quotes {
			continue
		}
		kept = append(kept, text)
		if typed {
			kinds = append(kinds, r.ReasonKinds[i])
		}
	}
	r.Reasons = kept
	if typed {
		r.ReasonKinds = kinds
	}
	return r
}
