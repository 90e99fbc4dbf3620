package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
)

// SetDisplayName sets how a user of a's site is shown to colleagues.
func (db *DB) SetDisplayName(ctx context.Context, a kith.Actor, id int64, name string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ? WHERE id = ? AND site_id = ?`, strings.TrimSpace(name), id, a.Site)
		if err != nil {
			return fmt.Errorf("set display name: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound("User")
		}
		return db.insertAudit(ctx, tx, a, "rename", "user", strconv.FormatInt(id, 10))
	})
}

// People lists every user a site has had, disabled ones too (history and
// the audit trail still name them), by name.
func (db *DB) People(ctx context.Context, site string) ([]app.Person, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, email, display_name, role, disabled_at IS NOT NULL FROM users WHERE site_id = ?
		ORDER BY CASE display_name WHEN '' THEN email ELSE display_name END COLLATE NOCASE, id`, site)
	if err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	defer rows.Close()
	var out []app.Person
	for rows.Next() {
		var p app.Person
		var role string
		if err := rows.Scan(&p.User.ID, &p.User.Email, &p.User.DisplayName, &role, &p.Disabled); err != nil {
			return nil, err
		}
		p.User.Site, p.User.Role = site, kith.Role(role)
		out = append(out, p)
	}
	return out, rows.Err()
}

// OpenWork counts the open referrals of a's site assigned to assignee.
func (db *DB) OpenWork(ctx context.Context, a kith.Actor, assignee string) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM referrals WHERE site_id = ? AND assignee = ? AND state NOT IN `+"("+finalStates()+")",
		a.Site, assignee).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count open work: %w", err)
	}
	return n, nil
}

// Reassign gives an open referral to another colleague, recording the
// change in its history (the state stays as it is) in the same
// transaction.
func (db *DB) Reassign(ctx context.Context, a kith.Actor, id, assignee string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		return db.reassign(ctx, tx, a, id, assignee)
	})
}

func (db *DB) reassign(ctx context.Context, tx *sql.Tx, a kith.Actor, id, assignee string) error {
	r, err := scanReferral(tx.QueryRowContext(ctx, referralColumns+` WHERE r.site_id = ? AND r.id = ?`, a.Site, id))
	if err != nil {
		return err
	}
	if err := referral.CheckReassign(r, assignee); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE referrals SET assignee = ?, updated_at = ? WHERE site_id = ? AND id = ?`,
		assignee, fmtTime(db.now()), a.Site, id); err != nil {
		return fmt.Errorf("reassign referral: %w", err)
	}
	if err := db.insertHistory(ctx, tx, a, id, r.State, r.State, referral.ReassignReason(r.Assignee, assignee), ""); err != nil {
		return err
	}
	return db.insertAudit(ctx, tx, a, "reassign", "referral", id)
}

// ReassignOpenWork gives every open referral of a's site assigned to from
// to to, in one transaction, and says how many moved.
func (db *DB) ReassignOpenWork(ctx context.Context, a kith.Actor, from, to string) (int, error) {
	var n int
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM referrals WHERE site_id = ? AND assignee = ? AND state NOT IN `+"("+finalStates()+")", a.Site, from)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
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
