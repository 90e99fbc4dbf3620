package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/referral"
)

// Histories reads the moves of a's site's referrals named by ids, oldest
// first, in one query.
func (db *DB) Histories(ctx context.Context, a kith.Actor, ids []string) (map[string][]referral.Entry, error) {
	return histories(ctx, db.pool, a.Site, ids)
}

// histories reads the moves of site's referrals named by ids, oldest first,
// through the pool or a transaction.
func histories(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, site string, ids []string) (map[string][]referral.Entry, error) {
	out := make(map[string][]referral.Entry, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT referral_id, from_state, to_state, at, actor, reason, note FROM referral_history
		WHERE site_id = $1 AND referral_id = ANY($2) ORDER BY referral_id, id`, site, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, from, to string
		var e referral.Entry
		if err := rows.Scan(&id, &from, &to, &e.At, &e.Actor, &e.Reason, &e.Note); err != nil {
			return nil, err
		}
		e.From, e.To, e.At = referral.State(from), referral.State(to), e.At.UTC()
		out[id] = append(out[id], e)
	}
	return out, rows.Err()
}
