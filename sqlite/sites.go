package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
)

// CreateSite adds a site and, when given, its first pathway (version 1,
// active). A duplicate id is a conflict.
func (db *DB) CreateSite(ctx context.Context, a kith.Actor, s app.SiteToCreate) error {
	js, err := json.Marshal(s.Settings)
	if err != nil {
		return fmt.Errorf("create site: %w", err)
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sites (id, name, settings, created_at) VALUES (?, ?, ?, ?)`,
			s.ID, s.Name, string(js), fmtTime(db.now()))
		if isUnique(err) {
			return kith.Errorf(kith.ECONFLICT, "A site with id %q already exists.", s.ID)
		}
		if err != nil {
			return fmt.Errorf("create site: %w", err)
		}
		a.Site = s.ID
		if err := db.insertAudit(ctx, tx, a, "create", "site", s.ID); err != nil {
			return err
		}
		if s.Pathway == nil {
			return nil
		}
		return db.insertFirstPathway(ctx, tx, a, *s.Pathway)
	})
}

// insertFirstPathway stores a new site's first pathway as version 1, active.
func (db *DB) insertFirstPathway(ctx context.Context, tx *sql.Tx, a kith.Actor, p app.FirstPathway) error {
	now := fmtTime(db.now())
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO pathways (site_id, id, name, created_at) VALUES (?, ?, ?, ?)`, []any{a.Site, p.ID, p.Name, now}},
		{`INSERT INTO pathway_versions (site_id, pathway_id, version, document, created_at, created_by) VALUES (?, ?, 1, ?, ?, ?)`,
			[]any{a.Site, p.ID, string(p.Document), now, a.Ref()}},
		{`INSERT INTO site_pathway (site_id, pathway_id, version, changed_at) VALUES (?, ?, 1, ?)`, []any{a.Site, p.ID, now}},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("first pathway: %w", err)
		}
	}
	return db.insertAudit(ctx, tx, a, "create", "pathway_version", p.ID+"@1")
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
