-- A per-tenant revision of its mappings, bumped by every write to its mappings, mapping groups
-- and mapping types, whoever makes it (the API, an import, a bundle, another instance): a
-- run compares it with its cached snapshot's and rebuilds the snapshot only when it moved.
-- Triggers rather than the store's code, so that no write path can forget it. (The count and
-- latest updated_at of the mappings, used before, missed renames of groups and types and two
-- edits within a millisecond.) Once per statement, over the tenants it touched: an import of
-- 100,000 rows bumps its tenant once, not 100,000 times.

ALTER TABLE tenants ADD COLUMN mapping_revision BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION bump_mapping_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tenants SET mapping_revision = mapping_revision + 1
    WHERE id IN (SELECT DISTINCT tenant_id FROM changed);
  RETURN NULL;
END
$$;

CREATE TRIGGER mappings_revision_insert AFTER INSERT ON mappings
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_mapping_revision();
CREATE TRIGGER mappings_revision_update AFTER UPDATE ON mappings
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_mapping_revision();
CREATE TRIGGER mappings_revision_delete AFTER DELETE ON mappings
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_mapping_revision();
CREATE TRIGGER mapping_groups_revision_insert AFTER INSERT ON mapping_groups
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_mapping_revision();
CREATE TRIGGER mapping_groups_revision_update AFTER UPDATE ON mapping_groups
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_mapping_revision();
CREATE TRIGGER mapping_groups_revision_delete AFTER DELETE ON mapping_groups
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_mapping_revision();
CREATE TRIGGER mapping_types_revision_insert AFTER INSERT ON mapping_types
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_mapping_revision();
CREATE TRIGGER mapping_types_revision_update AFTER UPDATE ON mapping_types
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_mapping_revision();
CREATE TRIGGER mapping_types_revision_delete AFTER DELETE ON mapping_types
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_mapping_revision();
