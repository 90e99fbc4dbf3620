-- The directory of community assets. The whole service is kept as JSON in
-- doc; the columns beside it are what searches filter and sort on.
CREATE TABLE services (
	pk             INTEGER PRIMARY KEY,
	site_id        TEXT NOT NULL REFERENCES sites(id),
	id             TEXT NOT NULL,
	name           TEXT NOT NULL,
	description    TEXT NOT NULL DEFAULT '',
	category       TEXT NOT NULL,
	capacity       TEXT NOT NULL,
	status         TEXT NOT NULL,
	free           INTEGER NOT NULL,
	public         INTEGER NOT NULL,
	min_age        INTEGER,
	max_age        INTEGER,
	last_confirmed TEXT NOT NULL DEFAULT '',
	latitude       REAL,
	longitude      REAL,
	doc            TEXT NOT NULL,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	deleted_at     TEXT,
	UNIQUE (site_id, id)
) STRICT;
CREATE INDEX services_site_category ON services(site_id, category);
CREATE INDEX services_site_name ON services(site_id, name);
CREATE INDEX services_site_confirmed ON services(site_id, last_confirmed);

-- Many-valued filters: relationship, support_to_attend, language.
CREATE TABLE service_tags (
	site_id    TEXT NOT NULL,
	service_pk INTEGER NOT NULL REFERENCES services(pk) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	value      TEXT NOT NULL,
	PRIMARY KEY (service_pk, kind, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX service_tags_lookup ON service_tags(site_id, kind, value, service_pk);

-- Every located place a service is given, indexed in an R*Tree so a search
-- by distance reads only the bounding box around the person.
CREATE TABLE service_locations (
	pk         INTEGER PRIMARY KEY,
	service_pk INTEGER NOT NULL REFERENCES services(pk) ON DELETE CASCADE,
	latitude   REAL NOT NULL,
	longitude  REAL NOT NULL
) STRICT;
CREATE INDEX service_locations_service ON service_locations(service_pk);
CREATE VIRTUAL TABLE service_locations_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);

-- Full text over names and descriptions (SQLite FTS5), kept in step with
-- services by triggers.
CREATE VIRTUAL TABLE services_fts USING fts5(name, description, content='services', content_rowid='pk', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER services_fts_insert AFTER INSERT ON services BEGIN
	INSERT INTO services_fts (rowid, name, description) VALUES (new.pk, new.name, new.description);
END;
CREATE TRIGGER services_fts_delete AFTER DELETE ON services BEGIN
	INSERT INTO services_fts (services_fts, rowid, name, description) VALUES ('delete', old.pk, old.name, old.description);
END;
CREATE TRIGGER services_fts_update AFTER UPDATE OF name, description ON services BEGIN
	INSERT INTO services_fts (services_fts, rowid, name, description) VALUES ('delete', old.pk, old.name, old.description);
	INSERT INTO services_fts (rowid, name, description) VALUES (new.pk, new.name, new.description);
END;
