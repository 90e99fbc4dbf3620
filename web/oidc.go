package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"
)

// OpenID Connect sign-in: the authorisation code flow with PKCE (S256),
// state and nonce, through github.com/coreos/go-oidc (discovery, ID token
// signature, issuer, audience, expiry) and golang.org/x/oauth2 (the code
// exchange). What the verified identity may do is app.SignInWithOIDC's.

const (
	ssoCookie       = "kith_sso"
	ssoLifetime     = 10 * time.Minute
	ssoCallbackPath = "/sign-in/sso/callback"
)

// oidcProviders caches discovery documents and keys by issuer.
type oidcProviders struct {
	mu sync.Mutex
	m  map[string]*oidc.Provider
}

func (o *oidcProviders) get(ctx context.Context, issuer string) (*oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if p, ok := o.m[issuer]; ok {
		return p, nil
	}
	// Discovery outlives the request that prompted it.
	p, err := oidc.NewProvider(context.WithoutCancel(ctx), issuer)
	if err != nil {
		return nil, kith.Errorf(kith.EINTERNAL, "The council's sign-in service could not be reached.")
	}
	if o.m == nil {
		o.m = map[string]*oidc.Provider{}
	}
	o.m[issuer] = p
	return p, nil
}

// ssoState is what a browser carries, sealed, between leaving for the
// provider and coming back.
type ssoState struct {
	Site     string `json:"s"`
	State    string `json:"st"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x"`
	Expires  int64  `json:"e"`
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (s *Server) oauthConfig(c echo.Context, p app.OIDCProvider, op *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, Endpoint: op.Endpoint(),
		RedirectURL: s.baseURL(c) + ssoCallbackPath, Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}
}

// ssoStart sends the browser to the site's provider.
func (s *Server) ssoStart(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.app.OIDCProviderFor(ctx, c.Param("site"))
	if err != nil {
		return err
	}
	op, err := s.oidc.get(ctx, p.Issuer)
	if err != nil {
		return err
	}
	st := ssoState{Site: p.Site, Next: safeNext(c.QueryParam("next")), Expires: s.now().Add(ssoLifetime).Unix(), Verifier: oauth2.GenerateVerifier()}
	if st.State, err = randomToken(); err != nil {
		return err
	}
	if st.Nonce, err = randomToken(); err != nil {
		return err
	}
	sealed, err := s.sealSSO(c, st)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: ssoCookie, Value: sealed, Path: "/sign-in/sso", HttpOnly: true,
		Secure: s.cookieSecure(c), SameSite: http.SameSiteLaxMode, MaxAge: int(ssoLifetime.Seconds())})
	return c.Redirect(http.StatusSeeOther, s.oauthConfig(c, p, op).AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier)))
}

// ssoCallback checks what the provider sent back and signs the person in.
func (s *Server) ssoCallback(c echo.Context) error {
	ctx := c.Request().Context()
	refuse := func(msg string) error { return kith.Errorf(kith.EFORBIDDEN, "%s", msg) }
	ck, err := c.Cookie(ssoCookie)
	if err != nil {
		return refuse("The sign-in took too long or started in another browser. Go back to the sign-in page and try again.")
	}
	c.SetCookie(&http.Cookie{Name: ssoCookie, Value: "", Path: "/sign-in/sso", HttpOnly: true, Secure: s.cookieSecure(c), MaxAge: -1})
	st, err := s.openSSO(c, ck.Value)
	if err != nil || s.now().Unix() > st.Expires || !constantTimeEqual(st.State, c.QueryParam("state")) {
		return refuse("The sign-in could not be checked. Go back to the sign-in page and try again.")
	}
	if e := c.QueryParam("error"); e != "" {
		return refuse("The council's sign-in service did not sign you in.")
	}
	p, err := s.app.OIDCProviderFor(ctx, st.Site)
	if err != nil {
		return err
	}
	op, err := s.oidc.get(ctx, p.Issuer)
	if err != nil {
		return err
	}
	tok, err := s.oauthConfig(c, p, op).Exchange(ctx, c.QueryParam("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return refuse("The council's sign-in service did not accept the sign-in. Try again.")
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := op.Verifier(&oidc.Config{ClientID: p.ClientID}).Verify(ctx, raw)
	if err != nil || !constantTimeEqual(idt.Nonce, st.Nonce) {
		return refuse("The council's sign-in service sent an identity that could not be checked.")
	}
	id, err := s.identity(ctx, p, op, tok, idt)
	if err != nil {
		return err
	}
	_, secret, err := s.app.SignInWithOIDC(ctx, requestActor(c), p, id)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, secret)
	return c.Redirect(http.StatusSeeOther, st.Next)
}

// identity reads who the person is and their group or app-role values
// from the ID token, and from the userinfo endpoint what the token leaves
// out (Entra ID leaves out groups when a person is in many; some providers
// put the email only in userinfo).
func (s *Server) identity(ctx context.Context, p app.OIDCProvider, op *oidc.Provider, tok *oauth2.Token, idt *oidc.IDToken) (app.OIDCIdentity, error) {
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return app.OIDCIdentity{}, kith.Errorf(kith.EFORBIDDEN, "The sign-in service sent an identity that could not be read.")
	}
	_, hasValues := claims[p.Claim]
	_, hasEmail := claims["email"]
	if !hasValues || !hasEmail {
		if info, err := op.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
			var more map[string]any
			if info.Claims(&more) == nil {
				for k, v := range more {
					if _, ok := claims[k]; !ok {
						claims[k] = v
					}
				}
			}
		}
	}
	str := func(k string) string { v, _ := claims[k].(string); return v }
	id := app.OIDCIdentity{Issuer: idt.Issuer, Subject: idt.Subject, Tenant: str("tid"), Email: str("email")}
	if id.Email == "" {
		id.Email = str("preferred_username") // Entra ID's sign-in name
	}
	switch v := claims[p.Claim].(type) {
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				id.Values = append(id.Values, s)
			}
		}
	case string:
		id.Values = []string{v}
	}
	return id, nil
}

func (s *Server) sealSSO(c echo.Context, st ssoState) (string, error) {
	aead, err := s.flashCipher(c)
	if err != nil {
		return "", err
	}
	js, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, js, []byte(ssoCookie))), nil
}

func (s *Server) openSSO(c echo.Context, v string) (ssoState, error) {
	var st ssoState
	aead, err := s.flashCipher(c)
	if err != nil {
		return st, err
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) < aead.NonceSize() {
		return st, kith.Errorf(kith.EFORBIDDEN, "malformed")
	}
	js, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(ssoCookie))
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(js, &st)
}

// ssoSignOutURL is where a person who signed in through a provider goes
// after signing out here: the provider's own sign-out, if it has one.
func (s *Server) ssoSignOutURL(c echo.Context, u kith.User) string {
	p, err := s.app.OIDCProviderFor(c.Request().Context(), u.Site)
	if err != nil {
		return ""
	}
	op, err := s.oidc.get(c.Request().Context(), p.Issuer)
	if err != nil {
		return ""
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if op.Claims(&meta) != nil || meta.EndSession == "" {
		return ""
	}
	return meta.EndSession + "?" + url.Values{"client_id": {p.ClientID}, "post_logout_redirect_uri": {s.baseURL(c) + "/sign-in"}}.Encode()
}
