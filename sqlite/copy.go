package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Snapshot reads a whole database as it was at one moment, for `kith
// copy`: every read of one Snapshot sees the same commit (one read
// transaction on the WAL), however long the copy takes and whatever the
// service writes meanwhile.
type Snapshot struct {
	tx *sql.Tx
}

// ReadSnapshot runs fn on a consistent snapshot of the database.
func (db *DB) ReadSnapshot(ctx context.Context, fn func(*Snapshot) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin snapshot: %w", err)
	}
	defer tx.Rollback()
	// The snapshot starts at the first read, so read at once.
	if _, err := tx.ExecContext(ctx, `SELECT count(*) FROM sqlite_master`); err != nil {
		return fmt.Errorf("begin snapshot: %w", err)
	}
	return fn(&Snapshot{tx: tx})
}

// copySources are the tables whose rows are read with more than their own
// columns: a service location's site is its service's.
var copySources = map[string]string{
	"service_locations": `(SELECT l.*, s.site_id FROM service_locations l JOIN services s ON s.pk = l.service_pk)`,
}

// source is what a table's rows are read from.
func source(table string) string {
	if s, ok := copySources[table]; ok {
		return s
	}
	return `"` + table + `"`
}

// Columns names a table's columns (those copySources adds too); none
// when the table does not exist.
func (s *Snapshot) Columns(ctx context.Context, table string) ([]string, error) {
	var n int
	if err := s.tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&n); err != nil {
		return nil, fmt.Errorf("find table %s: %w", table, err)
	}
	if n == 0 {
		return nil, nil
	}
	rows, err := s.tx.QueryContext(ctx, `SELECT * FROM `+source(table)+` LIMIT 0`)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	return rows.Columns()
}

// Count is how many rows table has.
func (s *Snapshot) Count(ctx context.Context, table string) (int64, error) {
	var n int64
	if err := s.tx.QueryRowContext(ctx, `SELECT count(*) FROM `+source(table)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}

// Rows calls each with every row of table, its values in the order of
// cols (int64, float64, string, []byte or nil, as SQLite holds them).
func (s *Snapshot) Rows(ctx context.Context, table string, cols []string, each func([]any) error) error {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + c + `"`
	}
	rows, err := s.tx.QueryContext(ctx, `SELECT `+strings.Join(quoted, ", ")+` FROM `+source(table)+` AS t`)
	if err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		if err := each(vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	return nil
}
