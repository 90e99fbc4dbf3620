package web

import (
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/screening"
	"github.com/labstack/echo/v4"
)

// idempotencyHeader makes a retried submission return the first result.
const idempotencyHeader = "Idempotency-Key"

func (s *Server) getCatalogue(c echo.Context) error {
	return c.JSON(http.StatusOK, screening.Catalogue())
}

// idempotencyKey returns the header's key, else the body's client_ref.
func idempotencyKey(c echo.Context, req *screening.Request) (string, error) {
	key := c.Request().Header.Get(idempotencyHeader)
	field := idempotencyHeader
	if key == "" {
		key, field = req.ClientRef, "client_ref"
	}
	if len(key) > 200 {
		return "", kith.Invalid(kith.FieldError{Field: field, Message: "must be at most 200 characters"})
	}
	for _, r := range key {
		if !unicode.IsPrint(r) {
			return "", kith.Invalid(kith.FieldError{Field: field, Message: "must hold only printable characters"})
		}
	}
	if req.ClientRef != "" && key != req.ClientRef {
		return "", kith.Invalid(kith.FieldError{Field: "client_ref", Message: "must match the Idempotency-Key header when both are sent"})
	}
	return key, nil
}

// createScreening scores a submitted screening and stores it. A retry with
// the same idempotency key and body returns the first result with 200.
func (s *Server) createScreening(c echo.Context) error {
	var req screening.Request
	if _, err := s.bindJSON(c, &req); err != nil {
		return err
	}
	key, err := idempotencyKey(c, &req)
	if err != nil {
		return err
	}
	stored, created, err := s.submitScreening(c, &req, key)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/screenings/"+stored.ID)
	return storedJSON(c, status, stored)
}

// storedJSON sends a screening as it was stored: its JSON was made when it
// was written, so it is not decoded and encoded again. The bytes are what
// c.JSON would send (encoding/json, a newline after), unless ?pretty asks
// for indentation.
func storedJSON(c echo.Context, status int, stored app.StoredScreening) error {
	if _, pretty := c.QueryParams()["pretty"]; pretty || stored.JSON == nil {
		return c.JSON(status, stored)
	}
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	c.Response().WriteHeader(status)
	if _, err := c.Response().Write(stored.JSON); err != nil {
		return err
	}
	_, err := c.Response().Write([]byte{'\n'})
	return err
}

// submitScreening scores and stores a validated request; the API and the
// form both come through here.
func (s *Server) submitScreening(c echo.Context, req *screening.Request, key string) (app.StoredScreening, bool, error) {
	return s.app.SubmitScreening(c.Request().Context(), actor(c), req, key, app.Links{Concern: s.concernLinkFor(c)})
}

func (s *Server) getScreening(c echo.Context) error {
	id := c.Param("id")
	if len(id) > 64 {
		return kith.Errorf(kith.ENOTFOUND, "Screening not found.")
	}
	stored, err := s.app.Screening(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return storedJSON(c, http.StatusOK, stored)
}

var (
	actions   = []string{screening.ActionEmergency, screening.ActionRaiseConcern, screening.ActionDiscuss, screening.ActionNone}
	quadrants = []string{"isolated_and_lonely", "isolated_not_lonely", "lonely_not_isolated", "connected", "unknown"}
	levels    = []string{screening.LevelNone, screening.LevelLow, screening.LevelMedium, screening.LevelHigh}
)

func relationshipCodes() []string {
	out := make([]string, 0, len(screening.Relationships))
	for _, r := range screening.Relationships {
		out = append(out, r.Code)
	}
	return out
}

// oneOfParam checks an optional filter against its allowed values.
func oneOfParam(c echo.Context, name string, allowed []string, fields *[]kith.FieldError) string {
	v := c.QueryParam(name)
	if v != "" && !slices.Contains(allowed, v) {
		*fields = append(*fields, kith.FieldError{Field: name, Message: "must be one of: " + strings.Join(allowed, ", ")})
	}
	return v
}

func (s *Server) listScreenings(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	var fields []kith.FieldError
	f := app.ScreeningFilter{Page: p}
	f.Action = oneOfParam(c, "action", actions, &fields)
	f.Quadrant = oneOfParam(c, "quadrant", quadrants, &fields)
	f.Relationship = oneOfParam(c, "relationship", relationshipCodes(), &fields)
	f.Level = oneOfParam(c, "level", levels, &fields)
	if f.Level != "" && c.QueryParam("relationship") == "" {
		fields = append(fields, kith.FieldError{Field: "level", Message: "needs a relationship to apply to"})
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
	items, total, err := s.app.ListScreenings(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(items, total, p))
}
