-- The whole schema, SQLite form. Times are UTC epoch milliseconds (BIGINT); booleans are
-- INTEGER 0/1. Every row but tenants and users carries its tenant_id; child rows refer to
-- their parent through (tenant_id, id), so a row can never point into another tenant.

CREATE TABLE tenants (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid        TEXT    NOT NULL UNIQUE,
  name        TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  type        TEXT    NOT NULL CHECK (length(type) BETWEEN 1 AND 100),
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at  BIGINT  NOT NULL,
  updated_at  BIGINT  NOT NULL
);

CREATE TABLE tenant_config (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id   BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  key         TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  value       TEXT    NOT NULL,
  is_secret   INTEGER NOT NULL DEFAULT 0 CHECK (is_secret IN (0, 1)),
  updated_at  BIGINT  NOT NULL,
  UNIQUE (tenant_id, key)
);

CREATE TABLE users (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  email           TEXT    NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
  password_hash   TEXT    NOT NULL,
  is_super_admin  INTEGER NOT NULL DEFAULT 0 CHECK (is_super_admin IN (0, 1)),
  active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at      BIGINT  NOT NULL,
  updated_at      BIGINT  NOT NULL
);

CREATE TABLE memberships (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id   BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role        TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
  UNIQUE (tenant_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE mapping_groups (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id   BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  uuid        TEXT    NOT NULL,
  name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  UNIQUE (tenant_id, name),
  UNIQUE (tenant_id, uuid),
  UNIQUE (tenant_id, id)
);

CREATE TABLE mapping_types (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id   BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  uuid        TEXT    NOT NULL,
  name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  UNIQUE (tenant_id, name),
  UNIQUE (tenant_id, uuid),
  UNIQUE (tenant_id, id)
);

CREATE TABLE mappings (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id         BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  uuid              TEXT    NOT NULL,
  group_id          BIGINT  NOT NULL,
  type_id           BIGINT  NOT NULL,
  avni_value        TEXT    NOT NULL CHECK (length(avni_value) BETWEEN 1 AND 1000),
  int_system_value  TEXT    NOT NULL CHECK (length(int_system_value) BETWEEN 1 AND 1000),
  data_type_hint    TEXT    NOT NULL DEFAULT 'NA'
                    CHECK (data_type_hint IN ('Coded', 'Date', 'DateTime', 'Numeric', 'Text', 'Boolean', 'NA')),
  about             TEXT    NOT NULL DEFAULT '',
  voided            INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),
  created_at        BIGINT  NOT NULL,
  updated_at        BIGINT  NOT NULL,
  UNIQUE (tenant_id, uuid),
  FOREIGN KEY (tenant_id, group_id) REFERENCES mapping_groups (tenant_id, id),
  FOREIGN KEY (tenant_id, type_id) REFERENCES mapping_types (tenant_id, id)
);
CREATE UNIQUE INDEX mappings_int_value ON mappings (tenant_id, group_id, type_id, int_system_value)
  WHERE NOT voided;
CREATE UNIQUE INDEX mappings_avni_value ON mappings (tenant_id, group_id, type_id, avni_value)
  WHERE NOT voided;
CREATE INDEX mappings_type ON mappings (tenant_id, type_id);

CREATE TABLE entity_links (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id       BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  entity_type     TEXT    NOT NULL,
  source_id       TEXT    NOT NULL,
  destination_id  TEXT    NOT NULL,
  source_version  TEXT    NOT NULL DEFAULT '',
  updated_at      BIGINT  NOT NULL,
  UNIQUE (tenant_id, entity_type, source_id)
);
CREATE INDEX entity_links_destination ON entity_links (tenant_id, entity_type, destination_id);

CREATE TABLE sync_status (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id          BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  entity_type        TEXT    NOT NULL,
  read_upto_time     BIGINT,
  read_upto_id       TEXT    NOT NULL DEFAULT '',
  read_upto_numeric  BIGINT,
  read_upto_marker   TEXT,
  updated_at         BIGINT  NOT NULL,
  UNIQUE (tenant_id, entity_type)
);

CREATE TABLE error_types (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id       BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  uuid            TEXT    NOT NULL,
  name            TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  operator        TEXT    NOT NULL CHECK (operator IN ('EQUALS', 'CONTAINS', 'MATCHES')),
  value           TEXT    NOT NULL,
  follow_up_step  TEXT    NOT NULL CHECK (follow_up_step IN ('Process', 'Terminal', 'Internal', 'External')),
  priority        INTEGER NOT NULL DEFAULT 0,
  UNIQUE (tenant_id, name),
  UNIQUE (tenant_id, uuid),
  UNIQUE (tenant_id, id)
);

CREATE TABLE error_records (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id            BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  entity_type          TEXT    NOT NULL,
  entity_id            TEXT    NOT NULL,
  error_type_id        BIGINT,
  processing_disabled  INTEGER NOT NULL DEFAULT 0 CHECK (processing_disabled IN (0, 1)),
  attempts             INTEGER NOT NULL DEFAULT 0,
  first_seen_at        BIGINT  NOT NULL,
  last_seen_at         BIGINT  NOT NULL,
  next_attempt_at      BIGINT,
  UNIQUE (tenant_id, entity_type, entity_id),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, error_type_id) REFERENCES error_types (tenant_id, id)
);
CREATE INDEX error_records_due ON error_records (tenant_id, next_attempt_at);

CREATE TABLE error_record_log (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id        BIGINT  NOT NULL,
  error_record_id  BIGINT  NOT NULL,
  error_type_id    BIGINT,
  message          TEXT    NOT NULL,
  body             TEXT    NOT NULL DEFAULT '',
  first_logged_at  BIGINT  NOT NULL,
  logged_at        BIGINT  NOT NULL,
  count            INTEGER NOT NULL DEFAULT 1,
  FOREIGN KEY (tenant_id, error_record_id) REFERENCES error_records (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, error_type_id) REFERENCES error_types (tenant_id, id)
);
CREATE INDEX error_record_log_record ON error_record_log (error_record_id);

CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id   BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  cron        TEXT    NOT NULL,
  enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  timezone    TEXT    NOT NULL DEFAULT 'UTC',
  settings    TEXT    NOT NULL DEFAULT '{}',
  UNIQUE (tenant_id, name),
  UNIQUE (tenant_id, id)
);

CREATE TABLE runs (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id      BIGINT  NOT NULL,
  job_id         BIGINT  NOT NULL,
  started_at     BIGINT  NOT NULL,
  finished_at    BIGINT,
  status         TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  read_count     BIGINT  NOT NULL DEFAULT 0,
  written_count  BIGINT  NOT NULL DEFAULT 0,
  failed_count   BIGINT  NOT NULL DEFAULT 0,
  skipped_count  BIGINT  NOT NULL DEFAULT 0,
  message        TEXT    NOT NULL DEFAULT '',
  instance       TEXT    NOT NULL DEFAULT '',
  FOREIGN KEY (tenant_id, job_id) REFERENCES jobs (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX runs_job ON runs (tenant_id, job_id, started_at);

CREATE TABLE leases (
  tenant_id    BIGINT  NOT NULL,
  job_id       BIGINT  NOT NULL,
  owner        TEXT    NOT NULL,
  acquired_at  BIGINT  NOT NULL,
  expires_at   BIGINT  NOT NULL,
  PRIMARY KEY (tenant_id, job_id),
  FOREIGN KEY (tenant_id, job_id) REFERENCES jobs (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id    BIGINT  REFERENCES tenants (id) ON DELETE CASCADE,
  actor        TEXT    NOT NULL,
  action       TEXT    NOT NULL,
  entity       TEXT    NOT NULL,
  entity_id    TEXT    NOT NULL DEFAULT '',
  before_json  TEXT    NOT NULL DEFAULT '',
  after_json   TEXT    NOT NULL DEFAULT '',
  at           BIGINT  NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, at);
