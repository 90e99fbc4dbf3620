-- Sites are the tenants. Every other table that holds a site's data carries
-- site_id and every query filters on it.
CREATE TABLE sites (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	settings   TEXT NOT NULL DEFAULT '{}',
	created_at TEXT NOT NULL
) STRICT;

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	site_id       TEXT NOT NULL REFERENCES sites(id),
	email         TEXT NOT NULL COLLATE NOCASE UNIQUE,
	role          TEXT NOT NULL CHECK (role IN ('visitor', 'navigator', 'lead')),
	password_hash TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	disabled_at   TEXT
) STRICT;
CREATE INDEX users_site ON users(site_id);

-- Only a SHA-256 of each token is stored: tokens are 256 random bits, so a
-- fast hash is enough and lets a lookup use the index.
CREATE TABLE tokens (
	id           INTEGER PRIMARY KEY,
	site_id      TEXT NOT NULL REFERENCES sites(id),
	role         TEXT NOT NULL CHECK (role IN ('visitor', 'navigator', 'lead')),
	name         TEXT NOT NULL DEFAULT '',
	hash         BLOB NOT NULL UNIQUE,
	created_at   TEXT NOT NULL,
	last_used_at TEXT,
	revoked_at   TEXT
) STRICT;
CREATE INDEX tokens_site ON tokens(site_id);

CREATE TABLE sessions (
	hash         BLOB PRIMARY KEY,
	site_id      TEXT NOT NULL REFERENCES sites(id),
	user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at   TEXT NOT NULL,
	expires_at   TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

-- The audit trail is append-only: the triggers refuse any change to a row.
CREATE TABLE audit (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	site_id    TEXT NOT NULL,
	at         TEXT NOT NULL,
	actor      TEXT NOT NULL,
	action     TEXT NOT NULL,
	entity     TEXT NOT NULL,
	entity_id  TEXT NOT NULL,
	request_id TEXT NOT NULL DEFAULT '',
	ip         TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_site_at ON audit(site_id, at);
CREATE INDEX audit_site_entity ON audit(site_id, entity, entity_id);
CREATE INDEX audit_site_actor ON audit(site_id, actor);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
