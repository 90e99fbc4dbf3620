package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/kith-project/kith"
)

// insertAudit appends one audit row inside tx, so that a change and its
// audit row commit or fail together.
func (db *DB) insertAudit(ctx context.Context, tx *sql.Tx, a kith.Actor, action, entity, entityID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (site_id, at, actor, action, entity, entity_id, request_id, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		a.Site, fmtTime(db.now()), a.Ref(), action, entity, entityID, a.RequestID, a.IP)
	if err != nil {
		return fmt.Errorf("insert audit %s %s: %w", action, entity, err)
	}
	return nil
}

// AuditRead records that actor read a record holding personal data. Reads
// are audited after the read succeeds; if the audit row cannot be written
// the caller must not hand the data out.
//
// Reads are audited through the screenings' group commit when it runs, so
// reads (and submissions) that arrive together share one durable commit:
// one synced commit per read made sixteen navigators reading the
// worklist at once wait on each other's syncs (docs/benchmarks.md).
func (db *DB) AuditRead(ctx context.Context, a kith.Actor, entity, entityID string) error {
	if db.batch == nil && db.screenings != nil {
		return db.screenings.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
			return db.insertAudit(ctx, tx, a, "read", entity, entityID)
		})
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		return db.insertAudit(ctx, tx, a, "read", entity, entityID)
	})
}

// ListAudit returns the site's audit rows matching f, newest first, and the total.
func (db *DB) ListAudit(ctx context.Context, site string, f kith.AuditFilter) ([]kith.AuditEntry, int, error) {
	where := []string{"site_id = ?"}
	args := []any{site}
	if f.Entity != "" {
		where = append(where, "entity = ?")
		args = append(args, f.Entity)
	}
	if f.EntityID != "" {
		where = append(where, "entity_id = ?")
		args = append(args, f.EntityID)
	}
	if f.Actor != "" {
		where = append(where, "actor = ?")
		args = append(args, f.Actor)
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, fmtTime(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, fmtTime(f.To))
	}
	cond := strings.Join(where, " AND ")
	var out []kith.AuditEntry
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE `+cond, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, site_id, at, actor, action, entity, entity_id, request_id, ip
			FROM audit WHERE `+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`,
			append(args, f.Page.Size, f.Page.Offset())...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e kith.AuditEntry
			var at string
			if err := rows.Scan(&e.ID, &e.Site, &at, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.RequestID, &e.IP); err != nil {
				return err
			}
			if e.At, err = parseTime(at); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", err)
	}
	return out, total, nil
}

// TamperAuditForTest tries to rewrite an audit row; the triggers must refuse.
// It exists so a test can prove the trail is append-only.
func (db *DB) TamperAuditForTest(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `UPDATE audit SET actor = 'someone-else'`)
	return err
}
