package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"time"

	"github.com/kith-project/kith"
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
	rows, err := s.db.ConcernReturnRows(c.Request().Context(), actor(c), f.From, f.To)
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
	rows, err := s.db.ResearchRows(c.Request().Context(), actor(c), f.From, f.To)
	if err != nil {
		return err
	}
	return writeCSV(c, "kith-research-extract.csv", rows)
}

// RunRetention applies each site's retention period once a day.
func (s *Server) RunRetention(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		sites, err := s.db.SitesWithRetention(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("retention", "error", err.Error())
		}
		for site, days := range sites {
			n, err := s.db.ApplyRetention(ctx, kith.Actor{Site: site, Kind: "system", ID: "retention"}, days)
			if err != nil && ctx.Err() == nil {
				s.log.Error("retention", "site", site, "error", err.Error())
			} else if n > 0 {
				s.log.Info("retention applied", "site", site, "screenings", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
