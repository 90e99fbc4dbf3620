package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

// loadScreening reads a screening's stored result and request inside tx.
func loadScreening(ctx context.Context, tx *sql.Tx, site, id string) (*screening.Result, *screening.Request, error) {
	var resJSON, reqJSON string
	err := tx.QueryRowContext(ctx, `SELECT result, request FROM screenings WHERE site_id = ? AND id = ?`, site, id).Scan(&resJSON, &reqJSON)
	if errors.Is(err, sql.ErrNoRows) {
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

func (db *DB) insertHistory(ctx context.Context, tx *sql.Tx, a kith.Actor, id string, from, to referral.State, reason, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO referral_history (site_id, referral_id, at, actor, from_state, to_state, reason, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.Site, id, fmtTime(db.now()), a.Ref(), string(from), string(to), reason, note)
	if err != nil {
		return fmt.Errorf("record transition: %w", err)
	}
	return nil
}

// insertReferral opens a referral in tx and records its first entry.
func (db *DB) insertReferral(ctx context.Context, tx *sql.Tx, a kith.Actor, screeningID, serviceID string, safeguarding, redFlags bool, from string) (string, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM services WHERE site_id = ? AND id = ? AND deleted_at IS NULL`, a.Site, serviceID).Scan(&n); err != nil {
		return "", fmt.Errorf("find service: %w", err)
	}
	if n == 0 {
		return "", kith.Invalid(kith.FieldError{Field: "service_id", Message: "no such service in this site's directory"})
	}
	u, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	id, now := u.String(), fmtTime(db.now())
	var name sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT json_extract(request, '$.person.name') FROM screenings WHERE site_id = ? AND id = ?`, a.Site, screeningID).Scan(&name); err != nil {
		return "", fmt.Errorf("read the person's name: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO referrals (id, site_id, screening_id, service_id, state, safeguarding, red_flags,
		rerouted_from, created_at, updated_at, state_at, created_by, search_name, reference) VALUES (?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, a.Site, screeningID, serviceID, boolInt(safeguarding), boolInt(redFlags), nullString(from), now, now, now, a.Ref(),
		strings.ToLower(name.String), app.ReferralReference(id)); err != nil {
		return "", fmt.Errorf("create referral: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE screenings SET awaiting = 0 WHERE site_id = ? AND id = ? AND awaiting = 1`, a.Site, screeningID); err != nil {
		return "", fmt.Errorf("take the screening off the waiting list: %w", err)
	}
	if err := db.insertHistory(ctx, tx, a, id, "", referral.New, "", ""); err != nil {
		return "", err
	}
	return id, db.insertAudit(ctx, tx, a, "create", "referral", id)
}

// CreateReferral opens a referral from a screening to a service, if
// referral.Open allows it against the screening as it is in the
// transaction.
func (db *DB) CreateReferral(ctx context.Context, a kith.Actor, screeningID, serviceID string) (string, error) {
	var id string
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		res, req, err := loadScreening(ctx, tx, a.Site, screeningID)
		if err != nil {
			return err
		}
		bi, err := bestInterestRefer(ctx, tx, a.Site, screeningID)
		if err != nil {
			return err
		}
		o, err := referral.OpenFrom(res, req, bi)
		if err != nil {
			return err
		}
		id, err = db.insertReferral(ctx, tx, a, screeningID, serviceID, o.Safeguarding, o.RedFlags, "")
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE concerns SET referral_id = coalesce(referral_id, ?) WHERE site_id = ? AND screening_id = ?`, id, a.Site, screeningID)
		if err != nil {
			return fmt.Errorf("link concern to referral: %w", err)
		}
		return err
	})
	return id, err
}

const referralColumns = `SELECT r.id, r.screening_id, coalesce(json_extract(sc.request, '$.person.name'), ''), r.service_id, coalesce(s.name, ''),
	r.state, r.assignee, r.safeguarding, r.red_flags,
	coalesce(r.rerouted_from, ''), coalesce(r.rerouted_to, ''), r.outcome, r.loneliness_change, r.created_at, r.updated_at, r.state_at, r.sent_at
	FROM referrals r LEFT JOIN services s ON s.site_id = r.site_id AND s.id = r.service_id
	LEFT JOIN screenings sc ON sc.site_id = r.site_id AND sc.id = r.screening_id`

func scanReferral(row rowScanner) (referral.Referral, error) {
	var r referral.Referral
	var state, created, updated, stateAt string
	var sg, rf int
	var outcome, change, sent sql.NullString
	if err := row.Scan(&r.ID, &r.ScreeningID, &r.PersonName, &r.ServiceID, &r.ServiceName, &state, &r.Assignee, &sg, &rf, &r.ReroutedFrom, &r.ReroutedTo,
		&outcome, &change, &created, &updated, &stateAt, &sent); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return r, errNotFound("Referral")
		}
		return r, fmt.Errorf("read referral: %w", err)
	}
	r.State, r.Safeguarding, r.RedFlags = referral.State(state), sg == 1, rf == 1
	var err error
	if r.CreatedAt, err = parseTime(created); err != nil {
		return r, err
	}
	if r.UpdatedAt, err = parseTime(updated); err != nil {
		return r, err
	}
	if r.StateAt, err = parseTime(stateAt); err != nil {
		return r, err
	}
	if r.SentAt, err = parseNullTime(sent); err != nil {
		return r, err
	}
	if outcome.Valid {
		r.Outcome = &referral.Outcome{}
		if err := json.Unmarshal([]byte(outcome.String), r.Outcome); err != nil {
			return r, err
		}
	}
	if change.Valid {
		r.Change = &referral.Change{}
		if err := json.Unmarshal([]byte(change.String), r.Change); err != nil {
			return r, err
		}
	}
	return r, nil
}

// Referral returns one referral with its history, notes, attempts and tasks.
func (db *DB) Referral(ctx context.Context, a kith.Actor, id string) (referral.Referral, error) {
	var r referral.Referral
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if r, err = scanReferral(tx.QueryRowContext(ctx, referralColumns+` WHERE r.site_id = ? AND r.id = ?`, a.Site, id)); err != nil {
			return err
		}
		return db.referralDetail(ctx, tx, a.Site, &r)
	})
	if err != nil {
		return r, err
	}
	return r, db.AuditRead(ctx, a, "referral", id)
}

func (db *DB) referralDetail(ctx context.Context, tx *sql.Tx, site string, r *referral.Referral) error {
	r.History, r.Notes, r.Attempts, r.Tasks = []referral.Entry{}, []referral.Note{}, []referral.Attempt{}, []referral.Task{}
	rows, err := tx.QueryContext(ctx, `SELECT from_state, to_state, at, actor, reason, note FROM referral_history
		WHERE site_id = ? AND referral_id = ? ORDER BY id`, site, r.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var e referral.Entry
		var from, to, at string
		if err := rows.Scan(&from, &to, &at, &e.Actor, &e.Reason, &e.Note); err != nil {
			rows.Close()
			return err
		}
		e.From, e.To = referral.State(from), referral.State(to)
		if e.At, err = parseTime(at); err != nil {
			rows.Close()
			return err
		}
		r.History = append(r.History, e)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT at, actor, note FROM referral_notes WHERE site_id = ? AND referral_id = ? ORDER BY id`, site, r.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var n referral.Note
		var at string
		if err := rows.Scan(&at, &n.Actor, &n.Note); err != nil {
			rows.Close()
			return err
		}
		n.At, _ = parseTime(at)
		r.Notes = append(r.Notes, n)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT at, actor, result, note FROM contact_attempts WHERE site_id = ? AND referral_id = ? ORDER BY id`, site, r.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var at string
		var x referral.Attempt
		if err := rows.Scan(&at, &x.Actor, &x.Result, &x.Note); err != nil {
			rows.Close()
			return err
		}
		x.At, _ = parseTime(at)
		r.Attempts = append(r.Attempts, x)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT id, kind, created_at, done_at FROM tasks WHERE site_id = ? AND referral_id = ? ORDER BY id`, site, r.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var t referral.Task
		var at string
		var done sql.NullString
		if err := rows.Scan(&t.ID, &t.Kind, &at, &done); err != nil {
			return err
		}
		t.CreatedAt, _ = parseTime(at)
		t.DoneAt, _ = parseNullTime(done)
		r.Tasks = append(r.Tasks, t)
	}
	return rows.Err()
}

// ScreeningReferralIDs lists the referrals made from a screening.
func (db *DB) ScreeningReferralIDs(ctx context.Context, site, screeningID string) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM referrals WHERE site_id = ? AND screening_id = ?`, site, screeningID)
	if err != nil {
		return nil, fmt.Errorf("screening referrals: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Transition moves a referral as referral.Plan says, against the row as it
// is in the transaction, and records who, when, from, to, reason and note
// with the move's effects and messages in the same transaction.
func (db *DB) Transition(ctx context.Context, a kith.Actor, id string, m referral.Move, raise *app.NewConcern, queue ...app.Message) (app.TransitionResult, error) {
	var out app.TransitionResult
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		r, err := scanReferral(tx.QueryRowContext(ctx, referralColumns+` WHERE r.site_id = ? AND r.id = ?`, a.Site, id))
		if err != nil {
			return err
		}
		var first *screening.Result
		if referral.NeedsScreening(m) {
			if first, _, err = loadScreening(ctx, tx, a.Site, r.ScreeningID); err != nil {
				return err
			}
		}
		e, err := referral.Plan(r, m, a.Ref(), first)
		if err != nil {
			return err
		}
		if out, err = db.applyMove(ctx, tx, a, r, m.To, e, raise); err != nil {
			return err
		}
		if err := db.insertHistory(ctx, tx, a, id, r.State, m.To, e.HistoryReason, m.Note); err != nil {
			return err
		}
		for _, msg := range queue {
			msg.ReferralID = id
			if err := db.insertOutbox(ctx, tx, a.Site, msg); err != nil {
				return err
			}
		}
		return db.insertAudit(ctx, tx, a, "transition:"+string(m.To), "referral", id)
	})
	return out, err
}

// applyMove writes a move's new state and its effects.
func (db *DB) applyMove(ctx context.Context, tx *sql.Tx, a kith.Actor, r referral.Referral, to referral.State, e referral.Effects, raise *app.NewConcern) (app.TransitionResult, error) {
	var out app.TransitionResult
	now := fmtTime(db.now())
	sets := []string{"state = ?", "state_at = ?", "updated_at = ?"}
	args := []any{string(to), now, now}
	if e.Assignee != "" {
		sets, args = append(sets, "assignee = ?"), append(args, e.Assignee)
	}
	if e.Sent {
		sets, args = append(sets, "sent_at = ?", "nudged_at = NULL"), append(args, now)
	}
	if e.RerouteTo != "" {
		newID, err := db.insertReferral(ctx, tx, a, r.ScreeningID, e.RerouteTo, r.Safeguarding, r.RedFlags, r.ID)
		if err != nil {
			return out, err
		}
		out.NewReferralID = newID
		sets, args = append(sets, "rerouted_to = ?"), append(args, newID)
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
		if err := revokeProviderLink(ctx, tx, a.Site, r.ID, now); err != nil {
			return out, err
		}
	}
	if e.Outcome != nil {
		ob, _ := json.Marshal(e.Outcome)
		sets, args = append(sets, "outcome = ?"), append(args, string(ob))
	}
	if e.Change != nil {
		cb, _ := json.Marshal(e.Change)
		sets, args = append(sets, "loneliness_change = ?"), append(args, string(cb))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE referrals SET `+strings.Join(sets, ", ")+` WHERE site_id = ? AND id = ?`, append(args, a.Site, r.ID)...); err != nil {
		return out, fmt.Errorf("move referral: %w", err)
	}
	return out, nil
}

func (db *DB) addTask(ctx context.Context, tx *sql.Tx, a kith.Actor, referralID, kind string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO tasks (site_id, referral_id, kind, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (referral_id, kind) DO NOTHING`, a.Site, referralID, kind, fmtTime(db.now())); err != nil {
		return fmt.Errorf("add task: %w", err)
	}
	return db.insertAudit(ctx, tx, a, "create:"+kind, "referral", referralID)
}

// AddNote records a navigator's note.
func (db *DB) AddNote(ctx context.Context, a kith.Actor, id, note string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := referralExists(ctx, tx, a.Site, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO referral_notes (site_id, referral_id, at, actor, note) VALUES (?, ?, ?, ?, ?)`,
			a.Site, id, fmtTime(db.now()), a.Ref(), note); err != nil {
			return fmt.Errorf("add note: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "note", "referral", id)
	})
}

func referralExists(ctx context.Context, tx *sql.Tx, site, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM referrals WHERE site_id = ? AND id = ?`, site, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errNotFound("Referral")
	}
	return nil
}

// AddAttempt records an attempt to contact the person; the third failed
// attempt makes a welfare check task.
func (db *DB) AddAttempt(ctx context.Context, a kith.Actor, id, result, note string) (bool, error) {
	var welfare bool
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := referralExists(ctx, tx, a.Site, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO contact_attempts (site_id, referral_id, at, actor, result, note) VALUES (?, ?, ?, ?, ?, ?)`,
			a.Site, id, fmtTime(db.now()), a.Ref(), result, note); err != nil {
			return fmt.Errorf("add attempt: %w", err)
		}
		results, err := attemptResults(ctx, tx, a.Site, id)
		if err != nil {
			return err
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

// attemptResults are the results of a referral's contact attempts.
func attemptResults(ctx context.Context, tx *sql.Tx, site, id string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT result FROM contact_attempts WHERE site_id = ? AND referral_id = ?`, site, id)
	if err != nil {
		return nil, fmt.Errorf("contact attempts: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ensureConcern returns the screening's concern reference, raising the
// concern the application gave when the screening had none: one INSERT
// against the unique concerns_screening (one concern per screening); only the row it
// inserted takes the next reference and queues its message.
func (db *DB) ensureConcern(ctx context.Context, tx *sql.Tx, a kith.Actor, screeningID string, raise *app.NewConcern) (string, error) {
	if raise == nil || raise.Concern.ScreeningID != screeningID {
		return "", fmt.Errorf("raise concern: no concern for screening %s was given", screeningID)
	}
	c := raise.Concern
	types, err := json.Marshal(c.TypesOfRisk)
	if err != nil {
		return "", err
	}
	// The id stands in for the reference until the row is known to be new.
	res, err := tx.ExecContext(ctx, `INSERT INTO concerns (id, site_id, screening_id, referral_id, reference, created_at, types_of_risk, location_of_risk, source_of_risk)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_id, screening_id) DO NOTHING`,
		c.ID, a.Site, c.ScreeningID, nullString(c.ReferralID), c.ID, fmtTime(db.now()), string(types), c.LocationOfRisk, c.SourceOfRisk)
	if err != nil {
		return "", fmt.Errorf("raise concern: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var ref string
		err := tx.QueryRowContext(ctx, `SELECT reference FROM concerns WHERE site_id = ? AND screening_id = ?`, a.Site, screeningID).Scan(&ref)
		return ref, err
	}
	n, err := db.nextCounter(ctx, tx, a.Site, "concern")
	if err != nil {
		return "", err
	}
	ref := referral.ConcernReference(db.now(), n)
	if _, err := tx.ExecContext(ctx, `UPDATE concerns SET reference = ? WHERE site_id = ? AND id = ?`, ref, a.Site, c.ID); err != nil {
		return "", fmt.Errorf("raise concern: %w", err)
	}
	return ref, db.concernRaised(ctx, tx, a, *raise, ref)
}

// insertConcern stores a concern the application raised, under ref, and
// queues its message to the safeguarding team in the same transaction.
func (db *DB) insertConcern(ctx context.Context, tx *sql.Tx, a kith.Actor, nc app.NewConcern, ref string) error {
	c := nc.Concern
	types, err := json.Marshal(c.TypesOfRisk)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO concerns (id, site_id, screening_id, referral_id, reference, created_at, types_of_risk, location_of_risk, source_of_risk)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, a.Site, c.ScreeningID, nullString(c.ReferralID), ref, fmtTime(db.now()), string(types), c.LocationOfRisk, c.SourceOfRisk); err != nil {
		return fmt.Errorf("raise concern: %w", err)
	}
	return db.concernRaised(ctx, tx, a, nc, ref)
}

// concernRaised queues a new concern's message and audits it.
func (db *DB) concernRaised(ctx context.Context, tx *sql.Tx, a kith.Actor, nc app.NewConcern, ref string) error {
	c := nc.Concern
	if nc.Message != nil {
		if err := db.insertOutbox(ctx, tx, a.Site, nc.Message(ref)); err != nil {
			return err
		}
	}
	return db.insertAudit(ctx, tx, a, "create", "concern", c.ID)
}

const concernColumns = `SELECT c.id, c.reference, c.screening_id, coalesce(c.referral_id, ''), c.created_at, c.types_of_risk, c.location_of_risk,
	c.source_of_risk, c.outcome, c.outcome_at, coalesce(sc.created_by, ''), coalesce(json_extract(sc.request, '$.person.name'), '')
	FROM concerns c LEFT JOIN screenings sc ON sc.site_id = c.site_id AND sc.id = c.screening_id`

func scanConcern(row rowScanner) (referral.Concern, error) {
	var c referral.Concern
	var created, types string
	var outcome, outcomeAt sql.NullString
	if err := row.Scan(&c.ID, &c.Reference, &c.ScreeningID, &c.ReferralID, &created, &types, &c.LocationOfRisk, &c.SourceOfRisk, &outcome, &outcomeAt,
		&c.RaisedBy, &c.PersonName); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return c, errNotFound("Concern")
		}
		return c, err
	}
	var err error
	if c.CreatedAt, err = parseTime(created); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(types), &c.TypesOfRisk); err != nil {
		return c, err
	}
	if outcome.Valid {
		c.Outcome = &referral.ConcernOutcome{}
		if err := json.Unmarshal([]byte(outcome.String), c.Outcome); err != nil {
			return c, err
		}
	}
	c.OutcomeAt, err = parseNullTime(outcomeAt)
	return c, err
}

// Concern returns one concern of a's site and audits the read.
func (db *DB) Concern(ctx context.Context, a kith.Actor, id string) (referral.Concern, error) {
	c, err := scanConcern(db.read.QueryRowContext(ctx, concernColumns+` WHERE c.site_id = ? AND c.id = ?`, a.Site, id))
	if err != nil {
		return c, err
	}
	return c, db.AuditRead(ctx, a, "concern", c.ID)
}

// ScreeningConcern returns the concern a screening raised; not found when
// it raised none.
func (db *DB) ScreeningConcern(ctx context.Context, a kith.Actor, screeningID string) (referral.Concern, error) {
	c, err := scanConcern(db.read.QueryRowContext(ctx, concernColumns+` WHERE c.site_id = ? AND c.screening_id = ?`, a.Site, screeningID))
	if err != nil {
		return c, err
	}
	return c, db.AuditRead(ctx, a, "concern", c.ID)
}

// ListConcerns returns the site's concerns, newest first, optionally only
// those raised from one actor's screenings.
func (db *DB) ListConcerns(ctx context.Context, a kith.Actor, f app.ConcernFilter) ([]referral.Concern, int, error) {
	cond, args := `c.site_id = ?`, []any{a.Site}
	if f.RaisedBy != "" {
		cond, args = cond+` AND sc.created_by = ?`, append(args, f.RaisedBy)
	}
	out := []referral.Concern{}
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM concerns c LEFT JOIN screenings sc ON sc.site_id = c.site_id AND sc.id = c.screening_id
			WHERE `+cond, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, concernColumns+` WHERE `+cond+` ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?`,
			append(args, f.Page.Size, f.Page.Offset())...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanConcern(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list concerns: %w", err)
	}
	return out, total, db.AuditRead(ctx, a, "concern_list", "")
}

// RecordConcernOutcome stores what the council reported back, and the
// location and source of risk as the application decided them.
func (db *DB) RecordConcernOutcome(ctx context.Context, a kith.Actor, id string, o referral.ConcernOutcome) (referral.Concern, error) {
	var c referral.Concern
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		b, err := json.Marshal(o)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE concerns SET outcome = ?, outcome_at = ?, location_of_risk = ?, source_of_risk = ? WHERE site_id = ? AND id = ?`,
			string(b), fmtTime(db.now()), o.LocationOfRisk, o.SourceOfRisk, a.Site, id)
		if err != nil {
			return fmt.Errorf("record concern outcome: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound("Concern")
		}
		if c, err = scanConcern(tx.QueryRowContext(ctx, concernColumns+` WHERE c.site_id = ? AND c.id = ?`, a.Site, id)); err != nil {
			return err
		}
		return db.insertAudit(ctx, tx, a, "outcome", "concern", id)
	})
	return c, err
}

// SentReferrals returns every site's referrals waiting on a provider, for
// the timers.
func (db *DB) SentReferrals(ctx context.Context) ([]app.SiteReferral, error) {
	rows, err := db.read.QueryContext(ctx, strings.Replace(referralColumns, "SELECT r.id", "SELECT r.site_id, r.id", 1)+` WHERE r.state = 'sent'`)
	if err != nil {
		return nil, fmt.Errorf("sent referrals: %w", err)
	}
	defer rows.Close()
	var out []app.SiteReferral
	for rows.Next() {
		var site string
		r, err := scanReferral(prefixScanner{rows, &site})
		if err != nil {
			return nil, err
		}
		out = append(out, app.SiteReferral{Site: site, Referral: r})
	}
	return out, rows.Err()
}

// prefixScanner scans one leading column before handing the rest on.
type prefixScanner struct {
	rows  *sql.Rows
	first *string
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.rows.Scan(append([]any{p.first}, dest...)...)
}

// MarkNudged records that the provider was nudged, once per sending.
func (db *DB) MarkNudged(ctx context.Context, a kith.Actor, id string, queue ...app.Message) (bool, error) {
	var changed bool
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE referrals SET nudged_at = ? WHERE site_id = ? AND id = ? AND state = 'sent' AND nudged_at IS NULL`,
			fmtTime(db.now()), a.Site, id)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		if changed = n > 0; !changed {
			return nil
		}
		for _, m := range queue {
			m.ReferralID = id
			if err := db.insertOutbox(ctx, tx, a.Site, m); err != nil {
				return err
			}
		}
		return db.insertAudit(ctx, tx, a, "nudge", "referral", id)
	})
	return changed, err
}
