package person

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kith-project/kith"
)

var today = Date{2026, time.December, 3}

func TestNormalizeNHSNumber(t *testing.T) {
	tests := []struct {
		in, want, problem string
	}{
		{"9434765919", "9434765919", ""},
		{"943 476 5919", "9434765919", ""},
		{"943-476-5919", "9434765919", ""},
		{"4010232137", "4010232137", ""},
		{"9434765918", "", "is not a valid NHS number: a digit may be mistyped"},
		{"9434765991", "", "is not a valid NHS number: a digit may be mistyped"}, // two digits swapped
		{"4010232138", "", "is not a valid NHS number: a digit may be mistyped"},
		// 1000000001: the remainder makes the check digit 10, never issued.
		{"1000000010", "", "is not a valid NHS number: a digit may be mistyped"},
		{"2222222222", "", "is not a real NHS number: check it on the person's NHS letter or app"},
		{"0000000000", "", "is not a real NHS number: check it on the person's NHS letter or app"},
		{"943476591", "", "must be 10 digits, like 943 476 5919"},
		{"94347659190", "", "must be 10 digits, like 943 476 5919"},
		{"943476591X", "", "must be 10 digits, like 943 476 5919"},
		{"", "", "must be 10 digits, like 943 476 5919"},
	}
	for _, tt := range tests {
		got, problem := NormalizeNHSNumber(tt.in)
		if got != tt.want || problem != tt.problem {
			t.Errorf("NormalizeNHSNumber(%q) = %q, %q; want %q, %q", tt.in, got, problem, tt.want, tt.problem)
		}
	}
	if got := FormatNHSNumber("9434765919"); got != "943 476 5919" {
		t.Errorf("FormatNHSNumber = %q", got)
	}
}

// A check digit that works out at 10 is never issued: find such a number
// by the rule and make sure it is refused whatever its last digit.
func TestNHSNumberCheckDigitTen(t *testing.T) {
	// 000000001x: sum 1*2 = 2, 11-2 = 9; 000000006x: 6*2 = 12, rem 1,
	// check 10.
	for last := '0'; last <= '9'; last++ {
		if got, _ := NormalizeNHSNumber("000000006" + string(last)); got != "" {
			t.Errorf("000000006%c accepted; a check digit of 10 is never valid", last)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"0113 496 0123", "0113 496 0123", true},
		{"01134960123", "0113 496 0123", true},
		{"+44 113 496 0123", "0113 496 0123", true},
		{"+44 (0)113 496 0123", "0113 496 0123", true},
		{"0044 113 496 0123", "0113 496 0123", true},
		{"(0113) 496-0123", "0113 496 0123", true},
		{"0161 496 0000", "0161 496 0000", true},
		{"020 7946 0000", "020 7946 0000", true},
		{"02079460000", "020 7946 0000", true},
		{"07700 900123", "07700 900123", true},
		{"+447700900123", "07700 900123", true},
		{"07700.900.123", "07700 900123", true},
		{"01632 960000", "01632 960000", true},
		{"0300 123 4567", "0300 123 4567", true},
		{"0800 123456", "0800 123456", true},
		{"016977 4321", "016977 4321", true},
		{"+33 1 23 45 67 89", "", false},
		{"0770090012", "", false},   // a mobile a digit short
		{"077009001234", "", false}, // a digit over
		{"0400 123 4567", "", false},
		{"1134960123", "", false},
		{"0113 496 012a", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, problem := NormalizePhone(tt.in)
		if got != tt.want || (problem == "") != tt.ok {
			t.Errorf("NormalizePhone(%q) = %q, %q; want %q, ok %v", tt.in, got, problem, tt.want, tt.ok)
		}
	}
}

func adult() Person {
	return Person{
		ID: "p1", Site: "north",
		Name:      "  Zoë   Müller ",
		BirthDate: Date{1948, time.March, 7},
		NHSNumber: "943 476 5919",
		Address:   Address{Lines: []string{"Flat 3, Rosewood Court", " 14 Cardigan Road "}, Town: "Leeds", Postcode: "ls6 1lf", UPRN: "72 1234 5678"},
		Phone:     "+44 113 496 0123",
		Languages: []string{"de", "en"},
		Needs:     Needs{Formats: []string{"easy_read"}, Interpreter: "de", Contact: []string{"letter", "phone"}},
		Characteristics: Characteristics{
			Gender: "female", Ethnicity: "white_other", PrimarySupportReason: "social_isolation_other",
		},
	}
}

func TestNormalizeTidies(t *testing.T) {
	got, err := adult().Normalize(today)
	if err != nil {
		t.Fatal(err)
	}
	want := adult()
	want.Name = "Zoë Müller"
	want.NHSNumber = "9434765919"
	want.Address = Address{Lines: []string{"Flat 3, Rosewood Court", "14 Cardigan Road"}, Town: "Leeds", Postcode: "LS6 1LF", UPRN: "7212345678"}
	want.Phone = "0113 496 0123"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Normalize (-want +got):\n%s", diff)
	}
	// A name typed as e plus a combining diaeresis is stored as ë.
	p := adult()
	p.Name = "Zoe\u0308 Mu\u0308ller"
	if got, _ := p.Normalize(today); got.Name != "Zoë Müller" {
		t.Errorf("NFC: got %q", got.Name)
	}
}

func TestNormalizeNamesEveryFieldInPlainWords(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Person)
		want   []kith.FieldError
	}{
		{"no name", func(p *Person) { p.Name = "  " }, []kith.FieldError{{Field: "name", Message: "is required"}}},
		{"long name", func(p *Person) { p.Name = strings.Repeat("a", 201) }, []kith.FieldError{{Field: "name", Message: "must be at most 200 characters"}}},
		{"latin name in Arabic", func(p *Person) { p.Name, p.NameLatin = "فاطمة", "فاطمة" },
			[]kith.FieldError{{Field: "name_latin", Message: "must be written in Latin letters (A to Z, with accents if needed)"}}},
		{"birth date in future", func(p *Person) { p.BirthDate = Date{2027, 1, 1} }, []kith.FieldError{{Field: "birth_date", Message: "cannot be in the future"}}},
		{"birth date too old", func(p *Person) { p.BirthDate = Date{1890, 1, 1} }, []kith.FieldError{{Field: "birth_date", Message: "makes the person over 120: check the year"}}},
		{"both birth date and age", func(p *Person) { p.AgeGiven = 70 }, []kith.FieldError{{Field: "age", Message: "give a date of birth or an age, not both"}}},
		{"age out of range", func(p *Person) { p.BirthDate, p.AgeGiven = Date{}, 130 }, []kith.FieldError{{Field: "age", Message: "must be a whole number of years from 0 to 120"}}},
		{"negative age", func(p *Person) { p.BirthDate, p.AgeGiven = Date{}, -3 }, []kith.FieldError{{Field: "age", Message: "must be a whole number of years from 0 to 120"}}},
		{"age given in future", func(p *Person) { p.BirthDate, p.AgeGiven, p.AgeGivenOn = Date{}, 80, Date{2027, 1, 1} },
			[]kith.FieldError{{Field: "age_given_on", Message: "cannot be in the future"}}},
		{"bad NHS number", func(p *Person) { p.NHSNumber = "943 476 5918" }, []kith.FieldError{{Field: "nhs_number", Message: "is not a valid NHS number: a digit may be mistyped"}}},
		{"bad postcode", func(p *Person) { p.Address.Postcode = "LS6 1L" }, []kith.FieldError{{Field: "address.postcode", Message: "must be a UK postcode, like LS1 4AP"}}},
		{"street without postcode", func(p *Person) { p.Address.Postcode = "" }, []kith.FieldError{{Field: "address.postcode", Message: "is needed with the street address, for letters to arrive"}}},
		{"street without town", func(p *Person) { p.Address.Town = " " }, []kith.FieldError{{Field: "address.town", Message: "is needed with the street address, for letters to arrive"}}},
		{"town without street", func(p *Person) { p.Address.Lines = []string{"", " "} }, []kith.FieldError{{Field: "address.lines", Message: "need at least the house and street, with the town"}}},
		{"five lines", func(p *Person) { p.Address.Lines = []string{"a", "b", "c", "d", "e"} }, []kith.FieldError{{Field: "address.lines", Message: "can have at most 4 lines before the town"}}},
		{"control character in a line", func(p *Person) { p.Address.Lines[0] = "Flat 3\u0007" }, []kith.FieldError{{Field: "address.lines[0]", Message: "has a character that cannot be printed"}}},
		{"UPRN too long", func(p *Person) { p.Address.UPRN = "1234567890123" }, []kith.FieldError{{Field: "address.uprn", Message: "must be the property's UPRN: up to 12 digits, not starting with 0"}}},
		{"UPRN with letters", func(p *Person) { p.Address.UPRN = "12AB" }, []kith.FieldError{{Field: "address.uprn", Message: "must be the property's UPRN: up to 12 digits, not starting with 0"}}},
		{"UPRN leading zero", func(p *Person) { p.Address.UPRN = "0123" }, []kith.FieldError{{Field: "address.uprn", Message: "must be the property's UPRN: up to 12 digits, not starting with 0"}}},
		{"bad phone", func(p *Person) { p.Phone = "12345" }, []kith.FieldError{{Field: "phone", Message: "must be a UK number of 10 or 11 digits starting with 0, like 0113 496 0123"}}},
		{"unknown language", func(p *Person) { p.Languages = []string{"en", "klingon"} }, []kith.FieldError{{Field: "languages[1]", Message: "is not a language Kith lists: choose one from the list"}}},
		{"unknown format", func(p *Person) { p.Needs.Formats = []string{"large_print"} }, []kith.FieldError{{Field: "needs.formats[0]", Message: "is not an information format Kith lists"}}},
		{"unknown support", func(p *Person) { p.Needs.Support = []string{"telepathy"} }, []kith.FieldError{{Field: "needs.support[0]", Message: "is not a kind of communication support Kith lists"}}},
		{"unknown contact", func(p *Person) { p.Needs.Contact = []string{"letter", "pigeon"} }, []kith.FieldError{{Field: "needs.contact[1]", Message: "is not a contact method Kith lists"}}},
		{"unknown interpreter", func(p *Person) { p.Needs.Interpreter = "zz" }, []kith.FieldError{{Field: "needs.interpreter", Message: "is not a language Kith lists: choose one from the list"}}},
		{"English interpreter", func(p *Person) { p.Needs.Interpreter = "en" }, []kith.FieldError{{Field: "needs.interpreter", Message: "is English: letters and calls are already in English"}}},
		{"unknown gender", func(p *Person) { p.Characteristics.Gender = "m" }, []kith.FieldError{{Field: "characteristics.gender", Message: "is not one of the national categories: choose one from the list"}}},
		{"unknown ethnicity", func(p *Person) { p.Characteristics.Ethnicity = "A" }, []kith.FieldError{{Field: "characteristics.ethnicity", Message: "is not one of the national categories: choose one from the list"}}},
		{"unknown support reason", func(p *Person) { p.Characteristics.PrimarySupportReason = "loneliness" },
			[]kith.FieldError{{Field: "characteristics.primary_support_reason", Message: "is not one of the national categories: choose one from the list"}}},
		{"several at once", func(p *Person) { p.Name, p.Phone, p.Address.Postcode = "", "x", "nope" }, []kith.FieldError{
			{Field: "name", Message: "is required"},
			{Field: "address.postcode", Message: "must be a UK postcode, like LS1 4AP"},
			{Field: "phone", Message: "must be a phone number: digits, with spaces if you like"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := adult()
			tt.change(&p)
			_, err := p.Normalize(today)
			if kith.ErrorCode(err) != kith.EINVALID {
				t.Fatalf("err = %v, want invalid", err)
			}
			if diff := cmp.Diff(tt.want, kith.FieldErrors(err)); diff != "" {
				t.Errorf("field errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNormalizeOptionalParts(t *testing.T) {
	// A visitor may know only a name and a postcode.
	p := Person{Name: "Ada Example", Address: Address{Postcode: "ls1 4ap"}}
	got, err := p.Normalize(today)
	if err != nil {
		t.Fatal(err)
	}
	if got.Address.Postcode != "LS1 4AP" || got.Address.Postal() != nil {
		t.Errorf("got %+v, postal %v", got.Address, got.Address.Postal())
	}
	// Repeated and blank codes are dropped, order kept.
	p.Languages = []string{"ur", "", "en", "ur"}
	if got, _ := p.Normalize(today); !cmp.Equal(got.Languages, []string{"ur", "en"}) {
		t.Errorf("languages = %v", got.Languages)
	}
	// An age with no date is taken as given today.
	p.AgeGiven = 81
	if got, _ := p.Normalize(today); got.AgeGivenOn != today {
		t.Errorf("age given on = %v, want today", got.AgeGivenOn)
	}
}

func TestPostal(t *testing.T) {
	got, _ := adult().Normalize(today)
	want := []string{"Flat 3, Rosewood Court", "14 Cardigan Road", "Leeds", "LS6 1LF"}
	if !cmp.Equal(got.Address.Postal(), want) {
		t.Errorf("Postal() = %v", got.Address.Postal())
	}
}

func TestAgeOnAndBand(t *testing.T) {
	tests := []struct {
		name      string
		p         Person
		on        Date
		want      Age
		band      string
		bandIsSet bool
	}{
		{"the day before a birthday", Person{BirthDate: Date{1951, 12, 4}}, today, Age{74, true, true}, Band65To74, true},
		{"on a birthday", Person{BirthDate: Date{1951, 12, 3}}, today, Age{75, true, true}, Band75To84, true},
		{"29 February in a common year: counted from 1 March", Person{BirthDate: Date{1944, 2, 29}}, Date{2025, 2, 28}, Age{80, true, true}, Band75To84, true},
		{"29 February, on 1 March", Person{BirthDate: Date{1944, 2, 29}}, Date{2025, 3, 1}, Age{81, true, true}, Band75To84, true},
		{"29 February in a leap year", Person{BirthDate: Date{1944, 2, 29}}, Date{2024, 2, 29}, Age{80, true, true}, Band75To84, true},
		{"young adult", Person{BirthDate: Date{2008, 12, 3}}, today, Age{18, true, true}, Band18To64, true},
		{"a child", Person{BirthDate: Date{2010, 1, 1}}, today, Age{16, true, true}, BandUnder18, true},
		{"95 and over", Person{BirthDate: Date{1930, 1, 1}}, today, Age{96, true, true}, Band95Plus, true},
		{"age given today", Person{AgeGiven: 80, AgeGivenOn: today}, today, Age{80, true, false}, Band75To84, true},
		{"age given two years ago", Person{AgeGiven: 80, AgeGivenOn: Date{2024, 6, 1}}, today, Age{82, true, false}, Band75To84, true},
		{"estimated age at a band boundary", Person{AgeGiven: 84, AgeGivenOn: Date{2026, 1, 1}}, today, Age{84, true, false}, Band75To84, false},
		{"an age asked about a date before it was given", Person{AgeGiven: 70, AgeGivenOn: today}, Date{2026, 1, 1}, Age{70, true, false}, Band65To74, true},
		{"nothing known", Person{}, today, Age{}, BandNotKnown, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.AgeOn(tt.on); got != tt.want {
				t.Errorf("AgeOn = %+v, want %+v", got, tt.want)
			}
			band, sure := tt.p.Band(tt.on)
			if band != tt.band || sure != tt.bandIsSet {
				t.Errorf("Band = %s, %v; want %s, %v", band, sure, tt.band, tt.bandIsSet)
			}
			if AgeBandLabels[band] == "" {
				t.Errorf("band %s has no label", band)
			}
		})
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("1948-03-07")
	if err != nil || d != (Date{1948, 3, 7}) || d.String() != "1948-03-07" {
		t.Fatalf("ParseDate = %v, %v", d, err)
	}
	for _, bad := range []string{"1948-02-30", "07/03/1948", "", "1948-3-7"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	var u Date
	if err := u.UnmarshalText([]byte("2001-09-11")); err != nil || u != (Date{2001, 9, 11}) {
		t.Errorf("UnmarshalText = %v, %v", u, err)
	}
	if err := u.UnmarshalText(nil); err != nil || !u.IsZero() {
		t.Errorf("UnmarshalText(empty) = %v, %v", u, err)
	}
	if err := u.UnmarshalText([]byte("soon")); err == nil {
		t.Error("UnmarshalText(soon) accepted")
	}
	if b, _ := (Date{}).MarshalText(); len(b) != 0 {
		t.Errorf("zero date marshals as %q", b)
	}
	if !(Date{2026, 1, 31}).Before(Date{2026, 2, 1}) || (Date{2026, 2, 1}).Before(Date{2026, 2, 1}) {
		t.Error("Before is wrong")
	}
	if DateOf(time.Date(2026, 12, 3, 23, 59, 0, 0, time.UTC)) != today {
		t.Error("DateOf is wrong")
	}
}
