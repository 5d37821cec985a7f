-- A per-tenant revision of its schedule, bumped by every write to its jobs (cron, time zone,
-- enabled, settings, paused, a run asked for, a fire claimed, a run's outcome) and to the
-- tenant's name, type or active state, whoever makes it (the API, a scheduler, another
-- instance). Each tick a scheduler reads the revisions (one small query) and reads again only
-- the jobs of the tenants whose revision moved, instead of every job every second. Triggers
-- rather than the store's code, so that no write path can forget it (as mapping_revision in
-- 0005). A table of its own rather than a column of tenants: a claim locks the tenant's row,
-- and a run's end, which bumps the revision, must not wait for it.

CREATE TABLE schedule_revisions (
  tenant_id  BIGINT NOT NULL PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  revision   BIGINT NOT NULL DEFAULT 0
);

INSERT INTO schedule_revisions (tenant_id, revision) SELECT id, 0 FROM tenants;

CREATE TRIGGER schedule_revision_tenant_insert AFTER INSERT ON tenants BEGIN
  INSERT INTO schedule_revisions (tenant_id, revision) VALUES (NEW.id, 0);
END;
CREATE TRIGGER schedule_revision_tenant_update AFTER UPDATE OF name, type, active ON tenants
BEGIN
  UPDATE schedule_revisions SET revision = revision + 1 WHERE tenant_id = NEW.id;
END;
CREATE TRIGGER schedule_revision_jobs_insert AFTER INSERT ON jobs BEGIN
  UPDATE schedule_revisions SET revision = revision + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER schedule_revision_jobs_update AFTER UPDATE ON jobs BEGIN
  UPDATE schedule_revisions SET revision = revision + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER schedule_revision_jobs_delete AFTER DELETE ON jobs BEGIN
  UPDATE schedule_revisions SET revision = revision + 1 WHERE tenant_id = OLD.tenant_id;
END;
