package person

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kith-project/kith"
)

// Normalize reads what people type: it never panics, every refusal names
// a field in words, and what it returns is already in normal form (a
// second pass changes nothing and refuses nothing).
func FuzzNormalize(f *testing.F) {
	f.Add("Zoë Müller", "", "943 476 5919", "+44 (0)113 496 0123", "ls6 1lf", "Flat 3", "Leeds", "72 1234", "pl", "easy_read", 0)
	f.Add(" ", "Ay\u0301sha", "0000000000", "00447700900123", "GIR0AA", "", "", "", "", "", 130)
	f.Add("a\u0007b", "فاطمة", "12", "()", "ls1", "x", "", "0", "xx", "large_print", -1)
	f.Fuzz(func(t *testing.T, name, latin, nhs, phone, pc, line, town, uprn, lang, format string, age int) {
		p := Person{
			Name: name, NameLatin: latin, NHSNumber: nhs, Phone: phone, AgeGiven: age,
			Address:   Address{Lines: []string{line}, Town: town, Postcode: pc, UPRN: uprn},
			Languages: []string{lang},
			Needs:     Needs{Formats: []string{format}, Interpreter: lang},
		}
		got, err := p.Normalize(today)
		if err != nil {
			fields := kith.FieldErrors(err)
			if kith.ErrorCode(err) != kith.EINVALID || len(fields) == 0 {
				t.Fatalf("refused without naming a field: %v", err)
			}
			for _, fe := range fields {
				if fe.Field == "" || fe.Message == "" {
					t.Fatalf("a field error without a field or words: %+v", fe)
				}
			}
			return
		}
		again, err := got.Normalize(today)
		if err != nil {
			t.Fatalf("normal form refused on a second pass: %v", err)
		}
		if diff := cmp.Diff(got, again); diff != "" {
			t.Fatalf("a second pass changed the normal form:\n%s", diff)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"0113 496 0123", "+44 (0)20 7946 0000", "0800 123456", "+", "00", "0044"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, problem := NormalizePhone(s)
		if (n == "") == (problem == "") {
			t.Fatalf("NormalizePhone(%q) = %q, %q: exactly one of them must be set", s, n, problem)
		}
		if n != "" {
			if again, p := NormalizePhone(n); again != n || p != "" {
				t.Fatalf("NormalizePhone(%q) = %q, then %q, %q", s, n, again, p)
			}
		}
	})
}

func TestPersonJSONRoundTrip(t *testing.T) {
	p, err := adult().Normalize(today)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Person
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	back.Site = p.Site // never in JSON: a person's site is the caller's, not the record's to claim
	if diff := cmp.Diff(p, back); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
	// Unknown parts are left out, not written as zero values.
	b, _ = json.Marshal(Person{ID: "p1", Name: "Ada"})
	if got := string(b); got != `{"id":"p1","name":"Ada"}` {
		t.Errorf("a bare person marshals as %s", got)
	}
	if err := json.Unmarshal([]byte(`{"birth_date":"7 March 1948"}`), &back); err == nil {
		t.Error("a date not in ISO form was accepted")
	}
}
