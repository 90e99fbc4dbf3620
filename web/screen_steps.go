package web

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/screening"
)

// The screening form's question pages, in the order a visitor meets them:
// danger first, so that 999 is shown at once; then the person and how to
// reach them safely; what the visitor saw; the safeguarding questions; the
// short instruments, only where they fit; what the person wants and who
// the visitor is; then check your answers.
const (
	stepDanger       = "danger"
	stepPerson       = "person"
	stepSeen         = "seen"
	stepSafeguarding = "safeguarding"
	stepQuestions    = "questions"
	stepAgreement    = "agreement"
	stepCheck        = "check"
)

type screenStepInfo struct{ Code, Title, Summary string }

var screenSteps = []screenStepInfo{
	{stepDanger, "Is anyone in danger right now?", "Danger now"},
	{stepPerson, "The person, and how to contact them safely", "The person"},
	{stepSeen, "What did you notice?", "What you noticed"},
	{stepSafeguarding, "Safeguarding questions", "Safeguarding"},
	{stepQuestions, "Short questions you may ask", "Short questions"},
	{stepAgreement, "What the person wants", "What the person wants, and about you"},
	{stepCheck, "Check your answers", "Check your answers"},
}

func stepIndex(code string) int {
	return slices.IndexFunc(screenSteps, func(s screenStepInfo) bool { return s.Code == code })
}

// screenStep is a posted step name, or the first step if it names none.
func screenStep(code string) string {
	if stepIndex(code) < 0 {
		return stepDanger
	}
	return code
}

func stepAfter(code string) string {
	return screenSteps[min(stepIndex(screenStep(code))+1, len(screenSteps)-1)].Code
}

func stepBefore(code string) string {
	return screenSteps[max(stepIndex(screenStep(code))-1, 0)].Code
}

func screenStepTitle(code string) string { return screenSteps[stepIndex(screenStep(code))].Title }

// fieldStep is the question page that asks a field (by its JSON path).
// A problem that belongs to no question is shown on check your answers.
func fieldStep(field string) string {
	switch {
	case field == "s42.immediate_danger":
		return stepDanger
	case strings.HasPrefix(field, "person"), strings.HasPrefix(field, "safe_contact"):
		return stepPerson
	case strings.HasPrefix(field, "indicators"):
		return stepSeen
	case strings.HasPrefix(field, "s42"), strings.HasPrefix(field, "seen_alone"),
		strings.HasPrefix(field, "instruments.easi"), strings.HasPrefix(field, "discloses_abuse_types"):
		return stepSafeguarding
	case strings.HasPrefix(field, "instruments"):
		return stepQuestions
	case strings.HasPrefix(field, "consent"), strings.HasPrefix(field, "wishes"),
		strings.HasPrefix(field, "desired_outcomes"), strings.HasPrefix(field, "observer"):
		return stepAgreement
	}
	return stepCheck
}

// sortByStep orders problems by the page that asks them, keeping each
// page's own order.
func sortByStep(errs []kith.FieldError) {
	slices.SortStableFunc(errs, func(a, b kith.FieldError) int {
		return stepIndex(fieldStep(a.Field)) - stepIndex(fieldStep(b.Field))
	})
}

// formErrorsUpTo keeps the problems with questions on this page or the
// ones before it: questions not reached yet are not problems yet.
func formErrorsUpTo(errs []kith.FieldError, step string) []kith.FieldError {
	limit := stepIndex(screenStep(step))
	var out []kith.FieldError
	for _, e := range errs {
		if stepIndex(fieldStep(e.Field)) <= limit {
			out = append(out, e)
		}
	}
	return out
}

// stepErrors keeps the problems on the page of the first one: the page
// that is shown, so that the error summary links to fields on it.
func stepErrors(errs []kith.FieldError) []kith.FieldError {
	if len(errs) == 0 {
		return nil
	}
	page := fieldStep(errs[0].Field)
	var out []kith.FieldError
	for _, e := range errs {
		if fieldStep(e.Field) == page {
			out = append(out, e)
		}
	}
	return out
}

// alwaysRequired are the questions every screening must answer; the form
// marks them, so that a phone without signal can say what is missing
// before it keeps a screening to send later.
var alwaysRequired = []string{"person.name", "person.postcode", "consent.share",
	"s42.immediate_danger", "s42.care_and_support_needs", "s42.unable_to_protect_self", "s42.others_at_risk",
	"s42.capacity_concern", "s42.crime_suspected", "s42.staff_or_provider_implicated", "s42.visitor_concerned"}

// requiredMessage is the message for a question left blank, for the
// questions every screening must answer; "" for the others.
func requiredMessage(field string) string {
	if slices.Contains(alwaysRequired, field) {
		return unansweredMessages[field]
	}
	return ""
}

// summarySection is one question page's answers on check your answers.
type summarySection struct {
	Title string
	Rows  []summaryRow
}

type summaryRow struct {
	Key    string
	Values []string
	Step   string // the page to change it on
}

var answerWords = map[string]string{"yes": "Yes", "no": "No", "unsure": "Not sure", "not_asked": "Not asked"}

func answerWord(v string) string {
	if w, ok := answerWords[v]; ok {
		return w
	}
	return v
}

// screenSummary lists the answers given, page by page, in the visitor's
// words. Required questions are always listed; optional ones only when
// answered.
func screenSummary(f formState) []summarySection {
	var out []summarySection
	add := func(step string, rows []summaryRow) {
		if len(rows) > 0 {
			out = append(out, summarySection{Title: screenSteps[stepIndex(step)].Summary, Rows: rows})
		}
	}
	add(stepDanger, []summaryRow{answerRow(f, stepDanger, "Anyone in danger right now", "s42.immediate_danger", true)})
	add(stepPerson, personRows(f))
	add(stepSeen, seenRows(f))
	add(stepSafeguarding, safeguardingRows(f))
	add(stepQuestions, instrumentRows(f))
	add(stepAgreement, agreementRows(f))
	return out
}

// answerRow is one question's row: its answer in words, "Not answered"
// for a required question left blank, or no row (Key "") for an optional
// one.
func answerRow(f formState, step, key, field string, required bool) summaryRow {
	v := strings.TrimSpace(f.Get(field))
	if v == "" {
		if !required {
			return summaryRow{}
		}
		return summaryRow{Key: key, Values: []string{"Not answered"}, Step: step}
	}
	return summaryRow{Key: key, Values: []string{answerWord(v)}, Step: step}
}

func rows(rs ...summaryRow) []summaryRow {
	var out []summaryRow
	for _, r := range rs {
		if r.Key != "" {
			out = append(out, r)
		}
	}
	return out
}

func personRows(f formState) []summaryRow {
	p := stepPerson
	where := answerRow(f, p, "Postcode", "person.postcode", true)
	if f.Get("person.postcode") == "" && f.Get("person.latitude") != "" {
		where = summaryRow{Key: "Where they live", Values: []string{"Location recorded"}, Step: p}
	}
	return rows(answerRow(f, p, "Name", "person.name", true), answerRow(f, p, "Name in English letters", "person.name_latin", false),
		where, answerRow(f, p, "Can leave home without help", "person.leaves_home_without_help", false),
		answerRow(f, p, "Address", "person.address", false), answerRow(f, p, "Age", "person.age", false),
		answerRow(f, p, "Preferred language", "person.language", false),
		answerRow(f, p, "Safe to phone them", "safe_contact.phone", false), answerRow(f, p, "Their phone number", "person.phone", false),
		answerRow(f, p, "Safe to send letters", "safe_contact.post", false), answerRow(f, p, "Safe to visit", "safe_contact.visit", false),
		answerRow(f, p, "Safe times", "safe_contact.times", false),
		answerRow(f, p, "Must not be contacted or told", "safe_contact.do_not_contact", false))
}

func seenRows(f formState) []summaryRow {
	var out []summaryRow
	cat := screening.Catalogue()
	for _, g := range cat.Groups {
		var seen []string
		for _, i := range cat.Indicators {
			if i.Group == g.Code && f.Has("indicators", i.Code) {
				seen = append(seen, i.Wording)
			}
		}
		if len(seen) > 0 {
			out = append(out, summaryRow{Key: g.Name, Values: seen, Step: stepSeen})
		}
	}
	if len(out) == 0 {
		out = append(out, summaryRow{Key: "What you noticed", Values: []string{"Nothing ticked"}, Step: stepSeen})
	}
	return out
}

var othersAtRiskWords = map[string]string{"child": "A child", "adult": "Another adult", "public": "The public"}

func safeguardingRows(f formState) []summaryRow {
	s := stepSafeguarding
	others := answerRow(f, s, "Anyone else at risk", "s42.others_at_risk", true)
	if f.Get("s42.others_at_risk") == "yes" {
		for _, w := range f["s42.others_at_risk_who"] {
			others.Values = append(others.Values, othersAtRiskWords[w])
		}
	}
	var kinds []string
	for _, t := range screening.TypeOfRiskWording {
		if f.Has("discloses_abuse_types", t.Code) {
			kinds = append(kinds, t.Wording)
		}
	}
	out := rows(answerRow(f, s, "Seems to need care and support", "s42.care_and_support_needs", true),
		answerRow(f, s, "Would find it hard or impossible to protect themselves", "s42.unable_to_protect_self", true),
		others,
		answerRow(f, s, "Worried they may not understand the decisions", "s42.capacity_concern", true),
		answerRow(f, s, "Think a crime has been committed", "s42.crime_suspected", true),
		answerRow(f, s, "Staff or a care provider involved in the harm", "s42.staff_or_provider_implicated", true),
		answerRow(f, s, "Still worried about the person", "s42.visitor_concerned", true),
		answerRow(f, s, "Talked with them on their own", "seen_alone", false),
		answerRow(f, s, "Your own organisation or manager may be involved", "s42.own_organisation_implicated", false))
	if len(kinds) > 0 {
		out = append(out, summaryRow{Key: "Kinds of harm they describe", Values: kinds, Step: s})
	}
	for _, t := range []struct {
		key, field string
		terms      []screening.Term
	}{{"Where the harm happens", "s42.location_of_risk", screening.LocationsOfRisk},
		{"Who may be causing the harm", "s42.source_of_risk", screening.SourcesOfRisk},
		{"Domestic abuse risk assessment", "s42.dash_risk", screening.DashRisks}} {
		if v := f.Get(t.field); v != "" {
			out = append(out, summaryRow{Key: t.key, Values: []string{termWording(t.terms, v)}, Step: s})
		}
	}
	easi, _ := screening.InstrumentByCode(screening.EASI)
	if n := answeredCount(f, "instruments.easi.answers", len(easi.Items)); n > 0 {
		out = append(out, summaryRow{Key: instrumentName(screening.EASI), Values: []string{fmt.Sprintf("%d questions answered", n)}, Step: s})
	}
	return out
}

func termWording(ts []screening.Term, code string) string {
	for _, t := range ts {
		if t.Code == code {
			return t.Wording
		}
	}
	return code
}

func instrumentName(code string) string {
	if in, ok := screening.InstrumentByCode(code); ok {
		return in.Name
	}
	return code
}

// answeredCount counts how many of a list's items are answered.
func answeredCount(f formState, base string, items int) int {
	n := 0
	for i := range items {
		if f.Get(fmt.Sprintf("%s[%d]", base, i)) != "" {
			n++
		}
	}
	return n
}

func instrumentRows(f formState) []summaryRow {
	var out []summaryRow
	for _, in := range screening.Catalogue().Instruments {
		if in.Code == screening.EASI {
			continue
		}
		base := "instruments." + in.Code
		if in.AnswerShape == "answer" {
			if v := f.Get(base + ".answer"); v != "" {
				out = append(out, summaryRow{Key: in.Name, Values: []string{optionLabel(in, v)}, Step: stepQuestions})
			}
			continue
		}
		if n := answeredCount(f, base+".answers", len(in.Items)); n > 0 {
			out = append(out, summaryRow{Key: in.Name, Values: []string{fmt.Sprintf("%d of %d questions answered", n, len(in.Items))}, Step: stepQuestions})
		}
	}
	return out
}

func optionLabel(in screening.Instrument, v string) string {
	for _, o := range in.Options {
		if optionValue(o.Value) == v {
			return o.Label
		}
	}
	return v
}

func agreementRows(f formState) []summaryRow {
	a := stepAgreement
	out := rows(answerRow(f, a, "Agrees to sharing what you found", "consent.share", true),
		answerRow(f, a, "In their own words", "wishes", false))
	var wants []string
	for _, k := range []string{"desired_outcomes[0]", "desired_outcomes[1]"} {
		if v := strings.TrimSpace(f.Get(k)); v != "" {
			wants = append(wants, v)
		}
	}
	if len(wants) > 0 {
		out = append(out, summaryRow{Key: "What they want to happen", Values: wants, Step: a})
	}
	agency := answerRow(f, a, "Your organisation type", "observer.agency", false)
	if l, ok := agencyLabels[f.Get("observer.agency")]; ok {
		agency.Values = []string{l}
	}
	return append(out, rows(answerRow(f, a, "Your name", "observer.name", false), answerRow(f, a, "Your phone number", "observer.phone", false),
		answerRow(f, a, "Your role", "observer.role", false),
		answerRow(f, a, "Your organisation", "observer.organisation", false), agency)...)
}
