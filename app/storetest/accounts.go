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

func testLock(t *testing.T, f *fixture) {
	release, ok, err := f.st.Lock.TryLock(f.ctx, "job:test", time.Minute)
	if err != nil || !ok {
		t.Fatalf("take a free lock: %v %v", ok, err)
	}
	release()
	release, ok, err = f.st.Lock.TryLock(f.ctx, "job:test", time.Minute)
	if err != nil || !ok {
		t.Fatalf("take a released lock: %v %v", ok, err)
	}
	release()
}

func testPostcodes(t *testing.T, f *fixture) {
	_, _, ok, err := f.st.Postcodes.LocatePostcode(f.ctx, "ZZ99 9ZZ")
	if err != nil || ok {
		t.Fatalf("an unknown postcode: ok %v, %v", ok, err)
	}
}
