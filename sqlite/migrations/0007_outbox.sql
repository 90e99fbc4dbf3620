-- Messages to send, written in the same transaction as the change that
-- causes them, so none is lost if the service stops before sending.
CREATE TABLE outbox (
	id          INTEGER PRIMARY KEY,
	site_id     TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	kind        TEXT NOT NULL,
	to_address  TEXT NOT NULL,
	subject     TEXT NOT NULL,
	body        TEXT NOT NULL,
	referral_id TEXT,
	sent_at     TEXT,
	attempts    INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outbox_pending ON outbox(sent_at, id);

-- A navigator's best-interest decision where the person may lack capacity
-- to decide about a referral: the steps taken to help them decide, and an
-- advocate where one is needed.
CREATE TABLE best_interest_decisions (
	screening_id TEXT PRIMARY KEY REFERENCES screenings(id),
	site_id      TEXT NOT NULL,
	decided_at   TEXT NOT NULL,
	decided_by   TEXT NOT NULL,
	decision     TEXT NOT NULL,
	steps_taken  TEXT NOT NULL,
	advocate     TEXT NOT NULL DEFAULT ''
) STRICT;
