package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/pathways"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
	"github.com/labstack/echo/v4"
)

// Moving a referral from the pages: a plain button for each move the state
// allows (referral.Allowed); a move that needs more (who takes it, why, the
// outcome, another service) opens a page of its own with the reasons as
// radios in words.

// moveButton is one move offered on a referral page.
type moveButton struct {
	To     referral.State
	Label  string
	Direct bool // posts at once; otherwise opens the move's page
}

// moveWords are the buttons' words, as a navigator would say them.
var moveWords = map[referral.State]string{
	referral.Assigned:  "Assign it to a colleague",
	referral.Contacted: "I have talked with the person",
	referral.Sent:      "Send it to the service",
	referral.Accepted:  "The service has accepted",
	referral.Declined:  "The service has declined",
	referral.Expired:   "The service did not answer",
	referral.Engaged:   "The person has started",
	referral.Closed:    "Close it with the outcome",
	referral.Withdrawn: "Withdraw it",
	referral.Rerouted:  "Refer to another service instead",
	referral.Escalated: "Pass it to the safeguarding team",
}

// stateWords say where a referral stands.
var stateWords = map[referral.State]string{
	referral.New: "New: no one has it yet", referral.Assigned: "Assigned", referral.Contacted: "The person has been contacted",
	referral.Sent: "Sent to the service", referral.Accepted: "The service accepted", referral.Declined: "The service declined",
	referral.Expired: "The service did not answer in time", referral.Engaged: "The person has started", referral.Closed: "Closed",
	referral.Withdrawn: "Withdrawn", referral.Rerouted: "Sent to another service instead", referral.Escalated: "Passed to the safeguarding team",
}

// StateWords says where a referral stands, in words.
func StateWords(s referral.State) string {
	if w, ok := stateWords[s]; ok {
		return w
	}
	return string(s)
}

// directMoves need nothing more than the press of a button.
var directMoves = []referral.State{referral.Contacted, referral.Sent, referral.Accepted, referral.Expired, referral.Engaged}

func movesFor(r referral.Referral) []moveButton {
	var out []moveButton
	for _, to := range referral.Allowed(r.State) {
		b := moveButton{To: to, Label: moveWords[to], Direct: slices.Contains(directMoves, to)}
		if to == referral.Assigned && r.Assignee == "" {
			b.Label = "Assign it"
		}
		out = append(out, b)
	}
	if !referral.Final(r.State) && !slices.Contains(referral.Allowed(r.State), referral.Assigned) {
		out = append(out, moveButton{To: "reassign", Label: "Reassign it to a colleague"})
	}
	return out
}

var (
	withdrawOptions = [][2]string{{"person", "The person"}, {"referrer", "We did (the referrer)"}}
	askedOptions    = [][2]string{{"asked_expressed", "Yes, and they said what they wanted"}, {"asked_not_expressed", "Yes, but they did not say"},
		{"not_asked", "No, they were not asked"}, {"dont_know", "Don't know"}, {"not_recorded", "Not recorded"}}
	achievedOptions = [][2]string{{"fully", "Fully"}, {"partially", "Partly"}, {"not_achieved", "Not achieved"}}
	agreeOptions    = [][2]string{{"strongly_agree", "Strongly agree"}, {"agree", "Agree"}, {"neither", "Neither agree nor disagree"},
		{"disagree", "Disagree"}, {"strongly_disagree", "Strongly disagree"}}
)

func declineOptions() [][2]string {
	var out [][2]string
	for _, code := range referral.DeclineReasons {
		out = append(out, [2]string{code, declineLabels[code]})
	}
	return out
}

type moveView struct {
	R          referral.Referral
	To         referral.State
	Label      string
	Form       formState
	Colleagues [][2]string
	Reasons    [][2]string
	Withdraw   [][2]string
	Asked      [][2]string
	Achieved   [][2]string
	Agree      [][2]string
	// FollowUp is the first loneliness measure's instrument, asked again.
	FollowUp *screening.Instrument
	Q        string
	Hits     []app.SearchHit
	Recs     []pathways.Recommendation
}

// FollowUpField names the input of a follow-up item (or the one answer).
func (v moveView) FollowUpField(i int) string {
	if v.FollowUp != nil && v.FollowUp.AnswerShape == screening.ShapeAnswer {
		return "outcome.follow_up.answer"
	}
	return "outcome.follow_up.answers[" + strconv.Itoa(i) + "]"
}

func (s *Server) movePage(c echo.Context) error {
	return s.showMove(c, http.StatusOK, formState{}, nil)
}

func (s *Server) showMove(c echo.Context, status int, form formState, errs []kith.FieldError) error {
	ctx := c.Request().Context()
	a := actor(c)
	r, err := s.app.Referral(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	to := referral.State(c.Param("to"))
	reassign := to == "reassign"
	if !reassign && !slices.Contains(referral.Allowed(r.State), to) {
		return kith.Errorf(kith.ENOTFOUND, "That move is not possible from where this referral stands.")
	}
	if reassign && referral.Final(r.State) {
		return kith.Errorf(kith.ENOTFOUND, "A finished referral cannot be reassigned.")
	}
	v := moveView{R: r, To: to, Label: moveWords[to], Form: form, Reasons: declineOptions(), Withdraw: withdrawOptions,
		Asked: askedOptions, Achieved: achievedOptions, Agree: agreeOptions, Q: strings.TrimSpace(c.QueryParam("q"))}
	if reassign {
		v.Label = "Reassign it to a colleague"
	}
	if to == referral.Assigned || reassign {
		cs, err := s.app.Colleagues(ctx, a)
		if err != nil {
			return err
		}
		for _, p := range cs {
			if p.Ref() != r.Assignee {
				v.Colleagues = append(v.Colleagues, [2]string{p.Ref(), p.User.Name() + map[bool]string{true: " (you)", false: ""}[p.Ref() == a.Ref()]})
			}
		}
	}
	if to == referral.Closed || to == referral.Rerouted {
		st, err := s.app.Screening(ctx, a, r.ScreeningID)
		if err != nil {
			return err
		}
		v.FollowUp = followUpInstrument(st.Result)
		for _, raw := range st.Recommendations {
			var rec pathways.Recommendation
			if json.Unmarshal(raw, &rec) == nil && rec.ServiceID != r.ServiceID {
				v.Recs = append(v.Recs, rec)
			}
		}
	}
	if to == referral.Rerouted && v.Q != "" {
		if v.Hits, err = s.searchByName(c, v.Q); err != nil {
			return err
		}
	}
	return s.render(c, status, "move", pageData{Title: v.Label, Data: v, Errors: errs})
}

// followUpInstrument is the loneliness instrument the screening used first
// (UCLA-3, DJG-6, then the ONS question, as the result reads them).
func followUpInstrument(res *screening.Result) *screening.Instrument {
	if res == nil {
		return nil
	}
	for _, code := range []string{screening.UCLA3, screening.DJG6, screening.ONSLoneliness} {
		if _, ok := res.Instruments[code]; ok {
			if in, ok := screening.InstrumentByCode(code); ok {
				return &in
			}
		}
	}
	return nil
}

// rawAnswer turns a form value back into the JSON value an instrument
// takes: a number, a string, or null when it was left unanswered.
func rawAnswer(v string) json.RawMessage {
	if v == "" {
		return json.RawMessage("null")
	}
	if _, err := strconv.Atoi(v); err == nil {
		return json.RawMessage(v)
	}
	b, _ := json.Marshal(v)
	return b
}

// moveFromForm reads a move page's form into the move the API takes.
func moveFromForm(to referral.State, f formState, fu *screening.Instrument) referral.Move {
	m := referral.Move{To: to, Reason: strings.TrimSpace(f.Get("reason")), Note: strings.TrimSpace(f.Get("note")),
		Assignee: f.Get("assignee"), WithdrawnBy: f.Get("withdrawn_by"), ServiceID: f.Get("service_id")}
	if to != referral.Closed {
		return m
	}
	m.Outcome = &referral.Outcome{DesiredOutcomesAsked: f.Get("outcome.desired_outcomes_asked"), Achieved: f.Get("outcome.achieved"),
		FeltListenedTo: f.Get("outcome.felt_listened_to"), FeltInvolved: f.Get("outcome.felt_involved"), FeelsSafer: f.Get("outcome.feels_safer")}
	if fu == nil {
		return m
	}
	follow := &referral.FollowUp{Instrument: fu.Code}
	any := false
	if fu.AnswerShape == screening.ShapeAnswer {
		v := f.Get("outcome.follow_up.answer")
		follow.Answer, any = rawAnswer(v), v != ""
	} else {
		for i := range fu.Items {
			v := f.Get("outcome.follow_up.answers[" + strconv.Itoa(i) + "]")
			follow.Answers = append(follow.Answers, rawAnswer(v))
			any = any || v != ""
		}
	}
	if any {
		m.Outcome.FollowUp = follow
	}
	return m
}

// moveAction makes a move from its page or its button.
func (s *Server) moveAction(c echo.Context) error {
	ctx := c.Request().Context()
	a, id := actor(c), c.Param("id")
	form, err := postedForm(c)
	if err != nil {
		return err
	}
	to := referral.State(c.Param("to"))
	if to == "reassign" {
		err = s.app.Reassign(ctx, a, id, form.Get("assignee"))
	} else {
		var fu *screening.Instrument
		if to == referral.Closed {
			r, err := s.app.Referral(ctx, a, id)
			if err != nil {
				return err
			}
			st, err := s.app.Screening(ctx, a, r.ScreeningID)
			if err != nil {
				return err
			}
			fu = followUpInstrument(st.Result)
		}
		m := moveFromForm(to, form, fu)
		if err = s.validate(&m); err == nil {
			_, err = s.app.Transition(ctx, a, id, m, s.linkFor(c, id))
		}
	}
	if err != nil {
		errs := kith.FieldErrors(err)
		if len(errs) == 0 && (kith.ErrorCode(err) == kith.ECONFLICT || kith.ErrorCode(err) == kith.EINVALID) {
			errs = []kith.FieldError{{Field: "to", Message: kith.ErrorMessage(err)}}
		}
		if len(errs) == 0 {
			return err
		}
		if kith.ErrorCode(err) == kith.ECONFLICT {
			// The referral moved on meanwhile: say so on its own page.
			return s.showReferral(c, http.StatusConflict, errs)
		}
		return s.showMove(c, http.StatusUnprocessableEntity, form, errs)
	}
	return c.Redirect(http.StatusSeeOther, "/referrals/"+id)
}
