package person

import (
	"strings"
	"testing"
)

// verhoeff reports whether s passes the Verhoeff check that every SNOMED CT
// identifier's last digit carries: a mistyped or swapped digit fails it.
func verhoeff(s string) bool {
	d := [10][10]int{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	p := [8][10]int{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
	c := 0
	for i := 0; i < len(s); i++ {
		c = d[c][p[i%8][int(s[len(s)-1-i]-'0')]]
	}
	return c == 0
}

// conceptID checks the shape of a SNOMED CT concept identifier: digits, a
// valid Verhoeff check digit, and a partition identifier (the two digits
// before it) of 00 (an international concept) or 10 (a concept of a
// national extension, such as the UK's).
func conceptID(t *testing.T, where, id string) {
	t.Helper()
	if len(id) < 6 || len(id) > 18 || strings.Trim(id, "0123456789") != "" {
		t.Errorf("%s: %q is not a SNOMED CT identifier", where, id)
		return
	}
	if part := id[len(id)-3 : len(id)-1]; part != "00" && part != "10" {
		t.Errorf("%s: %s has partition %s, not a concept's (00 or 10)", where, id, part)
	}
	if !verhoeff(id) {
		t.Errorf("%s: %s fails the Verhoeff check: a digit is mistyped", where, id)
	}
}

func TestVerhoeffKnownConcepts(t *testing.T) {
	// Concepts well known from outside this package: a wrong check here
	// would be a wrong check, not a wrong code.
	for _, id := range []string{"22298006", "38341003", "1053561000000108"} {
		if !verhoeff(id) {
			t.Errorf("verhoeff(%s) = false, want true", id)
		}
	}
	if verhoeff("22298007") {
		t.Error("verhoeff(22298007) = true, want false")
	}
}

func TestEveryCodeIsAWellFormedConcept(t *testing.T) {
	seen := map[string]string{}
	check := func(list string, c Code) {
		if c.Key == "" || c.Label == "" {
			t.Errorf("%s: a code without a key or label: %+v", list, c)
		}
		if c.Concept == "" {
			if c.Term != "" {
				t.Errorf("%s %s: a term without a concept", list, c.Key)
			}
			return
		}
		conceptID(t, list+" "+c.Key, c.Concept)
		if c.Term == "" {
			t.Errorf("%s %s: concept %s has no term", list, c.Key, c.Concept)
		}
		if prev, ok := seen[c.Concept]; ok {
			t.Errorf("%s %s: concept %s is also %s", list, c.Key, c.Concept, prev)
		}
		seen[c.Concept] = list + " " + c.Key
	}
	keys := map[string]bool{}
	for name, cs := range map[string][]Code{"formats": Formats, "support": Support, "contacts": Contacts} {
		for _, c := range cs {
			if keys[c.Key] {
				t.Errorf("key %s is used twice across the lists, so Needs.Has is ambiguous", c.Key)
			}
			keys[c.Key] = true
			check(name, c)
		}
	}
	conceptID(t, "interpreter", InterpreterNeeded.Concept)
	for _, l := range Languages {
		if l.Code == "" || l.Name == "" {
			t.Errorf("language without a code or name: %+v", l)
		}
		if l.Code == "bfi" {
			continue // its interpreter concept is the support list's bsl_interpreter
		}
		check("languages", InterpreterFor(l.Code))
	}
}

func TestLanguagesAreUniqueISOCodes(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range Languages {
		if seen[l.Code] {
			t.Errorf("language %s listed twice", l.Code)
		}
		seen[l.Code] = true
		if n := len(l.Code); n < 2 || n > 3 || strings.ToLower(l.Code) != l.Code {
			t.Errorf("language %q is not an ISO 639-1 or 639-3 code", l.Code)
		}
		if l.Interpreter != "" && !strings.Contains(l.Term, "interpreter needed") {
			t.Errorf("language %s: term %q is not an interpreter need", l.Code, l.Term)
		}
	}
	if LanguageName("pl") != "Polish" || LanguageName("xx") != "" {
		t.Errorf("LanguageName: pl = %q, xx = %q", LanguageName("pl"), LanguageName("xx"))
	}
}

func TestInterpreterFor(t *testing.T) {
	tests := []struct {
		lang, concept, label string
	}{
		{"pl", "203901000000102", "Polish interpreter"},
		{"pa", "203961000000103", "Punjabi interpreter"},
		{"bfi", "204331000000107", "British Sign Language interpreter"},
		// Dari has no concept of its own in the sources: the general
		// concept, with the language in the label.
		{"prs", "315594003", "Dari interpreter"},
		{"xx", "", "Interpreter"},
	}
	for _, tt := range tests {
		got := InterpreterFor(tt.lang)
		if got.Concept != tt.concept || got.Label != tt.label {
			t.Errorf("InterpreterFor(%s) = %s %q, want %s %q", tt.lang, got.Concept, got.Label, tt.concept, tt.label)
		}
	}
}

func TestNeedsCoded(t *testing.T) {
	n := Needs{Formats: []string{"easy_read", "large_print_24"}, Support: []string{"bsl_interpreter"}, Interpreter: "ur", Contact: []string{"in_person", "phone"}}
	var got []string
	for _, c := range n.Coded() {
		got = append(got, c.Key+"="+c.Concept)
	}
	want := []string{"easy_read=796161000000101", "large_print_24=957351000000102", "bsl_interpreter=204331000000107",
		"interpreter=204211000000109", "in_person=", "phone=795661000000104"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Coded() = %v\nwant %v", got, want)
	}
	if !n.Has("easy_read") || !n.Has("phone") || n.Has("letter") {
		t.Error("Has does not agree with the lists")
	}
	if n.LargePrintPoints() != 24 || (Needs{}).LargePrintPoints() != 0 {
		t.Errorf("LargePrintPoints = %d", n.LargePrintPoints())
	}
	if !(Needs{}).IsZero() || n.IsZero() {
		t.Error("IsZero is wrong")
	}
}

func TestCategoriesAreUnique(t *testing.T) {
	for name, cs := range map[string][]Category{"genders": Genders, "ethnicities": Ethnicities, "support reasons": SupportReasons} {
		seen := map[string]bool{}
		for _, c := range cs {
			if c.Key == "" || c.Label == "" || seen[c.Key] {
				t.Errorf("%s: bad or repeated category %+v", name, c)
			}
			seen[c.Key] = true
		}
	}
	for _, e := range Ethnicities {
		if e.Group == "" || e.NHS == "" {
			t.Errorf("ethnicity %s has no group or NHS code", e.Key)
		}
	}
}
