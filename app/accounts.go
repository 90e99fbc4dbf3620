package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/pathways"
)

// Sites, users, tokens, sessions, keys and the audit trail. These use
// cases carry no rule beyond who may call them; the stores keep every row
// in the actor's site.

// Site reads a site. Any signed-in caller reads their own site's settings
// (the pages show its name and colour), and public pages read a site's
// name, so it needs no permission.
func (a *App) Site(ctx context.Context, id string) (kith.Site, error) {
	return a.st.Sites.Site(ctx, id)
}

// UpdateSiteSettings changes the actor's site's name and settings, if
// CheckCategoryChange allows the change to its own categories.
func (a *App) UpdateSiteSettings(ctx context.Context, act kith.Actor, name string, settings kith.SiteSettings) error {
	if err := Authorize(act, Administer); err != nil {
		return err
	}
	cur, err := a.st.Sites.Site(ctx, act.Site)
	if err != nil {
		return err
	}
	errs, err := a.CheckCategoryChange(ctx, act, cur.Settings.Categories, settings.Categories)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		for i := range errs {
			errs[i].Field = "settings." + errs[i].Field
		}
		return kith.Invalid(errs...)
	}
	return a.st.Sites.UpdateSiteSettings(ctx, act, name, settings)
}

// CheckCategoryChange refuses a malformed category code, and the removal
// of one still in use: services in it could no longer be saved, and a
// pathway that offers it could no longer be compiled, which would stop
// screenings. The errors name the field "categories".
func (a *App) CheckCategoryChange(ctx context.Context, act kith.Actor, before, after []string) ([]kith.FieldError, error) {
	if err := Authorize(act, Administer); err != nil {
		return nil, err
	}
	const field = "categories"
	var errs []kith.FieldError
	for _, code := range after {
		switch {
		case assets.ValidCategory(code, nil):
			errs = append(errs, kith.FieldError{Field: field, Message: fmt.Sprintf("The site's own kinds of support: %q is already one of Kith's own kinds: leave it out", code)})
		case !assets.ValidSiteCategory(code):
			errs = append(errs, kith.FieldError{Field: field, Message: fmt.Sprintf("The site's own kinds of support: %q must be lower_snake_case (small letters, digits and _), at most 60 characters", code)})
		}
	}
	if len(errs) > 0 {
		return errs, nil
	}
	for _, code := range before {
		if slices.Contains(after, code) {
			continue
		}
		n, err := a.st.Directory.CountServicesInCategory(ctx, act.Site, code)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			errs = append(errs, kith.FieldError{Field: field, Message: fmt.Sprintf("The site's own kinds of support: %d service%s still in %q: move %s to another kind first",
				n, map[bool]string{true: " is", false: "s are"}[n == 1], code, map[bool]string{true: "it", false: "them"}[n == 1])})
		}
	}
	more, err := a.pathwaysStillCompile(ctx, act.Site, before, after)
	return append(errs, more...), err
}

// pathwaysStillCompile refuses a category change that would stop the
// site's active pathway (or its pilot) compiling.
func (a *App) pathwaysStillCompile(ctx context.Context, site string, before, after []string) ([]kith.FieldError, error) {
	act, ok, err := a.st.Pathways.ActivePathway(ctx, site)
	if err != nil || !ok {
		return nil, err
	}
	versions := []int{act.Version}
	if act.PilotB != nil {
		versions = append(versions, *act.PilotB)
	}
	var errs []kith.FieldError
	for _, n := range versions {
		pv, err := a.st.Pathways.PathwayVersion(ctx, site, act.PathwayID, n)
		if err != nil {
			return nil, err
		}
		doc, err := pathways.ParseDocument(pv.Document)
		if err != nil {
			return nil, err
		}
		if _, err := pathways.Compile(doc, before); err != nil {
			continue // broken whatever the categories: not this change's doing
		}
		if _, err := pathways.Compile(doc, after); err != nil {
			errs = append(errs, kith.FieldError{Field: "categories", Message: fmt.Sprintf(
				"The site's own kinds of support: the pathway in use (%s version %d) offers a kind you removed: change the pathway first", act.PathwayID, n)})
		}
	}
	return errs, nil
}

// CreateUser adds a person who signs in to the actor's site.
func (a *App) CreateUser(ctx context.Context, act kith.Actor, email string, role kith.Role, passwordHash string) (kith.User, error) {
	if err := Authorize(act, Administer); err != nil {
		return kith.User{}, err
	}
	return a.st.Users.CreateUser(ctx, act, email, role, passwordHash)
}

// ListUsers lists the actor's site's users.
func (a *App) ListUsers(ctx context.Context, act kith.Actor, p kith.Page) ([]kith.User, int, error) {
	if err := Authorize(act, Administer); err != nil {
		return nil, 0, err
	}
	return a.st.Users.ListUsers(ctx, act.Site, p)
}

// DisableUser stops a user signing in.
// A user with open referrals is disabled only with the colleague who takes
// them (DisableUserHandingOver).
func (a *App) DisableUser(ctx context.Context, act kith.Actor, id int64) error {
	_, err := a.DisableUserHandingOver(ctx, act, id, "")
	return err
}

// Credentials finds a user by email with the password hash, for sign-in.
func (a *App) Credentials(ctx context.Context, email string) (kith.User, string, error) {
	return a.st.Users.Credentials(ctx, email)
}

// Token lifetimes: 90 days unless the maker chooses, never over a year.
const (
	DefaultTokenDays = 90
	MaxTokenDays     = 365
)

// TokenToCreate is a new API token: what it may do, what uses it, who
// made it (nil: the command line) and when it stops working.
type TokenToCreate struct {
	Role      kith.Role
	Name      string
	UserID    *int64
	ExpiresAt time.Time
}

// CreateToken makes an API token in the actor's site that lasts days
// (0: DefaultTokenDays, at most MaxTokenDays). It belongs to the person
// behind the actor, so it stops working when they are disabled. The
// secret is returned once and never stored.
func (a *App) CreateToken(ctx context.Context, act kith.Actor, role kith.Role, name string, days int) (kith.Token, string, error) {
	if err := Authorize(act, Administer); err != nil {
		return kith.Token{}, "", err
	}
	if days == 0 {
		days = DefaultTokenDays
	}
	if days < 1 || days > MaxTokenDays {
		return kith.Token{}, "", kith.Invalid(kith.FieldError{Field: "expires_in_days",
			Message: fmt.Sprintf("How long the token lasts must be between 1 and %d days", MaxTokenDays)})
	}
	t := TokenToCreate{Role: role, Name: name, ExpiresAt: a.Now().AddDate(0, 0, days)}
	if act.UserID != 0 {
		id := act.UserID
		t.UserID = &id
	}
	return a.st.Tokens.CreateToken(ctx, act, t)
}

// CreateOperatorToken is `kith token create`: a token made by whoever runs
// the service, owned by no user, lasting days (0: DefaultTokenDays, at most
// MaxTokenDays).
func CreateOperatorToken(ctx context.Context, st TokenStore, act kith.Actor, role kith.Role, name string, days int, now time.Time) (kith.Token, string, error) {
	if days == 0 {
		days = DefaultTokenDays
	}
	if days < 1 || days > MaxTokenDays {
		return kith.Token{}, "", kith.Invalid(kith.FieldError{Field: "days",
			Message: fmt.Sprintf("How long the token lasts must be between 1 and %d days", MaxTokenDays)})
	}
	return st.CreateToken(ctx, act, TokenToCreate{Role: role, Name: name, ExpiresAt: now.AddDate(0, 0, days)})
}

// ListTokens lists the actor's site's tokens.
func (a *App) ListTokens(ctx context.Context, act kith.Actor, p kith.Page) ([]kith.Token, int, error) {
	if err := Authorize(act, Administer); err != nil {
		return nil, 0, err
	}
	return a.st.Tokens.ListTokens(ctx, act.Site, p)
}

// RevokeToken revokes a token of the actor's site.
func (a *App) RevokeToken(ctx context.Context, act kith.Actor, id int64) error {
	if err := Authorize(act, Administer); err != nil {
		return err
	}
	return a.st.Tokens.RevokeToken(ctx, act, id)
}

// Authenticate finds the live token with this secret.
func (a *App) Authenticate(ctx context.Context, secret string) (kith.Token, error) {
	return a.st.Tokens.Authenticate(ctx, secret)
}

// SessionLifetime is how long a sign-in lasts: a working day and a bit.
const SessionLifetime = 12 * time.Hour

// CreateSession signs a user in for SessionLifetime and returns the
// session's secret.
func (a *App) CreateSession(ctx context.Context, act kith.Actor, userID int64) (string, error) {
	return a.st.Sessions.CreateSession(ctx, act, userID, a.Now().Add(SessionLifetime))
}

// SessionUser is the user a live session belongs to.
func (a *App) SessionUser(ctx context.Context, secret string) (kith.User, error) {
	return a.st.Sessions.SessionUser(ctx, secret)
}

// DeleteSession signs a session out.
func (a *App) DeleteSession(ctx context.Context, act kith.Actor, secret string) error {
	return a.st.Sessions.DeleteSession(ctx, act, secret)
}

// Secret is one of the service's keys (signed links, sealed cookies).
func (a *App) Secret(ctx context.Context, name string) ([]byte, error) {
	return a.st.Secrets.Secret(ctx, name)
}

// AuditRead records that the actor read personal data.
func (a *App) AuditRead(ctx context.Context, act kith.Actor, entity, entityID string) error {
	return a.st.Audit.AuditRead(ctx, act, entity, entityID)
}

// ListAudit reads the actor's site's audit trail.
func (a *App) ListAudit(ctx context.Context, act kith.Actor, f kith.AuditFilter) ([]kith.AuditEntry, int, error) {
	if err := Authorize(act, Administer); err != nil {
		return nil, 0, err
	}
	return a.st.Audit.ListAudit(ctx, act.Site, f)
}

// Ping says whether the store answers.
func (a *App) Ping(ctx context.Context) error { return a.st.Health.Ping(ctx) }

// MigrationsApplied says whether the store's schema is up to date.
func (a *App) MigrationsApplied(ctx context.Context) (bool, error) {
	return a.st.Health.MigrationsApplied(ctx)
}
