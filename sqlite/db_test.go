package sqlite

import (
	"context"
	"io/fs"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

func TestMigrationsFromEmpty(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kith.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := db.MigrationsApplied(ctx)
	if err != nil || !ok {
		t.Fatalf("MigrationsApplied = %v, %v", ok, err)
	}
	files, _ := fs.Glob(migrationFS, "migrations/*.sql")
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(files) {
		t.Fatalf("schema_migrations rows = %d, want %d (%v)", n, len(files), err)
	}
	db.Close()
	// Opening again applies nothing twice.
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(files) {
		t.Fatalf("after reopen: %d rows", n)
	}
	if res, err := db.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
}

// Every pooled connection must carry the pragmas, not just the first.
func TestPragmasOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "kith.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.read.Conn(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			var mode string
			var sync, fk, busy, qo int
			conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
			conn.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync)
			conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk)
			conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy)
			conn.QueryRowContext(ctx, `PRAGMA query_only`).Scan(&qo)
			if mode != "wal" || sync != 2 || fk != 1 || busy != 10000 || qo != 1 {
				t.Errorf("reader pragmas: journal_mode=%s synchronous=%d foreign_keys=%d busy_timeout=%d query_only=%d", mode, sync, fk, busy, qo)
			}
		}()
	}
	wg.Wait()
	var sync, fk int
	db.write.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync)
	db.write.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk)
	if sync != 2 || fk != 1 {
		t.Fatalf("writer pragmas: synchronous=%d foreign_keys=%d", sync, fk)
	}
}

// A change whose audit row cannot be written is rolled back with it.
func TestAuditFailureRollsBackTheChange(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "kith.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.ExecContext(ctx, `CREATE TRIGGER audit_fail BEFORE INSERT ON audit WHEN NEW.entity = 'site'
		BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END`); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSite(ctx, kith.Actor{Kind: "system", ID: "test"}, app.NewSite("x", "X", kith.SiteSettings{})); err == nil {
		t.Fatal("CreateSite succeeded although its audit row failed")
	}
	if _, err := db.Site(ctx, "x"); kith.ErrorCode(err) != kith.ENOTFOUND {
		t.Fatalf("site exists after its audit row failed: %v", err)
	}
}
