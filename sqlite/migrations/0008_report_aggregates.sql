-- Aggregates for the evaluation summary (GET /api/v1/reports/summary), kept
-- up to date on write by the triggers below, in the same transaction as the
-- write, so the summary reads a few thousand counters instead of every row.
--
-- How it fits together:
--
-- * Every count is kept twice: by UTC day ('d2026-11-25') and by UTC month
--   ('m2026-11') of the screening's creation, so a period of whole days is
--   read as whole months plus the days at either end. A referral or concern
--   belongs to its screening's cohort (day, agency, pathway version, arm).
-- * The report_*_rows views say what one row contributes, once. A trigger
--   subtracts a row's contribution BEFORE it changes and adds it back AFTER,
--   through the same view; the rebuild (kith reports rebuild, and the end of
--   this migration) counts the same views with GROUP BY. Counters that fall
--   to zero stay as rows; readers skip them.
-- * Working days come from kith_working_days(from, to), which the Go store
--   registers on every connection (referral.WorkingDaysBetween), and
--   loneliness classes from kith_lonely_class (referral.LonelyClass). A
--   connection without them (the sqlite3 shell) cannot write referrals or
--   their history: it fails loudly rather than count wrongly.
-- * report_referral_facts holds, per referral, when it first reached each
--   state the funnel counts (the earliest history row for that state).
--
-- The text between the REBUILD markers is run again by `kith reports
-- rebuild`; keep it to DELETE and INSERT statements.

CREATE VIEW report_levels (level, len) AS VALUES ('d', 10), ('m', 7);
CREATE VIEW report_step_names (step) AS VALUES ('referral'), ('sent'), ('accepted'), ('engaged'), ('closed');
CREATE VIEW report_outcome_measures (measure) AS VALUES ('closed'), ('asked'), ('achieved'), ('feels_safer');
CREATE VIEW report_concern_measures (measure) AS
	VALUES ('concern'), ('awaiting'), ('enquiry'), ('instead'), ('msp_asked'), ('msp_achieved'), ('risk_assessment'), ('risk_outcome');

-- Tables -----------------------------------------------------------------

-- A screening's concern is looked up by screening (raising a referral,
-- escalating, the triggers below); without this each lookup read every
-- concern of the site.
CREATE INDEX concerns_screening ON concerns(site_id, screening_id);

CREATE TABLE report_screenings (
	site_id    TEXT NOT NULL,
	period     TEXT NOT NULL,
	version    INTEGER NOT NULL,
	arm        TEXT NOT NULL,
	agency     TEXT NOT NULL,
	concern    INTEGER NOT NULL,
	loneliness TEXT NOT NULL,
	isolation  TEXT NOT NULL,
	quadrant   TEXT NOT NULL,
	n          INTEGER NOT NULL,
	PRIMARY KEY (site_id, period, version, arm, agency, concern, loneliness, isolation, quadrant)
) STRICT, WITHOUT ROWID;

CREATE TABLE report_relationships (
	site_id      TEXT NOT NULL,
	period       TEXT NOT NULL,
	version      INTEGER NOT NULL,
	arm          TEXT NOT NULL,
	relationship TEXT NOT NULL,
	level        TEXT NOT NULL,
	n            INTEGER NOT NULL,
	PRIMARY KEY (site_id, period, version, arm, relationship, level)
) STRICT, WITHOUT ROWID;

-- Located people with a relationship at medium or high, by exact point:
-- whether a service is near enough is decided when the summary is read.
CREATE TABLE report_gaps (
	site_id      TEXT NOT NULL,
	period       TEXT NOT NULL,
	version      INTEGER NOT NULL,
	arm          TEXT NOT NULL,
	relationship TEXT NOT NULL,
	latitude     REAL NOT NULL,
	longitude    REAL NOT NULL,
	n            INTEGER NOT NULL,
	PRIMARY KEY (site_id, period, version, arm, relationship, latitude, longitude)
) STRICT, WITHOUT ROWID;

-- Concerns by measure: 'concern' (value: the screening's agency),
-- 'awaiting', 'enquiry', 'instead', 'msp_asked', 'msp_achieved',
-- 'risk_assessment', 'risk_outcome'.
CREATE TABLE report_concerns (
	site_id TEXT NOT NULL,
	period  TEXT NOT NULL,
	version INTEGER NOT NULL,
	arm     TEXT NOT NULL,
	measure TEXT NOT NULL,
	value   TEXT NOT NULL,
	n       INTEGER NOT NULL,
	PRIMARY KEY (site_id, period, version, arm, measure, value)
) STRICT, WITHOUT ROWID;

CREATE TABLE report_referral_facts (
	referral_id  TEXT PRIMARY KEY,
	site_id      TEXT NOT NULL,
	screening_id TEXT NOT NULL,
	service_id   TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	sent_at      TEXT,
	accepted_at  TEXT,
	declined_at  TEXT,
	engaged_at   TEXT,
	closed_at    TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX report_referral_facts_screening ON report_referral_facts(screening_id);

-- A row here while a rebuild runs stops the facts' triggers counting one
-- referral at a time; the rebuild counts them all at once.
CREATE TABLE report_rebuild (running INTEGER PRIMARY KEY) STRICT;

CREATE TABLE report_funnel (
	site_id   TEXT NOT NULL,
	period    TEXT NOT NULL,
	version   INTEGER NOT NULL,
	arm       TEXT NOT NULL,
	agency    TEXT NOT NULL,
	referrals INTEGER NOT NULL,
	sent      INTEGER NOT NULL,
	accepted  INTEGER NOT NULL,
	engaged   INTEGER NOT NULL,
	closed    INTEGER NOT NULL,
	PRIMARY KEY (site_id, period, version, arm, agency)
) STRICT, WITHOUT ROWID;

-- Working days between funnel steps, as a histogram (whole days), so
-- medians are exact.
CREATE TABLE report_steps (
	site_id TEXT NOT NULL,
	period  TEXT NOT NULL,
	version INTEGER NOT NULL,
	arm     TEXT NOT NULL,
	agency  TEXT NOT NULL,
	step    TEXT NOT NULL,
	days    INTEGER NOT NULL,
	n       INTEGER NOT NULL,
	PRIMARY KEY (site_id, period, version, arm, agency, step, days)
) STRICT, WITHOUT ROWID;

CREATE TABLE report_services (
	site_id    TEXT NOT NULL,
	period     TEXT NOT NULL,
	version    INTEGER NOT NULL,
	arm        TEXT NOT NULL,
	service_id TEXT NOT NULL,
	referrals  INTEGER NOT NULL,
	accepted   INTEGER NOT NULL,
	declined   INTEGER NOT NULL,
	PRIMARY KEY (site_id, period, version, arm, service_id)
) STRICT, WITHOUT ROWID;

-- A service's response (sent to accepted or declined) in working days.
CREATE TABLE report_responses (
	site_id    TEXT NOT NULL,
	period     TEXT NOT NULL,
	version    INTEGER NOT NULL,
	arm        TEXT NOT NULL,
	service_id TEXT NOT NULL,
	days       INTEGER NOT NULL,
	n          INTEGER NOT NULL,
	PRIMARY KEY (site_id, period, version, arm, service_id, days)
) STRICT, WITHOUT ROWID;

-- Community referral outcomes at closing: 'closed' (value ''), 'asked',
-- 'achieved', 'feels_safer'.
CREATE TABLE report_outcomes (
	site_id TEXT NOT NULL,
	period  TEXT NOT NULL,
	version INTEGER NOT NULL,
	arm     TEXT NOT NULL,
	measure TEXT NOT NULL,
	value   TEXT NOT NULL,
	n       INTEGER NOT NULL,
	PRIMARY KEY (site_id, period, version, arm, measure, value)
) STRICT, WITHOUT ROWID;

-- Change in loneliness per instrument: the count, sum and sum of squares of
-- the (whole-number) score changes, for a mean and its interval.
CREATE TABLE report_changes (
	site_id      TEXT NOT NULL,
	period       TEXT NOT NULL,
	version      INTEGER NOT NULL,
	arm          TEXT NOT NULL,
	instrument   TEXT NOT NULL,
	n            INTEGER NOT NULL,
	sum          INTEGER NOT NULL,
	sumsq        INTEGER NOT NULL,
	lonely_first INTEGER NOT NULL,
	moved        INTEGER NOT NULL,
	PRIMARY KEY (site_id, period, version, arm, instrument)
) STRICT, WITHOUT ROWID;

-- What each row contributes -----------------------------------------------

CREATE VIEW report_screening_rows AS
SELECT s.id AS screening_id, s.site_id, l.level || substr(s.created_at, 1, l.len) AS period,
	coalesce(s.pathway_version, 0) AS version, coalesce(s.arm, '') AS arm, s.agency,
	(s.action IN ('raise_concern', 'emergency')) AS concern, s.loneliness, s.isolation, s.quadrant
FROM screenings s CROSS JOIN report_levels l;

CREATE VIEW report_relationship_rows AS
SELECT r.screening_id, r.relationship, r.level, s.site_id, l.level || substr(s.created_at, 1, l.len) AS period,
	coalesce(s.pathway_version, 0) AS version, coalesce(s.arm, '') AS arm, s.latitude, s.longitude
FROM screening_relationships r CROSS JOIN screenings s CROSS JOIN report_levels l
WHERE s.id = r.screening_id AND s.site_id = r.site_id;

CREATE VIEW report_concern_rows AS
SELECT x.concern_id, x.screening_id, x.site_id, x.period, x.version, x.arm, m.measure,
	CASE m.measure WHEN 'concern' THEN x.agency WHEN 'awaiting' THEN '' WHEN 'enquiry' THEN x.enquiry
		WHEN 'instead' THEN x.instead WHEN 'msp_asked' THEN x.msp_asked WHEN 'msp_achieved' THEN x.msp_achieved
		WHEN 'risk_assessment' THEN x.risk_assessment ELSE x.risk_outcome END AS value
FROM (SELECT c.id AS concern_id, c.screening_id, s.site_id, l.level || substr(s.created_at, 1, l.len) AS period,
		coalesce(s.pathway_version, 0) AS version, coalesce(s.arm, '') AS arm, s.agency, c.outcome IS NOT NULL AS done,
		coalesce(json_extract(c.outcome, '$.enquiry'), '') AS enquiry,
		coalesce(json_extract(c.outcome, '$.instead'), '') AS instead,
		coalesce(json_extract(c.outcome, '$.msp_asked'), '') AS msp_asked,
		coalesce(json_extract(c.outcome, '$.msp_achieved'), '') AS msp_achieved,
		coalesce(json_extract(c.outcome, '$.risk_assessment'), '') AS risk_assessment,
		coalesce(json_extract(c.outcome, '$.risk_outcome'), '') AS risk_outcome
	FROM concerns c CROSS JOIN screenings s CROSS JOIN report_levels l
	WHERE s.id = c.screening_id AND s.site_id = c.site_id) x
CROSS JOIN report_concern_measures m
WHERE CASE m.measure WHEN 'concern' THEN 1 WHEN 'awaiting' THEN NOT x.done WHEN 'enquiry' THEN x.done
	WHEN 'instead' THEN x.done AND x.enquiry = 'no_enquiry'
	WHEN 'msp_achieved' THEN x.done AND x.enquiry <> 'no_enquiry' AND x.msp_achieved <> ''
	WHEN 'risk_outcome' THEN x.done AND x.enquiry <> 'no_enquiry' AND x.risk_outcome <> ''
	ELSE x.done AND x.enquiry <> 'no_enquiry' END;

CREATE VIEW report_referral_rows AS
SELECT f.referral_id, f.screening_id, f.service_id, s.site_id, l.level || substr(s.created_at, 1, l.len) AS period,
	coalesce(s.pathway_version, 0) AS version, coalesce(s.arm, '') AS arm, s.agency, s.created_at AS screened_at,
	f.created_at, f.sent_at, f.accepted_at, f.declined_at, f.engaged_at, f.closed_at
FROM report_referral_facts f CROSS JOIN screenings s CROSS JOIN report_levels l
WHERE s.id = f.screening_id AND s.site_id = f.site_id;

CREATE VIEW report_step_rows AS
SELECT b.referral_id, b.screening_id, b.site_id, b.period, b.version, b.arm, b.agency, st.step,
	CASE st.step WHEN 'referral' THEN kith_working_days(b.screened_at, b.created_at)
		WHEN 'sent' THEN kith_working_days(b.created_at, b.sent_at)
		WHEN 'accepted' THEN kith_working_days(b.sent_at, b.accepted_at)
		WHEN 'engaged' THEN kith_working_days(b.accepted_at, b.engaged_at)
		ELSE kith_working_days(b.engaged_at, b.closed_at) END AS days
FROM report_referral_rows b CROSS JOIN report_step_names st
WHERE CASE st.step WHEN 'referral' THEN 1 WHEN 'sent' THEN b.sent_at IS NOT NULL
	WHEN 'accepted' THEN b.sent_at IS NOT NULL AND b.accepted_at IS NOT NULL
	WHEN 'engaged' THEN b.accepted_at IS NOT NULL AND b.engaged_at IS NOT NULL
	ELSE b.engaged_at IS NOT NULL AND b.closed_at IS NOT NULL END;

CREATE VIEW report_outcome_rows AS
SELECT x.referral_id, x.screening_id, x.site_id, x.period, x.version, x.arm, m.measure,
	CASE m.measure WHEN 'closed' THEN '' WHEN 'asked' THEN x.asked WHEN 'achieved' THEN x.achieved ELSE x.feels_safer END AS value
FROM (SELECT r.id AS referral_id, r.screening_id, s.site_id, l.level || substr(s.created_at, 1, l.len) AS period,
		coalesce(s.pathway_version, 0) AS version, coalesce(s.arm, '') AS arm,
		coalesce(json_extract(r.outcome, '$.desired_outcomes_asked'), '') AS asked,
		coalesce(json_extract(r.outcome, '$.achieved'), '') AS achieved,
		coalesce(json_extract(r.outcome, '$.feels_safer'), '') AS feels_safer
	FROM referrals r CROSS JOIN screenings s CROSS JOIN report_levels l
	WHERE r.outcome IS NOT NULL AND s.id = r.screening_id AND s.site_id = r.site_id) x
CROSS JOIN report_outcome_measures m
WHERE CASE m.measure WHEN 'achieved' THEN x.achieved <> '' WHEN 'feels_safer' THEN x.feels_safer <> '' ELSE 1 END;

CREATE VIEW report_change_rows AS
SELECT r.id AS referral_id, r.screening_id, s.site_id, l.level || substr(s.created_at, 1, l.len) AS period,
	coalesce(s.pathway_version, 0) AS version, coalesce(s.arm, '') AS arm,
	coalesce(json_extract(r.loneliness_change, '$.instrument'), '') AS instrument,
	json_extract(r.loneliness_change, '$.delta') AS delta,
	kith_lonely_class(json_extract(r.loneliness_change, '$.first_classification')) AS lonely_first,
	coalesce(json_extract(r.loneliness_change, '$.moved_out_of_lonely'), 0) <> 0 AS moved
FROM referrals r CROSS JOIN screenings s CROSS JOIN report_levels l
WHERE r.loneliness_change IS NOT NULL AND s.id = r.screening_id AND s.site_id = r.site_id;

-- Triggers: screenings ------------------------------------------------------

CREATE TRIGGER report_screenings_insert AFTER INSERT ON screenings BEGIN
	INSERT INTO report_screenings (site_id, period, version, arm, agency, concern, loneliness, isolation, quadrant, n)
	SELECT site_id, period, version, arm, agency, concern, loneliness, isolation, quadrant, 1 FROM report_screening_rows WHERE screening_id = new.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- A change to what a screening is counted under takes out everything
-- counted under it (its relationships, concerns and referrals too) and puts
-- it back. Nothing in the service changes these columns today.
CREATE TRIGGER report_screenings_before_update BEFORE UPDATE OF site_id, created_at, pathway_version, arm, agency, action, loneliness, isolation, quadrant ON screenings
WHEN old.site_id IS NOT new.site_id OR old.created_at IS NOT new.created_at OR old.pathway_version IS NOT new.pathway_version
	OR old.arm IS NOT new.arm OR old.agency IS NOT new.agency OR old.action IS NOT new.action OR old.loneliness IS NOT new.loneliness
	OR old.isolation IS NOT new.isolation OR old.quadrant IS NOT new.quadrant
BEGIN
	INSERT INTO report_screenings (site_id, period, version, arm, agency, concern, loneliness, isolation, quadrant, n)
	SELECT site_id, period, version, arm, agency, concern, loneliness, isolation, quadrant, -1 FROM report_screening_rows WHERE screening_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_relationships (site_id, period, version, arm, relationship, level, n)
	SELECT site_id, period, version, arm, relationship, level, -1 FROM report_relationship_rows WHERE screening_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_gaps (site_id, period, version, arm, relationship, latitude, longitude, n)
	SELECT site_id, period, version, arm, relationship, latitude, longitude, -1 FROM report_relationship_rows
	WHERE screening_id = old.id AND level IN ('medium', 'high') AND latitude IS NOT NULL AND longitude IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_concerns (site_id, period, version, arm, measure, value, n)
	SELECT site_id, period, version, arm, measure, value, -1 FROM report_concern_rows WHERE screening_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_outcomes (site_id, period, version, arm, measure, value, n)
	SELECT site_id, period, version, arm, measure, value, -1 FROM report_outcome_rows WHERE screening_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_changes (site_id, period, version, arm, instrument, n, sum, sumsq, lonely_first, moved)
	SELECT site_id, period, version, arm, instrument, -(delta IS NOT NULL), -coalesce(delta, 0), -coalesce(delta * delta, 0), -lonely_first, -(lonely_first AND moved)
	FROM report_change_rows WHERE screening_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n, sum = sum + excluded.sum, sumsq = sumsq + excluded.sumsq,
		lonely_first = lonely_first + excluded.lonely_first, moved = moved + excluded.moved;
	INSERT INTO report_funnel (site_id, period, version, arm, agency, referrals, sent, accepted, engaged, closed)
	SELECT site_id, period, version, arm, agency, -1, -(sent_at IS NOT NULL), -(accepted_at IS NOT NULL), -(engaged_at IS NOT NULL), -(closed_at IS NOT NULL)
	FROM report_referral_rows WHERE screening_id = old.id
	ON CONFLICT DO UPDATE SET referrals = referrals + excluded.referrals, sent = sent + excluded.sent, accepted = accepted + excluded.accepted,
		engaged = engaged + excluded.engaged, closed = closed + excluded.closed;
	INSERT INTO report_steps (site_id, period, version, arm, agency, step, days, n)
	SELECT site_id, period, version, arm, agency, step, days, -1 FROM report_step_rows WHERE screening_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_services (site_id, period, version, arm, service_id, referrals, accepted, declined)
	SELECT site_id, period, version, arm, service_id, -1, -(accepted_at IS NOT NULL), -(accepted_at IS NULL AND declined_at IS NOT NULL)
	FROM report_referral_rows WHERE screening_id = old.id
	ON CONFLICT DO UPDATE SET referrals = referrals + excluded.referrals, accepted = accepted + excluded.accepted, declined = declined + excluded.declined;
	INSERT INTO report_responses (site_id, period, version, arm, service_id, days, n)
	SELECT site_id, period, version, arm, service_id, kith_working_days(sent_at, coalesce(accepted_at, declined_at)), -1
	FROM report_referral_rows WHERE screening_id = old.id AND sent_at IS NOT NULL AND coalesce(accepted_at, declined_at) IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER report_screenings_after_update AFTER UPDATE OF site_id, created_at, pathway_version, arm, agency, action, loneliness, isolation, quadrant ON screenings
WHEN old.site_id IS NOT new.site_id OR old.created_at IS NOT new.created_at OR old.pathway_version IS NOT new.pathway_version
	OR old.arm IS NOT new.arm OR old.agency IS NOT new.agency OR old.action IS NOT new.action OR old.loneliness IS NOT new.loneliness
	OR old.isolation IS NOT new.isolation OR old.quadrant IS NOT new.quadrant
BEGIN
	INSERT INTO report_screenings (site_id, period, version, arm, agency, concern, loneliness, isolation, quadrant, n)
	SELECT site_id, period, version, arm, agency, concern, loneliness, isolation, quadrant, 1 FROM report_screening_rows WHERE screening_id = new.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_relationships (site_id, period, version, arm, relationship, level, n)
	SELECT site_id, period, version, arm, relationship, level, 1 FROM report_relationship_rows WHERE screening_id = new.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_gaps (site_id, period, version, arm, relationship, latitude, longitude, n)
	SELECT site_id, period, version, arm, relationship, latitude, longitude, 1 FROM report_relationship_rows
	WHERE screening_id = new.id AND level IN ('medium', 'high') AND latitude IS NOT NULL AND longitude IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_concerns (site_id, period, version, arm, measure, value, n)
	SELECT site_id, period, version, arm, measure, value, 1 FROM report_concern_rows WHERE screening_id = new.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_outcomes (site_id, period, version, arm, measure, value, n)
	SELECT site_id, period, version, arm, measure, value, 1 FROM report_outcome_rows WHERE screening_id = new.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_changes (site_id, period, version, arm, instrument, n, sum, sumsq, lonely_first, moved)
	SELECT site_id, period, version, arm, instrument, (delta IS NOT NULL), coalesce(delta, 0), coalesce(delta * delta, 0), lonely_first, (lonely_first AND moved)
	FROM report_change_rows WHERE screening_id = new.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n, sum = sum + excluded.sum, sumsq = sumsq + excluded.sumsq,
		lonely_first = lonely_first + excluded.lonely_first, moved = moved + excluded.moved;
	INSERT INTO report_funnel (site_id, period, version, arm, agency, referrals, sent, accepted, engaged, closed)
	SELECT site_id, period, version, arm, agency, 1, (sent_at IS NOT NULL), (accepted_at IS NOT NULL), (engaged_at IS NOT NULL), (closed_at IS NOT NULL)
	FROM report_referral_rows WHERE screening_id = new.id
	ON CONFLICT DO UPDATE SET referrals = referrals + excluded.referrals, sent = sent + excluded.sent, accepted = accepted + excluded.accepted,
		engaged = engaged + excluded.engaged, closed = closed + excluded.closed;
	INSERT INTO report_steps (site_id, period, version, arm, agency, step, days, n)
	SELECT site_id, period, version, arm, agency, step, days, 1 FROM report_step_rows WHERE screening_id = new.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_services (site_id, period, version, arm, service_id, referrals, accepted, declined)
	SELECT site_id, period, version, arm, service_id, 1, (accepted_at IS NOT NULL), (accepted_at IS NULL AND declined_at IS NOT NULL)
	FROM report_referral_rows WHERE screening_id = new.id
	ON CONFLICT DO UPDATE SET referrals = referrals + excluded.referrals, accepted = accepted + excluded.accepted, declined = declined + excluded.declined;
	INSERT INTO report_responses (site_id, period, version, arm, service_id, days, n)
	SELECT site_id, period, version, arm, service_id, kith_working_days(sent_at, coalesce(accepted_at, declined_at)), 1
	FROM report_referral_rows WHERE screening_id = new.id AND sent_at IS NOT NULL AND coalesce(accepted_at, declined_at) IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- Where a person lives only matters to gaps (the retention job clears it).
CREATE TRIGGER report_screenings_before_move BEFORE UPDATE OF latitude, longitude ON screenings
WHEN old.latitude IS NOT new.latitude OR old.longitude IS NOT new.longitude BEGIN
	INSERT INTO report_gaps (site_id, period, version, arm, relationship, latitude, longitude, n)
	SELECT site_id, period, version, arm, relationship, latitude, longitude, -1 FROM report_relationship_rows
	WHERE screening_id = old.id AND level IN ('medium', 'high') AND latitude IS NOT NULL AND longitude IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER report_screenings_after_move AFTER UPDATE OF latitude, longitude ON screenings
WHEN old.latitude IS NOT new.latitude OR old.longitude IS NOT new.longitude BEGIN
	INSERT INTO report_gaps (site_id, period, version, arm, relationship, latitude, longitude, n)
	SELECT site_id, period, version, arm, relationship, latitude, longitude, 1 FROM report_relationship_rows
	WHERE screening_id = new.id AND level IN ('medium', 'high') AND latitude IS NOT NULL AND longitude IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- A screening can only be deleted once nothing refers to it but its
-- relationships, which the delete cascades to; take those out here, while
-- the screening is still there to say where they were counted.
CREATE TRIGGER report_screenings_delete BEFORE DELETE ON screenings BEGIN
	INSERT INTO report_screenings (site_id, period, version, arm, agency, concern, loneliness, isolation, quadrant, n)
	SELECT site_id, period, version, arm, agency, concern, loneliness, isolation, quadrant, -1 FROM report_screening_rows WHERE screening_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_relationships (site_id, period, version, arm, relationship, level, n)
	SELECT site_id, period, version, arm, relationship, level, -1 FROM report_relationship_rows WHERE screening_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_gaps (site_id, period, version, arm, relationship, latitude, longitude, n)
	SELECT site_id, period, version, arm, relationship, latitude, longitude, -1 FROM report_relationship_rows
	WHERE screening_id = old.id AND level IN ('medium', 'high') AND latitude IS NOT NULL AND longitude IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- Triggers: relationships ---------------------------------------------------

CREATE TRIGGER report_relationships_insert AFTER INSERT ON screening_relationships BEGIN
	INSERT INTO report_relationships (site_id, period, version, arm, relationship, level, n)
	SELECT site_id, period, version, arm, relationship, level, 1 FROM report_relationship_rows
	WHERE screening_id = new.screening_id AND relationship = new.relationship
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER report_gaps_insert AFTER INSERT ON screening_relationships WHEN new.level IN ('medium', 'high') BEGIN
	INSERT INTO report_gaps (site_id, period, version, arm, relationship, latitude, longitude, n)
	SELECT site_id, period, version, arm, relationship, latitude, longitude, 1 FROM report_relationship_rows
	WHERE screening_id = new.screening_id AND relationship = new.relationship AND latitude IS NOT NULL AND longitude IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER report_relationships_before_update BEFORE UPDATE ON screening_relationships BEGIN
	INSERT INTO report_relationships (site_id, period, version, arm, relationship, level, n)
	SELECT site_id, period, version, arm, relationship, level, -1 FROM report_relationship_rows
	WHERE screening_id = old.screening_id AND relationship = old.relationship
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_gaps (site_id, period, version, arm, relationship, latitude, longitude, n)
	SELECT site_id, period, version, arm, relationship, latitude, longitude, -1 FROM report_relationship_rows
	WHERE screening_id = old.screening_id AND relationship = old.relationship AND level IN ('medium', 'high') AND latitude IS NOT NULL AND longitude IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER report_relationships_after_update AFTER UPDATE ON screening_relationships BEGIN
	INSERT INTO report_relationships (site_id, period, version, arm, relationship, level, n)
	SELECT site_id, period, version, arm, relationship, level, 1 FROM report_relationship_rows
	WHERE screening_id = new.screening_id AND relationship = new.relationship
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_gaps (site_id, period, version, arm, relationship, latitude, longitude, n)
	SELECT site_id, period, version, arm, relationship, latitude, longitude, 1 FROM report_relationship_rows
	WHERE screening_id = new.screening_id AND relationship = new.relationship AND level IN ('medium', 'high') AND latitude IS NOT NULL AND longitude IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- When the delete cascades from a screening, the screening is already gone
-- (and was taken out by report_screenings_delete), so this finds nothing.
CREATE TRIGGER report_relationships_delete BEFORE DELETE ON screening_relationships BEGIN
	INSERT INTO report_relationships (site_id, period, version, arm, relationship, level, n)
	SELECT site_id, period, version, arm, relationship, level, -1 FROM report_relationship_rows
	WHERE screening_id = old.screening_id AND relationship = old.relationship
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_gaps (site_id, period, version, arm, relationship, latitude, longitude, n)
	SELECT site_id, period, version, arm, relationship, latitude, longitude, -1 FROM report_relationship_rows
	WHERE screening_id = old.screening_id AND relationship = old.relationship AND level IN ('medium', 'high') AND latitude IS NOT NULL AND longitude IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- Triggers: concerns --------------------------------------------------------

CREATE TRIGGER report_concerns_insert AFTER INSERT ON concerns BEGIN
	INSERT INTO report_concerns (site_id, period, version, arm, measure, value, n)
	SELECT site_id, period, version, arm, measure, value, 1 FROM report_concern_rows WHERE concern_id = new.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER report_concerns_before_update BEFORE UPDATE OF site_id, screening_id, outcome ON concerns BEGIN
	INSERT INTO report_concerns (site_id, period, version, arm, measure, value, n)
	SELECT site_id, period, version, arm, measure, value, -1 FROM report_concern_rows WHERE concern_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER report_concerns_after_update AFTER UPDATE OF site_id, screening_id, outcome ON concerns BEGIN
	INSERT INTO report_concerns (site_id, period, version, arm, measure, value, n)
	SELECT site_id, period, version, arm, measure, value, 1 FROM report_concern_rows WHERE concern_id = new.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER report_concerns_delete BEFORE DELETE ON concerns BEGIN
	INSERT INTO report_concerns (site_id, period, version, arm, measure, value, n)
	SELECT site_id, period, version, arm, measure, value, -1 FROM report_concern_rows WHERE concern_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- Triggers: referrals -------------------------------------------------------

CREATE TRIGGER report_referrals_insert AFTER INSERT ON referrals BEGIN
	INSERT INTO report_referral_facts (referral_id, site_id, screening_id, service_id, created_at, sent_at, accepted_at, declined_at, engaged_at, closed_at)
	SELECT new.id, new.site_id, new.screening_id, new.service_id, new.created_at,
		(SELECT min(at) FROM referral_history WHERE referral_id = new.id AND site_id = new.site_id AND to_state = 'sent'),
		(SELECT min(at) FROM referral_history WHERE referral_id = new.id AND site_id = new.site_id AND to_state = 'accepted'),
		(SELECT min(at) FROM referral_history WHERE referral_id = new.id AND site_id = new.site_id AND to_state = 'declined'),
		(SELECT min(at) FROM referral_history WHERE referral_id = new.id AND site_id = new.site_id AND to_state = 'engaged'),
		(SELECT min(at) FROM referral_history WHERE referral_id = new.id AND site_id = new.site_id AND to_state = 'closed');
	INSERT INTO report_outcomes (site_id, period, version, arm, measure, value, n)
	SELECT site_id, period, version, arm, measure, value, 1 FROM report_outcome_rows WHERE referral_id = new.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_changes (site_id, period, version, arm, instrument, n, sum, sumsq, lonely_first, moved)
	SELECT site_id, period, version, arm, instrument, (delta IS NOT NULL), coalesce(delta, 0), coalesce(delta * delta, 0), lonely_first, (lonely_first AND moved)
	FROM report_change_rows WHERE referral_id = new.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n, sum = sum + excluded.sum, sumsq = sumsq + excluded.sumsq,
		lonely_first = lonely_first + excluded.lonely_first, moved = moved + excluded.moved;
END;

CREATE TRIGGER report_referrals_before_update BEFORE UPDATE OF site_id, screening_id, outcome, loneliness_change ON referrals BEGIN
	INSERT INTO report_outcomes (site_id, period, version, arm, measure, value, n)
	SELECT site_id, period, version, arm, measure, value, -1 FROM report_outcome_rows WHERE referral_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_changes (site_id, period, version, arm, instrument, n, sum, sumsq, lonely_first, moved)
	SELECT site_id, period, version, arm, instrument, -(delta IS NOT NULL), -coalesce(delta, 0), -coalesce(delta * delta, 0), -lonely_first, -(lonely_first AND moved)
	FROM report_change_rows WHERE referral_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n, sum = sum + excluded.sum, sumsq = sumsq + excluded.sumsq,
		lonely_first = lonely_first + excluded.lonely_first, moved = moved + excluded.moved;
END;

CREATE TRIGGER report_referrals_after_update AFTER UPDATE OF site_id, screening_id, outcome, loneliness_change ON referrals BEGIN
	INSERT INTO report_outcomes (site_id, period, version, arm, measure, value, n)
	SELECT site_id, period, version, arm, measure, value, 1 FROM report_outcome_rows WHERE referral_id = new.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_changes (site_id, period, version, arm, instrument, n, sum, sumsq, lonely_first, moved)
	SELECT site_id, period, version, arm, instrument, (delta IS NOT NULL), coalesce(delta, 0), coalesce(delta * delta, 0), lonely_first, (lonely_first AND moved)
	FROM report_change_rows WHERE referral_id = new.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n, sum = sum + excluded.sum, sumsq = sumsq + excluded.sumsq,
		lonely_first = lonely_first + excluded.lonely_first, moved = moved + excluded.moved;
END;

CREATE TRIGGER report_referrals_rekey AFTER UPDATE OF site_id, screening_id, service_id, created_at ON referrals BEGIN
	UPDATE report_referral_facts SET site_id = new.site_id, screening_id = new.screening_id, service_id = new.service_id, created_at = new.created_at
	WHERE referral_id = new.id;
END;

CREATE TRIGGER report_referrals_delete BEFORE DELETE ON referrals BEGIN
	INSERT INTO report_outcomes (site_id, period, version, arm, measure, value, n)
	SELECT site_id, period, version, arm, measure, value, -1 FROM report_outcome_rows WHERE referral_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_changes (site_id, period, version, arm, instrument, n, sum, sumsq, lonely_first, moved)
	SELECT site_id, period, version, arm, instrument, -(delta IS NOT NULL), -coalesce(delta, 0), -coalesce(delta * delta, 0), -lonely_first, -(lonely_first AND moved)
	FROM report_change_rows WHERE referral_id = old.id
	ON CONFLICT DO UPDATE SET n = n + excluded.n, sum = sum + excluded.sum, sumsq = sumsq + excluded.sumsq,
		lonely_first = lonely_first + excluded.lonely_first, moved = moved + excluded.moved;
	DELETE FROM report_referral_facts WHERE referral_id = old.id;
END;

-- Triggers: referral history (only the states the funnel counts) -------------

CREATE TRIGGER report_history_sent AFTER INSERT ON referral_history WHEN new.to_state = 'sent' BEGIN
	UPDATE report_referral_facts SET sent_at = new.at
	WHERE referral_id = new.referral_id AND site_id = new.site_id AND (sent_at IS NULL OR sent_at > new.at);
END;
CREATE TRIGGER report_history_accepted AFTER INSERT ON referral_history WHEN new.to_state = 'accepted' BEGIN
	UPDATE report_referral_facts SET accepted_at = new.at
	WHERE referral_id = new.referral_id AND site_id = new.site_id AND (accepted_at IS NULL OR accepted_at > new.at);
END;
CREATE TRIGGER report_history_declined AFTER INSERT ON referral_history WHEN new.to_state = 'declined' BEGIN
	UPDATE report_referral_facts SET declined_at = new.at
	WHERE referral_id = new.referral_id AND site_id = new.site_id AND (declined_at IS NULL OR declined_at > new.at);
END;
CREATE TRIGGER report_history_engaged AFTER INSERT ON referral_history WHEN new.to_state = 'engaged' BEGIN
	UPDATE report_referral_facts SET engaged_at = new.at
	WHERE referral_id = new.referral_id AND site_id = new.site_id AND (engaged_at IS NULL OR engaged_at > new.at);
END;
CREATE TRIGGER report_history_closed AFTER INSERT ON referral_history WHEN new.to_state = 'closed' BEGIN
	UPDATE report_referral_facts SET closed_at = new.at
	WHERE referral_id = new.referral_id AND site_id = new.site_id AND (closed_at IS NULL OR closed_at > new.at);
END;

-- A changed or removed history row: work the referral's times out again.
CREATE TRIGGER report_history_update AFTER UPDATE OF site_id, referral_id, at, to_state ON referral_history BEGIN
	UPDATE report_referral_facts SET
		sent_at = (SELECT min(at) FROM referral_history h WHERE h.referral_id = report_referral_facts.referral_id AND h.site_id = report_referral_facts.site_id AND h.to_state = 'sent'),
		accepted_at = (SELECT min(at) FROM referral_history h WHERE h.referral_id = report_referral_facts.referral_id AND h.site_id = report_referral_facts.site_id AND h.to_state = 'accepted'),
		declined_at = (SELECT min(at) FROM referral_history h WHERE h.referral_id = report_referral_facts.referral_id AND h.site_id = report_referral_facts.site_id AND h.to_state = 'declined'),
		engaged_at = (SELECT min(at) FROM referral_history h WHERE h.referral_id = report_referral_facts.referral_id AND h.site_id = report_referral_facts.site_id AND h.to_state = 'engaged'),
		closed_at = (SELECT min(at) FROM referral_history h WHERE h.referral_id = report_referral_facts.referral_id AND h.site_id = report_referral_facts.site_id AND h.to_state = 'closed')
	WHERE referral_id IN (old.referral_id, new.referral_id);
END;

CREATE TRIGGER report_history_delete AFTER DELETE ON referral_history BEGIN
	UPDATE report_referral_facts SET
		sent_at = (SELECT min(at) FROM referral_history h WHERE h.referral_id = report_referral_facts.referral_id AND h.site_id = report_referral_facts.site_id AND h.to_state = 'sent'),
		accepted_at = (SELECT min(at) FROM referral_history h WHERE h.referral_id = report_referral_facts.referral_id AND h.site_id = report_referral_facts.site_id AND h.to_state = 'accepted'),
		declined_at = (SELECT min(at) FROM referral_history h WHERE h.referral_id = report_referral_facts.referral_id AND h.site_id = report_referral_facts.site_id AND h.to_state = 'declined'),
		engaged_at = (SELECT min(at) FROM referral_history h WHERE h.referral_id = report_referral_facts.referral_id AND h.site_id = report_referral_facts.site_id AND h.to_state = 'engaged'),
		closed_at = (SELECT min(at) FROM referral_history h WHERE h.referral_id = report_referral_facts.referral_id AND h.site_id = report_referral_facts.site_id AND h.to_state = 'closed')
	WHERE referral_id = old.referral_id;
END;

-- Triggers: referral facts --------------------------------------------------

CREATE TRIGGER report_facts_insert AFTER INSERT ON report_referral_facts WHEN NOT EXISTS (SELECT 1 FROM report_rebuild) BEGIN
	INSERT INTO report_funnel (site_id, period, version, arm, agency, referrals, sent, accepted, engaged, closed)
	SELECT site_id, period, version, arm, agency, 1, (sent_at IS NOT NULL), (accepted_at IS NOT NULL), (engaged_at IS NOT NULL), (closed_at IS NOT NULL)
	FROM report_referral_rows WHERE referral_id = new.referral_id
	ON CONFLICT DO UPDATE SET referrals = referrals + excluded.referrals, sent = sent + excluded.sent, accepted = accepted + excluded.accepted,
		engaged = engaged + excluded.engaged, closed = closed + excluded.closed;
	INSERT INTO report_steps (site_id, period, version, arm, agency, step, days, n)
	SELECT site_id, period, version, arm, agency, step, days, 1 FROM report_step_rows WHERE referral_id = new.referral_id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_services (site_id, period, version, arm, service_id, referrals, accepted, declined)
	SELECT site_id, period, version, arm, service_id, 1, (accepted_at IS NOT NULL), (accepted_at IS NULL AND declined_at IS NOT NULL)
	FROM report_referral_rows WHERE referral_id = new.referral_id
	ON CONFLICT DO UPDATE SET referrals = referrals + excluded.referrals, accepted = accepted + excluded.accepted, declined = declined + excluded.declined;
	INSERT INTO report_responses (site_id, period, version, arm, service_id, days, n)
	SELECT site_id, period, version, arm, service_id, kith_working_days(sent_at, coalesce(accepted_at, declined_at)), 1
	FROM report_referral_rows WHERE referral_id = new.referral_id AND sent_at IS NOT NULL AND coalesce(accepted_at, declined_at) IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER report_facts_before_update BEFORE UPDATE ON report_referral_facts BEGIN
	INSERT INTO report_funnel (site_id, period, version, arm, agency, referrals, sent, accepted, engaged, closed)
	SELECT site_id, period, version, arm, agency, -1, -(sent_at IS NOT NULL), -(accepted_at IS NOT NULL), -(engaged_at IS NOT NULL), -(closed_at IS NOT NULL)
	FROM report_referral_rows WHERE referral_id = old.referral_id
	ON CONFLICT DO UPDATE SET referrals = referrals + excluded.referrals, sent = sent + excluded.sent, accepted = accepted + excluded.accepted,
		engaged = engaged + excluded.engaged, closed = closed + excluded.closed;
	INSERT INTO report_steps (site_id, period, version, arm, agency, step, days, n)
	SELECT site_id, period, version, arm, agency, step, days, -1 FROM report_step_rows WHERE referral_id = old.referral_id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_services (site_id, period, version, arm, service_id, referrals, accepted, declined)
	SELECT site_id, period, version, arm, service_id, -1, -(accepted_at IS NOT NULL), -(accepted_at IS NULL AND declined_at IS NOT NULL)
	FROM report_referral_rows WHERE referral_id = old.referral_id
	ON CONFLICT DO UPDATE SET referrals = referrals + excluded.referrals, accepted = accepted + excluded.accepted, declined = declined + excluded.declined;
	INSERT INTO report_responses (site_id, period, version, arm, service_id, days, n)
	SELECT site_id, period, version, arm, service_id, kith_working_days(sent_at, coalesce(accepted_at, declined_at)), -1
	FROM report_referral_rows WHERE referral_id = old.referral_id AND sent_at IS NOT NULL AND coalesce(accepted_at, declined_at) IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER report_facts_after_update AFTER UPDATE ON report_referral_facts BEGIN
	INSERT INTO report_funnel (site_id, period, version, arm, agency, referrals, sent, accepted, engaged, closed)
	SELECT site_id, period, version, arm, agency, 1, (sent_at IS NOT NULL), (accepted_at IS NOT NULL), (engaged_at IS NOT NULL), (closed_at IS NOT NULL)
	FROM report_referral_rows WHERE referral_id = new.referral_id
	ON CONFLICT DO UPDATE SET referrals = referrals + excluded.referrals, sent = sent + excluded.sent, accepted = accepted + excluded.accepted,
		engaged = engaged + excluded.engaged, closed = closed + excluded.closed;
	INSERT INTO report_steps (site_id, period, version, arm, agency, step, days, n)
	SELECT site_id, period, version, arm, agency, step, days, 1 FROM report_step_rows WHERE referral_id = new.referral_id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_services (site_id, period, version, arm, service_id, referrals, accepted, declined)
	SELECT site_id, period, version, arm, service_id, 1, (accepted_at IS NOT NULL), (accepted_at IS NULL AND declined_at IS NOT NULL)
	FROM report_referral_rows WHERE referral_id = new.referral_id
	ON CONFLICT DO UPDATE SET referrals = referrals + excluded.referrals, accepted = accepted + excluded.accepted, declined = declined + excluded.declined;
	INSERT INTO report_responses (site_id, period, version, arm, service_id, days, n)
	SELECT site_id, period, version, arm, service_id, kith_working_days(sent_at, coalesce(accepted_at, declined_at)), 1
	FROM report_referral_rows WHERE referral_id = new.referral_id AND sent_at IS NOT NULL AND coalesce(accepted_at, declined_at) IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER report_facts_delete BEFORE DELETE ON report_referral_facts WHEN NOT EXISTS (SELECT 1 FROM report_rebuild) BEGIN
	INSERT INTO report_funnel (site_id, period, version, arm, agency, referrals, sent, accepted, engaged, closed)
	SELECT site_id, period, version, arm, agency, -1, -(sent_at IS NOT NULL), -(accepted_at IS NOT NULL), -(engaged_at IS NOT NULL), -(closed_at IS NOT NULL)
	FROM report_referral_rows WHERE referral_id = old.referral_id
	ON CONFLICT DO UPDATE SET referrals = referrals + excluded.referrals, sent = sent + excluded.sent, accepted = accepted + excluded.accepted,
		engaged = engaged + excluded.engaged, closed = closed + excluded.closed;
	INSERT INTO report_steps (site_id, period, version, arm, agency, step, days, n)
	SELECT site_id, period, version, arm, agency, step, days, -1 FROM report_step_rows WHERE referral_id = old.referral_id
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
	INSERT INTO report_services (site_id, period, version, arm, service_id, referrals, accepted, declined)
	SELECT site_id, period, version, arm, service_id, -1, -(accepted_at IS NOT NULL), -(accepted_at IS NULL AND declined_at IS NOT NULL)
	FROM report_referral_rows WHERE referral_id = old.referral_id
	ON CONFLICT DO UPDATE SET referrals = referrals + excluded.referrals, accepted = accepted + excluded.accepted, declined = declined + excluded.declined;
	INSERT INTO report_responses (site_id, period, version, arm, service_id, days, n)
	SELECT site_id, period, version, arm, service_id, kith_working_days(sent_at, coalesce(accepted_at, declined_at)), -1
	FROM report_referral_rows WHERE referral_id = old.referral_id AND sent_at IS NOT NULL AND coalesce(accepted_at, declined_at) IS NOT NULL
	ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- REBUILD BEGIN: every aggregate counted again from the rows.
INSERT INTO report_rebuild (running) VALUES (1);
DELETE FROM report_referral_facts;
DELETE FROM report_screenings;
DELETE FROM report_relationships;
DELETE FROM report_gaps;
DELETE FROM report_concerns;
DELETE FROM report_funnel;
DELETE FROM report_steps;
DELETE FROM report_services;
DELETE FROM report_responses;
DELETE FROM report_outcomes;
DELETE FROM report_changes;
INSERT INTO report_referral_facts (referral_id, site_id, screening_id, service_id, created_at, sent_at, accepted_at, declined_at, engaged_at, closed_at)
SELECT r.id, r.site_id, r.screening_id, r.service_id, r.created_at, h.sent_at, h.accepted_at, h.declined_at, h.engaged_at, h.closed_at
FROM referrals r LEFT JOIN (SELECT referral_id, site_id,
		min(CASE WHEN to_state = 'sent' THEN at END) AS sent_at,
		min(CASE WHEN to_state = 'accepted' THEN at END) AS accepted_at,
		min(CASE WHEN to_state = 'declined' THEN at END) AS declined_at,
		min(CASE WHEN to_state = 'engaged' THEN at END) AS engaged_at,
		min(CASE WHEN to_state = 'closed' THEN at END) AS closed_at
	FROM referral_history GROUP BY referral_id, site_id) h ON h.referral_id = r.id AND h.site_id = r.site_id
WHERE true;
DELETE FROM report_rebuild;
INSERT INTO report_screenings (site_id, period, version, arm, agency, concern, loneliness, isolation, quadrant, n)
SELECT site_id, period, version, arm, agency, concern, loneliness, isolation, quadrant, count(*) FROM report_screening_rows
GROUP BY site_id, period, version, arm, agency, concern, loneliness, isolation, quadrant;
INSERT INTO report_relationships (site_id, period, version, arm, relationship, level, n)
SELECT site_id, period, version, arm, relationship, level, count(*) FROM report_relationship_rows
GROUP BY site_id, period, version, arm, relationship, level;
INSERT INTO report_gaps (site_id, period, version, arm, relationship, latitude, longitude, n)
SELECT site_id, period, version, arm, relationship, latitude, longitude, count(*) FROM report_relationship_rows
WHERE level IN ('medium', 'high') AND latitude IS NOT NULL AND longitude IS NOT NULL
GROUP BY site_id, period, version, arm, relationship, latitude, longitude;
INSERT INTO report_concerns (site_id, period, version, arm, measure, value, n)
SELECT site_id, period, version, arm, measure, value, count(*) FROM report_concern_rows
GROUP BY site_id, period, version, arm, measure, value;
INSERT INTO report_outcomes (site_id, period, version, arm, measure, value, n)
SELECT site_id, period, version, arm, measure, value, count(*) FROM report_outcome_rows
GROUP BY site_id, period, version, arm, measure, value;
INSERT INTO report_changes (site_id, period, version, arm, instrument, n, sum, sumsq, lonely_first, moved)
SELECT site_id, period, version, arm, instrument, count(delta), coalesce(sum(delta), 0), coalesce(sum(delta * delta), 0), sum(lonely_first), sum(lonely_first AND moved)
FROM report_change_rows GROUP BY site_id, period, version, arm, instrument;
INSERT INTO report_funnel (site_id, period, version, arm, agency, referrals, sent, accepted, engaged, closed)
SELECT site_id, period, version, arm, agency, count(*), count(sent_at), count(accepted_at), count(engaged_at), count(closed_at)
FROM report_referral_rows GROUP BY site_id, period, version, arm, agency;
INSERT INTO report_steps (site_id, period, version, arm, agency, step, days, n)
SELECT site_id, period, version, arm, agency, step, days, count(*) FROM report_step_rows
GROUP BY site_id, period, version, arm, agency, step, days;
INSERT INTO report_services (site_id, period, version, arm, service_id, referrals, accepted, declined)
SELECT site_id, period, version, arm, service_id, count(*), count(accepted_at), sum(accepted_at IS NULL AND declined_at IS NOT NULL)
FROM report_referral_rows GROUP BY site_id, period, version, arm, service_id;
INSERT INTO report_responses (site_id, period, version, arm, service_id, days, n)
SELECT site_id, period, version, arm, service_id, kith_working_days(sent_at, coalesce(accepted_at, declined_at)) AS days, count(*)
FROM report_referral_rows WHERE sent_at IS NOT NULL AND coalesce(accepted_at, declined_at) IS NOT NULL
GROUP BY site_id, period, version, arm, service_id, days;
-- REBUILD END
