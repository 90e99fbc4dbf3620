package sqlite

import "github.com/kith-project/kith/app"

// Stores is the database as the application's stores. The job lock is a
// lease in the database (locks.go), so two service processes on one file
// never run the same job at once.
func (db *DB) Stores() app.Stores {
	return app.Stores{
		Sites: db, Users: db, Tokens: db, Sessions: db, Secrets: db, Audit: db,
		Screenings: db, Postcodes: db, Referrals: db, Concerns: db, Directory: db,
		Pathways: db, Outbox: db, Reports: db, Exports: db, Health: db, OIDC: db, Reviews: db,
		Lock: db,
	}
}
