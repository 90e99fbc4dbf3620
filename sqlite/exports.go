package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/reports"
)

// ConcernsRaisedBetween lists the site's concerns raised in [from, to),
// oldest first, for the concerns return.
func (db *DB) ConcernsRaisedBetween(ctx context.Context, a kith.Actor, from, to time.Time) ([]referral.Concern, error) {
	rows, err := db.read.QueryContext(ctx, concernColumns+` WHERE c.site_id = ? AND c.created_at >= ? AND c.created_at < ? ORDER BY c.created_at, c.id`,
		a.Site, fmtTime(from), fmtTime(to))
	if err != nil {
		return nil, fmt.Errorf("concern export: %w", err)
	}
	defer rows.Close()
	var out []referral.Concern
	for rows.Next() {
		c, err := scanConcern(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ResearchData reads what the research extract is made of: the site's
// screenings made in [from, to), oldest first, each with its referrals.
func (db *DB) ResearchData(ctx context.Context, a kith.Actor, from, to time.Time) ([]reports.ResearchScreening, error) {
	var list []reports.ResearchScreening
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if list, err = researchScreenings(ctx, tx, a.Site, from, to); err != nil {
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

func researchScreenings(ctx context.Context, tx *sql.Tx, site string, from, to time.Time) ([]reports.ResearchScreening, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.created_at, s.agency, s.action, s.quadrant, s.loneliness, s.isolation, s.result,
		coalesce(s.pathway_version, 0), coalesce(s.arm, '') FROM screenings s WHERE s.site_id = ? AND s.created_at >= ? AND s.created_at < ? ORDER BY s.created_at`,
		site, fmtTime(from), fmtTime(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []reports.ResearchScreening
	for rows.Next() {
		var s reports.ResearchScreening
		var created, result string
		if err := rows.Scan(&s.ID, &created, &s.Agency, &s.Action, &s.Quadrant, &s.Loneliness, &s.Isolation, &result, &s.PathwayVersion, &s.Arm); err != nil {
			return nil, err
		}
		var st app.StoredScreening
		if err := json.Unmarshal([]byte(result), &st); err != nil {
			return nil, err
		}
		s.Month, s.Result = created[:7], st.Result
		list = append(list, s)
	}
	return list, rows.Err()
}

func researchReferrals(ctx context.Context, tx *sql.Tx, site, screeningID string) ([]reports.ResearchReferral, error) {
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.state, coalesce(sv.category, ''), coalesce(r.rerouted_from, ''), r.outcome, r.loneliness_change FROM referrals r
		LEFT JOIN services sv ON sv.site_id = r.site_id AND sv.id = r.service_id WHERE r.site_id = ? AND r.screening_id = ? ORDER BY r.created_at`, site, screeningID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []reports.ResearchReferral
	for rows.Next() {
		var r reports.ResearchReferral
		var outcome, change sql.NullString
		if err := rows.Scan(&r.ID, &r.State, &r.Category, &r.ReroutedFrom, &outcome, &change); err != nil {
			return nil, err
		}
		if outcome.Valid {
			r.Outcome = &referral.Outcome{}
			if err := json.Unmarshal([]byte(outcome.String), r.Outcome); err != nil {
				return nil, fmt.Errorf("decode outcome: %w", err)
			}
		}
		if change.Valid {
			r.Change = &referral.Change{}
			if err := json.Unmarshal([]byte(change.String), r.Change); err != nil {
				return nil, fmt.Errorf("decode loneliness change: %w", err)
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
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

// RetentionCandidates lists the screenings of a's site made before cutoff,
// not yet redacted, whose referrals are all final (or which have none).
func (db *DB) RetentionCandidates(ctx context.Context, a kith.Actor, before time.Time) ([]app.RetentionItem, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, request, result FROM screenings s WHERE s.site_id = ? AND s.created_at < ?
		AND json_extract(s.request, '$.person.name') <> ?`+noOpenReferral, a.Site, fmtTime(before), app.Removed)
	if err != nil {
		return nil, fmt.Errorf("retention candidates: %w", err)
	}
	defer rows.Close()
	var out []app.RetentionItem
	for rows.Next() {
		var it app.RetentionItem
		var req, res string
		if err := rows.Scan(&it.ID, &req, &res); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(req), &it.Request); err != nil {
			return nil, fmt.Errorf("decode screening request: %w", err)
		}
		if err := json.Unmarshal([]byte(res), &it.Result); err != nil {
			return nil, fmt.Errorf("decode screening: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// noOpenReferral keeps screenings s whose referrals are all settled
// (referral.Settled: final, or expired, as retention expires those left
// open past the period first), written into the statement once.
var noOpenReferral = `
	AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.site_id = s.site_id AND r.screening_id = s.id
		AND r.state NOT IN (` + settledStates() + `))`

// finalStates is referral.Final's states as an SQL list of literals.
func finalStates() string { return statesWhere(referral.Final) }

// settledStates is referral.Settled's states as an SQL list of literals.
func settledStates() string { return statesWhere(referral.Settled) }

func statesWhere(keep func(referral.State) bool) string {
	var out []string
	for _, st := range referral.States {
		if keep(st) {
			out = append(out, "'"+string(st)+"'")
		}
	}
	return strings.Join(out, ", ")
}

// ExpireStaleReferrals moves to expired the referrals that are not final,
// of screenings made before cutoff, unchanged since cutoff, each with the
// effects referral.RetentionExpiry gives the move (written as any move's
// are), its history row and audit row, so retention can then remove the
// person.
func (db *DB) ExpireStaleReferrals(ctx context.Context, a kith.Actor, before time.Time) (int, error) {
	n := 0
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT r.id, r.state FROM referrals r JOIN screenings s ON s.id = r.screening_id AND s.site_id = r.site_id
			WHERE r.site_id = ? AND s.created_at < ? AND r.state_at < ?
			AND r.state NOT IN (`+settledStates()+`)`, a.Site, fmtTime(before), fmtTime(before))
		if err != nil {
			return fmt.Errorf("stale referrals: %w", err)
		}
		type stale struct{ id, state string }
		var found []stale
		for rows.Next() {
			var s stale
			if err := rows.Scan(&s.id, &s.state); err != nil {
				rows.Close()
				return err
			}
			found = append(found, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, s := range found {
			r := referral.Referral{ID: s.id, State: referral.State(s.state)}
			e, err := referral.RetentionExpiry(r)
			if err != nil {
				return err
			}
			if _, err := db.applyMove(ctx, tx, a, r, referral.Expired, e, nil); err != nil {
				return fmt.Errorf("expire referral: %w", err)
			}
			if err := db.insertHistory(ctx, tx, a, s.id, r.State, referral.Expired, e.HistoryReason, ""); err != nil {
				return err
			}
			if err := db.insertAudit(ctx, tx, a, "transition:expired", "referral", s.id); err != nil {
				return err
			}
		}
		n = len(found)
		return nil
	})
	return n, err
}

// ForgetRemoved merges the names' full-text index, checkpoints the WAL
// into the database file and truncates it, so the pages retention changed are written over (secure_delete is
// on for every connection, so freed space holds zeros) and no copy of the
// old pages stays in the WAL.
func (db *DB) ForgetRemoved(ctx context.Context) error {
	// The names' full-text index keeps a removed name's words in its old
	// segments until they are merged: merging them all drops them (and
	// secure_delete zeroes the pages they were on).
	if _, err := db.write.ExecContext(ctx, `INSERT INTO referral_names_fts (referral_names_fts) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("merge the names' index after retention: %w", err)
	}
	var busy, logPages, done int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &done); err != nil {
		return fmt.Errorf("checkpoint after retention: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("checkpoint after retention: readers kept the WAL busy; it is retried at the next run")
	}
	return nil
}

// Redact stores what retention keeps of a screening and clears on its
// records what r.Records says, in one transaction, unless a referral of it
// is open again (then nothing changes).
func (db *DB) Redact(ctx context.Context, a kith.Actor, r app.Redaction) error {
	req, err := json.Marshal(&r.Request)
	if err != nil {
		return err
	}
	res, err := json.Marshal(r.Result)
	if err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		up, err := tx.ExecContext(ctx, `UPDATE screenings AS s SET request = ?, result = ?, latitude = NULL, longitude = NULL, idempotency_key = NULL
			WHERE s.site_id = ? AND s.id = ?`+noOpenReferral, string(req), string(res), a.Site, r.ScreeningID)
		if err != nil {
			return fmt.Errorf("redact screening: %w", err)
		}
		if n, _ := up.RowsAffected(); n == 0 {
			return nil
		}
		for _, q := range recordRedactions(a.Site, r.ScreeningID, r.Records) {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return fmt.Errorf("redact referrals: %w", err)
			}
		}
		return db.insertAudit(ctx, tx, a, "retention", "screening", r.ScreeningID)
	})
}

type statement struct {
	sql  string
	args []any
}

// recordRedactions maps what the application clears (app.RecordRedaction)
// to this store's columns.
func recordRedactions(site, screeningID string, rr app.RecordRedaction) []statement {
	const inScreening = `referral_id IN (SELECT id FROM referrals WHERE site_id = ? AND screening_id = ?)`
	in := []any{site, site, screeningID}
	qs := []statement{
		{`UPDATE referral_notes SET note = ? WHERE site_id = ? AND ` + inScreening, append([]any{rr.Notes}, in...)},
		{`UPDATE referrals SET search_name = ? WHERE site_id = ? AND screening_id = ?`, []any{rr.SearchName, site, screeningID}},
		{`UPDATE best_interest_decisions SET steps_taken = ?, doubt = ?, consulted = ?, advocate = ? WHERE site_id = ? AND screening_id = ?`,
			[]any{rr.BestInterest.StepsTaken, rr.BestInterest.Doubt, rr.BestInterest.Consulted, rr.BestInterest.Advocate, site, screeningID}},
	}
	if rr.AttemptNotes {
		qs = append(qs, statement{`UPDATE contact_attempts SET note = '' WHERE site_id = ? AND ` + inScreening, in})
	}
	if rr.HistoryNotes {
		qs = append(qs, statement{`UPDATE referral_history SET note = '' WHERE site_id = ? AND ` + inScreening, in})
	}
	if len(rr.HistoryReasonsOf) > 0 {
		states, _ := json.Marshal(rr.HistoryReasonsOf)
		qs = append(qs, statement{`UPDATE referral_history SET reason = '' WHERE to_state IN (SELECT value FROM json_each(?)) AND site_id = ? AND ` + inScreening,
			append([]any{string(states)}, in...)})
	}
	if rr.OutcomeNotes {
		qs = append(qs,
			statement{`UPDATE referrals SET outcome = json_remove(outcome, '$.note') WHERE site_id = ? AND screening_id = ? AND outcome IS NOT NULL`, []any{site, screeningID}},
			statement{`UPDATE concerns SET outcome = json_remove(outcome, '$.note') WHERE site_id = ? AND screening_id = ? AND outcome IS NOT NULL`, []any{site, screeningID}})
	}
	if rr.DropMessages {
		qs = append(qs, statement{`DELETE FROM outbox WHERE site_id = ? AND ` + inScreening, in})
	}
	return qs
}

// EverySiteSettings reads every site's settings, for the jobs.
func (db *DB) EverySiteSettings(ctx context.Context) (map[string]kith.SiteSettings, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, settings FROM sites`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]kith.SiteSettings{}
	for rows.Next() {
		var id, settings string
		if err := rows.Scan(&id, &settings); err != nil {
			return nil, err
		}
		var s kith.SiteSettings
		if err := json.Unmarshal([]byte(settings), &s); err != nil {
			return nil, fmt.Errorf("site %s settings: %w", id, err)
		}
		out[id] = s
	}
	return out, rows.Err()
}
