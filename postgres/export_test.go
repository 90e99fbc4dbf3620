package postgres

import "context"

// TerminateLockHoldersForTest ends every other connection that holds an
// advisory lock, as if the instance holding it had died.
func (db *DB) TerminateLockHoldersForTest(ctx context.Context) error {
	_, err := db.pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND pid <> pg_backend_pid() AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
	return err
}

// SendBackoff is sendBackoff, for the tests.
var SendBackoff = sendBackoff
