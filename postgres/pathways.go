package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/kith-project/kith"
	"github.com/kith-project/kith/app"
	"github.com/kith-project/kith/pathways"
)

// SavePathwayVersion stores a new version of a pathway (creating the
// pathway on its first save). The upsert of the pathway's row locks it, so
// two instances saving the same pathway at once take turns, and the
// second's max+1, read after the first has committed, is the next number;
// the primary key refuses a duplicate should anything else slip.
func (db *DB) SavePathwayVersion(ctx context.Context, a kith.Actor, id, name string, doc []byte) (pathways.Version, error) {
	now := db.now()
	v := pathways.Version{PathwayID: id, Name: name, Document: doc, CreatedAt: now, CreatedBy: a.Ref()}
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO pathways (site_id, id, name, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (site_id, id) DO UPDATE SET name = excluded.name`, a.Site, id, name, now); err != nil {
			return fmt.Errorf("save pathway: %w", err)
		}
		err := tx.QueryRow(ctx, `INSERT INTO pathway_versions (site_id, pathway_id, version, document, created_at, created_by)
			SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5 FROM pathway_versions WHERE site_id = $1 AND pathway_id = $2
			RETURNING version`, a.Site, id, string(doc), now, a.Ref()).Scan(&v.Version)
		if isUnique(err) {
			return kith.Errorf(kith.ECONFLICT, "The pathway was saved by someone else at the same time; save it again.")
		}
		if err != nil {
			return fmt.Errorf("save pathway version: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "create", "pathway_version", id+"@"+strconv.Itoa(v.Version))
	})
	return v, err
}

// PathwayVersion returns one version of one of the site's pathways.
func (db *DB) PathwayVersion(ctx context.Context, site, id string, version int) (pathways.Version, error) {
	v := pathways.Version{PathwayID: id, Version: version}
	var doc string
	err := db.pool.QueryRow(ctx, `SELECT p.name, v.document, v.created_at, v.created_by FROM pathway_versions v
		JOIN pathways p ON p.site_id = v.site_id AND p.id = v.pathway_id
		WHERE v.site_id = $1 AND v.pathway_id = $2 AND v.version = $3`, site, id, version).Scan(&v.Name, &doc, &v.CreatedAt, &v.CreatedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, errNotFound("Pathway version")
	}
	if err != nil {
		return v, fmt.Errorf("get pathway version: %w", err)
	}
	v.Document, v.CreatedAt = json.RawMessage(doc), v.CreatedAt.UTC()
	return v, nil
}

// ListPathways returns the site's pathways.
func (db *DB) ListPathways(ctx context.Context, site string, p kith.Page) ([]app.PathwaySummary, int, error) {
	var out []app.PathwaySummary
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM pathways WHERE site_id = $1`, site).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT p.id, p.name,
			(SELECT max(version) FROM pathway_versions v WHERE v.site_id = p.site_id AND v.pathway_id = p.id),
			sp.version, sp.pilot_b
			FROM pathways p LEFT JOIN site_pathway sp ON sp.site_id = p.site_id AND sp.pathway_id = p.id
			WHERE p.site_id = $1 ORDER BY p.id LIMIT $2 OFFSET $3`, site, p.Size, p.Offset())
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.PathwaySummary, error) {
			var s app.PathwaySummary
			err := r.Scan(&s.ID, &s.Name, &s.LatestVersion, &s.ActiveVersion, &s.PilotVersion)
			s.Active = s.ActiveVersion != nil
			return s, err
		})
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list pathways: %w", err)
	}
	return out, total, nil
}

// ActivatePathway makes a version (and, for a pilot, a second version of
// the same pathway) what the site runs from the next screening on. The
// foreign keys of site_pathway refuse a version that does not exist.
func (db *DB) ActivatePathway(ctx context.Context, a kith.Actor, act pathways.Active) error {
	districts := act.Districts
	if districts == nil {
		districts = []string{}
	}
	var rule *string
	if act.PilotB != nil {
		rule = &act.Rule
	}
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		for _, v := range []*int{&act.Version, act.PilotB} {
			if v == nil {
				continue
			}
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pathway_versions WHERE site_id = $1 AND pathway_id = $2 AND version = $3)`,
				a.Site, act.PathwayID, *v).Scan(&ok); err != nil {
				return fmt.Errorf("activate pathway: %w", err)
			}
			if !ok {
				return errNotFound("Pathway version")
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO site_pathway (site_id, pathway_id, version, pilot_b, pilot_rule, pilot_districts, pilot_seed, changed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (site_id) DO UPDATE SET pathway_id = excluded.pathway_id, version = excluded.version, pilot_b = excluded.pilot_b,
			pilot_rule = excluded.pilot_rule, pilot_districts = excluded.pilot_districts, pilot_seed = excluded.pilot_seed, changed_at = excluded.changed_at`,
			a.Site, act.PathwayID, act.Version, act.PilotB, rule, districts, act.Seed, db.now())
		if err != nil {
			return fmt.Errorf("activate pathway: %w", err)
		}
		return db.insertAudit(ctx, tx, a, "activate", "pathway_version", act.PathwayID+"@"+strconv.Itoa(act.Version))
	})
}

// ActivePathway returns what the site runs, and ok false when it runs nothing.
func (db *DB) ActivePathway(ctx context.Context, site string) (pathways.Active, bool, error) {
	var act pathways.Active
	var rule *string
	err := db.pool.QueryRow(ctx, `SELECT pathway_id, version, pilot_b, pilot_rule, pilot_districts, pilot_seed
		FROM site_pathway WHERE site_id = $1`, site).Scan(&act.PathwayID, &act.Version, &act.PilotB, &rule, &act.Districts, &act.Seed)
	if errors.Is(err, pgx.ErrNoRows) {
		return act, false, nil
	}
	if err != nil {
		return act, false, fmt.Errorf("get active pathway: %w", err)
	}
	if act.PilotB != nil && rule != nil {
		act.Rule = *rule
	}
	return act, true, nil
}
