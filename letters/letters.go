// Package letters owns Kith's letters: the provider letter for a referral, the
// person's letter of what was arranged, and the safeguarding concern summary
// for the council; and, drawn the same way, the subject access record
// (record.go). Each letter is a PDF for print and post, with an accessible
// HTML twin carrying the same content. The person letter also comes in easy
// read (easyread.go: short sentences beside pictures, a PDF and its twin).
//
// Both outputs are drawn from one document model (content.go), so they cannot
// drift apart. This package is the only importer of the PDF library, and only
// pdf.go touches it: swapping the library means rewriting that one file.
//
// The PDF library cannot shape joined scripts (Arabic, Urdu, Bengali,
// Devanagari...) and the embedded font covers Latin, Greek and Cyrillic only,
// so the PDF never prints such text: the person's name falls back to how they
// write it in Latin letters (Person.NameLatin), and other text is replaced by
// a note pointing to the HTML version, which shows everything as written.
package letters

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/kith-project/kith"
)

// Kind is which letter to write.
type Kind string

// The three kinds of letter.
const (
	KindProvider Kind = "provider" // to the provider receiving a referral
	KindPerson   Kind = "person"   // to the person: what was arranged
	KindConcern  Kind = "concern"  // safeguarding concern summary for the council
)

// Site is the council or organisation the letter comes from.
type Site struct {
	Name              string
	Colour            string // #rrggbb, the site's brand colour for the band at the top
	SafeguardingPhone string
	SafeguardingEmail string
}

// Person is who the letter is about (and, for the person letter, to).
type Person struct {
	Name      string   // as the person writes it, in any script
	NameLatin string   // as they write it in Latin letters; the PDF uses it when it cannot print Name
	Address   []string // postal address, one line each
}

// Navigator is the community navigator working the referral: the contact on
// every letter.
type Navigator struct {
	Name, Phone, Email string
}

// Service is the community service the person is referred to.
type Service struct {
	Name, Organisation, Description string
	Schedule                        string   // when it meets, in words
	Address                         string   // where it meets
	Cost                            string   // in words, e.g. "Free" or "£3 a session"
	Phone                           string   // the service's own number
	SupportToAttend                 []string // plain labels, e.g. "Someone to go with you the first time"
	// VisitsAtHome: the service comes to the person, so the letters say
	// so and give no place to go.
	VisitsAtHome bool
}

// SafeContact says how the person may safely be contacted. A false field
// means not safe: unanswered is treated as not safe, as in the design.
type SafeContact struct {
	Phone, Post, Visit bool
	// PhoneNumber is the person's number, shown only where Phone is true.
	PhoneNumber string
	Times       string // safe times, in words
	// HasDoNotContact says someone must not be contacted or told. Their name
	// is deliberately not a field: letters never carry it.
	HasDoNotContact bool
}

// Observer is who raised the concern, and how to call them back.
type Observer struct {
	Name, Phone        string
	Role, Organisation string
	Agency             string // referring agency code, e.g. "fire_service"
}

// Concern is the safeguarding concern; only the concern summary reads it.
type Concern struct {
	Reference string
	Action    string   // emergency, raise_concern, discuss or none
	Reasons   []string // plain sentences
	// TypesOfRisk are Safeguarding Adults Collection codes ("financial_or_material");
	// the letter shows each with its plain label.
	TypesOfRisk []string
	// ShareBasis are the recorded basis codes: "consent" or override names
	// ("others_at_risk", "coercion"...).
	ShareBasis []string
	Noticed    []string // the wording of the indicators the visitor noticed
	// OthersAtRisk are "child", "adult" and/or "public", answered or
	// inferred; OthersReasons says why for each, in words.
	OthersAtRisk  []string
	OthersReasons []string
	// Routes are the steps beside the concern (the police, a domestic abuse
	// service, the Office of the Public Guardian ...), in words.
	Routes []string
	// LocationOfRisk and SourceOfRisk are the national return's codes as
	// the visitor gave them; empty is not yet known, for the team to
	// complete.
	LocationOfRisk, SourceOfRisk string
	// The s.42 limbs as the visitor recorded them. UnableToProtectSelf is
	// reported, never a gate: the council applies the test.
	CareAndSupportNeeds string   // yes, no or unsure
	AbuseIndicated      bool     // abuse or neglect indicated
	AbuseBecause        []string // why, in words
	UnableToProtectSelf string   // yes, no or unsure
	Observer            Observer
	// RaisedAt is when the concern was raised (the summary gives the date
	// and time).
	RaisedAt time.Time
	// DoNotContact is who must not be contacted or told, as the visitor
	// wrote it. Only the concern summary, for the safeguarding team, names
	// them; the provider and person letters never do.
	DoNotContact string
}

// Letter is everything a letter may say. Each kind reads only what it needs:
// the provider and person letters never read Concern.
type Letter struct {
	Kind        Kind
	Site        Site
	Date        time.Time // the letter's date; also the PDF's creation date, so output is reproducible
	Reference   string    // referral reference
	Person      Person
	Navigator   Navigator
	Service     Service
	SafeContact SafeContact
	// Wishes are the person's own words, only what they agreed to share.
	Wishes          string
	DesiredOutcomes []string // concern summary only
	ReplyURL        string   // provider letter: the provider's signed link
	// ReplyCode is the provider's short code, typed at CodeURL, for a
	// charity that cannot type the long link from paper.
	ReplyCode  string
	CodeURL    string
	Concern    *Concern // concern summary only
	LargePrint bool     // person letter: 18 pt instead of 12 pt
	// ProviderAgreed: the service has accepted. Until then the person is
	// told "we have asked ... to contact you", never that it is arranged.
	ProviderAgreed bool
	// BestInterest: the referral was made by a best-interest decision, not
	// the person's agreement, and the provider letter says so.
	BestInterest bool
}

// HTMLOptions are choices for the HTML twin.
type HTMLOptions struct {
	// StylesheetURL, when set, is linked from the page. The HTML has no
	// inline style, because the service's CSP forbids it.
	StylesheetURL string
}

// PDF renders the letter as a PDF. The same letter always gives the same bytes.
func PDF(l Letter) ([]byte, error) {
	if err := validate(l); err != nil {
		return nil, err
	}
	b, err := renderPDF(build(l))
	if err != nil {
		return nil, fmt.Errorf("letters: render %s PDF: %w", l.Kind, err)
	}
	return b, nil
}

// HTML renders the letter's accessible HTML twin, a complete document.
func HTML(l Letter, o HTMLOptions) ([]byte, error) {
	if err := validate(l); err != nil {
		return nil, err
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	b, err := renderHTML(build(l), o)
	if err != nil {
		return nil, fmt.Errorf("letters: render %s HTML: %w", l.Kind, err)
	}
	return b, nil
}

var colourPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// siteAndDate checks what every document needs: who it comes from, in
// their colour, and its date.
func siteAndDate(site Site, date time.Time) []kith.FieldError {
	var errs []kith.FieldError
	if strings.TrimSpace(site.Name) == "" {
		errs = append(errs, kith.FieldError{Field: "site.name", Message: "is required"})
	}
	if !colourPattern.MatchString(site.Colour) {
		errs = append(errs, kith.FieldError{Field: "site.colour", Message: "must be a colour like #1d70b8"})
	}
	if date.IsZero() {
		errs = append(errs, kith.FieldError{Field: "date", Message: "is required"})
	}
	return errs
}

func (o HTMLOptions) validate() error {
	if o.StylesheetURL != "" && !isWebURL(o.StylesheetURL, true) {
		return kith.Invalid(kith.FieldError{Field: "stylesheet_url", Message: "must be a path or an http(s) URL"})
	}
	return nil
}

// validate checks what each kind needs, so a letter never goes out with a
// hole in it. Fields are named by their JSON path, as elsewhere in Kith.
func validate(l Letter) error {
	var errs []kith.FieldError
	need := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, kith.FieldError{Field: field, Message: "is required"})
		}
	}
	switch l.Kind {
	case KindProvider, KindPerson, KindConcern:
	default:
		return kith.Invalid(kith.FieldError{Field: "kind", Message: "must be provider, person or concern"})
	}
	errs = append(errs, siteAndDate(l.Site, l.Date)...)
	need("person.name", l.Person.Name)

	switch l.Kind {
	case KindProvider:
		need("reference", l.Reference)
		need("navigator.name", l.Navigator.Name)
		need("navigator.phone", l.Navigator.Phone)
		need("service.name", l.Service.Name)
		need("service.organisation", l.Service.Organisation)
		if l.ReplyURL != "" && !isWebURL(l.ReplyURL, false) {
			errs = append(errs, kith.FieldError{Field: "reply_url", Message: "must be an http(s) URL"})
		}
		if l.ReplyCode != "" && !isWebURL(l.CodeURL, false) {
			errs = append(errs, kith.FieldError{Field: "code_url", Message: "must be an http(s) URL where the code is typed"})
		}
	case KindPerson:
		need("reference", l.Reference)
		need("navigator.name", l.Navigator.Name)
		need("navigator.phone", l.Navigator.Phone)
		need("service.name", l.Service.Name)
		// The design: no letter goes to a home where post is not safe, or
		// where there is no postal address.
		if !l.SafeContact.Post {
			errs = append(errs, kith.FieldError{Field: "safe_contact.post", Message: "post is not confirmed safe: no letter may go to the person's home"})
		}
		if len(lines(l.Person.Address)) == 0 {
			errs = append(errs, kith.FieldError{Field: "person.address", Message: "is required for a letter to the person"})
		}
		// The PDF would print a note in place of an address line it cannot
		// show, and the letter would not arrive.
		for i, a := range l.Person.Address {
			if free(a).hasForeign() {
				errs = append(errs, kith.FieldError{Field: fmt.Sprintf("person.address[%d]", i), Message: "has characters the printed letter cannot show: give the address in Latin letters"})
			}
		}
	case KindConcern:
		errs = append(errs, validateConcern(l.Concern)...)
	}
	if len(errs) > 0 {
		return kith.Invalid(errs...)
	}
	return nil
}

func validateConcern(c *Concern) []kith.FieldError {
	if c == nil {
		return []kith.FieldError{{Field: "concern", Message: "is required for a concern summary"}}
	}
	var errs []kith.FieldError
	if strings.TrimSpace(c.Reference) == "" {
		errs = append(errs, kith.FieldError{Field: "concern.reference", Message: "is required"})
	}
	if _, ok := actionLabels[c.Action]; !ok {
		errs = append(errs, kith.FieldError{Field: "concern.action", Message: "must be emergency, raise_concern, discuss or none"})
	}
	for _, a := range []struct{ field, v string }{
		{"concern.care_and_support_needs", c.CareAndSupportNeeds},
		{"concern.unable_to_protect_self", c.UnableToProtectSelf},
	} {
		if _, ok := answerLabels[a.v]; !ok {
			errs = append(errs, kith.FieldError{Field: a.field, Message: "must be yes, no or unsure"})
		}
	}
	codes := func(field string, vs []string, known map[string]string) {
		for i, v := range vs {
			if _, ok := known[v]; !ok {
				errs = append(errs, kith.FieldError{Field: fmt.Sprintf("%s[%d]", field, i), Message: fmt.Sprintf("unknown code %q", v)})
			}
		}
	}
	codes("concern.types_of_risk", c.TypesOfRisk, riskLabels)
	codes("concern.share_basis", c.ShareBasis, basisLabels)
	codes("concern.others_at_risk", c.OthersAtRisk, othersLabels)
	if a := c.Observer.Agency; a != "" {
		if _, ok := agencyLabels[a]; !ok {
			errs = append(errs, kith.FieldError{Field: "concern.observer.agency", Message: fmt.Sprintf("unknown code %q", a)})
		}
	}
	return errs
}

// isWebURL accepts absolute http(s) URLs, and with relative also
// root-relative paths (a stylesheet served by Kith itself).
func isWebURL(s string, relative bool) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	if relative && u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(s, "//") {
		return true
	}
	return (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
