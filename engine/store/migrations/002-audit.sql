-- The publisher's audit trail (issue 12): append-only and hash-chained. Each row's `hash` is the
-- sha256 of its canonical content including `prev_hash` (the previous row's hash; 64 zeros for the
-- first), so editing, deleting or reordering any row breaks every hash after it.
-- `details_json` never holds a secret (no keys, passwords, signatures, dataset URLs).
CREATE TABLE audit_events (
  seq           INTEGER PRIMARY KEY,
  at_ms         INTEGER NOT NULL,
  type          TEXT NOT NULL,
  actor         TEXT,               -- consumer address, 'publisher' or 'system'
  subject       TEXT,               -- DID, job id, environment id, ...
  details_json  TEXT NOT NULL,
  prev_hash     TEXT NOT NULL,
  hash          TEXT NOT NULL
);
CREATE INDEX audit_events_subject ON audit_events (subject);
CREATE INDEX audit_events_actor ON audit_events (actor);

-- Append-only at the SQL level too: the app never updates or deletes a row. A determined attacker
-- with the file can drop these triggers, which is why `npm run audit -- verify` checks the chain.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
