package main

import (
	"context"
	"log/slog"

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
	if err := demodata.SeedDirectory(ctx, db, a, demoSite); err != nil {
		return err
	}
	log.Info("demo site ready: sign in at /sign-in as visitor@demo.kith.example, navigator@demo.kith.example " +
		"or lead@demo.kith.example with the password " + demoPassword)
	return nil
}
