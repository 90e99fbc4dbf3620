package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
)

// How writeService treats a service whose id the site already has.
type serviceWrite int

const (
	upsertService   serviceWrite = iota // import: insert or replace
	newService                          // create: an id in use is a conflict
	existingService                     // update: an unknown id is not found
)

// serviceTags are the many-valued fields searches filter on, each value once.
func serviceTags(s *assets.Service) (kinds, values []string) {
	for _, t := range []struct {
		kind string
		vals []string
	}{{"relationship", s.Relationships}, {"support_to_attend", s.SupportToAttend}, {"language", s.Languages}} {
		seen := map[string]bool{}
		for _, v := range t.vals {
			if !seen[v] {
				seen[v] = true
				kinds, values = append(kinds, t.kind), append(values, v)
			}
		}
	}
	return kinds, values
}

const sqlServiceValues = `$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16`

// writeService stores one service and its index rows in tx, in one
// statement for the row whatever another instance does meanwhile (no read
// before the write decides anything), and returns whether it was new.
func (db *DB) writeService(ctx context.Context, tx pgx.Tx, a kith.Actor, s *assets.Service, how serviceWrite) (bool, error) {
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
	args := []any{a.Site, s.ID, s.Name, s.Description, s.Category, s.Capacity, s.Status, s.Cost.Free, s.Public,
		s.Eligibility.MinimumAge, s.Eligibility.MaximumAge, s.LastConfirmed, s.Latitude, s.Longitude, string(body), db.now()}
	insert := `INSERT INTO services (site_id, id, name, description, category, capacity, status, free, public,
		min_age, max_age, last_confirmed, latitude, longitude, doc, created_at, updated_at) VALUES (` + sqlServiceValues + `)`
	var pk int64
	isNew := true
	switch how {
	case newService:
		err = tx.QueryRow(ctx, insert+` RETURNING pk`, args...).Scan(&pk)
		if isUnique(err) {
			return false, &kith.Error{Code: kith.ECONFLICT, Message: "A service with this id already exists.",
				Fields: []kith.FieldError{{Field: "id", Message: "is already in use"}}}
		}
	case existingService:
		isNew = false
		err = tx.QueryRow(ctx, `UPDATE services SET name = $3, description = $4, category = $5, capacity = $6, status = $7,
			free = $8, public = $9, min_age = $10, max_age = $11, last_confirmed = $12, latitude = $13, longitude = $14, doc = $15,
			updated_at = $16, deleted_at = NULL WHERE site_id = $1 AND id = $2 RETURNING pk`, args...).Scan(&pk)
		if errors.Is(err, pgx.ErrNoRows) {
			return false, errNotFound("Service")
		}
	default:
		// xmax is 0 on a row this statement inserted, not on one it updated.
		err = tx.QueryRow(ctx, insert+` ON CONFLICT (site_id, id) DO UPDATE SET name = excluded.name,
			description = excluded.description, category = excluded.category, capacity = excluded.capacity,
			status = excluded.status, free = excluded.free, public = excluded.public, min_age = excluded.min_age,
			max_age = excluded.max_age, last_confirmed = excluded.last_confirmed, latitude = excluded.latitude,
			longitude = excluded.longitude, doc = excluded.doc, updated_at = excluded.updated_at, deleted_at = NULL
			RETURNING pk, xmax = 0`, args...).Scan(&pk, &isNew)
	}
	if err != nil {
		return false, fmt.Errorf("write service: %w", err)
	}
	if err := db.indexService(ctx, tx, a.Site, pk, s, !isNew); err != nil {
		return false, err
	}
	action := "update"
	if isNew {
		action = "create"
	}
	return isNew, db.insertAudit(ctx, tx, a, action, "service", s.ID)
}

// indexService rewrites a service's tags and located places, and bumps the
// site's directory version.
func (db *DB) indexService(ctx context.Context, tx pgx.Tx, site string, pk int64, s *assets.Service, clear bool) error {
	if clear {
		if err := clearServiceIndex(ctx, tx, pk); err != nil {
			return err
		}
	}
	kinds, values := serviceTags(s)
	var lats, lons []float64
	for _, l := range s.Locations {
		if l.Located && l.Latitude != nil && l.Longitude != nil {
			lats, lons = append(lats, *l.Latitude), append(lons, *l.Longitude)
		}
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO service_tags (site_id, service_pk, kind, value)
		SELECT $1, $2, k, v FROM unnest($3::text[], $4::text[]) AS u(k, v)`, site, pk, kinds, values)
	b.Queue(`INSERT INTO service_locations (site_id, service_pk, latitude, longitude)
		SELECT $1, $2, la, lo FROM unnest($3::float8[], $4::float8[]) AS u(la, lo)`, site, pk, lats, lons)
	queueDirectoryBump(b, site)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("index service: %w", err)
	}
	return nil
}

// queueDirectoryBump bumps the site's directory version, in the change's
// transaction, so an instance holding the directory knows it changed.
func queueDirectoryBump(b *pgx.Batch, site string) {
	b.Queue(`INSERT INTO directory_versions (site_id, version) VALUES ($1, 1)
		ON CONFLICT (site_id) DO UPDATE SET version = directory_versions.version + 1`, site)
}

// clearServiceIndex removes a service's tags and located places.
func clearServiceIndex(ctx context.Context, tx pgx.Tx, pk int64) error {
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM service_locations WHERE service_pk = $1`, pk)
	b.Queue(`DELETE FROM service_tags WHERE service_pk = $1`, pk)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("clear service index: %w", err)
	}
	return nil
}

// ImportServices writes every service in one transaction: all or nothing.
// A service whose id exists in the site is updated, never duplicated;
// whether it is published is assets.PublishOnImport's decision, from the
// row as it is, locked until the import commits.
func (db *DB) ImportServices(ctx context.Context, a kith.Actor, svcs []assets.Service) (created, updated int, err error) {
	err = db.writeTx(ctx, func(tx pgx.Tx) error {
		for i := range svcs {
			var was *bool
			err := tx.QueryRow(ctx, `SELECT public FROM services WHERE site_id = $1 AND id = $2 FOR UPDATE`, a.Site, svcs[i].ID).Scan(&was)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("import service %d: %w", i, err)
			}
			svcs[i].Public = assets.PublishOnImport(was)
			isNew, err := db.writeService(ctx, tx, a, &svcs[i], upsertService)
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
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		_, err := db.writeService(ctx, tx, a, s, newService)
		return err
	})
}

// UpdateService replaces one service of the site.
func (db *DB) UpdateService(ctx context.Context, a kith.Actor, s *assets.Service) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		_, err := db.writeService(ctx, tx, a, s, existingService)
		return err
	})
}

// DeleteService takes a service out of the directory. It stays readable by
// id, because referrals made to it must still show where they went.
func (db *DB) DeleteService(ctx context.Context, a kith.Actor, id string) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		var pk int64
		err := tx.QueryRow(ctx, `UPDATE services SET deleted_at = $3 WHERE site_id = $1 AND id = $2 AND deleted_at IS NULL
			RETURNING pk`, a.Site, id, db.now()).Scan(&pk)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFound("Service")
		}
		if err != nil {
			return fmt.Errorf("delete service: %w", err)
		}
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM service_locations WHERE service_pk = $1`, pk)
		b.Queue(`DELETE FROM service_tags WHERE service_pk = $1`, pk)
		queueDirectoryBump(b, a.Site)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("delete service: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "delete", "service", id)
	})
}

// ConfirmService records that a service's entry is still up to date.
func (db *DB) ConfirmService(ctx context.Context, a kith.Actor, id string, on time.Time) (assets.Service, error) {
	var s assets.Service
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		var err error
		s, err = scanService(tx.QueryRow(ctx, sqlServiceColumns+` WHERE site_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE`, a.Site, id))
		if err != nil {
			return err
		}
		s.LastConfirmed = on.Format(time.DateOnly)
		_, err = db.writeService(ctx, tx, a, &s, existingService)
		return err
	})
	return s, err
}

const sqlServiceColumns = `SELECT doc, created_at, updated_at, deleted_at FROM services`

func scanService(row pgx.Row) (assets.Service, error) {
	var doc string
	var created, updated time.Time
	var deleted *time.Time
	if err := row.Scan(&doc, &created, &updated, &deleted); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return assets.Service{}, errNotFound("Service")
		}
		return assets.Service{}, fmt.Errorf("read service: %w", err)
	}
	return decodeService(doc, created, updated, deleted)
}

// decodeService builds a service from its stored JSON and row times.
func decodeService(doc string, created, updated time.Time, deleted *time.Time) (assets.Service, error) {
	var s assets.Service
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		return s, fmt.Errorf("decode service: %w", err)
	}
	created, updated = created.UTC(), updated.UTC()
	s.CreatedAt, s.UpdatedAt = &created, &updated
	if deleted != nil {
		d := deleted.UTC()
		s.DeletedAt = &d
	}
	return s, nil
}

// Service returns one of the site's services, deleted or not.
func (db *DB) Service(ctx context.Context, site, id string) (assets.Service, error) {
	return scanService(db.pool.QueryRow(ctx, sqlServiceColumns+` WHERE site_id = $1 AND id = $2`, site, id))
}

// textQuery turns what a person typed into the words of a text search
// (all must match), or false when it holds none. plainto_tsquery treats
// them as words, never as query syntax.
func textQuery(q string) (string, bool) {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return "", false
	}
	if len(words) > 20 {
		words = words[:20]
	}
	return strings.Join(words, " "), true
}

var errNoWords = kith.Invalid(kith.FieldError{Field: "q", Message: "must contain a word to search for"})

// ListServices returns the site's live services, by name.
func (db *DB) ListServices(ctx context.Context, site string, f app.ServiceFilter) ([]assets.Service, int, error) {
	w := &where{}
	w.add("site_id = ? AND deleted_at IS NULL", site)
	if f.StaleBefore != "" {
		w.add("last_confirmed < ?", f.StaleBefore)
	}
	if f.PublicOnly {
		w.conds = append(w.conds, "public")
	}
	if !f.ModifiedAfter.IsZero() {
		w.add("updated_at > ?", f.ModifiedAfter.UTC())
	}
	if f.TaxonomyTerm != "" {
		w.add("strpos(doc, ?) > 0", `"id":`+jsonString(f.TaxonomyTerm))
	}
	if f.Q != "" {
		words, ok := textQuery(f.Q)
		if !ok {
			return nil, 0, errNoWords
		}
		w.add("search @@ plainto_tsquery('kith_english', ?)", words)
	}
	var out []assets.Service
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM services WHERE `+w.String(), w.args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sqlServiceColumns+` WHERE `+w.String()+` ORDER BY name, id LIMIT `+w.next(1)+` OFFSET `+w.next(2),
			append(w.args, f.Page.Size, f.Page.Offset())...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (assets.Service, error) { return scanService(r) })
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list services: %w", err)
	}
	return out, total, nil
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// roundKm keeps distances to 10 metres, as package sqlite does.
func roundKm(d *float64) *float64 {
	if d == nil {
		return nil
	}
	r := math.Round(*d*100) / 100
	return &r
}

// sortHits orders a search's candidates: by text rank when a query ranks
// them (ts_rank: higher is better), then nearest first (unlocated last),
// then by row, as package sqlite orders them.
func sortHits(cands []searchCandidate, byText bool) {
	sort.SliceStable(cands, func(i, j int) bool {
		if byText && cands[i].rank != cands[j].rank {
			return cands[i].rank > cands[j].rank
		}
		di, dj := math.Inf(1), math.Inf(1)
		if cands[i].dist != nil {
			di = *cands[i].dist
		}
		if cands[j].dist != nil {
			dj = *cands[j].dist
		}
		if di != dj {
			return di < dj
		}
		return cands[i].pk < cands[j].pk
	})
}

// CountServicesInCategory returns how many of the site's live services are
// in a category.
func (db *DB) CountServicesInCategory(ctx context.Context, site, category string) (int, error) {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM services WHERE site_id = $1 AND category = $2 AND deleted_at IS NULL`,
		site, category).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count services in category: %w", err)
	}
	return n, nil
}
