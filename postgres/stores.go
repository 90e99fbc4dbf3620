package postgres

import "github.com/kith-project/kith/app"

// Stores is the database as the application's stores, shared by every
// instance on it: the job lock is PostgreSQL's (advisory locks).
func (db *DB) Stores() app.Stores {
	return app.Stores{
		Sites: db, Users: db, Tokens: db, Sessions: db, Secrets: db, Audit: db,
		Screenings: db, Postcodes: db, Referrals: db, Concerns: db, Directory: db,
		Pathways: db, Outbox: db, Reports: db, Exports: db, Health: db, OIDC: db, Reviews: db,
		Lock: db,
	}
}
