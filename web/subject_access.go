package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/letters"
	"github.com/kith-project/kith/screening"
	"github.com/labstack/echo/v4"
)

// subjectAccess exports everything held about one screened person: JSON
// (GET .../subject-access) for the record, and the same content as a PDF or
// accessible HTML (.pdf, .html) to give the person.
func (s *Server) subjectAccess(c echo.Context) error {
	format := "json"
	switch p := c.Path(); {
	case strings.HasSuffix(p, ".pdf"):
		format = "pdf"
	case strings.HasSuffix(p, ".html"):
		format = "html"
	}
	ctx := c.Request().Context()
	a := actor(c)
	out, err := s.app.SubjectAccess(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if format == "json" {
		return c.JSON(http.StatusOK, out)
	}
	site, err := s.app.Site(ctx, a.Site)
	if err != nil {
		return err
	}
	rec, err := subjectAccessRecord(out, site)
	if err != nil {
		return err
	}
	if format == "pdf" {
		b, err := letters.RecordPDF(rec)
		if err != nil {
			return fmt.Errorf("subject access PDF: %w", err)
		}
		c.Response().Header().Set("Content-Disposition", `inline; filename="subject-access.pdf"`)
		return c.Blob(http.StatusOK, "application/pdf", b)
	}
	css, _ := s.static.url("govuk.css")
	b, err := letters.RecordHTML(rec, letters.HTMLOptions{StylesheetURL: css})
	if err != nil {
		return fmt.Errorf("subject access HTML: %w", err)
	}
	return c.HTMLBlob(http.StatusOK, b)
}

// subjectAccessSections are the record's parts, in the order the person
// reads them, with what each is.
var subjectAccessSections = []struct{ key, heading, intro string }{
	{"screening", "Your screening", "What was recorded when you were screened, as it was submitted, and what Kith made of it: how lonely or isolated the answers suggest you are, whether a safeguarding concern was needed, and the support suggested."},
	{"referrals", "Referrals", "Each referral to a community service: where it was sent, every step it went through and who took it, notes, attempts to contact you, and the outcome."},
	{"concerns", "Safeguarding concerns", "A safeguarding concern sent to the council's adult safeguarding team, and what the council reported back."},
	{"audit", "Who has looked at or changed this record", "Every time someone opened, changed or exported this record: when, who (by their role and account), and what they did."},
}

// subjectAccessRecord lays out the subject access data for the PDF and
// HTML: every field the JSON holds, in the order it holds them, labelled in
// words. Nothing is picked out, so nothing can be left out.
func subjectAccessRecord(data any, site kith.Site) (letters.Record, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return letters.Record{}, err
	}
	root, err := parseOrdered(raw)
	if err != nil {
		return letters.Record{}, err
	}
	colour := site.Settings.Colour
	if colour == "" {
		colour = "#1d70b8"
	}
	rec := letters.Record{Site: letters.Site{Name: site.Name, Colour: colour}, Date: time.Now()}
	if t, err := time.Parse(time.RFC3339Nano, root.get("generated_at").str()); err == nil {
		rec.Date = t
	}
	rec.Reference = root.get("screening_id").str()
	if p := root.get("screening").get("as_submitted").get("person"); p != nil {
		rec.Person = letters.Person{Name: p.get("name").str(), NameLatin: p.get("name_latin").str()}
	}
	for _, part := range subjectAccessSections {
		sec := letters.RecordSection{Heading: part.heading, Intro: part.intro}
		v := root.get(part.key)
		switch {
		case v == nil:
		case part.key == "audit":
			sec.Groups = auditGroups(v)
		case v.kind == '[':
			for i, item := range v.arr {
				heading := fmt.Sprintf("%s %d of %d", strings.TrimSuffix(part.heading, "s"), i+1, len(v.arr))
				sec.Groups = append(sec.Groups, groupFields(heading, flatten(item, nil, nil))...)
			}
		default:
			sec.Groups = groupFields("", flatten(v, nil, nil))
		}
		rec.Sections = append(rec.Sections, sec)
	}
	return rec, nil
}

// auditGroups lists audit entries one to a field, labelled with the time:
// there may be many, and each is short.
func auditGroups(v *orderedJSON) []letters.RecordGroup {
	var g letters.RecordGroup
	for _, item := range v.arr {
		f := letters.RecordField{Label: scalarWords(item.get("at"))}
		var lines []string
		for _, kv := range item.obj {
			if w := scalarWords(kv.val); kv.key != "at" && w != "" {
				lines = append(lines, label(kv.key)+" "+w)
			}
		}
		f.Value = strings.Join(lines, "; ")
		g.Fields = append(g.Fields, f)
	}
	if len(g.Fields) == 0 {
		return nil
	}
	return []letters.RecordGroup{g}
}

// pathField is a value with where it sits: the labels of the objects and
// list items around it, and its own.
type pathField struct {
	path        []string
	leaf, value string
}

// groupFields makes a group of each run of fields that sit in the same
// place, headed by where that is.
func groupFields(heading string, fs []pathField) []letters.RecordGroup {
	var out []letters.RecordGroup
	last := "\x00"
	for _, f := range fs {
		where := strings.Join(f.path, ": ")
		if where != last {
			h := heading
			if where != "" {
				h = join(heading, where)
			}
			out = append(out, letters.RecordGroup{Heading: h})
			last = where
		}
		g := &out[len(out)-1]
		g.Fields = append(g.Fields, letters.RecordField{Label: f.leaf, Value: f.value})
	}
	return out
}

// flatten turns a JSON value into placed fields: objects and numbered list
// items make the path, lists of plain values one field. Empty values are
// left out.
func flatten(v *orderedJSON, path []string, out []pathField) []pathField {
	if v.kind != '{' {
		return out
	}
	for _, kv := range v.obj {
		l := label(kv.key)
		switch val := kv.val; val.kind {
		case '{':
			out = flatten(val, append(slices.Clip(path), l), out)
		case '[':
			var values []string
			for _, item := range val.arr {
				if item.kind == '{' || item.kind == '[' {
					continue
				}
				if s := scalarWords(item); s != "" {
					values = append(values, s)
				}
			}
			if len(values) > 0 {
				out = append(out, pathField{path: path, leaf: l, value: strings.Join(values, "\n")})
			}
			if kv.key == "indicators" {
				if words := indicatorWording(val); words != "" {
					out = append(out, pathField{path: path, leaf: l + " (what was noticed)", value: words})
				}
			}
			for i, item := range val.arr {
				if item.kind == '{' {
					out = flatten(item, append(slices.Clip(path), fmt.Sprintf("%s %d", l, i+1)), out)
				}
			}
		default:
			if s := scalarWords(val); s != "" {
				out = append(out, pathField{path: path, leaf: l, value: s})
			}
		}
	}
	return out
}

// indicatorWording says what indicator codes mean, in the words the
// visitor was shown.
func indicatorWording(codes *orderedJSON) string {
	var words []string
	for _, c := range codes.arr {
		if ind, ok := screening.IndicatorByCode(c.scalar); ok {
			words = append(words, ind.Wording)
		}
	}
	return strings.Join(words, "\n")
}

func join(prefix, l string) string {
	if prefix == "" {
		return l
	}
	return prefix + ": " + l
}

// label turns a JSON key into words: "safe_contact" is "Safe contact".
func label(key string) string {
	words := strings.Fields(strings.ReplaceAll(key, "_", " "))
	for i, w := range words {
		switch w {
		case "id", "ip", "fhir", "url", "gp", "nhs":
			words[i] = strings.ToUpper(w)
		case "msp":
			words[i] = "MSP"
		case "s42":
			words[i] = "s.42"
		}
	}
	s := strings.Join(words, " ")
	if s == "" {
		return key
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// scalarWords writes a JSON scalar in words: yes and no for booleans,
// dates and times in UK time, "" for null.
func scalarWords(v *orderedJSON) string {
	switch v.kind {
	case 't':
		return "Yes"
	case 'f':
		return "No"
	case 'n', '{', '[':
		return ""
	case '"':
		if t, err := time.Parse(time.RFC3339Nano, v.scalar); err == nil && len(v.scalar) >= 20 {
			return t.In(kith.London).Format("2 January 2006, 15:04")
		}
		return v.scalar
	}
	return v.scalar // a number, as written
}

// orderedJSON is a decoded JSON value that keeps its keys in order, so the
// record reads in the order the data is written.
type orderedJSON struct {
	kind   byte // '{', '[', '"', '0' (number), 't', 'f', 'n'
	obj    []orderedKV
	arr    []*orderedJSON
	scalar string
}

type orderedKV struct {
	key string
	val *orderedJSON
}

func (o *orderedJSON) get(key string) *orderedJSON {
	if o == nil {
		return nil
	}
	for _, kv := range o.obj {
		if kv.key == key {
			return kv.val
		}
	}
	return nil
}

// str is a string value, or "" when there is none.
func (o *orderedJSON) str() string {
	if o == nil {
		return ""
	}
	return o.scalar
}

func parseOrdered(b []byte) (*orderedJSON, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after JSON value")
	}
	return v, nil
}

func decodeOrdered(dec *json.Decoder) (*orderedJSON, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v := &orderedJSON{kind: '{'}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				val, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				v.obj = append(v.obj, orderedKV{key: k.(string), val: val})
			}
			_, err := dec.Token() // }
			return v, err
		case '[':
			v := &orderedJSON{kind: '['}
			for dec.More() {
				val, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, val)
			}
			_, err := dec.Token() // ]
			return v, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		return &orderedJSON{kind: '"', scalar: t}, nil
	case json.Number:
		return &orderedJSON{kind: '0', scalar: t.String()}, nil
	case bool:
		if t {
			return &orderedJSON{kind: 't'}, nil
		}
		return &orderedJSON{kind: 'f'}, nil
	default:
		return &orderedJSON{kind: 'n'}, nil
	}
}
