package screening

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-project/kith"
)

// realistic is a home carer's screening with several indicators, four
// instruments and a concern to raise.
const realistic = `{
  "person": {"name": "Ada Example", "postcode": "ls1 4ap", "address": "1 High Street\nLeeds", "age": 84,
             "housebound": true, "interests": ["gardening", "hymns"]},
  "consent": {"share": "yes", "feedback": "no"},
  "s42": {"care_and_support_needs": "yes", "unable_to_protect_self": "unsure",
          "immediate_danger": false, "others_at_risk": false, "capacity_concern": false,
          "crime_suspected": false, "staff_or_provider_implicated": false, "visitor_concerned": true},
  "safe_contact": {"phone": "yes", "visit": "yes", "times": "mornings", "do_not_contact": "the lodger"},
  "seen_alone": true,
  "indicators": ["lives_alone", "rarely_goes_out", "no_emergency_contact", "recent_bereavement",
                 "unexplained_money_problems", "scam_contact", "hoarding", "fire_risk"],
  "instruments": {
    "ucla3": {"answers": [3, 2, 3]},
    "lsns6": {"answers": [1, 0, 1, 2, 1, 0]},
    "easi": {"answers": ["yes", "no", null, "yes", "no", "no"]},
    "cir": {"answer": 5}
  },
  "wishes": "I want to stay at home.",
  "desired_outcomes": ["feel safe with money"],
  "observer": {"role": "home carer", "organisation": "Care Co", "agency": "home_care"}
}`

func decode(t testing.TB, body string) *Request {
	t.Helper()
	var r Request
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func resultJSON(t testing.TB, r *Request, opts Options) []byte {
	t.Helper()
	res, err := Assess(r, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDeterministic(t *testing.T) {
	opts := Options{SafeguardingPhone: "0113 222 4401", SiteName: "Demo"}
	first := resultJSON(t, decode(t, realistic), opts)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		r := decode(t, realistic)
		// The same answers in another order are the same answers.
		rng.Shuffle(len(r.Indicators), func(i, j int) { r.Indicators[i], r.Indicators[j] = r.Indicators[j], r.Indicators[i] })
		if got := resultJSON(t, r, opts); !bytes.Equal(first, got) {
			t.Fatalf("run %d differs:\n%s", i, cmp.Diff(string(first), string(got)))
		}
		// Assessing the normalised request again changes nothing.
		if got := resultJSON(t, r, opts); !bytes.Equal(first, got) {
			t.Fatalf("run %d, second assessment differs:\n%s", i, cmp.Diff(string(first), string(got)))
		}
	}
}

func TestRealisticScreening(t *testing.T) {
	res := mustAssess(t, decode(t, realistic))
	got := map[string]any{
		"action":     res.Safeguarding.Action,
		"basis":      res.Safeguarding.ShareBasis,
		"because":    res.Safeguarding.Limbs.ExperiencingOrAtRiskOfAbuse.Because,
		"types":      res.Safeguarding.TypesOfRisk,
		"risk":       res.Relationships[RiskFactor].Level,
		"means":      res.Relationships[MeansOfAbuse].Level,
		"neglect":    res.Relationships[SelfNeglect].Level,
		"loneliness": res.Loneliness,
		"isolation":  res.Isolation,
		"quadrant":   res.Quadrant,
		"consent":    res.Consent,
		"safe":       res.SafeContact,
		"easi":       res.Instruments[EASI],
	}
	want := map[string]any{
		"action":     ActionRaiseConcern,
		"basis":      []string{BasisConsent},
		"because":    []string{"unexplained_money_problems", EASI, "self_neglect_high"},
		"types":      []string{FinancialOrMaterial, SelfNeglectRisk},
		"risk":       LevelHigh,
		"means":      LevelMedium,
		"neglect":    LevelHigh, // hoarding, fire risk, CIR 5
		"loneliness": Status{Lonely, UCLA3},
		"isolation":  Status{Isolated, LSNS6},
		"quadrant":   IsolatedAndLonely,
		"consent":    Consent{Share: Yes, Refer: Yes, Feedback: No},
		"safe":       SafeContact{Phone: true, Visit: true, Times: "mornings", DoNotContact: "the lodger"},
		"easi":       InstrumentResult{Score: intp(1), Classification: "suspicion", YesItems: []int{4}, Declined: []int{3}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Self-neglect at high indicates neglect on its own.
func TestSelfNeglectHighIsInBecause(t *testing.T) {
	res := mustAssess(t, with(indicators("hoarding", "fire_risk", "refuses_help")))
	if b := res.Safeguarding.Limbs.ExperiencingOrAtRiskOfAbuse.Because; !slices.Equal(b, []string{"self_neglect_high"}) {
		t.Errorf("because %q; want self_neglect_high", b)
	}
}

func FuzzAssess(f *testing.F) {
	f.Add([]byte(realistic))
	f.Fuzz(func(t *testing.T, body []byte) {
		var r Request
		if json.Unmarshal(body, &r) != nil {
			return
		}
		res, err := Assess(&r, Options{SafeguardingPhone: "0113 222 4401"})
		if err != nil {
			if kith.ErrorCode(err) != kith.EINVALID || len(kith.FieldErrors(err)) == 0 {
				t.Fatalf("error %v: want a validation error naming fields", err)
			}
			return
		}
		if len(res.Relationships) != len(Relationships) {
			t.Fatalf("%d relationships", len(res.Relationships))
		}
		if !slices.Contains([]string{ActionEmergency, ActionRaiseConcern, ActionDiscuss, ActionNone}, res.Safeguarding.Action) {
			t.Fatalf("action %q", res.Safeguarding.Action)
		}
		first, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Assess(&r, Options{SafeguardingPhone: "0113 222 4401"})
		if err != nil {
			t.Fatalf("normalised request rejected: %v", err)
		}
		if b, _ := json.Marshal(again); !bytes.Equal(first, b) {
			t.Fatalf("not deterministic:\n%s", cmp.Diff(string(first), string(b)))
		}
	})
}

func FuzzInstrumentAnswers(f *testing.F) {
	f.Add(uint8(1), []byte(`[2, 2, 2]`))
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		inst := Instruments[int(which)%len(Instruments)]
		inputs := []InstrumentInput{
			{Answer: body},
			{Answers: []json.RawMessage{body}},
			{Answers: split(body)},
		}
		var list []json.RawMessage
		if json.Unmarshal(body, &list) == nil {
			inputs = append(inputs, InstrumentInput{Answers: list})
		}
		for _, in := range inputs {
			res, err := ScoreInstrument(inst.Code, in, "instruments."+inst.Code)
			if err != nil {
				if kith.ErrorCode(err) != kith.EINVALID || len(kith.FieldErrors(err)) == 0 {
					t.Fatalf("error %v: want a validation error naming fields", err)
				}
				continue
			}
			if !slices.Contains(inst.Classifications, res.Classification) {
				t.Fatalf("%s: classification %q", inst.Code, res.Classification)
			}
			if (res.Score == nil) != (inst.Code == ONSLoneliness) {
				t.Fatalf("%s: score %v", inst.Code, res.Score)
			}
			if res.Score != nil && (*res.Score < 0 || *res.Score > maxScore[inst.Code]) {
				t.Fatalf("%s: score %d out of range", inst.Code, *res.Score)
			}
		}
	})
}

var maxScore = map[string]int{UCLA3: 9, DJG6: 6, LSNS6: 30, EASI: 5, CSI: 13, CIR: 9}

// split cuts raw bytes at commas, so the fuzzer can reach per-element
// parsing with elements that are not JSON at all.
func split(b []byte) []json.RawMessage {
	var out []json.RawMessage
	for part := range bytes.SplitSeq(b, []byte(",")) {
		out = append(out, part)
	}
	return out
}

func BenchmarkAssess(b *testing.B) {
	r := decode(b, realistic)
	opts := Options{SafeguardingPhone: "0113 222 4401", SiteName: "Demo"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Assess(r, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAssessJSON(b *testing.B) {
	body := []byte(realistic)
	opts := Options{SafeguardingPhone: "0113 222 4401", SiteName: "Demo"}
	b.ReportAllocs()
	for b.Loop() {
		var r Request
		if err := json.Unmarshal(body, &r); err != nil {
			b.Fatal(err)
		}
		res, err := Assess(&r, opts)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(res); err != nil {
			b.Fatal(err)
		}
	}
}
