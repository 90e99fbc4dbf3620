package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/referral"
)

// Histories reads the moves of a's site's referrals named by ids, oldest
// first, in one query.
func (db *DB) Histories(ctx context.Context, a kith.Actor, ids []string) (map[string][]referral.Entry, error) {
	return histories(ctx, db.read, a.Site, ids)
}

// querier is what histories reads through: the pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// histories reads the moves of site's referrals named by ids, oldest first.
func histories(ctx context.Context, q querier, site string, ids []string) (map[string][]referral.Entry, error) {
	out := make(map[string][]referral.Entry, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{site}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT referral_id, from_state, to_state, at, actor, reason, note FROM referral_history
		WHERE site_id = ? AND referral_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) ORDER BY referral_id, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, at string
		var e referral.Entry
		if err := rows.Scan(&id, &e.From, &e.To, &at, &e.Actor, &e.Reason, &e.Note); err != nil {
			return nil, err
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out[id] = append(out[id], e)
	}
	return out, rows.Err()
}
