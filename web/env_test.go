package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/mail"
	"github.com/kith-project/kith/password"
	"github.com/kith-project/kith/web"
	"github.com/pquerna/otp/totp"
)

// env is a real server on a free port over a fresh store of this run's
// backend (backend_test.go: a SQLite file in a temp dir, or a PostgreSQL
// database), and two sites, "alpha" and "beta". Tests reach the store only
// through Stores, the interfaces app.New takes, so they run on both.
type env struct {
	t      *testing.T
	URL    string
	Stores app.Stores
	App    *app.App
	Logs   *syncBuffer
	srv    *web.Server
	store  *backend
	clock  *testClock
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newApp is another application over e's store, on e's clock.
func (e *env) newApp() *app.App {
	return app.New(e.Stores, app.Options{Clock: e.clock.Now})
}

// Now is the time on the service's clock.
func (e *env) Now() time.Time { return e.clock.Now() }

// travel moves the service's clock (the application's and the store's) to
// shift(the real time) until travelBack or the test's end.
func (e *env) travel(shift func(now time.Time) time.Time) {
	e.clock.set(shift)
}

// travelBack sets the service's clock to the real time again.
func (e *env) travelBack() { e.clock.set(nil) }

func newEnv(t *testing.T, cfgs ...web.Config) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	clock := &testClock{}
	db := openBackend(t, ctx, clock.Now)
	logs := &syncBuffer{}
	cfg := web.DefaultConfig()
	if len(cfgs) > 0 {
		cfg = cfgs[0]
	}
	application := app.New(db.Stores, app.Options{Clock: clock.Now})
	srv, err := web.New(application, slog.New(slog.NewJSONHandler(logs, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"alpha", "beta"} {
		if err := db.Sites.CreateSite(ctx, kith.Actor{Kind: "system", ID: "test"}, app.NewSite(id, "Site "+id,
			kith.SiteSettings{SafeguardingPhone: "0113 496 0000", NavigatorPhone: "0113 496 0001"})); err != nil {
			t.Fatal(err)
		}
	}
	srv.SetReady()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, 5*time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		db.close()
	})
	e := &env{t: t, URL: "http://" + ln.Addr().String(), Stores: db.Stores, App: application, Logs: logs, srv: srv,
		store: db, clock: clock}
	envs.Store(e.URL, e)
	t.Cleanup(func() { envs.Delete(e.URL) })
	return e
}

// envs finds a running env by its URL, for helpers given only the URL.
var envs sync.Map

// token makes an API token for a site and role.
func (e *env) token(site string, role kith.Role) string {
	e.t.Helper()
	// Made as the command line makes them, working for longer than any
	// test moves the clock.
	_, secret, err := e.Stores.Tokens.CreateToken(context.Background(), kith.Actor{Site: site, Kind: "system", ID: "test"},
		app.TokenToCreate{Role: role, Name: "test", ExpiresAt: time.Now().AddDate(100, 0, 0)})
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// user makes a person who signs in.
func (e *env) user(site, email string, role kith.Role, pw string) kith.User {
	e.t.Helper()
	h, err := password.Hash(pw)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.Stores.Users.CreateUser(context.Background(), kith.Actor{Site: site, Kind: "system", ID: "test"}, email, role, h)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// enrolMFA sets up an authenticator for the user with this email, when
// their role needs one, through the application's own enrolment, and
// returns its secret ("" for anyone else). Each call sets up a new one,
// so sign-ins in quick succession never replay a code.
func (e *env) enrolMFA(email string) string {
	e.t.Helper()
	ctx := context.Background()
	rec, err := e.Stores.Users.SignInRecord(ctx, email)
	if err != nil || !app.MFARequired(rec.User.Role) {
		return ""
	}
	en, err := e.App.BeginEnrolment(ctx, rec.User)
	if err != nil {
		e.t.Fatal(err)
	}
	secret := strings.ReplaceAll(en.Secret, " ", "")
	// Confirmed with the code of the step before, so the current one is
	// still unused for signing in.
	code, err := totp.GenerateCode(secret, e.Now().Add(-30*time.Second))
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.App.ConfirmEnrolment(ctx, kith.Actor{}, rec.User, code); err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// totpCode is the authenticator's code now, on the service's clock.
func (e *env) totpCode(secret string) string {
	e.t.Helper()
	code, err := totp.GenerateCode(secret, e.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return code
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

// do sends a request; body may be nil, a string or any JSON-encodable value.
func (e *env) do(method, path, token string, body any, headers ...string) response {
	e.t.Helper()
	return doWith(e.t, http.DefaultClient, method, e.URL+path, token, body, headers...)
}

func doWith(t *testing.T, client *http.Client, method, url, token string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	case []byte:
		rd, ct = bytes.NewReader(b), "application/json"
	default:
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd, ct = bytes.NewReader(js), "application/json"
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkContract(t, req, res.StatusCode, res.Header, b)
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// checkContract fails the test when a response under /api/v1 is not what
// web/openapi.json documents (openapi_check_test.go).
func checkContract(t *testing.T, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	c, err := loadContract()
	if err == nil {
		err = c.check(req, status, header, body)
	}
	if err != nil {
		t.Errorf("OpenAPI contract: %s %s answered %d: %v\nbody: %.2000s", req.Method, req.URL.Path, status, err, body)
	}
}

// browser is an HTTP client with a cookie jar that does not follow redirects.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// wantProblem checks an RFC 9457 body with the status and, if given, a field error.
func wantProblem(t *testing.T, r response, status int, field string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	m := r.JSON(t)
	if m["title"] == nil || m["title"] == "" || m["status"] != float64(status) {
		t.Fatalf("problem lacks title or status: %s", r.Body)
	}
	if field == "" {
		return
	}
	errs, _ := m["errors"].([]any)
	for _, e := range errs {
		if fe, ok := e.(map[string]any); ok && fe["field"] == field && fe["message"] != "" {
			return
		}
	}
	t.Fatalf("no error for field %q in %s", field, r.Body)
}

// runOutboxOnce runs the outbox job once with sender.
func runOutboxOnce(t *testing.T, e *env, sender mail.Sender) {
	t.Helper()
	if err := e.App.SendOutbox(context.Background(), sender); err != nil {
		t.Fatal(err)
	}
}
