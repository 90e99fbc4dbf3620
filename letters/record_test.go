package letters

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kith-project/kith"
)

func sampleRecord() Record {
	return Record{
		Site: site, Date: letterDate, Reference: "01a2-screening",
		Person: Person{Name: "عائشہ خان", NameLatin: "Ayesha Khan"},
		Sections: []RecordSection{
			{Heading: "Your screening", Intro: "What was recorded.", Groups: []RecordGroup{
				{Heading: "As submitted: Person", Fields: []RecordField{{Label: "Name", Value: "عائشہ خان"}, {Label: "Address", Value: "12 Elm Grove\nLeeds"}}},
				{Heading: "Result", Fields: []RecordField{{Label: "Loneliness", Value: "lonely"}, {Label: "Empty", Value: " "}}},
			}},
			{Heading: "Referrals"},
		},
	}
}

func TestRecord(t *testing.T) {
	r := sampleRecord()
	pdf, err := RecordPDF(r)
	if err != nil {
		t.Fatal(err)
	}
	text := flat(pdfText(t, pdf))
	// The PDF cannot print the Urdu name, so it prints the Latin form;
	// free text in Arabic script becomes a note pointing to the HTML.
	for _, want := range []string{"The information we hold", "Ayesha Khan", "Your screening", "As submitted: Person", "12 Elm Grove Leeds", "lonely", "Referrals None held."} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Empty") {
		t.Error("an empty field is listed")
	}
	page, err := RecordHTML(r, HTMLOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h1>The information we hold</h1>", "<h2>Your screening</h2>", "<h3>As submitted: Person</h3>", "عائشہ خان", "Ayesha Khan"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	again, _ := RecordPDF(r)
	if !bytes.Equal(pdf, again) {
		t.Error("the same record gave different bytes")
	}
	r.Site.Colour, r.Reference, r.Sections[1].Heading = "blue", "", ""
	_, err = RecordPDF(r)
	fields := map[string]bool{}
	for _, f := range kith.FieldErrors(err) {
		fields[f.Field] = true
	}
	for _, want := range []string{"site.colour", "reference", "sections[1].heading"} {
		if !fields[want] {
			t.Errorf("no error for %s: %v", want, err)
		}
	}
}
