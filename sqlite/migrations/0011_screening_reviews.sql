-- Screenings to check by hand. Before the visitor's form was fixed, two
-- of its answers were stored the wrong way round: "Can they leave home
-- without help?" Yes was stored as housebound, and "Could the person
-- protect themselves?" Yes as unable_to_protect_self yes. Screenings
-- made through the form cannot be told for certain from those made
-- through the API (the form's "form-" key is one any API client may also
-- send), so rather than guess and flip them, those that look like form
-- screenings and hold either answer are marked for a navigator to check
-- with the visitor, and each mark is audited.
CREATE TABLE screening_reviews (
	site_id      TEXT NOT NULL REFERENCES sites(id),
	screening_id TEXT NOT NULL REFERENCES screenings(id),
	fields       TEXT NOT NULL, -- the request's fields to check, space-separated
	marked_at    TEXT NOT NULL,
	checked_at   TEXT,
	checked_by   TEXT,
	outcome      TEXT,          -- as_stored | corrected_elsewhere, once checked
	PRIMARY KEY (site_id, screening_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX screening_reviews_open ON screening_reviews(site_id, checked_at, marked_at);

INSERT INTO screening_reviews (site_id, screening_id, fields, marked_at)
SELECT site_id, id,
	trim(CASE WHEN json_extract(request, '$.person.housebound') IS NOT NULL THEN 'person.housebound ' ELSE '' END ||
	     CASE WHEN json_extract(request, '$.s42.unable_to_protect_self') IN ('yes', 'no') THEN 's42.unable_to_protect_self' ELSE '' END),
	strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')
FROM screenings
WHERE idempotency_key LIKE 'form-%'
  AND (json_extract(request, '$.person.housebound') IS NOT NULL
       OR json_extract(request, '$.s42.unable_to_protect_self') IN ('yes', 'no'));

INSERT INTO audit (site_id, at, actor, action, entity, entity_id)
SELECT site_id, marked_at, 'system:migration-0011', 'mark_for_review', 'screening', screening_id FROM screening_reviews;
