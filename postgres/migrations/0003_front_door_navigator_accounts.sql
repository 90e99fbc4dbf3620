-- sqlite/migrations 0012 to 0016 on PostgreSQL: the safeguarding front
-- door, the navigator's journey, owned expiring tokens, local accounts
-- with lockout and TOTP, and OpenID Connect sign-in. SQLite's job_locks
-- table has no twin here: jobs take advisory locks (postgres/lock.go).

-- 0012: a role for the council's safeguarding officers.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('visitor', 'navigator', 'safeguarding', 'lead'));
ALTER TABLE tokens DROP CONSTRAINT tokens_role_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_role_check CHECK (role IN ('visitor', 'navigator', 'safeguarding', 'lead'));
-- sqlite rebuilt users, which ended every session: the same here.
DELETE FROM sessions;

-- A concern's message names its concern, and is tried until it is sent.
ALTER TABLE outbox ADD COLUMN concern_id text;
ALTER TABLE outbox ADD COLUMN until_sent boolean NOT NULL DEFAULT false;
CREATE INDEX outbox_pending_attempts ON outbox (attempts, id) WHERE sent_at IS NULL;

-- 0013: a best-interest decision records the doubt and who was consulted.
ALTER TABLE best_interest_decisions ADD COLUMN doubt text NOT NULL DEFAULT '';
ALTER TABLE best_interest_decisions ADD COLUMN consulted text NOT NULL DEFAULT '';

-- People are shown by name, not user:2.
ALTER TABLE users ADD COLUMN display_name text NOT NULL DEFAULT '';

-- What the navigator agreed with the person to share with the provider.
CREATE TABLE shared_words (
	screening_id text PRIMARY KEY REFERENCES screenings(id),
	site_id      text NOT NULL,
	words        text NOT NULL,
	edited_by    text NOT NULL,
	edited_at    timestamptz NOT NULL
);

-- One provider link per referral (the primary key makes two instances
-- making it at once make one), revoked when the referral ends.
CREATE TABLE provider_links (
	referral_id text PRIMARY KEY REFERENCES referrals(id),
	site_id     text NOT NULL,
	code        text NOT NULL UNIQUE,
	created_at  timestamptz NOT NULL,
	expires_at  timestamptz NOT NULL,
	revoked_at  timestamptz
);

-- The worklist searches by the person's name: a lower-case copy on the
-- referral.
ALTER TABLE referrals ADD COLUMN search_name text NOT NULL DEFAULT '';
UPDATE referrals r SET search_name = lower(coalesce(sc.request::jsonb #>> '{person,name}', ''))
	FROM screenings sc WHERE sc.site_id = r.site_id AND sc.id = r.screening_id;
CREATE INDEX referrals_worklist ON referrals (site_id, safeguarding, created_at, id);

-- 0014: a token belongs to the person who made it (NULL: made on the
-- command line) and expires; tokens made before this expire in 90 days.
ALTER TABLE tokens ADD COLUMN user_id bigint REFERENCES users(id);
ALTER TABLE tokens ADD COLUMN expires_at timestamptz;
UPDATE tokens SET expires_at = now() + interval '90 days' WHERE expires_at IS NULL;
ALTER TABLE tokens ALTER COLUMN expires_at SET NOT NULL;
CREATE INDEX tokens_user ON tokens (user_id);

-- 0015: lockout per account, TOTP with recovery codes, password resets,
-- and sessions half signed in until the second factor is given.
ALTER TABLE users ADD COLUMN failed_signins integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until timestamptz;
ALTER TABLE users ADD COLUMN totp_secret text;
ALTER TABLE users ADD COLUMN totp_pending text;
ALTER TABLE users ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN reset_hash bytea;
ALTER TABLE users ADD COLUMN reset_expires timestamptz;
CREATE UNIQUE INDEX users_reset ON users (reset_hash) WHERE reset_hash IS NOT NULL;

CREATE TABLE recovery_codes (
	user_id bigint NOT NULL REFERENCES users(id),
	hash    bytea NOT NULL,
	used_at timestamptz,
	PRIMARY KEY (user_id, hash)
);

ALTER TABLE sessions ADD COLUMN stage text NOT NULL DEFAULT 'full' CHECK (stage IN ('password', 'full'));

-- 0016: at most one OpenID provider per site, chosen by issuer and tenant.
CREATE TABLE oidc_providers (
	site_id       text PRIMARY KEY REFERENCES sites(id),
	issuer        text NOT NULL,
	tenant        text NOT NULL DEFAULT '',
	client_id     text NOT NULL,
	client_secret text NOT NULL,
	claim         text NOT NULL DEFAULT 'groups',
	role_map      jsonb NOT NULL DEFAULT '{}',
	updated_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX oidc_providers_issuer ON oidc_providers (issuer, tenant);

ALTER TABLE users ADD COLUMN oidc_issuer text;
ALTER TABLE users ADD COLUMN oidc_subject text;
CREATE UNIQUE INDEX users_oidc ON users (oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL;
