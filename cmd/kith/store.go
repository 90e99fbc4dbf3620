package main

import (
	"context"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/postgres"
	"github.com/kith-project/kith/sqlite"
)

// store is the database a command opened: SQLite (a file path, the
// default) or PostgreSQL (a postgres:// URL), as KITH_DB / --db says.
// Commands use it through the application's stores, so they work the same
// on both; what only SQLite does (backup, report rebuild, demo data) is
// refused on a URL by the command itself.
type store struct {
	app.Stores
	sqlite   *sqlite.DB   // when the database is a SQLite file
	postgres *postgres.DB // when it is a PostgreSQL URL
}

// openStore opens (migrating if need be) the database db names.
func openStore(ctx context.Context, db string) (*store, error) {
	if postgres.IsURL(db) {
		p, err := postgres.Open(ctx, db)
		if err != nil {
			return nil, err
		}
		return &store{Stores: p.Stores(), postgres: p}, nil
	}
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	return &store{Stores: s.Stores(), sqlite: s}, nil
}

// Close closes the database.
func (s *store) Close() error {
	if s.postgres != nil {
		return s.postgres.Close()
	}
	return s.sqlite.Close()
}

// SetClock sets the stores' clock.
func (s *store) SetClock(now func() time.Time) {
	if s.postgres != nil {
		s.postgres.Now = now
		return
	}
	s.sqlite.Now = now
}

// Now is the stores' clock.
func (s *store) Now() time.Time {
	if s.postgres != nil {
		return s.postgres.Now()
	}
	return s.sqlite.Now()
}

// The commands' calls, on either backend.

func (s *store) CreateSite(ctx context.Context, a kith.Actor, site app.SiteToCreate) error {
	return s.Sites.CreateSite(ctx, a, site)
}

func (s *store) Site(ctx context.Context, id string) (kith.Site, error) { return s.Sites.Site(ctx, id) }

func (s *store) CreateUser(ctx context.Context, a kith.Actor, email string, role kith.Role, hash string) (kith.User, error) {
	return s.Users.CreateUser(ctx, a, email, role, hash)
}

func (s *store) RevokeToken(ctx context.Context, a kith.Actor, id int64) error {
	return s.Tokens.RevokeToken(ctx, a, id)
}

func (s *store) ImportServices(ctx context.Context, a kith.Actor, svcs []assets.Service) (int, int, error) {
	return s.Directory.ImportServices(ctx, a, svcs)
}

// LoadPostcodes inserts or replaces postcode centroids.
func (s *store) LoadPostcodes(ctx context.Context, pcs []app.Postcode) error {
	if s.postgres != nil {
		return s.postgres.LoadPostcodes(ctx, pcs)
	}
	return s.sqlite.LoadPostcodes(ctx, pcs)
}

// CountSites returns how many sites exist.
func (s *store) CountSites(ctx context.Context) (int, error) {
	if s.postgres != nil {
		return s.postgres.CountSites(ctx)
	}
	return s.sqlite.CountSites(ctx)
}
