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
	"github.com/kith-project/kith/reports"
)

// finalStates are the referral states referral.Final names, and
// settledStates those referral.Settled names (final, or expired), for
// queries that compare a state with a list ($n::text[]).
func finalStates() []string { return statesWhere(referral.Final) }

func settledStates() []string { return statesWhere(referral.Settled) }

func statesWhere(keep func(referral.State) bool) []string {
	var out []string
	for _, s := range referral.States {
		if keep(s) {
			out = append(out, string(s))
		}
	}
	return out
}

// ConcernsRaisedBetween lists the site's concerns raised in [from, to),
// oldest first, for the concerns return.
func (db *DB) ConcernsRaisedBetween(ctx context.Context, a kith.Actor, from, to time.Time) ([]referral.Concern, error) {
	rows, err := db.pool.Query(ctx, sqlConcernColumns+` WHERE c.site_id = $1 AND c.created_at >= $2 AND c.created_at < $3
		ORDER BY c.created_at, c.id`, a.Site, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("concern export: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (referral.Concern, error) { return scanConcern(r) })
	if err != nil {
		return nil, fmt.Errorf("concern export: %w", err)
	}
	return out, nil
}

// ResearchData reads what the research extract is made of: the site's
// screenings made in [from, to), oldest first, each with its referrals,
// from one snapshot.
func (db *DB) ResearchData(ctx context.Context, a kith.Actor, from, to time.Time) ([]reports.ResearchScreening, error) {
	var list []reports.ResearchScreening
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT s.id, s.created_at, s.agency, s.action, s.quadrant, s.loneliness, s.isolation, s.result,
			coalesce(s.pathway_version, 0), coalesce(s.arm, '') FROM screenings s
			WHERE s.site_id = $1 AND s.created_at >= $2 AND s.created_at < $3 ORDER BY s.created_at`, a.Site, from.UTC(), to.UTC())
		if err != nil {
			return err
		}
		list, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (reports.ResearchScreening, error) {
			var s reports.ResearchScreening
			var created time.Time
			var result string
			if err := r.Scan(&s.ID, &created, &s.Agency, &s.Action, &s.Quadrant, &s.Loneliness, &s.Isolation, &result, &s.PathwayVersion, &s.Arm); err != nil {
				return s, err
			}
			st, err := decodeScreening(result)
			s.Month, s.Result = created.UTC().Format("2006-01"), st.Result
			return s, err
		})
		if err != nil {
			return err
		}
		for i := range list {
			if list[i].Referrals, err = researchReferrals(ctx, tx, a.Site, list[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("research extract: %w", err)
	}
	return list, nil
}

func researchReferrals(ctx context.Context, tx pgx.Tx, site, screeningID string) ([]reports.ResearchReferral, error) {
	rows, err := tx.Query(ctx, `SELECT r.id, r.state, coalesce(sv.category, ''), coalesce(r.rerouted_from, ''), r.outcome, r.loneliness_change FROM referrals r
		LEFT JOIN services sv ON sv.site_id = r.site_id AND sv.id = r.service_id
		WHERE r.site_id = $1 AND r.screening_id = $2 ORDER BY r.created_at`, site, screeningID)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (reports.ResearchReferral, error) {
		var r reports.ResearchReferral
		var outcome, change *string
		if err := row.Scan(&r.ID, &r.State, &r.Category, &r.ReroutedFrom, &outcome, &change); err != nil {
			return r, err
		}
		if outcome != nil {
			r.Outcome = &referral.Outcome{}
			if err := json.Unmarshal([]byte(*outcome), r.Outcome); err != nil {
				return r, fmt.Errorf("decode outcome: %w", err)
			}
		}
		if change != nil {
			r.Change = &referral.Change{}
			if err := json.Unmarshal([]byte(*change), r.Change); err != nil {
				return r, fmt.Errorf("decode loneliness change: %w", err)
			}
		}
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	hs, err := histories(ctx, tx, site, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].History = hs[out[i].ID]
	}
	return out, nil
}

// noOpenReferral keeps screenings s whose referrals are all settled ($1 is
// the site, $2 settledStates: final, or expired, as retention expires
// those left open past the period first).
const noOpenReferral = `
	AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.site_id = s.site_id AND r.screening_id = s.id
		AND r.state <> ALL($2))`

// RetentionCandidates lists the screenings of a's site made before cutoff,
// not yet redacted, whose referrals are all final (or which have none).
// As in package sqlite, a screening whose request has no person name is
// never a candidate (reported as a question for the retention rule).
func (db *DB) RetentionCandidates(ctx context.Context, a kith.Actor, before time.Time) ([]app.RetentionItem, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, request, result FROM screenings s WHERE s.site_id = $1 AND s.created_at < $3
		AND s.request::jsonb #>> '{person,name}' <> $4`+noOpenReferral+` ORDER BY s.created_at, s.id`,
		a.Site, settledStates(), before.UTC(), app.Removed)
	if err != nil {
		return nil, fmt.Errorf("retention candidates: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.RetentionItem, error) {
		var it app.RetentionItem
		var req, res string
		if err := r.Scan(&it.ID, &req, &res); err != nil {
			return it, err
		}
		if err := json.Unmarshal([]byte(req), &it.Request); err != nil {
			return it, fmt.Errorf("decode screening request: %w", err)
		}
		if err := json.Unmarshal([]byte(res), &it.Result); err != nil {
			return it, fmt.Errorf("decode screening: %w", err)
		}
		return it, nil
	})
	if err != nil {
		return nil, fmt.Errorf("retention candidates: %w", err)
	}
	return out, nil
}

// Redact stores what retention keeps of a screening and clears the free
// text recorded on its referrals, in one transaction, unless a referral of
// it is open again (then nothing changes). The screening's update locks
// its row, and a referral reopened meanwhile makes the update's condition
// false.
func (db *DB) Redact(ctx context.Context, a kith.Actor, r app.Redaction) error {
	req, err := json.Marshal(&r.Request)
	if err != nil {
		return err
	}
	res, err := json.Marshal(r.Result)
	if err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		return db.recount(ctx, tx, a.Site, r.ScreeningID, func() error { return db.redact(ctx, tx, a, r, req, res) })
	})
}

// redact is Redact's work once the screening is locked.
func (db *DB) redact(ctx context.Context, tx pgx.Tx, a kith.Actor, r app.Redaction, req, res []byte) error {
	tag, err := tx.Exec(ctx, `UPDATE screenings AS s SET request = $4, result = $5, latitude = NULL, longitude = NULL, idempotency_key = NULL
		WHERE s.site_id = $1 AND s.id = $3`+noOpenReferral, a.Site, settledStates(), r.ScreeningID, string(req), string(res))
	if err != nil {
		return fmt.Errorf("redact screening: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	b := recordRedactions(a.Site, r.ScreeningID, r.Records)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("redact referrals: %w", err)
	}
	return db.insertAudit(ctx, tx, a, "retention", "screening", r.ScreeningID)
}

// recordRedactions maps what the application clears beside a screening
// (app.RecordRedaction) to this store's columns, as one batch.
func recordRedactions(site, screeningID string, rr app.RecordRedaction) *pgx.Batch {
	const inScreening = `referral_id IN (SELECT id FROM referrals WHERE site_id = $1 AND screening_id = $2)`
	b := &pgx.Batch{}
	b.Queue(`UPDATE referral_notes SET note = $3 WHERE site_id = $1 AND `+inScreening, site, screeningID, rr.Notes)
	b.Queue(`UPDATE referrals SET search_name = $3 WHERE site_id = $1 AND screening_id = $2`, site, screeningID, rr.SearchName)
	b.Queue(`UPDATE best_interest_decisions SET steps_taken = $3, doubt = $4, consulted = $5, advocate = $6
		WHERE site_id = $1 AND screening_id = $2`, site, screeningID,
		rr.BestInterest.StepsTaken, rr.BestInterest.Doubt, rr.BestInterest.Consulted, rr.BestInterest.Advocate)
	if rr.AttemptNotes {
		b.Queue(`UPDATE contact_attempts SET note = '' WHERE site_id = $1 AND `+inScreening, site, screeningID)
	}
	if rr.HistoryNotes {
		b.Queue(`UPDATE referral_history SET note = '' WHERE site_id = $1 AND `+inScreening, site, screeningID)
	}
	if len(rr.HistoryReasonsOf) > 0 {
		states := make([]string, len(rr.HistoryReasonsOf))
		for i, st := range rr.HistoryReasonsOf {
			states[i] = string(st)
		}
		b.Queue(`UPDATE referral_history SET reason = '' WHERE to_state = ANY($3) AND site_id = $1 AND `+inScreening, site, screeningID, states)
	}
	if rr.OutcomeNotes {
		b.Queue(`UPDATE referrals SET outcome = (outcome::jsonb - 'note')::text WHERE site_id = $1 AND screening_id = $2 AND outcome IS NOT NULL`, site, screeningID)
		b.Queue(`UPDATE concerns SET outcome = (outcome::jsonb - 'note')::text WHERE site_id = $1 AND screening_id = $2 AND outcome IS NOT NULL`, site, screeningID)
	}
	if rr.DropMessages {
		b.Queue(`DELETE FROM outbox WHERE site_id = $1 AND `+inScreening, site, screeningID)
	}
	return b
}

// EverySiteSettings lists every site's settings, by site id, for the jobs.
func (db *DB) EverySiteSettings(ctx context.Context) (map[string]kith.SiteSettings, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, settings FROM sites`)
	if err != nil {
		return nil, fmt.Errorf("every site's settings: %w", err)
	}
	out := map[string]kith.SiteSettings{}
	var id string
	var s kith.SiteSettings
	_, err = pgx.ForEachRow(rows, []any{&id, &s}, func() error {
		out[id] = s
		s = kith.SiteSettings{}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("every site's settings: %w", err)
	}
	return out, nil
}

// ExpireStaleReferrals moves to expired the referrals of a's site that are
// not settled, of screenings made before cutoff and unchanged since, each
// with its history and audit rows, in one transaction, so retention can
// then remove the person. Each screening is locked (recount) before its
// referrals, and the referrals' update repeats the condition against the
// locked rows: a run on two instances at once expires each referral once.
func (db *DB) ExpireStaleReferrals(ctx context.Context, a kith.Actor, before time.Time) (int, error) {
	n := 0
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT DISTINCT r.screening_id FROM referrals r JOIN screenings s ON s.id = r.screening_id AND s.site_id = r.site_id
			WHERE r.site_id = $1 AND s.created_at < $2 AND r.state_at < $2 AND r.state <> ALL($3) ORDER BY r.screening_id`,
			a.Site, before.UTC(), settledStates())
		if err != nil {
			return fmt.Errorf("stale referrals: %w", err)
		}
		screenings, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("stale referrals: %w", err)
		}
		for _, id := range screenings {
			err := db.recount(ctx, tx, a.Site, id, func() error {
				k, err := db.expireScreeningReferrals(ctx, tx, a, id, before.UTC())
				n += k
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// expireScreeningReferrals is ExpireStaleReferrals' work for one locked
// screening: it returns how many of its referrals it expired.
func (db *DB) expireScreeningReferrals(ctx context.Context, tx pgx.Tx, a kith.Actor, screeningID string, before time.Time) (int, error) {
	now := db.now()
	rows, err := tx.Query(ctx, `WITH old AS (
			SELECT id, state FROM referrals WHERE site_id = $1 AND screening_id = $2 AND state_at < $3 AND state <> ALL($4)
			ORDER BY id FOR UPDATE)
		UPDATE referrals r SET state = 'expired', state_at = $5, updated_at = $5 FROM old
		WHERE r.site_id = $1 AND r.id = old.id RETURNING r.id, old.state`, a.Site, screeningID, before, settledStates(), now)
	if err != nil {
		return 0, fmt.Errorf("expire referrals: %w", err)
	}
	type stale struct{ id, state string }
	found, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stale, error) {
		var s stale
		err := r.Scan(&s.id, &s.state)
		return s, err
	})
	if err != nil {
		return 0, fmt.Errorf("expire referrals: %w", err)
	}
	for _, s := range found {
		if err := db.insertHistory(ctx, tx, a, s.id, referral.State(s.state), referral.Expired, "retention_period_passed", ""); err != nil {
			return 0, err
		}
		if err := db.insertAudit(ctx, tx, a, "transition:expired", "referral", s.id); err != nil {
			return 0, err
		}
	}
	return len(found), nil
}

// ForgetRemoved vacuums the tables retention changes, so the row versions
// that held the removed text (an UPDATE leaves the old version behind as
// a dead tuple) are pruned now rather than whenever autovacuum comes. A
// page's freed space is not overwritten at once, and the write-ahead log
// and backups keep the old text until they are recycled: on PostgreSQL
// that is left to the database's encryption at rest and its backup
// retention (docs/security.md). VACUUM runs outside a transaction, and
// SKIP_LOCKED leaves a table another session holds for the next run.
func (db *DB) ForgetRemoved(ctx context.Context) error {
	if _, err := db.pool.Exec(ctx, `VACUUM (SKIP_LOCKED) screenings, referrals, referral_notes, referral_history,
		contact_attempts, best_interest_decisions, concerns, outbox`); err != nil {
		return fmt.Errorf("vacuum after retention: %w", err)
	}
	return nil
}
