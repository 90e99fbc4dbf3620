// Package web is Kith's HTTP layer: the route table, middleware, handlers,
// the mapping from errors to problem+json and pages, templates and static
// files. Echo is imported here and nowhere else.
package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/kith-project/kith/app"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// Config is what the service needs from its environment.
type Config struct {
	// TrustedProxies are CIDR ranges whose X-Forwarded-For is believed.
	// Empty (the default): the client address is the TCP peer, and
	// forwarding headers are ignored.
	TrustedProxies []string
	// APIRate and APIBurst bound requests per token (or session) per second.
	APIRate  float64
	APIBurst int
	// SecureCookies marks cookies Secure even on plain HTTP, for a service
	// behind a TLS-terminating proxy.
	SecureCookies bool
	// BaseURL is where links sent outside the service (to providers and
	// service contacts) point, e.g. https://kith.example.gov.uk. Empty: the
	// address the service listens on (loopback only: kith serve refuses a
	// wider address without it). An https base URL also marks every cookie
	// Secure.
	BaseURL string
}

// DefaultConfig is the configuration used when nothing is set.
func DefaultConfig() Config {
	return Config{APIRate: 200, APIBurst: 400}
}

// Server is the HTTP service.
type Server struct {
	app       *app.App
	log       *slog.Logger
	cfg       Config
	echo      *echo.Echo
	validator *validator.Validate
	metrics   *metrics
	ready     atomic.Bool
	listenURL atomic.Value // "http://" and the address Serve listens on
	limits    *limits
	oidc      oidcProviders
	pages     map[string]*template.Template
	static    *staticAssets
	httpSrv   *http.Server
}

// New builds the server and its route table.
func New(a *app.App, log *slog.Logger, cfg Config) (*Server, error) {
	if cfg.APIRate < 100 {
		return nil, fmt.Errorf("API rate %v per second is below the contract's 100", cfg.APIRate)
	}
	s := &Server{app: a, log: log, cfg: cfg, validator: newValidator()}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	extractor, err := ipExtractor(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	e.IPExtractor = extractor
	s.echo = e
	s.metrics = newMetrics(prometheus.NewRegistry())
	s.limits = newLimits(cfg)
	if s.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if err := s.loadTemplates(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// ipExtractor decides where the client address comes from. Echo v4's
// RealIP trusts X-Real-IP and X-Forwarded-For from anyone (GO-2026-6875,
// GO-2026-6872), so the extractor is always set: the TCP peer by default,
// and the forwarded address only when the peer is a configured proxy.
func ipExtractor(trusted []string) (echo.IPExtractor, error) {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect(), nil
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, cidr := range trusted {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", cidr, err)
		}
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...), nil
}

// Handler returns the HTTP handler (for tests and the server).
func (s *Server) Handler() http.Handler { return s.echo }

// SetReady marks start-up (migrations, demo seeding) as done; /healthz
// answers 200 only from then on.
func (s *Server) SetReady() { s.ready.Store(true) }

// Serve answers requests on ln until ctx is cancelled, then stops accepting
// and drains in-flight requests for up to drain.
func (s *Server) Serve(ctx context.Context, ln net.Listener, drain time.Duration) error {
	s.listenURL.Store("http://" + ln.Addr().String())
	s.httpSrv = &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- s.httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "drain_seconds", drain.Seconds())
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	err := s.httpSrv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		// Still busy after the drain time (or a client opened a connection
		// and never sent on it): close what is left rather than hang.
		s.log.Warn("drain time over; closing remaining connections")
		err = s.httpSrv.Close()
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// Route is one registered method and path, in OpenAPI's {param} form.
type Route struct{ Method, Path string }

// Routes lists the registered routes, for tests that check the OpenAPI
// document and the authorisation matrix against the route table.
func (s *Server) Routes() []Route {
	var out []Route
	for _, r := range s.echo.Routes() {
		switch r.Method {
		case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			continue // Echo's internal not-found and any-method entries
		}
		parts := strings.Split(r.Path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") {
				parts[i] = "{" + p[1:] + "}"
			}
		}
		out = append(out, Route{Method: r.Method, Path: strings.Join(parts, "/")})
	}
	return out
}

// now is the service's one clock (the application's).
func (s *Server) now() time.Time { return s.app.Now() }
