package postgres

import "context"

// TamperAuditForTest tries to rewrite an audit row; the trigger must refuse.
// It exists so a test can prove the trail is append-only, as package
// sqlite's twin does.
func (db *DB) TamperAuditForTest(ctx context.Context) error {
	_, err := db.pool.Exec(ctx, `UPDATE audit SET actor = 'someone-else'`)
	return err
}
