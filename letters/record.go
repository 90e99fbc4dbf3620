package letters

import (
	"fmt"
	"strings"
	"time"

	"github.com/kith-project/kith"
)

// KindRecord is the subject access record: not a letter, but drawn the same
// way, as a PDF and an accessible HTML twin from one document.
const KindRecord Kind = "subject-access"

// Record is everything a site holds about one person, for a subject access
// request. The caller lays it out in sections of labelled fields, so that
// nothing it holds is left out; this package draws it.
type Record struct {
	Site      Site
	Date      time.Time // when the record was gathered; also the PDF's creation date
	Reference string    // the screening's reference
	Person    Person    // whose record it is (Address unused)
	Sections  []RecordSection
}

// RecordSection is one kind of data held (the screening, referrals, the
// audit trail...), with a sentence saying what it is.
type RecordSection struct {
	Heading, Intro string
	Groups         []RecordGroup
}

// RecordGroup is one item within a section (one referral, one audit entry):
// an optional heading and its fields.
type RecordGroup struct {
	Heading string
	Fields  []RecordField
}

// RecordField is a labelled value. A value may run over several lines.
type RecordField struct {
	Label, Value string
}

// RecordPDF renders a subject access record as a PDF.
func RecordPDF(r Record) ([]byte, error) {
	if err := validateRecord(r); err != nil {
		return nil, err
	}
	b, err := renderPDF(buildRecord(r))
	if err != nil {
		return nil, fmt.Errorf("letters: render subject access PDF: %w", err)
	}
	return b, nil
}

// RecordHTML renders a subject access record's accessible HTML twin.
func RecordHTML(r Record, o HTMLOptions) ([]byte, error) {
	if err := validateRecord(r); err != nil {
		return nil, err
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	b, err := renderHTML(buildRecord(r), o)
	if err != nil {
		return nil, fmt.Errorf("letters: render subject access HTML: %w", err)
	}
	return b, nil
}

func validateRecord(r Record) error {
	errs := siteAndDate(r.Site, r.Date)
	if strings.TrimSpace(r.Reference) == "" {
		errs = append(errs, kith.FieldError{Field: "reference", Message: "is required"})
	}
	for i, s := range r.Sections {
		if strings.TrimSpace(s.Heading) == "" {
			errs = append(errs, kith.FieldError{Field: fmt.Sprintf("sections[%d].heading", i), Message: "is required"})
		}
	}
	if len(errs) > 0 {
		return kith.Invalid(errs...)
	}
	return nil
}

func buildRecord(r Record) *document {
	d := &document{
		Kind:      KindRecord,
		Title:     "Subject access: the information we hold",
		Site:      r.Site,
		SiteName:  free(r.Site.Name),
		Marking:   "OFFICIAL-SENSITIVE",
		Date:      r.Date,
		Reference: oneLine(r.Reference),
	}
	who := name(r.Person)
	if strings.TrimSpace(r.Person.Name) == "" {
		who = plain("the person screened")
	}
	d.Heading = plain("The information we hold")
	d.Meta = []row{dateRow(r.Date), field("Reference", plain(oneLine(r.Reference))), field("About", who)}
	if latin := latinName(r.Person); !latin.empty() {
		d.Meta = append(d.Meta, row{Label: "Name in Latin letters", Value: []text{latin}, HTMLOnly: true})
	}
	d.Sections = append(d.Sections, section{Blocks: []block{
		para(plain("This is everything "), free(r.Site.Name), plain(" holds in Kith about "), who,
			plain(", gathered on "+r.Date.Format("2 January 2006")+" in answer to a subject access request under the UK GDPR: the screening as it was recorded and what it found, referrals and what happened to them, any safeguarding concern, and a log of everyone who has looked at or changed the record.")),
		para(plain("Fields are shown as they are stored. Where something was never recorded, it is not listed.")),
	}})
	for _, s := range r.Sections {
		sec := section{Heading: plain(oneLine(s.Heading))}
		if strings.TrimSpace(s.Intro) != "" {
			sec.Blocks = append(sec.Blocks, para(free(s.Intro)))
		}
		if len(s.Groups) == 0 {
			sec.Blocks = append(sec.Blocks, para(plain("None held.")))
		}
		for _, g := range s.Groups {
			if strings.TrimSpace(g.Heading) != "" {
				sec.Blocks = append(sec.Blocks, block{Kind: subheadBlock, Lines: []text{free(oneLine(g.Heading))}})
			}
			var rs []row
			for _, f := range g.Fields {
				vs := freeAll(strings.Split(f.Value, "\n"))
				if len(vs) == 0 {
					continue
				}
				rs = append(rs, row{Label: oneLine(f.Label), Value: vs})
			}
			if len(rs) > 0 {
				sec.Blocks = append(sec.Blocks, rows(rs...))
			}
		}
		d.Sections = append(d.Sections, sec)
	}
	return d
}
