package screening

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// DJG-6 answers that score 0: no to the emotional items, yes to the social.
const (
	e0, s0 = "no", "yes"
	mol    = "more_or_less"
)

func TestInstrumentScoring(t *testing.T) {
	tests := []struct {
		name string
		code string
		in   InstrumentInput
		want InstrumentResult
	}{
		{"ons often", ONSLoneliness, one("often_always"), InstrumentResult{Classification: "chronic_loneliness", Answer: "often_always"}},
		{"ons some", ONSLoneliness, one("some_of_the_time"), InstrumentResult{Classification: "some_loneliness", Answer: "some_of_the_time"}},
		{"ons occasionally", ONSLoneliness, one("occasionally"), InstrumentResult{Classification: "some_loneliness", Answer: "occasionally"}},
		{"ons hardly ever", ONSLoneliness, one("hardly_ever"), InstrumentResult{Classification: "not_lonely", Answer: "hardly_ever"}},
		{"ons never", ONSLoneliness, one("never"), InstrumentResult{Classification: "not_lonely", Answer: "never"}},

		{"ucla3 minimum", UCLA3, answers(1, 1, 1), InstrumentResult{Score: intp(3), Classification: "not_lonely"}},
		{"ucla3 5", UCLA3, answers(1, 2, 2), InstrumentResult{Score: intp(5), Classification: "not_lonely"}},
		{"ucla3 6", UCLA3, answers(2, 2, 2), InstrumentResult{Score: intp(6), Classification: "lonely"}},
		{"ucla3 maximum", UCLA3, answers(3, 3, 3), InstrumentResult{Score: intp(9), Classification: "lonely"}},

		{"djg6 0", DJG6, answers(e0, s0, s0, e0, s0, e0), djg(0, "not_lonely", intp(0), intp(0), nil)},
		{"djg6 1 neutral", DJG6, answers(mol, s0, s0, e0, s0, e0), djg(1, "not_lonely", intp(1), intp(0), nil)},
		{"djg6 2 neutral", DJG6, answers(mol, mol, s0, e0, s0, e0), djg(2, "moderately_lonely", intp(1), intp(1), nil)},
		{"djg6 4 neutral", DJG6, answers(mol, mol, mol, mol, s0, e0), djg(4, "moderately_lonely", intp(2), intp(2), nil)},
		{"djg6 5 neutral", DJG6, answers(mol, mol, mol, mol, mol, e0), djg(5, "severely_lonely", intp(2), intp(3), nil)},
		{"djg6 6 neutral", DJG6, answers(mol, mol, mol, mol, mol, mol), djg(6, "severely_lonely", intp(3), intp(3), nil)},
		{"djg6 emotional yes, social no", DJG6, answers("yes", "no", "no", "yes", "no", "yes"), djg(6, "severely_lonely", intp(3), intp(3), nil)},
		{"djg6 emotional only", DJG6, answers("yes", s0, s0, "yes", s0, e0), djg(2, "moderately_lonely", intp(2), intp(0), nil)},
		{"djg6 social missing", DJG6, answers("yes", nil, "no", mol, "no", e0), djg(4, "moderately_lonely", intp(2), nil, intp(2))},
		{"djg6 emotional missing", DJG6, answers(nil, mol, s0, e0, s0, e0), djg(1, "not_lonely", nil, intp(1), intp(1))},

		{"lsns6 11", LSNS6, answers(2, 2, 2, 2, 2, 1), lsns(11, 6, 5, "at_risk_of_isolation", "friends")},
		{"lsns6 12", LSNS6, answers(2, 2, 2, 2, 2, 2), lsns(12, 6, 6, "not_at_risk")},
		{"lsns6 family 5", LSNS6, answers(2, 2, 1, 3, 3, 3), lsns(14, 5, 9, "not_at_risk", "family")},
		{"lsns6 0", LSNS6, answers(0, 0, 0, 0, 0, 0), lsns(0, 0, 0, "at_risk_of_isolation", "family", "friends")},
		{"lsns6 30", LSNS6, answers(5, 5, 5, 5, 5, 5), lsns(30, 15, 15, "not_at_risk")},

		{"easi all no", EASI, answers("no", "no", "no", "no", "no", "no"), InstrumentResult{Score: intp(0), Classification: "no_suspicion"}},
		{"easi q1 only", EASI, answers("yes", "no", "no", "no", "no", "no"), InstrumentResult{Score: intp(0), Classification: "no_suspicion"}},
		{"easi q2", EASI, answers("no", "yes", "no", "no", "no", "no"), InstrumentResult{Score: intp(1), Classification: "suspicion", YesItems: []int{2}}},
		{"easi q6 observed", EASI, answers("no", "no", "no", "no", "no", "yes"), InstrumentResult{Score: intp(1), Classification: "suspicion", YesItems: []int{6}}},
		{"easi declined counts as no", EASI, answers("yes", "no", nil, "no", nil, "no"), InstrumentResult{Score: intp(0), Classification: "no_suspicion", Declined: []int{3, 5}}},
		{"easi several", EASI, answers("yes", "no", "yes", "yes", "yes", nil), InstrumentResult{Score: intp(3), Classification: "suspicion", YesItems: []int{3, 4, 5}, Declined: []int{6}}},

		{"csi 6", CSI, answers(csi(6)...), InstrumentResult{Score: intp(6), Classification: "below_threshold", YesItems: []int{1, 2, 3, 4, 5, 6}}},
		{"csi 7", CSI, answers(csi(7)...), InstrumentResult{Score: intp(7), Classification: "high_strain", YesItems: []int{1, 2, 3, 4, 5, 6, 7}}},
		{"csi 0", CSI, answers(csi(0)...), InstrumentResult{Score: intp(0), Classification: "below_threshold"}},

		{"cir 1", CIR, one(1), InstrumentResult{Score: intp(1), Classification: "not_significant"}},
		{"cir 3", CIR, one(3), InstrumentResult{Score: intp(3), Classification: "not_significant"}},
		{"cir 4", CIR, one(4), InstrumentResult{Score: intp(4), Classification: "clinically_significant"}},
		{"cir 9", CIR, one(9), InstrumentResult{Score: intp(9), Classification: "clinically_significant"}},
	}
	ignoreNote := cmpopts.IgnoreFields(InstrumentResult{}, "Note")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ScoreInstrument(tt.code, tt.in, "instruments."+tt.code)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, ignoreNote, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// Through Assess too, as the API scores it.
			res := mustAssess(t, with(instrument(tt.code, tt.in)))
			if diff := cmp.Diff(tt.want, res.Instruments[tt.code], ignoreNote, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("through Assess (-want +got):\n%s", diff)
			}
		})
	}
}

func djg(total int, class string, emotional, social, missing *int) InstrumentResult {
	r := InstrumentResult{Score: intp(total), Classification: class, Subscales: map[string]*int{"emotional": emotional, "social": social}, MissingItem: missing}
	for _, s := range []struct {
		name string
		v    *int
	}{{"emotional", emotional}, {"social", social}} {
		if s.v != nil && *s.v >= 1 {
			r.LonelySubscales = append(r.LonelySubscales, s.name)
		}
	}
	return r
}

func lsns(total, family, friends int, class string, marginal ...string) InstrumentResult {
	return InstrumentResult{Score: intp(total), Classification: class, Subscales: map[string]*int{"family": intp(family), "friends": intp(friends)}, MarginalSubscales: marginal}
}

// csi answers yes to the first n items.
func csi(n int) []any {
	return append(repeat("yes", n), repeat("no", 13-n)...)
}

func TestUCLA3CarriesItsNote(t *testing.T) {
	got, err := ScoreInstrument(UCLA3, answers(2, 2, 2), "x")
	if err != nil || got.Note == "" {
		t.Errorf("UCLA-3 result should say the cut-off is a grouping, not validated: %+v, %v", got, err)
	}
}

func TestONSScoreIsNull(t *testing.T) {
	res := mustAssess(t, with(instrument(ONSLoneliness, one("never"))))
	b, _ := json.Marshal(res.Instruments[ONSLoneliness])
	if want := `{"score":null,"classification":"not_lonely","answer":"never"}`; string(b) != want {
		t.Errorf("ONS result %s; want %s", b, want)
	}
}

func TestDJG6MissingSubscaleIsNull(t *testing.T) {
	res := mustAssess(t, with(instrument(DJG6, answers(mol, nil, s0, e0, s0, e0))))
	b, _ := json.Marshal(res.Instruments[DJG6])
	want := `{"score":1,"classification":"not_lonely","subscales":{"emotional":1,"social":null},"missing_item":2,"lonely_subscales":["emotional"]}`
	if string(b) != want {
		t.Errorf("DJG-6 result\n%s\nwant\n%s", b, want)
	}
}

func TestScoreInstrumentErrors(t *testing.T) {
	tests := []struct {
		name, code string
		in         InstrumentInput
		want       []string
	}{
		{"unknown", "phq9", answers(1), []string{"f"}},
		{"too few", UCLA3, answers(1, 2), []string{"f.answers"}},
		{"too many", UCLA3, answers(1, 2, 3, 1), []string{"f.answers"}},
		{"too many and wrong", UCLA3, answers(1, 2, 7, 1), []string{"f.answers", "f.answers[2]"}},
		{"no answers", UCLA3, InstrumentInput{}, []string{"f.answers"}},
		{"empty answers", LSNS6, InstrumentInput{Answers: raw()}, []string{"f.answers"}},
		{"answer for answers", UCLA3, one(2), []string{"f.answer", "f.answers"}},
		{"answers for answer", CIR, answers(2), []string{"f.answer", "f.answers"}},
		{"both shapes", ONSLoneliness, InstrumentInput{Answer: raw("never")[0], Answers: raw("never")}, []string{"f.answers"}},
		{"below range", UCLA3, answers(0, 2, 2), []string{"f.answers[0]"}},
		{"above range", LSNS6, answers(1, 1, 1, 1, 6, 1), []string{"f.answers[4]"}},
		{"negative", LSNS6, answers(1, 1, 1, 1, -1, 1), []string{"f.answers[4]"}},
		{"fraction", UCLA3, answers(1, 1.5, 2), []string{"f.answers[1]"}},
		{"exponent", UCLA3, InstrumentInput{Answers: []json.RawMessage{json.RawMessage("1"), json.RawMessage("2e0"), json.RawMessage("1")}}, []string{"f.answers[1]"}},
		{"string for number", UCLA3, answers("2", 2, 2), []string{"f.answers[0]"}},
		{"number for string", DJG6, answers("yes", "yes", 1, "no", "no", "no"), []string{"f.answers[2]"}},
		{"bool", CSI, answers(append(repeat("no", 12), true)...), []string{"f.answers[12]"}},
		{"object", CIR, one(map[string]int{"x": 1}), []string{"f.answer"}},
		{"unknown string", DJG6, answers("yes", "yes", "maybe", "no", "no", "no"), []string{"f.answers[2]"}},
		{"wrong case", EASI, answers("Yes", "no", "no", "no", "no", "no"), []string{"f.answers[0]"}},
		{"null not allowed", UCLA3, answers(1, nil, 1), []string{"f.answers[1]"}},
		{"null csi", CSI, answers(append(repeat("no", 12), nil)...), []string{"f.answers[12]"}},
		{"null lsns6", LSNS6, answers(1, 1, 1, 1, 1, nil), []string{"f.answers[5]"}},
		{"null ons", ONSLoneliness, InstrumentInput{Answer: json.RawMessage("null")}, []string{"f.answer"}},
		{"unknown ons", ONSLoneliness, one("always"), []string{"f.answer"}},
		{"cir 0", CIR, one(0), []string{"f.answer"}},
		{"cir 10", CIR, one(10), []string{"f.answer"}},
		{"djg6 two missing", DJG6, answers(nil, nil, "yes", "no", "yes", "no"), []string{"f.answers"}},
		{"djg6 all missing", DJG6, answers(nil, nil, nil, nil, nil, nil), []string{"f.answers"}},
		{"several wrong", LSNS6, answers(9, 1, "x", 1, nil, 1), []string{"f.answers[0]", "f.answers[2]", "f.answers[4]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ScoreInstrument(tt.code, tt.in, "f")
			if diff := cmp.Diff(tt.want, errorFields(t, err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}
