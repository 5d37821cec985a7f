-- The sync engine: flow locks (one runner per tenant and entity type), a run's counts per
-- entity type, and the indexes of the error record lists and of the latest log entry.

CREATE TABLE flow_locks (
  tenant_id    BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  entity_type  TEXT    NOT NULL CHECK (length(entity_type) BETWEEN 1 AND 200),
  owner        TEXT    NOT NULL CHECK (length(owner) BETWEEN 1 AND 200),
  acquired_at  BIGINT  NOT NULL,
  expires_at   BIGINT  NOT NULL,
  PRIMARY KEY (tenant_id, entity_type)
);

-- runs has no UNIQUE (tenant_id, id) to refer to, so the run is referred to by id alone;
-- the store writes a row only after finding the run among the tenant's own.
CREATE TABLE run_entity_counts (
  tenant_id      BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  run_id         BIGINT  NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  entity_type    TEXT    NOT NULL CHECK (length(entity_type) BETWEEN 1 AND 200),
  read_count     BIGINT  NOT NULL DEFAULT 0,
  written_count  BIGINT  NOT NULL DEFAULT 0,
  skipped_count  BIGINT  NOT NULL DEFAULT 0,
  failed_count   BIGINT  NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, entity_type)
);

-- Lists and the errors job read a tenant's records of one entity type in the order first seen.
CREATE INDEX error_records_first_seen ON error_records (tenant_id, entity_type, first_seen_at, id);
-- A record's latest log entry (highest id) without reading the rest of its log.
CREATE INDEX error_record_log_latest ON error_record_log (tenant_id, error_record_id, id);
