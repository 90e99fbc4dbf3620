package web

import (
	"net/http"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/labstack/echo/v4"
)

// The open feed publishes each site's public services in the Open Referral
// UK shape, for other councils' tools: no token, read-only, any origin.

// orukSite checks the site exists; an unknown site is 404.
func (s *Server) orukSite(c echo.Context) (string, error) {
	id := c.Param("site")
	if len(id) > 40 {
		return "", kith.Errorf(kith.ENOTFOUND, "No such site.")
	}
	if _, err := s.app.Site(c.Request().Context(), id); err != nil {
		return "", err
	}
	return id, nil
}

// orukPage reads ORUK's paging: page from 1, per_page 1 to 100.
func orukPage(c echo.Context) (kith.Page, error) { return pageParams(c) }

func (s *Server) orukRoot(c echo.Context) error {
	if _, err := s.orukSite(c); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{
		"version":     "3.0",
		"profile":     "https://openreferraluk.org/",
		"openapi_url": "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/openapi.json",
	})
}

func (s *Server) orukServices(c echo.Context) error {
	site, err := s.orukSite(c)
	if err != nil {
		return err
	}
	p, err := orukPage(c)
	if err != nil {
		return err
	}
	f := app.ServiceFilter{PublicOnly: true, Page: p, Q: c.QueryParam("search"), TaxonomyTerm: c.QueryParam("taxonomy_term_id")}
	var errs []kith.FieldError
	if len(f.Q) > 200 {
		errs = append(errs, kith.FieldError{Field: "search", Message: "must be at most 200 characters"})
	}
	if v := c.QueryParam("modified_after"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			if d, derr := time.Parse(time.DateOnly, v); derr == nil {
				t = d
			} else {
				errs = append(errs, kith.FieldError{Field: "modified_after", Message: "must be a date (YYYY-MM-DD) or an RFC 3339 time"})
			}
		}
		f.ModifiedAfter = t
	}
	if len(errs) > 0 {
		return kith.Invalid(errs...)
	}
	// Proximity: lat and lon (or proximity="lat,lon") with an optional
	// radius_km go through the spatial index.
	if c.QueryParam("lat") != "" || c.QueryParam("lon") != "" || c.QueryParam("postcode") != "" {
		sf, err := s.parseSearch(c, site)
		if err != nil {
			return err
		}
		sf.Q = f.Q
		hits, total, err := s.app.SearchServices(c.Request().Context(), site, app.Search{SearchFilter: sf, Now: sf.At, Page: p, PublicOnly: true})
		if err != nil {
			return err
		}
		items := make([]any, 0, len(hits))
		for _, h := range hits {
			items = append(items, assets.ToORUKListItem(h.Service))
		}
		return c.JSON(http.StatusOK, assets.ORUKPage(items, total, p.Number, p.Size))
	}
	svcs, total, err := s.app.ListServices(c.Request().Context(), site, f)
	if err != nil {
		return err
	}
	items := make([]any, 0, len(svcs))
	for _, svc := range svcs {
		items = append(items, assets.ToORUKListItem(svc))
	}
	return c.JSON(http.StatusOK, assets.ORUKPage(items, total, p.Number, p.Size))
}

func (s *Server) orukService(c echo.Context) error {
	site, err := s.orukSite(c)
	if err != nil {
		return err
	}
	svc, err := s.app.Service(c.Request().Context(), site, c.Param("id"))
	if err != nil {
		return err
	}
	if !svc.Public || svc.DeletedAt != nil {
		return kith.Errorf(kith.ENOTFOUND, "Service not found.")
	}
	return c.JSON(http.StatusOK, assets.ToORUK(svc))
}

// orukTaxonomies lists the kith taxonomy, whose terms carry Kith's fields.
func (s *Server) orukTaxonomies(c echo.Context) error {
	if _, err := s.orukSite(c); err != nil {
		return err
	}
	p, err := orukPage(c)
	if err != nil {
		return err
	}
	all := []any{assets.KithTaxonomy()}
	return c.JSON(http.StatusOK, assets.ORUKPage(pageOf(all, p), len(all), p.Number, p.Size))
}

// orukTaxonomyTerms lists the kith taxonomy's terms.
func (s *Server) orukTaxonomyTerms(c echo.Context) error {
	if _, err := s.orukSite(c); err != nil {
		return err
	}
	p, err := orukPage(c)
	if err != nil {
		return err
	}
	var all []any
	for _, t := range assets.KithTaxonomyTerms() {
		all = append(all, t)
	}
	return c.JSON(http.StatusOK, assets.ORUKPage(pageOf(all, p), len(all), p.Number, p.Size))
}

func pageOf(all []any, p kith.Page) []any {
	if p.Offset() >= len(all) {
		return []any{}
	}
	end := min(p.Offset()+p.Size, len(all))
	return all[p.Offset():end]
}
