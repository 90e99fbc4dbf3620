package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/mail"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/signedlink"
	"github.com/kith-project/kith/sqlite"
	"github.com/labstack/echo/v4"
)

const (
	providerPurpose = "provider-referral"
	// providerLinkLifetime outlasts the ten working days before expiry.
	providerLinkLifetime = 30 * 24 * time.Hour
)

// providerLink signs a link scoped to one referral, for its provider.
func (s *Server) providerLink(c echo.Context, site, referralID string) (string, error) {
	key, err := s.db.Secret(c.Request().Context(), signingKeyName)
	if err != nil {
		return "", err
	}
	tok := signedlink.Sign(key, signedlink.Claims{Purpose: providerPurpose, Site: site, ID: referralID, Expires: s.now().Add(providerLinkLifetime)})
	return s.baseURL(c) + "/provider/" + tok, nil
}

// serviceEmail is where a provider's referrals go.
func serviceEmail(svc assets.Service) string {
	if svc.Email != "" {
		return svc.Email
	}
	for _, ct := range svc.Contacts {
		if ct.Email != "" {
			return ct.Email
		}
	}
	return svc.Organization.Email
}

// providerMessage is the email that carries the provider's link. It names
// no one and holds nothing the person did not agree to share: the page
// behind the link does that, after the link is checked.
func providerMessage(svc assets.Service, link string) sqlite.Message {
	return sqlite.Message{Kind: "provider_referral", To: serviceEmail(svc), Subject: "A referral to " + svc.Name,
		Body: "A community navigator has referred someone to " + svc.Name + ".\n\n" +
			"Open this link to see the referral and to accept it, decline it, or say the person has started:\n" + link + "\n\n" +
			"The link is for your organisation only and works for 30 days. Please do not forward it.\n"}
}

// queueForMove builds the messages a move sends, written in the same
// transaction as the move.
func (s *Server) queueForMove(c echo.Context, id string, to referral.State) ([]sqlite.Message, error) {
	if to != referral.Sent {
		return nil, nil
	}
	a := actor(c)
	r, err := s.db.Referral(c.Request().Context(), a, id)
	if err != nil {
		return nil, err
	}
	svc, err := s.db.Service(c.Request().Context(), a.Site, r.ServiceID)
	if err != nil {
		return nil, err
	}
	if serviceEmail(svc) == "" {
		return nil, nil // the navigator sends the link from the referral page
	}
	link, err := s.providerLink(c, a.Site, id)
	if err != nil {
		return nil, err
	}
	return []sqlite.Message{providerMessage(svc, link)}, nil
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
}

var declineLabels = map[string]string{"not_eligible": "The person is not eligible", "service_full": "The service is full",
	"out_of_area": "The person lives outside the area we serve", "could_not_contact": "We could not contact the person",
	"person_declined": "The person did not want the service", "other": "Another reason"}

func (s *Server) providerClaims(c echo.Context) (signedlink.Claims, error) {
	key, err := s.db.Secret(c.Request().Context(), signingKeyName)
	if err != nil {
		return signedlink.Claims{}, err
	}
	cl, err := signedlink.Verify(key, c.Param("token"), providerPurpose, s.now())
	if errors.Is(err, signedlink.ErrInvalid) {
		return cl, kith.Errorf(kith.ENOTFOUND, "This link is not valid or has expired. Ask the navigator who sent it for a new one.")
	}
	return cl, err
}

func (s *Server) providerActor(c echo.Context, cl signedlink.Claims) kith.Actor {
	return kith.Actor{Site: cl.Site, Kind: "provider", ID: cl.ID, RequestID: c.Response().Header().Get(echo.HeaderXRequestID), IP: c.RealIP()}
}

func (s *Server) buildProviderView(ctx context.Context, a kith.Actor, token, referralID string) (providerView, error) {
	r, err := s.db.Referral(ctx, a, referralID)
	if err != nil {
		return providerView{}, err
	}
	req, err := s.db.ScreeningRequest(ctx, a, r.ScreeningID)
	if err != nil {
		return providerView{}, err
	}
	st, err := s.db.Screening(ctx, kith.Actor{Site: a.Site, Kind: a.Kind, ID: a.ID, Role: kith.RoleLead, RequestID: a.RequestID, IP: a.IP}, r.ScreeningID)
	if err != nil {
		return providerView{}, err
	}
	v := providerView{Token: token, ServiceName: r.ServiceName, State: r.State}
	if req.Person != nil {
		v.PersonName = req.Person.Name
		if req.Person.NameLatin != "" {
			v.PersonName += " (" + req.Person.NameLatin + ")"
		}
	}
	if st.Consent.Share == "yes" {
		v.Wishes = req.Wishes
	}
	if req.Person != nil && req.Person.Housebound != nil && *req.Person.Housebound {
		v.Support = append(v.Support, "Finds it hard to leave home: may need a home visit, transport or someone to go with them.")
	}
	sc := st.SafeContact
	if sc.Phone {
		if req.Person != nil && req.Person.Phone != "" {
			v.SafeContact = append(v.SafeContact, "It is safe to phone: "+req.Person.Phone+".")
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
	cl, err := s.providerClaims(c)
	if err != nil {
		return err
	}
	v, err := s.buildProviderView(c.Request().Context(), s.providerActor(c, cl), c.Param("token"), cl.ID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "provider", pageData{Title: "A referral to " + v.ServiceName, Data: v})
}

// providerAnswer records the provider's accept, decline (with a reason) or
// engaged; nothing else is possible through the link.
func (s *Server) providerAnswer(c echo.Context) error {
	cl, err := s.providerClaims(c)
	if err != nil {
		return err
	}
	a := s.providerActor(c, cl)
	m := referral.Move{To: referral.State(c.FormValue("answer")), Reason: c.FormValue("reason"), Note: c.FormValue("note")}
	if !slices.Contains(referral.ProviderMoves, m.To) {
		return kith.Invalid(kith.FieldError{Field: "answer", Message: "choose accept, decline or started"})
	}
	if len(m.Note) > 5000 {
		return kith.Invalid(kith.FieldError{Field: "note", Message: "must be at most 5000 characters"})
	}
	ctx := c.Request().Context()
	if _, err := s.db.Transition(ctx, a, cl.ID, m); err != nil {
		if kith.ErrorCode(err) != kith.EINVALID && kith.ErrorCode(err) != kith.ECONFLICT {
			return err
		}
		v, verr := s.buildProviderView(ctx, a, c.Param("token"), cl.ID)
		if verr != nil {
			return verr
		}
		return s.render(c, http.StatusUnprocessableEntity, "provider", pageData{Title: "A referral to " + v.ServiceName, Data: v,
			Errors: []kith.FieldError{{Field: "answer", Message: kith.ErrorMessage(err) + fieldMessages(err)}}})
	}
	v, err := s.buildProviderView(ctx, a, c.Param("token"), cl.ID)
	if err != nil {
		return err
	}
	v.Done = map[referral.State]string{referral.Accepted: "accepted", referral.Declined: "declined", referral.Engaged: "started"}[m.To]
	return s.render(c, http.StatusOK, "provider", pageData{Title: "Thank you", Data: v})
}

func fieldMessages(err error) string {
	out := ""
	for _, f := range kith.FieldErrors(err) {
		out += fmt.Sprintf(" %s %s.", f.Field, f.Message)
	}
	return out
}

// RunOutbox sends pending messages every interval while a sender is
// configured; without one, messages wait in the outbox.
func (s *Server) RunOutbox(ctx context.Context, sender mail.Sender, interval time.Duration) {
	if sender == nil {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		msgs, err := s.db.PendingMessages(ctx, "", 50)
		if err != nil && ctx.Err() == nil {
			s.log.Error("outbox", "error", err.Error())
		}
		for _, m := range msgs {
			if m.Attempts >= 10 {
				continue
			}
			err := sender.Send(ctx, mail.Message{To: m.To, Subject: m.Subject, Body: m.Body})
			if err != nil {
				s.log.Warn("outbox send failed", "message_id", m.ID, "error", err.Error())
			}
			if err := s.db.MarkSent(ctx, m.ID, err); err != nil && ctx.Err() == nil {
				s.log.Error("outbox mark", "error", err.Error())
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Server) listOutbox(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	msgs, err := s.db.PendingMessages(c.Request().Context(), actor(c).Site, p.Size)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(msgs, len(msgs), p))
}

func (s *Server) recordBestInterest(c echo.Context) error {
	var b sqlite.BestInterest
	if _, err := s.bindJSON(c, &b); err != nil {
		return err
	}
	if err := s.db.RecordBestInterest(c.Request().Context(), actor(c), c.Param("id"), b); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
