package postcode

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"LS1 4AP", "LS1 4AP", true},
		{"ls14ap", "LS1 4AP", true},
		{"  ls1 4ap\t", "LS1 4AP", true},
		{"LS1  4AP", "LS1 4AP", true},
		{"M1 1AE", "M1 1AE", true},     // A9
		{"B33 8TH", "B33 8TH", true},   // A99
		{"CR2 6XH", "CR2 6XH", true},   // AA9
		{"DN55 1PT", "DN55 1PT", true}, // AA99
		{"W1A 0AX", "W1A 0AX", true},   // A9A
		{"EC1A 1BB", "EC1A 1BB", true}, // AA9A
		{"sw1a1aa", "SW1A 1AA", true},  // AA9A
		{"GIR 0AA", "GIR 0AA", true},   // Girobank, outside the rules
		{"gir0aa", "GIR 0AA", true},    //
		{"", "", false},                //
		{"   ", "", false},             //
		{"LS1", "", false},             // outward only
		{"LS1 4A", "", false},          // short inward
		{"LS1 4APX", "", false},        // too long
		{"QS1 4AP", "", false},         // Q never first
		{"VS1 4AP", "", false},         // V never first
		{"XS1 4AP", "", false},         // X never first
		{"LI1 4AP", "", false},         // I never second
		{"LZ1 4AP", "", false},         // Z never second
		{"W1I 0AX", "", false},         // I not allowed in A9A
		{"EC1C 1BB", "", false},        // C not allowed in AA9A
		{"LS1 4AC", "", false},         // C never inward
		{"LS1 4IP", "", false},         // I never inward
		{"LS1 AAP", "", false},         // inward must start with a digit
		{"1S1 4AP", "", false},         // outward must start with a letter
		{"ABC 1AB", "", false},         // AAA is not an outward shape
		{"L123 4AP", "", false},        // A999 is not an outward shape
		{"LS1-4AP", "", false},         // punctuation
		{"ＬＳ1 4AP", "", false},         // full-width letters
		{"GIR 0AB", "", false},         // only GIR 0AA is special
	}
	for _, tt := range tests {
		got, ok := Normalize(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Normalize(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDistrict(t *testing.T) {
	tests := map[string]string{
		"ls1 4ap": "LS1",
		"EC1A1BB": "EC1A",
		"M1 1AE":  "M1",
		"GIR 0AA": "GIR",
		"not one": "",
		"":        "",
		"LS1 4AC": "",
	}
	for in, want := range tests {
		if got := District(in); got != want {
			t.Errorf("District(%q) = %q; want %q", in, got, want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"LS1 4AP", "ec1a1bb", " gir 0aa ", "QS1 4AP", "", "W1A 0AX", "ＬＳ1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := Normalize(s)
		if !ok {
			if got != "" {
				t.Fatalf("Normalize(%q) = %q, false; want empty", s, got)
			}
			return
		}
		if len(got) < 6 || len(got) > 8 || strings.Count(got, " ") != 1 || got[len(got)-4] != ' ' {
			t.Fatalf("Normalize(%q) = %q: not canonical", s, got)
		}
		again, ok := Normalize(got)
		if !ok || again != got {
			t.Fatalf("Normalize(%q) = %q, %v; not idempotent", got, again, ok)
		}
		if d := District(s); !strings.HasPrefix(got, d+" ") {
			t.Fatalf("District(%q) = %q; not the outward code of %q", s, d, got)
		}
	})
}
