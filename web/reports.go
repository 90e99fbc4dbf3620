package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/sqlite"
	"github.com/labstack/echo/v4"
)

// reportFilter reads from and to (YYYY-MM-DD, both inclusive; default the
// last 365 days), pathway_version, arm and gap_radius_km.
func (s *Server) reportFilter(c echo.Context) (sqlite.ReportFilter, error) {
	var f sqlite.ReportFilter
	var errs []kith.FieldError
	day := func(name string) (time.Time, bool) {
		v := c.QueryParam(name)
		if v == "" {
			return time.Time{}, false
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			errs = append(errs, kith.FieldError{Field: name, Message: "must be a date, YYYY-MM-DD"})
			return time.Time{}, false
		}
		return t, true
	}
	today := s.now().UTC().Truncate(24 * time.Hour)
	from, okF := day("from")
	to, okT := day("to")
	if !okT {
		to = today
	}
	if !okF {
		from = to.AddDate(-1, 0, 1)
	}
	f.From, f.To = from, to.AddDate(0, 0, 1)
	if len(errs) == 0 && f.To.Before(f.From) {
		errs = append(errs, kith.FieldError{Field: "to", Message: "must not be before from"})
	}
	if v := c.QueryParam("pathway_version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, kith.FieldError{Field: "pathway_version", Message: "must be a version number from 1"})
		} else {
			f.PathwayVersion = &n
		}
	}
	switch v := c.QueryParam("arm"); v {
	case "", "a", "b":
		f.Arm = v
	default:
		errs = append(errs, kith.FieldError{Field: "arm", Message: "must be a or b"})
	}
	if v := c.QueryParam("gap_radius_km"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r <= 0 || r > 200 {
			errs = append(errs, kith.FieldError{Field: "gap_radius_km", Message: "must be more than 0 and at most 200"})
		} else {
			f.GapRadiusKm = r
		}
	}
	if len(errs) > 0 {
		return f, kith.Invalid(errs...)
	}
	return f, nil
}

// getSummary answers GET /api/v1/reports/summary with exact counts.
func (s *Server) getSummary(c echo.Context) error {
	f, err := s.reportFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a := actor(c)
	site, err := s.db.Site(ctx, a.Site)
	if err != nil {
		return err
	}
	sum, err := s.db.Summary(ctx, a, f, site.Settings.UnitCosts)
	if err != nil {
		return err
	}
	if err := s.db.AuditRead(ctx, a, "report_summary", ""); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sum)
}
