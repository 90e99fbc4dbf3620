package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/labstack/echo/v4"
)

//go:embed templates/*.html
var templateFS embed.FS

// loadTemplates parses every page with the layout once, at start-up, so a
// broken template stops the service from starting rather than a page.
func (s *Server) loadTemplates() error {
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	s.pages = map[string]*template.Template{}
	for _, p := range pages {
		name := path.Base(p)
		if name == "layout.html" || name == "partials.html" {
			continue
		}
		funcs := template.FuncMap{"asset": s.static.url}
		for k, v := range templateFuncs {
			funcs[k] = v
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", p)
		if err != nil {
			return fmt.Errorf("parse template %s: %w", name, err)
		}
		s.pages[strings.TrimSuffix(name, ".html")] = t
	}
	return nil
}

var templateFuncs = template.FuncMap{
	// fieldID turns a field path ("person.name", "indicators[2]") into the
	// id of its input, so the error summary links to the field.
	"fieldID":           fieldID,
	"optionValue":       optionValue,
	"instrumentOptions": instrumentOptions,
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"add": func(a, b int) int { return a + b },
	// required is the message for a required question left blank.
	"required": requiredMessage,
	"lower":    strings.ToLower,
	// authorKey names a signed-in user as their screenings carry it.
	"authorKey": func(u kith.User) string { return app.AuthorKey(u.Site, strconv.FormatInt(u.ID, 10)) },
	// roleWords is a role as a person is called by it.
	"roleWords": func(r kith.Role) string {
		if r == kith.RoleSafeguarding {
			return "safeguarding officer"
		}
		return string(r)
	},
	// londonTime is a time as people in England read it.
	"londonTime": func(t time.Time) string { return t.In(kith.London).Format("2 January 2006 at 15:04") },
	"deref": func(p *float64) float64 {
		if p == nil {
			return 0
		}
		return *p
	},
	"indexed": func(base string, i int) string { return fmt.Sprintf("%s[%d]", base, i) },
	// list3 pairs values and labels: list3 "a" "A" "b" "B" gives [[a A] [b B]].
	"list3": func(kv ...string) [][2]string {
		var out [][2]string
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, [2]string{kv[i], kv[i+1]})
		}
		return out
	},
	"fieldError": func(errs []kith.FieldError, field string) string {
		for _, e := range errs {
			if e.Field == field {
				return e.Message
			}
		}
		return ""
	},
}

func fieldID(field string) string {
	r := strings.NewReplacer(".", "-", "[", "-", "]", "", "_", "-")
	return r.Replace(field)
}

// navItem is one link in the service navigation.
type navItem struct {
	Href, Label string
	Active      bool
}

// navFor lists the pages a role may use, in the order they are used.
func navFor(role kith.Role, current string) []navItem {
	var items []navItem
	for _, p := range sitePages {
		if app.Authorize(kith.Actor{Kind: "user", Role: role}, p.perm) == nil {
			active := strings.HasPrefix(current, p.href) ||
				(p.href == "/lead/users" && (strings.HasPrefix(current, "/lead/tokens") || strings.HasPrefix(current, "/lead/audit")))
			items = append(items, navItem{Href: p.href, Label: p.label, Active: active})
		}
	}
	return items
}

// sitePages are the signed-in pages, with who may see them.
var sitePages = []struct {
	href, label string
	perm        app.Permission
}{
	{"/screen", "Screen a person", app.Screen},
	{"/concerns-raised", "Concerns you raised", app.Screen},
	{"/navigator/screenings", "Waiting", app.Navigate},
	{"/worklist", "Worklist", app.Navigate},
	{"/concerns", "Concerns", app.Safeguard},
	{"/directory", "Directory", app.Navigate},
	{"/screenings/to-check", "Screenings to check", app.Navigate},
	{"/reports", "Reports", app.Administer},
	{"/lead/directory", "Directory admin", app.Administer},
	{"/lead/pathways", "Pathways", app.Administer},
	{"/lead/users", "Users", app.Administer},
	{"/lead/settings", "Settings", app.Administer},
}

// pageData is what every page template gets.
type pageData struct {
	Nav      []navItem
	Title    string
	User     *kith.User
	SiteName string
	CSRF     string
	Errors   []kith.FieldError
	Data     any
}

// render writes a page with the layout.
func (s *Server) render(c echo.Context, status int, name string, pd pageData) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("render: no template %q", name)
	}
	if tok, ok := c.Get("csrf").(string); ok {
		pd.CSRF = tok
	}
	if u, ok := c.Get(ctxUser).(kith.User); ok {
		pd.User = &u
		pd.Nav = navFor(u.Role, c.Request().URL.Path)
		if pd.SiteName == "" {
			if site, err := s.app.Site(c.Request().Context(), u.Site); err == nil {
				pd.SiteName = site.Name
			}
		}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, pd); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// renderError shows an error page. Only the person-safe message is shown.
func (s *Server) renderError(c echo.Context, status int, ke *kith.Error) error {
	return s.render(c, status, "error", pageData{Title: http.StatusText(status), Data: ke.Message, Errors: ke.Fields})
}

// isPage reports whether the request is for a page (HTML) rather than the
// JSON API, the open feed or the probes.
func isPage(c echo.Context) bool {
	p := c.Request().URL.Path
	for _, prefix := range []string{"/api/", "/oruk/", "/healthz", "/readyz", "/metrics", "/static/"} {
		if strings.HasPrefix(p, prefix) {
			return false
		}
	}
	return true
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	// Browsers drop tabs and line breaks from a URL and read a backslash
	// as a slash, so "/\t/evil.example" is "//evil.example" to them: any
	// control character, space or backslash anywhere sends the person home.
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/sign-in") ||
		strings.ContainsFunc(next, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '\\' }) {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}
