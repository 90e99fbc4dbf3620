package person

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Outcome is what matching decides about a new person and one held.
type Outcome string

// The three outcomes. Only a navigator turns a likely match into one person.
const (
	Exact  Outcome = "exact"  // the same NHS number: the same person
	Likely Outcome = "likely" // same date of birth and postcode, names alike: for a navigator to confirm or keep apart
	None   Outcome = "none"
)

// Match is one held person the new details match, and why in words a
// navigator can read. Reasons never quote a name, a date or a postcode, so
// they are safe in an audit line or a log.
type Match struct {
	PersonID string  `json:"person_id"`
	Outcome  Outcome `json:"outcome"`
	Reason   string  `json:"reason"`
}

// Result is the decision for a new person against all held ones: exact
// matches if there are any, else likely ones, else none. More than one
// match is possible (two records not yet merged, twins): the navigator
// chooses.
type Result struct {
	Outcome Outcome `json:"outcome"`
	Matches []Match `json:"matches,omitempty"`
}

// Find matches a new person's details against the people a site holds. It
// runs on the server only: a visitor is never told whether anyone matched.
// Both sides are compared in their normal form (Normalize). A held person
// of another site is never a match, even if the caller passes one by
// mistake, and nor is the person themselves (matching a saved record
// again, after an edit).
func Find(p Person, held []Person) Result {
	var exact, likely []Match
	for _, h := range held {
		if h.Site != p.Site || p.ID != "" && h.ID == p.ID {
			continue
		}
		o, why := Compare(p, h)
		switch o {
		case Exact:
			exact = append(exact, Match{PersonID: h.ID, Outcome: o, Reason: why})
		case Likely:
			likely = append(likely, Match{PersonID: h.ID, Outcome: o, Reason: why})
		}
	}
	switch {
	case len(exact) > 0:
		return Result{Outcome: Exact, Matches: exact}
	case len(likely) > 0:
		return Result{Outcome: Likely, Matches: likely}
	}
	return Result{Outcome: None}
}

// Compare decides whether two people's details are one person, and why.
//
// The rule leans hard towards keeping people apart, because a false match
// shows one person's record (and perhaps their abuser's name) on another's
// page, while a miss only costs a navigator a merge later:
//
//   - the same NHS number is an exact match, and two different NHS numbers
//     are two people whatever else agrees;
//   - otherwise a likely match needs all three of: the same date of birth
//     (both known), the same postcode (both known), and names that are
//     alike. Any one missing or different is no match: two people with one
//     name at one postcode and different birth dates are different people.
func Compare(a, b Person) (Outcome, string) {
	if a.NHSNumber != "" && b.NHSNumber != "" {
		if a.NHSNumber == b.NHSNumber {
			return Exact, "Same NHS number."
		}
		return None, "Different NHS numbers: not the same person."
	}
	switch {
	case a.BirthDate.IsZero() || b.BirthDate.IsZero():
		return None, "No date of birth to compare: a name and postcode alone are not enough."
	case a.BirthDate != b.BirthDate:
		return None, "Different dates of birth."
	case a.Address.Postcode == "" || b.Address.Postcode == "":
		return None, "No postcode to compare."
	case a.Address.Postcode != b.Address.Postcode:
		return None, "Different postcodes."
	}
	how, ok := namesAlike(a, b)
	if !ok {
		return None, "Same date of birth and postcode, but the names differ."
	}
	return Likely, "Same date of birth and postcode, and the names are alike (" + how + ")."
}

// namesAlike compares every written form of one name (as written, and in
// Latin letters) with every form of the other.
func namesAlike(a, b Person) (string, bool) {
	best, found := "", false
	for _, x := range []string{a.Name, a.NameLatin} {
		for _, y := range []string{b.Name, b.NameLatin} {
			if x == "" || y == "" {
				continue
			}
			if how, ok := nameTokensAlike(NameTokens(x), NameTokens(y)); ok {
				if !found || rank(how) < rank(best) {
					best, found = how, true
				}
			}
		}
	}
	return best, found
}

// How alike two names are, closest first.
const (
	sameName     = "the same once case, accents and spacing are set aside"
	reordered    = "the same words in a different order"
	initialOnly  = "one gives only the first initial"
	spelledAlike = "spelled differently but alike"
)

func rank(how string) int {
	return slices.Index([]string{sameName, reordered, initialOnly, spelledAlike}, how)
}

func nameTokensAlike(x, y []string) (string, bool) {
	if len(x) == 0 || len(y) == 0 {
		return "", false
	}
	if slices.Equal(x, y) {
		return sameName, true
	}
	if sx, sy := slices.Sorted(slices.Values(x)), slices.Sorted(slices.Values(y)); slices.Equal(sx, sy) {
		return reordered, true
	}
	// One word on either side (a title and a family name, say) cannot tell
	// two members of a household apart.
	if len(x) < 2 || len(y) < 2 {
		return "", false
	}
	// Family name last, given name first; or, as some people write it,
	// family name first on either side (never both: that is the first
	// order again).
	swap := func(w []string) []string { return []string{w[len(w)-1], w[0]} }
	best, found := "", false
	for _, pair := range [][2][]string{{x, y}, {x, swap(y)}, {swap(x), y}} {
		xx, yy := pair[0], pair[1]
		fam, famHow := wordsAlike(xx[len(xx)-1], yy[len(yy)-1], false)
		given, givenHow := wordsAlike(xx[0], yy[0], true)
		if !fam || !given {
			continue
		}
		how := worse(famHow, givenHow)
		if !found || rank(how) < rank(best) {
			best, found = how, true
		}
	}
	return best, found
}

func worse(a, b string) string {
	if rank(a) > rank(b) {
		return a
	}
	return b
}

// wordsAlike compares one word of each name: the same; an initial for a
// given name; or spelled alike, by Jaro-Winkler similarity of at least 0.9
// (Mueller and Müller, Katherine and Catherine fall short, so the consonant
// rule below catches those), or the same consonants in the same order with
// at least three of them (Mohammed and Muhammad, Katherine and Kathryn). The
// three-consonant floor keeps short names (Mary and Mira) apart.
func wordsAlike(a, b string, given bool) (bool, string) {
	if a == b {
		return true, sameName
	}
	if given && (len([]rune(a)) == 1 || len([]rune(b)) == 1) {
		ra, rb := []rune(a), []rune(b)
		return ra[0] == rb[0], initialOnly
	}
	if JaroWinkler(a, b) >= 0.9 {
		return true, spelledAlike
	}
	sa, sb := consonants(a), consonants(b)
	if len([]rune(sa)) >= 3 && sa == sb {
		return true, spelledAlike
	}
	return false, ""
}

// consonants is a word's consonant skeleton: its first letter, then its
// consonants with vowels, h, w and y dropped and doubled letters merged, c and k
// taken as one sound, ph as f.
// Both people's names are compared this way, so a rule applied to both
// sides only has to be consistent, not phonetically exact.
func consonants(w string) string {
	rs := []rune(strings.ReplaceAll(w, "ph", "f"))
	if len(rs) == 0 {
		return ""
	}
	first := rs[0]
	if first == 'c' {
		first = 'k'
	}
	out := []rune{first}
	for i, r := range rs[1:] {
		// A doubled letter is one sound; the same consonant either side of
		// a vowel is two (the m's of Mohammed).
		if strings.ContainsRune("aeiouhwy", r) || r == rs[i] {
			continue
		}
		if r == 'c' {
			r = 'k'
		}
		out = append(out, r)
	}
	return string(out)
}

// titles are dropped before names are compared.
var titles = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "rev": true, "sir": true, "dame": true, "lady": true, "lord": true}

// NameTokens is a name as matching compares it: lower case, accents
// removed (Zoë as zoe), ß, æ, ø, ł and đ spelled out, punctuation as a
// break between words, titles dropped.
func NameTokens(name string) []string {
	folded := norm.NFKD.String(strings.ToLower(name))
	var b strings.Builder
	for _, r := range folded {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'ß':
			b.WriteString("ss")
		case r == 'æ':
			b.WriteString("ae")
		case r == 'ø':
			b.WriteRune('o')
		case r == 'ł':
			b.WriteRune('l')
		case r == 'đ':
			b.WriteRune('d')
		case r == '\'' || r == '\u2019':
			// O'Brien and OBrien are one name.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	var out []string
	for _, w := range strings.Fields(b.String()) {
		if !titles[w] {
			out = append(out, w)
		}
	}
	return out
}

// JaroWinkler is the Jaro-Winkler similarity of two words, from 0 (nothing
// alike) to 1 (the same), over runes, with the usual prefix scale of 0.1 for
// up to four leading runes in common.
func JaroWinkler(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 || len(rb) == 0 {
		if len(ra) == len(rb) {
			return 1
		}
		return 0
	}
	window := max(len(ra), len(rb))/2 - 1
	window = max(window, 0)
	ma, mb := make([]bool, len(ra)), make([]bool, len(rb))
	matches := 0
	for i, r := range ra {
		lo, hi := max(0, i-window), min(len(rb), i+window+1)
		for j := lo; j < hi; j++ {
			if !mb[j] && rb[j] == r {
				ma[i], mb[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	half, j := 0, 0
	for i := range ra {
		if !ma[i] {
			continue
		}
		for !mb[j] {
			j++
		}
		if ra[i] != rb[j] {
			half++
		}
		j++
	}
	m := float64(matches)
	jaro := (m/float64(len(ra)) + m/float64(len(rb)) + (m-float64(half/2))/m) / 3
	prefix := 0
	for prefix < min(4, len(ra), len(rb)) && ra[prefix] == rb[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}
