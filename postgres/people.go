package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
)

// SetDisplayName sets how a user of a's site is shown to colleagues.
func (db *DB) SetDisplayName(ctx context.Context, a kith.Actor, id int64, name string) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		return db.updateUser(ctx, tx, a, id, "rename", `UPDATE users SET display_name = $1 WHERE id = $2 AND site_id = $3`,
			strings.TrimSpace(name), id, a.Site)
	})
}

// People lists every user a site has had, disabled ones too (history and
// the audit trail still name them), by name without case.
func (db *DB) People(ctx context.Context, site string) ([]app.Person, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, email, display_name, role, disabled_at IS NOT NULL FROM users WHERE site_id = $1
		ORDER BY lower(CASE display_name WHEN '' THEN email ELSE display_name END), id`, site)
	if err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.Person, error) {
		var p app.Person
		var role string
		err := r.Scan(&p.User.ID, &p.User.Email, &p.User.DisplayName, &role, &p.Disabled)
		p.User.Site, p.User.Role = site, kith.Role(role)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	return out, nil
}

// OpenWork counts the open referrals of a's site assigned to assignee.
func (db *DB) OpenWork(ctx context.Context, a kith.Actor, assignee string) (int, error) {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM referrals WHERE site_id = $1 AND assignee = $2 AND state <> ALL($3)`,
		a.Site, assignee, finalStates()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count open work: %w", err)
	}
	return n, nil
}

// Reassign gives an open referral to another colleague, recording the
// change in its history (the state stays as it is) in the same
// transaction. The referral's row is locked while referral.CheckReassign
// looks at it, so a reassignment and a move on another instance happen
// one after the other.
func (db *DB) Reassign(ctx context.Context, a kith.Actor, id, assignee string) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		return db.reassign(ctx, tx, a, id, assignee)
	})
}

func (db *DB) reassign(ctx context.Context, tx pgx.Tx, a kith.Actor, id, assignee string) error {
	r, err := scanReferral(tx.QueryRow(ctx, sqlReferralColumns+` WHERE r.site_id = $1 AND r.id = $2 FOR UPDATE OF r`, a.Site, id))
	if err != nil {
		return err
	}
	if err := referral.CheckReassign(r, assignee); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE referrals SET assignee = $1, updated_at = $2 WHERE site_id = $3 AND id = $4`,
		assignee, db.now(), a.Site, id); err != nil {
		return fmt.Errorf("reassign referral: %w", err)
	}
	if err := db.insertHistory(ctx, tx, a, id, r.State, r.State, referral.ReassignReason(r.Assignee, assignee), ""); err != nil {
		return err
	}
	return db.insertAudit(ctx, tx, a, "reassign", "referral", id)
}

// ReassignOpenWork gives every open referral of a's site assigned to from
// to to, in one transaction, and says how many moved. The rows are locked
// as they are found, in id order (the order every multi-row lock takes).
func (db *DB) ReassignOpenWork(ctx context.Context, a kith.Actor, from, to string) (int, error) {
	var n int
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM referrals WHERE site_id = $1 AND assignee = $2 AND state <> ALL($3)
			ORDER BY id FOR UPDATE`, a.Site, from, finalStates())
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := db.reassign(ctx, tx, a, id, to); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}
