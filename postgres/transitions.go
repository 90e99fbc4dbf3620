package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

// Transition moves a referral as referral.Plan says, against the row as it
// is, locked (FOR UPDATE) until the move commits: a move raced on two
// instances is planned by the second against what the first left, so it
// makes one history row or is refused. Who, when, from, to, reason and
// note are recorded with the move's effects and messages in the same
// transaction.
func (db *DB) Transition(ctx context.Context, a kith.Actor, id string, m referral.Move, raise *app.NewConcern, queue ...app.Message) (app.TransitionResult, error) {
	var out app.TransitionResult
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		screeningID, err := screeningOf(ctx, tx, "referrals", a.Site, id, "Referral")
		if err != nil {
			return err
		}
		// The screening's row is locked before the referral's (recount),
		// the order every change takes, so two never wait on each other.
		return db.recount(ctx, tx, a.Site, screeningID, func() error {
			out, err = db.move(ctx, tx, a, id, m, raise, queue)
			return err
		})
	})
	return out, err
}

// move is Transition's work once the screening is locked.
func (db *DB) move(ctx context.Context, tx pgx.Tx, a kith.Actor, id string, m referral.Move, raise *app.NewConcern, queue []app.Message) (app.TransitionResult, error) {
	var out app.TransitionResult
	r, err := scanReferral(tx.QueryRow(ctx, sqlReferralColumns+` WHERE r.site_id = $1 AND r.id = $2 FOR UPDATE OF r`, a.Site, id))
	if err != nil {
		return out, err
	}
	var first *screening.Result
	if referral.NeedsScreening(m) {
		if first, _, err = loadScreening(ctx, tx, a.Site, r.ScreeningID, false); err != nil {
			return out, err
		}
	}
	e, err := referral.Plan(r, m, a.Ref(), first)
	if err != nil {
		return out, err
	}
	if out, err = db.applyMove(ctx, tx, a, r, m.To, e, raise); err != nil {
		return out, err
	}
	if err := db.insertHistory(ctx, tx, a, id, r.State, m.To, e.HistoryReason, m.Note); err != nil {
		return out, err
	}
	if err := db.insertOutbox(ctx, tx, a.Site, id, queue); err != nil {
		return out, err
	}
	return out, db.insertAudit(ctx, tx, a, "transition:"+string(m.To), "referral", id)
}

// applyMove writes a move's new state and its effects.
func (db *DB) applyMove(ctx context.Context, tx pgx.Tx, a kith.Actor, r referral.Referral, to referral.State, e referral.Effects,
	raise *app.NewConcern) (app.TransitionResult, error) {
	var out app.TransitionResult
	now := db.now()
	w := &where{} // used for its numbering: SET items, not conditions
	w.add("state = ?", string(to))
	w.add("state_at = ?", now)
	w.add("updated_at = ?", now)
	if e.Assignee != "" {
		w.add("assignee = ?", e.Assignee)
	}
	if e.Sent {
		w.add("sent_at = ?", now)
		w.conds = append(w.conds, "nudged_at = NULL")
	}
	if e.RerouteTo != "" {
		newID, err := db.insertReferral(ctx, tx, a, r.ScreeningID, e.RerouteTo, r.Safeguarding, r.RedFlags, r.ID)
		if err != nil {
			return out, err
		}
		out.NewReferralID = newID
		w.add("rerouted_to = ?", newID)
	}
	if e.RaiseConcern {
		ref, err := db.ensureConcern(ctx, tx, a, r.ScreeningID, raise)
		if err != nil {
			return out, err
		}
		out.ConcernRef = ref
	}
	if e.Task != "" {
		if err := db.addTask(ctx, tx, a, r.ID, e.Task); err != nil {
			return out, err
		}
	}
	if e.RevokeLink {
		if _, err := tx.Exec(ctx, `UPDATE provider_links SET revoked_at = $1 WHERE site_id = $2 AND referral_id = $3 AND revoked_at IS NULL`,
			now, a.Site, r.ID); err != nil {
			return out, fmt.Errorf("revoke provider link: %w", err)
		}
	}
	if e.Outcome != nil {
		ob, _ := json.Marshal(e.Outcome)
		w.add("outcome = ?", string(ob))
	}
	if e.Change != nil {
		cb, _ := json.Marshal(e.Change)
		w.add("loneliness_change = ?", string(cb))
	}
	_, err := tx.Exec(ctx, `UPDATE referrals SET `+strings.Join(w.conds, ", ")+` WHERE site_id = `+w.next(1)+` AND id = `+w.next(2),
		append(w.args, a.Site, r.ID)...)
	if err != nil {
		return out, fmt.Errorf("move referral: %w", err)
	}
	return out, nil
}

func (db *DB) addTask(ctx context.Context, tx pgx.Tx, a kith.Actor, referralID, kind string) error {
	if _, err := tx.Exec(ctx, `INSERT INTO tasks (site_id, referral_id, kind, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (referral_id, kind) DO NOTHING`, a.Site, referralID, kind, db.now()); err != nil {
		return fmt.Errorf("add task: %w", err)
	}
	return db.insertAudit(ctx, tx, a, "create:"+kind, "referral", referralID)
}

// lockReferral takes a referral of the site's row until tx ends.
func lockReferral(ctx context.Context, tx pgx.Tx, site, id string) error {
	tag, err := tx.Exec(ctx, `SELECT 1 FROM referrals WHERE site_id = $1 AND id = $2 FOR UPDATE`, site, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return errNotFound("Referral")
	}
	return nil
}

// AddNote records a navigator's note.
func (db *DB) AddNote(ctx context.Context, a kith.Actor, id, note string) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO referral_notes (site_id, referral_id, at, actor, note)
			SELECT site_id, id, $3, $4, $5 FROM referrals WHERE site_id = $1 AND id = $2`, a.Site, id, db.now(), a.Ref(), note)
		if err != nil {
			return fmt.Errorf("add note: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errNotFound("Referral")
		}
		return db.insertAudit(ctx, tx, a, "note", "referral", id)
	})
}

// AddAttempt records an attempt to contact the person; when
// referral.WelfareCheckDue says so, a welfare check task. The referral's
// row is locked, so attempts recorded at once on two instances are
// counted one after the other.
func (db *DB) AddAttempt(ctx context.Context, a kith.Actor, id, result, note string) (bool, error) {
	var welfare bool
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		if err := lockReferral(ctx, tx, a.Site, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO contact_attempts (site_id, referral_id, at, actor, result, note) VALUES ($1, $2, $3, $4, $5, $6)`,
			a.Site, id, db.now(), a.Ref(), result, note); err != nil {
			return fmt.Errorf("add attempt: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT result FROM contact_attempts WHERE site_id = $1 AND referral_id = $2 ORDER BY id`, a.Site, id)
		if err != nil {
			return fmt.Errorf("contact attempts: %w", err)
		}
		results, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("contact attempts: %w", err)
		}
		if referral.WelfareCheckDue(results) {
			welfare = true
			if err := db.addTask(ctx, tx, a, id, referral.TaskWelfareCheck); err != nil {
				return err
			}
		}
		return db.insertAudit(ctx, tx, a, "contact_attempt", "referral", id)
	})
	return welfare, err
}

// ensureConcern returns the screening's concern reference, raising the
// concern the application gave (with a new reference) when the screening
// had none. The screening's row is locked first, so two instances cannot
// both raise one (and the unique (site, screening) index would refuse the
// second).
func (db *DB) ensureConcern(ctx context.Context, tx pgx.Tx, a kith.Actor, screeningID string, raise *app.NewConcern) (string, error) {
	if _, _, err := loadScreening(ctx, tx, a.Site, screeningID, true); err != nil {
		return "", err
	}
	var refs []string
	rows, err := tx.Query(ctx, `SELECT reference FROM concerns WHERE site_id = $1 AND screening_id = $2`, a.Site, screeningID)
	if err == nil {
		refs, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return "", fmt.Errorf("find concern: %w", err)
	}
	if len(refs) > 0 {
		return refs[0], nil
	}
	if raise == nil || raise.Concern.ScreeningID != screeningID {
		return "", fmt.Errorf("raise concern: no concern for screening %s was given", screeningID)
	}
	n, err := db.nextCounter(ctx, tx, a.Site, "concern")
	if err != nil {
		return "", err
	}
	ref := referral.ConcernReference(db.now(), n)
	return ref, db.insertConcern(ctx, tx, a, *raise, ref)
}

// SentReferrals returns every site's referrals waiting on a provider, for
// the timers.
func (db *DB) SentReferrals(ctx context.Context) ([]app.SiteReferral, error) {
	rows, err := db.pool.Query(ctx, strings.Replace(sqlReferralColumns, "SELECT r.id", "SELECT r.site_id, r.id", 1)+
		` WHERE r.state = 'sent' ORDER BY r.site_id, r.sent_at, r.id`)
	if err != nil {
		return nil, fmt.Errorf("sent referrals: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (app.SiteReferral, error) {
		var site string
		d := &referralDest{}
		if err := row.Scan(append([]any{&site}, d.targets()...)...); err != nil {
			return app.SiteReferral{}, err
		}
		r, err := d.finish()
		return app.SiteReferral{Site: site, Referral: r}, err
	})
	if err != nil {
		return nil, fmt.Errorf("sent referrals: %w", err)
	}
	return out, nil
}

// MarkNudged records that the provider was nudged, once per sending: the
// update's condition is the compare-and-set, so a timer firing on two
// instances nudges once and queues one message.
func (db *DB) MarkNudged(ctx context.Context, a kith.Actor, id string, queue ...app.Message) (bool, error) {
	var changed bool
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE referrals SET nudged_at = $1 WHERE site_id = $2 AND id = $3 AND state = 'sent' AND nudged_at IS NULL`,
			db.now(), a.Site, id)
		if err != nil {
			return err
		}
		if changed = tag.RowsAffected() > 0; !changed {
			return nil
		}
		if err := db.insertOutbox(ctx, tx, a.Site, id, queue); err != nil {
			return err
		}
		return db.insertAudit(ctx, tx, a, "nudge", "referral", id)
	})
	return changed, err
}
