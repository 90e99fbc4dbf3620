-- A screening raises at most one concern: the escalation of any of its
-- referrals finds the one it has (issue 14). The unique index makes that a
-- single INSERT ... ON CONFLICT, not a read then a write; it replaces the
-- plain index on the same columns.
DROP INDEX concerns_screening;
CREATE UNIQUE INDEX concerns_screening ON concerns(site_id, screening_id);
