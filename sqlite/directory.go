package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"

	"github.com/kith-project/kith/assets"
	"github.com/kith-project/kith/pathways"
)

// snapshotLimit is the most live services a site's directory may hold and
// still be ranked from memory. A larger directory is ranked through the
// spatial index, which reads only the services near the person.
const snapshotLimit = 5000

// directoryCache holds each site's live directory, decoded, for ranking:
// every screening that asks for services ranks the same directory, and an
// SQL query and a decode per submission was a fifth of its cost. A
// snapshot is good while the site's directory version (bumped by triggers
// in the same transaction as any change to services or their places, from
// this process or the CLI) is the one it was read at.
type directoryCache struct {
	mu   sync.Mutex
	load sync.Mutex // one load at a time; the others wait and share it
	m    map[string]*directorySnapshot
}

// directorySnapshot is one site's live services at one directory version.
type directorySnapshot struct {
	version  int64
	tooLarge bool // more than snapshotLimit services: use the index
	services []snapshotService
}

// snapshotService is a live service with what candidate search needs.
type snapshotService struct {
	svc       assets.Service
	words     map[string]bool // pathways.ServiceWords, worked out once
	placeless bool            // no place at all (phone, online, at home)
	places    [][2]float64    // located places: latitude, longitude
}

// directoryVersion reads the site's directory version (0 before any service).
func (db *DB) directoryVersion(ctx context.Context, site string) (int64, error) {
	var v int64
	err := db.readRow(ctx, `SELECT coalesce((SELECT version FROM directory_versions WHERE site_id = ?), 0)`, site).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read directory version: %w", err)
	}
	return v, nil
}

// directory returns the site's current directory snapshot.
func (db *DB) directory(ctx context.Context, site string) (*directorySnapshot, error) {
	v, err := db.directoryVersion(ctx, site)
	if err != nil {
		return nil, err
	}
	c := &db.directories
	c.mu.Lock()
	snap := c.m[site]
	c.mu.Unlock()
	if snap != nil && snap.version == v {
		return snap, nil
	}
	c.load.Lock()
	defer c.load.Unlock()
	c.mu.Lock()
	snap = c.m[site]
	c.mu.Unlock()
	if snap != nil && snap.version == v {
		return snap, nil // another request loaded it meanwhile
	}
	snap, err = db.loadDirectory(ctx, site)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*directorySnapshot{}
	}
	c.m[site] = snap
	c.mu.Unlock()
	return snap, nil
}

// loadDirectory reads the site's version and live services in one read
// transaction, so the snapshot is exactly the directory at that version.
// Services unchanged since they were last decoded are not decoded again.
func (db *DB) loadDirectory(ctx context.Context, site string) (*directorySnapshot, error) {
	snap := &directorySnapshot{}
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT version FROM directory_versions WHERE site_id = ?), 0)`, site).Scan(&snap.version); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM services WHERE site_id = ? AND deleted_at IS NULL`, site).Scan(&n); err != nil {
			return err
		}
		if n > snapshotLimit {
			snap.tooLarge = true
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT pk, latitude IS NULL, doc, created_at, updated_at, deleted_at
			FROM services WHERE site_id = ? AND deleted_at IS NULL ORDER BY pk`, site)
		if err != nil {
			return err
		}
		defer rows.Close()
		index := map[int64]int{}
		db.services.mu.Lock()
		defer db.services.mu.Unlock()
		for rows.Next() {
			var pk int64
			var placeless bool
			var doc, created, updated string
			var deleted sql.NullString
			if err := rows.Scan(&pk, &placeless, &doc, &created, &updated, &deleted); err != nil {
				return err
			}
			svc, err := db.cachedDecode(pk, doc, created, updated, deleted)
			if err != nil {
				return err
			}
			index[pk] = len(snap.services)
			snap.services = append(snap.services, snapshotService{svc: svc, words: pathways.ServiceWords(&svc), placeless: placeless})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		lrows, err := tx.QueryContext(ctx, `SELECT l.service_pk, l.latitude, l.longitude FROM service_locations l
			JOIN services s ON s.pk = l.service_pk WHERE s.site_id = ? AND s.deleted_at IS NULL ORDER BY l.pk`, site)
		if err != nil {
			return err
		}
		defer lrows.Close()
		for lrows.Next() {
			var pk int64
			var la, lo float64
			if err := lrows.Scan(&pk, &la, &lo); err != nil {
				return err
			}
			if i, ok := index[pk]; ok {
				snap.services[i].places = append(snap.services[i].places, [2]float64{la, lo})
			}
		}
		return lrows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("load directory: %w", err)
	}
	return snap, nil
}

// candidates is Candidates over a snapshot: the rule (assets.Reaches)
// in memory.
func (snap *directorySnapshot) candidates(categories []string, lat, lon *float64, radiusKm float64) []pathways.Candidate {
	n := 0
	for i := range snap.services {
		if slices.Contains(categories, snap.services[i].svc.Category) {
			n++
		}
	}
	out := make([]pathways.Candidate, 0, n) // services are big: no regrowing
	for i := range snap.services {
		s := &snap.services[i]
		if !slices.Contains(categories, s.svc.Category) {
			continue
		}
		if d, ok := assets.Reaches(s.places, s.placeless, lat, lon, radiusKm); ok {
			out = append(out, pathways.Candidate{Service: s.svc, DistanceKm: assets.RoundKm(d), Words: s.words})
		}
	}
	return out
}
