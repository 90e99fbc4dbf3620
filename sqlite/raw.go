package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strconv"
	"time"
)

// RawInsertRate measures the durable SQLite write rate of a row like a
// stored screening (its JSON request and result) plus an audit row, one
// transaction each, under the service's own pragmas, in a new database in
// dir, concurrency writers at once. It is the ceiling the load tool
// compares the service with.
func RawInsertRate(ctx context.Context, dir string, n, concurrency int, request, result []byte) (float64, error) {
	db, err := sql.Open("sqlite", dsn(filepath.Join(dir, "raw.db"), false))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE rows (id TEXT PRIMARY KEY, site_id TEXT NOT NULL, created_at TEXT NOT NULL, request TEXT NOT NULL, result TEXT NOT NULL) STRICT;
		CREATE TABLE audit (id INTEGER PRIMARY KEY, site_id TEXT, at TEXT, actor TEXT, action TEXT, entity TEXT, entity_id TEXT) STRICT`); err != nil {
		return 0, fmt.Errorf("raw rate: %w", err)
	}
	start := time.Now()
	errs := make(chan error, concurrency)
	per := n / concurrency
	for w := 0; w < concurrency; w++ {
		go func(w int) {
			for i := 0; i < per; i++ {
				id := strconv.Itoa(w) + "-" + strconv.Itoa(i)
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					errs <- err
					return
				}
				now := fmtTime(time.Now())
				if _, err := tx.ExecContext(ctx, `INSERT INTO rows VALUES (?, 'raw', ?, ?, ?)`, id, now, string(request), string(result)); err != nil {
					tx.Rollback()
					errs <- err
					return
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO audit (site_id, at, actor, action, entity, entity_id) VALUES ('raw', ?, 'token:1', 'create', 'screening', ?)`, now, id); err != nil {
					tx.Rollback()
					errs <- err
					return
				}
				if err := tx.Commit(); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}(w)
	}
	for w := 0; w < concurrency; w++ {
		if err := <-errs; err != nil {
			return 0, fmt.Errorf("raw rate: %w", err)
		}
	}
	return float64(per*concurrency) / time.Since(start).Seconds(), nil
}
