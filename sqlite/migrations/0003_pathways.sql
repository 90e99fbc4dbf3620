-- A site's pathways. Each save is a new, immutable version; the site runs
-- one active version, or a pilot of two.
CREATE TABLE pathways (
	site_id    TEXT NOT NULL REFERENCES sites(id),
	id         TEXT NOT NULL,
	name       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (site_id, id)
) STRICT;

CREATE TABLE pathway_versions (
	site_id    TEXT NOT NULL,
	pathway_id TEXT NOT NULL,
	version    INTEGER NOT NULL,
	document   TEXT NOT NULL,
	created_at TEXT NOT NULL,
	created_by TEXT NOT NULL,
	PRIMARY KEY (site_id, pathway_id, version),
	FOREIGN KEY (site_id, pathway_id) REFERENCES pathways(site_id, id)
) STRICT;

-- What the site runs now: one version, or two arms of a pilot allocated by
-- a recorded rule.
CREATE TABLE site_pathway (
	site_id     TEXT PRIMARY KEY REFERENCES sites(id),
	pathway_id  TEXT NOT NULL,
	version     INTEGER NOT NULL,
	pilot_b     INTEGER,
	pilot_rule  TEXT CHECK (pilot_rule IN ('postcode_districts', 'alternation', 'random')),
	pilot_districts TEXT NOT NULL DEFAULT '[]',
	pilot_seed  INTEGER NOT NULL DEFAULT 0,
	changed_at  TEXT NOT NULL,
	FOREIGN KEY (site_id, pathway_id, version) REFERENCES pathway_versions(site_id, pathway_id, version)
) STRICT;

ALTER TABLE screenings ADD COLUMN pathway_id TEXT;
ALTER TABLE screenings ADD COLUMN pathway_version INTEGER;
ALTER TABLE screenings ADD COLUMN arm TEXT;
