package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
)

const sqlConcernColumns = `SELECT id, reference, screening_id, coalesce(referral_id, ''), created_at, types_of_risk,
	location_of_risk, source_of_risk, outcome, outcome_at FROM concerns`

func scanConcern(row pgx.Row) (app.Concern, error) {
	var c app.Concern
	var outcome *string
	if err := row.Scan(&c.ID, &c.Reference, &c.ScreeningID, &c.ReferralID, &c.CreatedAt, &c.TypesOfRisk,
		&c.LocationOfRisk, &c.SourceOfRisk, &outcome, &c.OutcomeAt); err != nil {
		if err == pgx.ErrNoRows {
			return c, errNotFound("Concern")
		}
		return c, fmt.Errorf("read concern: %w", err)
	}
	c.CreatedAt = c.CreatedAt.UTC()
	if c.OutcomeAt != nil {
		t := c.OutcomeAt.UTC()
		c.OutcomeAt = &t
	}
	if outcome != nil {
		c.Outcome = &referral.ConcernOutcome{}
		if err := json.Unmarshal([]byte(*outcome), c.Outcome); err != nil {
			return c, fmt.Errorf("decode concern outcome: %w", err)
		}
	}
	return c, nil
}

// ScreeningConcern returns the concern a screening raised; not found when
// it raised none.
func (db *DB) ScreeningConcern(ctx context.Context, a kith.Actor, screeningID string) (app.Concern, error) {
	c, err := scanConcern(db.pool.QueryRow(ctx, sqlConcernColumns+` WHERE site_id = $1 AND screening_id = $2`, a.Site, screeningID))
	if err != nil {
		return c, err
	}
	return c, db.AuditRead(ctx, a, "concern", c.ID)
}

// ListConcerns returns the site's concerns, newest first.
func (db *DB) ListConcerns(ctx context.Context, a kith.Actor, p kith.Page) ([]app.Concern, int, error) {
	var out []app.Concern
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM concerns WHERE site_id = $1`, a.Site).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sqlConcernColumns+` WHERE site_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
			a.Site, p.Size, p.Offset())
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.Concern, error) { return scanConcern(r) })
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list concerns: %w", err)
	}
	return out, total, db.AuditRead(ctx, a, "concern_list", "")
}

// RecordConcernOutcome stores what the council reported back. Where the
// risk is and its source are completed or corrected by what the council
// gave; what it left out stays as it was (as package sqlite does: a rule
// that belongs with referral.ConcernOutcome, noted for moving there).
func (db *DB) RecordConcernOutcome(ctx context.Context, a kith.Actor, id string, o referral.ConcernOutcome) (app.Concern, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return app.Concern{}, err
	}
	var c app.Concern
	err = db.writeTx(ctx, func(tx pgx.Tx) error {
		screeningID, err := screeningOf(ctx, tx, "concerns", a.Site, id, "Concern")
		if err != nil {
			return err
		}
		return db.recount(ctx, tx, a.Site, screeningID, func() error { return db.recordOutcome(ctx, tx, a, id, o, b, &c) })
	})
	return c, err
}

// recordOutcome is RecordConcernOutcome's work once the screening is locked.
func (db *DB) recordOutcome(ctx context.Context, tx pgx.Tx, a kith.Actor, id string, o referral.ConcernOutcome, b []byte, c *app.Concern) error {
	var err error
	*c, err = scanConcern(tx.QueryRow(ctx, `UPDATE concerns SET outcome = $3, outcome_at = $4,
		location_of_risk = coalesce(nullif($5, ''), location_of_risk), source_of_risk = coalesce(nullif($6, ''), source_of_risk)
		WHERE site_id = $1 AND id = $2
		RETURNING id, reference, screening_id, coalesce(referral_id, ''), created_at, types_of_risk,
		location_of_risk, source_of_risk, outcome, outcome_at`, a.Site, id, string(b), db.now(), o.LocationOfRisk, o.SourceOfRisk))
	if err != nil {
		return err
	}
	return db.insertAudit(ctx, tx, a, "outcome", "concern", id)
}

// outboxLease is how long a claimed message is held by the instance that
// claimed it before another may try it (should that instance die between
// claiming and sending).
const outboxLease = 5 * time.Minute

// insertOutbox queues messages about a referral in the change's transaction.
func (db *DB) insertOutbox(ctx context.Context, tx pgx.Tx, site, referralID string, queue []app.Message) error {
	for _, m := range queue {
		if _, err := tx.Exec(ctx, `INSERT INTO outbox (site_id, created_at, kind, to_address, subject, body, referral_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, site, db.now(), m.Kind, m.To, m.Subject, m.Body, nullString(referralID)); err != nil {
			return fmt.Errorf("queue message: %w", err)
		}
	}
	return nil
}

// PendingMessages claims up to limit unsent messages of site (every site
// when empty), oldest first, leaving out those tried maxAttempts times or
// more (none left out when 0) and those another instance has claimed and
// not yet marked. The claim is made with FOR UPDATE SKIP LOCKED, so two
// instances claiming at once take different messages and each message is
// sent by one of them; it lasts outboxLease.
func (db *DB) PendingMessages(ctx context.Context, site string, limit, maxAttempts int) ([]app.Message, error) {
	now := db.now()
	rows, err := db.pool.Query(ctx, `UPDATE outbox SET claimed_until = $1 WHERE id IN (
			SELECT id FROM outbox WHERE sent_at IS NULL AND (claimed_until IS NULL OR claimed_until <= $2)
			AND ($3 = '' OR site_id = $3) AND ($4 = 0 OR attempts < $4)
			ORDER BY id LIMIT $5 FOR UPDATE SKIP LOCKED)
		RETURNING id, site_id, created_at, kind, to_address, subject, body, coalesce(referral_id, ''), attempts`,
		now.Add(outboxLease), now, site, maxAttempts, limit)
	if err != nil {
		return nil, fmt.Errorf("pending messages: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.Message, error) {
		var m app.Message
		err := r.Scan(&m.ID, &m.Site, &m.CreatedAt, &m.Kind, &m.To, &m.Subject, &m.Body, &m.ReferralID, &m.Attempts)
		m.CreatedAt = m.CreatedAt.UTC()
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("pending messages: %w", err)
	}
	sortMessages(out)
	return out, nil
}

// MarkSent records a message as sent, or a failed attempt with its error;
// either way the claim ends (a failed message waits for the next run).
func (db *DB) MarkSent(ctx context.Context, id int64, sendErr error) error {
	var err error
	if sendErr == nil {
		_, err = db.pool.Exec(ctx, `UPDATE outbox SET sent_at = $1, attempts = attempts + 1, claimed_until = NULL WHERE id = $2`, db.now(), id)
	} else {
		_, err = db.pool.Exec(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = $1, claimed_until = NULL WHERE id = $2`,
			sendErr.Error(), id)
	}
	if err != nil {
		return fmt.Errorf("mark message: %w", err)
	}
	return nil
}

// sortMessages puts claimed messages oldest first (RETURNING keeps no order).
func sortMessages(ms []app.Message) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].ID < ms[j-1].ID; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}
