package web

// The safeguarding front door: the Concerns page and a concern's page for
// safeguarding officers and leads, the team's signed link to a concern
// summary, and the visitor's "Concerns you raised".

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/letters"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
	"github.com/kith-project/kith/signedlink"
	"github.com/labstack/echo/v4"
)

const concernPurpose = "concern-summary"

// concernLinkFor makes the safeguarding team's signed link to a concern's
// summary, when the application asks for it.
func (s *Server) concernLinkFor(c echo.Context) func(site, id string) (string, error) {
	return func(site, id string) (string, error) {
		key, err := s.app.Secret(c.Request().Context(), signingKeyName)
		if err != nil {
			return "", err
		}
		tok := signedlink.Sign(key, signedlink.Claims{Purpose: concernPurpose, Site: site, ID: id, Expires: s.now().Add(app.ConcernLinkDays * 24 * time.Hour)})
		return s.baseURL(c) + "/concern-summary/" + tok, nil
	}
}

// Plain words for the council's decision and outcome, in the national
// return's terms; the page never shows a code.
var (
	enquiryOptions = [][2]string{
		{"s42_enquiry", "A section 42 enquiry"},
		{"other_enquiry", "Another safeguarding enquiry (not under section 42)"},
		{"no_enquiry", "No enquiry"},
	}
	insteadOptions = [][2]string{
		{"information_and_advice", "Information and advice given"},
		{"community_referral", "Signposted or referred to community support"},
		{"other_service", "Passed to another service"},
		{"no_further_action", "No further action"},
	}
	concernAskedOptions = [][2]string{
		{"asked_expressed", "Asked, and they said what they wanted"},
		{"asked_not_expressed", "Asked, but they did not say"},
		{"not_asked", "Not asked"},
		{"dont_know", "Not known"},
		{"not_recorded", "Not recorded"},
	}
	concernAchievedOptions = [][2]string{{"fully", "Fully achieved"}, {"partially", "Partly achieved"}, {"not_achieved", "Not achieved"}}
	riskOptions            = [][2]string{
		{"risk_identified_action_taken", "Risk identified, and action taken"},
		{"risk_identified_no_action", "Risk identified, and no action taken"},
		{"inconclusive_action_taken", "Inconclusive, and action taken"},
		{"inconclusive_no_action", "Inconclusive, and no action taken"},
		{"no_risk_identified_action_taken", "No risk identified, and action taken"},
		{"no_risk_identified_no_action", "No risk identified, and no action taken"},
		{"ceased_at_request", "The enquiry stopped at the person's request"},
	}
	riskOutcomeOptions = [][2]string{{"removed", "Risk removed"}, {"reduced", "Risk reduced"}, {"remained", "Risk remains"}}
	// concernStatusWords are what the visitor who raised a concern is told.
	concernStatusWords = map[referral.ConcernStatus]string{
		referral.StatusAwaitingDecision:  "Waiting for the safeguarding team's decision",
		referral.StatusS42Enquiry:        "The council is making a safeguarding enquiry (section 42 of the Care Act)",
		referral.StatusOtherEnquiry:      "The council is making a safeguarding enquiry",
		referral.StatusEnquiryFinished:   "The council made a safeguarding enquiry, which has now finished",
		referral.StatusAdviceGiven:       "No enquiry was needed: the person was given information and advice",
		referral.StatusCommunityReferral: "No enquiry was needed: the person was put in touch with community support",
		referral.StatusOtherService:      "No enquiry was needed: another service is helping",
		referral.StatusNoFurtherAction:   "No enquiry was needed, and no further action was taken",
	}
)

func optionWords(opts [][2]string, code string) string {
	for _, o := range opts {
		if o[0] == code {
			return o[1]
		}
	}
	return ""
}

func termWords(terms []screening.Term, code string) string {
	for _, t := range terms {
		if t.Code == code {
			return t.Wording
		}
	}
	return ""
}

// risksInWords are types of risk in plain words.
func risksInWords(codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		if w := termWords(screening.TypeOfRiskWording, c); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// concernRow is one line of the Concerns page.
type concernRow struct {
	ID, Reference, PersonName, Decision, Risks string
	RaisedAt                                   time.Time
	HasReferral, Decided                       bool
}

type concernsView struct {
	Items []concernRow
	Pager pager
}

// decisionWords is the council's decision on a concern, in words.
func decisionWords(c referral.Concern) string {
	o := c.Outcome
	if o == nil {
		return "Waiting for a decision"
	}
	w := optionWords(enquiryOptions, o.Enquiry)
	if o.Enquiry == "no_enquiry" && o.Instead != "" {
		w += ": " + strings.ToLower(optionWords(insteadOptions, o.Instead))
	} else if o.Enquiry != "no_enquiry" && o.RiskAssessment == "" {
		w += ", under way"
	} else if o.Enquiry != "no_enquiry" {
		w += ", finished"
	}
	return w
}

// concernsPage lists the site's concerns, newest first, for safeguarding
// officers and leads.
func (s *Server) concernsPage(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	items, total, err := s.app.ListConcerns(c.Request().Context(), actor(c), p)
	if err != nil {
		return err
	}
	v := concernsView{Pager: newPager(c, "page", p, total)}
	for _, x := range items {
		v.Items = append(v.Items, concernRow{ID: x.ID, Reference: x.Reference, PersonName: x.PersonName, RaisedAt: x.CreatedAt,
			Decision: decisionWords(x), Decided: x.Outcome != nil, HasReferral: x.ReferralID != "", Risks: strings.Join(risksInWords(x.TypesOfRisk), ", ")})
	}
	return s.render(c, http.StatusOK, "concerns", pageData{Title: "Concerns", Data: v})
}

// concernView is a concern's page: the summary, the screening behind it,
// the referral if any, and the form for the council's decision.
type concernView struct {
	C            referral.Concern
	Risks        []string
	Location     string
	Source       string
	Decision     string
	Outcome      []labelled
	PersonName   string
	DoNotContact string
	SafeContact  []string
	Observer     screening.Observer
	Action       string
	Reasons      []string
	Noticed      []string
	Wishes       string
	Referral     *referral.Referral
	Notice       string
	Form         formState
	Options      map[string][][2]string
}

// labelled is a label and its value, for a summary list.
type labelled struct{ Label, Value string }

var concernActionWords = map[string]string{
	screening.ActionEmergency: "Emergency: the person was in immediate danger", screening.ActionRaiseConcern: "Raise a safeguarding concern",
	screening.ActionDiscuss: "Talk to a manager or the safeguarding advice line", screening.ActionNone: "No safeguarding action",
}

func (s *Server) concernPage(c echo.Context) error {
	notice := ""
	if c.QueryParam("saved") == "decision" {
		notice = "The council's decision is recorded."
	}
	return s.showConcern(c, http.StatusOK, formState{}, notice, nil)
}

func (s *Server) showConcern(c echo.Context, status int, f formState, notice string, errs []kith.FieldError) error {
	cc, err := s.app.Concern(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	v := newConcernView(cc)
	v.Notice = notice
	if len(errs) == 0 {
		f = outcomeForm(cc.Concern)
	}
	v.Form = f
	return s.render(c, status, "concern", pageData{Title: "Concern " + cc.Concern.Reference, Data: v, Errors: errs})
}

func newConcernView(cc app.ConcernCase) concernView {
	con := cc.Concern
	v := concernView{C: con, Risks: risksInWords(con.TypesOfRisk), Referral: cc.Referral, PersonName: con.PersonName,
		Location: termWords(screening.LocationsOfRisk, con.LocationOfRisk), Source: termWords(screening.SourcesOfRisk, con.SourceOfRisk),
		Decision: decisionWords(con),
		Options: map[string][][2]string{"enquiry": enquiryOptions, "instead": insteadOptions, "msp_asked": concernAskedOptions, "msp_achieved": concernAchievedOptions,
			"risk_assessment": riskOptions, "risk_outcome": riskOutcomeOptions,
			"location_of_risk": termOptions("", screening.LocationsOfRisk), "source_of_risk": termOptions("", screening.SourcesOfRisk)}}
	if o := con.Outcome; o != nil {
		for _, x := range []struct {
			label string
			opts  [][2]string
			code  string
		}{{"Desired outcomes asked", concernAskedOptions, o.MSPAsked}, {"Desired outcomes achieved", concernAchievedOptions, o.MSPAchieved},
			{"Risk assessment", riskOptions, o.RiskAssessment}, {"Risk outcome", riskOutcomeOptions, o.RiskOutcome}} {
			if w := optionWords(x.opts, x.code); w != "" {
				v.Outcome = append(v.Outcome, labelled{x.label, w})
			}
		}
		if o.Note != "" {
			v.Outcome = append(v.Outcome, labelled{"Note", o.Note})
		}
	}
	if st := cc.Screening.Result; st != nil {
		sg := st.Safeguarding
		v.Action, v.Reasons = concernActionWords[sg.Action], sg.Reasons
		v.SafeContact = safeContactWords(st.SafeContact, cc.Request)
	}
	if req := cc.Request; req != nil {
		if req.SafeContact != nil {
			v.DoNotContact = req.SafeContact.DoNotContact
		}
		if req.Observer != nil {
			v.Observer = *req.Observer
		}
		v.Wishes = req.Wishes
		for _, code := range req.Indicators {
			if ind, ok := screening.IndicatorByCode(code); ok {
				v.Noticed = append(v.Noticed, ind.Wording)
			}
		}
	}
	return v
}

// safeContactWords say how the person may safely be contacted.
func safeContactWords(sc screening.SafeContact, req *screening.Request) []string {
	var out []string
	if sc.Phone {
		phone := ""
		if req != nil && req.Person != nil && req.Person.Phone != "" {
			phone = ": " + req.Person.Phone
		}
		out = append(out, "It is safe to phone"+phone+".")
	}
	if sc.Post {
		out = append(out, "It is safe to write to their home.")
	}
	if sc.Visit {
		out = append(out, "It is safe to visit.")
	}
	if len(out) == 0 {
		out = append(out, "No way of contacting the person was confirmed safe.")
	}
	if sc.Times != "" {
		out = append(out, "Safe times: "+sc.Times)
	}
	return out
}

// outcomeForm fills the decision form from what is recorded.
func outcomeForm(c referral.Concern) formState {
	f := formState{}
	set := func(k, v string) {
		if v != "" {
			f[k] = []string{v}
		}
	}
	set("location_of_risk", c.LocationOfRisk)
	set("source_of_risk", c.SourceOfRisk)
	if o := c.Outcome; o != nil {
		set("enquiry", o.Enquiry)
		set("instead", o.Instead)
		set("msp_asked", o.MSPAsked)
		set("msp_achieved", o.MSPAchieved)
		set("risk_assessment", o.RiskAssessment)
		set("risk_outcome", o.RiskOutcome)
		set("note", o.Note)
	}
	return f
}

// concernFieldWords name each field of the decision form in plain words,
// with what to do when it is wrong.
var concernFieldWords = map[string][2]string{
	"enquiry":          {"Choose the council's decision", ""},
	"instead":          {"Choose what happened instead of an enquiry", "Leave ‘what happened instead’ empty when there is an enquiry"},
	"msp_asked":        {"Say whether the person was asked what they wanted to happen", "Leave the enquiry's outcome empty when there is no enquiry"},
	"msp_achieved":     {"Say whether what the person wanted was achieved", "Say whether it was achieved only when the person said what they wanted"},
	"risk_assessment":  {"Choose the result of the risk assessment", "Leave the enquiry's outcome empty when there is no enquiry"},
	"risk_outcome":     {"Choose what happened to the risk", "Leave the risk outcome empty unless a risk was identified or the result was inconclusive"},
	"location_of_risk": {"Choose where the risk is", ""},
	"source_of_risk":   {"Choose who the risk comes from", ""},
	"note":             {"Write a note of up to 5,000 characters", ""},
}

// plainConcernErrors turns the national return's checks into words: a
// missing or unknown choice asks for one; a value that does not belong
// says to leave it empty.
func plainConcernErrors(errs []kith.FieldError) []kith.FieldError {
	out := make([]kith.FieldError, 0, len(errs))
	for _, e := range errs {
		w, ok := concernFieldWords[e.Field]
		msg := e.Message
		switch {
		case !ok:
		case strings.Contains(msg, "only") || strings.Contains(msg, "not recorded when"):
			if w[1] != "" {
				msg = w[1]
			} else {
				msg = w[0]
			}
		default:
			msg = w[0]
		}
		out = append(out, kith.FieldError{Field: e.Field, Message: msg})
	}
	return out
}

// recordConcernDecision records the council's decision and, when the
// enquiry ends, its outcome.
func (s *Server) recordConcernDecision(c echo.Context) error {
	f, err := postedForm(c)
	if err != nil {
		return err
	}
	o := referral.ConcernOutcome{Enquiry: f.Get("enquiry"), Instead: f.Get("instead"), MSPAsked: f.Get("msp_asked"), MSPAchieved: f.Get("msp_achieved"),
		RiskAssessment: f.Get("risk_assessment"), RiskOutcome: f.Get("risk_outcome"), Note: strings.TrimSpace(f.Get("note")),
		LocationOfRisk: f.Get("location_of_risk"), SourceOfRisk: f.Get("source_of_risk")}
	if o.Enquiry != "no_enquiry" {
		o.Instead = "" // the choices below an enquiry's decision are hidden, not cleared, without JavaScript
	}
	if o.Enquiry == "no_enquiry" {
		o.MSPAsked, o.MSPAchieved, o.RiskAssessment, o.RiskOutcome = "", "", "", ""
	}
	if o.MSPAsked != "asked_expressed" {
		o.MSPAchieved = ""
	}
	if len(o.Note) > 5000 {
		return s.showConcern(c, http.StatusUnprocessableEntity, f, "", []kith.FieldError{{Field: "note", Message: concernFieldWords["note"][0]}})
	}
	id := c.Param("id")
	if _, err := s.app.RecordConcernOutcome(c.Request().Context(), actor(c), id, o); err != nil {
		errs := kith.FieldErrors(err)
		if len(errs) == 0 {
			return err
		}
		return s.showConcern(c, http.StatusUnprocessableEntity, f, "", plainConcernErrors(errs))
	}
	// The notice rides on the address (it says nothing about the person):
	// the one-time notice cookie belongs to the lead's pages.
	return c.Redirect(http.StatusSeeOther, "/concerns/"+url.PathEscape(id)+"?saved=decision")
}

// concernLetter is the concern summary of a concern, from its case.
func (s *Server) concernLetter(cc app.ConcernCase) letters.Letter {
	return app.ConcernLetter(cc, s.now())
}

// serveConcernSummary writes a concern's summary as a PDF or its
// accessible HTML twin, and audits that it was read.
func (s *Server) serveConcernSummary(c echo.Context, a kith.Actor, cc app.ConcernCase, ext string) error {
	l := s.concernLetter(cc)
	if err := s.app.AuditRead(c.Request().Context(), a, "letter:concern", cc.Concern.ID); err != nil {
		return err
	}
	return s.sendLetter(c, l, ext, "concern-"+cc.Concern.Reference)
}

// concernSummary serves a concern's summary to safeguarding officers and
// leads: /concerns/:id/summary.pdf or .html.
func (s *Server) concernSummary(c echo.Context) error {
	ext := strings.TrimPrefix(c.Param("file"), "summary.")
	if ext != "pdf" && ext != "html" {
		return kith.Errorf(kith.ENOTFOUND, "No such file: use summary.pdf or summary.html.")
	}
	cc, err := s.app.Concern(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return s.serveConcernSummary(c, actor(c), cc, ext)
}

// concernLinkSummary serves the concern summary the safeguarding team's
// signed link points to: the accessible page, or with /summary.pdf the PDF.
// The link is its only authority: it reaches this one concern.
func (s *Server) concernLinkSummary(c echo.Context) error {
	key, err := s.app.Secret(c.Request().Context(), signingKeyName)
	if err != nil {
		return err
	}
	cl, err := signedlink.Verify(key, c.Param("token"), concernPurpose, s.now())
	if errors.Is(err, signedlink.ErrInvalid) {
		return kith.Errorf(kith.ENOTFOUND, "This link is not valid or has expired. The concern is on the Concerns page in Kith.")
	}
	if err != nil {
		return err
	}
	a := kith.Actor{Site: cl.Site, Kind: "concern_link", ID: cl.ID, RequestID: c.Response().Header().Get(echo.HeaderXRequestID), IP: c.RealIP()}
	cc, err := s.app.Concern(c.Request().Context(), a, cl.ID)
	if err != nil {
		return err
	}
	ext := "html"
	if strings.HasSuffix(c.Request().URL.Path, "/summary.pdf") {
		ext = "pdf"
	}
	return s.serveConcernSummary(c, a, cc, ext)
}

type raisedView struct {
	Items []raisedRow
	Pager pager
}

type raisedRow struct {
	app.RaisedConcern
	Words   string
	Updated time.Time // zero until the team has recorded a decision
}

// raisedConcernsPage is the visitor's own page: what happened to each
// concern they raised, in plain words, with nothing they did not give.
func (s *Server) raisedConcernsPage(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	items, total, err := s.app.ConcernsRaised(c.Request().Context(), actor(c), p)
	if err != nil {
		return err
	}
	v := raisedView{Pager: newPager(c, "page", p, total)}
	for _, x := range items {
		row := raisedRow{RaisedConcern: x, Words: concernStatusWords[x.Status]}
		if x.DecidedAt != nil {
			row.Updated = *x.DecidedAt
		}
		v.Items = append(v.Items, row)
	}
	return s.render(c, http.StatusOK, "concerns_raised", pageData{Title: "Concerns you raised", Data: v})
}
