// Package postgres is Kith's PostgreSQL backend (issue 18): the same store
// interfaces as package sqlite (app/stores.go), for councils that run
// several instances of Kith on one database or must use a managed
// PostgreSQL. It needs PostgreSQL 15 or later with the standard contrib
// modules and nothing else.
//
// Work that two instances could race on is made safe by the database, not
// by reading before writing: unique constraints with INSERT ... ON
// CONFLICT, counters taken with UPDATE ... RETURNING, row locks, advisory
// locks for jobs and for migrations.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kith-project/kith"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is the service's PostgreSQL database: one pool shared by every store.
type DB struct {
	pool *pgxpool.Pool
	// Now is the clock; tests set it.
	Now func() time.Time
}

// IsURL reports whether a --db / KITH_DB value names a PostgreSQL
// database rather than a SQLite file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at url and applies any migrations not yet
// applied, under an advisory lock so that instances starting together
// migrate once.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// pgx's default pool (four connections on a small machine) is too
	// few once each running job holds one for its lock; pool_max_conns in
	// the URL still decides.
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = 16
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := &DB{pool: pool, Now: func() time.Time { return time.Now().UTC() }}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// migrationLock is the advisory lock key migrations are taken under
// (any fixed number; this one spells "kithmigr" in ASCII).
const migrationLock int64 = 0x6b6974686d696772

// migrate applies, in name order, each embedded migration not yet recorded
// in schema_migrations, all on one connection holding migrationLock.
func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("migrate: take lock: %w", err)
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock)
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name text PRIMARY KEY, applied_at timestamptz NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := migrationNames()
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := db.applyMigration(ctx, conn.Conn(), name); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

func migrationNames() ([]string, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	for i, n := range names {
		names[i] = strings.TrimPrefix(n, "migrations/")
	}
	sort.Strings(names)
	return names, nil
}

// applyMigration runs one migration and records it, in one transaction.
func (db *DB) applyMigration(ctx context.Context, conn *pgx.Conn, name string) error {
	body, err := migrationFS.ReadFile("migrations/" + name)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		var done bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)`, name).Scan(&done); err != nil || done {
			return err
		}
		// The simple protocol runs a file of several statements at once.
		if _, err := tx.Exec(ctx, string(body), pgx.QueryExecModeSimpleProtocol); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, name, db.now())
		return err
	})
}

// MigrationsApplied reports whether every embedded migration is recorded.
func (db *DB) MigrationsApplied(ctx context.Context) (bool, error) {
	names, err := migrationNames()
	if err != nil {
		return false, err
	}
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ANY($1)`, names).Scan(&n); err != nil {
		return false, fmt.Errorf("count migrations: %w", err)
	}
	return n == len(names), nil
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.pool.QueryRow(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// writeTx runs fn in a read-committed transaction and commits when fn
// returns nil.
func (db *DB) writeTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.pool, fn)
}

// readTx runs fn in a read-only repeatable-read transaction, so that a
// count and the page it goes with come from one snapshot.
func (db *DB) readTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// pgCode returns the SQLSTATE of a PostgreSQL error, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// isUnique reports a unique or primary key violation.
func isUnique(err error) bool { return pgCode(err) == "23505" }

// isForeignKey reports a foreign key violation.
func isForeignKey(err error) bool { return pgCode(err) == "23503" }

// errNotFound is returned when a row is missing in the caller's site.
func errNotFound(what string) error {
	return kith.Errorf(kith.ENOTFOUND, "%s not found.", what)
}

// noSite is the error for a write naming a site that does not exist.
func noSite(site string) error {
	return &kith.Error{Code: kith.EINVALID, Message: "No such site.",
		Fields: []kith.FieldError{{Field: "site", Message: fmt.Sprintf("no site with id %q", site)}}}
}
