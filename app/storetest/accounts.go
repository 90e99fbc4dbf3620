package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

func testSites(t *testing.T, f *fixture) {
	s, err := f.st.Sites.Site(f.ctx, "alpha")
	must(t, "read site", err)
	if s.ID != "alpha" || s.Name != "Site alpha" || s.Settings.SafeguardingPhone != "0113 496 0000" || s.CreatedAt.IsZero() {
		t.Fatalf("site: %+v", s)
	}
	wantCode(t, "unknown site", func() error { _, err := f.st.Sites.Site(f.ctx, "gamma"); return err }(), kith.ENOTFOUND)
	wantCode(t, "duplicate site", f.st.Sites.CreateSite(f.ctx, f.cli, app.NewSite("alpha", "Again", kith.SiteSettings{})), kith.ECONFLICT)
	settings := s.Settings
	settings.RetentionDays = 400
	must(t, "update settings", f.st.Sites.UpdateSiteSettings(f.ctx, f.lead, "Alpha renamed", settings))
	if s, _ = f.st.Sites.Site(f.ctx, "alpha"); s.Name != "Alpha renamed" || s.Settings.RetentionDays != 400 {
		t.Fatalf("after update: %+v", s)
	}
	if b, _ := f.st.Sites.Site(f.ctx, "beta"); b.Name != "Site beta" {
		t.Fatalf("another site changed: %+v", b)
	}
	// A new site starts with the pathway it was given, version 1, active.
	act, ok, err := f.st.Pathways.ActivePathway(f.ctx, "beta")
	if err != nil || !ok || act.PathwayID != "default" || act.Version != 1 {
		t.Fatalf("new site's pathway: %+v %v %v", act, ok, err)
	}
}

func testUsers(t *testing.T, f *fixture) {
	u, err := f.st.Users.CreateUser(f.ctx, f.lead, "nav@example.org", kith.RoleNavigator, "hash-1")
	must(t, "create user", err)
	if u.ID == 0 || u.Site != "alpha" || u.Role != kith.RoleNavigator {
		t.Fatalf("user: %+v", u)
	}
	_, err = f.st.Users.CreateUser(f.ctx, f.other, "nav@example.org", kith.RoleLead, "hash-2")
	wantCode(t, "an email already used", err, kith.ECONFLICT)
	got, hash, err := f.st.Users.Credentials(f.ctx, "nav@example.org")
	if err != nil || got.ID != u.ID || hash != "hash-1" {
		t.Fatalf("credentials: %+v %q %v", got, hash, err)
	}
	items, total, err := f.st.Users.ListUsers(f.ctx, "alpha", kith.Page{Number: 1, Size: 10})
	if err != nil || total != 1 || len(items) != 1 {
		t.Fatalf("list users: %d %d %v", len(items), total, err)
	}
	if _, total, _ := f.st.Users.ListUsers(f.ctx, "beta", kith.Page{Number: 1, Size: 10}); total != 0 {
		t.Fatalf("beta lists alpha's users: %d", total)
	}
	wantCode(t, "disable another site's user", f.st.Users.DisableUser(f.ctx, f.other, u.ID), kith.ENOTFOUND)
	must(t, "disable user", f.st.Users.DisableUser(f.ctx, f.lead, u.ID))
	_, _, err = f.st.Users.Credentials(f.ctx, "nav@example.org")
	wantCode(t, "a disabled user's credentials", err, kith.ENOTFOUND)
}

func testTokens(t *testing.T, f *fixture) {
	tok, secret, err := f.st.Tokens.CreateToken(f.ctx, f.lead, app.TokenToCreate{Role: kith.RoleVisitor, Name: "phone", ExpiresAt: time.Now().Add(time.Hour)})
	must(t, "create token", err)
	if secret == "" || tok.ID == 0 || tok.Site != "alpha" {
		t.Fatalf("token: %+v %q", tok, secret)
	}
	got, err := f.st.Tokens.Authenticate(f.ctx, secret)
	if err != nil || got.ID != tok.ID || got.Role != kith.RoleVisitor || got.Site != "alpha" {
		t.Fatalf("authenticate: %+v %v", got, err)
	}
	_, err = f.st.Tokens.Authenticate(f.ctx, secret+"x")
	wantCode(t, "a wrong secret", err, kith.EUNAUTHORIZED)
	items, total, err := f.st.Tokens.ListTokens(f.ctx, "alpha", kith.Page{Number: 1, Size: 10})
	if err != nil || total != 1 || items[0].Name != "phone" {
		t.Fatalf("list tokens: %+v %d %v", items, total, err)
	}
	wantCode(t, "revoke another site's token", f.st.Tokens.RevokeToken(f.ctx, f.other, tok.ID), kith.ENOTFOUND)
	must(t, "revoke", f.st.Tokens.RevokeToken(f.ctx, f.lead, tok.ID))
	_, err = f.st.Tokens.Authenticate(f.ctx, secret)
	wantCode(t, "a revoked token", err, kith.EUNAUTHORIZED)

	// An expired token does not work.
	_, old, err := f.st.Tokens.CreateToken(f.ctx, f.lead, app.TokenToCreate{Role: kith.RoleLead, ExpiresAt: time.Now().Add(-time.Second)})
	must(t, "create an expired token", err)
	_, err = f.st.Tokens.Authenticate(f.ctx, old)
	wantCode(t, "an expired token", err, kith.EUNAUTHORIZED)

	// A token belongs to its maker and stops when they are disabled.
	u, err := f.st.Users.CreateUser(f.ctx, f.lead, "maker@example.org", kith.RoleLead, "hash")
	must(t, "create the maker", err)
	owned, mine, err := f.st.Tokens.CreateToken(f.ctx, f.lead, app.TokenToCreate{Role: kith.RoleLead, UserID: &u.ID, ExpiresAt: time.Now().Add(time.Hour)})
	must(t, "create an owned token", err)
	if owned.UserID == nil || *owned.UserID != u.ID || owned.ExpiresAt.IsZero() {
		t.Fatalf("owned token: %+v", owned)
	}
	if got, err := f.st.Tokens.Authenticate(f.ctx, mine); err != nil || got.UserID == nil || *got.UserID != u.ID {
		t.Fatalf("authenticate an owned token: %+v %v", got, err)
	}
	_, _, err = f.st.Tokens.CreateToken(f.ctx, f.other, app.TokenToCreate{Role: kith.RoleLead, UserID: &u.ID, ExpiresAt: time.Now().Add(time.Hour)})
	wantCode(t, "a token owned by another site's user", err, kith.ENOTFOUND)
	must(t, "disable the maker", f.st.Users.DisableUser(f.ctx, f.lead, u.ID))
	_, err = f.st.Tokens.Authenticate(f.ctx, mine)
	wantCode(t, "a disabled user's token", err, kith.EUNAUTHORIZED)
	_, _, err = f.st.Tokens.CreateToken(f.ctx, f.lead, app.TokenToCreate{Role: kith.RoleLead, UserID: &u.ID, ExpiresAt: time.Now().Add(time.Hour)})
	wantCode(t, "a token for a disabled user", err, kith.ENOTFOUND)
}

func testSessions(t *testing.T, f *fixture) {
	u, err := f.st.Users.CreateUser(f.ctx, f.lead, "lead@example.org", kith.RoleLead, "hash")
	must(t, "create user", err)
	a := kith.Actor{Site: "alpha", Kind: "user", ID: "1", Role: kith.RoleLead}
	secret, err := f.st.Sessions.CreateSession(f.ctx, a, u.ID, time.Now().UTC().Add(time.Hour))
	must(t, "create session", err)
	got, err := f.st.Sessions.SessionUser(f.ctx, secret)
	if err != nil || got.ID != u.ID || got.Role != kith.RoleLead {
		t.Fatalf("session user: %+v %v", got, err)
	}
	must(t, "sign out", f.st.Sessions.DeleteSession(f.ctx, a, secret))
	_, err = f.st.Sessions.SessionUser(f.ctx, secret)
	wantCode(t, "a signed-out session", err, kith.EUNAUTHORIZED)
}

func testSecrets(t *testing.T, f *fixture) {
	a, err := f.st.Secrets.Secret(f.ctx, "one")
	must(t, "secret", err)
	again, _ := f.st.Secrets.Secret(f.ctx, "one")
	b, _ := f.st.Secrets.Secret(f.ctx, "two")
	if len(a) < 32 || !bytes.Equal(a, again) || bytes.Equal(a, b) {
		t.Fatalf("secrets: %d bytes, same name equal %v, different names equal %v", len(a), bytes.Equal(a, again), bytes.Equal(a, b))
	}
}

func testAudit(t *testing.T, f *fixture) {
	must(t, "audit a read", f.st.Audit.AuditRead(f.ctx, f.nav, "screening", "s-1"))
	items, total, err := f.st.Audit.ListAudit(f.ctx, "alpha", kith.AuditFilter{EntityID: "s-1", Page: kith.Page{Number: 1, Size: 10}})
	if err != nil || total != 1 || items[0].Actor != f.nav.Ref() || items[0].Action != "read" || items[0].Entity != "screening" {
		t.Fatalf("audit: %+v %d %v", items, total, err)
	}
	if _, total, _ := f.st.Audit.ListAudit(f.ctx, "beta", kith.AuditFilter{EntityID: "s-1", Page: kith.Page{Number: 1, Size: 10}}); total != 0 {
		t.Fatalf("beta sees alpha's audit trail: %d", total)
	}
}

func testHealth(t *testing.T, f *fixture) {
	must(t, "ping", f.st.Health.Ping(f.ctx))
	ok, err := f.st.Health.MigrationsApplied(f.ctx)
	if err != nil || !ok {
		t.Fatalf("migrations applied: %v %v", ok, err)
	}
}

func testPostcodes(t *testing.T, f *fixture) {
	_, _, ok, err := f.st.Postcodes.LocatePostcode(f.ctx, "ZZ99 9ZZ")
	if err != nil || ok {
		t.Fatalf("an unknown postcode: ok %v, %v", ok, err)
	}
}

func testSignIn(t *testing.T, f *fixture) {
	u, err := f.st.Users.CreateUser(f.ctx, f.lead, "nav@example.org", kith.RoleNavigator, "hash-1")
	must(t, "create user", err)
	rec, err := f.st.Users.SignInRecord(f.ctx, "NAV@example.org")
	if err != nil || rec.User.ID != u.ID || rec.PasswordHash != "hash-1" || rec.FailedSignIns != 0 || rec.TOTPSecret != "" {
		t.Fatalf("sign-in record: %+v %v", rec, err)
	}
	_, err = f.st.Users.UserSignInRecord(f.ctx, "beta", u.ID)
	wantCode(t, "another site's user by id", err, kith.ENOTFOUND)

	// Failures count and lock; a sign-in clears them.
	until := time.Now().UTC().Add(time.Minute).Truncate(time.Microsecond)
	must(t, "failure", f.st.Users.RecordSignInFailure(f.ctx, u.ID, time.Time{}))
	must(t, "failure", f.st.Users.RecordSignInFailure(f.ctx, u.ID, until))
	if rec, _ = f.st.Users.UserSignInRecord(f.ctx, "alpha", u.ID); rec.FailedSignIns != 2 || !rec.LockedUntil.Equal(until) {
		t.Fatalf("after two failures: %d %v", rec.FailedSignIns, rec.LockedUntil)
	}
	must(t, "clear", f.st.Users.ClearSignInFailures(f.ctx, u.ID))
	if rec, _ = f.st.Users.UserSignInRecord(f.ctx, "alpha", u.ID); rec.FailedSignIns != 0 || !rec.LockedUntil.IsZero() {
		t.Fatalf("after clearing: %+v", rec)
	}

	// Pending sessions are not full ones, nor the other way round.
	a := kith.Actor{Site: "alpha", Kind: "user", ID: "2", Role: kith.RoleNavigator}
	pending, err := f.st.Sessions.CreatePendingSession(f.ctx, a, u.ID, time.Now().UTC().Add(time.Minute))
	must(t, "pending session", err)
	full, err := f.st.Sessions.CreateSession(f.ctx, a, u.ID, time.Now().UTC().Add(time.Hour))
	must(t, "full session", err)
	_, err = f.st.Sessions.SessionUser(f.ctx, pending)
	wantCode(t, "a pending session as a full one", err, kith.EUNAUTHORIZED)
	_, err = f.st.Sessions.PendingSessionUser(f.ctx, full)
	wantCode(t, "a full session as a pending one", err, kith.EUNAUTHORIZED)
	if got, err := f.st.Sessions.PendingSessionUser(f.ctx, pending); err != nil || got.ID != u.ID {
		t.Fatalf("pending session user: %+v %v", got, err)
	}

	// A new password ends every session but the one kept.
	must(t, "set password", f.st.Users.SetPassword(f.ctx, a, u.ID, "hash-2", full))
	if _, err := f.st.Sessions.SessionUser(f.ctx, full); err != nil {
		t.Fatalf("the kept session: %v", err)
	}
	_, err = f.st.Sessions.PendingSessionUser(f.ctx, pending)
	wantCode(t, "another session after a new password", err, kith.EUNAUTHORIZED)
	wantCode(t, "another site's user's password", f.st.Users.SetPassword(f.ctx, f.other, u.ID, "x", ""), kith.ENOTFOUND)

	// Reset links: live, one user, gone after the new password.
	link := bytes.Repeat([]byte{7}, 32)
	must(t, "reset", f.st.Users.SetPasswordReset(f.ctx, f.lead, u.ID, link, time.Now().UTC().Add(time.Hour)))
	wantCode(t, "another site's reset", f.st.Users.SetPasswordReset(f.ctx, f.other, u.ID, link, time.Now().UTC().Add(time.Hour)), kith.ENOTFOUND)
	if got, err := f.st.Users.PasswordResetUser(f.ctx, link); err != nil || got.ID != u.ID {
		t.Fatalf("reset user: %+v %v", got, err)
	}
	if _, err := f.st.Sessions.SessionUser(f.ctx, full); err == nil {
		t.Fatal("a reset left a session")
	}
	must(t, "reset password", f.st.Users.SetPassword(f.ctx, a, u.ID, "hash-3", ""))
	_, err = f.st.Users.PasswordResetUser(f.ctx, link)
	wantCode(t, "a used reset link", err, kith.ENOTFOUND)
	old := bytes.Repeat([]byte{8}, 32)
	must(t, "expired reset", f.st.Users.SetPasswordReset(f.ctx, f.lead, u.ID, old, time.Now().UTC().Add(-time.Second)))
	_, err = f.st.Users.PasswordResetUser(f.ctx, old)
	wantCode(t, "an expired reset link", err, kith.ENOTFOUND)

	// TOTP: pending, confirmed with recovery codes, steps once each.
	wantCode(t, "confirm with nothing pending", f.st.Users.ConfirmTOTP(f.ctx, f.lead, u.ID, nil), kith.ENOTFOUND)
	must(t, "pending TOTP", f.st.Users.SetPendingTOTP(f.ctx, u.ID, "sealed-key"))
	if rec, _ = f.st.Users.UserSignInRecord(f.ctx, "alpha", u.ID); rec.TOTPPending != "sealed-key" || rec.TOTPSecret != "" {
		t.Fatalf("pending TOTP: %+v", rec)
	}
	codes := [][]byte{bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)}
	must(t, "confirm TOTP", f.st.Users.ConfirmTOTP(f.ctx, f.lead, u.ID, codes))
	if rec, _ = f.st.Users.UserSignInRecord(f.ctx, "alpha", u.ID); rec.TOTPSecret != "sealed-key" || rec.TOTPPending != "" {
		t.Fatalf("confirmed TOTP: %+v", rec)
	}
	for _, tc := range []struct {
		step int64
		ok   bool
	}{{100, true}, {100, false}, {99, false}, {101, true}} {
		if ok, err := f.st.Users.UseTOTPStep(f.ctx, u.ID, tc.step); err != nil || ok != tc.ok {
			t.Fatalf("step %d: %v %v, want %v", tc.step, ok, err, tc.ok)
		}
	}
	if ok, err := f.st.Users.UseRecoveryCode(f.ctx, f.lead, u.ID, codes[0]); !ok || err != nil {
		t.Fatalf("a recovery code: %v %v", ok, err)
	}
	if ok, _ := f.st.Users.UseRecoveryCode(f.ctx, f.lead, u.ID, codes[0]); ok {
		t.Fatal("a recovery code worked twice")
	}
	if ok, _ := f.st.Users.UseRecoveryCode(f.ctx, f.lead, u.ID, bytes.Repeat([]byte{9}, 32)); ok {
		t.Fatal("an unknown recovery code worked")
	}
	wantCode(t, "another site's MFA reset", f.st.Users.ResetTOTP(f.ctx, f.other, u.ID), kith.ENOTFOUND)
	must(t, "reset MFA", f.st.Users.ResetTOTP(f.ctx, f.lead, u.ID))
	if rec, _ = f.st.Users.UserSignInRecord(f.ctx, "alpha", u.ID); rec.TOTPSecret != "" || rec.TOTPLastStep != 0 {
		t.Fatalf("after an MFA reset: %+v", rec)
	}
	if ok, _ := f.st.Users.UseRecoveryCode(f.ctx, f.lead, u.ID, codes[1]); ok {
		t.Fatal("a recovery code outlived an MFA reset")
	}
}

func testOIDC(t *testing.T, f *fixture) {
	_, err := f.st.OIDC.OIDCProvider(f.ctx, "alpha")
	wantCode(t, "no provider", err, kith.ENOTFOUND)
	wantCode(t, "a mapping without a provider", f.st.OIDC.SetRoleMapping(f.ctx, f.lead, map[string]kith.Role{"g": kith.RoleLead}), kith.ENOTFOUND)
	p := app.OIDCProvider{Issuer: "https://login.example/t1/v2.0", Tenant: "t1", ClientID: "kith", ClientSecret: "s", Claim: "groups"}
	must(t, "set provider", f.st.OIDC.SetOIDCProvider(f.ctx, f.cliAt("alpha"), p))
	wantCode(t, "the same issuer and tenant for another site", f.st.OIDC.SetOIDCProvider(f.ctx, f.cliAt("beta"), p), kith.ECONFLICT)
	must(t, "set mapping", f.st.OIDC.SetRoleMapping(f.ctx, f.lead, map[string]kith.Role{"grp-nav": kith.RoleNavigator}))
	got, err := f.st.OIDC.OIDCProvider(f.ctx, "alpha")
	if err != nil || got.Issuer != p.Issuer || got.Tenant != "t1" || got.ClientSecret != "s" || got.RoleMap["grp-nav"] != kith.RoleNavigator {
		t.Fatalf("provider: %+v %v", got, err)
	}
	p.ClientSecret = "s2"
	must(t, "replace provider", f.st.OIDC.SetOIDCProvider(f.ctx, f.cliAt("alpha"), p))
	if got, _ = f.st.OIDC.OIDCProvider(f.ctx, "alpha"); got.ClientSecret != "s2" || got.RoleMap["grp-nav"] != kith.RoleNavigator {
		t.Fatalf("replacing the provider lost the mapping: %+v", got)
	}
	if sites, err := f.st.OIDC.OIDCSites(f.ctx); err != nil || len(sites) != 1 || sites[0].ID != "alpha" || sites[0].Name == "" {
		t.Fatalf("sites with a provider: %+v %v", sites, err)
	}
	sys := kith.Actor{Site: "alpha", Kind: "system", ID: "oidc"}
	u, err := f.st.OIDC.UpsertOIDCUser(f.ctx, sys, p.Issuer, "sub-1", "nora@example.org", kith.RoleNavigator)
	if err != nil || u.ID == 0 || u.Role != kith.RoleNavigator || u.Site != "alpha" {
		t.Fatalf("first sign-in: %+v %v", u, err)
	}
	again, err := f.st.OIDC.UpsertOIDCUser(f.ctx, sys, p.Issuer, "sub-1", "nora@example.org", kith.RoleLead)
	if err != nil || again.ID != u.ID || again.Role != kith.RoleLead {
		t.Fatalf("a later sign-in with a new role: %+v %v", again, err)
	}
	if rec, _ := f.st.Users.SignInRecord(f.ctx, "nora@example.org"); rec.PasswordHash != "" {
		t.Fatalf("an SSO account has a password: %q", rec.PasswordHash)
	}
	// A local account of the site with the email is linked.
	local, err := f.st.Users.CreateUser(f.ctx, f.lead, "lee@example.org", kith.RoleVisitor, "hash")
	must(t, "local user", err)
	if linked, err := f.st.OIDC.UpsertOIDCUser(f.ctx, sys, p.Issuer, "sub-2", "lee@example.org", kith.RoleNavigator); err != nil || linked.ID != local.ID {
		t.Fatalf("linking a local account: %+v %v", linked, err)
	}
	// Another site's email is refused, and so is a disabled account.
	_, err = f.st.Users.CreateUser(f.ctx, f.other, "bea@example.org", kith.RoleLead, "hash")
	must(t, "beta user", err)
	_, err = f.st.OIDC.UpsertOIDCUser(f.ctx, sys, p.Issuer, "sub-3", "bea@example.org", kith.RoleNavigator)
	wantCode(t, "another site's email", err, kith.ECONFLICT)
	must(t, "disable", f.st.Users.DisableUser(f.ctx, f.lead, u.ID))
	_, err = f.st.OIDC.UpsertOIDCUser(f.ctx, sys, p.Issuer, "sub-1", "nora@example.org", kith.RoleNavigator)
	wantCode(t, "a disabled account", err, kith.EFORBIDDEN)
}
