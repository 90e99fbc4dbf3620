package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/kith-project/kith/letters"
	"github.com/labstack/echo/v4"
)

//go:embed static
var staticFS embed.FS

// staticFile is one file served under a content-hashed name, so browsers
// may cache it for a year and a new release is fetched at once.
type staticFile struct {
	body        []byte
	contentType string
	url         string
}

// staticAssets maps a logical name ("govuk.css") to its file.
type staticAssets struct {
	byName        map[string]*staticFile
	byURL         map[string]*staticFile
	serviceWorker []byte
}

var (
	fontFaceRule = regexp.MustCompile(`@font-face\{[^}]*\}`)
	crestImage   = regexp.MustCompile(`url\(/assets/images/govuk-crest\.svg\)`)
)

// councilCSS removes what only GOV.UK services may use: the GDS Transport
// font (so text falls back to Arial) and the crown. Done at start-up so the
// vendored file stays exactly as published.
func councilCSS(css []byte) []byte {
	css = fontFaceRule.ReplaceAll(css, nil)
	css = bytes.ReplaceAll(css, []byte("font-family:GDS Transport,arial,sans-serif"), []byte("font-family:arial,sans-serif"))
	css = bytes.ReplaceAll(css, []byte("font-family:GDS Transport"), []byte("font-family:arial,sans-serif"))
	return crestImage.ReplaceAll(css, []byte("none"))
}

func hashedURL(name string, body []byte) string {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	return "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
}

// loadStatic reads, adapts and hashes the static files once at start-up.
func loadStatic() (*staticAssets, error) {
	read := func(p string) ([]byte, error) { return fs.ReadFile(staticFS, p) }
	a := &staticAssets{byName: map[string]*staticFile{}, byURL: map[string]*staticFile{}}
	add := func(name string, body []byte) *staticFile {
		ct := mime.TypeByExtension(path.Ext(name))
		if strings.HasSuffix(name, ".js") {
			ct = "text/javascript; charset=utf-8"
		}
		f := &staticFile{body: body, contentType: ct, url: hashedURL(name, body)}
		a.byName[name], a.byURL[f.url] = f, f
		return f
	}
	css, err := read("static/vendor/govuk-frontend.min.css")
	if err != nil {
		return nil, fmt.Errorf("load static: %w", err)
	}
	add("govuk.css", councilCSS(css))
	js, err := read("static/vendor/govuk-frontend.min.js")
	if err != nil {
		return nil, fmt.Errorf("load static: %w", err)
	}
	govukJS := add("govuk.js", js)
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("load static: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || e.Name() == "sw.js" {
			continue
		}
		body, err := read("static/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("load static: %w", err)
		}
		// Modules import each other by hashed URL.
		body = bytes.ReplaceAll(body, []byte("__GOVUK_JS__"), []byte(govukJS.url))
		add(e.Name(), body)
	}
	// The service worker lists every hashed asset, and its cache is named
	// by their hash, so a release replaces the cached form at once.
	sw, err := read("static/sw.js")
	if err != nil {
		return nil, fmt.Errorf("load static: %w", err)
	}
	urls := make([]string, 0, len(a.byURL))
	for u := range a.byURL {
		urls = append(urls, u)
	}
	slices.Sort(urls)
	list, _ := json.Marshal(urls)
	sum := sha256.Sum256(list)
	sw = bytes.ReplaceAll(sw, []byte("__ASSETS__"), list)
	a.serviceWorker = bytes.ReplaceAll(sw, []byte("__VERSION__"), []byte(hex.EncodeToString(sum[:6])))
	// The letters' own stylesheet, for their HTML twins; added after the
	// service worker's list, which is only what the offline form needs.
	add("letter.css", letters.CSS)
	return a, nil
}

// serveServiceWorker serves /sw.js from the root so it may control /screen;
// never cached, so a new release is picked up at once.
func (s *Server) serveServiceWorker(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-cache")
	c.Response().Header().Set("Service-Worker-Allowed", "/")
	return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", s.static.serviceWorker)
}

// url returns the hashed URL of a logical asset name; templates call it.
func (a *staticAssets) url(name string) (string, error) {
	f, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("no static asset %q", name)
	}
	return f.url, nil
}

func (s *Server) serveStatic(c echo.Context) error {
	f, ok := s.static.byURL[c.Request().URL.Path]
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, f.contentType, f.body)
}
