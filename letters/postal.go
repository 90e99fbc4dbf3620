package letters

import (
	"strings"
	"unicode"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/postcode"
)

// PostalAddress makes the lines a posted letter is addressed with: the
// person's name, the address as typed, and the postcode last (added when
// the address does not already end with it), then checks them as GOV.UK
// Notify checks a precompiled letter's address block. field names the
// address in the errors (say "person.address").
func PostalAddress(name string, address []string, code, field string) ([]string, error) {
	lines := []string{strings.TrimSpace(name)}
	for _, l := range address {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if pc, ok := postcode.Normalize(code); ok {
		if last, ok := postcode.Normalize(lines[len(lines)-1]); !ok || last != pc {
			lines = append(lines, pc)
		}
	}
	if err := CheckPostalAddress(lines, field); err != nil {
		return nil, err
	}
	return lines, nil
}

// invalidLineStarts are characters an address line may not start with.
const invalidLineStarts = `@()=[]"\` + "`" + `<>`

// CheckPostalAddress checks the lines of an address block (the name first)
// by the rules of a letter posted through GOV.UK Notify: 3 to 7 lines; a
// letter or digit in the first two; a real UK postcode on the last; no line
// starting with a character the printer cannot take; not "no fixed abode".
func CheckPostalAddress(lines []string, field string) error {
	fail := func(msg string) error { return kith.Invalid(kith.FieldError{Field: field, Message: msg}) }
	switch {
	case len(lines) < 3:
		return fail("needs at least 3 lines to be posted (the name, a street or building, and the postcode)")
	case len(lines) > MaxAddressLines:
		return fail("has more than 6 lines after the name: join some so it fits the envelope window")
	}
	for _, l := range lines[:2] {
		if !strings.ContainsFunc(l, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			return fail("needs a letter or a number on its first two lines")
		}
	}
	if _, ok := postcode.Normalize(lines[len(lines)-1]); !ok {
		return fail("must end with a real UK postcode")
	}
	for _, l := range lines {
		if strings.ContainsAny(l[:1], invalidLineStarts) {
			return fail("has a line starting with " + l[:1] + ", which cannot be printed on an envelope")
		}
		if nfa := strings.ToLower(strings.Trim(l, " .,")); nfa == "no fixed abode" || nfa == "nfa" {
			return fail("says no fixed abode: a letter cannot be posted, so contact the person another way")
		}
	}
	return nil
}
