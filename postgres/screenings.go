package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/screening"
)

// errKeyTaken rolls back a submission whose idempotency key another
// submission stored first (on this instance or another).
var errKeyTaken = errors.New("idempotency key already stored")

// CreateScreening stores a screening, or, when the idempotency key was seen
// before in this site, returns the first one (created false); the same key
// with a different body is EINVALID.
//
// Two submissions of one key racing on two instances make one record: the
// insert is ON CONFLICT DO NOTHING on the unique (site, key) index, which
// waits for the other's transaction and then inserts nothing; the loser
// rolls back (giving back any concern number it took) and answers with the
// winner's screening. The commit is synchronous, so it returns only once
// the screening is durable.
func (db *DB) CreateScreening(ctx context.Context, a kith.Actor, in app.NewScreening) (app.StoredScreening, bool, error) {
	if in.IdempotencyKey != "" {
		if s, found, err := db.replayScreening(ctx, a, in); found || err != nil {
			return s, false, err
		}
	}
	id, err := uuid.NewV7()
	if err != nil {
		return app.StoredScreening{}, false, fmt.Errorf("new screening id: %w", err)
	}
	res := *in.Result // a copy: the id and any reference are set on it
	res.ID = id.String()
	var out app.StoredScreening
	err = db.writeTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = db.insertScreening(ctx, tx, a, in, &res)
		return err
	})
	if errors.Is(err, errKeyTaken) {
		s, found, err := db.replayScreening(ctx, a, in)
		if err == nil && !found {
			err = fmt.Errorf("create screening: key %q taken but not found", in.IdempotencyKey)
		}
		return s, false, err
	}
	if err != nil {
		return app.StoredScreening{}, false, err
	}
	return out, true, nil
}

const sqlInsertScreening = `INSERT INTO screenings (id, site_id, created_at, created_by, idempotency_key, request_hash,
	request, result, scoring_version, action, quadrant, loneliness, isolation, agency, reference, latitude, longitude,
	pathway_id, pathway_version, arm)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
	ON CONFLICT (site_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
	RETURNING id`

// insertScreening writes a new screening, its relationship rows, its audit
// row and, when it raises a concern about the person, the concern with a
// reference the visitor can quote.
func (db *DB) insertScreening(ctx context.Context, tx pgx.Tx, a kith.Actor, in app.NewScreening, res *screening.Result) (app.StoredScreening, error) {
	now := db.now()
	if in.Concern != nil {
		// The concern the application raises gets a reference the visitor
		// can quote, stored in their result.
		n, err := db.nextCounter(ctx, tx, a.Site, "concern")
		if err != nil {
			return app.StoredScreening{}, err
		}
		res.Safeguarding.Reference = referral.ConcernReference(now, n)
	}
	out := app.StoredScreening{Result: res, CreatedAt: now, Location: in.Location, Pathway: in.Outcome}
	resultJSON, err := json.Marshal(out)
	if err != nil {
		return out, fmt.Errorf("encode screening result: %w", err)
	}
	reqJSON, err := json.Marshal(in.Request)
	if err != nil {
		return out, fmt.Errorf("encode screening request: %w", err)
	}
	out.JSON = resultJSON
	agency := ""
	if in.Request.Observer != nil {
		agency = in.Request.Observer.Agency
	}
	var stored string
	err = tx.QueryRow(ctx, sqlInsertScreening,
		res.ID, a.Site, now, a.Ref(), nullString(in.IdempotencyKey), in.RequestHash, string(reqJSON), string(resultJSON),
		res.ScoringVersion, res.Safeguarding.Action, res.Quadrant, res.Loneliness.Status, res.Isolation.Status,
		agency, nullString(res.Safeguarding.Reference), in.Location.Latitude, in.Location.Longitude,
		nullString(in.PathwayID), nullInt(in.PathwayVersion), nullString(in.Arm)).Scan(&stored)
	if errors.Is(err, pgx.ErrNoRows) {
		return out, errKeyTaken
	}
	if err != nil {
		return out, fmt.Errorf("insert screening: %w", err)
	}
	if err := insertRelationships(ctx, tx, a.Site, res); err != nil {
		return out, err
	}
	if err := db.insertAudit(ctx, tx, a, "create", "screening", res.ID); err != nil {
		return out, err
	}
	if in.Concern != nil {
		nc := *in.Concern
		nc.Concern.ScreeningID = res.ID
		if err := db.insertConcern(ctx, tx, a, nc, res.Safeguarding.Reference); err != nil {
			return out, err
		}
	}
	return out, countNewScreening(ctx, tx, a.Site, res.ID)
}

// replayScreening finds the screening stored under the submission's
// idempotency key (found), audited as a replay. The same key with a
// different body is invalid; someone else's key returns only who sent it
// (app.CheckReplayAuthor refuses it, so a shared phone neither sees that
// screening nor stores it again).
func (db *DB) replayScreening(ctx context.Context, a kith.Actor, in app.NewScreening) (app.StoredScreening, bool, error) {
	var id, by, result string
	var hash []byte
	err := db.pool.QueryRow(ctx, `SELECT id, request_hash, created_by, result FROM screenings
		WHERE site_id = $1 AND idempotency_key = $2`, a.Site, in.IdempotencyKey).Scan(&id, &hash, &by, &result)
	if errors.Is(err, pgx.ErrNoRows) {
		return app.StoredScreening{}, false, nil
	}
	if err != nil {
		return app.StoredScreening{}, false, fmt.Errorf("find idempotency key: %w", err)
	}
	// Who sent it is reported, not judged: the application refuses
	// another's key (app.CheckReplayAuthor), before the body is compared.
	author := app.StoredScreening{SubmittedBy: by}
	if by != a.Ref() {
		return author, true, nil
	}
	if !bytes.Equal(hash, in.RequestHash) {
		return author, true, &kith.Error{Code: kith.EINVALID, Message: "This idempotency key was already used for a different screening.",
			Fields: []kith.FieldError{{Field: "Idempotency-Key", Message: "was already used with a different body"}}}
	}
	s, err := decodeScreening(result)
	if err != nil {
		return s, true, err
	}
	s.SubmittedBy = by
	return s, true, db.writeTx(ctx, func(tx pgx.Tx) error { return db.insertAudit(ctx, tx, a, "replay", "screening", id) })
}

// insertRelationships stores a screening's relationship levels.
func insertRelationships(ctx context.Context, tx pgx.Tx, site string, res *screening.Result) error {
	codes := make([]string, 0, len(res.Relationships))
	for code := range res.Relationships {
		codes = append(codes, code)
	}
	if len(codes) == 0 {
		return nil
	}
	sort.Strings(codes)
	levels := make([]string, len(codes))
	for i, code := range codes {
		levels[i] = res.Relationships[code].Level
	}
	if _, err := tx.Exec(ctx, `INSERT INTO screening_relationships (site_id, screening_id, relationship, level)
		SELECT $1, $2, r, l FROM unnest($3::text[], $4::text[]) AS u(r, l)`, site, res.ID, codes, levels); err != nil {
		return fmt.Errorf("insert screening relationships: %w", err)
	}
	return nil
}

// insertConcern stores a concern the application raised, under ref, and
// queues its message to the safeguarding team in the same transaction.
func (db *DB) insertConcern(ctx context.Context, tx pgx.Tx, a kith.Actor, nc app.NewConcern, ref string) error {
	c := nc.Concern
	types := c.TypesOfRisk
	if types == nil {
		types = []string{}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO concerns (id, site_id, screening_id, referral_id, reference, created_at, types_of_risk, location_of_risk, source_of_risk)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.ID, a.Site, c.ScreeningID, nullString(c.ReferralID), ref, db.now(), types,
		c.LocationOfRisk, c.SourceOfRisk); err != nil {
		return fmt.Errorf("raise concern: %w", err)
	}
	if nc.Message != nil {
		if err := db.insertMessage(ctx, tx, a.Site, nc.Message(ref)); err != nil {
			return err
		}
	}
	return db.insertAudit(ctx, tx, a, "create", "concern", c.ID)
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullInt(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// NextAllocation counts screenings allocated to a pilot, for alternation:
// 0, 1, 2, ... across every instance.
func (db *DB) NextAllocation(ctx context.Context, site string) (int64, error) {
	var n int64
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		var err error
		n, err = db.nextCounter(ctx, tx, site, "pilot_allocation")
		return err
	})
	return n - 1, err
}

// nextCounter returns the next value of a per-site counter. The upsert
// locks the counter's row, so no two transactions get the same value.
func (db *DB) nextCounter(ctx context.Context, tx pgx.Tx, site, name string) (int64, error) {
	var n int64
	err := tx.QueryRow(ctx, `INSERT INTO site_counters (site_id, name, value) VALUES ($1, $2, 1)
		ON CONFLICT (site_id, name) DO UPDATE SET value = site_counters.value + 1 RETURNING value`, site, name).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next %s number: %w", name, err)
	}
	return n, nil
}

func decodeScreening(result string) (app.StoredScreening, error) {
	var out app.StoredScreening
	if err := json.Unmarshal([]byte(result), &out); err != nil {
		return out, fmt.Errorf("decode screening: %w", err)
	}
	out.JSON = []byte(result)
	return out, nil
}

// Screening returns one screening of the actor's site, and audits the read;
// submittedBy, when not empty, limits it to that actor's submissions.
func (db *DB) Screening(ctx context.Context, a kith.Actor, id, submittedBy string) (app.StoredScreening, error) {
	var result string
	err := db.pool.QueryRow(ctx, `SELECT result FROM screenings WHERE site_id = $1 AND id = $2
		AND ($3 = '' OR created_by = $3)`, a.Site, id, submittedBy).Scan(&result)
	if errors.Is(err, pgx.ErrNoRows) {
		return app.StoredScreening{}, errNotFound("Screening")
	}
	if err != nil {
		return app.StoredScreening{}, fmt.Errorf("read screening: %w", err)
	}
	s, err := decodeScreening(result)
	if err != nil {
		return s, err
	}
	return s, db.AuditRead(ctx, a, "screening", id)
}

// ScreeningRequest returns what was submitted for a screening (personal
// data) and audits the read.
func (db *DB) ScreeningRequest(ctx context.Context, a kith.Actor, id string) (*screening.Request, error) {
	var body string
	err := db.pool.QueryRow(ctx, `SELECT request FROM screenings WHERE site_id = $1 AND id = $2`, a.Site, id).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNotFound("Screening")
	}
	if err != nil {
		return nil, fmt.Errorf("read screening request: %w", err)
	}
	var req screening.Request
	if err := json.Unmarshal([]byte(body), &req); err != nil {
		return nil, fmt.Errorf("decode screening request: %w", err)
	}
	if err := db.AuditRead(ctx, a, "screening_request", id); err != nil {
		return nil, err
	}
	return &req, nil
}

// screeningWhere is the condition of a screening list.
func screeningWhere(site string, f app.ScreeningFilter) *where {
	w := &where{}
	w.add("s.site_id = ?", site)
	if f.Action != "" {
		w.add("s.action = ?", f.Action)
	}
	if f.Quadrant != "" {
		w.add("s.quadrant = ?", f.Quadrant)
	}
	if f.Relationship != "" {
		w.add("EXISTS (SELECT 1 FROM screening_relationships r WHERE r.site_id = s.site_id AND r.screening_id = s.id AND r.relationship = ?", f.Relationship)
		if f.Level != "" {
			w.add("r.level = ?)", f.Level)
		} else {
			w.conds[len(w.conds)-1] += " AND r.level <> 'none')"
		}
	}
	if !f.From.IsZero() {
		w.add("s.created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		w.add("s.created_at < ?", f.To.UTC())
	}
	return w
}

// ListScreenings returns the site's screenings matching f, newest first,
// and audits the listing.
func (db *DB) ListScreenings(ctx context.Context, a kith.Actor, f app.ScreeningFilter) ([]app.ScreeningSummary, int, error) {
	w := screeningWhere(a.Site, f)
	var out []app.ScreeningSummary
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM screenings s WHERE `+w.String(), w.args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT s.id, s.created_at, s.scoring_version, s.action, coalesce(s.reference, ''), s.quadrant,
			s.loneliness, s.isolation, s.agency FROM screenings s WHERE `+w.String()+`
			ORDER BY s.created_at DESC, s.id DESC LIMIT `+w.next(1)+` OFFSET `+w.next(2), append(w.args, f.Page.Size, f.Page.Offset())...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.ScreeningSummary, error) {
			s := app.ScreeningSummary{Levels: map[string]string{}}
			err := r.Scan(&s.ID, &s.CreatedAt, &s.ScoringVersion, &s.Action, &s.Reference, &s.Quadrant, &s.Loneliness, &s.Isolation, &s.Agency)
			s.CreatedAt = s.CreatedAt.UTC()
			return s, err
		})
		if err != nil {
			return err
		}
		return readLevels(ctx, tx, a.Site, out)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list screenings: %w", err)
	}
	if err := db.AuditRead(ctx, a, "screening_list", ""); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// readLevels fills in the relationship levels of the listed screenings.
func readLevels(ctx context.Context, tx pgx.Tx, site string, out []app.ScreeningSummary) error {
	if len(out) == 0 {
		return nil
	}
	index := make(map[string]int, len(out))
	ids := make([]string, len(out))
	for i, s := range out {
		index[s.ID], ids[i] = i, s.ID
	}
	rows, err := tx.Query(ctx, `SELECT screening_id, relationship, level FROM screening_relationships
		WHERE site_id = $1 AND screening_id = ANY($2)`, site, ids)
	if err != nil {
		return err
	}
	var id, rel, level string
	_, err = pgx.ForEachRow(rows, []any{&id, &rel, &level}, func() error {
		out[index[id]].Levels[rel] = level
		return nil
	})
	return err
}

// RecordBestInterest records (or replaces) a navigator's best-interest
// decision about a referral for a screening of the actor's site.
func (db *DB) RecordBestInterest(ctx context.Context, a kith.Actor, screeningID string, b app.BestInterest) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		// The screening's row first, as CreateReferral takes it.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM screenings WHERE site_id = $1 AND id = $2 FOR UPDATE`, a.Site, screeningID); err != nil {
			return fmt.Errorf("lock screening: %w", err)
		}
		tag, err := tx.Exec(ctx, `INSERT INTO best_interest_decisions (screening_id, site_id, decided_at, decided_by, decision, steps_taken,
			advocate, doubt, consulted)
			SELECT id, site_id, $3, $4, $5, $6, $7, $8, $9 FROM screenings WHERE site_id = $1 AND id = $2
			ON CONFLICT (screening_id) DO UPDATE SET decided_at = excluded.decided_at, decided_by = excluded.decided_by,
			decision = excluded.decision, steps_taken = excluded.steps_taken, advocate = excluded.advocate,
			doubt = excluded.doubt, consulted = excluded.consulted`,
			a.Site, screeningID, db.now(), a.Ref(), b.Decision, b.StepsTaken, b.Advocate, b.Doubt, b.Consulted)
		if err != nil {
			return fmt.Errorf("record best-interest decision: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errNotFound("Screening")
		}
		return db.insertAudit(ctx, tx, a, "best_interest", "screening", screeningID)
	})
}

// BestInterestRefers reports whether a navigator recorded a best-interest
// decision to refer for a screening.
func (db *DB) BestInterestRefers(ctx context.Context, site, screeningID string) (bool, error) {
	var refers bool
	err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM best_interest_decisions
		WHERE site_id = $1 AND screening_id = $2 AND decision = 'refer')`, site, screeningID).Scan(&refers)
	if err != nil {
		return false, fmt.Errorf("best-interest decision: %w", err)
	}
	return refers, nil
}

// ScreeningByID reads a screening without an actor or audit: for the
// operator's own checks, never for a request.
func (db *DB) ScreeningByID(ctx context.Context, site, id string) (app.StoredScreening, error) {
	var result string
	err := db.pool.QueryRow(ctx, `SELECT result FROM screenings WHERE site_id = $1 AND id = $2`, site, id).Scan(&result)
	if errors.Is(err, pgx.ErrNoRows) {
		return app.StoredScreening{}, errNotFound("Screening")
	}
	if err != nil {
		return app.StoredScreening{}, fmt.Errorf("read screening: %w", err)
	}
	return decodeScreening(result)
}
