package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

const sqlReviewColumns = `SELECT r.screening_id, r.fields, r.marked_at, s.created_at, coalesce(s.request::jsonb #>> '{person,name}', ''),
	r.checked_at, coalesce(r.checked_by, ''), coalesce(r.outcome, '')
	FROM screening_reviews r JOIN screenings s ON s.id = r.screening_id AND s.site_id = r.site_id`

func scanReview(row pgx.Row) (app.ScreeningReview, error) {
	var r app.ScreeningReview
	var fields string
	if err := row.Scan(&r.ScreeningID, &fields, &r.MarkedAt, &r.ScreenedAt, &r.PersonName, &r.CheckedAt, &r.CheckedBy, &r.Outcome); err != nil {
		return r, err
	}
	r.Fields = strings.Fields(fields)
	r.MarkedAt, r.ScreenedAt = r.MarkedAt.UTC(), r.ScreenedAt.UTC()
	if r.CheckedAt != nil {
		c := r.CheckedAt.UTC()
		r.CheckedAt = &c
	}
	return r, nil
}

// ScreeningReviews lists a site's screenings still to check, oldest first.
func (db *DB) ScreeningReviews(ctx context.Context, a kith.Actor) ([]app.ScreeningReview, error) {
	rows, err := db.pool.Query(ctx, sqlReviewColumns+` WHERE r.site_id = $1 AND r.checked_at IS NULL
		ORDER BY r.marked_at, s.created_at LIMIT 500`, a.Site)
	if err != nil {
		return nil, fmt.Errorf("list screening reviews: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.ScreeningReview, error) { return scanReview(r) })
	if err != nil {
		return nil, fmt.Errorf("list screening reviews: %w", err)
	}
	return out, db.AuditRead(ctx, a, "screening_review", "to_check")
}

// ScreeningReview reads one screening's review, if it was marked.
func (db *DB) ScreeningReview(ctx context.Context, a kith.Actor, screeningID string) (app.ScreeningReview, bool, error) {
	r, err := scanReview(db.pool.QueryRow(ctx, sqlReviewColumns+` WHERE r.site_id = $1 AND r.screening_id = $2`, a.Site, screeningID))
	if errors.Is(err, pgx.ErrNoRows) {
		return app.ScreeningReview{}, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("read screening review: %w", err)
	}
	return r, true, nil
}

// MarkScreeningForReview marks a screening of the actor's site to check,
// once: a second mark changes nothing and is not audited.
func (db *DB) MarkScreeningForReview(ctx context.Context, a kith.Actor, screeningID string, fields []string) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM screenings WHERE site_id = $1 AND id = $2)`, a.Site, screeningID).Scan(&exists); err != nil {
			return fmt.Errorf("find screening: %w", err)
		}
		if !exists {
			return kith.Errorf(kith.ENOTFOUND, "Screening not found.")
		}
		tag, err := tx.Exec(ctx, `INSERT INTO screening_reviews (site_id, screening_id, fields, marked_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (site_id, screening_id) DO NOTHING`, a.Site, screeningID, strings.Join(fields, " "), db.now())
		if err != nil {
			return fmt.Errorf("mark screening for review: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		return db.insertAudit(ctx, tx, a, "mark_for_review", "screening", screeningID)
	})
}

// CheckScreeningReview records what a navigator found, once: the update's
// condition is the compare-and-set, so two checks at once record one.
func (db *DB) CheckScreeningReview(ctx context.Context, a kith.Actor, screeningID, outcome string) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE screening_reviews SET checked_at = $3, checked_by = $4, outcome = $5
			WHERE site_id = $1 AND screening_id = $2 AND checked_at IS NULL`, a.Site, screeningID, db.now(), a.Ref(), outcome)
		if err != nil {
			return fmt.Errorf("check screening review: %w", err)
		}
		if tag.RowsAffected() == 0 {
			var marked bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM screening_reviews WHERE site_id = $1 AND screening_id = $2)`,
				a.Site, screeningID).Scan(&marked); err != nil {
				return fmt.Errorf("find screening review: %w", err)
			}
			if !marked {
				return kith.Errorf(kith.ENOTFOUND, "This screening is not marked to check.")
			}
			return kith.Errorf(kith.ECONFLICT, "This screening has already been checked.")
		}
		return db.insertAudit(ctx, tx, a, "check_review", "screening", screeningID)
	})
}
