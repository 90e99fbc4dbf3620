-- The worklist at 100,000 referrals (issue 16 item 2): what a page needs is
-- kept on write, so no page counts or searches every referral.

-- How many referrals each site has in each state, per assignee and
-- safeguarding flag, kept by the triggers below in the same transaction as
-- every insert, move and reassignment. A page's counts read these few rows.
CREATE TABLE referral_counts (
	site_id      TEXT NOT NULL,
	state        TEXT NOT NULL,
	assignee     TEXT NOT NULL,
	safeguarding INTEGER NOT NULL,
	n            INTEGER NOT NULL,
	PRIMARY KEY (site_id, state, assignee, safeguarding)
) STRICT, WITHOUT ROWID;
INSERT INTO referral_counts (site_id, state, assignee, safeguarding, n)
	SELECT site_id, state, assignee, safeguarding, count(*) FROM referrals GROUP BY site_id, state, assignee, safeguarding;

CREATE TRIGGER referral_counts_insert AFTER INSERT ON referrals BEGIN
	INSERT INTO referral_counts (site_id, state, assignee, safeguarding, n) VALUES (new.site_id, new.state, new.assignee, new.safeguarding, 1)
		ON CONFLICT (site_id, state, assignee, safeguarding) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER referral_counts_update AFTER UPDATE OF site_id, state, assignee, safeguarding ON referrals
	WHEN old.site_id IS NOT new.site_id OR old.state IS NOT new.state OR old.assignee IS NOT new.assignee OR old.safeguarding IS NOT new.safeguarding BEGIN
	UPDATE referral_counts SET n = n - 1
		WHERE site_id = old.site_id AND state = old.state AND assignee = old.assignee AND safeguarding = old.safeguarding;
	INSERT INTO referral_counts (site_id, state, assignee, safeguarding, n) VALUES (new.site_id, new.state, new.assignee, new.safeguarding, 1)
		ON CONFLICT (site_id, state, assignee, safeguarding) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER referral_counts_delete AFTER DELETE ON referrals BEGIN
	UPDATE referral_counts SET n = n - 1
		WHERE site_id = old.site_id AND state = old.state AND assignee = old.assignee AND safeguarding = old.safeguarding;
END;

-- The letters' reference (app.ReferralReference), stored when the referral
-- is made, so finding a referral by it is one index lookup. Existing rows
-- get it as app.ReferralReference makes it: R- and the id's last 8.
ALTER TABLE referrals ADD COLUMN reference TEXT NOT NULL DEFAULT '';
UPDATE referrals SET reference = 'R-' || substr(id, -8);
CREATE INDEX referrals_reference ON referrals(site_id, reference);

-- Overdue is sent_at before referral.OverdueCutoff (the application's
-- working-day rule, computed once per page): sent referrals by sent_at,
-- with what the worklist filters them by (state too: the planner does not
-- take the partial index's WHERE as the query's), so counting the overdue
-- reads a range of this index alone and no working days are counted per
-- row.
CREATE INDEX referrals_sent ON referrals(site_id, sent_at, safeguarding, assignee, state, created_at, id) WHERE state = 'sent';

-- The person's name, word by word, for the worklist's search (SQLite FTS5
-- over a table with a stable integer key, kept in step by triggers). The
-- words a search looks for are app.SearchTerms' (the same for any backend).
CREATE TABLE referral_names (
	pk          INTEGER PRIMARY KEY,
	site_id     TEXT NOT NULL,
	referral_id TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL
) STRICT;
CREATE VIRTUAL TABLE referral_names_fts USING fts5(name, content='referral_names', content_rowid='pk', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER referral_names_fts_insert AFTER INSERT ON referral_names BEGIN
	INSERT INTO referral_names_fts (rowid, name) VALUES (new.pk, new.name);
END;
CREATE TRIGGER referral_names_fts_delete AFTER DELETE ON referral_names BEGIN
	INSERT INTO referral_names_fts (referral_names_fts, rowid, name) VALUES ('delete', old.pk, old.name);
END;
CREATE TRIGGER referral_names_fts_update AFTER UPDATE OF name ON referral_names BEGIN
	INSERT INTO referral_names_fts (referral_names_fts, rowid, name) VALUES ('delete', old.pk, old.name);
	INSERT INTO referral_names_fts (rowid, name) VALUES (new.pk, new.name);
END;
CREATE TRIGGER referral_names_insert AFTER INSERT ON referrals BEGIN
	INSERT INTO referral_names (site_id, referral_id, name) VALUES (new.site_id, new.id, new.search_name);
END;
CREATE TRIGGER referral_names_update AFTER UPDATE OF search_name ON referrals BEGIN
	UPDATE referral_names SET name = new.search_name WHERE referral_id = new.id;
END;
INSERT INTO referral_names (site_id, referral_id, name) SELECT site_id, id, search_name FROM referrals;

-- The screenings waiting for a navigator, without reading JSON per row:
-- refer_agreed (the person agreed to a referral) and awaiting (agreed, or
-- capacity in doubt: referral.AwaitsNavigator, decided by the application
-- when the screening is stored) are written with the screening, and
-- awaiting is cleared when the first referral is made from it.
ALTER TABLE screenings ADD COLUMN refer_agreed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE screenings ADD COLUMN awaiting INTEGER NOT NULL DEFAULT 0;
UPDATE screenings SET refer_agreed = coalesce(json_extract(result, '$.consent.refer') = 'yes', 0);
UPDATE screenings SET awaiting = 1
	WHERE (refer_agreed = 1 OR coalesce(json_extract(request, '$.s42.capacity_concern') = 1, 0))
	AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.site_id = screenings.site_id AND r.screening_id = screenings.id);
CREATE INDEX screenings_awaiting ON screenings(site_id, created_at, id) WHERE awaiting = 1;
