package web

import (
	"encoding/json"
	"net/http"

	"github.com/kith-project/kith/referral"
	"github.com/labstack/echo/v4"
)

type createReferralRequest struct {
	ScreeningID string `json:"screening_id" validate:"required,max=64"`
	ServiceID   string `json:"service_id" validate:"required,max=100"`
}

func (s *Server) createReferral(c echo.Context) error {
	var req createReferralRequest
	if _, err := s.bindJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	r, err := s.app.CreateReferral(ctx, actor(c), req.ScreeningID, req.ServiceID)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/referrals/"+r.ID)
	return c.JSON(http.StatusCreated, r)
}

// referralBody is a referral with, once sent, the provider's link, so a
// navigator can pass it on when the service has no email address.
type referralBody struct {
	referral.Referral
	ProviderURL string `json:"provider_url,omitempty"`
	// ProviderCode is the short code printed on the provider's letter.
	ProviderCode string `json:"provider_code,omitempty"`
}

func (s *Server) referralBody(c echo.Context, r referral.Referral) (referralBody, error) {
	b := referralBody{Referral: r}
	if r.State == referral.Sent || r.State == referral.Accepted || r.State == referral.Engaged {
		link, l, err := s.providerURL(c, r.ID)
		if err != nil {
			return b, err
		}
		b.ProviderURL, b.ProviderCode = link, l.CodeWords()
	}
	return b, nil
}

func (s *Server) getReferral(c echo.Context) error {
	return s.getReferralStatus(c, http.StatusOK)
}

// getReferralTask is the referral as a FHIR R4 Task (Gravity's referral
// management profile), as application/fhir+json.
func (s *Server) getReferralTask(c echo.Context) error {
	t, err := s.app.ReferralTask(c.Request().Context(), actor(c), c.Param("id"), s.baseURL(c))
	if err != nil {
		return err
	}
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/fhir+json", b)
}

func (s *Server) listReferrals(c echo.Context) error {
	f, err := referralFilterFrom(c)
	if err != nil {
		return err
	}
	f.Open = c.QueryParam("open") == "true"
	items, total, err := s.app.ListReferrals(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(items, total, f.Page))
}

func (s *Server) transitionReferral(c echo.Context) error {
	var m referral.Move
	if _, err := s.bindJSON(c, &m); err != nil {
		return err
	}
	if _, err := s.app.Transition(c.Request().Context(), actor(c), c.Param("id"), m, s.linkFor(c, c.Param("id"))); err != nil {
		return err
	}
	return s.getReferralStatus(c, http.StatusOK)
}

type noteRequest struct {
	Note string `json:"note" validate:"required,max=5000"`
}

func (s *Server) addReferralNote(c echo.Context) error {
	var req noteRequest
	if _, err := s.bindJSON(c, &req); err != nil {
		return err
	}
	if err := s.app.AddNote(c.Request().Context(), actor(c), c.Param("id"), req.Note); err != nil {
		return err
	}
	return s.getReferralStatus(c, http.StatusCreated)
}

type attemptRequest struct {
	Result string `json:"result" validate:"required,max=30"`
	Note   string `json:"note" validate:"max=5000"`
}

func (s *Server) addContactAttempt(c echo.Context) error {
	var req attemptRequest
	if _, err := s.bindJSON(c, &req); err != nil {
		return err
	}
	if _, err := s.app.AddAttempt(c.Request().Context(), actor(c), c.Param("id"), req.Result, req.Note); err != nil {
		return err
	}
	return s.getReferralStatus(c, http.StatusCreated)
}

func (s *Server) getReferralStatus(c echo.Context, status int) error {
	r, err := s.app.Referral(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	b, err := s.referralBody(c, r)
	if err != nil {
		return err
	}
	return c.JSON(status, b)
}

func (s *Server) listConcerns(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	items, total, err := s.app.ListConcerns(c.Request().Context(), actor(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(items, total, p))
}

func (s *Server) recordConcernOutcome(c echo.Context) error {
	var o referral.ConcernOutcome
	if _, err := s.bindJSON(c, &o); err != nil {
		return err
	}
	con, err := s.app.RecordConcernOutcome(c.Request().Context(), actor(c), c.Param("id"), o)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, con)
}
