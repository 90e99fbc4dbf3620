package sqlite

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// SummaryByScan is the row-reading summary, the aggregates' oracle.
var SummaryByScan = (*DB).summaryByScan

// ExecForTest runs a statement on the writer, for tests that change rows
// the way a hand edit or a future feature might.
func (db *DB) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := db.write.ExecContext(ctx, q, args...)
	return err
}

// ReportSnapshot returns every report aggregate row whose counters are not
// all zero (a trigger leaves zeroed rows behind; a rebuild makes none), as
// text, table by table, in key order.
func (db *DB) ReportSnapshot(ctx context.Context) (map[string][]string, error) {
	out := map[string][]string{}
	for _, table := range reportTables {
		rows, err := db.read.QueryContext(ctx, `SELECT * FROM `+table+` `)
		if err != nil {
			return nil, err
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			zero := table != "report_referral_facts"
			var parts []string
			for i, c := range cols {
				parts = append(parts, fmt.Sprintf("%s=%v", c, vals[i]))
				if counter(c) && fmt.Sprint(vals[i]) != "0" {
					zero = false
				}
			}
			if !zero {
				out[table] = append(out[table], strings.Join(parts, " "))
			}
		}
		rows.Close()
		sort.Strings(out[table])
	}
	return out, nil
}

func counter(col string) bool {
	switch col {
	case "n", "referrals", "sent", "accepted", "declined", "engaged", "closed", "sum", "sumsq", "lonely_first", "moved":
		return true
	}
	return false
}

// SchemaNamesForTest lists the schema's objects of a kind whose names are
// LIKE pattern.
func (db *DB) SchemaNamesForTest(ctx context.Context, kind, pattern string) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = ? AND name LIKE ? ORDER BY name`, kind, pattern)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
