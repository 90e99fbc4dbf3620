package web

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/time/rate"
)

const (
	ctxActor = "kith.actor"
	ctxUser  = "kith.user"
)

// sessionCookie holds the session secret; csrfCookie the double-submit token.
const (
	sessionCookie = "kith_session"
	csrfCookie    = "kith_csrf"
	csrfField     = "_csrf"
	csrfHeader    = "X-CSRF-Token"
)

// contentSecurityPolicy allows nothing inline: scripts and styles come only
// from the service's own files.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// permissionsPolicy turns off the browser features Kith never uses; the
// screening form's "use my location" needs geolocation from this origin.
const permissionsPolicy = "camera=(), microphone=(), geolocation=(self), payment=(), usb=(), serial=(), bluetooth=(), " +
	"midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), browsing-topics=()"

// secureHeaders sets the security headers on every response.
func secureHeaders() echo.MiddlewareFunc {
	secure := middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            31536000, // sent only over TLS
		ContentSecurityPolicy: contentSecurityPolicy,
		ReferrerPolicy:        "same-origin",
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := secure(next)
		return func(c echo.Context) error {
			c.Response().Header().Set("Permissions-Policy", permissionsPolicy)
			return h(c)
		}
	}
}

// noStore keeps an answer out of every cache (the browser's, a proxy's):
// anything behind a sign-in or a signed link may hold personal data.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return next(c)
	}
}

// csrf is Echo's double-submit CSRF check for form posts; its cookie is
// Secure whenever the session cookie would be (cookieSecure), which Echo's
// fixed configuration cannot decide per request, hence two.
func (s *Server) csrf() echo.MiddlewareFunc {
	cfg := middleware.CSRFConfig{
		TokenLookup:    "form:" + csrfField,
		CookieName:     csrfCookie,
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteLaxMode,
		CookieMaxAge:   12 * 3600,
	}
	plain := middleware.CSRFWithConfig(cfg)
	cfg.CookieSecure = true
	secure := middleware.CSRFWithConfig(cfg)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		p, sc := plain(next), secure(next)
		return func(c echo.Context) error {
			if s.cookieSecure(c) {
				return sc(c)
			}
			return p(c)
		}
	}
}

// maxRequestIDLen bounds a caller's X-Request-Id: a UUID is 36.
const maxRequestIDLen = 64

// requestID gives every request an id, answered in X-Request-Id and
// written into its log line and audit rows. A caller's own id (a proxy's
// or a client's, to correlate logs) is kept only when it is a short token
// of letters, digits and - _ . : so no caller can write arbitrary text into
// the append-only audit trail or a subject access copy; anything else is
// replaced by a fresh random id.
func requestID() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := c.Request().Header.Get(echo.HeaderXRequestID)
			if !safeRequestID(id) {
				id = uuid.NewString()
			}
			c.Response().Header().Set(echo.HeaderXRequestID, id)
			return next(c)
		}
	}
}

func safeRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == ':':
		default:
			return false
		}
	}
	return true
}

// uploadPath is the one page that takes a body over 1 MiB.
const uploadPath = "/lead/directory/import"

// pageBodyLimit bounds a page's form body before the CSRF check parses it:
// 1 MiB, or 20 MiB for a directory upload, but only once the session is
// known to be a lead's. An upload without one is answered (sign in, or
// forbidden) before a byte of its body is read, so no unauthenticated
// request makes the server buffer more than 1 MiB.
func (s *Server) pageBodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	small := bodyLimit("1M", "1 MiB")(next)
	large := bodyLimit("20M", "20 MiB")(next)
	return func(c echo.Context) error {
		if c.Path() != uploadPath || c.Request().Method != http.MethodPost {
			return small(c)
		}
		u, err := s.pageUser(c)
		if err != nil {
			return err
		}
		if err := app.Authorize(userActor(c, u), app.Administer); err != nil {
			return err
		}
		return large(c)
	}
}

// isAPI reports whether the request is for the JSON API.
func isAPI(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/api/") }

// requestLog writes one JSON line per request: route template, status,
// timing, request id and who. Never a query string, a body or a name.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		if !s.log.Enabled(c.Request().Context(), slog.LevelInfo) {
			s.metrics.observe(route, c.Request().Method, status, time.Since(start))
			return nil
		}
		attrs := []any{
			"method", c.Request().Method, "route", route, "status", status,
			"duration_ms", float64(time.Since(start).Microseconds()) / 1000,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID),
			"bytes_out", c.Response().Size,
		}
		if a, ok := c.Get(ctxActor).(kith.Actor); ok {
			attrs = append(attrs, "site", a.Site, "actor", a.Ref())
		}
		s.log.Info("request", attrs...)
		s.metrics.observe(route, c.Request().Method, status, time.Since(start))
		return nil
	}
}

// metrics are the Prometheus series: requests and latencies by route and status.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kith_http_requests_total", Help: "HTTP requests by route template, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "kith_http_request_duration_seconds", Help: "HTTP request latency by route template, method and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method", "status"}),
	}
	reg.MustRegister(m.requests, m.latency,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(route, method, code).Inc()
	m.latency.WithLabelValues(route, method, code).Observe(d.Seconds())
}

func (m *metrics) handler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}

// limits holds the in-memory rate limiters. They are per process: a
// deployment with several instances divides the limits between them.
type limits struct {
	api           middleware.RateLimiterStore
	signInAddress middleware.RateLimiterStore
}

func newLimits(cfg Config) *limits {
	store := func(r rate.Limit, burst int) middleware.RateLimiterStore {
		return middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: r, Burst: burst, ExpiresIn: 10 * time.Minute,
		})
	}
	return &limits{
		api: store(rate.Limit(cfg.APIRate), cfg.APIBurst),
		// Twenty tries a minute per address (browsers that signed in to the
		// account before are exempt); accounts lock in the database
		// (app.LockoutDelay).
		signInAddress: store(rate.Every(3*time.Second), 20),
	}
}

// authenticate resolves the caller from a bearer token or a session cookie
// and stores the actor. No credentials is a 401.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		reqID := c.Response().Header().Get(echo.HeaderXRequestID)
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
			scheme, secret, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
				return kith.Errorf(kith.EUNAUTHORIZED, "The Authorization header must be 'Bearer TOKEN'.")
			}
			t, err := s.app.Authenticate(ctx, strings.TrimSpace(secret))
			if err != nil {
				return err
			}
			a := kith.Actor{Site: t.Site, Kind: "token", ID: strconv.FormatInt(t.ID, 10), Role: t.Role, RequestID: reqID, IP: c.RealIP()}
			if t.UserID != nil {
				a.UserID = *t.UserID
			}
			c.Set(ctxActor, a)
			return next(c)
		}
		if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
			u, err := s.app.SessionUser(ctx, ck.Value)
			if err != nil {
				return err
			}
			// A cookie rides along on cross-site requests, so a change made
			// with one must carry the CSRF token too.
			if !isSafeMethod(c.Request().Method) && !csrfMatches(c) {
				return kith.Errorf(kith.EFORBIDDEN, "A request signed in by cookie must carry the X-CSRF-Token header.")
			}
			c.Set(ctxUser, u)
			c.Set(ctxActor, userActor(c, u))
			return next(c)
		}
		return kith.Errorf(kith.EUNAUTHORIZED, "Sign in, or send an API token as 'Authorization: Bearer TOKEN'.")
	}
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// csrfMatches checks the double-submit token for a cookie-authenticated API call.
func csrfMatches(c echo.Context) bool {
	ck, err := c.Cookie(csrfCookie)
	if err != nil || ck.Value == "" {
		return false
	}
	return constantTimeEqual(ck.Value, c.Request().Header.Get(csrfHeader))
}

// rateLimitAPI limits each token or session.
func (s *Server) rateLimitAPI(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		a, ok := c.Get(ctxActor).(kith.Actor)
		if !ok {
			return next(c)
		}
		allowed, err := s.limits.api.Allow(a.Ref())
		if err != nil || !allowed {
			return kith.Errorf(kith.ERATELIMITED, "Too many requests. Please slow down.")
		}
		return next(c)
	}
}

// allow lets through callers the application's policy gives p; others
// get 403 (401 without a caller) before their request is parsed.
// With more than one permission, any of them will do.
func allow(ps ...app.Permission) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			a, ok := c.Get(ctxActor).(kith.Actor)
			if !ok {
				return kith.Errorf(kith.EUNAUTHORIZED, "Please sign in.")
			}
			if err := app.AuthorizeAny(a, ps...); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// userActor is a signed-in user as the actor of a request.
func userActor(c echo.Context, u kith.User) kith.Actor {
	return kith.Actor{Site: u.Site, Kind: "user", ID: strconv.FormatInt(u.ID, 10), UserID: u.ID, Role: u.Role,
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID), IP: c.RealIP()}
}

// actor returns the authenticated caller.
func actor(c echo.Context) kith.Actor {
	a, _ := c.Get(ctxActor).(kith.Actor)
	return a
}

var (
	visitorUp   = allow(app.Screen)
	navigatorUp = allow(app.Navigate)
	leadOnly    = allow(app.Administer)
	// safeguardingUp: the council's safeguarding officers and leads.
	safeguardingUp = allow(app.Safeguard)
	// concernReaders: those who read the list of concerns (the API's).
	concernReaders = allow(app.Navigate, app.Safeguard)
)
