package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/pathways"
)

// searchWhere is the SQL condition of every filter but distance and
// open_now, over services s.
func searchWhere(site string, s app.Search) (*where, error) {
	w := &where{}
	w.add("s.site_id = ? AND s.deleted_at IS NULL", site)
	f := s.SearchFilter
	if s.PublicOnly {
		w.conds = append(w.conds, "s.public")
	}
	if f.Category != "" {
		w.add("s.category = ?", f.Category)
	}
	if f.FreeOnly {
		w.conds = append(w.conds, "s.free")
	}
	if f.Age != nil {
		w.add("(s.min_age IS NULL OR s.min_age <= ?)", *f.Age)
		w.add("(s.max_age IS NULL OR s.max_age >= ?)", *f.Age)
	}
	for _, t := range [][2]string{{"relationship", f.Relationship}, {"support_to_attend", f.SupportToAttend}, {"language", f.Language}} {
		if t[1] != "" {
			w.add("EXISTS (SELECT 1 FROM service_tags t WHERE t.site_id = s.site_id AND t.service_pk = s.pk AND t.kind = ?", t[0])
			w.add("t.value = ?)", t[1])
		}
	}
	if f.Q != "" {
		words, ok := textQuery(f.Q)
		if !ok {
			return nil, errNoWords
		}
		w.add("s.search @@ plainto_tsquery('kith_english', ?)", words)
	}
	return w, nil
}

// searchCandidate is a service a search found, at its nearest place.
type searchCandidate struct {
	pk   int64
	dist *float64
	rank float32
}

// SearchServices searches the site's live services. With a location it
// reads only the places in the latitude/longitude box around the person
// (through the service_locations_box index), keeps each service's nearest
// place within the radius, and sorts by distance unless a text query
// ranks them.
func (db *DB) SearchServices(ctx context.Context, site string, s app.Search) ([]app.SearchHit, int, error) {
	w, err := searchWhere(site, s)
	if err != nil {
		return nil, 0, err
	}
	rank := "0::real"
	if s.Q != "" {
		words, _ := textQuery(s.Q)
		w.args = append(w.args, words)
		rank = "ts_rank(s.search, plainto_tsquery('kith_english', $" + fmt.Sprint(len(w.args)) + "))"
	}
	q := `SELECT s.pk, NULL::float8, NULL::float8, ` + rank + ` FROM services s WHERE ` + w.String()
	f := s.SearchFilter
	if f.Lat != nil && f.Lon != nil {
		minLat, maxLat, minLon, maxLon := assets.BoundingBox(*f.Lat, *f.Lon, f.RadiusKm)
		n := len(w.args)
		w.args = append(w.args, minLat, maxLat, minLon, maxLon)
		q = fmt.Sprintf(`SELECT s.pk, l.latitude, l.longitude, %s FROM service_locations l JOIN services s ON s.pk = l.service_pk
			WHERE l.site_id = $1 AND l.latitude BETWEEN $%d AND $%d AND l.longitude BETWEEN $%d AND $%d AND %s`,
			rank, n+1, n+2, n+3, n+4, w.String())
	}
	var cands []searchCandidate
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, w.args...)
		if err != nil {
			return err
		}
		cands, err = nearestPerService(rows, f)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("search services: %w", err)
	}
	sortHits(cands, s.Q != "")
	return db.searchPage(ctx, s, cands)
}

// nearestPerService reads search rows (pk, place, rank), keeping each
// service once, at its nearest place within the radius.
func nearestPerService(rows pgx.Rows, f assets.SearchFilter) ([]searchCandidate, error) {
	var cands []searchCandidate
	best := map[int64]int{}
	var c searchCandidate
	var lat, lon *float64
	_, err := pgx.ForEachRow(rows, []any{&c.pk, &lat, &lon, &c.rank}, func() error {
		c.dist = nil
		if lat != nil && lon != nil {
			d := assets.DistanceKm(*f.Lat, *f.Lon, *lat, *lon)
			if d > f.RadiusKm {
				return nil
			}
			c.dist = &d
		}
		if i, ok := best[c.pk]; ok {
			if c.dist != nil && (cands[i].dist == nil || *c.dist < *cands[i].dist) {
				cands[i].dist = c.dist
			}
			return nil
		}
		best[c.pk] = len(cands)
		cands = append(cands, c)
		return nil
	})
	return cands, err
}

// searchPage loads the page of hits asked for. open_now needs each
// candidate's schedules, so it is the one filter applied after loading.
func (db *DB) searchPage(ctx context.Context, s app.Search, cands []searchCandidate) ([]app.SearchHit, int, error) {
	load := func(c searchCandidate) (app.SearchHit, error) {
		svc, err := scanService(db.pool.QueryRow(ctx, sqlServiceColumns+` WHERE pk = $1`, c.pk))
		if err != nil {
			return app.SearchHit{}, err
		}
		return app.SearchHit{Service: svc, DistanceKm: roundKm(c.dist), Stale: assets.Stale(svc.LastConfirmed, s.Now)}, nil
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

// Candidates returns the site's live services in the given categories that
// could be offered to someone at (lat, lon), as assets.Reaches decides:
// those with a place within radiusKm (read through the box index) and
// those with no place at all; without a location, every one in the
// categories.
func (db *DB) Candidates(ctx context.Context, site string, categories []string, lat, lon *float64, radiusKm float64) ([]pathways.Candidate, error) {
	if len(categories) == 0 {
		return nil, nil
	}
	located := lat != nil && lon != nil
	var minLat, maxLat, minLon, maxLon float64
	if located {
		minLat, maxLat, minLon, maxLon = assets.BoundingBox(*lat, *lon, radiusKm)
	}
	rows, err := db.pool.Query(ctx, `SELECT s.pk, s.latitude IS NULL, s.doc, s.created_at, s.updated_at, s.deleted_at,
		coalesce(array_agg(l.latitude ORDER BY l.pk) FILTER (WHERE l.pk IS NOT NULL), '{}'),
		coalesce(array_agg(l.longitude ORDER BY l.pk) FILTER (WHERE l.pk IS NOT NULL), '{}')
		FROM services s LEFT JOIN service_locations l ON l.service_pk = s.pk AND $3
			AND l.latitude BETWEEN $4 AND $5 AND l.longitude BETWEEN $6 AND $7
		WHERE s.site_id = $1 AND s.deleted_at IS NULL AND s.category = ANY($2)
			AND (NOT $3 OR s.latitude IS NULL OR l.pk IS NOT NULL)
		GROUP BY s.pk ORDER BY s.pk`, site, categories, located, minLat, maxLat, minLon, maxLon)
	if err != nil {
		return nil, fmt.Errorf("find candidates: %w", err)
	}
	var out []pathways.Candidate
	var pk int64
	var placeless bool
	var doc string
	var lats, lons []float64
	var created, updated time.Time
	var deleted *time.Time
	_, err = pgx.ForEachRow(rows, []any{&pk, &placeless, &doc, &created, &updated, &deleted, &lats, &lons}, func() error {
		places := make([][2]float64, len(lats))
		for i := range lats {
			places[i] = [2]float64{lats[i], lons[i]}
		}
		d, ok := assets.Reaches(places, placeless, lat, lon, radiusKm)
		if !ok {
			return nil
		}
		svc, err := decodeService(doc, created, updated, deleted)
		if err != nil {
			return err
		}
		out = append(out, pathways.Candidate{Service: svc, DistanceKm: roundKm(d), Words: pathways.ServiceWords(&svc)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find candidates: %w", err)
	}
	return out, nil
}
