// Package sqlite is Kith's storage: the connection pools, the embedded
// migrations, and one file of queries per domain. Every line of SQL in the
// service lives here, and every query that touches a site's data is scoped
// by site_id. SQLite-only features (pragmas, VACUUM INTO, FTS5, R*Tree) are
// kept in clearly named places so a PostgreSQL store can follow.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kith-project/kith"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// timeFormat is fixed-width so that stored times sort as text.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// DB is the service's database: one writer connection, so write transactions
// queue in Go rather than fail on SQLITE_BUSY, beside a pool of readers that
// WAL lets run alongside the writer.
type DB struct {
	Path  string
	write *sql.DB
	read  *sql.DB
	// Now is the clock; tests set it.
	Now func() time.Time
	// services caches decoded directory services for recommendations.
	services serviceCache
	// batch, while Batch runs, is the one write transaction every write
	// joins (demo data generation only).
	batch *sql.Tx
	// directories holds each site's directory, decoded, for ranking.
	directories directoryCache
	// stmts holds prepared statements of the hot paths, by pool and text.
	stmts stmtCache
	// screenings batches screening submissions into shared commits.
	screenings *groupCommit
	// onQuery, when a test sets it, is told each query the list pages run
	// (see tracedTx), so the test can check their plans.
	onQuery func(query string, args []any)
}

// tracedTx runs a read transaction's queries, telling onQuery each one.
type tracedTx struct {
	tx      *sql.Tx
	onQuery func(query string, args []any)
}

func (t tracedTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if t.onQuery != nil {
		t.onQuery(q, args)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

func (t tracedTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if t.onQuery != nil {
		t.onQuery(q, args)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

// dsn builds a connection string whose pragmas every pooled connection gets.
//
// synchronous=FULL: in WAL mode NORMAL may lose the last transactions on
// power loss (the WAL is not synced at each commit), and an acknowledged
// screening must survive a crash. FULL syncs the WAL on every commit.
// busy_timeout lets the CLI and the service share the file: a writer waits
// for the lock instead of failing. _txlock=immediate makes BeginTx take the
// write lock up front, so a transaction never fails half way on upgrade.
func dsn(path string, readOnly bool) string { return dsnSync(path, readOnly, "FULL") }

func dsnSync(path string, readOnly bool, sync string) string {
	bulk := sync == "OFF"
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	// Deleted and overwritten content is zeroed, so text retention removes
	// does not stay readable in free pages of the file.
	q.Add("_pragma", "secure_delete(1)")
	q.Add("_pragma", "synchronous("+sync+")")
	if bulk {
		q.Add("_pragma", "cache_size(-262144)")
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
		// The writer keeps temporary files in memory: above all the
		// savepoint journal of a shared screening commit (see groupCommit)
		// or of demo generation's batch, a few pages per write, emptied at
		// each release, which would otherwise go to a temporary file.
		q.Add("_pragma", "temp_store(MEMORY)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if need be) the database at path and applies any
// migrations not yet applied.
func Open(ctx context.Context, path string) (*DB, error) { return open(ctx, path, "FULL") }

// OpenBulk opens the database for generating demo data only: commits are
// not synced (synchronous=OFF), so a crash may lose what it wrote. Never
// used by the service.
func OpenBulk(ctx context.Context, path string) (*DB, error) { return open(ctx, path, "OFF") }

func open(ctx context.Context, path, sync string) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("open database: no path given")
	}
	if strings.HasPrefix(path, "postgres://") || strings.HasPrefix(path, "postgresql://") {
		// Not a file name: a command that runs on SQLite only was given
		// a PostgreSQL URL.
		return nil, fmt.Errorf("open database: %q is a PostgreSQL URL; this needs a SQLite database file", redactURL(path))
	}
	if strings.Contains(path, "?") {
		return nil, fmt.Errorf("open database: path %q must not contain '?'", path)
	}
	w, err := sql.Open(cachingDriverName, dsnSync(path, false, sync))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	db := &DB{Path: path, write: w, read: r, Now: func() time.Time { return time.Now().UTC() }}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.prepareWrites(ctx); err != nil {
		db.Close()
		return nil, err
	}
	db.screenings = newGroupCommit(db)
	return db, nil
}

// redactURL drops any password from a database URL before it is shown.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "a URL that does not parse"
	}
	return u.Redacted()
}

// Close stops the screening writer (after the batch in hand is committed)
// and closes both pools. The writer is closed last so that the final
// checkpoint folds the WAL back into the main file.
func (db *DB) Close() error {
	if db.screenings != nil {
		db.screenings.stop()
	}
	db.stmts.close()
	err1 := db.read.Close()
	err2 := db.write.Close()
	return errors.Join(err1, err2)
}

// stmtCache keeps prepared statements for the queries every submission
// runs. modernc.org/sqlite parses a statement afresh for each query (the
// writer's connection keeps its Execs prepared: see stmtcache.go), and
// parsing was a tenth of a submission's CPU; a *sql.Stmt is prepared once
// on each pooled connection and then reused.
//
// The writer's queries are prepared when the database opens, while its one
// connection is free (preparing later would wait for the connection a
// transaction holds); a transaction then uses them through Tx.StmtContext.
type stmtCache struct {
	mu    sync.Mutex
	read  map[string]*sql.Stmt
	write map[string]*sql.Stmt // fixed after open
}

// hotQueries are the writer's queries prepared at open: those a
// screening's submission runs.
var hotQueries = []string{sqlFindIdempotencyKey, sqlScreeningByID, sqlNextCounter}

func (db *DB) prepareWrites(ctx context.Context) error {
	db.stmts.write = map[string]*sql.Stmt{}
	for _, q := range hotQueries {
		st, err := db.write.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		db.stmts.write[q] = st
	}
	return nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range []map[string]*sql.Stmt{c.read, c.write} {
		for _, st := range m {
			st.Close()
		}
	}
	c.read, c.write = nil, nil
}

// readStmt returns q prepared on the reader pool.
func (db *DB) readStmt(ctx context.Context, q string) (*sql.Stmt, error) {
	c := &db.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.read[q]; ok {
		return st, nil
	}
	st, err := db.read.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if c.read == nil {
		c.read = map[string]*sql.Stmt{}
	}
	c.read[q] = st
	return st, nil
}

// readRow runs a one-row query through a prepared statement on the readers.
func (db *DB) readRow(ctx context.Context, q string, args ...any) rowScanner {
	st, err := db.readStmt(ctx, q)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// txRow runs a one-row query in tx, through the writer's prepared
// statement when q is one of hotQueries.
func (db *DB) txRow(ctx context.Context, tx *sql.Tx, q string, args ...any) rowScanner {
	if st, ok := db.stmts.write[q]; ok {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

// errRow is a row that could not be queried.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

func (db *DB) now() time.Time { return db.Now().UTC() }

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeFormat, s) }

func parseNullTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// writeTx runs fn in a write transaction (the lock taken up front) and
// commits when fn returns nil.
func (db *DB) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if db.batch != nil {
		return inSavepoint(ctx, db.batch, fn)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// readTx runs fn in a read transaction on the reader pool, so that it sees
// one consistent snapshot.
func (db *DB) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// isUnique reports whether err is a UNIQUE or PRIMARY KEY constraint violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isForeignKey reports whether err is a FOREIGN KEY constraint violation.
func isForeignKey(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// migrate applies, in name order, each embedded migration not yet recorded
// in schema_migrations, one transaction each.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY,
		applied_at TEXT NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		base := strings.TrimPrefix(name, "migrations/")
		err = db.writeTx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, base).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, base, fmtTime(db.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", base, err)
		}
	}
	return nil
}

// MigrationsApplied reports whether every embedded migration is recorded.
func (db *DB) MigrationsApplied(ctx context.Context) (bool, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return false, err
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		return false, fmt.Errorf("count migrations: %w", err)
	}
	return n >= len(names), nil
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Backup writes a consistent copy of the database to out with VACUUM INTO,
// which reads one snapshot and so is safe while the service is writing.
// out must not exist yet.
//
// It runs on a connection of its own: the readers are query_only, which
// SQLite applies to VACUUM INTO too, and the writer must stay free for
// the service while the copy is made (VACUUM INTO only reads this file).
func (db *DB) Backup(ctx context.Context, out string) error {
	conn, err := sql.Open("sqlite", dsn(db.Path, false))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	// Write beside the target and rename, so a failed backup never leaves
	// a file that looks like a good one.
	partial := out + ".partial"
	_ = os.Remove(partial)
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, partial); err != nil {
		_ = os.Remove(partial)
		return fmt.Errorf("backup to %s: %w", out, err)
	}
	if err := os.Rename(partial, out); err != nil {
		return fmt.Errorf("backup to %s: %w", out, err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns its verdict ("ok" when sound).
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	if err := db.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return "", fmt.Errorf("integrity check: %w", err)
	}
	return res, nil
}

// errNotFound is returned by helpers when a row is missing in the caller's site.
func errNotFound(what string) error {
	return kith.Errorf(kith.ENOTFOUND, "%s not found.", what)
}
