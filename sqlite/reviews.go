package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

const sqlReviewColumns = `r.screening_id, r.fields, r.marked_at, s.created_at, coalesce(json_extract(s.request, '$.person.name'), ''),
	r.checked_at, coalesce(r.checked_by, ''), coalesce(r.outcome, '')`

// ScreeningReviews lists a site's screenings still to check, oldest first.
func (db *DB) ScreeningReviews(ctx context.Context, a kith.Actor) ([]app.ScreeningReview, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+sqlReviewColumns+` FROM screening_reviews r
		JOIN screenings s ON s.id = r.screening_id AND s.site_id = r.site_id
		WHERE r.site_id = ? AND r.checked_at IS NULL ORDER BY r.marked_at, s.created_at LIMIT 500`, a.Site)
	if err != nil {
		return nil, fmt.Errorf("list screening reviews: %w", err)
	}
	defer rows.Close()
	var out []app.ScreeningReview
	for rows.Next() {
		r, err := scanReview(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.AuditRead(ctx, a, "screening_review", "to_check")
}

// ScreeningReview reads one screening's review, if it was marked.
func (db *DB) ScreeningReview(ctx context.Context, a kith.Actor, screeningID string) (app.ScreeningReview, bool, error) {
	r, err := scanReview(db.read.QueryRowContext(ctx, `SELECT `+sqlReviewColumns+` FROM screening_reviews r
		JOIN screenings s ON s.id = r.screening_id AND s.site_id = r.site_id
		WHERE r.site_id = ? AND r.screening_id = ?`, a.Site, screeningID))
	if errors.Is(err, sql.ErrNoRows) {
		return app.ScreeningReview{}, false, nil
	}
	return r, err == nil, err
}

// MarkScreeningForReview marks a screening to check (migration 0011 marks
// those stored before the form's fix).
func (db *DB) MarkScreeningForReview(ctx context.Context, a kith.Actor, screeningID string, fields []string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := screeningInSite(ctx, tx, a.Site, screeningID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO screening_reviews (site_id, screening_id, fields, marked_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (site_id, screening_id) DO NOTHING`, a.Site, screeningID, strings.Join(fields, " "), fmtTime(db.now()))
		if err != nil {
			return fmt.Errorf("mark screening for review: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return db.insertAudit(ctx, tx, a, "mark_for_review", "screening", screeningID)
	})
}

// CheckScreeningReview records what a navigator found, once.
func (db *DB) CheckScreeningReview(ctx context.Context, a kith.Actor, screeningID, outcome string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		var checked sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT checked_at FROM screening_reviews WHERE site_id = ? AND screening_id = ?`, a.Site, screeningID).Scan(&checked)
		if errors.Is(err, sql.ErrNoRows) {
			return kith.Errorf(kith.ENOTFOUND, "This screening is not marked to check.")
		}
		if err != nil {
			return fmt.Errorf("find screening review: %w", err)
		}
		if checked.Valid {
			return kith.Errorf(kith.ECONFLICT, "This screening has already been checked.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE screening_reviews SET checked_at = ?, checked_by = ?, outcome = ? WHERE site_id = ? AND screening_id = ?`,
			fmtTime(db.now()), a.Ref(), outcome, a.Site, screeningID); err != nil {
			return fmt.Errorf("check screening review: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "check_review", "screening", screeningID)
	})
}

func scanReview(row rowScanner) (app.ScreeningReview, error) {
	var r app.ScreeningReview
	var fields, marked, created string
	var checked sql.NullString
	if err := row.Scan(&r.ScreeningID, &fields, &marked, &created, &r.PersonName, &checked, &r.CheckedBy, &r.Outcome); err != nil {
		return r, err
	}
	r.Fields = strings.Fields(fields)
	var err error
	if r.MarkedAt, err = parseTime(marked); err != nil {
		return r, err
	}
	if r.ScreenedAt, err = parseTime(created); err != nil {
		return r, err
	}
	r.CheckedAt, err = parseNullTime(checked)
	return r, err
}
