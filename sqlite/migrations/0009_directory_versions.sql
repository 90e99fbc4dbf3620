-- A version per site's directory, bumped in the same transaction as any
-- change to its services or their places (by the service or by the CLI),
-- so a process holding the directory in memory for ranking knows, with one
-- small read, whether what it holds is still current.
CREATE TABLE directory_versions (
	site_id TEXT PRIMARY KEY,
	version INTEGER NOT NULL
) STRICT;

CREATE TRIGGER directory_version_service_insert AFTER INSERT ON services BEGIN
	INSERT OR IGNORE INTO directory_versions (site_id, version) VALUES (new.site_id, 0);
	UPDATE directory_versions SET version = version + 1 WHERE site_id = new.site_id;
END;
CREATE TRIGGER directory_version_service_update AFTER UPDATE ON services BEGIN
	INSERT OR IGNORE INTO directory_versions (site_id, version) VALUES (new.site_id, 0);
	UPDATE directory_versions SET version = version + 1 WHERE site_id IN (old.site_id, new.site_id);
END;
CREATE TRIGGER directory_version_service_delete AFTER DELETE ON services BEGIN
	INSERT OR IGNORE INTO directory_versions (site_id, version) VALUES (old.site_id, 0);
	UPDATE directory_versions SET version = version + 1 WHERE site_id = old.site_id;
END;
CREATE TRIGGER directory_version_location_insert AFTER INSERT ON service_locations BEGIN
	UPDATE directory_versions SET version = version + 1
		WHERE site_id = (SELECT site_id FROM services WHERE pk = new.service_pk);
END;
CREATE TRIGGER directory_version_location_update AFTER UPDATE ON service_locations BEGIN
	UPDATE directory_versions SET version = version + 1
		WHERE site_id IN (SELECT site_id FROM services WHERE pk IN (old.service_pk, new.service_pk));
END;
CREATE TRIGGER directory_version_location_delete AFTER DELETE ON service_locations BEGIN
	UPDATE directory_versions SET version = version + 1
		WHERE site_id = (SELECT site_id FROM services WHERE pk = old.service_pk);
END;
