-- The console's first schema. Every table the engine writes; later changes are new files.

-- Jobs: the Operator-Service's state. `record_json` holds the full job (spec included);
-- the columns beside it are what we filter and sort on.
CREATE TABLE jobs (
  job_id          TEXT PRIMARY KEY,
  owner           TEXT NOT NULL,          -- as sent (checksummed)
  owner_lc        TEXT NOT NULL,          -- lowercased, for owner filters
  environment_id  TEXT NOT NULL,
  status          INTEGER NOT NULL,
  outcome_kind    TEXT,                   -- succeeded | failed | stopped | expired (NULL while running)
  is_free         INTEGER NOT NULL DEFAULT 0,
  agreement_id    TEXT NOT NULL DEFAULT '',
  created_at_ms   INTEGER NOT NULL,
  updated_at_ms   INTEGER NOT NULL,
  finished_at_ms  INTEGER,
  record_json     TEXT NOT NULL
);
CREATE INDEX jobs_owner ON jobs (owner_lc, created_at_ms);
CREATE INDEX jobs_status ON jobs (status);
CREATE INDEX jobs_env_status ON jobs (environment_id, status);
CREATE INDEX jobs_agreement ON jobs (agreement_id);

-- Every status change, in order: the job's timeline and the console's event sequence.
CREATE TABLE job_events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id       TEXT NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
  from_status  INTEGER,
  to_status    INTEGER NOT NULL,
  cause        TEXT NOT NULL,
  at_ms        INTEGER NOT NULL
);
CREATE INDEX job_events_job ON job_events (job_id, seq);

-- Provider request nonces, per lowercased address. Decimal strings (may exceed 2^53).
CREATE TABLE nonces (
  address_lc     TEXT PRIMARY KEY,
  nonce          TEXT NOT NULL,
  updated_at_ms  INTEGER NOT NULL
);

-- Auth tokens issued by generateAuthToken (a JWT's jti), for invalidation.
CREATE TABLE auth_tokens (
  token_id        TEXT PRIMARY KEY,
  address_lc      TEXT NOT NULL,
  valid_until_ms  INTEGER NOT NULL,
  revoked         INTEGER NOT NULL DEFAULT 0,
  created_at_ms   INTEGER NOT NULL
);

-- Assets this console publishes or serves compute for: DID → NFT, datatoken, services.
-- `files_json` holds the plain file sources (URLs, headers, paths): never sent to consumers.
CREATE TABLE assets (
  did                TEXT PRIMARY KEY,
  kind               TEXT NOT NULL CHECK (kind IN ('dataset', 'algorithm')),
  chain_id           INTEGER NOT NULL,
  nft_address        TEXT NOT NULL,
  datatoken_address  TEXT NOT NULL,
  state              INTEGER NOT NULL DEFAULT 0,
  ddo_json           TEXT NOT NULL,
  files_json         TEXT NOT NULL,
  publish_json       TEXT,               -- progress of the on-chain publish steps (tx hashes), for resume
  created_at_ms      INTEGER NOT NULL,
  updated_at_ms      INTEGER NOT NULL
);

-- Compute environments offered to consumers (configurable in the console).
CREATE TABLE environments (
  id           TEXT PRIMARY KEY,
  position     INTEGER NOT NULL,
  config_json  TEXT NOT NULL
);

-- Console settings chosen in the UI (driver choice, kube context, ...), JSON values.
CREATE TABLE settings (
  key         TEXT PRIMARY KEY,
  value_json  TEXT NOT NULL
);
