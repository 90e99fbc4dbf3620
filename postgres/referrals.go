package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

// loadScreening reads a screening's stored result and request inside tx;
// lock takes the screening's row until tx ends, so that what is decided
// from it (a concern raised once) is decided by one transaction at a time.
func loadScreening(ctx context.Context, tx pgx.Tx, site, id string, lock bool) (*screening.Result, *screening.Request, error) {
	q := `SELECT result, request FROM screenings WHERE site_id = $1 AND id = $2`
	if lock {
		q += ` FOR UPDATE`
	}
	var resJSON, reqJSON string
	err := tx.QueryRow(ctx, q, site, id).Scan(&resJSON, &reqJSON)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, kith.Invalid(kith.FieldError{Field: "screening_id", Message: "no such screening in this site"})
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load screening: %w", err)
	}
	var st app.StoredScreening
	var req screening.Request
	if err := json.Unmarshal([]byte(resJSON), &st); err != nil {
		return nil, nil, fmt.Errorf("decode screening: %w", err)
	}
	if err := json.Unmarshal([]byte(reqJSON), &req); err != nil {
		return nil, nil, fmt.Errorf("decode screening request: %w", err)
	}
	return st.Result, &req, nil
}

func (db *DB) insertHistory(ctx context.Context, tx pgx.Tx, a kith.Actor, id string, from, to referral.State, reason, note string) error {
	_, err := tx.Exec(ctx, `INSERT INTO referral_history (site_id, referral_id, at, actor, from_state, to_state, reason, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.Site, id, db.now(), a.Ref(), string(from), string(to), reason, note)
	if err != nil {
		return fmt.Errorf("record transition: %w", err)
	}
	return nil
}

// insertReferral opens a referral to one of the site's live services in
// tx (one statement: the service is checked by the insert itself) and
// records its first entry.
func (db *DB) insertReferral(ctx context.Context, tx pgx.Tx, a kith.Actor, screeningID, serviceID string, safeguarding, redFlags bool, from string) (string, error) {
	u, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	id, now := u.String(), db.now()
	// The worklist finds the person by a lower-case copy of their name,
	// lowered here as package sqlite lowers it (and the search's words).
	var name string
	if err := tx.QueryRow(ctx, `SELECT coalesce(request::jsonb #>> '{person,name}', '') FROM screenings WHERE site_id = $1 AND id = $2`,
		a.Site, screeningID).Scan(&name); err != nil {
		return "", fmt.Errorf("read the person's name: %w", err)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO referrals (id, site_id, screening_id, service_id, state, safeguarding, red_flags,
		rerouted_from, created_at, updated_at, state_at, created_by, search_name)
		SELECT $1, $2, $3, $4, 'new', $5, $6, $7, $8, $8, $8, $9, $10 FROM services
		WHERE site_id = $2 AND id = $4 AND deleted_at IS NULL`,
		id, a.Site, screeningID, serviceID, safeguarding, redFlags, nullString(from), now, a.Ref(), strings.ToLower(name))
	if err != nil {
		return "", fmt.Errorf("create referral: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return "", kith.Invalid(kith.FieldError{Field: "service_id", Message: "no such service in this site's directory"})
	}
	if err := db.insertHistory(ctx, tx, a, id, "", referral.New, "", ""); err != nil {
		return "", err
	}
	return id, db.insertAudit(ctx, tx, a, "create", "referral", id)
}

// CreateReferral opens a referral from a screening to a service, if
// referral.OpenFrom allows it against the screening as it is in the
// transaction.
func (db *DB) CreateReferral(ctx context.Context, a kith.Actor, screeningID, serviceID string) (string, error) {
	var id string
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		// The screening's row is locked before it is read, so a
		// best-interest decision recorded meanwhile (which takes the same
		// row) is decided before or after this check, never during it.
		res, req, err := loadScreening(ctx, tx, a.Site, screeningID, true)
		if err != nil {
			return err
		}
		var bi bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM best_interest_decisions
			WHERE site_id = $1 AND screening_id = $2 AND decision = 'refer')`, a.Site, screeningID).Scan(&bi); err != nil {
			return fmt.Errorf("best-interest decision: %w", err)
		}
		o, err := referral.OpenFrom(res, req, bi)
		if err != nil {
			return err
		}
		return db.recount(ctx, tx, a.Site, screeningID, func() error {
			if id, err = db.insertReferral(ctx, tx, a, screeningID, serviceID, o.Safeguarding, o.RedFlags, ""); err != nil {
				return err
			}
			if _, err = tx.Exec(ctx, `UPDATE concerns SET referral_id = coalesce(referral_id, $1) WHERE site_id = $2 AND screening_id = $3`,
				id, a.Site, screeningID); err != nil {
				return fmt.Errorf("link concern to referral: %w", err)
			}
			return nil
		})
	})
	return id, err
}

const sqlReferralColumns = `SELECT r.id, r.screening_id, coalesce(sc.request::jsonb #>> '{person,name}', ''), r.service_id,
	coalesce(s.name, ''), r.state, r.assignee, r.safeguarding, r.red_flags, coalesce(r.rerouted_from, ''),
	coalesce(r.rerouted_to, ''), r.outcome, r.loneliness_change, r.created_at, r.updated_at, r.state_at, r.sent_at
	FROM referrals r LEFT JOIN services s ON s.site_id = r.site_id AND s.id = r.service_id
	LEFT JOIN screenings sc ON sc.site_id = r.site_id AND sc.id = r.screening_id`

// referralDest are the scan targets of sqlReferralColumns.
type referralDest struct {
	r               referral.Referral
	state           string
	outcome, change *string
}

func (d *referralDest) targets() []any {
	r := &d.r
	return []any{&r.ID, &r.ScreeningID, &r.PersonName, &r.ServiceID, &r.ServiceName, &d.state, &r.Assignee, &r.Safeguarding,
		&r.RedFlags, &r.ReroutedFrom, &r.ReroutedTo, &d.outcome, &d.change, &r.CreatedAt, &r.UpdatedAt, &r.StateAt, &r.SentAt}
}

// finish decodes what the columns hold and returns the referral.
func (d *referralDest) finish() (referral.Referral, error) {
	r := d.r
	r.State = referral.State(d.state)
	r.CreatedAt, r.UpdatedAt, r.StateAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC(), r.StateAt.UTC()
	if r.SentAt != nil {
		s := r.SentAt.UTC()
		r.SentAt = &s
	}
	if d.outcome != nil {
		r.Outcome = &referral.Outcome{}
		if err := json.Unmarshal([]byte(*d.outcome), r.Outcome); err != nil {
			return r, err
		}
	}
	if d.change != nil {
		r.Change = &referral.Change{}
		if err := json.Unmarshal([]byte(*d.change), r.Change); err != nil {
			return r, err
		}
	}
	r.FHIRStatus = referral.FHIRStatus(r.State)
	return r, nil
}

func scanReferral(row pgx.Row) (referral.Referral, error) {
	d := &referralDest{}
	if err := row.Scan(d.targets()...); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return d.r, errNotFound("Referral")
		}
		return d.r, fmt.Errorf("read referral: %w", err)
	}
	return d.finish()
}

// Referral returns one referral with its history, notes, attempts and tasks.
func (db *DB) Referral(ctx context.Context, a kith.Actor, id string) (referral.Referral, error) {
	var r referral.Referral
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		if r, err = scanReferral(tx.QueryRow(ctx, sqlReferralColumns+` WHERE r.site_id = $1 AND r.id = $2`, a.Site, id)); err != nil {
			return err
		}
		return referralDetail(ctx, tx, a.Site, &r)
	})
	if err != nil {
		return r, err
	}
	return r, db.AuditRead(ctx, a, "referral", id)
}

// referralDetail reads a referral's history, notes, attempts and tasks.
func referralDetail(ctx context.Context, tx pgx.Tx, site string, r *referral.Referral) error {
	r.History, r.Notes, r.Attempts, r.Tasks = []referral.Entry{}, []referral.Note{}, []referral.Attempt{}, []referral.Task{}
	var e referral.Entry
	var from, to string
	err := forEach(ctx, tx, `SELECT from_state, to_state, at, actor, reason, note FROM referral_history
		WHERE site_id = $1 AND referral_id = $2 ORDER BY id`, []any{site, r.ID}, []any{&from, &to, &e.At, &e.Actor, &e.Reason, &e.Note}, func() {
		e.From, e.To, e.At = referral.State(from), referral.State(to), e.At.UTC()
		r.History = append(r.History, e)
	})
	if err != nil {
		return err
	}
	var n referral.Note
	err = forEach(ctx, tx, `SELECT at, actor, note FROM referral_notes WHERE site_id = $1 AND referral_id = $2 ORDER BY id`,
		[]any{site, r.ID}, []any{&n.At, &n.Actor, &n.Note}, func() { n.At = n.At.UTC(); r.Notes = append(r.Notes, n) })
	if err != nil {
		return err
	}
	var x referral.Attempt
	err = forEach(ctx, tx, `SELECT at, actor, result, note FROM contact_attempts WHERE site_id = $1 AND referral_id = $2 ORDER BY id`,
		[]any{site, r.ID}, []any{&x.At, &x.Actor, &x.Result, &x.Note}, func() { x.At = x.At.UTC(); r.Attempts = append(r.Attempts, x) })
	if err != nil {
		return err
	}
	var k referral.Task
	var done *time.Time
	return forEach(ctx, tx, `SELECT id, kind, created_at, done_at FROM tasks WHERE site_id = $1 AND referral_id = $2 ORDER BY id`,
		[]any{site, r.ID}, []any{&k.ID, &k.Kind, &k.CreatedAt, &done}, func() {
			k.CreatedAt, k.DoneAt = k.CreatedAt.UTC(), nil
			if done != nil {
				d := done.UTC()
				k.DoneAt = &d
			}
			r.Tasks = append(r.Tasks, k)
		})
}

// forEach runs q and calls fn after scanning each row into dest.
func forEach(ctx context.Context, tx pgx.Tx, q string, args, dest []any, fn func()) error {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	_, err = pgx.ForEachRow(rows, dest, func() error { fn(); return nil })
	return err
}

// sqlOverdue is a referral sent before the cutoff (the argument named by
// the placeholder): referral.OverdueCutoff turns working days into that
// instant, so being overdue is a plain comparison an index can serve.
func sqlOverdue(placeholder string) string {
	return `(r.state = 'sent' AND r.sent_at IS NOT NULL AND r.sent_at < ` + placeholder + `)`
}

// worklistWhere is the filter f asks for.
func worklistWhere(site string, f app.ReferralFilter, cutoff time.Time) *where {
	w := &where{}
	w.add("r.site_id = ?", site)
	for _, c := range []struct{ col, v string }{{"r.state", f.State}, {"r.assignee", f.Assignee}, {"r.service_id", f.ServiceID}} {
		if c.v != "" {
			w.add(c.col+" = ?", c.v)
		}
	}
	if f.Open {
		w.add("r.state <> ALL(?)", finalStates())
	}
	if f.Overdue != nil {
		if *f.Overdue {
			w.add(sqlOverdue("?"), cutoff)
		} else {
			w.add("NOT "+sqlOverdue("?"), cutoff)
		}
	}
	if f.Safeguarding != nil {
		w.add("r.safeguarding = ?", *f.Safeguarding)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		// By name (any part, any case) or by the letters' reference
		// (R-1a2b3c4d: the end of the id).
		ref := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(q, "R-"), "r-"))
		w.add(`(r.search_name LIKE ? ESCAPE '\'`, "%"+likeEscape(strings.ToLower(q))+"%")
		w.args = append(w.args, "%"+likeEscape(ref))
		w.conds[len(w.conds)-1] += ` OR r.id LIKE $` + strconv.Itoa(len(w.args)) + ` ESCAPE '\')`
	}
	return w
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ListReferrals returns a page of the site's referrals as a navigator's
// worklist, in referral.Less order: safeguarding first, then expired or
// overdue, then oldest. The order, the filters and the page are all the
// query's.
func (db *DB) ListReferrals(ctx context.Context, a kith.Actor, f app.ReferralFilter) ([]referral.Referral, int, error) {
	cutoff := referral.OverdueCutoff(f.Now, f.Thresholds.OrDefault().Overdue)
	w := worklistWhere(a.Site, f, cutoff)
	var out []referral.Referral
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM referrals r WHERE `+w.String(), w.args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sqlReferralColumns+` WHERE `+w.String()+` ORDER BY r.safeguarding DESC,
			(r.state = 'expired' OR `+sqlOverdue(w.next(1))+`) DESC, r.created_at, r.id LIMIT `+w.next(2)+` OFFSET `+w.next(3),
			append(w.args, cutoff, f.Page.Size, f.Page.Offset())...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (referral.Referral, error) { return scanReferral(r) })
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list referrals: %w", err)
	}
	if err := db.AuditRead(ctx, a, "referral_list", ""); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// ScreeningReferralIDs lists the referrals made from a screening.
func (db *DB) ScreeningReferralIDs(ctx context.Context, site, screeningID string) ([]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT id FROM referrals WHERE site_id = $1 AND screening_id = $2 ORDER BY created_at, id`, site, screeningID)
	if err != nil {
		return nil, fmt.Errorf("screening referrals: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("screening referrals: %w", err)
	}
	return ids, nil
}
