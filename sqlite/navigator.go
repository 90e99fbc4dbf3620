package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

// waitingWhere selects a site's screenings awaiting a navigator (stored
// with the screening as the application decided, NewScreening.Waiting, and
// cleared when a referral is made from it) but for those where a
// best-interest decision not to refer is recorded. It reads the
// screenings_awaiting index, no JSON.
const waitingWhere = `sc.site_id = ? AND sc.awaiting = 1 AND (sc.refer_agreed = 1 OR coalesce(b.decision, 'refer') = 'refer')`

// WaitingScreenings lists the screenings waiting for a navigator, oldest
// first, and audits the listing.
func (db *DB) WaitingScreenings(ctx context.Context, a kith.Actor, p kith.Page) ([]app.WaitingScreening, int, error) {
	var out []app.WaitingScreening
	var total int
	err := db.readTx(ctx, func(sqlTx *sql.Tx) error {
		tx := tracedTx{sqlTx, db.onQuery}
		from := ` FROM screenings sc LEFT JOIN best_interest_decisions b ON b.site_id = sc.site_id AND b.screening_id = sc.id WHERE ` + waitingWhere
		if err := tx.QueryRowContext(ctx, `SELECT count(*)`+from, a.Site).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT sc.id, sc.created_at, coalesce(sc.reference, ''), sc.action,
			coalesce(json_extract(sc.request, '$.person.name'), ''), sc.refer_agreed, coalesce(b.decision, '')`+
			from+` ORDER BY sc.created_at, sc.id LIMIT ? OFFSET ?`, a.Site, p.Size, p.Offset())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var w app.WaitingScreening
			var created, decision string
			var agreed bool
			if err := rows.Scan(&w.ID, &created, &w.Reference, &w.Action, &w.PersonName, &agreed, &decision); err != nil {
				return err
			}
			if w.CreatedAt, err = parseTime(created); err != nil {
				return err
			}
			switch {
			case agreed:
				w.Waiting = app.WaitingAgreed
			case decision == "refer":
				w.Waiting = app.WaitingBestInterestRefer
			default:
				w.Waiting = app.WaitingBestInterest
			}
			out = append(out, w)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("waiting screenings: %w", err)
	}
	return out, total, db.AuditRead(ctx, a, "screening_list", "waiting")
}

// BestInterest reads the best-interest decision recorded for a screening
// of a's site, if any.
func (db *DB) BestInterest(ctx context.Context, a kith.Actor, screeningID string) (app.BestInterest, bool, error) {
	var b app.BestInterest
	err := db.read.QueryRowContext(ctx, `SELECT decision, doubt, steps_taken, consulted, advocate FROM best_interest_decisions
		WHERE site_id = ? AND screening_id = ?`, a.Site, screeningID).Scan(&b.Decision, &b.Doubt, &b.StepsTaken, &b.Consulted, &b.Advocate)
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	if err != nil {
		return b, false, fmt.Errorf("read best-interest decision: %w", err)
	}
	return b, true, db.AuditRead(ctx, a, "best_interest", screeningID)
}

// screeningInSite is nil when the site has the screening, else not found.
func screeningInSite(ctx context.Context, tx *sql.Tx, site, screeningID string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM screenings WHERE site_id = ? AND id = ?`, site, screeningID).Scan(&n); err != nil {
		return fmt.Errorf("find screening: %w", err)
	}
	if n == 0 {
		return errNotFound("Screening")
	}
	return nil
}

// SetSharedWords stores what will be shared with the provider in place of
// the words the visitor wrote down.
func (db *DB) SetSharedWords(ctx context.Context, a kith.Actor, screeningID, words string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := screeningInSite(ctx, tx, a.Site, screeningID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO shared_words (screening_id, site_id, words, edited_by, edited_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (screening_id) DO UPDATE SET words = excluded.words, edited_by = excluded.edited_by, edited_at = excluded.edited_at`,
			screeningID, a.Site, words, a.Ref(), fmtTime(db.now())); err != nil {
			return fmt.Errorf("set shared words: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "shared_words", "screening", screeningID)
	})
}

// SharedWords reads what the navigator set to share, if they set it.
func (db *DB) SharedWords(ctx context.Context, a kith.Actor, screeningID string) (string, bool, error) {
	var w string
	err := db.read.QueryRowContext(ctx, `SELECT words FROM shared_words WHERE site_id = ? AND screening_id = ?`, a.Site, screeningID).Scan(&w)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read shared words: %w", err)
	}
	return w, true, nil
}
