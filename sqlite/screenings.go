package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/referral"
	"github.com/kith-project/kith/reports"
	"github.com/kith-project/kith/screening"
)

// The statements a submission runs.
const (
	sqlFindIdempotencyKey = `SELECT id, request_hash, created_by FROM screenings WHERE site_id = ? AND idempotency_key = ?`
	sqlScreeningByID      = `SELECT result, created_at, latitude, longitude FROM screenings WHERE site_id = ? AND id = ?`
	sqlInsertScreening    = `INSERT INTO screenings (id, site_id, created_at, created_by, idempotency_key, request_hash,
		request, result, scoring_version, action, quadrant, loneliness, isolation, agency, reference, latitude, longitude,
		pathway_id, pathway_version, arm, refer_agreed, awaiting)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlInsertRelationships = `INSERT INTO screening_relationships (site_id, screening_id, relationship, level) VALUES (?, ?, ?, ?)`
	sqlNextCounter         = `INSERT INTO site_counters (site_id, name, value) VALUES (?, ?, 1)
		ON CONFLICT (site_id, name) DO UPDATE SET value = value + 1 RETURNING value`
)

// CreateScreening stores a screening, or, when the idempotency key was seen
// before in this site, returns the first one (created false). The same key
// with a different body is an EINVALID error.
//
// Submissions are written by one goroutine in shared transactions (see
// groupCommit), each in a savepoint of its own: CreateScreening returns
// only after the commit holding this screening and its audit row is
// synced. Racing retries are serialised by that one writer, which sees
// what earlier submissions in the same transaction wrote, so exactly one
// row is written per key.
func (db *DB) CreateScreening(ctx context.Context, a kith.Actor, in app.NewScreening) (app.StoredScreening, bool, error) {
	// What needs no lock is done before the submission queues for the
	// writer: its id, its time and its JSON.
	pre, err := db.prepareScreening(in)
	if err != nil {
		return app.StoredScreening{}, false, err
	}
	var out app.StoredScreening
	var created bool
	write := db.screenings.do
	if db.batch != nil {
		// Demo generation: join its one transaction.
		write = func(ctx context.Context, fn func(context.Context, *sql.Tx) error) error {
			return db.writeTx(ctx, func(tx *sql.Tx) error { return fn(ctx, tx) })
		}
	}
	err = write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		out, created, err = db.createScreening(ctx, tx, a, in, pre)
		return err
	})
	if err != nil {
		return app.StoredScreening{}, false, err
	}
	return out, created, nil
}

// preparedScreening is a new screening's id, time and JSON, made before it
// queues for the writer. A screening that raises a concern gets its
// reference (from a counter) in the transaction, and its result JSON then.
type preparedScreening struct {
	res        screening.Result
	now        time.Time
	resultJSON []byte
	reqJSON    []byte
}

func (db *DB) prepareScreening(in app.NewScreening) (*preparedScreening, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("new screening id: %w", err)
	}
	p := &preparedScreening{res: *in.Result, now: db.now()}
	p.res.ID = id.String()
	if in.Concern == nil {
		if p.resultJSON, err = json.Marshal(app.StoredScreening{Result: &p.res, CreatedAt: p.now, Location: in.Location, Pathway: in.Outcome}); err != nil {
			return nil, fmt.Errorf("encode screening result: %w", err)
		}
	}
	if p.reqJSON, err = json.Marshal(in.Request); err != nil {
		return nil, fmt.Errorf("encode screening request: %w", err)
	}
	return p, nil
}

// createScreening is one submission's part of a shared write transaction.
func (db *DB) createScreening(ctx context.Context, tx *sql.Tx, a kith.Actor, in app.NewScreening, pre *preparedScreening) (app.StoredScreening, bool, error) {
	if in.IdempotencyKey != "" {
		if s, found, err := db.replayScreening(ctx, tx, a, in); found || err != nil {
			return s, false, err
		}
	}
	res := pre.res // a copy: a reference is set on it, not on what was prepared
	now := pre.now
	resultJSON, reqJSON := pre.resultJSON, pre.reqJSON
	if in.Concern != nil {
		// The concern the application raises gets a reference the visitor
		// can quote, stored in their result.
		n, err := db.nextCounter(ctx, tx, a.Site, "concern")
		if err != nil {
			return app.StoredScreening{}, false, err
		}
		res.Safeguarding.Reference = referral.ConcernReference(now, n)
		if resultJSON, err = json.Marshal(app.StoredScreening{Result: &res, CreatedAt: now, Location: in.Location, Pathway: in.Outcome}); err != nil {
			return app.StoredScreening{}, false, fmt.Errorf("encode screening result: %w", err)
		}
	}
	out := app.StoredScreening{Result: &res, CreatedAt: now, Location: in.Location, Pathway: in.Outcome, JSON: resultJSON}
	agency := ""
	if in.Request.Observer != nil {
		agency = in.Request.Observer.Agency
	}
	var key, ref any
	if in.IdempotencyKey != "" {
		key = in.IdempotencyKey
	}
	if res.Safeguarding.Reference != "" {
		ref = res.Safeguarding.Reference
	}
	agreed, awaiting := in.Waiting()
	_, err := tx.ExecContext(ctx, sqlInsertScreening,
		res.ID, a.Site, fmtTime(now), a.Ref(), key, in.RequestHash, string(reqJSON), string(resultJSON),
		res.ScoringVersion, res.Safeguarding.Action, res.Quadrant, res.Loneliness.Status, res.Isolation.Status,
		agency, ref, in.Location.Latitude, in.Location.Longitude, nullString(in.PathwayID), nullInt(in.PathwayVersion), nullString(in.Arm),
		boolInt(agreed), boolInt(awaiting))
	if err != nil {
		return app.StoredScreening{}, false, fmt.Errorf("insert screening: %w", err)
	}
	codes, err := insertRelationships(ctx, tx, a.Site, &res)
	if err != nil {
		return app.StoredScreening{}, false, err
	}
	if err := countScreening(ctx, tx, a.Site, now, agency, in, &res, codes); err != nil {
		return app.StoredScreening{}, false, err
	}
	if err := db.insertAudit(ctx, tx, a, "create", "screening", res.ID); err != nil {
		return app.StoredScreening{}, false, err
	}
	if in.Concern != nil {
		nc := *in.Concern
		nc.Concern.ScreeningID = res.ID
		if err := db.insertConcern(ctx, tx, a, nc, res.Safeguarding.Reference); err != nil {
			return app.StoredScreening{}, false, err
		}
	}
	return out, true, nil
}

// replayScreening finds the screening stored under the submission's
// idempotency key (found), audited as a replay; the same key with a
// different body is invalid.
func (db *DB) replayScreening(ctx context.Context, tx *sql.Tx, a kith.Actor, in app.NewScreening) (app.StoredScreening, bool, error) {
	var id, by string
	var hash []byte
	err := db.txRow(ctx, tx, sqlFindIdempotencyKey, a.Site, in.IdempotencyKey).Scan(&id, &hash, &by)
	if errors.Is(err, sql.ErrNoRows) {
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
	s, err := scanScreening(db.txRow(ctx, tx, sqlScreeningByID, a.Site, id))
	if err != nil {
		return app.StoredScreening{}, true, err
	}
	s.SubmittedBy = by
	return s, true, db.insertAudit(ctx, tx, a, "replay", "screening", id)
}

// insertRelationships stores a screening's relationship levels and
// returns their codes, sorted.
func insertRelationships(ctx context.Context, tx *sql.Tx, site string, res *screening.Result) ([]string, error) {
	codes := make([]string, 0, len(res.Relationships))
	for code := range res.Relationships {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	if len(codes) == 0 {
		return codes, nil
	}
	// One statement for all of them (every screening has the same
	// relationships, so the statement's text is the same each time).
	args := make([]any, 0, 4*len(codes))
	for _, code := range codes {
		args = append(args, site, res.ID, code, res.Relationships[code].Level)
	}
	if _, err := tx.ExecContext(ctx, sqlInsertRelationships+strings.Repeat(", (?, ?, ?, ?)", len(codes)-1), args...); err != nil {
		return nil, fmt.Errorf("insert screening relationships: %w", err)
	}
	return codes, nil
}

// countScreening adds a new screening to the report aggregates, for its day
// and its month, exactly as the views report_screening_rows and
// report_relationship_rows count it (migration 0010 says why this is not a
// trigger): the screening by agency, concern and classes; every
// relationship by level; and, for a located screening, the relationships at
// medium or high by point, for the gaps.
func countScreening(ctx context.Context, tx *sql.Tx, site string, now time.Time, agency string, in app.NewScreening, res *screening.Result, codes []string) error {
	created := fmtTime(now)
	periods := [2]string{"d" + created[:10], "m" + created[:7]}
	concern := 0
	if screening.RaisesConcern(res.Safeguarding.Action) {
		concern = 1
	}
	var scr, rels, gaps []any
	for _, period := range periods {
		scr = append(scr, site, period, in.PathwayVersion, in.Arm, agency, concern, res.Loneliness.Status, res.Isolation.Status, res.Quadrant)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO report_screenings (site_id, period, version, arm, agency, concern, loneliness, isolation, quadrant, n)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1), (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT DO UPDATE SET n = n + excluded.n`, scr...); err != nil {
		return fmt.Errorf("count screening: %w", err)
	}
	if len(codes) == 0 {
		return nil
	}
	located := in.Location.Latitude != nil && in.Location.Longitude != nil
	for _, period := range periods {
		for _, code := range codes {
			level := res.Relationships[code].Level
			rels = append(rels, site, period, in.PathwayVersion, in.Arm, code, level)
			if located && reports.IsNeed(level) {
				gaps = append(gaps, site, period, in.PathwayVersion, in.Arm, code, *in.Location.Latitude, *in.Location.Longitude)
			}
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO report_relationships (site_id, period, version, arm, relationship, level, n) VALUES (?, ?, ?, ?, ?, ?, 1)`+
		strings.Repeat(", (?, ?, ?, ?, ?, ?, 1)", len(rels)/6-1)+` ON CONFLICT DO UPDATE SET n = n + excluded.n`, rels...)
	if err != nil {
		return fmt.Errorf("count screening relationships: %w", err)
	}
	if len(gaps) > 0 {
		_, err = tx.ExecContext(ctx, `INSERT INTO report_gaps (site_id, period, version, arm, relationship, latitude, longitude, n) VALUES (?, ?, ?, ?, ?, ?, ?, 1)`+
			strings.Repeat(", (?, ?, ?, ?, ?, ?, ?, 1)", len(gaps)/7-1)+` ON CONFLICT DO UPDATE SET n = n + excluded.n`, gaps...)
		if err != nil {
			return fmt.Errorf("count screening gaps: %w", err)
		}
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// NextAllocation counts screenings allocated to a pilot, for alternation.
func (db *DB) NextAllocation(ctx context.Context, site string) (int64, error) {
	var n int64
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = db.nextCounter(ctx, tx, site, "pilot_allocation")
		return err
	})
	return n - 1, err
}

// nextCounter returns the next value of a per-site counter.
func (db *DB) nextCounter(ctx context.Context, tx *sql.Tx, site, name string) (int64, error) {
	var n int64
	err := db.txRow(ctx, tx, sqlNextCounter, site, name).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next %s number: %w", name, err)
	}
	return n, nil
}

type rowScanner interface{ Scan(...any) error }

func scanScreening(row rowScanner) (app.StoredScreening, error) {
	var out app.StoredScreening
	var result, created string
	var lat, lon sql.NullFloat64
	if err := row.Scan(&result, &created, &lat, &lon); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return out, errNotFound("Screening")
		}
		return out, fmt.Errorf("read screening: %w", err)
	}
	if err := json.Unmarshal([]byte(result), &out); err != nil {
		return out, fmt.Errorf("decode screening: %w", err)
	}
	out.JSON = []byte(result)
	return out, nil
}

// Screening returns one screening of the actor's site, and audits the read;
// submittedBy, when not empty, limits it to that actor's submissions.
func (db *DB) Screening(ctx context.Context, a kith.Actor, id, submittedBy string) (app.StoredScreening, error) {
	q := `SELECT result, created_at, latitude, longitude FROM screenings WHERE site_id = ? AND id = ?`
	args := []any{a.Site, id}
	if submittedBy != "" {
		q += ` AND created_by = ?`
		args = append(args, submittedBy)
	}
	s, err := scanScreening(db.readRow(ctx, q, args...))
	if err != nil {
		return s, err
	}
	if err := db.AuditRead(ctx, a, "screening", id); err != nil {
		return s, err
	}
	return s, nil
}

// ScreeningRequest returns what was submitted for a screening (personal
// data), for the services that act on it, and audits the read.
func (db *DB) ScreeningRequest(ctx context.Context, a kith.Actor, id string) (*screening.Request, error) {
	var body string
	err := db.read.QueryRowContext(ctx, `SELECT request FROM screenings WHERE site_id = ? AND id = ?`, a.Site, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
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

// ListScreenings returns the site's screenings matching f, newest first,
// and audits the listing.
func (db *DB) ListScreenings(ctx context.Context, a kith.Actor, f app.ScreeningFilter) ([]app.ScreeningSummary, int, error) {
	where := []string{"s.site_id = ?"}
	args := []any{a.Site}
	if f.Action != "" {
		where = append(where, "s.action = ?")
		args = append(args, f.Action)
	}
	if f.Quadrant != "" {
		where = append(where, "s.quadrant = ?")
		args = append(args, f.Quadrant)
	}
	if f.Relationship != "" {
		if f.Level != "" {
			where = append(where, "EXISTS (SELECT 1 FROM screening_relationships r WHERE r.site_id = s.site_id AND r.screening_id = s.id AND r.relationship = ? AND r.level = ?)")
			args = append(args, f.Relationship, f.Level)
		} else {
			where = append(where, "EXISTS (SELECT 1 FROM screening_relationships r WHERE r.site_id = s.site_id AND r.screening_id = s.id AND r.relationship = ? AND r.level <> 'none')")
			args = append(args, f.Relationship)
		}
	}
	if !f.From.IsZero() {
		where = append(where, "s.created_at >= ?")
		args = append(args, fmtTime(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "s.created_at < ?")
		args = append(args, fmtTime(f.To))
	}
	cond := strings.Join(where, " AND ")
	var out []app.ScreeningSummary
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM screenings s WHERE `+cond, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT s.id, s.created_at, s.scoring_version, s.action, coalesce(s.reference, ''), s.quadrant,
			s.loneliness, s.isolation, s.agency FROM screenings s WHERE `+cond+` ORDER BY s.created_at DESC, s.id DESC LIMIT ? OFFSET ?`,
			append(args, f.Page.Size, f.Page.Offset())...)
		if err != nil {
			return err
		}
		defer rows.Close()
		index := map[string]int{}
		for rows.Next() {
			var s app.ScreeningSummary
			var created string
			if err := rows.Scan(&s.ID, &created, &s.ScoringVersion, &s.Action, &s.Reference, &s.Quadrant, &s.Loneliness, &s.Isolation, &s.Agency); err != nil {
				return err
			}
			if s.CreatedAt, err = parseTime(created); err != nil {
				return err
			}
			s.Levels = map[string]string{}
			index[s.ID] = len(out)
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return readLevels(ctx, tx, a.Site, out, index)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list screenings: %w", err)
	}
	if err := db.AuditRead(ctx, a, "screening_list", ""); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// readLevels fills in the relationship levels of the listed screenings
// (index: where each id is in out).
func readLevels(ctx context.Context, tx *sql.Tx, site string, out []app.ScreeningSummary, index map[string]int) error {
	if len(out) == 0 {
		return nil
	}
	ids := make([]any, 0, len(out)+1)
	ids = append(ids, site)
	for _, s := range out {
		ids = append(ids, s.ID)
	}
	rows, err := tx.QueryContext(ctx, `SELECT screening_id, relationship, level FROM screening_relationships
		WHERE site_id = ? AND screening_id IN (?`+strings.Repeat(",?", len(out)-1)+`)`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, rel, level string
		if err := rows.Scan(&id, &rel, &level); err != nil {
			return err
		}
		out[index[id]].Levels[rel] = level
	}
	return rows.Err()
}

// LocatePostcode returns a postcode's centroid, or ok false when the
// postcode is not in the loaded directory.
func (db *DB) LocatePostcode(ctx context.Context, pc string) (lat, lon float64, ok bool, err error) {
	err = db.readRow(ctx, `SELECT latitude, longitude FROM postcodes WHERE postcode = ?`, pc).Scan(&lat, &lon)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, fmt.Errorf("locate postcode: %w", err)
	}
	return lat, lon, true, nil
}

// LoadPostcodes inserts or replaces postcode centroids in one transaction.
func (db *DB) LoadPostcodes(ctx context.Context, pcs []app.Postcode) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO postcodes (postcode, latitude, longitude) VALUES (?, ?, ?)
			ON CONFLICT (postcode) DO UPDATE SET latitude = excluded.latitude, longitude = excluded.longitude`)
		if err != nil {
			return fmt.Errorf("load postcodes: %w", err)
		}
		defer stmt.Close()
		for _, p := range pcs {
			if _, err := stmt.ExecContext(ctx, p.Postcode, p.Latitude, p.Longitude); err != nil {
				return fmt.Errorf("load postcode %s: %w", p.Postcode, err)
			}
		}
		return nil
	})
}

// ScreeningByID reads a screening without an actor or audit: for the
// operator's own checks of a backup, never for a request.
func (db *DB) ScreeningByID(ctx context.Context, site, id string) (app.StoredScreening, error) {
	return scanScreening(db.read.QueryRowContext(ctx, `SELECT result, created_at, latitude, longitude FROM screenings WHERE site_id = ? AND id = ?`, site, id))
}
