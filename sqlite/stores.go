package sqlite

import "github.com/kith-project/kith/app"

// Stores is the database as the application's stores. One SQLite file
// belongs to one service process (the CLI only adds sites, users and
// tokens), so the job lock is the local one.
func (db *DB) Stores() app.Stores {
	return app.Stores{
		Sites: db, Users: db, Tokens: db, Sessions: db, Secrets: db, Audit: db,
		Screenings: db, Postcodes: db, Referrals: db, Concerns: db, Directory: db,
		Pathways: db, Outbox: db, Reports: db, Exports: db, Health: db, OIDC: db, Reviews: db,
		Lock: app.LocalLock{},
	}
}
