package screening

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-project/kith"
)

func TestMinimalScreeningFromDesign(t *testing.T) {
	body := `{
	  "person": {"name": "Ada Example", "postcode": "LS1 4AP"},
	  "consent": {"share": "yes"},
	  "s42": {"care_and_support_needs": "no", "unable_to_protect_self": "no",
	          "immediate_danger": false, "others_at_risk": false, "capacity_concern": false,
	          "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": false},
	  "indicators": [],
	  "instruments": {"ucla3": {"answers": [1, 2, 1]}}
	}`
	var req Request
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		t.Fatal(err)
	}
	res := mustAssess(t, &req)
	if res.Safeguarding.Action != ActionNone || res.Instruments[UCLA3].Classification != "not_lonely" || res.Loneliness != (Status{NotLonely, UCLA3}) {
		t.Errorf("minimal screening: action %s, ucla3 %+v, loneliness %+v", res.Safeguarding.Action, res.Instruments[UCLA3], res.Loneliness)
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Request)
		want   []string
	}{
		{"unknown indicator", indicators("lives_alone", "lives_alon"), []string{"indicators[1]"}},
		{"repeated indicator", indicators("lives_alone", "hoarding", "lives_alone"), []string{"indicators[2]"}},
		{"too many indicators", func(r *Request) {
			for range 101 {
				r.Indicators = append(r.Indicators, "lives_alone")
			}
		}, append([]string{"indicators"}, repeatedFields(1, 101)...)}, // "indicators" sorts first
		{"unknown instrument", instrument("phq9", answers(1)), []string{"instruments.phq9"}},
		{"wrong count", instrument(LSNS6, answers(1, 2, 3)), []string{"instruments.lsns6.answers"}},
		{"out of range", instrument(LSNS6, answers(1, 2, 3, 4, 6, 1)), []string{"instruments.lsns6.answers[4]"}},
		{"wrong type", instrument(UCLA3, answers(1, "2", 3)), []string{"instruments.ucla3.answers[1]"}},
		{"wrong shape", instrument(CIR, answers(5)), []string{"instruments.cir.answer", "instruments.cir.answers"}},
		{"djg6 two missing", instrument(DJG6, answers("yes", nil, "no", nil, "no", "no")), []string{"instruments.djg6.answers"}},
		{"easi seen_alone absent", func(r *Request) {
			r.Instruments = map[string]InstrumentInput{EASI: answers("no", "no", "no", "no", "no", "no")}
		}, []string{"instruments.easi"}},
		{"easi seen_alone false", func(r *Request) {
			r.SeenAlone = bp(false)
			r.Instruments = map[string]InstrumentInput{EASI: answers("no", "no", "no", "no", "no", "no")}
		}, []string{"instruments.easi"}},
		{"safe_contact with means_of_abuse", indicators("scam_contact"), []string{"safe_contact"}},
		{"safe_contact with fear_of_isolation", indicators("ashamed_to_tell"), []string{"safe_contact"}},
		{"safe_contact with carer_may_harm", indicators("carer_may_harm"), []string{"safe_contact"}},
		{"safe_contact value", func(r *Request) { safe("maybe", "", "")(r) }, []string{"safe_contact.phone"}},
		{"others_at_risk without who", s42(func(s *S42) { s.OthersAtRisk = bp(true) }), []string{"s42.others_at_risk_who"}},
		{"who without others_at_risk", s42(func(s *S42) { s.OthersAtRiskWho = []string{OthersChild} }), []string{"s42.others_at_risk_who"}},
		{"unknown who", s42(func(s *S42) { s.OthersAtRisk = bp(true); s.OthersAtRiskWho = []string{"pets"} }), []string{"s42.others_at_risk_who[0]"}},
		{"repeated who", s42(func(s *S42) { s.OthersAtRisk = bp(true); s.OthersAtRiskWho = []string{OthersChild, OthersChild} }), []string{"s42.others_at_risk_who[1]"}},
		{"missing boolean", s42(func(s *S42) { s.ImmediateDanger = nil }), []string{"s42.immediate_danger"}},
		{"all booleans missing", s42(func(s *S42) { *s = S42{CareAndSupportNeeds: No, UnableToProtectSelf: No} }), []string{
			"s42.capacity_concern", "s42.crime_suspected", "s42.immediate_danger", "s42.others_at_risk", "s42.staff_or_provider_implicated", "s42.visitor_concerned",
		}},
		{"bad s42 answers", s42(func(s *S42) { s.CareAndSupportNeeds = "maybe"; s.UnableToProtectSelf = "" }), []string{"s42.care_and_support_needs", "s42.unable_to_protect_self"}},
		{"latitude without longitude", func(r *Request) { r.Person.Latitude = fp(53.8) }, []string{"person.longitude"}},
		{"longitude without latitude", func(r *Request) { r.Person.Postcode = ""; r.Person.Longitude = fp(-1.5) }, []string{"person.latitude"}},
		{"bad postcode", func(r *Request) { r.Person.Postcode = "LS1 4AC" }, []string{"person.postcode"}},
		{"no location", func(r *Request) { r.Person.Postcode = "  " }, []string{"person.postcode"}},
		{"blank name", func(r *Request) { r.Person.Name = " " }, []string{"person.name"}},
		{"no person", func(r *Request) { r.Person = nil }, []string{"person"}},
		{"no consent", func(r *Request) { r.Consent = nil }, []string{"consent"}},
		{"no s42", func(r *Request) { r.S42 = nil }, []string{"s42"}},
		{"bad consent", func(r *Request) { r.Consent = &Consent{Share: "ok", Refer: "y", Feedback: "no"} }, []string{"consent.refer", "consent.share"}},
		{"everything at once", func(r *Request) {
			r.Person.Postcode = "nowhere"
			r.Indicators = []string{"nope", "contact_controlled"}
			r.S42.VisitorConcerned = nil
			r.Instruments = map[string]InstrumentInput{UCLA3: answers(1, 1), CIR: one(12)}
		}, []string{"indicators[0]", "instruments.cir.answer", "instruments.ucla3.answers", "person.postcode", "s42.visitor_concerned", "safe_contact"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Assess(with(tt.change), Options{})
			if res != nil {
				t.Errorf("got a result with an error")
			}
			if diff := cmp.Diff(tt.want, errorFields(t, err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// repeatedFields names indicators[from] to indicators[to-1], sorted as
// errorFields sorts them.
func repeatedFields(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("indicators[%d]", i))
	}
	slices.Sort(out)
	return out
}

func TestValidationMessages(t *testing.T) {
	_, err := Assess(with(indicators("lives_alon"), func(r *Request) {
		r.SeenAlone = bp(false)
		r.Instruments = map[string]InstrumentInput{EASI: answers("no", "no", "no", "no", "no", "no")}
	}), Options{})
	msgs := map[string]string{}
	for _, f := range kith.FieldErrors(err) {
		msgs[f.Field] = f.Message
	}
	if !strings.Contains(msgs["indicators[0]"], `"lives_alon"`) {
		t.Errorf("unknown indicator message should name the code: %q", msgs["indicators[0]"])
	}
	if !strings.Contains(msgs["instruments.easi"], "seen alone") || !strings.Contains(msgs["instruments.easi"], "unsafe") {
		t.Errorf("EASI message should say why: %q", msgs["instruments.easi"])
	}
}

func TestNilRequest(t *testing.T) {
	_, err := Assess(nil, Options{})
	if diff := cmp.Diff([]string{"consent", "person", "s42"}, errorFields(t, err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestValidLocations(t *testing.T) {
	for name, change := range map[string]func(*Request){
		"postcode only":      func(r *Request) {},
		"coordinates only":   func(r *Request) { r.Person.Postcode = ""; r.Person.Latitude, r.Person.Longitude = fp(53.8), fp(-1.55) },
		"both":               func(r *Request) { r.Person.Latitude, r.Person.Longitude = fp(0), fp(0) },
		"postcode no space":  func(r *Request) { r.Person.Postcode = "ls14ap" },
		"easi seen alone":    instrument(EASI, answers("no", "no", "no", "no", "no", "no")),
		"empty safe contact": func(r *Request) { indicators("contact_controlled")(r); r.SafeContact = &SafeContactAnswers{} },
	} {
		if _, err := Assess(with(change), Options{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestNormalisation(t *testing.T) {
	req := with(func(r *Request) {
		r.Person.Postcode = " ls14ap "
		r.Consent = &Consent{Share: NotAsked, Feedback: No}
		r.Indicators = nil
	})
	res := mustAssess(t, req)
	if req.Person.Postcode != "LS1 4AP" {
		t.Errorf("postcode stored as %q", req.Person.Postcode)
	}
	want := Consent{Share: NotAsked, Refer: NotAsked, Feedback: No}
	if res.Consent != want || *req.Consent != want {
		t.Errorf("consent %+v, request %+v; want %+v", res.Consent, *req.Consent, want)
	}
	if req.Indicators == nil {
		t.Error("indicators left null")
	}
}

func TestEffectiveSafeContact(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Request)
		want   SafeContact
	}{
		{"absent is not safe", func(r *Request) {}, SafeContact{}},
		{"unanswered is not safe", safe("yes", "", ""), SafeContact{Phone: true}},
		{"answers kept", func(r *Request) {
			safe("yes", "no", "yes")(r)
			r.SafeContact.Times = "mornings"
			r.SafeContact.DoNotContact = "her son"
		}, SafeContact{Phone: true, Visit: true, Times: "mornings", DoNotContact: "her son"}},
		{"withheld phone or post is never safe", func(r *Request) {
			safe("yes", "yes", "yes")(r)
			indicators("phone_or_post_withheld")(r)
		}, SafeContact{Visit: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, mustAssess(t, with(tt.change)).SafeContact); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
