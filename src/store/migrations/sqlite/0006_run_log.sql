-- The per-run log: the latest lines a run logged at warning level and up, and the info lines
-- that explain it (retries, why it stopped, its counts), written when the run ends. seq numbers
-- every line the run kept, the dropped ones too: lines that do not start at 0 were cut short.
-- Deleting a run (or its tenant) deletes its log.
CREATE TABLE run_log_lines (
  run_id     BIGINT  NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  tenant_id  BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  seq        BIGINT  NOT NULL,
  at         BIGINT  NOT NULL,
  level      TEXT    NOT NULL,
  message    TEXT    NOT NULL,
  PRIMARY KEY (run_id, seq)
);
