-- Keys the service makes for itself, such as the one that signs provider
-- and confirmation links. Never shown, never logged.
CREATE TABLE secrets (
	name       TEXT PRIMARY KEY,
	value      BLOB NOT NULL,
	created_at TEXT NOT NULL
) STRICT;
