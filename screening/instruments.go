package screening

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kith-project/kith"
)

// InstrumentResult is one instrument scored as published. Score is null where
// the instrument has no numeric score (the ONS question). The other fields
// appear only for the instruments that define them.
type InstrumentResult struct {
	Score             *int            `json:"score"`
	Classification    string          `json:"classification"`
	Subscales         map[string]*int `json:"subscales,omitempty"`
	Answer            string          `json:"answer,omitempty"`             // ons_loneliness: the answer given
	MissingItem       *int            `json:"missing_item,omitempty"`       // djg6: the one item not answered
	LonelySubscales   []string        `json:"lonely_subscales,omitempty"`   // djg6: subscales scoring 1 or more
	MarginalSubscales []string        `json:"marginal_subscales,omitempty"` // lsns6: subscales under 6
	YesItems          []int           `json:"yes_items,omitempty"`          // easi (questions 2-6), csi
	Declined          []int           `json:"declined,omitempty"`           // easi: not answered, counted as no
	Note              string          `json:"note,omitempty"`
}

// answer is one parsed answer. given is false for a JSON null (not answered).
type answer struct {
	given bool
	n     int
	s     string
}

// scored keeps the parsed answers beside the result, because the rules can
// turn on a single item (EASI question 2).
type scored struct {
	InstrumentResult
	answers []answer
}

// ScoreInstrument checks one instrument's answers and scores them. field is
// the JSON path of the input, used to name problems (for example
// "instruments.ucla3"), so that a follow-up measure elsewhere in the API can
// be checked and scored the same way. Problems are a *kith.Error (EINVALID).
func ScoreInstrument(code string, in InstrumentInput, field string) (InstrumentResult, error) {
	idx, ok := instrumentIndex[code]
	if !ok {
		return InstrumentResult{}, kith.Invalid(kith.FieldError{Field: field, Message: fmt.Sprintf("%q is not a known instrument", code)})
	}
	var p problems
	s, ok := scoreInstrument(&Instruments[idx], in, field, &p)
	if !ok {
		return InstrumentResult{}, kith.Invalid(p...)
	}
	return s.InstrumentResult, nil
}

func scoreInstrument(inst *Instrument, in InstrumentInput, field string, p *problems) (*scored, bool) {
	before := len(*p)
	a := parseAnswers(inst, in, field, p)
	if len(*p) > before {
		return nil, false
	}
	if inst.Code == DJG6 {
		if missing := countMissing(a); missing > 1 {
			p.add(field+".answers", "%d of 6 items are not answered: too incomplete to score (at most one may be missing)", missing)
			return nil, false
		}
	}
	return &scored{InstrumentResult: scorers[inst.Code](a), answers: a}, true
}

func parseAnswers(inst *Instrument, in InstrumentInput, field string, p *problems) []answer {
	var raws []json.RawMessage
	var path func(i int) string
	if inst.AnswerShape == ShapeAnswer {
		if in.Answers != nil {
			p.add(field+".answers", `%s takes one "answer", not "answers"`, inst.Name)
		}
		if in.Answer == nil {
			p.add(field+".answer", "is required")
			return nil
		}
		raws = []json.RawMessage{in.Answer}
		path = func(int) string { return field + ".answer" }
	} else {
		if in.Answer != nil {
			p.add(field+".answer", `%s takes a list of "answers", not one "answer"`, inst.Name)
		}
		if in.Answers == nil {
			p.add(field+".answers", "is required: %d answers, one per item", len(inst.Items))
			return nil
		}
		if len(in.Answers) != len(inst.Items) {
			p.add(field+".answers", "needs exactly %d answers, one per item in the published order; got %d", len(inst.Items), len(in.Answers))
		}
		raws = in.Answers[:min(len(in.Answers), len(inst.Items))] // the count error covers any extras
		path = func(i int) string { return fmt.Sprintf("%s.answers[%d]", field, i) }
	}
	out := make([]answer, len(raws))
	for i, raw := range raws {
		a, ok := parseValue(inst, raw)
		if !ok {
			p.add(path(i), "must be %s", expected(inst))
		}
		out[i] = a
	}
	return out
}

// parseValue accepts exactly the option values the catalogue lists, so that
// what the catalogue shows and what the API accepts cannot drift apart.
func parseValue(inst *Instrument, raw json.RawMessage) (answer, bool) {
	raw = bytes.TrimSpace(raw)
	if string(raw) == "null" {
		return answer{}, nullable(inst)
	}
	if len(raw) > 0 && raw[0] == '"' {
		s, ok := unquote(raw)
		if !ok {
			return answer{}, false
		}
		for _, o := range inst.Options {
			if v, isStr := o.Value.(string); isStr && v == string(s) {
				return answer{given: true, s: v}, true
			}
		}
		return answer{}, false
	}
	n, ok := jsonInt(raw)
	if !ok {
		return answer{}, false
	}
	for _, o := range inst.Options {
		if v, isInt := o.Value.(int); isInt && v == n {
			return answer{given: true, n: v}, true
		}
	}
	return answer{}, false
}

// unquote decodes a JSON string, without the decoder's cost for the plain
// ASCII answers nearly every client sends.
func unquote(raw []byte) ([]byte, bool) {
	if len(raw) >= 2 && raw[len(raw)-1] == '"' && bytes.IndexAny(raw[1:len(raw)-1], "\\\"") < 0 {
		return raw[1 : len(raw)-1], true
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return []byte(s), err == nil
}

// jsonInt parses a JSON number that is a small whole number written plainly
// ("3", not "3.0" or "3e0"): answers are picked from a list, never computed.
func jsonInt(b []byte) (int, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 3 || (b[0] == '0' && len(b) > 1) {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func nullable(inst *Instrument) bool {
	return slices.ContainsFunc(inst.Options, func(o Option) bool { return o.Value == nil })
}

// expected describes the allowed values for an error message.
func expected(inst *Instrument) string {
	var vals []string
	var ints []int
	for _, o := range inst.Options {
		switch v := o.Value.(type) {
		case string:
			vals = append(vals, fmt.Sprintf("%q", v))
		case int:
			ints = append(ints, v)
		}
	}
	var s string
	if len(ints) > 0 {
		s = fmt.Sprintf("a whole number from %d to %d", slices.Min(ints), slices.Max(ints))
	} else {
		s = "one of " + strings.Join(vals, ", ")
	}
	if nullable(inst) {
		s += ", or null when not answered"
	}
	return s
}

func countMissing(a []answer) int {
	n := 0
	for _, x := range a {
		if !x.given {
			n++
		}
	}
	return n
}

func intp(n int) *int { return &n }

// scorers score answers that have already been checked against the options.
var scorers = map[string]func([]answer) InstrumentResult{
	ONSLoneliness: scoreONS,
	UCLA3:         scoreUCLA3,
	DJG6:          scoreDJG6,
	LSNS6:         scoreLSNS6,
	EASI:          scoreEASI,
	CSI:           scoreCSI,
	CIR:           scoreCIR,
}

func scoreONS(a []answer) InstrumentResult {
	class := "not_lonely"
	switch a[0].s {
	case "often_always":
		class = "chronic_loneliness"
	case "some_of_the_time", "occasionally":
		class = "some_loneliness"
	}
	return InstrumentResult{Classification: class, Answer: a[0].s}
}

func scoreUCLA3(a []answer) InstrumentResult {
	sum := a[0].n + a[1].n + a[2].n
	class := "not_lonely"
	if sum >= 6 {
		class = "lonely"
	}
	return InstrumentResult{Score: intp(sum), Classification: class, Note: "6 or more is a widely used grouping, not a validated cut-off."}
}

// DJG-6 subscales, with items as 0-based indexes in published order. The
// neutral answer counts as lonely on both: emotional items are worded as
// loneliness, social items as its absence.
var djgSubscales = []struct {
	name   string
	items  []int
	lonely string
}{
	{"emotional", []int{0, 3, 5}, Yes},
	{"social", []int{1, 2, 4}, No},
}

func scoreDJG6(a []answer) InstrumentResult {
	r := InstrumentResult{Subscales: make(map[string]*int, len(djgSubscales))}
	total := 0
	for _, sub := range djgSubscales {
		n, complete := 0, true
		for _, i := range sub.items {
			switch {
			case !a[i].given:
				complete = false
				r.MissingItem = intp(i + 1)
			case a[i].s == sub.lonely || a[i].s == "more_or_less":
				n++
			}
		}
		// A missing item nulls its subscale, but the total still counts the
		// answered items (no prorating).
		total += n
		r.Subscales[sub.name] = nil
		if complete {
			r.Subscales[sub.name] = intp(n)
			if n >= 1 {
				r.LonelySubscales = append(r.LonelySubscales, sub.name)
			}
		}
	}
	r.Score = intp(total)
	switch {
	case total <= 1:
		r.Classification = "not_lonely"
	case total <= 4:
		r.Classification = "moderately_lonely"
	default:
		r.Classification = "severely_lonely"
	}
	return r
}

func scoreLSNS6(a []answer) InstrumentResult {
	family := a[0].n + a[1].n + a[2].n
	friends := a[3].n + a[4].n + a[5].n
	total := family + friends
	r := InstrumentResult{Score: intp(total), Classification: "not_at_risk", Subscales: map[string]*int{"family": intp(family), "friends": intp(friends)}}
	if total < 12 {
		r.Classification = "at_risk_of_isolation"
	}
	if family < 6 {
		r.MarginalSubscales = append(r.MarginalSubscales, "family")
	}
	if friends < 6 {
		r.MarginalSubscales = append(r.MarginalSubscales, "friends")
	}
	return r
}

func scoreEASI(a []answer) InstrumentResult {
	var r InstrumentResult
	for i, x := range a {
		switch {
		case !x.given:
			r.Declined = append(r.Declined, i+1)
		case i > 0 && x.s == Yes: // question 1 is context only
			r.YesItems = append(r.YesItems, i+1)
		}
	}
	r.Score = intp(len(r.YesItems))
	r.Classification = "no_suspicion"
	if len(r.YesItems) > 0 {
		r.Classification = "suspicion"
	}
	return r
}

func scoreCSI(a []answer) InstrumentResult {
	var r InstrumentResult
	for i, x := range a {
		if x.s == Yes {
			r.YesItems = append(r.YesItems, i+1)
		}
	}
	r.Score = intp(len(r.YesItems))
	r.Classification = "below_threshold"
	if len(r.YesItems) >= 7 {
		r.Classification = "high_strain"
	}
	return r
}

func scoreCIR(a []answer) InstrumentResult {
	r := InstrumentResult{Score: intp(a[0].n), Classification: "not_significant"}
	if a[0].n >= 4 {
		r.Classification = "clinically_significant"
	}
	return r
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
