package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kith-project/kith"
)

// OpenID Connect sign-in (Microsoft Entra ID first, any standard provider
// by configuration). The protocol (discovery, the authorisation code flow
// with PKCE, state and nonce, ID token checks) is in package web with
// github.com/coreos/go-oidc and golang.org/x/oauth2; what a verified
// identity may do is decided here: the site is the one whose provider
// issued it, the account is made on first sign-in, and the role comes
// from the provider's group or app-role claim through the lead's mapping.

// OIDCProvider is a site's OpenID provider.
type OIDCProvider struct {
	Site         string
	Issuer       string
	Tenant       string // Entra ID's tenant id ("tid"); empty: any
	ClientID     string
	ClientSecret string
	Claim        string               // the claim holding groups or app roles
	RoleMap      map[string]kith.Role // claim value → role
}

// RoleFor is the highest role any of the person's claim values maps to.
func (p OIDCProvider) RoleFor(values []string) (kith.Role, bool) {
	best := -1
	for _, v := range values {
		if r, ok := p.RoleMap[v]; ok {
			if i := slices.Index(kith.Roles, r); i > best {
				best = i
			}
		}
	}
	if best < 0 {
		return "", false
	}
	return kith.Roles[best], true
}

// OIDCIdentity is what a verified ID token says about a person.
type OIDCIdentity struct {
	Issuer, Tenant, Subject, Email string
	Values                         []string // the provider claim's values
}

// SetOIDCProvider is `kith site sso`: the operator connects a site to its
// provider (the lead maps roles afterwards).
func SetOIDCProvider(ctx context.Context, st OIDCStore, act kith.Actor, p OIDCProvider) error {
	var errs []kith.FieldError
	if !strings.HasPrefix(p.Issuer, "https://") && !strings.HasPrefix(p.Issuer, "http://127.0.0.1") && !strings.HasPrefix(p.Issuer, "http://localhost") {
		errs = append(errs, kith.FieldError{Field: "issuer", Message: "must be an https:// address"})
	}
	if p.ClientID == "" {
		errs = append(errs, kith.FieldError{Field: "client_id", Message: "is required"})
	}
	if p.ClientSecret == "" {
		errs = append(errs, kith.FieldError{Field: "client_secret", Message: "is required"})
	}
	if len(errs) > 0 {
		return kith.Invalid(errs...)
	}
	if p.Claim == "" {
		p.Claim = "groups"
	}
	return st.SetOIDCProvider(ctx, act, p)
}

// OIDCProviderFor is the provider of a site (kith.ENOTFOUND: none).
func (a *App) OIDCProviderFor(ctx context.Context, site string) (OIDCProvider, error) {
	return a.st.OIDC.OIDCProvider(ctx, site)
}

// OIDCSites lists the sites that sign in through a provider, for the
// sign-in page.
func (a *App) OIDCSites(ctx context.Context) ([]kith.Site, error) {
	return a.st.OIDC.OIDCSites(ctx)
}

// SetRoleMapping is the lead choosing which group or app-role values give
// which role. A value may map to one role only.
func (a *App) SetRoleMapping(ctx context.Context, act kith.Actor, m map[string]kith.Role) error {
	if err := Authorize(act, Administer); err != nil {
		return err
	}
	for v, r := range m {
		if !r.Valid() {
			return kith.Invalid(kith.FieldError{Field: "role_map", Message: fmt.Sprintf("%q maps to an unknown role", v)})
		}
		if len(v) > 200 || strings.TrimSpace(v) == "" {
			return kith.Invalid(kith.FieldError{Field: "role_map", Message: "each group or app role must be 1 to 200 characters"})
		}
	}
	return a.st.OIDC.SetRoleMapping(ctx, act, m)
}

// SignInWithOIDC signs in a person the site's provider vouched for:
// their account is found by issuer and subject, or made on first sign-in,
// and takes the role their claim values map to now. No mapped value, or a
// disabled account, is refused. It returns a full session: the provider
// did the second factor (a council's conditional access policy).
func (a *App) SignInWithOIDC(ctx context.Context, act kith.Actor, p OIDCProvider, id OIDCIdentity) (kith.User, string, error) {
	if id.Issuer != p.Issuer || (p.Tenant != "" && id.Tenant != p.Tenant) {
		return kith.User{}, "", kith.Errorf(kith.EFORBIDDEN, "This account is not from the council's own sign-in service.")
	}
	role, ok := p.RoleFor(id.Values)
	if !ok {
		return kith.User{}, "", kith.Errorf(kith.EFORBIDDEN, "Your council account is not in a group that gives a role in Kith. Ask your lead to add you.")
	}
	if id.Subject == "" || !strings.Contains(id.Email, "@") {
		return kith.User{}, "", kith.Errorf(kith.EFORBIDDEN, "The sign-in service did not say who you are (no email address).")
	}
	sys := kith.Actor{Site: p.Site, Kind: "system", ID: "oidc", RequestID: act.RequestID, IP: act.IP}
	u, err := a.st.OIDC.UpsertOIDCUser(ctx, sys, id.Issuer, id.Subject, id.Email, role)
	if err != nil {
		return u, "", err
	}
	secret, err := a.st.Sessions.CreateSession(ctx, userActor(act, u), u.ID, a.Now().Add(SessionLifetime))
	return u, secret, err
}
