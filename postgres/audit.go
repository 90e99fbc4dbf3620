package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
)

// AuditRead records that actor read a record holding personal data.
func (db *DB) AuditRead(ctx context.Context, a kith.Actor, entity, entityID string) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		return db.insertAudit(ctx, tx, a, "read", entity, entityID)
	})
}

// where builds a WHERE clause from conditions written with ? for their one
// argument each, numbering the placeholders $1, $2, ... in order.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1))
}

func (w *where) String() string { return strings.Join(w.conds, " AND ") }

// next is the placeholder of the next argument appended after the clause's.
func (w *where) next(i int) string { return "$" + strconv.Itoa(len(w.args)+i) }

// ListAudit returns the site's audit rows matching f, newest first, and the total.
func (db *DB) ListAudit(ctx context.Context, site string, f kith.AuditFilter) ([]kith.AuditEntry, int, error) {
	w := &where{}
	w.add("site_id = ?", site)
	if f.Entity != "" {
		w.add("entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		w.add("entity_id = ?", f.EntityID)
	}
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if !f.From.IsZero() {
		w.add("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		w.add("at < ?", f.To.UTC())
	}
	var out []kith.AuditEntry
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM audit WHERE `+w.String(), w.args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, site_id, at, actor, action, entity, entity_id, request_id, ip
			FROM audit WHERE `+w.String()+` ORDER BY id DESC LIMIT `+w.next(1)+` OFFSET `+w.next(2),
			append(w.args, f.Page.Size, f.Page.Offset())...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (kith.AuditEntry, error) {
			var e kith.AuditEntry
			err := r.Scan(&e.ID, &e.Site, &e.At, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.RequestID, &e.IP)
			e.At = e.At.UTC()
			return e, err
		})
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", err)
	}
	return out, total, nil
}
