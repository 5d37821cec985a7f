-- A per-tenant revision of its mappings, bumped by every write to its mappings, mapping groups
-- and mapping types, whoever makes it (the API, an import, a bundle, another instance): a
-- run compares it with its cached snapshot's and rebuilds the snapshot only when it moved.
-- Triggers rather than the store's code, so that no write path can forget it. (The count and
-- latest updated_at of the mappings, used before, missed renames of groups and types and two
-- edits within a millisecond.)

ALTER TABLE tenants ADD COLUMN mapping_revision BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER mappings_revision_insert AFTER INSERT ON mappings BEGIN
  UPDATE tenants SET mapping_revision = mapping_revision + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER mappings_revision_update AFTER UPDATE ON mappings BEGIN
  UPDATE tenants SET mapping_revision = mapping_revision + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER mappings_revision_delete AFTER DELETE ON mappings BEGIN
  UPDATE tenants SET mapping_revision = mapping_revision + 1 WHERE id = OLD.tenant_id;
END;
CREATE TRIGGER mapping_groups_revision_insert AFTER INSERT ON mapping_groups BEGIN
  UPDATE tenants SET mapping_revision = mapping_revision + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER mapping_groups_revision_update AFTER UPDATE ON mapping_groups BEGIN
  UPDATE tenants SET mapping_revision = mapping_revision + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER mapping_groups_revision_delete AFTER DELETE ON mapping_groups BEGIN
  UPDATE tenants SET mapping_revision = mapping_revision + 1 WHERE id = OLD.tenant_id;
END;
CREATE TRIGGER mapping_types_revision_insert AFTER INSERT ON mapping_types BEGIN
  UPDATE tenants SET mapping_revision = mapping_revision + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER mapping_types_revision_update AFTER UPDATE ON mapping_types BEGIN
  UPDATE tenants SET mapping_revision = mapping_revision + 1 WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER mapping_types_revision_delete AFTER DELETE ON mapping_types BEGIN
  UPDATE tenants SET mapping_revision = mapping_revision + 1 WHERE id = OLD.tenant_id;
END;
