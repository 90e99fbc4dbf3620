package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/pathways"
	"github.com/labstack/echo/v4"
)

var pathwayIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,59}$`)

func (s *Server) listPathways(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	items, total, err := s.app.ListPathways(c.Request().Context(), actor(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(items, total, p))
}

type savePathwayRequest struct {
	ID       string          `json:"id" validate:"required,max=60"`
	Document json.RawMessage `json:"document" validate:"required"`
	Activate bool            `json:"activate"`
}

// compileDocument parses and compiles a pathway document, naming fields
// under "document".
func (s *Server) compileDocument(c echo.Context, raw json.RawMessage) (*pathways.Document, *pathways.Pathway, error) {
	doc, err := pathways.ParseDocument(raw)
	if err != nil {
		return nil, nil, prefixFields(err, "")
	}
	if err := s.validate(doc); err != nil {
		return nil, nil, prefixFields(err, "document.")
	}
	site, err := s.app.Site(c.Request().Context(), actor(c).Site)
	if err != nil {
		return nil, nil, err
	}
	p, err := pathways.Compile(doc, site.Settings.Categories)
	if err != nil {
		return nil, nil, prefixFields(err, "document.")
	}
	return doc, p, nil
}

// prefixFields puts a prefix on every field error's name.
func prefixFields(err error, prefix string) error {
	fields := kith.FieldErrors(err)
	if len(fields) == 0 || prefix == "" {
		return err
	}
	out := make([]kith.FieldError, len(fields))
	for i, f := range fields {
		out[i] = kith.FieldError{Field: prefix + f.Field, Message: f.Message}
	}
	return &kith.Error{Code: kith.ErrorCode(err), Message: "The pathway is not valid; nothing was saved.", Fields: out}
}

// savePathway stores a new version of a pathway. A pathway that does not
// compile is refused with each rule named, and the active version is left
// as it was.
func (s *Server) savePathway(c echo.Context) error {
	var req savePathwayRequest
	if _, err := s.bindJSON(c, &req); err != nil {
		return err
	}
	if !pathwayIDPattern.MatchString(req.ID) {
		return kith.Invalid(kith.FieldError{Field: "id", Message: "must be lower-case letters, digits and hyphens"})
	}
	doc, _, err := s.compileDocument(c, req.Document)
	if err != nil {
		return err
	}
	canonical, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, err := s.app.SavePathwayVersion(ctx, actor(c), req.ID, doc.Name, canonical)
	if err != nil {
		return err
	}
	if req.Activate {
		if err := s.app.ActivatePathway(ctx, actor(c), pathways.Active{PathwayID: v.PathwayID, Version: v.Version}); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusCreated, v)
}

func (s *Server) getPathwayVersion(c echo.Context) error {
	n, err := strconv.Atoi(c.Param("version"))
	if err != nil || n < 1 {
		return kith.Errorf(kith.ENOTFOUND, "Pathway version not found.")
	}
	v, err := s.app.PathwayVersion(c.Request().Context(), actor(c), c.Param("id"), n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

type activateRequest struct {
	Version int `json:"version" validate:"required,min=1"`
	Pilot   *struct {
		Version   int      `json:"version" validate:"required,min=1"`
		Rule      string   `json:"rule" validate:"required,oneof=postcode_districts alternation random"`
		Districts []string `json:"districts" validate:"max=500,dive,max=4"`
		Seed      int64    `json:"seed"`
	} `json:"pilot"`
}

// activatePathway makes a version, or a pilot of two, what the site runs.
func (s *Server) activatePathway(c echo.Context) error {
	var req activateRequest
	if _, err := s.bindJSON(c, &req); err != nil {
		return err
	}
	act := pathways.Active{PathwayID: c.Param("id"), Version: req.Version}
	if p := req.Pilot; p != nil {
		if p.Version == req.Version {
			return kith.Invalid(kith.FieldError{Field: "pilot.version", Message: "must differ from version: a pilot compares two versions"})
		}
		if p.Rule == pathways.RuleDistricts && len(p.Districts) == 0 {
			return kith.Invalid(kith.FieldError{Field: "pilot.districts", Message: "must list the postcode districts of arm B"})
		}
		v := p.Version
		act.PilotB, act.Rule, act.Districts, act.Seed = &v, p.Rule, slices.Clone(p.Districts), p.Seed
	}
	ctx := c.Request().Context()
	if err := s.app.ActivatePathway(ctx, actor(c), act); err != nil {
		return err
	}
	cur, _, err := s.app.ActivePathway(ctx, actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cur)
}

func (s *Server) getActivePathway(c echo.Context) error {
	cur, ok, err := s.app.ActivePathway(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	if !ok {
		return kith.Errorf(kith.ENOTFOUND, "The site runs no pathway.")
	}
	return c.JSON(http.StatusOK, cur)
}

type previewRequest struct {
	Document    json.RawMessage `json:"document" validate:"required"`
	ScreeningID string          `json:"screening_id" validate:"required,max=64"`
}

// previewPathway runs a draft pathway against a stored screening and
// stores nothing, so a lead can see what a change would do.
func (s *Server) previewPathway(c echo.Context) error {
	var req previewRequest
	if _, err := s.bindJSON(c, &req); err != nil {
		return err
	}
	_, p, err := s.compileDocument(c, req.Document)
	if err != nil {
		return err
	}
	_, run, err := s.app.PreviewPathway(c.Request().Context(), actor(c), p, req.ScreeningID)
	if kith.ErrorCode(err) == kith.ENOTFOUND {
		return kith.Invalid(kith.FieldError{Field: "screening_id", Message: "no such screening in this site"})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, run)
}

// screeningRecommendations ranks services for a stored screening now.
func (s *Server) screeningRecommendations(c echo.Context) error {
	run, err := s.app.Recommendations(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, run)
}
