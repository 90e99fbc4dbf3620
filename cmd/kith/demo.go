package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/internal/demodata"
	"github.com/kith-project/kith/password"
	"github.com/kith-project/kith/sqlite"
)

// The demo site and its sign-ins, documented in the README. They exist only
// when the service is started with --demo.
const (
	demoSite     = "demo"
	demoName     = "Demo Borough Council"
	demoPassword = "demo-password"
	// 0113 496 0xxx is an Ofcom range kept for drama: it rings no one.
	demoSafeguardingPhone = "0113 496 0123"
	// demoTOTPKey is the demo navigator's and lead's authenticator key,
	// published in the README like the password (their roles need a second
	// factor); add it to any authenticator app, or run
	// oathtool --totp -b KITHDEMOKITHDEMOKITHDEMOKITHDEMO.
	demoTOTPKey = "KITHDEMOKITHDEMOKITHDEMOKITHDEMO"
)

var demoUsers = []struct {
	email string
	role  kith.Role
}{
	{"visitor@demo.kith.example", kith.RoleVisitor},
	{"navigator@demo.kith.example", kith.RoleNavigator},
	{"officer@demo.kith.example", kith.RoleSafeguarding},
	{"lead@demo.kith.example", kith.RoleLead},
}

// seedDemo makes sure the demo site and sign-ins exist. It is idempotent.
func seedDemo(ctx context.Context, db *sqlite.DB, log *slog.Logger) error {
	a := kith.Actor{Site: demoSite, Kind: "system", ID: "demo-seed"}
	if _, err := db.Site(ctx, demoSite); kith.ErrorCode(err) == kith.ENOTFOUND {
		err := db.CreateSite(ctx, a, app.NewSite(demoSite, demoName, kith.SiteSettings{
			SafeguardingPhone: demoSafeguardingPhone, SafeguardingEmail: "safeguarding@demo.kith.example", Colour: "#1d70b8",
			NavigatorPhone: "0113 496 0456", NavigatorEmail: "navigators@demo.kith.example"}))
		if err != nil && kith.ErrorCode(err) != kith.ECONFLICT {
			return err
		}
	} else if err != nil {
		return err
	}
	for _, u := range demoUsers {
		if _, _, err := db.Credentials(ctx, u.email); err == nil {
			continue
		}
		hash, err := password.Hash(demoPassword)
		if err != nil {
			return err
		}
		if _, err := db.CreateUser(ctx, a, u.email, u.role, hash); err != nil && kith.ErrorCode(err) != kith.ECONFLICT {
			return err
		}
	}
	if err := enrolDemoUsers(ctx, db, a); err != nil {
		return err
	}
	if err := demodata.SeedDirectory(ctx, db, a, demoSite); err != nil {
		return err
	}
	log.Info("demo site ready: sign in at /sign-in as visitor@demo.kith.example, navigator@demo.kith.example " +
		"officer@demo.kith.example or lead@demo.kith.example with the password " + demoPassword + "; all but the visitor then give a code " +
		"from an authenticator app holding the key " + demoTOTPKey + " (see the README)")
	return nil
}

// enrolDemoUsers gives the demo sign-ins whose role needs a second factor
// the published demo key, unless they have one.
func enrolDemoUsers(ctx context.Context, db *sqlite.DB, a kith.Actor) error {
	application := app.New(db.Stores(), app.Options{Clock: func() time.Time { return db.Now() }})
	for _, u := range demoUsers {
		rec, err := db.SignInRecord(ctx, u.email)
		if err != nil {
			return err
		}
		if !app.MFARequired(u.role) || rec.TOTPSecret != "" {
			continue
		}
		if err := application.UseKnownKey(ctx, a, rec.User, demoTOTPKey); err != nil {
			return err
		}
	}
	return nil
}
