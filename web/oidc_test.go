package web_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// providerUsers are the people of the test's OpenID provider, with the
// groups it puts in their ID tokens.
type providerUsers map[string]*storage.User

func (u providerUsers) GetUserByID(id string) *storage.User { return u[id] }
func (u providerUsers) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return x
		}
	}
	return nil
}
func (providerUsers) ExampleClientID() string { return "service" }

// groupsStorage is zitadel's example storage with a "groups" claim in
// the ID token, as Microsoft Entra ID sends it.
type groupsStorage struct {
	*storage.Storage
	groups map[string][]string
}

func (g groupsStorage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, token op.IDTokenRequest, scopes []string) error {
	if err := g.Storage.SetUserinfoFromRequest(ctx, info, token, scopes); err != nil {
		return err
	}
	info.AppendClaims("groups", g.groups[token.GetSubject()])
	return nil
}

// startProvider runs a real OpenID provider (zitadel/oidc's op package
// with its example storage and login page) on a free port, with a client
// "kith" whose redirect goes back to the env.
func startProvider(t *testing.T, e *env) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String()
	users := providerUsers{
		"nav-1": {ID: "nav-1", Username: "nora", Password: "provider-password", FirstName: "Nora", LastName: "Navigator",
			Email: "nora@council.example", EmailVerified: true, PreferredLanguage: language.English},
		"out-1": {ID: "out-1", Username: "oscar", Password: "provider-password", FirstName: "Oscar", LastName: "Outsider",
			Email: "oscar@council.example", EmailVerified: true, PreferredLanguage: language.English},
	}
	client := storage.WebClient("kith", "kith-client-secret", e.URL+"/sign-in/sso/callback")
	st := groupsStorage{Storage: storage.NewStorageWithClients(users, map[string]*storage.Client{"kith": client}),
		groups: map[string][]string{"nav-1": {"grp-everyone", "grp-navigators"}, "out-1": {"grp-everyone"}}}
	handler := exampleop.SetupServer(issuer, st, slog.New(slog.NewTextHandler(io.Discard, nil)), false)
	srv := &http.Server{Handler: handler}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return issuer
}

var opLoginID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// ssoSignIn walks the sign-in through the provider's login page, as a
// browser follows the redirects, and returns the client and the last answer.
func ssoSignIn(t *testing.T, e *env, issuer, username string) (*http.Client, *http.Response, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	var authorize *url.URL
	c := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), issuer) && req.URL.Query().Get("response_type") != "" {
			authorize = req.URL
		}
		return nil
	}}
	page := doWith(t, c, "GET", e.URL+"/sign-in", "", nil)
	if !strings.Contains(string(page.Body), `href="/sign-in/sso/alpha?next=%2f"`) {
		t.Fatalf("no council sign-in on the sign-in page: %s", page.Body)
	}
	res, err := c.Get(e.URL + "/sign-in/sso/alpha?next=/worklist")
	if err != nil {
		t.Fatal(err)
	}
	login, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.HasPrefix(res.Request.URL.String(), issuer) {
		t.Fatalf("not sent to the provider: %s", res.Request.URL)
	}
	if authorize == nil {
		t.Fatal("never sent to the provider's authorisation endpoint")
	}
	q := authorize.Query()
	if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) < 43 ||
		len(q.Get("state")) < 32 || len(q.Get("nonce")) < 32 || !strings.Contains(q.Get("scope"), "openid") {
		t.Fatalf("the authorisation request lacks PKCE, state or nonce: %s", authorize)
	}
	m := opLoginID.FindSubmatch(login)
	if m == nil {
		t.Fatalf("the provider's login page: %s", login)
	}
	res, err = c.PostForm(issuer+"/login/username", url.Values{"id": {string(m[1])}, "username": {username}, "password": {"provider-password"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return c, res, string(body)
}

// A person signs in through a real OpenID provider (authorisation code
// with PKCE, state and nonce), their account is made on first sign-in in
// the site the issuer belongs to, with the role their group maps to; no
// mapped group is refused; signing out ends the session.
func TestOpenIDConnectSignIn(t *testing.T) {
	e := newEnv(t)
	issuer := startProvider(t, e)
	cli := kith.Actor{Site: "alpha", Kind: "cli", ID: "test"}
	if err := app.SetOIDCProvider(context.Background(), e.Stores.OIDC, cli, app.OIDCProvider{Issuer: issuer, ClientID: "kith", ClientSecret: "kith-client-secret", Claim: "groups"}); err != nil {
		t.Fatal(err)
	}
	// The lead maps the groups on their page.
	lead := leadBrowser(t, e)
	_, csrf := page(t, e, lead, "/lead/sign-in")
	done := follow(t, e, lead, postForm(t, lead, e.URL+"/lead/sign-in", url.Values{"_csrf": {csrf},
		"groups_navigator": {"grp-navigators\n"}, "groups_lead": {"grp-leads"}}), "/lead/sign-in")
	if !strings.Contains(text(done), "The roles are saved") || !strings.Contains(text(done), "grp-navigators") {
		t.Fatalf("role mapping page: %s", text(done))
	}
	if r := postForm(t, lead, e.URL+"/lead/sign-in", url.Values{"_csrf": {csrf}, "groups_visitor": {"grp-leads"}, "groups_lead": {"grp-leads"}}); r.Status != 422 {
		t.Fatalf("one group for two roles: %d", r.Status)
	}

	c, res, body := ssoSignIn(t, e, issuer, "nora")
	if res.StatusCode != 200 || res.Request.URL.Path != "/worklist" {
		t.Fatalf("after the provider: %d %s %s", res.StatusCode, res.Request.URL, text(response{Body: []byte(body)}))
	}
	me := doWith(t, c, "GET", e.URL+"/api/v1/me", "", nil).JSON(t)
	if me["role"] != "navigator" || me["site"] != "alpha" {
		t.Fatalf("signed in as %v", me)
	}
	if rec, err := e.Stores.Users.SignInRecord(context.Background(), "nora@council.example"); err != nil || me["actor"] != "user:"+strconv.FormatInt(rec.User.ID, 10) {
		t.Fatalf("the account made on first sign-in: %+v %v (me %v)", rec.User, err, me)
	}
	// The account was made once: signing in again finds it.
	c2, _, _ := ssoSignIn(t, e, issuer, "nora")
	if again := doWith(t, c2, "GET", e.URL+"/api/v1/me", "", nil).JSON(t); again["actor"] != me["actor"] {
		t.Fatalf("a second account: %v %v", again, me)
	}
	// No mapped group: refused, no session.
	c3, res3, _ := ssoSignIn(t, e, issuer, "oscar")
	if res3.StatusCode != 403 {
		t.Fatalf("a person with no mapped group: %d", res3.StatusCode)
	}
	if r := doWith(t, c3, "GET", e.URL+"/api/v1/me", "", nil); r.Status != 401 {
		t.Fatalf("a refused person has a session: %d", r.Status)
	}
	// A callback without the state it was sent with is refused.
	if r := doWith(t, c, "GET", e.URL+"/sign-in/sso/callback?code=x&state=forged", "", nil); r.Status != 403 {
		t.Fatalf("a forged callback: %d", r.Status)
	}
	// Signing out ends the session (and goes to the provider's sign-out).
	_, tok := page(t, e, c, "/worklist")
	noFollow := &http.Client{Jar: c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	out := postForm(t, noFollow, e.URL+"/sign-out", url.Values{"_csrf": {tok}})
	if out.Status != 303 || !strings.HasPrefix(out.Header.Get("Location"), issuer) {
		t.Fatalf("sign-out: %d %s", out.Status, out.Header.Get("Location"))
	}
	if r := doWith(t, c, "GET", e.URL+"/api/v1/me", "", nil); r.Status != 401 {
		t.Fatalf("after sign-out: %d", r.Status)
	}
	// The account has no password to sign in with.
	if r, _ := passwordOnly(t, e, browser(t), "nora@council.example", ""); r.Status != 422 {
		t.Fatalf("a password sign-in for an SSO account: %d", r.Status)
	}
}
