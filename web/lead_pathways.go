package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/pathways"
	"github.com/kith-project/kith/screening"
	"github.com/labstack/echo/v4"
)

const leadPathwaysPath = "/lead/pathways"

type pathwayListView struct {
	Notice    string
	Items     []app.PathwaySummary
	Pager     pager
	Form      formState
	Active    pathways.Active
	HasActive bool
}

// leadPathwaysPage lists the site's pathways. Its small form starts a new
// one: the id given opens an editor for it.
func (s *Server) leadPathwaysPage(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	v := pathwayListView{Form: formState{"new": {c.QueryParam("new")}}}
	var errs []kith.FieldError
	if _, ok := c.QueryParams()["new"]; ok {
		id := strings.TrimSpace(c.QueryParam("new"))
		if pathwayIDPattern.MatchString(id) {
			return c.Redirect(http.StatusSeeOther, leadPathwaysPath+"/"+id)
		}
		errs = []kith.FieldError{{Field: "new", Message: "Pathway id: use lower-case letters, digits and hyphens, starting with a letter or digit, up to 60 characters"}}
	}
	if f, ok := s.takeFlash(c, leadPathwaysPath); ok {
		v.Notice = f.Notice
	}
	ctx := c.Request().Context()
	items, total, err := s.app.ListPathways(ctx, actor(c), p)
	if err != nil {
		return err
	}
	v.Items, v.Pager = items, newPager(c, "page", p, total)
	if v.Active, v.HasActive, err = s.app.ActivePathway(ctx, actor(c)); err != nil {
		return err
	}
	status := http.StatusOK
	if errs != nil {
		status = http.StatusUnprocessableEntity
	}
	return s.render(c, status, "lead_pathways", pageData{Title: "Pathways", Data: v, Errors: errs})
}

// pathwayEditView is the pathway editor.
type pathwayEditView struct {
	Notice    string
	ID        string
	Action    string
	Exists    bool
	Version   int // the version in the editor; 0 for a new pathway
	Latest    int
	Versions  []int
	Active    pathways.Active
	HasActive bool
	Form      formState
	// Problems are the document's problems, each with its field path.
	Problems  []kith.FieldError
	Variables []struct{ Name, Type, Meaning string }
	Recent    []app.ScreeningSummary
	Preview   *pathwayPreview
}

// ActiveHere reports whether version n of this pathway is what the site runs.
func (v pathwayEditView) ActiveHere(n int) bool {
	return v.HasActive && v.Active.PathwayID == v.ID && (v.Active.Version == n || (v.Active.PilotB != nil && *v.Active.PilotB == n))
}

// Pilot reports whether the site runs a pilot of two versions.
func (v pathwayEditView) Pilot() bool { return v.HasActive && v.Active.Pilot() }

// pathwayPreview is what a draft makes of one stored screening, beside what
// the screening got when it was made.
type pathwayPreview struct {
	ScreeningID string
	Referred    bool
	Outcome     *app.PathwayOutcome
	Recs        []previewRec
	NextSteps   []string
	Before      *app.PathwayOutcome
	BeforeRecs  []recommendationView
}

type previewRec struct {
	pathways.Recommendation
	CategoryLabel, RelationshipLabel string
}

// editorPathway reads the pathway id from the path. An id no pathway has
// yet opens the editor for a new pathway.
func editorPathway(c echo.Context) (string, error) {
	id := c.Param("id")
	if !pathwayIDPattern.MatchString(id) {
		return "", kith.Errorf(kith.ENOTFOUND, "Pathway not found.")
	}
	return id, nil
}

func (s *Server) leadPathwayPage(c echo.Context) error {
	id, err := editorPathway(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, err := s.newPathwayEditView(c, id)
	if err != nil {
		return err
	}
	if f, ok := s.takeFlash(c, leadPathwaysPath+"/"+id); ok {
		v.Notice = f.Notice
	}
	// The editor holds the latest version, or the one asked for; a new
	// pathway starts from Kith's default.
	doc := pathways.DefaultDocument()
	if v.Exists {
		v.Version = v.Latest
		if q := c.QueryParam("version"); q != "" {
			n, err := strconv.Atoi(q)
			if err != nil || n < 1 || n > v.Latest {
				return kith.Errorf(kith.ENOTFOUND, "Pathway version not found.")
			}
			v.Version = n
		}
		pv, err := s.app.PathwayVersion(ctx, actor(c), id, v.Version)
		if err != nil {
			return err
		}
		doc = pv.Document
	}
	v.Form = formState{"document": {indentJSON(doc)}}
	if v.Recent, _, err = s.app.ListScreenings(ctx, actor(c), app.ScreeningFilter{Page: kith.Page{Number: 1, Size: 10}}); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "lead_pathway", pageData{Title: pathwayTitle(v), Data: v})
}

func pathwayTitle(v pathwayEditView) string {
	if !v.Exists {
		return "New pathway " + v.ID
	}
	return "Pathway " + v.ID
}

func indentJSON(raw []byte) string {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

// newPathwayEditView fills in what the editor shows of a pathway's versions.
func (s *Server) newPathwayEditView(c echo.Context, id string) (pathwayEditView, error) {
	ctx := c.Request().Context()
	v := pathwayEditView{ID: id, Action: leadPathwaysPath + "/" + id, Variables: pathways.Variables}
	var err error
	if v.Active, v.HasActive, err = s.app.ActivePathway(ctx, actor(c)); err != nil {
		return v, err
	}
	// Pathways are few: find this one in the list rather than add a query.
	for page := 1; ; page++ {
		items, total, err := s.app.ListPathways(ctx, actor(c), kith.Page{Number: page, Size: 100})
		if err != nil {
			return v, err
		}
		for _, it := range items {
			if it.ID == id {
				v.Exists, v.Latest = true, it.LatestVersion
			}
		}
		if v.Exists || page*100 >= total {
			break
		}
	}
	for n := v.Latest; n >= 1; n-- {
		v.Versions = append(v.Versions, n)
	}
	return v, nil
}

// showPathwayForm shows the editor again with what was typed.
func (s *Server) showPathwayForm(c echo.Context, status int, id string, f formState, errs []kith.FieldError, preview *pathwayPreview) error {
	v, err := s.newPathwayEditView(c, id)
	if err != nil {
		return err
	}
	v.Form, v.Preview = f, preview
	for _, e := range errs {
		if e.Field == "document" {
			v.Problems = append(v.Problems, e)
		}
	}
	if v.Recent, _, err = s.app.ListScreenings(c.Request().Context(), actor(c), app.ScreeningFilter{Page: kith.Page{Number: 1, Size: 10}}); err != nil {
		return err
	}
	return s.render(c, status, "lead_pathway", pageData{Title: pathwayTitle(v), Data: v, Errors: errs})
}

// pathwayErrors points every problem in the document at the editor, with
// the field path of the rule it is in: "document.rules[1].when: rule
// "typo" does not compile: ...".
func pathwayErrors(err error) []kith.FieldError {
	// Listed in the order of the rules they are in, whichever check found them.
	if fields := kith.FieldErrors(err); len(fields) > 1 {
		sorted := slices.Clone(fields)
		slices.SortStableFunc(sorted, func(a, b kith.FieldError) int { return cmp.Compare(ruleIndex(a.Field), ruleIndex(b.Field)) })
		err = kith.Invalid(sorted...)
	}
	return formErrors(err, "document", func(field string) (string, string) {
		switch field {
		case "screening_id":
			return "screening_id", "Screening id"
		case "document":
			return "document", "Pathway document"
		}
		return "document", field
	})
}

// ruleIndex is the rule a field path is in ("document.rules[3].when" is
// in rule 3); -1 for the rest of the document.
func ruleIndex(field string) int {
	var n int
	if _, err := fmt.Sscanf(field, "document.rules[%d]", &n); err != nil {
		return -1
	}
	return n
}

// draftDocument reads and compiles the document in the editor.
func (s *Server) draftDocument(c echo.Context, f formState) (*pathways.Document, *pathways.Pathway, error) {
	raw := strings.TrimSpace(f.Get("document"))
	switch {
	case raw == "":
		return nil, nil, kith.Invalid(kith.FieldError{Field: "document", Message: "is empty: write the pathway as JSON"})
	case len(raw) > maxBody:
		return nil, nil, kith.Invalid(kith.FieldError{Field: "document", Message: "must be at most 1 MiB"})
	}
	return s.compileDocument(c, json.RawMessage(raw))
}

// leadSavePathway stores the editor's document as a new version, and makes
// it active if asked. A document that does not compile is shown again
// with each problem by its rule; nothing is saved.
func (s *Server) leadSavePathway(c echo.Context) error {
	id, err := editorPathway(c)
	if err != nil {
		return err
	}
	f, err := postedForm(c)
	if err != nil {
		return err
	}
	doc, _, err := s.draftDocument(c, f)
	if err != nil {
		errs := pathwayErrors(err)
		if errs == nil {
			return err
		}
		return s.showPathwayForm(c, http.StatusUnprocessableEntity, id, f, errs, nil)
	}
	canonical, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, err := s.app.SavePathwayVersion(ctx, actor(c), id, doc.Name, canonical)
	if err != nil {
		return err
	}
	notice := fmt.Sprintf("Version %d of %s saved. It is not active: screenings still use the active version.", v.Version, id)
	if f.Get("activate") == "true" {
		if err := s.app.ActivatePathway(ctx, actor(c), pathways.Active{PathwayID: id, Version: v.Version}); err != nil {
			return err
		}
		notice = fmt.Sprintf("Version %d of %s saved and active: new screenings use it from now on.", v.Version, id)
	}
	return s.redirectWithNotice(c, leadPathwaysPath+"/"+id, notice)
}

// leadActivatePathway makes a saved version the one the site runs, ending
// any pilot.
func (s *Server) leadActivatePathway(c echo.Context) error {
	id, err := editorPathway(c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.FormValue("version"))
	if err != nil || n < 1 {
		return kith.Errorf(kith.ENOTFOUND, "Pathway version not found.")
	}
	if err := s.app.ActivatePathway(c.Request().Context(), actor(c), pathways.Active{PathwayID: id, Version: n}); err != nil {
		return err
	}
	return s.redirectWithNotice(c, leadPathwaysPath+"/"+id, fmt.Sprintf("Version %d of %s is active: new screenings use it from now on.", n, id))
}

// leadPreviewPathway runs the editor's document against a stored screening
// and shows the result beside what the screening got. It saves nothing, so
// it answers the form directly rather than redirecting.
func (s *Server) leadPreviewPathway(c echo.Context) error {
	id, err := editorPathway(c)
	if err != nil {
		return err
	}
	f, err := postedForm(c)
	if err != nil {
		return err
	}
	pv, err := s.previewDraft(c, f)
	if err != nil {
		errs := pathwayErrors(err)
		if errs == nil {
			return err
		}
		return s.showPathwayForm(c, http.StatusUnprocessableEntity, id, f, errs, nil)
	}
	return s.showPathwayForm(c, http.StatusOK, id, f, nil, pv)
}

func (s *Server) previewDraft(c echo.Context, f formState) (*pathwayPreview, error) {
	sid := strings.TrimSpace(f.Get("screening_id"))
	var errs []kith.FieldError
	if sid == "" || len(sid) > 64 {
		errs = append(errs, kith.FieldError{Field: "screening_id", Message: "enter the id of one of the site's screenings"})
	}
	_, p, err := s.draftDocument(c, f)
	if err != nil {
		fields := kith.FieldErrors(err)
		if len(fields) == 0 {
			return nil, err
		}
		errs = append(fields, errs...)
	}
	if len(errs) > 0 {
		return nil, kith.Invalid(errs...)
	}
	stored, run, err := s.app.PreviewPathway(c.Request().Context(), actor(c), p, sid)
	if kith.ErrorCode(err) == kith.ENOTFOUND {
		return nil, kith.Invalid(kith.FieldError{Field: "screening_id", Message: "no screening in this site has that id"})
	}
	if err != nil {
		return nil, err
	}
	referred := stored.Consent.Refer == screening.Yes
	pv := &pathwayPreview{ScreeningID: sid, Referred: referred, Outcome: run.Pathway, NextSteps: run.NextSteps,
		Before: stored.Pathway, BeforeRecs: newResultView(stored).RecommendationViews}
	for _, r := range run.Recommendations {
		pv.Recs = append(pv.Recs, previewRec{Recommendation: r, CategoryLabel: assets.CategoryLabel(r.Category), RelationshipLabel: relationshipWords(r.Relationship)})
	}
	return pv, nil
}

func relationshipWords(code string) string {
	for _, t := range assets.Relationships {
		if t.Code == code {
			return t.Label
		}
	}
	return code
}
