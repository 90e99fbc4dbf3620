package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/reports"
	"github.com/labstack/echo/v4"
)

// reportFilter reads from and to (YYYY-MM-DD, both inclusive; default the
// last 365 days), pathway_version, arm and gap_radius_km.
func (s *Server) reportFilter(c echo.Context) (app.ReportFilter, error) {
	var f app.ReportFilter
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

// summaryFor computes the summary for a filter with the site's unit
// costs, and audits the read under what.
func (s *Server) summaryFor(c echo.Context, f app.ReportFilter, what, id string) (reports.Summary, error) {
	return s.app.Summary(c.Request().Context(), actor(c), f, what, id)
}

// getSummary answers GET /api/v1/reports/summary with exact counts.
func (s *Server) getSummary(c echo.Context) error {
	f, err := s.reportFilter(c)
	if err != nil {
		return err
	}
	sum, err := s.summaryFor(c, f, "report_summary", "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sum)
}

// chartBar is one bar of a server-drawn SVG chart.
type chartBar struct {
	Label string
	Value string
	Y     int
	Width int
	TextY int
}

type reportTable struct {
	reports.Table
	Bars   []chartBar
	Height int
}

type reportView struct {
	Summary reports.Summary
	Tables  []reportTable
	Query   string
	Form    formState
}

// reportTables lays out the tables, with bar charts (drawn on the server
// as SVG, with a title, a description and the table beside them) where a
// person would rather look than read.
func reportTables(s reports.Summary) []reportTable {
	var out []reportTable
	for _, t := range reports.Tables(s) {
		rt := reportTable{Table: t}
		if t.Chart >= 0 && len(t.Raw) > 0 {
			maxV := 1
			for _, v := range t.Raw {
				maxV = max(maxV, v)
			}
			for i, row := range t.Rows {
				rt.Bars = append(rt.Bars, chartBar{Label: row[0], Value: row[t.Chart], Y: i * 32, TextY: i*32 + 20, Width: t.Raw[i] * 380 / maxV})
			}
			rt.Height = len(t.Rows) * 32
		}
		out = append(out, rt)
	}
	return out
}

func (s *Server) reportsPage(c echo.Context) error {
	f, err := s.reportFilter(c)
	v := reportView{Form: formState(c.QueryParams()), Query: c.QueryString()}
	if err != nil {
		if errs := kith.FieldErrors(err); len(errs) > 0 {
			return s.render(c, http.StatusUnprocessableEntity, "reports", pageData{Title: "Reports", Data: v, Errors: errs})
		}
		return err
	}
	if v.Summary, err = s.summaryFor(c, f, "report_summary", ""); err != nil {
		return err
	}
	v.Tables = reportTables(v.Summary)
	return s.render(c, http.StatusOK, "reports", pageData{Title: "Reports", Data: v})
}

// reportCSV downloads one table of the report, suppressed as on the page.
func (s *Server) reportCSV(c echo.Context) error {
	name := strings.TrimSuffix(c.Param("table"), ".csv")
	f, err := s.reportFilter(c)
	if err != nil {
		return err
	}
	sum, err := s.summaryFor(c, f, "report_export", name)
	if err != nil {
		return err
	}
	for _, t := range reports.Tables(sum) {
		if t.Name == name {
			return writeCSV(c, fmt.Sprintf("kith-%s-%s-to-%s.csv", name, sum.From, sum.To), append([][]string{t.Columns}, t.Rows...))
		}
	}
	return kith.Errorf(kith.ENOTFOUND, "No such table.")
}

// csvSafe stops a cell starting with = + - @ being read as a formula by a
// spreadsheet (CSV injection).
func csvSafe(row []string) []string {
	out := make([]string, len(row))
	for i, v := range row {
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			v = "'" + v
		}
		out[i] = v
	}
	return out
}
