-- The scheduler's state of each job, shared by every instance: paused (by hand or after
-- repeated failures, with the reason), a run asked for through the API, the failures in a
-- row, and the last scheduled fire claimed, so that each fire runs once across instances and
-- fires missed while busy or down run once.

ALTER TABLE jobs ADD COLUMN paused BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE jobs ADD COLUMN pause_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN run_requested_at BIGINT;
ALTER TABLE jobs ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN last_fire_at BIGINT;

-- Runs by status (finding the running ones of a job) and by tenant and time (the runs list).
CREATE INDEX runs_status ON runs (tenant_id, job_id, status);
CREATE INDEX runs_tenant_started ON runs (tenant_id, started_at);

-- Every tenant has its two jobs (new tenants get them when created): the main flows every
-- five minutes and the reprocessing of error records every hour, as the Java service's
-- defaults; their administrators change the schedules through the API.
INSERT INTO jobs (tenant_id, name, cron)
  SELECT id, 'main', '0 */5 * * * ?' FROM tenants
  WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.tenant_id = tenants.id AND jobs.name = 'main');
INSERT INTO jobs (tenant_id, name, cron)
  SELECT id, 'errors', '0 30 * * * ?' FROM tenants
  WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.tenant_id = tenants.id AND jobs.name = 'errors');
