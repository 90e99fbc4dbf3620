package screening

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/kith-project/kith"
)

func bp(v bool) *bool       { return &v }
func sp(v string) *string   { return &v }
func fp(v float64) *float64 { return &v }

// baseRequest is the design's minimal screening without an instrument:
// nothing indicated, consent given, no care and support needs.
func baseRequest() *Request {
	return &Request{
		Person:  &Person{Name: "Ada Example", Postcode: "LS1 4AP"},
		Consent: &Consent{Share: Yes},
		S42: &S42{
			CareAndSupportNeeds: No, UnableToProtectSelf: No,
			ImmediateDanger: bp(false), OthersAtRisk: bp(false), CapacityConcern: bp(false),
			CrimeSuspected: bp(false), StaffOrProviderImplicated: bp(false), VisitorConcerned: bp(false),
		},
		Indicators: []string{},
	}
}

// raw turns Go values into the raw JSON a client would send.
func raw(vals ...any) []json.RawMessage {
	out := make([]json.RawMessage, len(vals))
	for i, v := range vals {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		out[i] = b
	}
	return out
}

func answers(vals ...any) InstrumentInput { return InstrumentInput{Answers: raw(vals...)} }
func one(v any) InstrumentInput           { return InstrumentInput{Answer: raw(v)[0]} }

// repeat gives n copies of v, for long instruments.
func repeat(v any, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// with applies changes to a fresh base request.
func with(changes ...func(*Request)) *Request {
	r := baseRequest()
	for _, c := range changes {
		c(r)
	}
	return r
}

func indicators(codes ...string) func(*Request) {
	return func(r *Request) { r.Indicators = append(r.Indicators, codes...) }
}

func instrument(code string, in InstrumentInput) func(*Request) {
	return func(r *Request) {
		if r.Instruments == nil {
			r.Instruments = map[string]InstrumentInput{}
		}
		r.Instruments[code] = in
		if code == EASI && r.SeenAlone == nil {
			r.SeenAlone = bp(true)
		}
	}
}

func s42(f func(*S42)) func(*Request) { return func(r *Request) { f(r.S42) } }

func consent(share string) func(*Request) { return func(r *Request) { r.Consent.Share = share } }

func needs(v string) func(*Request) { return s42(func(s *S42) { s.CareAndSupportNeeds = v }) }

// safe supplies a safe_contact, required with some indicators.
func safe(phone, post, visit string) func(*Request) {
	return func(r *Request) {
		r.SafeContact = &SafeContactAnswers{}
		for _, f := range []struct {
			v   string
			dst **string
		}{{phone, &r.SafeContact.Phone}, {post, &r.SafeContact.Post}, {visit, &r.SafeContact.Visit}} {
			if f.v != "" {
				*f.dst = sp(f.v)
			}
		}
	}
}

func mustAssess(t testing.TB, r *Request) *Result {
	t.Helper()
	res, err := Assess(r, Options{SafeguardingPhone: "0113 222 4401", SiteName: "Demo"})
	if err != nil {
		t.Fatalf("Assess: %v", err)
	}
	return res
}

// errorFields returns the sorted fields an error names, failing unless it is
// a validation error.
func errorFields(t testing.TB, err error) []string {
	t.Helper()
	if kith.ErrorCode(err) != kith.EINVALID {
		t.Fatalf("error %v: want code %q", err, kith.EINVALID)
	}
	var fields []string
	for _, f := range kith.FieldErrors(err) {
		if f.Message == "" {
			t.Errorf("field %s has no message", f.Field)
		}
		fields = append(fields, f.Field)
	}
	slices.Sort(fields)
	return fields
}
