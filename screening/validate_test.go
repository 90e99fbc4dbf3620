package screening

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-playground/validator/v10"
	"github.com/google/go-cmp/cmp"
)

// newValidator is set up as the web layer sets up its own: fields named by
// their json tags.
func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}

// tagErrors returns the JSON paths the struct tags reject, without the root.
func tagErrors(t *testing.T, r *Request) []string {
	t.Helper()
	err := newValidator().Struct(r)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		t.Fatalf("validate: %v", err)
	}
	var out []string
	for _, fe := range verrs {
		_, path, _ := strings.Cut(fe.Namespace(), ".")
		out = append(out, path)
	}
	slices.Sort(out)
	return out
}

func TestStructTags(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name   string
		change func(*Request)
		want   []string
	}{
		{"valid", func(*Request) {}, nil},
		{"valid, everything", func(r *Request) {
			r.Person = &Person{Name: long(200), NameLatin: "Ada", Postcode: "LS1 4AP", Latitude: fp(-90), Longitude: fp(180),
				Address: "1 High Street\nLeeds", Age: bp0(130), Language: "en", Housebound: bp(true), Interests: []string{"gardening"}}
			r.Consent = &Consent{Share: Yes, Refer: No, Feedback: NotAsked}
			r.SafeContact = &SafeContactAnswers{Phone: sp(Yes), Post: sp(No), Times: "after 2pm"}
			r.Observer = &Observer{Role: "home carer", Organisation: "Care Co", Agency: "home_care"}
			r.DesiredOutcomes = []string{"to get out more"}
			r.S42.OthersAtRisk = bp(true)
			r.S42.OthersAtRiskWho = []string{OthersChild, OthersPublic}
		}, nil},
		{"missing boolean", s42(func(s *S42) { s.ImmediateDanger = nil }), []string{"s42.immediate_danger"}},
		{"false is an answer", s42(func(s *S42) { s.VisitorConcerned = bp(false) }), nil},
		{"missing objects", func(r *Request) { r.Person, r.Consent, r.S42 = nil, nil, nil }, []string{"consent", "person", "s42"}},
		{"missing name", func(r *Request) { r.Person.Name = "" }, []string{"person.name"}},
		{"long name", func(r *Request) { r.Person.Name = long(201) }, []string{"person.name"}},
		{"latitude range", func(r *Request) { r.Person.Latitude, r.Person.Longitude = fp(90.5), fp(-180.5) }, []string{"person.latitude", "person.longitude"}},
		{"zero latitude is a value", func(r *Request) { r.Person.Latitude, r.Person.Longitude = fp(0), fp(0) }, nil},
		{"age range", func(r *Request) { r.Person.Age = bp0(131) }, []string{"person.age"}},
		{"too many interests", func(r *Request) { r.Person.Interests = repeatString("x", 21) }, []string{"person.interests"}},
		{"long interest", func(r *Request) { r.Person.Interests = []string{"x", long(201)} }, []string{"person.interests[1]"}},
		{"consent values", func(r *Request) { r.Consent = &Consent{Share: "y", Refer: "maybe"} }, []string{"consent.refer", "consent.share"}},
		{"s42 values", s42(func(s *S42) { s.CareAndSupportNeeds = "perhaps"; s.UnableToProtectSelf = "" }), []string{"s42.care_and_support_needs", "s42.unable_to_protect_self"}},
		{"others at risk who", s42(func(s *S42) { s.OthersAtRiskWho = []string{"dog"} }), []string{"s42.others_at_risk_who[0]"}},
		{"safe contact", func(r *Request) {
			r.SafeContact = &SafeContactAnswers{Phone: sp("maybe"), Visit: sp(""), DoNotContact: long(201)}
		}, []string{"safe_contact.do_not_contact", "safe_contact.phone", "safe_contact.visit"}},
		{"indicators", func(r *Request) { r.Indicators = repeatString("lives_alone", 101) }, []string{"indicators"}},
		{"wishes", func(r *Request) { r.Wishes = long(5001) }, []string{"wishes"}},
		{"desired outcomes", func(r *Request) { r.DesiredOutcomes = []string{long(501)} }, []string{"desired_outcomes[0]"}},
		{"observer", func(r *Request) { r.Observer = &Observer{Agency: "council", Role: long(201)} }, []string{"observer.agency", "observer.role"}},
		{"client ref", func(r *Request) { r.ClientRef = long(201) }, []string{"client_ref"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tagErrors(t, with(tt.change))); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func bp0(v int) *int { return &v }

func repeatString(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestAgenciesMatchTag(t *testing.T) {
	f, _ := reflect.TypeFor[Observer]().FieldByName("Agency")
	if want := "omitempty,oneof=" + strings.Join(Agencies, " "); f.Tag.Get("validate") != want {
		t.Errorf("agency tag %q; want %q", f.Tag.Get("validate"), want)
	}
}
