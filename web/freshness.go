package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/signedlink"
	"github.com/labstack/echo/v4"
)

const (
	confirmPurpose = "confirm-service"
	// confirmLinkLifetime gives a service's contact two months to click.
	confirmLinkLifetime = 60 * 24 * time.Hour
	signingKeyName      = "link-signing"
)

// baseURL is where links sent outside the service point: the configured
// KITH_BASE_URL, or else the address the service listens on (kith serve
// refuses to start without KITH_BASE_URL unless that is a loopback
// address). Never the Host header, which is the client's to choose.
func (s *Server) baseURL(echo.Context) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	if u, ok := s.listenURL.Load().(string); ok {
		return u
	}
	return ""
}

type staleService struct {
	assets.Service
	ConfirmURL string `json:"confirm_url"`
}

// staleAssets lists services not confirmed for six months, each with a
// signed one-click link for its contact.
func (s *Server) staleAssets(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a := actor(c)
	svcs, total, err := s.app.ListServices(ctx, a.Site, app.ServiceFilter{StaleBefore: assets.StaleCutoff(s.now()), Page: p})
	if err != nil {
		return err
	}
	key, err := s.app.Secret(ctx, signingKeyName)
	if err != nil {
		return err
	}
	items := make([]staleService, 0, len(svcs))
	for _, svc := range svcs {
		tok := signedlink.Sign(key, signedlink.Claims{Purpose: confirmPurpose, Site: a.Site, ID: svc.ID, Expires: s.now().Add(confirmLinkLifetime)})
		items = append(items, staleService{Service: svc, ConfirmURL: s.baseURL(c) + "/confirm/" + tok})
	}
	return c.JSON(http.StatusOK, newList(items, total, p))
}

// confirmClaims checks a confirmation link.
func (s *Server) confirmClaims(c echo.Context) (signedlink.Claims, error) {
	key, err := s.app.Secret(c.Request().Context(), signingKeyName)
	if err != nil {
		return signedlink.Claims{}, err
	}
	cl, err := signedlink.Verify(key, c.Param("token"), confirmPurpose, s.now())
	if errors.Is(err, signedlink.ErrInvalid) {
		return cl, kith.Errorf(kith.ENOTFOUND, "This link is not valid or has expired. Ask the council for a new one.")
	}
	return cl, err
}

type confirmView struct {
	Service assets.Service
	Done    bool
}

func (s *Server) confirmServicePage(c echo.Context) error {
	cl, err := s.confirmClaims(c)
	if err != nil {
		return err
	}
	svc, err := s.app.Service(c.Request().Context(), cl.Site, cl.ID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "confirm", pageData{Title: "Is this still up to date?", Data: confirmView{Service: svc}})
}

func (s *Server) confirmService(c echo.Context) error {
	cl, err := s.confirmClaims(c)
	if err != nil {
		return err
	}
	a := kith.Actor{Site: cl.Site, Kind: "provider", ID: "confirm-link", RequestID: c.Response().Header().Get(echo.HeaderXRequestID), IP: c.RealIP()}
	svc, err := s.app.ConfirmService(c.Request().Context(), a, cl.ID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "confirm", pageData{Title: "Thank you", Data: confirmView{Service: svc, Done: true}})
}

// MarshalJSON adds the link to the service's own JSON.
func (s staleService) MarshalJSON() ([]byte, error) {
	return app.WithMembers(s.Service, map[string]any{"confirm_url": s.ConfirmURL})
}
