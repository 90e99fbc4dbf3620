package app

import (
	"strings"
	"time"
	"unicode"

	"github.com/kith-project/kith/referral"
)

// maxSearchTerms is how many words of a search are looked for.
const maxSearchTerms = 20

// SearchTerms turns what a person typed into the words a text search
// looks for: runs of letters and digits, lower-case, at most twenty; all
// must match. Punctuation and any search syntax in the input are dropped,
// so a store only quotes the words in its own query language (SQLite FTS5
// phrases, a PostgreSQL tsquery) and every backend finds the same things.
func SearchTerms(q string) []string {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > maxSearchTerms {
		words = words[:maxSearchTerms]
	}
	return words
}

// Search is what the worklist's Q looks for: the words of a person's name
// (SearchTerms: whole words of the name, the last perhaps only its start),
// or, when Q has
// the form of a letters' reference (R-1a2b3c4d, any case), only the
// reference as ReferralReference writes it, to be matched exactly.
func (f ReferralFilter) Search() (terms []string, reference string) {
	q := strings.TrimSpace(f.Q)
	if len(q) == 10 && strings.EqualFold(q[:2], "R-") {
		return nil, "R-" + strings.ToLower(q[2:])
	}
	return SearchTerms(q), ""
}

// OverdueBefore is the instant a referral waiting on its provider must
// have been sent before to be overdue as of f.Now under f.Thresholds
// (referral.OverdueCutoff: the working-day rule, worked out once per
// page), so a store compares each referral's stored sent time with it,
// through an index, and counts no working days row by row.
func (f ReferralFilter) OverdueBefore() time.Time {
	return referral.OverdueCutoff(f.Now, f.Thresholds.OrDefault().Overdue)
}
