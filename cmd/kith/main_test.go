package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/sqlite"
	"github.com/pquerna/otp/totp"
)

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

func noEnv(string) string { return "" }

// kith runs one command and returns its stdout.
func runKith(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, noEnv, strings.NewReader(stdin), &out, &errb)
	return out.String(), err
}

var listenRe = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)

// serve starts the service on a free port and returns its base URL.
func serve(t *testing.T, db string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, extra...)
	go func() { done <- run(ctx, args, noEnv, strings.NewReader(""), io.Discard, logs) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30s")
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := listenRe.FindStringSubmatch(logs.String()); m != nil {
			return "http://" + m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start:\n%s", logs.String())
	return ""
}

func get(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// The admin commands work against the database the service is using, and
// what they change takes effect on the service's next request.
func TestCommandsWhileServing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kith.db")
	base := serve(t, db)
	if code, _ := get(t, base+"/healthz", ""); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	if _, err := runKith(t, "", "site create", "--db", db, "--id", "x"); err == nil {
		t.Fatal("site create without a subcommand split should fail")
	}
	if _, err := runKith(t, "", "site", "create", "--db", db, "--id", "north", "--name", "North Council"); err != nil {
		t.Fatal(err)
	}
	if _, err := runKith(t, "", "site", "create", "--db", db, "--id", "north", "--name", "Again"); err == nil {
		t.Fatal("duplicate site accepted")
	}
	if _, err := runKith(t, "", "site", "create", "--db", db, "--id", "Bad Id!", "--name", "x"); err == nil {
		t.Fatal("bad site id accepted")
	}
	out, err := runKith(t, "", "token", "create", "--db", db, "--site", "north", "--role", "lead", "--name", "ci")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSuffix(out, "\n")
	if strings.ContainsAny(token, " \n") || !strings.HasPrefix(token, "kith_") {
		t.Fatalf("token create printed more than the token: %q", out)
	}
	code, body := get(t, base+"/api/v1/audit", token)
	if code != 200 {
		t.Fatalf("new token on the running service: %d %s", code, body)
	}
	if _, err := runKith(t, "", "token", "create", "--db", db, "--site", "nowhere", "--role", "lead"); err == nil {
		t.Fatal("token for a missing site accepted")
	}
	if _, err := runKith(t, "", "token", "create", "--db", db, "--site", "north", "--role", "admin"); err == nil {
		t.Fatal("unknown role accepted")
	}
	// Passwords: first line of stdin; a second line must match.
	if _, err := runKith(t, "a long password\nanother password\n", "user", "create", "--db", db, "--site", "north", "--email", "a@example.org", "--role", "lead"); err == nil {
		t.Fatal("mismatched second line accepted")
	}
	if _, err := runKith(t, "short\n", "user", "create", "--db", db, "--site", "north", "--email", "a@example.org", "--role", "lead"); err == nil {
		t.Fatal("short password accepted")
	}
	if _, err := runKith(t, "a long password\na long password\n", "user", "create", "--db", db, "--site", "north", "--email", "a@example.org", "--role", "lead"); err != nil {
		t.Fatal(err)
	}
	code, body = get(t, base+"/api/v1/users", token)
	if code != 200 || !strings.Contains(string(body), "a@example.org") {
		t.Fatalf("user not visible to the running service: %d %s", code, body)
	}
	// Revoking from the command line takes effect on the next request.
	var list struct {
		Items []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	_, body = get(t, base+"/api/v1/tokens", token)
	if err := json.Unmarshal(body, &list); err != nil || len(list.Items) == 0 {
		t.Fatalf("token list: %v %s", err, body)
	}
	if _, err := runKith(t, "", "token", "revoke", "--db", db, "--site", "north", "--id", fmt.Sprint(list.Items[0].ID)); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, base+"/api/v1/audit", token); code != 401 {
		t.Fatalf("revoked token still works: %d", code)
	}
	if _, err := runKith(t, "", "healthcheck", "--addr", strings.TrimPrefix(base, "http://")); err != nil {
		t.Fatalf("healthcheck: %v", err)
	}
	if _, err := runKith(t, "", "migrate", "--db", db); err != nil {
		t.Fatal(err)
	}
}

// A backup taken while requests are being served opens and passes
// PRAGMA integrity_check, and holds what was committed before it began.
func TestBackupWhileServing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "kith.db")
	base := serve(t, db, "--demo")
	token, err := runKith(t, "", "token", "create", "--db", db, "--site", "demo", "--role", "lead")
	if err != nil {
		t.Fatal(err)
	}
	token = strings.TrimSpace(token)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"role":"visitor","name":"load %d-%d"}`, w, i)
				req, _ := http.NewRequest("POST", base+"/api/v1/tokens", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				if res, err := http.DefaultClient.Do(req); err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			}
		}(w)
	}
	time.Sleep(300 * time.Millisecond)
	out := filepath.Join(dir, "backup.db")
	if _, err := runKith(t, "", "backup", "--db", db, "--out", out); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	b, err := sqlite.Open(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	res, err := b.IntegrityCheck(context.Background())
	if err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
	if _, err := b.Site(context.Background(), "demo"); err != nil {
		t.Fatalf("backup lacks the demo site: %v", err)
	}
	if _, err := runKith(t, "", "backup", "--db", db, "--out", out); err == nil {
		t.Fatal("backup over an existing file accepted")
	}
}

// Without --demo no demo site or known password is ever created.
func TestNoDemoWithoutFlag(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kith.db")
	base := serve(t, db)
	get(t, base+"/healthz", "")
	d, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n, _ := d.CountSites(context.Background()); n != 0 {
		t.Fatalf("sites without --demo: %d", n)
	}
	if _, _, err := d.Credentials(context.Background(), "lead@demo.kith.example"); err == nil {
		t.Fatal("demo user exists without --demo")
	}
}

// --demo is idempotent and the documented sign-in works.
func TestDemoSignIn(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kith.db")
	_ = serve(t, db, "--demo")
	d, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, u := range demoUsers {
		if _, _, err := d.Credentials(context.Background(), u.email); err != nil {
			t.Fatalf("demo user %s: %v", u.email, err)
		}
	}
}

// Without KITH_SMTP_ADDR there is no outbox job. A nil *mail.SMTP passed
// as a mail.Sender is not a nil interface: the job ran, and the first
// message in the outbox (a concern's, for the demo site's safeguarding
// team) crashed the service with a nil pointer.
func TestNoSMTPMeansNoOutboxJob(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, j := range serveJobs(app.New(db.Stores(), app.Options{}), nil) {
		if j.Name == "outbox" {
			t.Fatal("an outbox job runs with no SMTP sender")
		}
	}
}

// Without KITH_BASE_URL, links sent to providers and service contacts
// would have to come from the request's Host header (the client's to
// choose) or from an address nobody outside can reach: serving on
// anything but loopback without it is refused, naming the setting.
func TestServeNeedsBaseURLBeyondLoopback(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kith.db")
	var errb bytes.Buffer
	err := run(context.Background(), []string{"serve", "--addr", "0.0.0.0:0", "--db", db}, noEnv, strings.NewReader(""), io.Discard, &errb)
	if err == nil || !strings.Contains(err.Error(), "KITH_BASE_URL") {
		t.Fatalf("serve on 0.0.0.0 without KITH_BASE_URL: %v", err)
	}
}

// The demo's navigator and lead sign in with the published password and
// a code from the published demo key (README).
func TestDemoSignInWithTheDemoKey(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kith.db")
	base := serve(t, db, "--demo")
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(base + "/sign-in")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	tok := string(regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(page)[1])
	res, err = c.PostForm(base+"/sign-in", url.Values{"_csrf": {tok}, "email": {"navigator@demo.kith.example"}, "password": {demoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/sign-in/code") {
		t.Fatalf("demo navigator's password: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	code, _ := totp.GenerateCode(demoTOTPKey, time.Now())
	res, err = c.PostForm(base+"/sign-in/code", url.Values{"_csrf": {tok}, "code": {code}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 || res.Header.Get("Location") != "/" {
		t.Fatalf("demo navigator's code: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if status, _ := get(t, base+"/worklist", ""); status == 500 {
		t.Fatal("worklist 500")
	}
}
