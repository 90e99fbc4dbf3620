-- The safeguarding front door (issue 16): a role for the council's
-- safeguarding officers, messages to the safeguarding team that are tried
-- until sent, and leases for the jobs.

-- SQLite cannot change a CHECK constraint, so users and tokens are copied
-- into tables that allow the new role. Dropping users deletes its sessions
-- (ON DELETE CASCADE): everyone signs in again after this upgrade.
CREATE TABLE users_new (
	id            INTEGER PRIMARY KEY,
	site_id       TEXT NOT NULL REFERENCES sites(id),
	email         TEXT NOT NULL COLLATE NOCASE UNIQUE,
	role          TEXT NOT NULL CHECK (role IN ('visitor', 'navigator', 'safeguarding', 'lead')),
	password_hash TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	disabled_at   TEXT
) STRICT;
INSERT INTO users_new (id, site_id, email, role, password_hash, created_at, disabled_at)
	SELECT id, site_id, email, role, password_hash, created_at, disabled_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_site ON users(site_id);

CREATE TABLE tokens_new (
	id           INTEGER PRIMARY KEY,
	site_id      TEXT NOT NULL REFERENCES sites(id),
	role         TEXT NOT NULL CHECK (role IN ('visitor', 'navigator', 'safeguarding', 'lead')),
	name         TEXT NOT NULL DEFAULT '',
	hash         BLOB NOT NULL UNIQUE,
	created_at   TEXT NOT NULL,
	last_used_at TEXT,
	revoked_at   TEXT
) STRICT;
INSERT INTO tokens_new (id, site_id, role, name, hash, created_at, last_used_at, revoked_at)
	SELECT id, site_id, role, name, hash, created_at, last_used_at, revoked_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_new RENAME TO tokens;
CREATE INDEX tokens_site ON tokens(site_id);

-- A concern's message names its concern, and is tried until it is sent.
ALTER TABLE outbox ADD COLUMN concern_id TEXT;
ALTER TABLE outbox ADD COLUMN until_sent INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_pending_attempts ON outbox(sent_at, attempts, id);

-- Job leases: a row per job, held by one process until it expires or is
-- released (sqlite/locks.go).
CREATE TABLE job_locks (
	name       TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at TEXT NOT NULL
) STRICT;
