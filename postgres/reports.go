package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/reports"
)

// loadCohort reads a screening and everything counted under it.
func loadCohort(ctx context.Context, tx pgx.Tx, site, screeningID string) (reports.Cohort, bool, error) {
	var c reports.Cohort
	err := tx.QueryRow(ctx, `SELECT created_at, coalesce(pathway_version, 0), coalesce(arm, ''), agency, action, loneliness,
		isolation, quadrant, latitude, longitude FROM screenings WHERE site_id = $1 AND id = $2`, site, screeningID).
		Scan(&c.CreatedAt, &c.Version, &c.Arm, &c.Agency, &c.Action, &c.Loneliness, &c.Isolation, &c.Quadrant, &c.Latitude, &c.Longitude)
	if err == pgx.ErrNoRows {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("load cohort: %w", err)
	}
	c.Relationships = map[string]string{}
	var rel, level string
	if err := forEach(ctx, tx, `SELECT relationship, level FROM screening_relationships WHERE site_id = $1 AND screening_id = $2`,
		[]any{site, screeningID}, []any{&rel, &level}, func() { c.Relationships[rel] = level }); err != nil {
		return c, false, fmt.Errorf("load cohort: %w", err)
	}
	var outcome *string
	var decodeErr error
	if err := forEach(ctx, tx, `SELECT outcome FROM concerns WHERE site_id = $1 AND screening_id = $2 ORDER BY id`,
		[]any{site, screeningID}, []any{&outcome}, func() {
			var o *referral.ConcernOutcome
			if outcome != nil {
				o = &referral.ConcernOutcome{}
				decodeErr = firstErr(decodeErr, json.Unmarshal([]byte(*outcome), o))
			}
			c.Concerns = append(c.Concerns, o)
		}); err != nil {
		return c, false, fmt.Errorf("load cohort: %w", err)
	}
	if decodeErr != nil {
		return c, false, fmt.Errorf("load cohort: %w", decodeErr)
	}
	refs, err := loadCohortReferrals(ctx, tx, site, screeningID)
	c.Referrals = refs
	return c, true, err
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// loadCohortReferrals reads a screening's referrals, each with the first
// time it reached each state the funnel counts.
func loadCohortReferrals(ctx context.Context, tx pgx.Tx, site, screeningID string) ([]reports.CohortReferral, error) {
	rows, err := tx.Query(ctx, `SELECT r.service_id, r.created_at, r.outcome, r.loneliness_change,
		min(h.at) FILTER (WHERE h.to_state = 'sent'), min(h.at) FILTER (WHERE h.to_state = 'accepted'),
		min(h.at) FILTER (WHERE h.to_state = 'declined'), min(h.at) FILTER (WHERE h.to_state = 'engaged'),
		min(h.at) FILTER (WHERE h.to_state = 'closed')
		FROM referrals r LEFT JOIN referral_history h ON h.site_id = r.site_id AND h.referral_id = r.id
		WHERE r.site_id = $1 AND r.screening_id = $2 GROUP BY r.id ORDER BY r.id`, site, screeningID)
	if err != nil {
		return nil, fmt.Errorf("load cohort referrals: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (reports.CohortReferral, error) {
		var r reports.CohortReferral
		var outcome, change *string
		if err := row.Scan(&r.ServiceID, &r.CreatedAt, &outcome, &change, &r.Sent, &r.Accepted, &r.Declined, &r.Engaged, &r.Closed); err != nil {
			return r, err
		}
		if outcome != nil {
			r.Outcome = &referral.Outcome{}
			if err := json.Unmarshal([]byte(*outcome), r.Outcome); err != nil {
				return r, err
			}
		}
		if change != nil {
			r.Change = &referral.Change{}
			if err := json.Unmarshal([]byte(*change), r.Change); err != nil {
				return r, err
			}
		}
		return r, nil
	})
}

// tallyKey identifies one counter row of report_counts but for its period.
type tallyKey struct {
	version   int
	arm, kind string
	keys      string // joined by \x1f
	created   time.Time
}

// tallies adds sign times a cohort's tallies into m.
func tallies(m map[tallyKey][5]int64, c reports.Cohort, sign int64) {
	for _, t := range c.Tallies() {
		k := tallyKey{version: c.Version, arm: c.Arm, kind: t.Kind, keys: strings.Join(t.Keys, "\x1f"), created: c.CreatedAt.UTC()}
		v := m[k]
		for i := range v {
			v[i] += sign * t.V[i]
		}
		m[k] = v
	}
}

// recount runs change with the screening's row locked and adds to the
// report counts what the change made of the screening's cohort (counted
// after, less counted before), in the same transaction. A new screening
// has nothing counted before.
func (db *DB) recount(ctx context.Context, tx pgx.Tx, site, screeningID string, change func() error) error {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM screenings WHERE site_id = $1 AND id = $2 FOR UPDATE`, site, screeningID); err != nil {
		return fmt.Errorf("lock screening: %w", err)
	}
	diff := map[tallyKey][5]int64{}
	before, ok, err := loadCohort(ctx, tx, site, screeningID)
	if err != nil {
		return err
	}
	if ok {
		tallies(diff, before, -1)
	}
	if err := change(); err != nil {
		return err
	}
	after, ok, err := loadCohort(ctx, tx, site, screeningID)
	if err != nil {
		return err
	}
	if ok {
		tallies(diff, after, +1)
	}
	return addCounts(ctx, tx, site, diff)
}

// countNewScreening adds a screening just stored, with its relationships
// and any concern, to the report counts.
func countNewScreening(ctx context.Context, tx pgx.Tx, site, id string) error {
	c, _, err := loadCohort(ctx, tx, site, id)
	if err != nil {
		return err
	}
	diff := map[tallyKey][5]int64{}
	tallies(diff, c, +1)
	return addCounts(ctx, tx, site, diff)
}

// screeningOf returns the screening a row of table (referrals or
// concerns) of the site belongs to, which never changes.
func screeningOf(ctx context.Context, tx pgx.Tx, table, site, id, what string) (string, error) {
	var s string
	err := tx.QueryRow(ctx, `SELECT screening_id FROM `+table+` WHERE site_id = $1 AND id = $2`, site, id).Scan(&s)
	if err == pgx.ErrNoRows {
		return "", errNotFound(what)
	}
	if err != nil {
		return "", fmt.Errorf("find %s: %w", table, err)
	}
	return s, nil
}

// countDelta is one report_counts row's key and what to add to it.
type countDelta struct {
	kind, keys, arm, period string
	version                 int
	v                       [5]int64
}

func (r countDelta) less(o countDelta) bool {
	if r.kind != o.kind {
		return r.kind < o.kind
	}
	if r.keys != o.keys {
		return r.keys < o.keys
	}
	if r.version != o.version {
		return r.version < o.version
	}
	if r.arm != o.arm {
		return r.arm < o.arm
	}
	return r.period < o.period
}

// addCounts adds the non-zero differences to report_counts, under the
// screening's day and month. The rows are upserted in one fixed order (by
// their key), so two transactions counting at once take the rows' locks
// in the same order and wait for each other instead of deadlocking.
func addCounts(ctx context.Context, tx pgx.Tx, site string, diff map[tallyKey][5]int64) error {
	var rows []countDelta
	for k, v := range diff {
		if v == ([5]int64{}) {
			continue
		}
		for _, period := range []string{"d" + k.created.Format(time.DateOnly), "m" + k.created.Format("2006-01")} {
			rows = append(rows, countDelta{kind: k.kind, keys: k.keys, arm: k.arm, period: period, version: k.version, v: v})
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].less(rows[j]) })
	b := &pgx.Batch{}
	for _, r := range rows {
		b.Queue(`INSERT INTO report_counts (site_id, period, version, arm, kind, keys, v1, v2, v3, v4, v5)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (site_id, kind, period, version, arm, keys) DO UPDATE SET v1 = report_counts.v1 + excluded.v1,
			v2 = report_counts.v2 + excluded.v2, v3 = report_counts.v3 + excluded.v3, v4 = report_counts.v4 + excluded.v4,
			v5 = report_counts.v5 + excluded.v5`, site, r.period, r.version, r.arm, r.kind, strings.Split(r.keys, "\x1f"),
			r.v[0], r.v[1], r.v[2], r.v[3], r.v[4])
	}
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("count for reports: %w", err)
	}
	return nil
}
