package person

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/postcode"
)

// Person is one person known to a site. Every screening, concern, referral
// and letter at the site belongs to one. Another site never sees it.
type Person struct {
	ID   string `json:"id"`
	Site string `json:"-"`
	// Name is as the person writes it, in any script.
	Name string `json:"name"`
	// NameLatin is how they write it in Latin letters, for a letter the PDF
	// cannot print in their script, and for matching across spellings.
	NameLatin string `json:"name_latin,omitempty"`
	// BirthDate is the date of birth; zero when not known.
	BirthDate Date `json:"birth_date,omitzero"`
	// AgeGiven is an age in years given when the date of birth is not
	// known, and AgeGivenOn the date it was given, so that the age can be
	// carried forward (AgeOn). Zero when a date of birth is held.
	AgeGiven   int  `json:"age,omitempty"`
	AgeGivenOn Date `json:"age_given_on,omitzero"`
	// NHSNumber is ten digits with no spaces, or empty.
	NHSNumber string  `json:"nhs_number,omitempty"`
	Address   Address `json:"address,omitzero"`
	// Phone is in the national form NormalizePhone gives.
	Phone string `json:"phone,omitempty"`
	// Languages are ISO 639 codes (Languages), the main one first.
	Languages       []string        `json:"languages,omitempty"`
	Needs           Needs           `json:"needs,omitzero"`
	Characteristics Characteristics `json:"characteristics,omitzero"`
}

// Address is a UK postal address, in the parts a letter and a match need.
type Address struct {
	Lines    []string `json:"lines,omitempty"` // house and street, up to four lines
	Town     string   `json:"town,omitempty"`
	Postcode string   `json:"postcode,omitempty"` // canonical form, "LS1 4AP"
	// UPRN is the Unique Property Reference Number of the home, where
	// known: up to 12 digits, no leading zeros.
	UPRN string `json:"uprn,omitempty"`
}

// IsZero reports whether no part of the address is held.
func (a Address) IsZero() bool {
	return len(a.Lines) == 0 && a.Town == "" && a.Postcode == "" && a.UPRN == ""
}

// Postal is the address as a letter prints it, a line each: lines, town,
// postcode. It is empty unless there is a first line, a town and a postcode,
// because a letter without them would not arrive.
func (a Address) Postal() []string {
	if len(a.Lines) == 0 || a.Town == "" || a.Postcode == "" {
		return nil
	}
	out := append([]string{}, a.Lines...)
	return append(out, a.Town, a.Postcode)
}

// Limits on free text, generous for real names and addresses, small enough
// that a pasted document is refused.
const (
	maxName         = 200
	maxAddressLine  = 120
	maxAddressLines = 4
)

// Normalize checks a person's details and returns them in the one form Kith
// stores and compares: names and address lines tidied (Unicode NFC, single
// spaces), the postcode, phone and NHS number in canonical form, codes
// checked against their lists. today is the date from the service's clock:
// a date of birth cannot be after it, and an age given without a date is
// taken as given today. Every problem is reported at once, each naming its
// field by JSON path, in plain words.
func (p Person) Normalize(today Date) (Person, error) {
	v := validator{}
	p.Name = v.text("name", p.Name, maxName, true)
	p.NameLatin = v.text("name_latin", p.NameLatin, maxName, false)
	if p.NameLatin != "" && !isLatin(p.NameLatin) {
		v.add("name_latin", "must be written in Latin letters (A to Z, with accents if needed)")
	}
	p.normalizeAge(&v, today)
	if p.NHSNumber = strings.TrimSpace(p.NHSNumber); p.NHSNumber != "" {
		n, msg := NormalizeNHSNumber(p.NHSNumber)
		v.check("nhs_number", msg)
		p.NHSNumber = n
	}
	p.Address = p.Address.normalize(&v)
	if p.Phone = strings.TrimSpace(p.Phone); p.Phone != "" {
		n, msg := NormalizePhone(p.Phone)
		v.check("phone", msg)
		p.Phone = n
	}
	p.Languages = v.codes("languages", p.Languages, func(c string) bool { _, ok := languageByCode[c]; return ok },
		"is not a language Kith lists: choose one from the list")
	p.Needs = p.Needs.normalize(&v)
	p.Characteristics.normalize(&v)
	if err := v.err(); err != nil {
		return Person{}, err
	}
	return p, nil
}

func (p *Person) normalizeAge(v *validator, today Date) {
	switch {
	case !p.BirthDate.IsZero() && p.AgeGiven != 0:
		v.add("age", "give a date of birth or an age, not both")
	case !p.BirthDate.IsZero():
		if today.Before(p.BirthDate) {
			v.add("birth_date", "cannot be in the future")
		} else if yearsBetween(p.BirthDate, today) > MaxAge {
			v.add("birth_date", fmt.Sprintf("makes the person over %d: check the year", MaxAge))
		}
		p.AgeGivenOn = Date{}
	case p.AgeGiven < 0 || p.AgeGiven > MaxAge:
		v.add("age", fmt.Sprintf("must be a whole number of years from 0 to %d", MaxAge))
	case p.AgeGiven > 0:
		if p.AgeGivenOn.IsZero() {
			p.AgeGivenOn = today
		} else if today.Before(p.AgeGivenOn) {
			v.add("age_given_on", "cannot be in the future")
		}
	default:
		p.AgeGivenOn = Date{}
	}
}

func (a Address) normalize(v *validator) Address {
	var lines []string
	for i, l := range a.Lines {
		if l = v.text(fmt.Sprintf("address.lines[%d]", i), l, maxAddressLine, false); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > maxAddressLines {
		v.add("address.lines", fmt.Sprintf("can have at most %d lines before the town", maxAddressLines))
	}
	a.Lines = lines
	a.Town = v.text("address.town", a.Town, maxAddressLine, false)
	if len(a.Lines) > 0 && a.Town == "" {
		v.add("address.town", "is needed with the street address, for letters to arrive")
	}
	if a.Town != "" && len(a.Lines) == 0 {
		v.add("address.lines", "need at least the house and street, with the town")
	}
	if pc := strings.TrimSpace(a.Postcode); pc != "" {
		n, ok := postcode.Normalize(pc)
		if !ok {
			v.add("address.postcode", "must be a UK postcode, like LS1 4AP")
		}
		a.Postcode = n
	} else {
		a.Postcode = ""
		if len(a.Lines) > 0 {
			v.add("address.postcode", "is needed with the street address, for letters to arrive")
		}
	}
	if u := strings.Join(strings.Fields(a.UPRN), ""); u != "" {
		if !allDigits(u) || len(u) > 12 || u[0] == '0' {
			v.add("address.uprn", "must be the property's UPRN: up to 12 digits, not starting with 0")
		}
		a.UPRN = u
	} else {
		a.UPRN = ""
	}
	return a
}

func (n Needs) normalize(v *validator) Needs {
	inList := func(cs []Code) func(string) bool { return func(k string) bool { return known(cs, k) } }
	n.Formats = v.codes("needs.formats", n.Formats, inList(Formats), "is not an information format Kith lists")
	n.Support = v.codes("needs.support", n.Support, inList(Support), "is not a kind of communication support Kith lists")
	n.Contact = v.codes("needs.contact", n.Contact, inList(Contacts), "is not a contact method Kith lists")
	if n.Interpreter = strings.TrimSpace(n.Interpreter); n.Interpreter != "" {
		if _, ok := languageByCode[n.Interpreter]; !ok {
			v.add("needs.interpreter", "is not a language Kith lists: choose one from the list")
		}
	}
	if n.Interpreter == "en" {
		v.add("needs.interpreter", "is English: letters and calls are already in English")
	}
	return n
}

func (c *Characteristics) normalize(v *validator) {
	for _, f := range []struct {
		field string
		value *string
		list  []Category
	}{
		{"characteristics.gender", &c.Gender, Genders},
		{"characteristics.ethnicity", &c.Ethnicity, Ethnicities},
		{"characteristics.primary_support_reason", &c.PrimarySupportReason, SupportReasons},
	} {
		*f.value = strings.TrimSpace(*f.value)
		if _, ok := CategoryOf(f.list, *f.value); *f.value != "" && !ok {
			v.add(f.field, "is not one of the national categories: choose one from the list")
		}
	}
}

// validator gathers field errors so that every problem is reported at once.
type validator struct{ fields []kith.FieldError }

func (v *validator) add(field, msg string) {
	v.fields = append(v.fields, kith.FieldError{Field: field, Message: msg})
}

func (v *validator) check(field, msg string) {
	if msg != "" {
		v.add(field, msg)
	}
}

func (v *validator) err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return kith.Invalid(v.fields...)
}

// text tidies one line of free text: NFC, and every run of white space
// (newlines too) as one space. Control characters are refused.
func (v *validator) text(field, s string, limit int, required bool) string {
	s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	switch {
	case s == "" && required:
		v.add(field, "is required")
	case utf8.RuneCountInString(s) > limit:
		v.add(field, fmt.Sprintf("must be at most %d characters", limit))
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		v.add(field, "has a character that cannot be printed")
	}
	return s
}

// codes checks a list of codes, dropping blanks and repeats.
func (v *validator) codes(field string, cs []string, ok func(string) bool, msg string) []string {
	var out []string
	seen := map[string]bool{}
	for i, c := range cs {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		if !ok(c) {
			v.add(fmt.Sprintf("%s[%d]", field, i), msg)
		}
		out = append(out, c)
	}
	return out
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// isLatin reports whether every letter of s is a Latin letter; marks,
// spaces, hyphens and apostrophes may come between them.
func isLatin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}
