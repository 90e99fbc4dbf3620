-- The evaluation summary's counts, kept exact on write: each change to a
-- screening or anything counted under it (its relationships, concerns,
-- referrals and their history) recounts the screening's cohort
-- (reports.Cohort.Tallies) before and after, in the change's transaction,
-- with the screening's row locked, and adds the difference here. Every
-- count is kept by UTC day ('d2026-11-25') and UTC month ('m2026-11') of
-- the screening, so a period of whole days is read as whole months plus
-- the days at either end. v1..v5 are the kind's values (see reports.Tally*).
CREATE TABLE report_counts (
	site_id text NOT NULL,
	period  text NOT NULL,
	version integer NOT NULL,
	arm     text NOT NULL,
	kind    text NOT NULL,
	keys    text[] NOT NULL,
	v1      bigint NOT NULL DEFAULT 0,
	v2      bigint NOT NULL DEFAULT 0,
	v3      bigint NOT NULL DEFAULT 0,
	v4      bigint NOT NULL DEFAULT 0,
	v5      bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (site_id, kind, period, version, arm, keys)
);
