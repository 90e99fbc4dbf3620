package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/mail"
	"github.com/kith-project/kith/postgres"
	"github.com/kith-project/kith/web"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr(getenv, "KITH_ADDR", "127.0.0.1:8080"), "address to listen on (env KITH_ADDR)")
	dbPath := fs.String("db", envOr(getenv, "KITH_DB", "./kith.db"), "SQLite database file, or a postgres:// URL (env KITH_DB)")
	demo := fs.Bool("demo", false, "create the demo site, sign-ins and data if missing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: logLevel(getenv("KITH_LOG_LEVEL"))}))
	cfg, err := webConfig(getenv)
	if err != nil {
		return err
	}
	if *demo && postgres.IsURL(*dbPath) {
		return errors.New("serve: --demo makes its data in a SQLite file; on PostgreSQL create the site and its lead with kith site create and kith user create")
	}
	if err := checkBaseURL(cfg, *addr); err != nil {
		return err
	}
	// Listen first so /healthz can say "starting" while migrations run.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	db, err := openStore(ctx, *dbPath)
	if err != nil {
		ln.Close()
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			log.Error("close database", "error", err.Error())
		}
	}()
	clock := func() time.Time { return time.Now().UTC() }
	db.SetClock(clock)
	application := app.New(db.Stores, app.Options{Clock: clock, Log: log})
	srv, err := web.New(application, log, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	if *demo {
		if err := seedDemo(ctx, db.sqlite, log); err != nil {
			ln.Close()
			return err
		}
	} else if n, err := db.CountSites(ctx); err == nil && n == 0 {
		log.Warn("the database has no site yet; create the first site and its lead with: " +
			"kith site create --db " + *dbPath + " --id SITE --name NAME; " +
			"kith user create --db " + *dbPath + " --site SITE --email EMAIL --role lead")
	}
	sender, err := mail.FromEnv(getenv)
	if err != nil {
		ln.Close()
		return err
	}
	if sender == nil {
		log.Info("no KITH_SMTP_ADDR: email waits in the outbox (GET /api/v1/outbox)")
	}
	for _, j := range serveJobs(application, sender) {
		go application.RunJob(ctx, j)
	}
	srv.SetReady()
	log.Info("listening", "addr", ln.Addr().String(), "demo", *demo)
	return srv.Serve(ctx, ln, 20*time.Second)
}

// serveJobs are the service's jobs: the outbox only with an SMTP sender.
func serveJobs(application *app.App, sender *mail.SMTP) []app.Job {
	if sender == nil {
		return application.Jobs(nil) // a nil *SMTP in the interface is not nil
	}
	return application.Jobs(sender)
}

// checkBaseURL refuses to serve beyond loopback without KITH_BASE_URL:
// links in email (provider links, "still up to date" links) must point
// where people reach the service, which only the operator knows; taking it
// from the request's Host header would let a caller choose it. On loopback
// (a laptop, the demo) the links point at the listening address.
func checkBaseURL(cfg web.Config, addr string) error {
	if cfg.BaseURL != "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q must be host:port: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("KITH_BASE_URL is not set: serving on %s, links sent to providers and service contacts need the address "+
		"people reach the service at, e.g. KITH_BASE_URL=https://kith.example.gov.uk", addr)
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func logLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// webConfig reads the service's optional settings from the environment.
func webConfig(getenv func(string) string) (web.Config, error) {
	cfg := web.DefaultConfig()
	if v := getenv("KITH_TRUSTED_PROXIES"); v != "" {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				cfg.TrustedProxies = append(cfg.TrustedProxies, p)
			}
		}
	}
	if v := getenv("KITH_API_RATE"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 100 {
			return cfg, fmt.Errorf("KITH_API_RATE must be a number of at least 100, got %q", v)
		}
		cfg.APIRate, cfg.APIBurst = r, int(2*r)
	}
	cfg.SecureCookies = getenv("KITH_SECURE_COOKIES") == "true"
	if v := getenv("KITH_BASE_URL"); v != "" {
		if !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
			return cfg, fmt.Errorf("KITH_BASE_URL must start with https:// or http://, got %q", v)
		}
		cfg.BaseURL = strings.TrimSuffix(v, "/")
	}
	return cfg, nil
}
