-- Safeguarding concerns raised by screenings, in the national return's
-- vocabulary, with the outcome the council reports back.
CREATE TABLE concerns (
	id               TEXT PRIMARY KEY,
	site_id          TEXT NOT NULL REFERENCES sites(id),
	screening_id     TEXT NOT NULL REFERENCES screenings(id),
	referral_id      TEXT,
	reference        TEXT NOT NULL,
	created_at       TEXT NOT NULL,
	types_of_risk    TEXT NOT NULL DEFAULT '[]',
	location_of_risk TEXT NOT NULL DEFAULT '',
	source_of_risk   TEXT NOT NULL DEFAULT '',
	outcome          TEXT,
	outcome_at       TEXT,
	UNIQUE (site_id, reference)
) STRICT;
CREATE INDEX concerns_site_created ON concerns(site_id, created_at);

CREATE TABLE referrals (
	id               TEXT PRIMARY KEY,
	site_id          TEXT NOT NULL REFERENCES sites(id),
	screening_id     TEXT NOT NULL REFERENCES screenings(id),
	service_id       TEXT NOT NULL,
	state            TEXT NOT NULL,
	assignee         TEXT NOT NULL DEFAULT '',
	safeguarding     INTEGER NOT NULL DEFAULT 0,
	red_flags        INTEGER NOT NULL DEFAULT 0,
	rerouted_from    TEXT,
	rerouted_to      TEXT,
	outcome          TEXT,
	loneliness_change TEXT,
	created_at       TEXT NOT NULL,
	updated_at       TEXT NOT NULL,
	state_at         TEXT NOT NULL,
	sent_at          TEXT,
	nudged_at        TEXT,
	created_by       TEXT NOT NULL
) STRICT;
CREATE INDEX referrals_site_state ON referrals(site_id, state, created_at);
CREATE INDEX referrals_site_screening ON referrals(site_id, screening_id);

-- Every transition, in the same transaction as the change.
CREATE TABLE referral_history (
	id          INTEGER PRIMARY KEY,
	site_id     TEXT NOT NULL,
	referral_id TEXT NOT NULL REFERENCES referrals(id),
	at          TEXT NOT NULL,
	actor       TEXT NOT NULL,
	from_state  TEXT NOT NULL,
	to_state    TEXT NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX referral_history_referral ON referral_history(referral_id, id);

CREATE TABLE referral_notes (
	id          INTEGER PRIMARY KEY,
	site_id     TEXT NOT NULL,
	referral_id TEXT NOT NULL REFERENCES referrals(id),
	at          TEXT NOT NULL,
	actor       TEXT NOT NULL,
	note        TEXT NOT NULL
) STRICT;

CREATE TABLE contact_attempts (
	id          INTEGER PRIMARY KEY,
	site_id     TEXT NOT NULL,
	referral_id TEXT NOT NULL REFERENCES referrals(id),
	at          TEXT NOT NULL,
	actor       TEXT NOT NULL,
	result      TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT ''
) STRICT;

-- Follow-up work for navigators: welfare checks after three failed
-- contacts, coercion checks after a withdrawal with red flags.
CREATE TABLE tasks (
	id          INTEGER PRIMARY KEY,
	site_id     TEXT NOT NULL,
	referral_id TEXT NOT NULL REFERENCES referrals(id),
	kind        TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	done_at     TEXT,
	UNIQUE (referral_id, kind)
) STRICT;
CREATE INDEX tasks_site_open ON tasks(site_id, done_at);
