-- Retention: the daily maintenance run's row lease (one instance purges at a time, once a
-- day across every instance sharing the database), and the indexes that let each bounded
-- purge batch find a tenant's old rows without scanning the table.

CREATE TABLE maintenance_tasks (
  name              TEXT    PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
  owner             TEXT    NOT NULL DEFAULT '',
  lease_expires_at  BIGINT  NOT NULL DEFAULT 0,
  last_run_at       BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO maintenance_tasks (name) VALUES ('retention');

CREATE INDEX runs_started ON runs (tenant_id, started_at);
CREATE INDEX error_record_log_logged ON error_record_log (tenant_id, logged_at);
