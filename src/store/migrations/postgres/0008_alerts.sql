-- The alert conditions that are open (README, "Alerts"): one row per tenant and condition
-- ("job_failed:main", "error_records", "cursor_lag:Subject", ...) from the firing alert until
-- the resolved one. The primary key is what deduplicates across instances: only the instance
-- whose INSERT makes the row sends the firing alert, only the one whose DELETE removes it sends
-- the resolved alert.
CREATE TABLE alert_states (
  tenant_id      BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  condition_key  TEXT    NOT NULL CHECK (length(condition_key) BETWEEN 1 AND 400),
  opened_at      BIGINT  NOT NULL,
  opened_by      TEXT    NOT NULL DEFAULT '',
  message        TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, condition_key)
);
