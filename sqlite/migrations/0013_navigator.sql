-- The navigator's journey (issue 16).

-- A best-interest decision records the doubt about capacity and who was
-- consulted, beside the steps taken (referral.CheckBestInterest).
ALTER TABLE best_interest_decisions ADD COLUMN doubt TEXT NOT NULL DEFAULT '';
ALTER TABLE best_interest_decisions ADD COLUMN consulted TEXT NOT NULL DEFAULT '';

-- People are shown by name, not user:2.
ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';

-- What the navigator agreed with the person to share with the provider, in
-- place of the words the visitor wrote down (issue 15 item 3).
CREATE TABLE shared_words (
	screening_id TEXT PRIMARY KEY REFERENCES screenings(id),
	site_id      TEXT NOT NULL,
	words        TEXT NOT NULL,
	edited_by    TEXT NOT NULL,
	edited_at    TEXT NOT NULL
) STRICT;

-- One provider link per referral, stored so every view shows the same link
-- and code, and revoked when the referral closes, is withdrawn or declined.
CREATE TABLE provider_links (
	referral_id TEXT PRIMARY KEY REFERENCES referrals(id),
	site_id     TEXT NOT NULL,
	code        TEXT NOT NULL UNIQUE,
	created_at  TEXT NOT NULL,
	expires_at  TEXT NOT NULL,
	revoked_at  TEXT
) STRICT;

-- The worklist searches by the person's name: a lower-case copy on the
-- referral, so the search reads one narrow table.
ALTER TABLE referrals ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
UPDATE referrals SET search_name = lower(coalesce((SELECT json_extract(sc.request, '$.person.name') FROM screenings sc
	WHERE sc.site_id = referrals.site_id AND sc.id = referrals.screening_id), ''));

-- The worklist reads its runs in created_at order from these (see
-- sqlite/worklist.go): open work only (the default page), and everything.
-- They cover every column the worklist filters and counts on, so counting
-- and filtering read the index alone; only a page's rows are looked up.
CREATE INDEX referrals_worklist_open ON referrals(site_id, safeguarding, created_at, id, state, sent_at, assignee, search_name)
	WHERE state NOT IN ('closed', 'withdrawn', 'rerouted', 'escalated');
CREATE INDEX referrals_worklist ON referrals(site_id, safeguarding, created_at, id, state, sent_at, assignee, search_name);
