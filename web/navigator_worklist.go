package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
	"github.com/labstack/echo/v4"
)

// referralFilterFrom reads a worklist's query, for the API and the page
// alike: every bad value is an error naming its parameter, never ignored.
func referralFilterFrom(c echo.Context) (app.ReferralFilter, error) {
	p, err := pageParams(c)
	if err != nil {
		return app.ReferralFilter{}, err
	}
	var fields []kith.FieldError
	f := app.ReferralFilter{Page: p, Assignee: c.QueryParam("assignee"), ServiceID: c.QueryParam("service"), Q: strings.TrimSpace(c.QueryParam("q"))}
	if v := c.QueryParam("state"); v != "" {
		if !referral.State(v).Valid() {
			states := make([]string, len(referral.States))
			for i, s := range referral.States {
				states[i] = string(s)
			}
			fields = append(fields, kith.FieldError{Field: "state", Message: "must be one of: " + strings.Join(states, ", ")})
		}
		f.State = v
	}
	if f.Assignee == "me" {
		f.Assignee = actor(c).Ref()
	}
	for _, b := range []struct {
		name string
		dst  **bool
	}{{"overdue", &f.Overdue}, {"safeguarding", &f.Safeguarding}} {
		switch v := c.QueryParam(b.name); v {
		case "":
		case "true", "false":
			x := v == "true"
			*b.dst = &x
		default:
			fields = append(fields, kith.FieldError{Field: b.name, Message: "must be true or false"})
		}
	}
	if v := c.QueryParam("open"); v != "" && v != "true" && v != "false" {
		fields = append(fields, kith.FieldError{Field: "open", Message: "must be true or false"})
	}
	for name, v := range map[string]string{"assignee": f.Assignee, "service": f.ServiceID, "q": f.Q} {
		if utf8.RuneCountInString(v) > 200 {
			fields = append(fields, kith.FieldError{Field: name, Message: "must be at most 200 characters"})
		}
	}
	if len(fields) > 0 {
		return f, kith.Invalid(fields...)
	}
	return f, nil
}

type worklistView struct {
	Items    []referral.Referral
	Pager    pager
	Form     formState
	States   [][2]string
	Names    app.Names
	Filtered bool
}

// Who names an assignee.
func (v worklistView) Who(ref string) string { return v.Names.Of(ref) }

// StateWords says where a referral stands.
func (worklistView) StateWords(s referral.State) string { return StateWords(s) }

// worklistPage is the navigator's referrals: safeguarding first, then
// expired and overdue, then oldest; finished work only when asked for.
func (s *Server) worklistPage(c echo.Context) error {
	v := worklistView{Form: formState(c.QueryParams())}
	for _, st := range referral.States {
		v.States = append(v.States, [2]string{string(st), StateWords(st)})
	}
	var err error
	if v.Names, err = s.app.People(c.Request().Context(), actor(c)); err != nil {
		return err
	}
	f, err := referralFilterFrom(c)
	if err != nil {
		errs := kith.FieldErrors(err)
		if len(errs) == 0 {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, "worklist", pageData{Title: "Worklist", Data: v, Errors: errs})
	}
	f.Open = c.QueryParam("finished") != "true" && (f.State == "" || !referral.Final(referral.State(f.State)))
	if c.QueryParam("mine") == "true" {
		f.Assignee = actor(c).Ref()
	}
	v.Filtered = f.Q != "" || f.State != "" || f.Assignee != "" || f.Overdue != nil || f.Safeguarding != nil || !f.Open
	var total int
	if v.Items, total, err = s.app.ListReferrals(c.Request().Context(), actor(c), f); err != nil {
		return err
	}
	v.Pager = newPager(c, "page", f.Page, total)
	return s.render(c, http.StatusOK, "worklist", pageData{Title: "Worklist", Data: v})
}
