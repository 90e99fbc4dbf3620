package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/pathways"
)

// SavePathwayVersion stores a new version of a pathway (creating the
// pathway on its first save). Versions are never changed afterwards.
func (db *DB) SavePathwayVersion(ctx context.Context, a kith.Actor, id, name string, doc []byte) (pathways.Version, error) {
	now := db.now()
	v := pathways.Version{PathwayID: id, Name: name, Document: doc, CreatedAt: now, CreatedBy: a.Ref()}
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO pathways (site_id, id, name, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (site_id, id) DO UPDATE SET name = excluded.name`, a.Site, id, name, fmtTime(now)); err != nil {
			return fmt.Errorf("save pathway: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) + 1 FROM pathway_versions WHERE site_id = ? AND pathway_id = ?`,
			a.Site, id).Scan(&v.Version); err != nil {
			return fmt.Errorf("next pathway version: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO pathway_versions (site_id, pathway_id, version, document, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?)`, a.Site, id, v.Version, string(doc), fmtTime(now), a.Ref()); err != nil {
			return fmt.Errorf("save pathway version: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "create", "pathway_version", id+"@"+strconv.Itoa(v.Version))
	})
	return v, err
}

// PathwayVersion returns one version of one of the site's pathways.
func (db *DB) PathwayVersion(ctx context.Context, site, id string, version int) (pathways.Version, error) {
	v := pathways.Version{PathwayID: id, Version: version}
	var doc, created string
	err := db.read.QueryRowContext(ctx, `SELECT p.name, v.document, v.created_at, v.created_by FROM pathway_versions v
		JOIN pathways p ON p.site_id = v.site_id AND p.id = v.pathway_id
		WHERE v.site_id = ? AND v.pathway_id = ? AND v.version = ?`, site, id, version).Scan(&v.Name, &doc, &created, &v.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return v, errNotFound("Pathway version")
	}
	if err != nil {
		return v, fmt.Errorf("get pathway version: %w", err)
	}
	v.Document = json.RawMessage(doc)
	v.CreatedAt, err = parseTime(created)
	return v, err
}

// ListPathways returns the site's pathways.
func (db *DB) ListPathways(ctx context.Context, site string, p kith.Page) ([]app.PathwaySummary, int, error) {
	var out []app.PathwaySummary
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pathways WHERE site_id = ?`, site).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT p.id, p.name,
			(SELECT max(version) FROM pathway_versions v WHERE v.site_id = p.site_id AND v.pathway_id = p.id),
			sp.version, sp.pilot_b
			FROM pathways p LEFT JOIN site_pathway sp ON sp.site_id = p.site_id AND sp.pathway_id = p.id
			WHERE p.site_id = ? ORDER BY p.id LIMIT ? OFFSET ?`, site, p.Size, p.Offset())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s app.PathwaySummary
			var active, pilot sql.NullInt64
			if err := rows.Scan(&s.ID, &s.Name, &s.LatestVersion, &active, &pilot); err != nil {
				return err
			}
			if active.Valid {
				v := int(active.Int64)
				s.Active, s.ActiveVersion = true, &v
			}
			if pilot.Valid {
				v := int(pilot.Int64)
				s.PilotVersion = &v
			}
			out = append(out, s)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list pathways: %w", err)
	}
	return out, total, nil
}

// ActivatePathway makes a version (and, for a pilot, a second version of
// the same pathway) what the site runs from the next screening on.
func (db *DB) ActivatePathway(ctx context.Context, a kith.Actor, act pathways.Active) error {
	districts, err := json.Marshal(act.Districts)
	if err != nil {
		return err
	}
	if act.Districts == nil {
		districts = []byte("[]")
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		for _, v := range []*int{&act.Version, act.PilotB} {
			if v == nil {
				continue
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pathway_versions WHERE site_id = ? AND pathway_id = ? AND version = ?`,
				a.Site, act.PathwayID, *v).Scan(&n); err != nil {
				return fmt.Errorf("activate pathway: %w", err)
			}
			if n == 0 {
				return errNotFound("Pathway version")
			}
		}
		var rule any
		if act.PilotB != nil {
			rule = act.Rule
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO site_pathway (site_id, pathway_id, version, pilot_b, pilot_rule, pilot_districts, pilot_seed, changed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (site_id) DO UPDATE SET pathway_id = excluded.pathway_id, version = excluded.version, pilot_b = excluded.pilot_b,
			pilot_rule = excluded.pilot_rule, pilot_districts = excluded.pilot_districts, pilot_seed = excluded.pilot_seed, changed_at = excluded.changed_at`,
			a.Site, act.PathwayID, act.Version, act.PilotB, rule, string(districts), act.Seed, fmtTime(db.now()))
		if err != nil {
			return fmt.Errorf("activate pathway: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "activate", "pathway_version", act.PathwayID+"@"+strconv.Itoa(act.Version))
	})
}

// ActivePathway returns what the site runs, and ok false when it runs nothing.
func (db *DB) ActivePathway(ctx context.Context, site string) (pathways.Active, bool, error) {
	var act pathways.Active
	var pilot sql.NullInt64
	var rule sql.NullString
	var districts string
	err := db.readRow(ctx, `SELECT pathway_id, version, pilot_b, pilot_rule, pilot_districts, pilot_seed
		FROM site_pathway WHERE site_id = ?`, site).Scan(&act.PathwayID, &act.Version, &pilot, &rule, &districts, &act.Seed)
	if errors.Is(err, sql.ErrNoRows) {
		return act, false, nil
	}
	if err != nil {
		return act, false, fmt.Errorf("get active pathway: %w", err)
	}
	if pilot.Valid {
		v := int(pilot.Int64)
		act.PilotB, act.Rule = &v, rule.String
	}
	if err := json.Unmarshal([]byte(districts), &act.Districts); err != nil {
		return act, false, fmt.Errorf("decode pilot districts: %w", err)
	}
	return act, true, nil
}
