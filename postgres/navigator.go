package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

// sqlWaitingWhere selects a site's screenings that no referral has been
// made from yet and that a navigator can act on: the person agreed to a
// referral, or their capacity to decide is in doubt and no best-interest
// decision against referring is recorded.
const sqlWaitingWhere = `sc.site_id = $1
	AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.site_id = sc.site_id AND r.screening_id = sc.id)
	AND (sc.result::jsonb #>> '{consent,refer}' = 'yes'
		OR (sc.request::jsonb #> '{s42,capacity_concern}' = 'true'::jsonb AND coalesce(b.decision, 'refer') = 'refer'))`

const sqlWaitingFrom = ` FROM screenings sc LEFT JOIN best_interest_decisions b ON b.site_id = sc.site_id AND b.screening_id = sc.id WHERE ` + sqlWaitingWhere

// WaitingScreenings lists the screenings waiting for a navigator, oldest
// first, and audits the listing.
func (db *DB) WaitingScreenings(ctx context.Context, a kith.Actor, p kith.Page) ([]app.WaitingScreening, int, error) {
	var out []app.WaitingScreening
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*)`+sqlWaitingFrom, a.Site).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT sc.id, sc.created_at, coalesce(sc.reference, ''), sc.action,
			coalesce(sc.request::jsonb #>> '{person,name}', ''), coalesce(sc.result::jsonb #>> '{consent,refer}', ''), coalesce(b.decision, '')`+
			sqlWaitingFrom+` ORDER BY sc.created_at, sc.id LIMIT $2 OFFSET $3`, a.Site, p.Size, p.Offset())
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.WaitingScreening, error) {
			var w app.WaitingScreening
			var refer, decision string
			err := r.Scan(&w.ID, &w.CreatedAt, &w.Reference, &w.Action, &w.PersonName, &refer, &decision)
			w.CreatedAt = w.CreatedAt.UTC()
			switch {
			case refer == "yes":
				w.Waiting = app.WaitingAgreed
			case decision == "refer":
				w.Waiting = app.WaitingBestInterestRefer
			default:
				w.Waiting = app.WaitingBestInterest
			}
			return w, err
		})
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("waiting screenings: %w", err)
	}
	return out, total, db.AuditRead(ctx, a, "screening_list", "waiting")
}

// BestInterest reads the best-interest decision recorded for a screening
// of a's site, if any, and audits the read.
func (db *DB) BestInterest(ctx context.Context, a kith.Actor, screeningID string) (app.BestInterest, bool, error) {
	var b app.BestInterest
	err := db.pool.QueryRow(ctx, `SELECT decision, doubt, steps_taken, consulted, advocate FROM best_interest_decisions
		WHERE site_id = $1 AND screening_id = $2`, a.Site, screeningID).Scan(&b.Decision, &b.Doubt, &b.StepsTaken, &b.Consulted, &b.Advocate)
	if errors.Is(err, pgx.ErrNoRows) {
		return b, false, nil
	}
	if err != nil {
		return b, false, fmt.Errorf("read best-interest decision: %w", err)
	}
	return b, true, db.AuditRead(ctx, a, "best_interest", screeningID)
}

// BestInterestDecision reads a screening's best-interest decision, nil
// when none was recorded, and audits the read.
func (db *DB) BestInterestDecision(ctx context.Context, a kith.Actor, screeningID string) (*app.BestInterestRecord, error) {
	var b app.BestInterestRecord
	err := db.pool.QueryRow(ctx, `SELECT decision, doubt, steps_taken, consulted, advocate, decided_at, decided_by
		FROM best_interest_decisions WHERE site_id = $1 AND screening_id = $2`, a.Site, screeningID).
		Scan(&b.Decision, &b.Doubt, &b.StepsTaken, &b.Consulted, &b.Advocate, &b.DecidedAt, &b.DecidedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read best-interest decision: %w", err)
	}
	b.DecidedAt = b.DecidedAt.UTC()
	if err := db.AuditRead(ctx, a, "best_interest", screeningID); err != nil {
		return nil, err
	}
	return &b, nil
}

// SetSharedWords stores what will be shared with the provider in place of
// the words the visitor wrote down: one upsert, whose SELECT finds the
// screening in the site (not found: nothing is written).
func (db *DB) SetSharedWords(ctx context.Context, a kith.Actor, screeningID, words string) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO shared_words (screening_id, site_id, words, edited_by, edited_at)
			SELECT id, site_id, $3, $4, $5 FROM screenings WHERE site_id = $1 AND id = $2
			ON CONFLICT (screening_id) DO UPDATE SET words = excluded.words, edited_by = excluded.edited_by, edited_at = excluded.edited_at`,
			a.Site, screeningID, words, a.Ref(), db.now())
		if err != nil {
			return fmt.Errorf("set shared words: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errNotFound("Screening")
		}
		return db.insertAudit(ctx, tx, a, "shared_words", "screening", screeningID)
	})
}

// SharedWords reads what the navigator set to share, if they set it.
func (db *DB) SharedWords(ctx context.Context, a kith.Actor, screeningID string) (string, bool, error) {
	var w string
	err := db.pool.QueryRow(ctx, `SELECT words FROM shared_words WHERE site_id = $1 AND screening_id = $2`, a.Site, screeningID).Scan(&w)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read shared words: %w", err)
	}
	return w, true, nil
}
