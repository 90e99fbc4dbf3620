package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

func (db *DB) insertOutbox(ctx context.Context, tx *sql.Tx, site string, m app.Message) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (site_id, created_at, kind, to_address, subject, body, referral_id, concern_id, until_sent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		site, fmtTime(db.now()), m.Kind, m.To, m.Subject, m.Body, nullString(m.ReferralID), nullString(m.ConcernID), boolInt(m.UntilSent))
	if err != nil {
		return fmt.Errorf("queue message: %w", err)
	}
	return nil
}

// ClaimMessages hands the outbox job what waits to be sent: on SQLite the
// job lease (locks.go) lets one process at a time send from the file, so a
// claim is the listing.
func (db *DB) ClaimMessages(ctx context.Context, limit, maxAttempts int) ([]app.Message, error) {
	return db.PendingMessages(ctx, "", limit, maxAttempts)
}

// PendingMessages returns up to limit unsent messages of site (every site
// when empty), fewest attempts first and then oldest, leaving out those
// tried maxAttempts times or more unless they are to be tried until sent
// (none left out when 0).
func (db *DB) PendingMessages(ctx context.Context, site string, limit, maxAttempts int) ([]app.Message, error) {
	q := `SELECT id, site_id, created_at, kind, to_address, subject, body, coalesce(referral_id, ''), coalesce(concern_id, ''), until_sent, attempts
		FROM outbox WHERE sent_at IS NULL`
	args := []any{}
	if site != "" {
		q += ` AND site_id = ?`
		args = append(args, site)
	}
	if maxAttempts > 0 {
		q += ` AND (attempts < ? OR until_sent = 1)`
		args = append(args, maxAttempts)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY attempts, id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("pending messages: %w", err)
	}
	defer rows.Close()
	var out []app.Message
	for rows.Next() {
		var m app.Message
		var created string
		var untilSent int
		if err := rows.Scan(&m.ID, &m.Site, &created, &m.Kind, &m.To, &m.Subject, &m.Body, &m.ReferralID, &m.ConcernID, &untilSent, &m.Attempts); err != nil {
			return nil, err
		}
		m.UntilSent = untilSent == 1
		m.CreatedAt, _ = parseTime(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkSent records a message as sent, or a failed attempt with its error.
func (db *DB) MarkSent(ctx context.Context, id int64, sendErr error) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		var err error
		if sendErr == nil {
			_, err = tx.ExecContext(ctx, `UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?`, fmtTime(db.now()), id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?`, sendErr.Error(), id)
		}
		return err
	})
}

// RecordBestInterest stores a best-interest decision about a referral.
func (db *DB) RecordBestInterest(ctx context.Context, a kith.Actor, screeningID string, b app.BestInterest) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, _, err := loadScreening(ctx, tx, a.Site, screeningID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO best_interest_decisions (screening_id, site_id, decided_at, decided_by, decision, steps_taken, advocate, doubt, consulted)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (screening_id) DO UPDATE SET decided_at = excluded.decided_at, decided_by = excluded.decided_by,
			decision = excluded.decision, steps_taken = excluded.steps_taken, advocate = excluded.advocate, doubt = excluded.doubt, consulted = excluded.consulted`,
			screeningID, a.Site, fmtTime(db.now()), a.Ref(), b.Decision, b.StepsTaken, b.Advocate, b.Doubt, b.Consulted); err != nil {
			return fmt.Errorf("record best-interest decision: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "best_interest", "screening", screeningID)
	})
}

// BestInterestRefers reports whether a navigator recorded a best-interest
// decision to refer for a screening.
func (db *DB) BestInterestRefers(ctx context.Context, site, screeningID string) (bool, error) {
	var d string
	err := db.read.QueryRowContext(ctx, `SELECT decision FROM best_interest_decisions WHERE site_id = ? AND screening_id = ?`, site, screeningID).Scan(&d)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return d == "refer", err
}

// BestInterestDecision reads a screening's best-interest decision, nil
// when none was recorded, and audits the read.
func (db *DB) BestInterestDecision(ctx context.Context, a kith.Actor, screeningID string) (*app.BestInterestRecord, error) {
	var b app.BestInterestRecord
	var at string
	err := db.read.QueryRowContext(ctx, `SELECT decision, doubt, steps_taken, consulted, advocate, decided_at, decided_by
		FROM best_interest_decisions WHERE site_id = ? AND screening_id = ?`, a.Site, screeningID).
		Scan(&b.Decision, &b.Doubt, &b.StepsTaken, &b.Consulted, &b.Advocate, &at, &b.DecidedBy)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read best-interest decision: %w", err)
	}
	if b.DecidedAt, err = parseTime(at); err != nil {
		return nil, err
	}
	if err := db.AuditRead(ctx, a, "best_interest", screeningID); err != nil {
		return nil, err
	}
	return &b, nil
}

func bestInterestRefer(ctx context.Context, tx *sql.Tx, site, screeningID string) (bool, error) {
	var d string
	err := tx.QueryRowContext(ctx, `SELECT decision FROM best_interest_decisions WHERE site_id = ? AND screening_id = ?`, site, screeningID).Scan(&d)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return d == "refer", err
}
