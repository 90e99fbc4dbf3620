package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
)

const sqlConcernColumns = `SELECT c.id, c.reference, c.screening_id, coalesce(c.referral_id, ''), c.created_at, c.types_of_risk,
	c.location_of_risk, c.source_of_risk, c.outcome, c.outcome_at, coalesce(sc.created_by, ''),
	coalesce(sc.request::jsonb #>> '{person,name}', '')
	FROM concerns c LEFT JOIN screenings sc ON sc.site_id = c.site_id AND sc.id = c.screening_id`

func scanConcern(row pgx.Row) (referral.Concern, error) {
	var c referral.Concern
	var outcome *string
	if err := row.Scan(&c.ID, &c.Reference, &c.ScreeningID, &c.ReferralID, &c.CreatedAt, &c.TypesOfRisk,
		&c.LocationOfRisk, &c.SourceOfRisk, &outcome, &c.OutcomeAt, &c.RaisedBy, &c.PersonName); err != nil {
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

// Concern returns one concern of a's site and audits the read.
func (db *DB) Concern(ctx context.Context, a kith.Actor, id string) (referral.Concern, error) {
	c, err := scanConcern(db.pool.QueryRow(ctx, sqlConcernColumns+` WHERE c.site_id = $1 AND c.id = $2`, a.Site, id))
	if err != nil {
		return c, err
	}
	return c, db.AuditRead(ctx, a, "concern", c.ID)
}

// ScreeningConcern returns the concern a screening raised; not found when
// it raised none.
func (db *DB) ScreeningConcern(ctx context.Context, a kith.Actor, screeningID string) (referral.Concern, error) {
	c, err := scanConcern(db.pool.QueryRow(ctx, sqlConcernColumns+` WHERE c.site_id = $1 AND c.screening_id = $2`, a.Site, screeningID))
	if err != nil {
		return c, err
	}
	return c, db.AuditRead(ctx, a, "concern", c.ID)
}

// ListConcerns returns the site's concerns, newest first, optionally only
// those raised from one actor's screenings.
func (db *DB) ListConcerns(ctx context.Context, a kith.Actor, f app.ConcernFilter) ([]referral.Concern, int, error) {
	w := &where{}
	w.add("c.site_id = ?", a.Site)
	if f.RaisedBy != "" {
		w.add("sc.created_by = ?", f.RaisedBy)
	}
	out := []referral.Concern{}
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM concerns c LEFT JOIN screenings sc ON sc.site_id = c.site_id AND sc.id = c.screening_id
			WHERE `+w.String(), w.args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sqlConcernColumns+` WHERE `+w.String()+` ORDER BY c.created_at DESC, c.id DESC LIMIT `+w.next(1)+` OFFSET `+w.next(2),
			append(w.args, f.Page.Size, f.Page.Offset())...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (referral.Concern, error) { return scanConcern(r) })
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list concerns: %w", err)
	}
	if out == nil {
		out = []referral.Concern{}
	}
	return out, total, db.AuditRead(ctx, a, "concern_list", "")
}

// RecordConcernOutcome stores what the council reported back, as
// referral.Concern.WithOutcome makes of the concern as it is now (its row
// locked, so two outcomes recorded at once apply one after the other).
func (db *DB) RecordConcernOutcome(ctx context.Context, a kith.Actor, id string, o referral.ConcernOutcome) (referral.Concern, error) {
	var c referral.Concern
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		screeningID, err := screeningOf(ctx, tx, "concerns", a.Site, id, "Concern")
		if err != nil {
			return err
		}
		return db.recount(ctx, tx, a.Site, screeningID, func() error { return db.recordOutcome(ctx, tx, a, id, o, &c) })
	})
	return c, err
}

// recordOutcome is RecordConcernOutcome's work once the screening is locked.
func (db *DB) recordOutcome(ctx context.Context, tx pgx.Tx, a kith.Actor, id string, o referral.ConcernOutcome, c *referral.Concern) error {
	old, err := scanConcern(tx.QueryRow(ctx, sqlConcernColumns+` WHERE c.site_id = $1 AND c.id = $2 FOR UPDATE OF c`, a.Site, id))
	if err != nil {
		return err
	}
	*c = old.WithOutcome(o, db.now())
	b, err := json.Marshal(c.Outcome)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE concerns SET outcome = $3, outcome_at = $4, location_of_risk = $5, source_of_risk = $6
		WHERE site_id = $1 AND id = $2`, a.Site, id, string(b), *c.OutcomeAt, c.LocationOfRisk, c.SourceOfRisk); err != nil {
		return fmt.Errorf("record concern outcome: %w", err)
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
		m.ReferralID = referralID
		if err := db.insertMessage(ctx, tx, site, m); err != nil {
			return err
		}
	}
	return nil
}

// insertMessage queues one message in the change's transaction.
func (db *DB) insertMessage(ctx context.Context, tx pgx.Tx, site string, m app.Message) error {
	if _, err := tx.Exec(ctx, `INSERT INTO outbox (site_id, created_at, kind, to_address, subject, body, referral_id, concern_id, until_sent)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, site, db.now(), m.Kind, m.To, m.Subject, m.Body,
		nullString(m.ReferralID), nullString(m.ConcernID), m.UntilSent); err != nil {
		return fmt.Errorf("queue message: %w", err)
	}
	return nil
}

const sqlMessageColumns = `id, site_id, created_at, kind, to_address, subject, body, coalesce(referral_id, ''), coalesce(concern_id, ''),
	until_sent, attempts`

func scanMessages(rows pgx.Rows) ([]app.Message, error) {
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.Message, error) {
		var m app.Message
		err := r.Scan(&m.ID, &m.Site, &m.CreatedAt, &m.Kind, &m.To, &m.Subject, &m.Body, &m.ReferralID, &m.ConcernID, &m.UntilSent, &m.Attempts)
		m.CreatedAt = m.CreatedAt.UTC()
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("pending messages: %w", err)
	}
	return out, nil
}

// PendingMessages lists up to limit unsent messages of site (every site
// when empty), fewest attempts first and then oldest, leaving out those
// tried maxAttempts times or more unless they are to be tried until sent
// (none left out when 0). Claims are neither taken nor heeded: the list
// is what waits, whoever is sending it.
func (db *DB) PendingMessages(ctx context.Context, site string, limit, maxAttempts int) ([]app.Message, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+sqlMessageColumns+` FROM outbox WHERE sent_at IS NULL
		AND ($1 = '' OR site_id = $1) AND ($2 = 0 OR attempts < $2 OR until_sent)
		ORDER BY attempts, id LIMIT $3`, site, maxAttempts, limit)
	if err != nil {
		return nil, fmt.Errorf("pending messages: %w", err)
	}
	return scanMessages(rows)
}

// ClaimMessages claims, for the sender, up to limit unsent messages of
// every site in PendingMessages' order, leaving out those another instance
// has claimed and not yet marked and those waiting out a failure's
// backoff. The claim is made with FOR UPDATE SKIP LOCKED, so two instances
// claiming at once take different messages and each message is sent by
// one of them; it lasts outboxLease, after which an instance that died
// between claiming and marking gives the message up.
func (db *DB) ClaimMessages(ctx context.Context, limit, maxAttempts int) ([]app.Message, error) {
	now := db.now()
	rows, err := db.pool.Query(ctx, `UPDATE outbox SET claimed_until = $1 WHERE id IN (
			SELECT id FROM outbox WHERE sent_at IS NULL AND (claimed_until IS NULL OR claimed_until <= $2)
			AND ($3 = 0 OR attempts < $3 OR until_sent)
			ORDER BY attempts, id LIMIT $4 FOR UPDATE SKIP LOCKED)
		RETURNING `+sqlMessageColumns, now.Add(outboxLease), now, maxAttempts, limit)
	if err != nil {
		return nil, fmt.Errorf("claim messages: %w", err)
	}
	out, err := scanMessages(rows)
	if err != nil {
		return nil, err
	}
	sortMessages(out)
	return out, nil
}

// sendBackoff is how long a message whose sending failed waits before it
// is claimed again: 30 seconds after the first failure (one run of the
// outbox job), doubling with each further failure, at most maxBackoff, so
// a mail server that is down is not asked again every run while a
// safeguarding team's message, tried until sent, still goes out within
// minutes of the server's return.
func sendBackoff(attempts int) time.Duration {
	const maxBackoff = 10 * time.Minute
	d := 30 * time.Second
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// MarkSent records a message as sent, or a failed attempt with its error;
// either way the claim ends, a failed message's with its backoff.
func (db *DB) MarkSent(ctx context.Context, id int64, sendErr error) error {
	var err error
	now := db.now()
	if sendErr == nil {
		_, err = db.pool.Exec(ctx, `UPDATE outbox SET sent_at = $1, attempts = attempts + 1, claimed_until = NULL WHERE id = $2`, now, id)
	} else {
		// The backoff follows the attempts made, counted by the first
		// statement with the row locked until both commit.
		err = db.writeTx(ctx, func(tx pgx.Tx) error {
			var attempts int
			if err := tx.QueryRow(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2 AND sent_at IS NULL
				RETURNING attempts`, sendErr.Error(), id).Scan(&attempts); err != nil {
				if errors.Is(err, pgx.ErrNoRows) {
					return nil // sent meanwhile, or gone with retention
				}
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE outbox SET claimed_until = $1 WHERE id = $2`, now.Add(sendBackoff(attempts)), id)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("mark message: %w", err)
	}
	return nil
}

// sortMessages puts claimed messages fewest attempts first, then oldest
// (RETURNING keeps no order).
func sortMessages(ms []app.Message) {
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].Attempts != ms[j].Attempts {
			return ms[i].Attempts < ms[j].Attempts
		}
		return ms[i].ID < ms[j].ID
	})
}
