package web

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/screening"
	"github.com/labstack/echo/v4"
)

// formState is what was typed into a form, so it can be shown again.
type formState url.Values

// postedForm reads a posted form's fields.
func postedForm(c echo.Context) (formState, error) {
	params, err := c.FormParams()
	if err != nil {
		return nil, kith.Errorf(kith.EBADREQUEST, "The form could not be read.")
	}
	return formState(params), nil
}

// Get returns the first value of a field.
func (f formState) Get(name string) string { return url.Values(f).Get(name) }

// Has reports whether a field (checkboxes, radios) holds value.
func (f formState) Has(name, value string) bool {
	for _, v := range f[name] {
		if v == value {
			return true
		}
	}
	return false
}

// screenForm is what the screening form template gets.
type screenForm struct {
	Form        formState
	Catalogue   screening.CatalogueDoc
	Groups      []indicatorGroup
	Instruments []screening.Instrument // asked of anyone
	EASI        screening.Instrument   // asked only when seen alone
	Agencies    []string
	YesNo       [][2]string
	YesNoUnsure [][2]string
	ConsentOpts [][2]string
	AgencyOpts  [][2]string
	// The optional details of the harm, each with "not known" first.
	LocationOpts [][2]string
	SourceOpts   [][2]string
	DashOpts     [][2]string
	RiskTypeOpts [][2]string

	// Step is the question page shown; the others stay in the form,
	// hidden, so that their answers travel with it.
	Step string
	// Fresh is a form just opened: the browser gives it its own key.
	Fresh bool
	// Author is who the screening belongs to (site/user): a screening
	// saved on a shared phone is only ever sent by them.
	Author            string
	SafeguardingPhone string
	Summary           []summarySection // on the check-your-answers page
}

// AnyChecked reports whether any of the indicators is ticked.
func (sf screenForm) AnyChecked(inds []screening.Indicator) bool {
	for _, i := range inds {
		if sf.Form.Has("indicators", i.Code) {
			return true
		}
	}
	return false
}

// InstrumentAnswered reports whether any question of an instrument has an
// answer.
func (sf screenForm) InstrumentAnswered(code string) bool {
	for k, v := range sf.Form {
		if strings.HasPrefix(k, "instruments."+code+".") && len(v) > 0 && v[0] != "" {
			return true
		}
	}
	return false
}

func termOptions(notKnown string, ts []screening.Term) [][2]string {
	var out [][2]string
	if notKnown != "" {
		out = append(out, [2]string{"", notKnown})
	}
	for _, t := range ts {
		out = append(out, [2]string{t.Code, t.Wording})
	}
	return out
}

var agencyLabels = map[string]string{
	"home_care": "Home care", "fire_service": "Fire and rescue service", "housing": "Housing", "police": "Police",
	"ambulance": "Ambulance service", "primary_care": "GP or community health", "pharmacy": "Pharmacy",
	"voluntary_sector": "Voluntary or community organisation", "other": "Other",
}

// instrumentOptions turns an instrument's answer options into radio
// values and labels; a null option (not answered) is left out, because
// leaving the question blank says that.
func instrumentOptions(opts []screening.Option) [][2]string {
	var out [][2]string
	for _, o := range opts {
		if o.Value == nil {
			continue
		}
		out = append(out, [2]string{optionValue(o.Value), o.Label})
	}
	return out
}

type indicatorGroup struct {
	Code, Name string
	Indicators []screening.Indicator
	// Common are shown at once; More behind "more signs".
	Common, More []screening.Indicator
}

// commonSigns is how many of each relationship's signs are shown before
// "more signs": the catalogue lists each group's signs commonest first.
const commonSigns = 3

func newScreenForm(f formState) screenForm {
	cat := screening.Catalogue()
	sf := screenForm{Form: f, Catalogue: cat, Agencies: screening.Agencies, Step: screenSteps[0].Code,
		YesNo:       [][2]string{{"yes", "Yes"}, {"no", "No"}},
		YesNoUnsure: [][2]string{{"yes", "Yes"}, {"no", "No"}, {"unsure", "Not sure"}},
		ConsentOpts: [][2]string{{"yes", "Yes"}, {"no", "No"}, {"not_asked", "Not asked: it was not safe or not possible to ask"}}}
	sf.LocationOpts = termOptions("Not known", screening.LocationsOfRisk)
	sf.SourceOpts = termOptions("Not known", screening.SourcesOfRisk)
	sf.DashOpts = termOptions("Not done, or not known", screening.DashRisks)
	sf.RiskTypeOpts = termOptions("", screening.TypeOfRiskWording)
	for _, a := range screening.Agencies {
		sf.AgencyOpts = append(sf.AgencyOpts, [2]string{a, agencyLabels[a]})
	}
	for _, g := range cat.Groups {
		ig := indicatorGroup{Code: g.Code, Name: g.Name}
		for _, i := range cat.Indicators {
			if i.Group == g.Code {
				ig.Indicators = append(ig.Indicators, i)
			}
		}
		ig.Common = ig.Indicators[:min(commonSigns, len(ig.Indicators))]
		ig.More = ig.Indicators[len(ig.Common):]
		sf.Groups = append(sf.Groups, ig)
	}
	for _, in := range cat.Instruments {
		if in.Code == screening.EASI {
			sf.EASI = in
			continue
		}
		sf.Instruments = append(sf.Instruments, in)
	}
	return sf
}

func newClientRef() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "form-" + hex.EncodeToString(b)
}

func (s *Server) screenPage(c echo.Context) error {
	f := formState{"client_ref": {newClientRef()}}
	return s.renderScreenStep(c, http.StatusOK, f, screenSteps[0].Code, nil, true)
}

// renderScreenStep shows one question page of the screening form, with
// the answers so far carried in it.
func (s *Server) renderScreenStep(c echo.Context, status int, f formState, step string, errs []kith.FieldError, fresh bool) error {
	sf := newScreenForm(f)
	sf.Step, sf.Fresh = step, fresh
	pd := pageData{Title: screenStepTitle(step), Errors: errs, Data: &sf}
	if a := actor(c); a.Kind == "user" {
		sf.Author = app.AuthorKey(a.Site, a.ID)
		if site, err := s.app.Site(c.Request().Context(), a.Site); err == nil {
			sf.SafeguardingPhone, pd.SiteName = site.Settings.SafeguardingPhone, site.Name
		}
	}
	if step == stepCheck {
		sf.Summary = screenSummary(f)
	}
	return s.render(c, status, "screen", pd)
}

// submitScreenForm moves between the form's question pages (without
// JavaScript each page is a round trip, its answers carried in the form)
// and, from check your answers, submits: the form becomes the same
// request the API takes, so both follow one set of rules.
func (s *Server) submitScreenForm(c echo.Context) error {
	f, err := postedForm(c)
	if err != nil {
		return err
	}
	step := screenStep(f.Get("_step"))
	action := f.Get("_action")
	switch {
	case action == "back":
		return s.renderScreenStep(c, http.StatusOK, f, stepBefore(step), nil, false)
	case strings.HasPrefix(action, "change:"):
		f["_return"] = []string{stepCheck}
		return s.renderScreenStep(c, http.StatusOK, f, screenStep(strings.TrimPrefix(action, "change:")), nil, false)
	case action == "continue":
		_, all := s.screenFormErrors(f)
		if errs := formErrorsUpTo(all, step); len(errs) > 0 {
			return s.renderScreenStep(c, http.StatusUnprocessableEntity, f, fieldStep(errs[0].Field), stepErrors(errs), false)
		}
		next := stepAfter(step)
		if f.Get("_return") == stepCheck {
			next = stepCheck
		}
		return s.renderScreenStep(c, http.StatusOK, f, next, nil, false)
	}
	// Submitting. A screening saved on a shared phone is sent only by the
	// person who made it.
	if err := app.CheckScreeningAuthor(actor(c), f.Get("author")); err != nil {
		return err
	}
	req, errs := s.screenFormErrors(f)
	if len(errs) == 0 {
		stored, _, err := s.submitScreening(c, req, req.ClientRef)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/screenings/"+stored.ID)
		}
		if errs = kith.FieldErrors(err); len(errs) == 0 {
			return err
		}
		errs = inVisitorWords(f, errs)
	}
	return s.renderScreenStep(c, http.StatusUnprocessableEntity, f, fieldStep(errs[0].Field), stepErrors(errs), false)
}

// screenFormErrors is the request the form makes and every problem the
// rules find with its answers, in the visitor's words: the request's
// checks and the screening rules' own, so that every problem is shown at
// once, not one round at a time.
func (s *Server) screenFormErrors(f formState) (*screening.Request, []kith.FieldError) {
	req, errs := requestFromForm(f)
	if len(errs) == 0 {
		if err := s.validate(req); err != nil {
			errs = kith.FieldErrors(err)
			if _, err := screening.Assess(req, screening.Options{}); err != nil {
				errs = mergeFieldErrors(errs, kith.FieldErrors(err))
			}
		}
	}
	return req, inVisitorWords(f, errs)
}

// inVisitorWords words the rules' problems for the visitor, in the order
// of the pages that ask them.
func inVisitorWords(f formState, errs []kith.FieldError) []kith.FieldError {
	for i := range errs {
		errs[i].Message = formMessage(f, errs[i])
	}
	sortByStep(errs)
	return errs
}

// mergeFieldErrors adds to errs those of more about fields not yet named.
func mergeFieldErrors(errs, more []kith.FieldError) []kith.FieldError {
	seen := map[string]bool{}
	for _, e := range errs {
		seen[e.Field] = true
	}
	for _, e := range more {
		if !seen[e.Field] {
			seen[e.Field] = true
			errs = append(errs, e)
		}
	}
	return errs
}

// unansweredMessages say, in the GOV.UK way, what to do about a question
// left blank, naming it in the words the form uses.
var unansweredMessages = map[string]string{
	"person.name":                      "Enter the person's name",
	"person.postcode":                  "Enter the person's postcode, or use your location",
	"consent.share":                    "Say whether the person agrees to you sharing what you found",
	"s42.immediate_danger":             "Say whether anyone is in danger right now",
	"s42.care_and_support_needs":       "Say whether the person seems to need care and support",
	"s42.unable_to_protect_self":       "Say whether they could protect themselves",
	"s42.others_at_risk":               "Say whether anyone else is at risk",
	"s42.others_at_risk_who":           "Say who else is at risk: a child, another adult or the public",
	"s42.capacity_concern":             "Say whether you are worried they may not understand the decisions about this",
	"s42.crime_suspected":              "Say whether you think a crime has been committed",
	"s42.staff_or_provider_implicated": "Say whether a member of staff or a care provider is involved in the harm",
	"s42.visitor_concerned":            "Say whether you are still worried about the person",
	"seen_alone":                       "Say whether you talked with the person on their own",
	"safe_contact":                     "Say whether it is safe to phone, write to or visit them: you noticed a sign that someone may be controlling or harming them",
}

// invalidMessages say what to do about an answer the rules refuse.
var invalidMessages = map[string]string{
	"person.postcode": "Enter a real UK postcode, like LS1 4AP",
	"person.phone":    "Enter a UK phone number, like 07700 900123 or 0113 496 0000",
	"person.age":      "Enter their age as a whole number, like 78",
}

// formMessage turns a rule's message about a field into one for the
// visitor: what to do, naming the question in plain words.
func formMessage(f formState, fe kith.FieldError) string {
	if m, ok := unansweredMessages[fe.Field]; ok && strings.TrimSpace(f.Get(fe.Field)) == "" {
		return m
	}
	if m, ok := invalidMessages[fe.Field]; ok {
		return m
	}
	return fieldLabel(fe.Field) + ": " + fe.Message
}

// fieldLabel names a field the way the form does.
func fieldLabel(field string) string {
	labels := map[string]string{
		"person.name": "Name", "person.name_latin": "Name in English letters", "person.postcode": "Postcode",
		"person.address": "Address", "person.age": "Age", "person.phone": "Phone number", "person.language": "Preferred language",
		"person.latitude": "Location", "person.longitude": "Location",
		"consent.share": "Agreement to share", "consent.refer": "Agreement to a referral", "consent.feedback": "Agreement to be contacted about how it went",
		"s42.care_and_support_needs": "Care and support needs", "s42.unable_to_protect_self": "Would find it hard to protect themselves",
		"s42.immediate_danger": "Immediate danger", "s42.others_at_risk": "Others at risk", "s42.others_at_risk_who": "Who else is at risk",
		"s42.capacity_concern": "Understanding the decision", "s42.crime_suspected": "A crime", "s42.staff_or_provider_implicated": "Staff or a provider involved",
		"s42.visitor_concerned": "Your own concern", "s42.own_organisation_implicated": "Your own organisation involved",
		"s42.location_of_risk": "Where the harm happens", "s42.source_of_risk": "Who may be causing the harm", "s42.dash_risk": "Domestic abuse risk assessment",
		"discloses_abuse_types": "Kinds of harm they describe", "safe_contact": "Safe contact", "seen_alone": "Seen alone",
		"wishes": "What the person wants", "observer.agency": "Your organisation type", "observer.name": "Your name", "observer.phone": "Your phone number", "indicators": "What you noticed",
	}
	if l, ok := labels[field]; ok {
		return l
	}
	if strings.HasPrefix(field, "instruments.") {
		code := strings.SplitN(strings.TrimPrefix(field, "instruments."), ".", 2)[0]
		if in, ok := screening.InstrumentByCode(code); ok {
			rest := strings.TrimPrefix(field, "instruments."+code)
			if i := strings.Index(rest, "["); i >= 0 {
				if n, err := strconv.Atoi(strings.Trim(rest[i:], "[]")); err == nil {
					return fmt.Sprintf("%s question %d", in.Name, n+1)
				}
			}
			return in.Name
		}
	}
	if strings.HasPrefix(field, "safe_contact.") {
		return "Safe contact"
	}
	if strings.HasPrefix(field, "discloses_abuse_types[") {
		return "Kinds of harm they describe"
	}
	return field
}

func yesNo(f formState, name string, errs *[]kith.FieldError) *bool {
	switch f.Get(name) {
	case "yes":
		t := true
		return &t
	case "no":
		v := false
		return &v
	case "":
		return nil
	}
	*errs = append(*errs, kith.FieldError{Field: name, Message: "must be yes or no"})
	return nil
}

func optString(f formState, name string) *string {
	if v := f.Get(name); v != "" {
		return &v
	}
	return nil
}

// requestFromForm builds a screening request from the form's fields, which
// are named by the request's JSON paths.
func requestFromForm(f formState) (*screening.Request, []kith.FieldError) {
	var errs []kith.FieldError
	req := &screening.Request{ClientRef: f.Get("client_ref"), Wishes: strings.TrimSpace(f.Get("wishes"))}
	p := &screening.Person{
		Name: strings.TrimSpace(f.Get("person.name")), NameLatin: strings.TrimSpace(f.Get("person.name_latin")),
		Postcode: strings.TrimSpace(f.Get("person.postcode")), Address: strings.TrimSpace(f.Get("person.address")),
		Language: strings.TrimSpace(f.Get("person.language")), Phone: strings.TrimSpace(f.Get("person.phone")),
	}
	if v := strings.TrimSpace(f.Get("person.age")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, kith.FieldError{Field: "person.age", Message: "must be a whole number, like 78"})
		} else {
			p.Age = &n
		}
	}
	for _, ll := range []struct {
		name string
		dst  **float64
	}{{"person.latitude", &p.Latitude}, {"person.longitude", &p.Longitude}} {
		if v := strings.TrimSpace(f.Get(ll.name)); v != "" {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				errs = append(errs, kith.FieldError{Field: ll.name, Message: "must be a number"})
			} else {
				*ll.dst = &x
			}
		}
	}
	// The form asks "Can they leave home without help?", so Yes means not
	// housebound.
	if out := yesNo(f, "person.leaves_home_without_help", &errs); out != nil {
		hb := !*out
		p.Housebound = &hb
	}
	p.AnxiousAboutGoingOut = yesNo(f, "person.anxious_about_going_out", &errs)
	req.Person = p
	req.Consent = &screening.Consent{Share: f.Get("consent.share"), Refer: f.Get("consent.refer"), Feedback: f.Get("consent.feedback")}
	req.S42 = &screening.S42{
		CareAndSupportNeeds:       f.Get("s42.care_and_support_needs"),
		UnableToProtectSelf:       f.Get("s42.unable_to_protect_self"),
		ImmediateDanger:           yesNo(f, "s42.immediate_danger", &errs),
		OthersAtRisk:              yesNo(f, "s42.others_at_risk", &errs),
		CapacityConcern:           yesNo(f, "s42.capacity_concern", &errs),
		CrimeSuspected:            yesNo(f, "s42.crime_suspected", &errs),
		StaffOrProviderImplicated: yesNo(f, "s42.staff_or_provider_implicated", &errs),
		VisitorConcerned:          yesNo(f, "s42.visitor_concerned", &errs),
	}
	req.S42.OwnOrganisationImplicated = yesNo(f, "s42.own_organisation_implicated", &errs)
	req.S42.LocationOfRisk, req.S42.SourceOfRisk, req.S42.DashRisk = f.Get("s42.location_of_risk"), f.Get("s42.source_of_risk"), f.Get("s42.dash_risk")
	req.DisclosesAbuseTypes = f["discloses_abuse_types"]
	if req.S42.OthersAtRisk != nil && *req.S42.OthersAtRisk {
		req.S42.OthersAtRiskWho = f["s42.others_at_risk_who"]
	}
	req.SeenAlone = yesNo(f, "seen_alone", &errs)
	sc := &screening.SafeContactAnswers{Phone: optString(f, "safe_contact.phone"), Post: optString(f, "safe_contact.post"),
		Visit: optString(f, "safe_contact.visit"), Times: strings.TrimSpace(f.Get("safe_contact.times")),
		DoNotContact: strings.TrimSpace(f.Get("safe_contact.do_not_contact"))}
	if sc.Phone != nil || sc.Post != nil || sc.Visit != nil || sc.Times != "" || sc.DoNotContact != "" {
		req.SafeContact = sc
	}
	req.Indicators = append([]string{}, f["indicators"]...)
	for _, v := range []string{f.Get("desired_outcomes[0]"), f.Get("desired_outcomes[1]"), f.Get("desired_outcomes[2]")} {
		if v = strings.TrimSpace(v); v != "" {
			req.DesiredOutcomes = append(req.DesiredOutcomes, v)
		}
	}
	if o := (screening.Observer{Name: strings.TrimSpace(f.Get("observer.name")), Phone: strings.TrimSpace(f.Get("observer.phone")),
		Role: f.Get("observer.role"), Organisation: f.Get("observer.organisation"), Agency: f.Get("observer.agency")}); o != (screening.Observer{}) {
		req.Observer = &o
	}
	req.Instruments = instrumentsFromForm(f)
	return req, errs
}

// instrumentsFromForm includes an instrument only when at least one of its
// questions was answered; an unanswered question in it becomes null, which
// the scoring rules then accept or refuse by name.
func instrumentsFromForm(f formState) map[string]screening.InstrumentInput {
	out := map[string]screening.InstrumentInput{}
	for _, in := range screening.Catalogue().Instruments {
		base := "instruments." + in.Code
		if in.AnswerShape == "answer" {
			if v := f.Get(base + ".answer"); v != "" {
				out[in.Code] = screening.InstrumentInput{Answer: formJSON(v)}
			}
			continue
		}
		answers := make([]json.RawMessage, len(in.Items))
		any := false
		for i := range in.Items {
			v := f.Get(fmt.Sprintf("%s.answers[%d]", base, i))
			if v == "" {
				answers[i] = json.RawMessage("null")
				continue
			}
			any = true
			answers[i] = formJSON(v)
		}
		if any {
			out[in.Code] = screening.InstrumentInput{Answers: answers}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// formJSON turns a radio's value into the JSON the scoring rules expect:
// numbers stay numbers, anything else is a string.
func formJSON(v string) json.RawMessage {
	if _, err := strconv.Atoi(v); err == nil {
		return json.RawMessage(v)
	}
	b, _ := json.Marshal(v)
	return b
}

// optionValue is how an instrument option is written in a radio's value.
func optionValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

func (s *Server) screeningResultPage(c echo.Context) error {
	return s.renderScreeningResult(c, http.StatusOK, c.Param("id"), nil)
}

// renderScreeningResult shows a screening's result, with any mark to
// check its answers (and problems with checking it).
func (s *Server) renderScreeningResult(c echo.Context, status int, id string, errs []kith.FieldError) error {
	if len(id) > 64 {
		return kith.Errorf(kith.ENOTFOUND, "Screening not found.")
	}
	ctx := c.Request().Context()
	stored, err := s.app.Screening(ctx, actor(c), id)
	if err != nil {
		return err
	}
	v := newResultView(stored)
	r, found, err := s.app.ScreeningReviewOf(ctx, actor(c), stored)
	if err != nil {
		return err
	}
	if found {
		v.Review = newReviewView(r, actor(c).Role)
	}
	return s.render(c, status, "screening_result", pageData{Title: "What to do next", Errors: errs, Data: v})
}

// resultView is a stored screening arranged for its page.
type resultView struct {
	app.StoredScreening
	RelationshipRows    []relationshipRow
	RecommendationViews []recommendationView
	Review              *reviewView // when its answers are marked to check
}

type relationshipRow struct {
	Name, Level string
	Evidence    []screening.Evidence
}

type recommendationView struct {
	Name       string   `json:"name"`
	DistanceKm *float64 `json:"distance_km"`
	Reasons    []string `json:"reasons"`
}

// Distance is the distance in words, or "" when it is not known.
func (r recommendationView) Distance() string {
	if r.DistanceKm == nil {
		return ""
	}
	return strconv.FormatFloat(*r.DistanceKm, 'f', 1, 64) + " km"
}

// shownRecommendations is how many recommendations the result page lists
// before "show more".
const shownRecommendations = 5

// FirstRecommendations are those listed at once; MoreRecommendations the
// rest, behind "show more".
func (v resultView) FirstRecommendations() []recommendationView {
	return v.RecommendationViews[:min(len(v.RecommendationViews), shownRecommendations)]
}

func (v resultView) MoreRecommendations() []recommendationView {
	return v.RecommendationViews[min(len(v.RecommendationViews), shownRecommendations):]
}

func newResultView(st app.StoredScreening) resultView {
	v := resultView{StoredScreening: st}
	for _, rel := range screening.Relationships {
		r := st.Relationships[rel.Code]
		v.RelationshipRows = append(v.RelationshipRows, relationshipRow{Name: rel.Name, Level: r.Level, Evidence: r.Evidence})
	}
	for _, raw := range st.Recommendations {
		var rv recommendationView
		if json.Unmarshal(raw, &rv) == nil {
			v.RecommendationViews = append(v.RecommendationViews, rv)
		}
	}
	return v
}
