package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
)

// The worklist is read in referral.Less order straight from indexes: it
// is four runs, each in created_at order (safeguarding and urgent, then
// safeguarding, then urgent, then the rest), so no query sorts more than a
// page. Urgent (expired, or sent before the overdue cutoff) is a plain
// comparison with referral.OverdueCutoff, not a count of working days per
// row. One count query says how long each run is, and the page reads only
// the runs it covers, with LIMIT and OFFSET in SQL.

// worklistWhere is the filter f asks for, as SQL and its arguments.
func worklistWhere(site string, f app.ReferralFilter, cutoff string) (string, []any) {
	where := []string{"r.site_id = ?"}
	args := []any{site}
	for _, c := range []struct{ col, v string }{{"r.state", f.State}, {"r.assignee", f.Assignee}, {"r.service_id", f.ServiceID}} {
		if c.v != "" {
			where, args = append(where, c.col+" = ?"), append(args, c.v)
		}
	}
	if f.Open {
		where = append(where, "r.state NOT IN ("+finalStates()+")")
	}
	if f.Overdue != nil {
		cond := overdueSQL
		if !*f.Overdue {
			cond = "NOT " + overdueSQL
		}
		where, args = append(where, cond), append(args, cutoff)
	}
	if f.Safeguarding != nil {
		where, args = append(where, "r.safeguarding = ?"), append(args, boolInt(*f.Safeguarding))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		// By name (any part, any case) or by the letters' reference
		// (R-1a2b3c4d: the end of the id).
		ref := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(q, "R-"), "r-"))
		where = append(where, "(r.search_name LIKE ? ESCAPE '\\' OR r.id LIKE ? ESCAPE '\\')")
		args = append(args, "%"+likeEscape(strings.ToLower(q))+"%", "%"+likeEscape(ref))
	}
	return strings.Join(where, " AND "), args
}

const (
	overdueSQL = `(r.state = 'sent' AND r.sent_at IS NOT NULL AND r.sent_at < ?)`
	// urgentSQL names the two states first, so the planner can reach the
	// few urgent referrals by the state index.
	urgentSQL = `(r.state IN ('expired', 'sent') AND (r.state = 'expired' OR (r.sent_at IS NOT NULL AND r.sent_at < ?)))`
)

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// worklistRuns are the four runs in order, as extra conditions.
// Each holds urgentSQL's one argument, the cutoff.
var worklistRuns = []string{
	"r.safeguarding = 1 AND " + urgentSQL,
	"r.safeguarding = 1 AND NOT " + urgentSQL,
	"r.safeguarding = 0 AND " + urgentSQL,
	"r.safeguarding = 0 AND NOT " + urgentSQL,
}

// runCounts counts each run's referrals. Four plain counts, each read
// from an index, cost far less than one pass summing expressions per row.
func runCounts(ctx context.Context, tx *sql.Tx, cond string, args []any, cutoff string) ([4]int, error) {
	var n [4]int
	var total, sg, urgent, sgUrgent int
	withCutoff := append(append([]any{}, args...), cutoff)
	for _, q := range []struct {
		extra string
		args  []any
		dst   *int
	}{
		{"", args, &total},
		{" AND r.safeguarding = 1", args, &sg},
		{" AND " + urgentSQL, withCutoff, &urgent},
		{" AND r.safeguarding = 1 AND " + urgentSQL, withCutoff, &sgUrgent},
	} {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM referrals r WHERE `+cond+q.extra, q.args...).Scan(q.dst); err != nil {
			return n, err
		}
	}
	n[0], n[1], n[2] = sgUrgent, sg-sgUrgent, urgent-sgUrgent
	n[3] = total - n[0] - n[1] - n[2]
	return n, nil
}

// ListReferrals returns a page of the site's referrals as a navigator's
// worklist, in referral.Less order: safeguarding first, then expired or
// overdue (f.Thresholds.Overdue working days since sent, as of f.Now),
// then oldest. The order, the filters and the page are the queries'.
func (db *DB) ListReferrals(ctx context.Context, a kith.Actor, f app.ReferralFilter) ([]referral.Referral, int, error) {
	out, total, err := db.worklist(ctx, a, f)
	if err != nil {
		return nil, 0, err
	}
	if err := db.AuditRead(ctx, a, "referral_list", ""); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// worklist reads the page (ListReferrals audits it).
func (db *DB) worklist(ctx context.Context, a kith.Actor, f app.ReferralFilter) ([]referral.Referral, int, error) {
	cutoff := fmtTime(referral.OverdueCutoff(f.Now, f.Thresholds.OrDefault().Overdue))
	cond, args := worklistWhere(a.Site, f, cutoff)
	var out []referral.Referral
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		counts, err := runCounts(ctx, tx, cond, args, cutoff)
		if err != nil {
			return err
		}
		skip, want := f.Page.Offset(), f.Page.Size
		for i, run := range worklistRuns {
			total += counts[i]
			if want == 0 || skip >= counts[i] {
				skip -= min(skip, counts[i])
				continue
			}
			rs, err := db.worklistRun(ctx, tx, cond+" AND "+run, append(append([]any{}, args...), cutoff), want, skip)
			if err != nil {
				return err
			}
			out, want, skip = append(out, rs...), want-len(rs), 0
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list referrals: %w", err)
	}
	return out, total, nil
}

// worklistRun reads up to limit referrals of one run, oldest first.
func (db *DB) worklistRun(ctx context.Context, tx *sql.Tx, cond string, args []any, limit, offset int) ([]referral.Referral, error) {
	rows, err := tx.QueryContext(ctx, referralColumns+` WHERE `+cond+` ORDER BY r.created_at, r.id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []referral.Referral
	for rows.Next() {
		r, err := scanReferral(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
