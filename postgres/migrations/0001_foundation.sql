-- Kith's schema on PostgreSQL 15+, equivalent to sqlite/migrations 0001
-- to 0011 but for the report aggregates (sqlite's 0008, 0010), which come
-- with the report store. Times are timestamptz, ids from identity columns,
-- emails compared case-insensitively through lower(email).

CREATE TABLE sites (
	id         text PRIMARY KEY,
	name       text NOT NULL,
	settings   jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz NOT NULL
);

CREATE TABLE users (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	site_id       text NOT NULL REFERENCES sites(id),
	email         text NOT NULL,
	role          text NOT NULL CHECK (role IN ('visitor', 'navigator', 'lead')),
	password_hash text NOT NULL,
	created_at    timestamptz NOT NULL,
	disabled_at   timestamptz
);
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE INDEX users_site ON users (site_id);

-- Only a SHA-256 of each token is stored.
CREATE TABLE tokens (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	site_id      text NOT NULL REFERENCES sites(id),
	role         text NOT NULL CHECK (role IN ('visitor', 'navigator', 'lead')),
	name         text NOT NULL DEFAULT '',
	hash         bytea NOT NULL UNIQUE,
	created_at   timestamptz NOT NULL,
	last_used_at timestamptz,
	revoked_at   timestamptz
);
CREATE INDEX tokens_site ON tokens (site_id);

CREATE TABLE sessions (
	hash       bytea PRIMARY KEY,
	site_id    text NOT NULL REFERENCES sites(id),
	user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- The audit trail is append-only: the trigger refuses any change to a row.
CREATE TABLE audit (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	site_id    text NOT NULL,
	at         timestamptz NOT NULL,
	actor      text NOT NULL,
	action     text NOT NULL,
	entity     text NOT NULL,
	entity_id  text NOT NULL,
	request_id text NOT NULL DEFAULT '',
	ip         text NOT NULL DEFAULT ''
);
CREATE INDEX audit_site_at ON audit (site_id, at);
CREATE INDEX audit_site_entity ON audit (site_id, entity, entity_id);
CREATE INDEX audit_site_actor ON audit (site_id, actor);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit is append-only'; END $$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
	FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Keys the service makes for itself; every instance reads the same ones.
CREATE TABLE secrets (
	name       text PRIMARY KEY,
	value      bytea NOT NULL,
	created_at timestamptz NOT NULL
);

-- Postcode centroids (ONS Postcode Directory), shared by every site.
CREATE TABLE postcodes (
	postcode  text PRIMARY KEY,
	latitude  double precision NOT NULL,
	longitude double precision NOT NULL
);

-- One counter per site and name, for human-readable references; taken with
-- INSERT ... ON CONFLICT DO UPDATE ... RETURNING, so two instances never
-- hand out the same value.
CREATE TABLE site_counters (
	site_id text NOT NULL REFERENCES sites(id),
	name    text NOT NULL,
	value   bigint NOT NULL,
	PRIMARY KEY (site_id, name)
);

CREATE TABLE pathways (
	site_id    text NOT NULL REFERENCES sites(id),
	id         text NOT NULL,
	name       text NOT NULL,
	created_at timestamptz NOT NULL,
	PRIMARY KEY (site_id, id)
);

-- Versions are never changed; (site, pathway, version) is the key, so two
-- instances saving at once cannot both make the same version.
CREATE TABLE pathway_versions (
	site_id    text NOT NULL,
	pathway_id text NOT NULL,
	version    integer NOT NULL,
	document   text NOT NULL,
	created_at timestamptz NOT NULL,
	created_by text NOT NULL,
	PRIMARY KEY (site_id, pathway_id, version),
	FOREIGN KEY (site_id, pathway_id) REFERENCES pathways(site_id, id)
);

CREATE TABLE site_pathway (
	site_id         text PRIMARY KEY REFERENCES sites(id),
	pathway_id      text NOT NULL,
	version         integer NOT NULL,
	pilot_b         integer,
	pilot_rule      text CHECK (pilot_rule IN ('postcode_districts', 'alternation', 'random')),
	pilot_districts jsonb NOT NULL DEFAULT '[]',
	pilot_seed      bigint NOT NULL DEFAULT 0,
	changed_at      timestamptz NOT NULL,
	FOREIGN KEY (site_id, pathway_id, version) REFERENCES pathway_versions(site_id, pathway_id, version)
);

CREATE TABLE screenings (
	id              text PRIMARY KEY,
	site_id         text NOT NULL REFERENCES sites(id),
	created_at      timestamptz NOT NULL,
	created_by      text NOT NULL,
	idempotency_key text,
	request_hash    bytea NOT NULL,
	request         text NOT NULL,
	result          text NOT NULL,
	scoring_version text NOT NULL,
	action          text NOT NULL,
	quadrant        text NOT NULL,
	loneliness      text NOT NULL,
	isolation       text NOT NULL,
	agency          text NOT NULL DEFAULT '',
	reference       text,
	latitude        double precision,
	longitude       double precision,
	pathway_id      text,
	pathway_version integer,
	arm             text
);
-- The idempotency key's uniqueness is what makes a key raced on two
-- instances one record (INSERT ... ON CONFLICT DO NOTHING).
CREATE UNIQUE INDEX screenings_idempotency ON screenings (site_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX screenings_site_created ON screenings (site_id, created_at);
CREATE INDEX screenings_site_action ON screenings (site_id, action, created_at);
CREATE INDEX screenings_site_quadrant ON screenings (site_id, quadrant, created_at);
CREATE UNIQUE INDEX screenings_reference ON screenings (site_id, reference) WHERE reference IS NOT NULL;

CREATE TABLE screening_relationships (
	site_id      text NOT NULL,
	screening_id text NOT NULL REFERENCES screenings(id) ON DELETE CASCADE,
	relationship text NOT NULL,
	level        text NOT NULL,
	PRIMARY KEY (screening_id, relationship)
);
CREATE INDEX screening_relationships_filter ON screening_relationships (site_id, relationship, level);

-- Directory text search: English stemming with accents folded (unaccent,
-- from contrib), so "cafe" finds "Café" as SQLite's FTS5 does with
-- remove_diacritics, and no stop words (FTS5 has none: a search for "the"
-- finds what has "the" in it).
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH DICTIONARY kith_english_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION kith_english (COPY = english);
ALTER TEXT SEARCH CONFIGURATION kith_english
	ALTER MAPPING FOR hword, hword_part, word, asciihword, asciiword WITH unaccent, kith_english_stem;

-- The directory. doc holds the whole service as JSON; the columns beside
-- it are what searches filter and sort on. search is the text index (the
-- GIN index serves @@ queries).
CREATE TABLE services (
	pk             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	site_id        text NOT NULL REFERENCES sites(id),
	id             text NOT NULL,
	name           text NOT NULL,
	description    text NOT NULL DEFAULT '',
	category       text NOT NULL,
	capacity       text NOT NULL,
	status         text NOT NULL,
	free           boolean NOT NULL,
	public         boolean NOT NULL,
	min_age        integer,
	max_age        integer,
	last_confirmed text NOT NULL DEFAULT '',
	latitude       double precision,
	longitude      double precision,
	doc            text NOT NULL,
	created_at     timestamptz NOT NULL,
	updated_at     timestamptz NOT NULL,
	deleted_at     timestamptz,
	search         tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector('kith_english', name), 'A') || setweight(to_tsvector('kith_english', description), 'B')) STORED,
	UNIQUE (site_id, id)
);
CREATE INDEX services_site_category ON services (site_id, category);
CREATE INDEX services_site_name ON services (site_id, name);
CREATE INDEX services_site_confirmed ON services (site_id, last_confirmed);
CREATE INDEX services_search ON services USING gin (search);

CREATE TABLE service_tags (
	site_id    text NOT NULL,
	service_pk bigint NOT NULL REFERENCES services(pk) ON DELETE CASCADE,
	kind       text NOT NULL,
	value      text NOT NULL,
	PRIMARY KEY (service_pk, kind, value)
);
CREATE INDEX service_tags_lookup ON service_tags (site_id, kind, value, service_pk);

-- Every located place of a service. Distance search prefilters on a
-- latitude/longitude box through this btree before the exact distance is
-- worked out (cube/earthdistance and GiST are the alternative to measure).
CREATE TABLE service_locations (
	pk         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	site_id    text NOT NULL,
	service_pk bigint NOT NULL REFERENCES services(pk) ON DELETE CASCADE,
	latitude   double precision NOT NULL,
	longitude  double precision NOT NULL
);
CREATE INDEX service_locations_service ON service_locations (service_pk);
CREATE INDEX service_locations_box ON service_locations (site_id, latitude, longitude);

-- A version per site's directory, bumped in the same transaction as any
-- change to its services or their places, so an instance caching the
-- directory knows with one read whether it is current.
CREATE TABLE directory_versions (
	site_id text PRIMARY KEY,
	version bigint NOT NULL
);

CREATE TABLE concerns (
	id               text PRIMARY KEY,
	site_id          text NOT NULL REFERENCES sites(id),
	screening_id     text NOT NULL REFERENCES screenings(id),
	referral_id      text,
	reference        text NOT NULL,
	created_at       timestamptz NOT NULL,
	types_of_risk    jsonb NOT NULL DEFAULT '[]',
	location_of_risk text NOT NULL DEFAULT '',
	source_of_risk   text NOT NULL DEFAULT '',
	outcome          text,
	outcome_at       timestamptz,
	UNIQUE (site_id, reference)
);
-- One concern per screening, so two instances raising it make one.
CREATE UNIQUE INDEX concerns_screening ON concerns (site_id, screening_id);
CREATE INDEX concerns_site_created ON concerns (site_id, created_at);

CREATE TABLE referrals (
	id                text PRIMARY KEY,
	site_id           text NOT NULL REFERENCES sites(id),
	screening_id      text NOT NULL REFERENCES screenings(id),
	service_id        text NOT NULL,
	state             text NOT NULL,
	assignee          text NOT NULL DEFAULT '',
	safeguarding      boolean NOT NULL DEFAULT false,
	red_flags         boolean NOT NULL DEFAULT false,
	rerouted_from     text,
	rerouted_to       text,
	outcome           text,
	loneliness_change text,
	created_at        timestamptz NOT NULL,
	updated_at        timestamptz NOT NULL,
	state_at          timestamptz NOT NULL,
	sent_at           timestamptz,
	nudged_at         timestamptz,
	created_by        text NOT NULL
);
CREATE INDEX referrals_site_state ON referrals (site_id, state, created_at);
CREATE INDEX referrals_site_screening ON referrals (site_id, screening_id);
-- The worklist's overdue test is sent_at before an instant (referral.OverdueIfSentBefore).
CREATE INDEX referrals_site_sent ON referrals (site_id, sent_at) WHERE state = 'sent';

CREATE TABLE referral_history (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	site_id     text NOT NULL,
	referral_id text NOT NULL REFERENCES referrals(id),
	at          timestamptz NOT NULL,
	actor       text NOT NULL,
	from_state  text NOT NULL,
	to_state    text NOT NULL,
	reason      text NOT NULL DEFAULT '',
	note        text NOT NULL DEFAULT ''
);
CREATE INDEX referral_history_referral ON referral_history (referral_id, id);

CREATE TABLE referral_notes (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	site_id     text NOT NULL,
	referral_id text NOT NULL REFERENCES referrals(id),
	at          timestamptz NOT NULL,
	actor       text NOT NULL,
	note        text NOT NULL
);
CREATE INDEX referral_notes_referral ON referral_notes (referral_id, id);

CREATE TABLE contact_attempts (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	site_id     text NOT NULL,
	referral_id text NOT NULL REFERENCES referrals(id),
	at          timestamptz NOT NULL,
	actor       text NOT NULL,
	result      text NOT NULL,
	note        text NOT NULL DEFAULT ''
);
CREATE INDEX contact_attempts_referral ON contact_attempts (referral_id, id);

CREATE TABLE tasks (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	site_id     text NOT NULL,
	referral_id text NOT NULL REFERENCES referrals(id),
	kind        text NOT NULL,
	created_at  timestamptz NOT NULL,
	done_at     timestamptz,
	UNIQUE (referral_id, kind)
);
CREATE INDEX tasks_site_open ON tasks (site_id, done_at);

-- Messages to send, written in the change's transaction. Instances claim
-- them with SELECT ... FOR UPDATE SKIP LOCKED, so each is sent once.
CREATE TABLE outbox (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	site_id     text NOT NULL,
	created_at  timestamptz NOT NULL,
	kind        text NOT NULL,
	to_address  text NOT NULL,
	subject     text NOT NULL,
	body        text NOT NULL,
	referral_id text,
	sent_at     timestamptz,
	attempts    integer NOT NULL DEFAULT 0,
	last_error  text NOT NULL DEFAULT '',
	-- Set while an instance holds the message to send it.
	claimed_until timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;

CREATE TABLE best_interest_decisions (
	screening_id text PRIMARY KEY REFERENCES screenings(id),
	site_id      text NOT NULL,
	decided_at   timestamptz NOT NULL,
	decided_by   text NOT NULL,
	decision     text NOT NULL,
	steps_taken  text NOT NULL,
	advocate     text NOT NULL DEFAULT ''
);

-- Screenings to check by hand (sqlite's 0011). A new database has none
-- to mark: only a database upgraded from before the form's fix had them,
-- and `kith copy` carries the marks across.
CREATE TABLE screening_reviews (
	site_id      text NOT NULL REFERENCES sites(id),
	screening_id text NOT NULL REFERENCES screenings(id),
	fields       text NOT NULL,
	marked_at    timestamptz NOT NULL,
	checked_at   timestamptz,
	checked_by   text,
	outcome      text,
	PRIMARY KEY (site_id, screening_id)
);
CREATE INDEX screening_reviews_open ON screening_reviews (site_id, checked_at, marked_at);
