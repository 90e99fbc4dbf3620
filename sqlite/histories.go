package sqlite

import (
	"context"
	"strings"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/referral"
)

// Histories reads the moves of a's site's referrals named by ids, oldest
// first, in one query.
func (db *DB) Histories(ctx context.Context, a kith.Actor, ids []string) (map[string][]referral.Entry, error) {
	out := make(map[string][]referral.Entry, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{a.Site}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT referral_id, from_state, to_state, at, actor, reason, note FROM referral_history
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
