package web

import (
	"net/http"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
	"github.com/labstack/echo/v4"
)

// The navigator's pages for screenings waiting for a referral: the list,
// one screening (the person, safe contact, what will be shared, the
// services to choose from), and the forms on it.

type waitingView struct {
	Items []app.WaitingScreening
	Pager pager
}

var waitingLabels = map[string]string{
	app.WaitingAgreed:            "Agreed to a referral",
	app.WaitingBestInterest:      "Needs a best-interest decision",
	app.WaitingBestInterestRefer: "Best-interest decision to refer",
}

// WaitingLabel says in words why a screening waits.
func (waitingView) WaitingLabel(code string) string { return waitingLabels[code] }

func (s *Server) waitingPage(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	var v waitingView
	var total int
	if v.Items, total, err = s.app.WaitingScreenings(c.Request().Context(), actor(c), p); err != nil {
		return err
	}
	v.Pager = newPager(c, "page", p, total)
	return s.render(c, http.StatusOK, "waiting", pageData{Title: "Screenings waiting for a navigator", Data: v})
}

// contactView is how to reach the person, and who must not be contacted.
type contactView struct {
	Name, NameLatin, Postcode, Phone, Times, DoNotContact string
	Address                                               []string
	PhoneSafe, PostSafe, VisitSafe                        bool
	SeenAlone                                             string // "yes", "no" or "" (not recorded)
}

func newContactView(req *screening.Request, sc screening.SafeContact) contactView {
	v := contactView{PhoneSafe: sc.Phone, PostSafe: sc.Post, VisitSafe: sc.Visit, Times: sc.Times, DoNotContact: sc.DoNotContact}
	if req != nil {
		if req.SeenAlone != nil {
			v.SeenAlone = map[bool]string{true: "yes", false: "no"}[*req.SeenAlone]
		}
		if p := req.Person; p != nil {
			v.Name, v.NameLatin, v.Postcode, v.Phone, v.Address = p.Name, p.NameLatin, p.Postcode, p.Phone, app.AddressLines(p.Address)
		}
	}
	return v
}

type navScreeningView struct {
	app.NavigatorScreening
	Contact contactView
	Form    formState
	Q       string
	Hits    []app.SearchHit
	Action  string
}

var actionWords = map[string]string{
	screening.ActionEmergency:    "Emergency: the visitor was told to call 999",
	screening.ActionRaiseConcern: "A safeguarding concern was raised",
	screening.ActionDiscuss:      "The visitor was asked to talk to their manager",
	screening.ActionNone:         "No safeguarding action",
}

func (s *Server) navScreeningPage(c echo.Context) error {
	return s.showNavScreening(c, http.StatusOK, formState{}, nil)
}

func (s *Server) showNavScreening(c echo.Context, status int, form formState, errs []kith.FieldError) error {
	ctx := c.Request().Context()
	ns, err := s.app.NavigatorScreening(ctx, actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	v := navScreeningView{NavigatorScreening: ns, Contact: newContactView(ns.Request, ns.Stored.SafeContact), Form: form,
		Q: strings.TrimSpace(c.QueryParam("q")), Action: actionWords[ns.Stored.Safeguarding.Action]}
	if _, ok := form["shared_words"]; !ok {
		v.Form = formState{"shared_words": {ns.Shared}}
		for k, vals := range form {
			v.Form[k] = vals
		}
	}
	if v.Q != "" && ns.CanRefer {
		if v.Hits, err = s.searchByName(c, v.Q); err != nil {
			return err
		}
	}
	title := "Screening of " + v.Contact.Name
	return s.render(c, status, "navigator_screening", pageData{Title: title, Data: v, Errors: errs})
}

// searchByName finds up to ten of the site's services by words in their
// name or description, for a navigator choosing one by hand.
func (s *Server) searchByName(c echo.Context, q string) ([]app.SearchHit, error) {
	if len(q) > 200 {
		q = q[:200]
	}
	hits, _, err := s.app.SearchServices(c.Request().Context(), actor(c).Site,
		app.Search{SearchFilter: assets.SearchFilter{Q: q}, Now: s.now(), Page: kith.Page{Number: 1, Size: 10}})
	if kith.ErrorCode(err) == kith.EINVALID {
		return nil, nil
	}
	return hits, err
}

// navScreeningAction handles the forms on a navigator's screening page:
// what will be shared, a best-interest decision, and making the referral.
func (s *Server) navScreeningAction(c echo.Context) error {
	ctx := c.Request().Context()
	a, id := actor(c), c.Param("id")
	form, err := postedForm(c)
	if err != nil {
		return err
	}
	switch form.Get("action") {
	case "words":
		err = s.app.SetSharedWords(ctx, a, id, form.Get("shared_words"))
	case "best_interest":
		b := referral.BestInterest{Decision: form.Get("decision"), Doubt: strings.TrimSpace(form.Get("doubt")), StepsTaken: strings.TrimSpace(form.Get("steps_taken")),
			Consulted: strings.TrimSpace(form.Get("consulted")), Advocate: strings.TrimSpace(form.Get("advocate"))}
		if len(b.Advocate) > 200 {
			err = kith.Invalid(kith.FieldError{Field: "advocate", Message: "The advocate's name must be at most 200 characters"})
		} else {
			err = s.app.RecordBestInterest(ctx, a, id, b)
		}
	case "refer":
		var r referral.Referral
		if r, err = s.app.CreateReferral(ctx, a, id, form.Get("service_id")); err == nil {
			return c.Redirect(http.StatusSeeOther, "/referrals/"+r.ID)
		}
	default:
		err = kith.Invalid(kith.FieldError{Field: "action", Message: "Choose what to do"})
	}
	if err != nil {
		errs := kith.FieldErrors(err)
		if len(errs) == 0 && kith.ErrorCode(err) == kith.ECONFLICT {
			errs = []kith.FieldError{{Field: "decision", Message: kith.ErrorMessage(err)}}
		}
		if len(errs) == 0 {
			return err
		}
		return s.showNavScreening(c, http.StatusUnprocessableEntity, form, errs)
	}
	return c.Redirect(http.StatusSeeOther, "/navigator/screenings/"+id)
}
