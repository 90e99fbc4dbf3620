package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/postcode"
	"github.com/labstack/echo/v4"
)

// maxImport is the largest directory import accepted, zip or JSON.
const maxImport = 20 << 20

func (s *Server) siteCategories(c echo.Context) ([]string, error) {
	site, err := s.app.Site(c.Request().Context(), actor(c).Site)
	if err != nil {
		return nil, err
	}
	return site.Settings.Categories, nil
}

func (s *Server) listAssets(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	f := app.ServiceFilter{Page: p}
	if c.QueryParam("stale") == "true" {
		f.StaleBefore = assets.StaleCutoff(s.now())
	} else if v := c.QueryParam("stale"); v != "" && v != "false" {
		return kith.Invalid(kith.FieldError{Field: "stale", Message: "must be true or false"})
	}
	items, total, err := s.app.ListServices(c.Request().Context(), actor(c).Site, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(items, total, p))
}

func (s *Server) getAsset(c echo.Context) error {
	svc, err := s.app.Service(c.Request().Context(), actor(c).Site, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, svc)
}

// bindService reads and checks one service in Kith's own shape.
func (s *Server) bindService(c echo.Context) (*assets.Service, error) {
	var svc assets.Service
	if _, err := s.bindJSON(c, &svc); err != nil {
		return nil, err
	}
	cats, err := s.siteCategories(c)
	if err != nil {
		return nil, err
	}
	if errs := assets.Validate(&svc, cats); len(errs) > 0 {
		return nil, kith.Invalid(errs...)
	}
	return &svc, nil
}

func (s *Server) createAsset(c echo.Context) error {
	svc, err := s.bindService(c)
	if err != nil {
		return err
	}
	if err := s.app.CreateService(c.Request().Context(), actor(c), svc); err != nil {
		return err
	}
	stored, err := s.app.Service(c.Request().Context(), actor(c).Site, svc.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, stored)
}

func (s *Server) updateAsset(c echo.Context) error {
	svc, err := s.bindService(c)
	if err != nil {
		return err
	}
	if svc.ID != "" && svc.ID != c.Param("id") {
		return kith.Invalid(kith.FieldError{Field: "id", Message: "must match the id in the path"})
	}
	svc.ID = c.Param("id")
	if err := s.app.UpdateService(c.Request().Context(), actor(c), svc); err != nil {
		return err
	}
	stored, err := s.app.Service(c.Request().Context(), actor(c).Site, svc.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, stored)
}

func (s *Server) deleteAsset(c echo.Context) error {
	if err := s.app.DeleteService(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// parseSearch reads the search query parameters; every problem is named.
func (s *Server) parseSearch(c echo.Context, site string) (assets.SearchFilter, error) {
	var f assets.SearchFilter
	var errs []kith.FieldError
	num := func(name string, bits int) *float64 {
		v := c.QueryParam(name)
		if v == "" {
			return nil
		}
		x, err := strconv.ParseFloat(v, bits)
		if err != nil {
			errs = append(errs, kith.FieldError{Field: name, Message: "must be a number"})
			return nil
		}
		return &x
	}
	f.Lat, f.Lon = num("lat", 64), num("lon", 64)
	if r := num("radius_km", 64); r != nil {
		if *r <= 0 {
			errs = append(errs, kith.FieldError{Field: "radius_km", Message: "must be more than 0 and at most 200"})
		} else {
			f.RadiusKm = *r
		}
	}
	if v := c.QueryParam("age"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, kith.FieldError{Field: "age", Message: "must be a whole number"})
		} else {
			f.Age = &n
		}
	}
	for name, dst := range map[string]*bool{"free_only": &f.FreeOnly, "open_now": &f.OpenNow} {
		switch c.QueryParam(name) {
		case "", "false":
		case "true":
			*dst = true
		default:
			errs = append(errs, kith.FieldError{Field: name, Message: "must be true or false"})
		}
	}
	f.Postcode, f.Relationship, f.Category = c.QueryParam("postcode"), c.QueryParam("relationship"), c.QueryParam("category")
	f.SupportToAttend, f.Language, f.Q = c.QueryParam("support_to_attend"), c.QueryParam("language"), c.QueryParam("q")
	st, err := s.app.Site(c.Request().Context(), site)
	if err != nil {
		return f, err
	}
	errs = append(errs, f.Validate(st.Settings.Categories)...)
	if len(errs) > 0 {
		return f, kith.Invalid(errs...)
	}
	f.RadiusKm = f.Radius()
	f.At = s.now()
	return f, nil
}

// searchResult is a search page: the list, and where the search was centred.
type searchResult struct {
	listBody[app.SearchHit]
	Location *searchCentre `json:"location"`
}

type searchCentre struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Source    string  `json:"source"`
}

func (s *Server) searchAssets(c echo.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	f, err := s.parseSearch(c, actor(c).Site)
	if err != nil {
		return err
	}
	var centre *searchCentre
	if f.Lat != nil {
		centre = &searchCentre{Latitude: *f.Lat, Longitude: *f.Lon, Source: "given"}
	} else if f.Postcode != "" {
		pc, _ := postcode.Normalize(f.Postcode)
		lat, lon, ok, err := s.app.LocatePostcode(c.Request().Context(), pc)
		if err != nil {
			return err
		}
		if !ok {
			return kith.Invalid(kith.FieldError{Field: "postcode", Message: "could not be located: the postcode is not in the site's postcode directory; give lat and lon instead"})
		}
		f.Lat, f.Lon = &lat, &lon
		centre = &searchCentre{Latitude: lat, Longitude: lon, Source: "postcode"}
	}
	hits, total, err := s.app.SearchServices(c.Request().Context(), actor(c).Site, app.Search{SearchFilter: f, Now: f.At, Page: p})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, searchResult{listBody: newList(hits, total, p), Location: centre})
}

// importReport says what an import did.
type importReport struct {
	Services int              `json:"services"`
	Created  int              `json:"created"`
	Updated  int              `json:"updated"`
	Warnings []assets.Warning `json:"warnings"`
}

// importAssets takes ORUK/HSDS JSON (one service, a list, or a page), or
// HSDS CSV tables as a zip or a multipart upload. All or nothing.
func (s *Server) importAssets(c echo.Context) error {
	cats, err := s.siteCategories(c)
	if err != nil {
		return err
	}
	imp, err := parseImport(c, cats)
	if err != nil {
		return err
	}
	report, err := s.storeImport(c, imp)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, report)
}

// storeImport stores a parsed import, all or nothing, and reports it.
func (s *Server) storeImport(c echo.Context, imp *assets.Import) (importReport, error) {
	created, updated, err := s.app.ImportServices(c.Request().Context(), actor(c), imp.Services)
	if err != nil {
		return importReport{}, err
	}
	w := imp.Warnings
	if w == nil {
		w = []assets.Warning{}
	}
	return importReport{Services: len(imp.Services), Created: created, Updated: updated, Warnings: w}, nil
}

func readLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxImport+1))
	if err != nil {
		return nil, kith.Errorf(kith.EBADREQUEST, "The upload could not be read.")
	}
	if len(b) > maxImport {
		return nil, &kith.Error{Code: kith.ETOOLARGE, Message: "The import is larger than 20 MiB.",
			Fields: []kith.FieldError{{Field: "body", Message: "must be at most 20 MiB"}}}
	}
	return b, nil
}

func parseImport(c echo.Context, cats []string) (*assets.Import, error) {
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil {
		mt = ""
	}
	switch mt {
	case echo.MIMEApplicationJSON:
		b, err := readLimited(c.Request().Body)
		if err != nil {
			return nil, err
		}
		return assets.ParseJSON(b, cats)
	case "application/zip":
		b, err := readLimited(c.Request().Body)
		if err != nil {
			return nil, err
		}
		return assets.ParseZip(b, cats)
	case echo.MIMEMultipartForm:
		c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, maxImport)
		form, err := c.MultipartForm()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, &kith.Error{Code: kith.ETOOLARGE, Message: "The import is larger than 20 MiB.",
					Fields: []kith.FieldError{{Field: "body", Message: "must be at most 20 MiB"}}}
			}
			return nil, kith.Invalid(kith.FieldError{Field: "file", Message: "the upload is not a valid multipart form"})
		}
		files := map[string][]byte{}
		for _, fhs := range form.File {
			for _, fh := range fhs {
				f, err := fh.Open()
				if err != nil {
					return nil, kith.Invalid(kith.FieldError{Field: "file", Message: "could not be read"})
				}
				b, err := readLimited(f)
				f.Close()
				if err != nil {
					return nil, err
				}
				name := strings.ToLower(path.Base(fh.Filename))
				switch {
				case strings.HasSuffix(name, ".zip"):
					return assets.ParseZip(b, cats)
				case strings.HasSuffix(name, ".json"):
					return assets.ParseJSON(b, cats)
				}
				files[name] = b
			}
		}
		if len(files) == 0 {
			return nil, kith.Invalid(kith.FieldError{Field: "file", Message: "choose a JSON file, a zip of HSDS CSV tables, or the CSV files"})
		}
		return assets.ParseCSV(files, cats)
	}
	return nil, &kith.Error{Code: kith.EUNSUPPORTED, Message: "Send ORUK/HSDS JSON, a zip of HSDS CSV tables, or a multipart upload.",
		Fields: []kith.FieldError{{Field: "Content-Type", Message: "must be application/json, application/zip or multipart/form-data"}}}
}

func normPostcode(s string) string {
	pc, _ := postcode.Normalize(s)
	return pc
}
