-- Sign-in sessions and per-tenant API keys. Only hashes of their tokens are stored: a copy of
-- the database gives no one a way in.

CREATE TABLE sessions (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash    TEXT    NOT NULL UNIQUE,
  user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at    BIGINT  NOT NULL,
  last_seen_at  BIGINT  NOT NULL,
  expires_at    BIGINT  NOT NULL,
  address       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_keys (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id     BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  prefix        TEXT    NOT NULL,
  key_hash      TEXT    NOT NULL UNIQUE,
  role          TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
  created_by    BIGINT  REFERENCES users (id) ON DELETE SET NULL,
  created_at    BIGINT  NOT NULL,
  last_used_at  BIGINT,
  revoked_at    BIGINT,
  UNIQUE (tenant_id, name)
);
