package person

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func held(id, name, dob, pc, nhs string) Person {
	p := Person{ID: id, Site: "north", Name: name, NHSNumber: nhs, Address: Address{Postcode: pc}}
	if dob != "" {
		p.BirthDate, _ = ParseDate(dob)
	}
	return p
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name    string
		a, b    Person
		want    Outcome
		because string
	}{
		// The NHS number decides, either way.
		{"same NHS number, all else different", held("", "Ada Example", "1940-01-01", "LS1 4AP", "9434765919"), held("x", "A. Smith", "1950-05-05", "M1 1AA", "9434765919"), Exact, "Same NHS number."},
		{"different NHS numbers, all else the same", held("", "Ada Example", "1940-01-01", "LS1 4AP", "9434765919"), held("x", "Ada Example", "1940-01-01", "LS1 4AP", "4010232137"), None, "Different NHS numbers"},
		{"one NHS number only: falls to the other details", held("", "Ada Example", "1940-01-01", "LS1 4AP", "9434765919"), held("x", "Ada Example", "1940-01-01", "LS1 4AP", ""), Likely, "names are alike (the same"},

		// The brief's example: one name, one postcode, different birth dates.
		{"same name and postcode, different birth dates", held("", "John Smith", "1941-02-03", "LS6 1LF", ""), held("x", "John Smith", "1969-07-21", "LS6 1LF", ""), None, "Different dates of birth."},
		{"same name and postcode, no birth date on one", held("", "John Smith", "", "LS6 1LF", ""), held("x", "John Smith", "1969-07-21", "LS6 1LF", ""), None, "No date of birth to compare"},
		{"same name and birth date, different postcodes", held("", "John Smith", "1941-02-03", "LS6 1LF", ""), held("x", "John Smith", "1941-02-03", "LS6 2AA", ""), None, "Different postcodes."},
		{"no postcode on one", held("", "John Smith", "1941-02-03", "", ""), held("x", "John Smith", "1941-02-03", "LS6 2AA", ""), None, "No postcode to compare."},
		// Twins: one birth date, one home, different given names.
		{"twins", held("", "James Smith", "1941-02-03", "LS6 1LF", ""), held("x", "John Smith", "1941-02-03", "LS6 1LF", ""), None, "the names differ"},
		{"twin sisters with alike-looking names", held("", "Mary Jones", "1950-01-01", "LS6 1LF", ""), held("x", "Mira Jones", "1950-01-01", "LS6 1LF", ""), None, "the names differ"},
		{"spouses share a family name", held("", "Peter Okafor", "1950-01-01", "LS6 1LF", ""), held("x", "Grace Okafor", "1950-01-01", "LS6 1LF", ""), None, "the names differ"},
		{"same given name, different family", held("", "Ann Lee", "1950-01-01", "LS6 1LF", ""), held("x", "Ann Leonard", "1950-01-01", "LS6 1LF", ""), None, "the names differ"},

		// Spelling allowed for when the other three agree.
		{"case, accents and spaces", held("", "ZOË  MÜLLER", "1948-03-07", "LS6 1LF", ""), held("x", "Zoe Muller", "1948-03-07", "LS6 1LF", ""), Likely, "the same once case"},
		{"a title", held("", "Mrs Ada Example", "1948-03-07", "LS6 1LF", ""), held("x", "Ada Example", "1948-03-07", "LS6 1LF", ""), Likely, "the same once case"},
		{"an apostrophe", held("", "Sean O'Brien", "1948-03-07", "LS6 1LF", ""), held("x", "Sean OBrien", "1948-03-07", "LS6 1LF", ""), Likely, "the same once case"},
		{"family name first", held("", "Nguyen Thi Lan", "1948-03-07", "LS6 1LF", ""), held("x", "Lan Thi Nguyen", "1948-03-07", "LS6 1LF", ""), Likely, "different order"},
		{"Mueller and Müller", held("", "Zoe Mueller", "1948-03-07", "LS6 1LF", ""), held("x", "Zoë Müller", "1948-03-07", "LS6 1LF", ""), Likely, "spelled differently but alike"},
		{"Mohammed and Muhammad", held("", "Mohammed Khan", "1948-03-07", "LS6 1LF", ""), held("x", "Muhammad Khan", "1948-03-07", "LS6 1LF", ""), Likely, "spelled differently but alike"},
		{"Catherine and Kathryn", held("", "Catherine Walsh", "1948-03-07", "LS6 1LF", ""), held("x", "Kathryn Walsh", "1948-03-07", "LS6 1LF", ""), Likely, "spelled differently but alike"},
		{"Wiśniewska and Wisniewska", held("", "Łucja Wiśniewska", "1948-03-07", "LS6 1LF", ""), held("x", "Lucja Wisniewska", "1948-03-07", "LS6 1LF", ""), Likely, "the same once case"},
		{"a typing slip in the family name", held("", "Margaret Thompson", "1948-03-07", "LS6 1LF", ""), held("x", "Margaret Thomspon", "1948-03-07", "LS6 1LF", ""), Likely, "spelled differently but alike"},
		{"an initial", held("", "M Thompson", "1948-03-07", "LS6 1LF", ""), held("x", "Margaret Thompson", "1948-03-07", "LS6 1LF", ""), Likely, "only the first initial"},
		{"a wrong initial", held("", "J Thompson", "1948-03-07", "LS6 1LF", ""), held("x", "Margaret Thompson", "1948-03-07", "LS6 1LF", ""), None, "the names differ"},
		{"a middle name on one", held("", "Ada Mary Example", "1948-03-07", "LS6 1LF", ""), held("x", "Ada Example", "1948-03-07", "LS6 1LF", ""), Likely, "the same once case"},
		{"a family name alone is not enough", held("", "Mrs Example", "1948-03-07", "LS6 1LF", ""), held("x", "Ada Example", "1948-03-07", "LS6 1LF", ""), None, "the names differ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := Compare(tt.a, tt.b)
			if got != tt.want || !strings.Contains(why, tt.because) {
				t.Errorf("Compare = %s, %q; want %s, containing %q", got, why, tt.want, tt.because)
			}
			// The rule is symmetric.
			if back, _ := Compare(tt.b, tt.a); back != got {
				t.Errorf("Compare(b, a) = %s, Compare(a, b) = %s", back, got)
			}
		})
	}
}

func TestCompareUsesTheLatinSpelling(t *testing.T) {
	a := held("", "فاطمة أحمد", "1950-01-01", "B9 4AA", "")
	a.NameLatin = "Fatima Ahmed"
	b := held("x", "Fatimah Ahmed", "1950-01-01", "B9 4AA", "")
	if got, why := Compare(a, b); got != Likely {
		t.Errorf("Compare = %s, %q; want likely through the Latin spelling", got, why)
	}
	// Both in Arabic script, the same.
	c := held("y", "فاطمة أحمد", "1950-01-01", "B9 4AA", "")
	if got, _ := Compare(a, c); got != Likely {
		t.Errorf("Compare in Arabic script = %s, want likely", got)
	}
}

// Reasons go into the audit trail and in front of a navigator: they never
// quote the details they compare.
func TestReasonsNeverQuoteDetails(t *testing.T) {
	a := held("", "Zoë Müller", "1948-03-07", "LS6 1LF", "9434765919")
	for _, b := range []Person{
		held("x", "Zoe Mueller", "1948-03-07", "LS6 1LF", ""),
		held("x", "Zoe Mueller", "1948-03-08", "LS6 1LF", "4010232137"),
		held("x", "Zoë Müller", "1948-03-07", "LS6 1LF", "9434765919"),
	} {
		a2 := a
		if b.NHSNumber == "" {
			a2.NHSNumber = ""
		}
		_, why := Compare(a2, b)
		for _, detail := range []string{"Zo", "ller", "1948", "LS6", "943", "401"} {
			if strings.Contains(why, detail) {
				t.Errorf("reason %q quotes %q", why, detail)
			}
		}
	}
}

func TestFind(t *testing.T) {
	p := held("", "Ada Example", "1940-01-01", "LS1 4AP", "")
	people := []Person{
		held("a", "Ada Example", "1940-01-01", "LS1 4AP", ""),
		held("b", "Ada Exampel", "1940-01-01", "LS1 4AP", ""),
		held("c", "Ada Example", "1941-01-01", "LS1 4AP", ""),
	}
	got := Find(p, people)
	if got.Outcome != Likely || len(got.Matches) != 2 || got.Matches[0].PersonID != "a" || got.Matches[1].PersonID != "b" {
		t.Errorf("Find = %+v, want likely a and b", got)
	}
	// An exact match wins over likely ones.
	p.NHSNumber = "9434765919"
	people = append(people, held("d", "A Smith", "1990-01-01", "M1 1AA", "9434765919"))
	got = Find(p, people)
	want := Result{Outcome: Exact, Matches: []Match{{PersonID: "d", Outcome: Exact, Reason: "Same NHS number."}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Find (-want +got):\n%s", diff)
	}
	if got := Find(held("", "Nobody Else", "1930-01-01", "LS1 4AP", ""), people); got.Outcome != None || got.Matches != nil {
		t.Errorf("Find = %+v, want none", got)
	}
	// Another site's person is never a match, NHS number or not.
	p.Site = "south"
	if got := Find(p, people); got.Outcome != None {
		t.Errorf("Find across sites = %+v, want none", got)
	}
	p.Site = "north"
	// A saved person matched again is not their own match.
	saved := people[0]
	if got := Find(saved, people[:1]); got.Outcome != None {
		t.Errorf("Find of a person against themselves = %+v, want none", got)
	}
	if got := Find(p, nil); got.Outcome != None {
		t.Errorf("Find with nobody held = %+v", got)
	}
}

func TestNameTokens(t *testing.T) {
	tests := map[string][]string{
		"Mrs Zoë  Müller-Schmidt": {"zoe", "muller", "schmidt"},
		"DR. SEAN O’BRIEN":        {"sean", "obrien"},
		"Jürgen Großmann":         {"jurgen", "grossmann"},
		"Søren Kierkegaard":       {"soren", "kierkegaard"},
		"Łucja Wiśniewska":        {"lucja", "wisniewska"},
		"":                        nil,
		"Mr":                      nil,
	}
	for in, want := range tests {
		if got := NameTokens(in); !cmp.Equal(got, want) {
			t.Errorf("NameTokens(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestJaroWinkler(t *testing.T) {
	// Published values for the classic pairs (Winkler 1990).
	tests := []struct {
		a, b string
		want float64
	}{
		{"martha", "marhta", 0.961},
		{"dwayne", "duane", 0.840},
		{"dixon", "dicksonx", 0.813},
		{"same", "same", 1},
		{"abc", "xyz", 0},
		{"", "", 1},
		{"a", "", 0},
	}
	for _, tt := range tests {
		got := JaroWinkler(tt.a, tt.b)
		if d := got - tt.want; d > 0.001 || d < -0.001 {
			t.Errorf("JaroWinkler(%q, %q) = %.3f, want %.3f", tt.a, tt.b, got, tt.want)
		}
	}
}

func FuzzCompare(f *testing.F) {
	f.Add("Zoë Müller", "Zoe Mueller", "LS6 1LF", "LS6 1LF")
	f.Add("", "x", "", "")
	f.Add("Mr", "M", "A", "A")
	f.Fuzz(func(t *testing.T, n1, n2, pc1, pc2 string) {
		d := Date{1950, time.January, 1}
		a := Person{Name: n1, BirthDate: d, Address: Address{Postcode: pc1}}
		b := Person{ID: "x", Name: n2, BirthDate: d, Address: Address{Postcode: pc2}}
		got, why := Compare(a, b)
		if back, _ := Compare(b, a); back != got {
			t.Fatalf("not symmetric: %q %q", n1, n2)
		}
		if why == "" {
			t.Fatal("no reason given")
		}
		if got == Likely && pc1 != pc2 {
			t.Fatal("a likely match across postcodes")
		}
	})
}
