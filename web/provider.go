package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
	"github.com/labstack/echo/v4"
)

// providerURL is the referral's one provider link (made the first time),
// or "" once it is revoked or expired.
func (s *Server) providerURL(c echo.Context, referralID string) (string, app.ProviderLink, error) {
	l, tok, err := s.app.ProviderLink(c.Request().Context(), actor(c), referralID)
	if err != nil || tok == "" {
		return "", l, err
	}
	return s.baseURL(c) + "/provider/" + tok, l, nil
}

// linkFor makes the links a move of a referral may send: the provider's
// (its one stored link), and the safeguarding team's to a concern an
// escalation raises, when the application asks for them.
func (s *Server) linkFor(c echo.Context, referralID string) app.Links {
	return app.Links{
		Provider: func() (string, error) {
			u, _, err := s.providerURL(c, referralID)
			return u, err
		},
		Concern: s.concernLinkFor(c),
	}
}

// providerView is all a provider sees: never safeguarding details, and
// the person's own words only when they agreed to share them.
type providerView struct {
	Token       string
	ServiceName string
	PersonName  string
	Wishes      string
	Support     []string
	SafeContact []string
	State       referral.State
	CanAccept   bool
	CanDecline  bool
	CanEngage   bool
	Reasons     [][2]string
	Done        string
	Ended       bool // the answer ended the link: nothing about the person is shown
}

var declineLabels = map[string]string{"not_eligible": "The person is not eligible", "service_full": "The service is full",
	"out_of_area": "The person lives outside the area we serve", "could_not_contact": "We could not contact the person",
	"person_declined": "The person did not want the service", "other": "Another reason"}

// providerActor checks the link's token: the provider of that one
// referral, while its link is neither revoked nor expired.
func (s *Server) providerActor(c echo.Context) (kith.Actor, error) {
	return s.app.ProviderActor(c.Request().Context(), c.Param("token"),
		kith.Actor{RequestID: c.Response().Header().Get(echo.HeaderXRequestID), IP: c.RealIP()})
}

func (s *Server) buildProviderView(ctx context.Context, a kith.Actor, token string) (providerView, error) {
	pc, err := s.app.ProviderReferral(ctx, a)
	if err != nil {
		return providerView{}, err
	}
	r := pc.Referral
	v := providerView{Token: token, ServiceName: r.ServiceName, State: r.State, PersonName: pc.PersonName, Wishes: pc.Wishes}
	if pc.Housebound {
		v.Support = append(v.Support, "Finds it hard to leave home: may need a home visit, transport or someone to go with them.")
	}
	sc := pc.SafeContact
	if sc.Phone {
		if pc.Phone != "" {
			v.SafeContact = append(v.SafeContact, "It is safe to phone: "+pc.Phone+".")
		} else {
			v.SafeContact = append(v.SafeContact, "It is safe to phone.")
		}
	}
	if sc.Visit {
		v.SafeContact = append(v.SafeContact, "It is safe to visit.")
	}
	if sc.Post {
		v.SafeContact = append(v.SafeContact, "It is safe to write to their home.")
	}
	if len(v.SafeContact) == 0 {
		v.SafeContact = append(v.SafeContact, "Do not contact the person directly: the navigator will arrange contact.")
	}
	if sc.Times != "" {
		v.SafeContact = append(v.SafeContact, "Safe times: "+sc.Times)
	}
	if sc.DoNotContact != "" {
		v.SafeContact = append(v.SafeContact, "There is someone who must not be contacted or told. Contact the person only in the ways above.")
	}
	allowed := referral.Allowed(r.State)
	v.CanAccept, v.CanDecline, v.CanEngage = slices.Contains(allowed, referral.Accepted), slices.Contains(allowed, referral.Declined), slices.Contains(allowed, referral.Engaged)
	for _, code := range referral.DeclineReasons {
		v.Reasons = append(v.Reasons, [2]string{code, declineLabels[code]})
	}
	return v, nil
}

func (s *Server) providerPage(c echo.Context) error {
	a, err := s.providerActor(c)
	if err != nil {
		return err
	}
	v, err := s.buildProviderView(c.Request().Context(), a, c.Param("token"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "provider", pageData{Title: "A referral to " + v.ServiceName, Data: v})
}

// providerAnswer records the provider's accept, decline (with a reason) or
// engaged; nothing else is possible through the link.
func (s *Server) providerAnswer(c echo.Context) error {
	a, err := s.providerActor(c)
	if err != nil {
		return err
	}
	m := referral.Move{To: referral.State(c.FormValue("answer")), Reason: c.FormValue("reason"), Note: c.FormValue("note")}
	ctx := c.Request().Context()
	if err := s.app.ProviderAnswer(ctx, a, m); err != nil {
		if kith.ErrorCode(err) != kith.EINVALID && kith.ErrorCode(err) != kith.ECONFLICT {
			return err
		}
		v, verr := s.buildProviderView(ctx, a, c.Param("token"))
		if verr != nil {
			return verr
		}
		return s.render(c, http.StatusUnprocessableEntity, "provider", pageData{Title: "A referral to " + v.ServiceName, Data: v,
			Errors: []kith.FieldError{{Field: "answer", Message: kith.ErrorMessage(err) + fieldMessages(err)}}})
	}
	done := map[referral.State]string{referral.Accepted: "accepted", referral.Declined: "declined", referral.Engaged: "started"}[m.To]
	if referral.RevokesProviderLink(m.To) {
		// The answer ended the link: thank them without showing the person.
		return s.render(c, http.StatusOK, "provider", pageData{Title: "Thank you", Data: providerView{Done: done, Ended: true}})
	}
	v, err := s.buildProviderView(ctx, a, c.Param("token"))
	if err != nil {
		return err
	}
	v.Done = done
	return s.render(c, http.StatusOK, "provider", pageData{Title: "Thank you", Data: v})
}

// StateWords says where the referral stands, in words.
func (v providerView) StateWords() string { return StateWords(v.State) }

func fieldMessages(err error) string {
	out := ""
	for _, f := range kith.FieldErrors(err) {
		out += fmt.Sprintf(" %s %s.", f.Field, f.Message)
	}
	return out
}

func (s *Server) listOutbox(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	msgs, err := s.app.PendingMessages(c.Request().Context(), actor(c), p.Size)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(msgs, len(msgs), p))
}

func (s *Server) recordBestInterest(c echo.Context) error {
	var b app.BestInterest
	if _, err := s.bindJSON(c, &b); err != nil {
		return err
	}
	if err := s.app.RecordBestInterest(c.Request().Context(), actor(c), c.Param("id"), b); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// providerCodePage lets a provider type the short code from a letter.
func (s *Server) providerCodePage(c echo.Context) error {
	return s.render(c, http.StatusOK, "provider_code", pageData{Title: "Answer a referral", Data: formState{}})
}

// providerCode opens the referral whose code was typed. Tries are limited
// per address, as sign-in is, so codes cannot be guessed.
func (s *Server) providerCode(c echo.Context) error {
	form, err := postedForm(c)
	if err != nil {
		return err
	}
	if ok, _ := s.limits.signInAddress.Allow("provider-code:" + c.RealIP()); !ok {
		return kith.Errorf(kith.ERATELIMITED, "Too many tries: wait a minute and try again.")
	}
	tok, err := s.app.ProviderTokenByCode(c.Request().Context(), form.Get("code"))
	if err != nil {
		if errs := kith.FieldErrors(err); len(errs) > 0 {
			return s.render(c, http.StatusUnprocessableEntity, "provider_code", pageData{Title: "Answer a referral", Data: form, Errors: errs})
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/provider/"+tok)
}
