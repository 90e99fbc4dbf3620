package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/password"
	"github.com/labstack/echo/v4"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// pathID parses a numeric id from the path; anything else is not found.
func pathID(c echo.Context, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, kith.Errorf(kith.ENOTFOUND, "%s not found.", what)
	}
	return id, nil
}

type meBody struct {
	Site     string    `json:"site"`
	SiteName string    `json:"site_name"`
	Role     kith.Role `json:"role"`
	Actor    string    `json:"actor"`
}

func (s *Server) getMe(c echo.Context) error {
	a := actor(c)
	site, err := s.app.Site(c.Request().Context(), a.Site)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, meBody{Site: a.Site, SiteName: site.Name, Role: a.Role, Actor: a.Ref()})
}

// parseTimeParam accepts a date (YYYY-MM-DD, the start of that day in UTC)
// or an RFC 3339 time.
func parseTimeParam(c echo.Context, name string, endOfDay bool) (time.Time, *kith.FieldError) {
	v := c.QueryParam(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		if endOfDay {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, &kith.FieldError{Field: name, Message: "must be a date (YYYY-MM-DD) or an RFC 3339 time"}
}

func (s *Server) listAudit(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	f := kith.AuditFilter{Entity: c.QueryParam("entity"), EntityID: c.QueryParam("entity_id"), Actor: c.QueryParam("actor"), Page: p}
	var fields []kith.FieldError
	for name, v := range map[string]string{"entity": f.Entity, "entity_id": f.EntityID, "actor": f.Actor} {
		if len(v) > 200 {
			fields = append(fields, kith.FieldError{Field: name, Message: "must be at most 200 characters"})
		}
	}
	var fe *kith.FieldError
	if f.From, fe = parseTimeParam(c, "from", false); fe != nil {
		fields = append(fields, *fe)
	}
	if f.To, fe = parseTimeParam(c, "to", true); fe != nil {
		fields = append(fields, *fe)
	}
	if len(fields) > 0 {
		return kith.Invalid(fields...)
	}
	items, total, err := s.app.ListAudit(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(items, total, p))
}

type createTokenRequest struct {
	Role kith.Role `json:"role" validate:"required,oneof=visitor navigator safeguarding lead"`
	Name string    `json:"name" validate:"max=200"`
	// ExpiresInDays is how long the token works: 1 to 365, 90 when absent.
	ExpiresInDays *int `json:"expires_in_days" validate:"omitnil,min=1,max=365"`
}

func (r createTokenRequest) days() int {
	if r.ExpiresInDays == nil {
		return 0
	}
	return *r.ExpiresInDays
}

type createdToken struct {
	kith.Token
	Secret string `json:"token"`
}

func (s *Server) createToken(c echo.Context) error {
	var req createTokenRequest
	if _, err := s.bindJSON(c, &req); err != nil {
		return err
	}
	t, secret, err := s.app.CreateToken(c.Request().Context(), actor(c), req.Role, req.Name, req.days())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, createdToken{Token: t, Secret: secret})
}

func (s *Server) listTokens(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	items, total, err := s.app.ListTokens(c.Request().Context(), actor(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(items, total, p))
}

func (s *Server) revokeToken(c echo.Context) error {
	id, err := pathID(c, "Token")
	if err != nil {
		return err
	}
	if err := s.app.RevokeToken(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type createUserRequest struct {
	Email    string    `json:"email" validate:"required,email,max=200"`
	Role     kith.Role `json:"role" validate:"required,oneof=visitor navigator safeguarding lead"`
	Password string    `json:"password" validate:"required"`
}

func (s *Server) createUser(c echo.Context) error {
	var req createUserRequest
	if _, err := s.bindJSON(c, &req); err != nil {
		return err
	}
	if err := password.Check(req.Password); err != nil {
		return kith.Invalid(kith.FieldError{Field: "password", Message: err.Error()})
	}
	hash, err := password.Hash(req.Password)
	if err != nil {
		return err
	}
	u, err := s.app.CreateUser(c.Request().Context(), actor(c), req.Email, req.Role, hash)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, u)
}

func (s *Server) listUsers(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	items, total, err := s.app.ListUsers(c.Request().Context(), actor(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(items, total, p))
}

func (s *Server) disableUser(c echo.Context) error {
	id, err := pathID(c, "User")
	if err != nil {
		return err
	}
	if _, err := s.app.DisableUserHandingOver(c.Request().Context(), actor(c), id, c.QueryParam("assignee")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) getSite(c echo.Context) error {
	site, err := s.app.Site(c.Request().Context(), actor(c).Site)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, site)
}

type updateSiteRequest struct {
	Name     string            `json:"name" validate:"required,max=200"`
	Settings kith.SiteSettings `json:"settings"`
}

func (s *Server) updateSite(c echo.Context) error {
	var req updateSiteRequest
	if _, err := s.bindJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.app.UpdateSiteSettings(ctx, actor(c), req.Name, req.Settings); err != nil {
		return err
	}
	return s.getSite(c)
}
