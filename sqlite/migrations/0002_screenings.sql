-- Postcode centroids, loaded from the ONS Postcode Directory. Public data,
-- shared by every site.
CREATE TABLE postcodes (
	postcode  TEXT PRIMARY KEY,
	latitude  REAL NOT NULL,
	longitude REAL NOT NULL
) STRICT, WITHOUT ROWID;

-- One counter per site and name, for human-readable references.
CREATE TABLE site_counters (
	site_id TEXT NOT NULL REFERENCES sites(id),
	name    TEXT NOT NULL,
	value   INTEGER NOT NULL,
	PRIMARY KEY (site_id, name)
) STRICT, WITHOUT ROWID;

-- A screening: the request as submitted (personal data), the result as
-- returned, and the columns the lists filter on.
CREATE TABLE screenings (
	id              TEXT PRIMARY KEY,
	site_id         TEXT NOT NULL REFERENCES sites(id),
	created_at      TEXT NOT NULL,
	created_by      TEXT NOT NULL,
	idempotency_key TEXT,
	request_hash    BLOB NOT NULL,
	request         TEXT NOT NULL,
	result          TEXT NOT NULL,
	scoring_version TEXT NOT NULL,
	action          TEXT NOT NULL,
	quadrant        TEXT NOT NULL,
	loneliness      TEXT NOT NULL,
	isolation       TEXT NOT NULL,
	agency          TEXT NOT NULL DEFAULT '',
	reference       TEXT,
	latitude        REAL,
	longitude       REAL
) STRICT;
CREATE UNIQUE INDEX screenings_idempotency ON screenings(site_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX screenings_site_created ON screenings(site_id, created_at);
CREATE INDEX screenings_site_action ON screenings(site_id, action, created_at);
CREATE INDEX screenings_site_quadrant ON screenings(site_id, quadrant, created_at);
CREATE UNIQUE INDEX screenings_reference ON screenings(site_id, reference) WHERE reference IS NOT NULL;

-- One row per screening and relationship, so lists can filter by level.
CREATE TABLE screening_relationships (
	site_id      TEXT NOT NULL,
	screening_id TEXT NOT NULL REFERENCES screenings(id) ON DELETE CASCADE,
	relationship TEXT NOT NULL,
	level        TEXT NOT NULL,
	PRIMARY KEY (screening_id, relationship)
) STRICT, WITHOUT ROWID;
CREATE INDEX screening_relationships_filter ON screening_relationships(site_id, relationship, level);
