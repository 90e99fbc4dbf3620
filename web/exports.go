package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

func writeCSV(c echo.Context, name string, rows [][]string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, r := range rows {
		_ = w.Write(csvSafe(r))
	}
	w.Flush()
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// exportConcerns is the concerns in the Safeguarding Adults Collection shape.
func (s *Server) exportConcerns(c echo.Context) error {
	f, err := s.reportFilter(c)
	if err != nil {
		return err
	}
	rows, err := s.app.ConcernReturnRows(c.Request().Context(), actor(c), f.From, f.To)
	if err != nil {
		return err
	}
	return writeCSV(c, "kith-concerns-return.csv", rows)
}

// exportResearch is the pseudonymised research extract.
func (s *Server) exportResearch(c echo.Context) error {
	f, err := s.reportFilter(c)
	if err != nil {
		return err
	}
	rows, err := s.app.ResearchRows(c.Request().Context(), actor(c), f.From, f.To)
	if err != nil {
		return err
	}
	return writeCSV(c, "kith-research-extract.csv", rows)
}
