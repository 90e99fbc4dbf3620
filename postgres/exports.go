package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/reports"
)

// finalStates are the referral states referral.Final names, for queries
// that keep screenings whose referrals are all final.
func finalStates() []string {
	var out []string
	for _, s := range referral.States {
		if referral.Final(s) {
			out = append(out, string(s))
		}
	}
	return out
}

// ConcernReturnRows are the site's concerns in the Safeguarding Adults
// Collection's terms, one row each, for the annual return.
func (db *DB) ConcernReturnRows(ctx context.Context, a kith.Actor, from, to time.Time) ([][]string, error) {
	rows, err := db.pool.Query(ctx, sqlConcernColumns+` WHERE site_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at`,
		a.Site, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("concern export: %w", err)
	}
	concerns, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.Concern, error) { return scanConcern(r) })
	if err != nil {
		return nil, fmt.Errorf("concern export: %w", err)
	}
	out := [][]string{{"reference", "raised_on", "types_of_risk", "location_of_risk", "source_of_risk", "enquiry", "instead_of_enquiry",
		"msp_desired_outcomes_asked", "msp_achieved", "risk_assessment", "risk_outcome", "still_to_complete"}}
	for _, c := range concerns {
		row := []string{c.Reference, c.CreatedAt.Format(time.DateOnly), strings.Join(c.TypesOfRisk, ";"), c.LocationOfRisk, c.SourceOfRisk, "", "", "", "", "", "", ""}
		if o := c.Outcome; o != nil {
			row[5], row[6], row[7], row[8], row[9], row[10] = o.Enquiry, o.Instead, o.MSPAsked, o.MSPAchieved, o.RiskAssessment, o.RiskOutcome
		}
		// Location and source are never invented: the row says which the
		// safeguarding team has still to complete.
		var missing []string
		if c.LocationOfRisk == "" {
			missing = append(missing, "location_of_risk")
		}
		if c.SourceOfRisk == "" {
			missing = append(missing, "source_of_risk")
		}
		row[11] = strings.Join(missing, ";")
		out = append(out, row)
	}
	return out, db.AuditRead(ctx, a, "export:concerns", "")
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
	rows, err := tx.Query(ctx, `SELECT r.id, r.state, coalesce(sv.category, ''), r.outcome, r.loneliness_change FROM referrals r
		LEFT JOIN services sv ON sv.site_id = r.site_id AND sv.id = r.service_id
		WHERE r.site_id = $1 AND r.screening_id = $2 ORDER BY r.created_at`, site, screeningID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (reports.ResearchReferral, error) {
		var r reports.ResearchReferral
		var outcome, change *string
		if err := row.Scan(&r.ID, &r.State, &r.Category, &outcome, &change); err != nil {
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
}

// noOpenReferral keeps screenings s whose referrals are all final ($1 is
// the site, $2 the final states).
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
		a.Site, finalStates(), before.UTC(), app.Removed)
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
		WHERE s.site_id = $1 AND s.id = $3`+noOpenReferral, a.Site, finalStates(), r.ScreeningID, string(req), string(res))
	if err != nil {
		return fmt.Errorf("redact screening: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	const inScreening = `referral_id IN (SELECT id FROM referrals WHERE site_id = $1 AND screening_id = $2)`
	b := &pgx.Batch{}
	b.Queue(`UPDATE contact_attempts SET note = '' WHERE site_id = $1 AND `+inScreening, a.Site, r.ScreeningID)
	b.Queue(`UPDATE referrals SET outcome = (outcome::jsonb - 'note')::text WHERE site_id = $1 AND screening_id = $2 AND outcome IS NOT NULL`,
		a.Site, r.ScreeningID)
	b.Queue(`UPDATE referral_notes SET note = $3 WHERE site_id = $1 AND `+inScreening, a.Site, r.ScreeningID, app.Removed)
	b.Queue(`UPDATE referral_history SET note = '' WHERE site_id = $1 AND `+inScreening, a.Site, r.ScreeningID)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("redact referrals: %w", err)
	}
	return db.insertAudit(ctx, tx, a, "retention", "screening", r.ScreeningID)
}

// SitesWithRetention lists sites and their retention periods, for the job.
func (db *DB) SitesWithRetention(ctx context.Context) (map[string]int, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, settings FROM sites`)
	if err != nil {
		return nil, fmt.Errorf("sites with retention: %w", err)
	}
	out := map[string]int{}
	var id string
	var s kith.SiteSettings
	_, err = pgx.ForEachRow(rows, []any{&id, &s}, func() error {
		if s.RetentionDays > 0 {
			out[id] = s.RetentionDays
		}
		s = kith.SiteSettings{}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sites with retention: %w", err)
	}
	return out, nil
}
