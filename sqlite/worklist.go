package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
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
// search is the condition that finds f.Q (searchSet), if there is one.
func worklistWhere(site string, f app.ReferralFilter, cutoff, search string, searchArgs []any) (string, []any) {
	where := []string{"r.site_id = ?"}
	args := []any{site}
	if strings.TrimSpace(f.Q) != "" {
		// The search's few ids lead: the unary + keeps the planner from
		// reading the site's whole index and testing each id against them.
		where[0] = "+r.site_id = ?"
	}
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
	if search != "" {
		where, args = append(where, search), append(args, searchArgs...)
	}
	return strings.Join(where, " AND "), args
}

const (
	overdueSQL = `(r.state = 'sent' AND r.sent_at IS NOT NULL AND r.sent_at < ?)`
	// urgentSQL names the two states first, so the planner can reach the
	// few urgent referrals by the state index.
	urgentSQL = `(r.state IN ('expired', 'sent') AND (r.state = 'expired' OR (r.sent_at IS NOT NULL AND r.sent_at < ?)))`
)

// nameOrReference finds f.Q (app.ReferralFilter.Search): by the words of the
// person's name, through the FTS index of referral_names, or by the
// letters' reference, through referrals_reference. Either way the
// referrals are reached by id, never by reading every row.
func nameOrReference(site string, f app.ReferralFilter) (string, []any) {
	terms, ref := f.Search()
	var parts []string
	var args []any
	if len(terms) > 0 {
		parts = append(parts, `SELECT n.referral_id FROM referral_names n WHERE n.pk IN
			(SELECT rowid FROM referral_names_fts WHERE referral_names_fts MATCH ?) AND n.site_id = ?`)
		args = append(args, ftsPrefixes(terms), site)
	}
	if ref != "" {
		parts, args = append(parts, `SELECT id FROM referrals WHERE site_id = ? AND reference = ?`), append(args, site, ref)
	}
	if len(parts) == 0 {
		return "0", nil // nothing to look for: nothing found
	}
	return "r.id IN (" + strings.Join(parts, " UNION ALL ") + ")", args
}

// searchListMax is how many matches a search hands on as a list.
const searchListMax = 1000

// searchSet finds f.Q once per page, so the counts and runs do not each
// search again: up to searchListMax ids, handed on as a JSON list; a
// broader search (a word most names start with) is handed on as the
// search itself.
func searchSet(ctx context.Context, tx tracedTx, site string, f app.ReferralFilter) (string, []any, error) {
	cond, args := nameOrReference(site, f)
	if len(args) == 0 {
		return cond, nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT r.id FROM referrals r WHERE `+cond+` LIMIT ?`, append(args, searchListMax+1)...)
	if err != nil {
		return "", nil, err
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return "", nil, err
	}
	if len(ids) > searchListMax {
		return cond, args, nil
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return "", nil, err
	}
	return "r.id IN (SELECT value FROM json_each(?))", []any{string(b)}, nil
}

// ftsPrefixes writes app.SearchTerms' words as an FTS5 query: each a
// quoted phrase (so nothing in it is FTS syntax), all of them required;
// the last may be the start of a word (the person may not have finished
// typing it), the others are whole words. A prefix of every word would
// make a common first word ("person") read every name.
func ftsPrefixes(terms []string) string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	out[len(out)-1] += "*"
	return strings.Join(out, " ")
}

// worklistRuns are the four runs in order, as extra conditions.
// Each holds urgentSQL's one argument, the cutoff.
var worklistRuns = []string{
	"r.safeguarding = 1 AND " + urgentSQL,
	"r.safeguarding = 1 AND NOT " + urgentSQL,
	"r.safeguarding = 0 AND " + urgentSQL,
	"r.safeguarding = 0 AND NOT " + urgentSQL,
}

// worklistCounts counts each run's referrals: from the kept counts and
// the sent referrals' index (keptCounts) when the filter is one they
// hold, else by counting what the search or service filter found.
func worklistCounts(ctx context.Context, tx tracedTx, site string, f app.ReferralFilter, cond string, args []any, cutoff string) ([4]int, error) {
	if strings.TrimSpace(f.Q) != "" || f.ServiceID != "" {
		return runCounts(ctx, tx, cond, args, cutoff)
	}
	return keptCounts(ctx, tx, site, f, cutoff)
}

// keptCounts reads the runs' lengths from referral_counts (kept by
// triggers on every insert, move and reassignment) and the number of
// overdue referrals from the range of referrals_sent before the cutoff:
// a few dozen rows whatever the number of referrals.
func keptCounts(ctx context.Context, tx tracedTx, site string, f app.ReferralFilter, cutoff string) ([4]int, error) {
	var n [4]int
	where, args := []string{"site_id = ?"}, []any{site}
	for _, c := range []struct{ col, v string }{{"state", f.State}, {"assignee", f.Assignee}} {
		if c.v != "" {
			where, args = append(where, c.col+" = ?"), append(args, c.v)
		}
	}
	if f.Open {
		where = append(where, "state NOT IN ("+finalStates()+")")
	}
	if f.Safeguarding != nil {
		where, args = append(where, "safeguarding = ?"), append(args, boolInt(*f.Safeguarding))
	}
	cond := strings.Join(where, " AND ")
	// By safeguarding flag (1 or 0): all, expired, and sent before the cutoff.
	var total, expired, overdue [2]int
	rows, err := tx.QueryContext(ctx, `SELECT safeguarding, state = 'expired', sum(n) FROM referral_counts WHERE `+cond+` GROUP BY 1, 2`, args...)
	if err != nil {
		return n, err
	}
	for rows.Next() {
		var sg, exp, c int
		if err := rows.Scan(&sg, &exp, &c); err != nil {
			rows.Close()
			return n, err
		}
		total[sg&1] += c
		if exp == 1 {
			expired[sg&1] += c
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return n, err
	}
	if f.State == "" || f.State == string(referral.Sent) {
		// The filter's other columns (sent is open, and the state asked).
		oc, oargs := []string{"site_id = ?"}, []any{site}
		if f.Assignee != "" {
			oc, oargs = append(oc, "assignee = ?"), append(oargs, f.Assignee)
		}
		if f.Safeguarding != nil {
			oc, oargs = append(oc, "safeguarding = ?"), append(oargs, boolInt(*f.Safeguarding))
		}
		if overdue, err = overdueCounts(ctx, tx, strings.Join(oc, " AND "), oargs, cutoff); err != nil {
			return n, err
		}
	}
	for sg, run := range []int{2, 0} { // not safeguarding: runs 2 and 3; safeguarding: runs 0 and 1
		switch {
		case f.Overdue == nil:
			n[run], n[run+1] = expired[sg]+overdue[sg], total[sg]-expired[sg]-overdue[sg]
		case *f.Overdue:
			n[run], n[run+1] = overdue[sg], 0
		default:
			n[run], n[run+1] = expired[sg], total[sg]-expired[sg]-overdue[sg]
		}
	}
	return n, nil
}

// overdueCounts counts, by safeguarding flag, the sent referrals sent
// before the cutoff that cond (over site, assignee and flag) admits.
func overdueCounts(ctx context.Context, tx tracedTx, cond string, args []any, cutoff string) ([2]int, error) {
	var out [2]int
	rows, err := tx.QueryContext(ctx, `SELECT safeguarding, count(*) FROM referrals INDEXED BY referrals_sent
		WHERE `+cond+` AND state = 'sent' AND sent_at < ? GROUP BY safeguarding`, append(append([]any{}, args...), cutoff)...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var sg, c int
		if err := rows.Scan(&sg, &c); err != nil {
			return out, err
		}
		out[sg&1] += c
	}
	return out, rows.Err()
}

// runCounts counts each run's referrals. Four plain counts, each read
// from an index, cost far less than one pass summing expressions per row.
func runCounts(ctx context.Context, tx tracedTx, cond string, args []any, cutoff string) ([4]int, error) {
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
	cutoff := fmtTime(f.OverdueBefore())
	var out []referral.Referral
	var total int
	err := db.readTx(ctx, func(sqlTx *sql.Tx) error {
		tx := tracedTx{sqlTx, db.onQuery}
		var search string
		var searchArgs []any
		if strings.TrimSpace(f.Q) != "" {
			var err error
			if search, searchArgs, err = searchSet(ctx, tx, a.Site, f); err != nil {
				return err
			}
		}
		cond, args := worklistWhere(a.Site, f, cutoff, search, searchArgs)
		counts, err := worklistCounts(ctx, tx, a.Site, f, cond, args, cutoff)
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
			rs, err := db.worklistRun(ctx, tx, runIndex(f), cond+" AND "+run, append(append([]any{}, args...), cutoff), want, skip)
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

// runIndex names the index a run of open work is read from in order:
// the planner, left alone, takes the index of every referral and steps
// over the finished ones. A search leads with its ids instead.
func runIndex(f app.ReferralFilter) string {
	if f.Open && strings.TrimSpace(f.Q) == "" && f.Overdue == nil {
		return "INDEXED BY referrals_worklist_open"
	}
	return ""
}

// worklistRun reads up to limit referrals of one run, oldest first.
func (db *DB) worklistRun(ctx context.Context, tx tracedTx, index, cond string, args []any, limit, offset int) ([]referral.Referral, error) {
	// The run's ids are chosen from the indexes alone; only the page's
	// rows are read whole (and their screenings for the names).
	rows, err := tx.QueryContext(ctx, referralColumns+` WHERE r.id IN (SELECT r.id FROM referrals r `+index+` WHERE `+cond+
		` ORDER BY r.created_at, r.id LIMIT ? OFFSET ?) ORDER BY r.created_at, r.id`, append(args, limit, offset)...)
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
