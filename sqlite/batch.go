package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/kith-project/kith"
)

// Batch runs fn with every write it makes (through the store's usual
// methods) joined into one transaction, committed when fn returns nil.
// Each write still rolls back alone on error (a savepoint). It is for
// generating demo data in bulk on a database opened with OpenBulk and used
// by one goroutine: reads through the reader pool do not see the batch
// until it commits, and nothing else may write meanwhile.
func (db *DB) Batch(ctx context.Context, fn func() error) error {
	if db.batch != nil {
		return fmt.Errorf("batch: already in a batch")
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin batch: %w", err)
	}
	db.batch = tx
	err = fn()
	db.batch = nil
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit batch: %w", err)
	}
	return nil
}

// inSavepoint runs fn inside tx under a savepoint, undoing only fn's
// writes when it fails.
func inSavepoint(ctx context.Context, tx *sql.Tx, fn func(tx *sql.Tx) error) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT write`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(tx); err != nil {
		_, rerr := tx.ExecContext(ctx, `ROLLBACK TO write`)
		_, xerr := tx.ExecContext(ctx, `RELEASE write`)
		return errors.Join(err, rerr, xerr)
	}
	if _, err := tx.ExecContext(ctx, `RELEASE write`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// ScreeningConcernID returns the id of the concern a screening raised,
// read inside the write transaction (so a batch sees its own), or not
// found. It writes no audit row: it is for generating demo data.
func (db *DB) ScreeningConcernID(ctx context.Context, a kith.Actor, screeningID string) (string, error) {
	var id string
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM concerns WHERE site_id = ? AND screening_id = ?`, a.Site, screeningID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound("Concern")
		}
		return err
	})
	return id, err
}
