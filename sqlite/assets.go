package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/pathways"
)

// serviceTags are the many-valued fields searches filter on.
func serviceTags(s *assets.Service) [][2]string {
	var out [][2]string
	add := func(kind string, vals []string) {
		seen := map[string]bool{}
		for _, v := range vals {
			if !seen[v] {
				seen[v] = true
				out = append(out, [2]string{kind, v})
			}
		}
	}
	add("relationship", s.Relationships)
	add("support_to_attend", s.SupportToAttend)
	add("language", s.Languages)
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// writeService inserts or replaces one service and its index rows in tx.
// It returns whether the service was new.
func (db *DB) writeService(ctx context.Context, tx *sql.Tx, a kith.Actor, s *assets.Service, mustExist, mustBeNew bool) (bool, error) {
	if s.ID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return false, err
		}
		s.ID = id.String()
	}
	assets.Normalize(s)
	doc := *s
	doc.CreatedAt, doc.UpdatedAt, doc.DeletedAt = nil, nil, nil
	body, err := json.Marshal(doc)
	if err != nil {
		return false, fmt.Errorf("encode service: %w", err)
	}
	now := fmtTime(db.now())
	var pk int64
	err = tx.QueryRowContext(ctx, `SELECT pk FROM services WHERE site_id = ? AND id = ?`, a.Site, s.ID).Scan(&pk)
	isNew := errors.Is(err, sql.ErrNoRows)
	switch {
	case err != nil && !isNew:
		return false, fmt.Errorf("find service: %w", err)
	case isNew && mustExist:
		return false, errNotFound("Service")
	case !isNew && mustBeNew:
		return false, &kith.Error{Code: kith.ECONFLICT, Message: "A service with this id already exists.",
			Fields: []kith.FieldError{{Field: "id", Message: "is already in use"}}}
	}
	args := []any{s.Name, s.Description, s.Category, s.Capacity, s.Status, boolInt(s.Cost.Free), boolInt(s.Public),
		s.Eligibility.MinimumAge, s.Eligibility.MaximumAge, s.LastConfirmed, s.Latitude, s.Longitude, string(body)}
	if isNew {
		res, err := tx.ExecContext(ctx, `INSERT INTO services (name, description, category, capacity, status, free, public,
			min_age, max_age, last_confirmed, latitude, longitude, doc, site_id, id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(args, a.Site, s.ID, now, now)...)
		if err != nil {
			return false, fmt.Errorf("insert service: %w", err)
		}
		pk, _ = res.LastInsertId()
	} else {
		if _, err := tx.ExecContext(ctx, `UPDATE services SET name = ?, description = ?, category = ?, capacity = ?, status = ?,
			free = ?, public = ?, min_age = ?, max_age = ?, last_confirmed = ?, latitude = ?, longitude = ?, doc = ?,
			updated_at = ?, deleted_at = NULL WHERE pk = ?`, append(args, now, pk)...); err != nil {
			return false, fmt.Errorf("update service: %w", err)
		}
		if err := clearServiceIndex(ctx, tx, pk); err != nil {
			return false, err
		}
	}
	for _, t := range serviceTags(s) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_tags (site_id, service_pk, kind, value) VALUES (?, ?, ?, ?)`,
			a.Site, pk, t[0], t[1]); err != nil {
			return false, fmt.Errorf("index service: %w", err)
		}
	}
	for _, l := range s.Locations {
		if !l.Located || l.Latitude == nil || l.Longitude == nil {
			continue
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO service_locations (service_pk, latitude, longitude) VALUES (?, ?, ?)`, pk, *l.Latitude, *l.Longitude)
		if err != nil {
			return false, fmt.Errorf("index service location: %w", err)
		}
		lpk, _ := res.LastInsertId()
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_locations_rtree (id, min_lat, max_lat, min_lon, max_lon) VALUES (?, ?, ?, ?, ?)`,
			lpk, *l.Latitude, *l.Latitude, *l.Longitude, *l.Longitude); err != nil {
			return false, fmt.Errorf("index service location: %w", err)
		}
	}
	action := "update"
	if isNew {
		action = "create"
	}
	return isNew, db.insertAudit(ctx, tx, a, action, "service", s.ID)
}

// clearServiceIndex removes a service's tags and locations (and their
// R*Tree rows, which no foreign key reaches).
func clearServiceIndex(ctx context.Context, tx *sql.Tx, pk int64) error {
	for _, q := range []string{
		`DELETE FROM service_locations_rtree WHERE id IN (SELECT pk FROM service_locations WHERE service_pk = ?)`,
		`DELETE FROM service_locations WHERE service_pk = ?`,
		`DELETE FROM service_tags WHERE service_pk = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, pk); err != nil {
			return fmt.Errorf("clear service index: %w", err)
		}
	}
	return nil
}

// ImportServices writes every service in one transaction: all or nothing.
// A service whose id exists in the site is updated, never duplicated;
// whether it is published is assets.PublishOnImport's decision.
func (db *DB) ImportServices(ctx context.Context, a kith.Actor, svcs []assets.Service) (created, updated int, err error) {
	err = db.writeTx(ctx, func(tx *sql.Tx) error {
		for i := range svcs {
			var public int
			switch err := tx.QueryRowContext(ctx, `SELECT public FROM services WHERE site_id = ? AND id = ?`, a.Site, svcs[i].ID).Scan(&public); {
			case errors.Is(err, sql.ErrNoRows):
				svcs[i].Public = assets.PublishOnImport(nil)
			case err != nil:
				return fmt.Errorf("import service %d: %w", i, err)
			default:
				was := public == 1
				svcs[i].Public = assets.PublishOnImport(&was)
			}
			isNew, err := db.writeService(ctx, tx, a, &svcs[i], false, false)
			if err != nil {
				return fmt.Errorf("import service %d: %w", i, err)
			}
			if isNew {
				created++
			} else {
				updated++
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return created, updated, nil
}

// CreateService adds one service; an id already in use is a conflict.
func (db *DB) CreateService(ctx context.Context, a kith.Actor, s *assets.Service) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := db.writeService(ctx, tx, a, s, false, true)
		return err
	})
}

// UpdateService replaces one service of the site.
func (db *DB) UpdateService(ctx context.Context, a kith.Actor, s *assets.Service) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := db.writeService(ctx, tx, a, s, true, false)
		return err
	})
}

// DeleteService takes a service out of the directory. It stays readable by
// id, because referrals made to it must still show where they went.
func (db *DB) DeleteService(ctx context.Context, a kith.Actor, id string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		var pk int64
		err := tx.QueryRowContext(ctx, `SELECT pk FROM services WHERE site_id = ? AND id = ? AND deleted_at IS NULL`, a.Site, id).Scan(&pk)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound("Service")
		}
		if err != nil {
			return fmt.Errorf("delete service: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE services SET deleted_at = ? WHERE pk = ?`, fmtTime(db.now()), pk); err != nil {
			return fmt.Errorf("delete service: %w", err)
		}
		if err := clearServiceIndex(ctx, tx, pk); err != nil {
			return err
		}
		return db.insertAudit(ctx, tx, a, "delete", "service", id)
	})
}

// ConfirmService records that a service's entry is still up to date.
func (db *DB) ConfirmService(ctx context.Context, a kith.Actor, id string, on time.Time) (assets.Service, error) {
	var s assets.Service
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, serviceColumns+` WHERE site_id = ? AND id = ? AND deleted_at IS NULL`, a.Site, id)
		var err error
		if s, err = scanService(row); err != nil {
			return err
		}
		s.LastConfirmed = on.Format(time.DateOnly)
		_, err = db.writeService(ctx, tx, a, &s, true, false)
		return err
	})
	return s, err
}

const serviceColumns = `SELECT doc, created_at, updated_at, deleted_at FROM services`

func scanService(row rowScanner) (assets.Service, error) {
	var doc, created, updated string
	var deleted sql.NullString
	if err := row.Scan(&doc, &created, &updated, &deleted); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return assets.Service{}, errNotFound("Service")
		}
		return assets.Service{}, fmt.Errorf("read service: %w", err)
	}
	return decodeService(doc, created, updated, deleted)
}

// decodeService builds a service from its stored JSON and row times.
func decodeService(doc, created, updated string, deleted sql.NullString) (assets.Service, error) {
	var s assets.Service
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		return s, fmt.Errorf("decode service: %w", err)
	}
	c, err := parseTime(created)
	if err != nil {
		return s, err
	}
	u, err := parseTime(updated)
	if err != nil {
		return s, err
	}
	s.CreatedAt, s.UpdatedAt = &c, &u
	if s.DeletedAt, err = parseNullTime(deleted); err != nil {
		return s, err
	}
	return s, nil
}

// Service returns one of the site's services, deleted or not.
func (db *DB) Service(ctx context.Context, site, id string) (assets.Service, error) {
	return scanService(db.read.QueryRowContext(ctx, serviceColumns+` WHERE site_id = ? AND id = ?`, site, id))
}

// ListServices returns the site's live services, by name.
func (db *DB) ListServices(ctx context.Context, site string, f app.ServiceFilter) ([]assets.Service, int, error) {
	where := []string{"site_id = ?", "deleted_at IS NULL"}
	args := []any{site}
	if f.StaleBefore != "" {
		where = append(where, "last_confirmed < ?")
		args = append(args, f.StaleBefore)
	}
	if f.PublicOnly {
		where = append(where, "public = 1")
	}
	if !f.ModifiedAfter.IsZero() {
		where = append(where, "updated_at > ?")
		args = append(args, fmtTime(f.ModifiedAfter))
	}
	if f.TaxonomyTerm != "" {
		where = append(where, "(instr(doc, ?) > 0)")
		args = append(args, `"id":`+jsonString(f.TaxonomyTerm))
	}
	if f.Q != "" {
		match, ok := ftsQuery(f.Q)
		if !ok {
			return nil, 0, kith.Invalid(kith.FieldError{Field: "q", Message: "must contain a word to search for"})
		}
		where = append(where, "pk IN (SELECT rowid FROM services_fts WHERE services_fts MATCH ?)")
		args = append(args, match)
	}
	cond := strings.Join(where, " AND ")
	var out []assets.Service
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM services WHERE `+cond, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, serviceColumns+` WHERE `+cond+` ORDER BY name, id LIMIT ? OFFSET ?`, append(args, f.Page.Size, f.Page.Offset())...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			s, err := scanService(rows)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		return rows.Err()
	})
	if err != nil {
		var ke *kith.Error
		if errors.As(err, &ke) {
			return nil, 0, err
		}
		return nil, 0, fmt.Errorf("list services: %w", err)
	}
	return out, total, nil
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// ftsQuery writes app.SearchTerms' words (the application decides what
// is looked for) as an FTS5 query: each word a quoted phrase, so nothing a
// person typed is FTS syntax, all of them required.
func ftsQuery(q string) (string, bool) {
	terms := app.SearchTerms(q)
	if len(terms) == 0 {
		return "", false
	}
	for i, w := range terms {
		terms[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
	}
	return strings.Join(terms, " "), true
}

// SearchServices searches the site's live services. With a location it
// reads candidates from the R*Tree bounding box around the person (never
// every row), keeps those within the radius, and sorts by distance unless
// a text query ranks them.
func (db *DB) SearchServices(ctx context.Context, site string, s app.Search) ([]app.SearchHit, int, error) {
	where, args, err := searchWhere(site, s)
	if err != nil {
		return nil, 0, err
	}
	var cands []assets.Ranked
	err = db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		cands, err = searchCandidates(ctx, tx, s.SearchFilter, where, args)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("search services: %w", err)
	}
	assets.SortRanked(cands, s.Q != "")
	return db.searchPage(ctx, s, cands)
}

// searchWhere is the SQL condition of every filter but open_now.
func searchWhere(site string, s app.Search) ([]string, []any, error) {
	where := []string{"s.site_id = ?", "s.deleted_at IS NULL"}
	args := []any{site}
	f := s.SearchFilter
	if s.PublicOnly {
		where = append(where, "s.public = 1")
	}
	if f.Category != "" {
		where, args = append(where, "s.category = ?"), append(args, f.Category)
	}
	if f.FreeOnly {
		where = append(where, "s.free = 1")
	}
	if f.Age != nil {
		where = append(where, "(s.min_age IS NULL OR s.min_age <= ?) AND (s.max_age IS NULL OR s.max_age >= ?)")
		args = append(args, *f.Age, *f.Age)
	}
	for _, t := range [][2]string{{"relationship", f.Relationship}, {"support_to_attend", f.SupportToAttend}, {"language", f.Language}} {
		if t[1] != "" {
			where = append(where, "EXISTS (SELECT 1 FROM service_tags t WHERE t.site_id = s.site_id AND t.kind = ? AND t.value = ? AND t.service_pk = s.pk)")
			args = append(args, t[0], t[1])
		}
	}
	if f.Q != "" {
		match, ok := ftsQuery(f.Q)
		if !ok {
			return nil, nil, kith.Invalid(kith.FieldError{Field: "q", Message: "must contain a word to search for"})
		}
		where, args = append(where, "s.pk IN (SELECT rowid FROM services_fts WHERE services_fts MATCH ?)"), append(args, match)
	}
	return where, args, nil
}

// searchCandidates reads the services matching where: with a location,
// from the R*Tree box around it, keeping each service's nearest place
// within the radius. (The CROSS JOINs make SQLite read the R*Tree first:
// left to itself, the planner may walk every service of the site and
// probe the tree for each, which on 100,000 services takes minutes.)
func searchCandidates(ctx context.Context, tx *sql.Tx, f assets.SearchFilter, where []string, args []any) ([]assets.Ranked, error) {
	rankExpr := "0"
	qargs := append([]any{}, args...)
	if f.Q != "" {
		rankExpr = "(SELECT bm25(services_fts) FROM services_fts WHERE services_fts MATCH ? AND rowid = s.pk)"
	}
	q := `SELECT s.pk, NULL, NULL, ` + rankExpr + ` FROM services s WHERE ` + strings.Join(where, " AND ")
	if f.Lat != nil && f.Lon != nil {
		minLat, maxLat, minLon, maxLon := assets.BoundingBox(*f.Lat, *f.Lon, f.RadiusKm)
		q = `SELECT s.pk, l.latitude, l.longitude, ` + rankExpr + ` FROM service_locations_rtree r
			CROSS JOIN service_locations l ON l.pk = r.id CROSS JOIN services s ON s.pk = l.service_pk
			WHERE r.min_lat >= ? AND r.max_lat <= ? AND r.min_lon >= ? AND r.max_lon <= ? AND ` + strings.Join(where, " AND ")
		qargs = append([]any{minLat, maxLat, minLon, maxLon}, qargs...)
	}
	if f.Q != "" {
		match, _ := ftsQuery(f.Q)
		qargs = append([]any{match}, qargs...)
	}
	rows, err := tx.QueryContext(ctx, q, qargs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cands []assets.Ranked
	best := map[int64]int{}
	for rows.Next() {
		var c assets.Ranked
		var lat, lon sql.NullFloat64
		if err := rows.Scan(&c.Key, &lat, &lon, &c.Rank); err != nil {
			return nil, err
		}
		if lat.Valid && lon.Valid {
			d := assets.DistanceKm(*f.Lat, *f.Lon, lat.Float64, lon.Float64)
			if d > f.RadiusKm {
				continue
			}
			c.DistanceKm = &d
		}
		if i, ok := best[c.Key]; ok {
			if c.DistanceKm != nil && (cands[i].DistanceKm == nil || *c.DistanceKm < *cands[i].DistanceKm) {
				cands[i].DistanceKm = c.DistanceKm
			}
			continue
		}
		best[c.Key] = len(cands)
		cands = append(cands, c)
	}
	return cands, rows.Err()
}

// searchPage loads the page of hits asked for. open_now needs each
// candidate's schedules, so it is the one filter applied after loading;
// the others ran in SQL.
func (db *DB) searchPage(ctx context.Context, s app.Search, cands []assets.Ranked) ([]app.SearchHit, int, error) {
	load := func(c assets.Ranked) (app.SearchHit, error) {
		svc, err := scanService(db.read.QueryRowContext(ctx, serviceColumns+` WHERE pk = ?`, c.Key))
		if err != nil {
			return app.SearchHit{}, err
		}
		return app.SearchHit{Service: svc, DistanceKm: assets.RoundKm(c.DistanceKm), Stale: assets.Stale(svc.LastConfirmed, s.Now)}, nil
	}
	var hits []app.SearchHit
	if !s.OpenNow {
		for i := s.Page.Offset(); i < len(cands) && len(hits) < s.Page.Size; i++ {
			h, err := load(cands[i])
			if err != nil {
				return nil, 0, err
			}
			hits = append(hits, h)
		}
		return hits, len(cands), nil
	}
	total := 0
	for _, c := range cands {
		h, err := load(c)
		if err != nil {
			return nil, 0, err
		}
		if !assets.OpenAt(h.Schedules, s.Now) {
			continue
		}
		total++
		if total > s.Page.Offset() && len(hits) < s.Page.Size {
			hits = append(hits, h)
		}
	}
	return hits, total, nil
}

// BruteForceNearest scans every located service of the site and returns
// the ids within radiusKm. It exists only so the benchmark can show what
// the spatial index saves.
func (db *DB) BruteForceNearest(ctx context.Context, site string, lat, lon, radiusKm float64) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT s.id, l.latitude, l.longitude FROM service_locations l
		JOIN services s ON s.pk = l.service_pk WHERE s.site_id = ? AND s.deleted_at IS NULL`, site)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		var la, lo float64
		if err := rows.Scan(&id, &la, &lo); err != nil {
			return nil, err
		}
		if assets.DistanceKm(lat, lon, la, lo) <= radiusKm {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// Candidates returns the site's live services in the given categories that
// could be offered to someone at (lat, lon): those with a place within
// radiusKm (through the spatial index), and those with no place at all,
// which work by phone, online or at home. Without a location, every
// service in the categories is a candidate, with no distance.
//
// A directory of up to snapshotLimit services is searched in memory (see
// directoryCache); a larger one through the spatial index.
func (db *DB) Candidates(ctx context.Context, site string, categories []string, lat, lon *float64, radiusKm float64) ([]pathways.Candidate, error) {
	if len(categories) == 0 {
		return nil, nil
	}
	snap, err := db.directory(ctx, site)
	if err != nil {
		return nil, err
	}
	if !snap.tooLarge {
		return snap.candidates(categories, lat, lon, radiusKm), nil
	}
	return db.indexedCandidates(ctx, site, categories, lat, lon, radiusKm)
}

// indexedCandidates is Candidates through the R*Tree.
func (db *DB) indexedCandidates(ctx context.Context, site string, categories []string, lat, lon *float64, radiusKm float64) ([]pathways.Candidate, error) {
	in := "(?" + strings.Repeat(",?", len(categories)-1) + ")"
	cats := make([]any, len(categories))
	for i, c := range categories {
		cats[i] = c
	}
	dist := map[int64]*float64{}
	var order []int64
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var rows *sql.Rows
		var err error
		if lat != nil && lon != nil {
			minLat, maxLat, minLon, maxLon := assets.BoundingBox(*lat, *lon, radiusKm)
			rows, err = tx.QueryContext(ctx, `SELECT s.pk, l.latitude, l.longitude FROM service_locations_rtree r
				CROSS JOIN service_locations l ON l.pk = r.id CROSS JOIN services s ON s.pk = l.service_pk
				WHERE r.min_lat >= ? AND r.max_lat <= ? AND r.min_lon >= ? AND r.max_lon <= ?
				AND s.site_id = ? AND s.deleted_at IS NULL AND s.category IN `+in+`
				UNION ALL
				SELECT s.pk, NULL, NULL FROM services s WHERE s.site_id = ? AND s.deleted_at IS NULL AND s.latitude IS NULL AND s.category IN `+in,
				append(append(append([]any{minLat, maxLat, minLon, maxLon, site}, cats...), site), cats...)...)
		} else {
			rows, err = tx.QueryContext(ctx, `SELECT s.pk, NULL, NULL FROM services s WHERE s.site_id = ? AND s.deleted_at IS NULL AND s.category IN `+in,
				append([]any{site}, cats...)...)
		}
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var pk int64
			var la, lo sql.NullFloat64
			if err := rows.Scan(&pk, &la, &lo); err != nil {
				return err
			}
			prev, seen := dist[pk]
			if la.Valid && lat != nil {
				d := assets.DistanceKm(*lat, *lon, la.Float64, lo.Float64)
				if d > radiusKm {
					continue
				}
				if !seen || prev == nil || d < *prev {
					dist[pk] = assets.RoundKm(&d)
				}
			} else if !seen {
				dist[pk] = nil
			}
			if !seen {
				order = append(order, pk)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("find candidates: %w", err)
	}
	svcs, err := db.servicesByPK(ctx, order)
	if err != nil {
		return nil, err
	}
	out := make([]pathways.Candidate, 0, len(order))
	for _, pk := range order {
		if svc, ok := svcs[pk]; ok {
			out = append(out, pathways.Candidate{Service: svc, DistanceKm: dist[pk]})
		}
	}
	return out, nil
}

// serviceCache keeps decoded services by row and version: every screening
// ranks the same few dozen services, and decoding them each time was most
// of the cost of a recommendation.
type serviceCache struct {
	mu sync.Mutex
	m  map[int64]cachedService
}

type cachedService struct {
	updated string
	svc     assets.Service
}

// cachedDecode returns a service row decoded, from the cache when the row
// has not changed since it was decoded. The caller holds db.services.mu.
func (db *DB) cachedDecode(pk int64, doc, created, updated string, deleted sql.NullString) (assets.Service, error) {
	if db.services.m == nil {
		db.services.m = map[int64]cachedService{}
	}
	key := updated + deleted.String
	if c, ok := db.services.m[pk]; ok && c.updated == key {
		return c.svc, nil
	}
	svc, err := decodeService(doc, created, updated, deleted)
	if err != nil {
		return assets.Service{}, err
	}
	db.services.m[pk] = cachedService{updated: key, svc: svc}
	return svc, nil
}

// servicesByPK loads services by row id in one query, decoding only those
// changed since they were cached.
func (db *DB) servicesByPK(ctx context.Context, pks []int64) (map[int64]assets.Service, error) {
	out := make(map[int64]assets.Service, len(pks))
	if len(pks) == 0 {
		return out, nil
	}
	args := make([]any, len(pks))
	for i, pk := range pks {
		args[i] = pk
	}
	rows, err := db.read.QueryContext(ctx, `SELECT pk, doc, created_at, updated_at, deleted_at FROM services WHERE pk IN (?`+strings.Repeat(",?", len(pks)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load services: %w", err)
	}
	defer rows.Close()
	db.services.mu.Lock()
	defer db.services.mu.Unlock()
	for rows.Next() {
		var pk int64
		var doc, created, updated string
		var deleted sql.NullString
		if err := rows.Scan(&pk, &doc, &created, &updated, &deleted); err != nil {
			return nil, err
		}
		svc, err := db.cachedDecode(pk, doc, created, updated, deleted)
		if err != nil {
			return nil, err
		}
		out[pk] = svc
	}
	return out, rows.Err()
}
