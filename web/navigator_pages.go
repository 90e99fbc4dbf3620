package web

import (
	"net/http"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/referral"
	"github.com/labstack/echo/v4"
)

type referralPageView struct {
	R            referral.Referral
	Allowed      []referral.State
	ProviderURL  string
	ProviderCode string
	Reasons      []string
	Results      [][2]string
	Recs         []recommendationView
	Contact      contactView
	Moves        []moveButton
	Names        app.Names
	Form         formState
}

var attemptOptions = [][2]string{{"reached", "We talked"}, {"no_answer", "No answer"}, {"wrong_number", "Wrong number"},
	{"unsafe_to_speak", "They could not speak safely"}, {"left_message", "Left a message"}}

// AttemptWords says what came of a contact attempt.
func (referralPageView) AttemptWords(code string) string {
	for _, o := range attemptOptions {
		if o[0] == code {
			return o[1]
		}
	}
	return code
}

// Who names the person behind an actor reference.
func (v referralPageView) Who(ref string) string { return v.Names.Of(ref) }

// WithNames shows a recorded reason with people's names.
func (v referralPageView) WithNames(s string) string { return v.Names.InText(s) }

// StateWords says where the referral stands, in words.
func (referralPageView) StateWords(s referral.State) string { return StateWords(s) }

func (s *Server) referralPage(c echo.Context) error {
	return s.showReferral(c, http.StatusOK, nil)
}

func (s *Server) showReferral(c echo.Context, status int, errs []kith.FieldError) error {
	ctx := c.Request().Context()
	r, err := s.app.Referral(ctx, actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	b, err := s.referralBody(c, r)
	if err != nil {
		return err
	}
	v := referralPageView{R: r, Allowed: referral.Allowed(r.State), ProviderURL: b.ProviderURL, ProviderCode: b.ProviderCode, Reasons: referral.DeclineReasons, Results: attemptOptions,
		Moves: movesFor(r)}
	if v.Names, err = s.app.People(ctx, actor(c)); err != nil {
		return err
	}
	if st, err := s.app.Screening(ctx, actor(c), r.ScreeningID); err == nil {
		v.Recs = newResultView(st).RecommendationViews
		req, err := s.app.ScreeningRequest(ctx, actor(c), r.ScreeningID)
		if err != nil {
			return err
		}
		v.Contact = newContactView(req, st.SafeContact)
	} else if kith.ErrorCode(err) != kith.ENOTFOUND {
		return err
	}
	return s.render(c, status, "referral", pageData{Title: "Referral to " + r.ServiceName, Data: v, Errors: errs})
}

// referralAction handles the forms on a referral page: a move, a note or a
// contact attempt. Errors come back on the page beside the form.
func (s *Server) referralAction(c echo.Context) error {
	ctx := c.Request().Context()
	a := actor(c)
	id := c.Param("id")
	var err error
	switch c.FormValue("action") {
	case "move":
		m := referral.Move{To: referral.State(c.FormValue("to")), Reason: strings.TrimSpace(c.FormValue("reason")), Note: strings.TrimSpace(c.FormValue("note")),
			Assignee: strings.TrimSpace(c.FormValue("assignee")), WithdrawnBy: c.FormValue("withdrawn_by"), ServiceID: strings.TrimSpace(c.FormValue("service_id"))}
		if m.To == referral.Closed {
			m.Outcome = &referral.Outcome{DesiredOutcomesAsked: c.FormValue("desired_outcomes_asked"), Achieved: c.FormValue("achieved"),
				FeltListenedTo: c.FormValue("felt_listened_to"), FeltInvolved: c.FormValue("felt_involved"), FeelsSafer: c.FormValue("feels_safer")}
		}
		if err = s.validate(&m); err == nil {
			_, err = s.app.Transition(ctx, a, id, m, s.linkFor(c, id))
		}
	case "note":
		note := strings.TrimSpace(c.FormValue("note"))
		if note == "" || len(note) > 5000 {
			err = kith.Invalid(kith.FieldError{Field: "note", Message: "Write a note of up to 5,000 characters"})
		} else {
			err = s.app.AddNote(ctx, a, id, note)
		}
	case "attempt":
		_, err = s.app.AddAttempt(ctx, a, id, c.FormValue("result"), strings.TrimSpace(c.FormValue("attempt_note")))
	default:
		err = kith.Invalid(kith.FieldError{Field: "action", Message: "Choose what to do"})
	}
	if err != nil {
		errs := kith.FieldErrors(err)
		if len(errs) == 0 && (kith.ErrorCode(err) == kith.ECONFLICT || kith.ErrorCode(err) == kith.EINVALID) {
			errs = []kith.FieldError{{Field: "to", Message: kith.ErrorMessage(err)}}
		}
		if len(errs) == 0 {
			return err
		}
		for i := range errs {
			if errs[i].Field == "result" {
				errs[i].Message = "Choose what happened when you tried to contact them"
			}
		}
		return s.showReferral(c, http.StatusUnprocessableEntity, errs)
	}
	return c.Redirect(http.StatusSeeOther, "/referrals/"+id)
}

type directoryView struct {
	Form        formState
	Hits        []app.SearchHit
	Total       int
	Searched    bool
	Categories  []assets.Term
	Relations   []assets.Term
	Support     []assets.Term
	CentreLabel string
}

// directoryPage searches the directory, with or without JavaScript.
func (s *Server) directoryPage(c echo.Context) error {
	v := directoryView{Form: formState(c.QueryParams()), Categories: assets.Categories, Relations: assets.Relationships, Support: assets.SupportToAttend}
	if len(c.QueryParams()) == 0 {
		return s.render(c, http.StatusOK, "directory", pageData{Title: "Directory", Data: v})
	}
	v.Searched = true
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	a := actor(c)
	f, err := s.parseSearch(c, a.Site)
	if err == nil && f.Postcode != "" && f.Lat == nil {
		lat, lon, ok, lerr := s.app.LocatePostcode(c.Request().Context(), normPostcode(f.Postcode))
		switch {
		case lerr != nil:
			return lerr
		case !ok:
			err = kith.Invalid(kith.FieldError{Field: "postcode", Message: "We do not know where that postcode is: try a nearby one"})
		default:
			f.Lat, f.Lon = &lat, &lon
			v.CentreLabel = normPostcode(f.Postcode)
		}
	}
	if err != nil {
		errs := kith.FieldErrors(err)
		if len(errs) == 0 {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, "directory", pageData{Title: "Directory", Data: v, Errors: errs})
	}
	v.Hits, v.Total, err = s.app.SearchServices(c.Request().Context(), a.Site, app.Search{SearchFilter: f, Now: f.At, Page: p})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "directory", pageData{Title: "Directory", Data: v})
}
