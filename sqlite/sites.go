package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/pathways"
)

// CreateSite adds a site. A duplicate id is a conflict.
func (db *DB) CreateSite(ctx context.Context, a kith.Actor, id, name string, settings kith.SiteSettings) error {
	js, err := json.Marshal(settings)
	if err != nil {
		return fmt.Errorf("create site: %w", err)
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sites (id, name, settings, created_at) VALUES (?, ?, ?, ?)`,
			id, name, string(js), fmtTime(db.now()))
		if isUnique(err) {
			return kith.Errorf(kith.ECONFLICT, "A site with id %q already exists.", id)
		}
		if err != nil {
			return fmt.Errorf("create site: %w", err)
		}
		a.Site = id
		if err := db.insertAudit(ctx, tx, a, "create", "site", id); err != nil {
			return err
		}
		return db.seedDefaultPathway(ctx, tx, a)
	})
}

// seedDefaultPathway gives a new site Kith's default pathway, version 1,
// active, so screenings get recommendations from the first day.
func (db *DB) seedDefaultPathway(ctx context.Context, tx *sql.Tx, a kith.Actor) error {
	now := fmtTime(db.now())
	doc, err := pathways.ParseDocument(pathways.DefaultDocument())
	if err != nil {
		return err
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO pathways (site_id, id, name, created_at) VALUES (?, 'default', ?, ?)`, []any{a.Site, doc.Name, now}},
		{`INSERT INTO pathway_versions (site_id, pathway_id, version, document, created_at, created_by) VALUES (?, 'default', 1, ?, ?, ?)`,
			[]any{a.Site, string(body), now, a.Ref()}},
		{`INSERT INTO site_pathway (site_id, pathway_id, version, changed_at) VALUES (?, 'default', 1, ?)`, []any{a.Site, now}},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("seed default pathway: %w", err)
		}
	}
	return db.insertAudit(ctx, tx, a, "create", "pathway_version", "default@1")
}

// Site returns one site.
func (db *DB) Site(ctx context.Context, id string) (kith.Site, error) {
	var s kith.Site
	var settings, created string
	err := db.readRow(ctx, `SELECT id, name, settings, created_at FROM sites WHERE id = ?`, id).
		Scan(&s.ID, &s.Name, &settings, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return s, errNotFound("Site")
	}
	if err != nil {
		return s, fmt.Errorf("get site: %w", err)
	}
	if err := json.Unmarshal([]byte(settings), &s.Settings); err != nil {
		return s, fmt.Errorf("get site settings: %w", err)
	}
	s.CreatedAt, err = parseTime(created)
	return s, err
}

// CountSites returns how many sites exist.
func (db *DB) CountSites(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM sites`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count sites: %w", err)
	}
	return n, nil
}

// UpdateSiteSettings replaces a site's settings.
func (db *DB) UpdateSiteSettings(ctx context.Context, a kith.Actor, name string, settings kith.SiteSettings) error {
	js, err := json.Marshal(settings)
	if err != nil {
		return fmt.Errorf("update site: %w", err)
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sites SET name = ?, settings = ? WHERE id = ?`, name, string(js), a.Site)
		if err != nil {
			return fmt.Errorf("update site: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound("Site")
		}
		return db.insertAudit(ctx, tx, a, "update", "site", a.Site)
	})
}
