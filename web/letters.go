package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/letters"
	"github.com/labstack/echo/v4"
)

// getLetter serves a referral's letter as PDF or as its accessible HTML twin.
func (s *Server) getLetter(c echo.Context) error {
	name := c.Param("file")
	kindName, ext, ok := strings.Cut(name, ".")
	kind := letters.Kind(kindName)
	if !ok || (ext != "pdf" && ext != "html") || (kind != letters.KindProvider && kind != letters.KindPerson && kind != letters.KindConcern) {
		return kith.Errorf(kith.ENOTFOUND, "No such letter: use provider, person or concern, as .pdf or .html.")
	}
	l, err := s.app.ReferralLetter(c.Request().Context(), actor(c), c.Param("id"), kind,
		app.LetterOptions{LargePrint: c.QueryParam("large_print") == "true", BaseURL: s.baseURL(c)})
	if err != nil {
		return err
	}
	if err := s.app.AuditRead(c.Request().Context(), actor(c), "letter:"+kindName, c.Param("id")); err != nil {
		return err
	}
	return s.sendLetter(c, l, ext, kindName+"-"+l.Reference)
}

// sendLetter writes a letter as a PDF (named filename.pdf) or as its
// accessible HTML twin in the letters' own stylesheet; neither is cached.
func (s *Server) sendLetter(c echo.Context, l letters.Letter, ext, filename string) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	if ext == "pdf" {
		b, err := letters.PDF(l)
		if err != nil {
			return letterError(err)
		}
		c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s.pdf"`, filename))
		return c.Blob(http.StatusOK, "application/pdf", b)
	}
	css, _ := s.static.url("letter.css")
	b, err := letters.HTML(l, letters.HTMLOptions{StylesheetURL: css})
	if err != nil {
		return letterError(err)
	}
	return c.HTMLBlob(http.StatusOK, b)
}

// letterError explains a letter that cannot be made: the fields it lacks
// are the site's settings or the record's, not the request's.
func letterError(err error) error {
	if kith.ErrorCode(err) != kith.EINVALID {
		return fmt.Errorf("render letter: %w", err)
	}
	return &kith.Error{Code: kith.ECONFLICT, Fields: kith.FieldErrors(err),
		Message: "This letter cannot be made yet: add what is missing (site settings hold the navigator phone number) and try again."}
}
