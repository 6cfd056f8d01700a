-- The approval inbox (issue 12). A request is one (dataset, service, algorithm, checksums) the
-- Provider refused as untrusted; repeated attempts collapse into it and count per consumer.
CREATE TABLE access_requests (
  id                   TEXT PRIMARY KEY,
  dataset_did          TEXT NOT NULL,
  service_id           TEXT NOT NULL,
  algorithm_key        TEXT NOT NULL,     -- the algorithm DID, or 'raw:<sha256 of the code>'
  algorithm_did        TEXT,
  raw_code_hash        TEXT,
  container_json       TEXT NOT NULL,     -- image, tag, checksum, entrypoint as the request named them
  container_checksum   TEXT NOT NULL,
  files_checksum       TEXT,              -- NULL when the algorithm's files could not be read
  reason               TEXT NOT NULL,     -- why the Provider refused it
  status               TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
  deny_reason          TEXT,
  created_at_ms        INTEGER NOT NULL,
  updated_at_ms        INTEGER NOT NULL,
  UNIQUE (dataset_did, service_id, algorithm_key, container_checksum, files_checksum)
);
CREATE TABLE access_request_consumers (
  request_id     TEXT NOT NULL REFERENCES access_requests (id),
  consumer_lc    TEXT NOT NULL,
  attempts       INTEGER NOT NULL,
  last_at_ms     INTEGER NOT NULL,
  PRIMARY KEY (request_id, consumer_lc)
);
-- Node-only approvals: an off-chain policy the Provider enforces on top of the DDO's trust list.
CREATE TABLE algorithm_policies (
  id                   TEXT PRIMARY KEY,
  request_id           TEXT NOT NULL REFERENCES access_requests (id),
  dataset_did          TEXT NOT NULL,
  service_id           TEXT NOT NULL,
  algorithm_key        TEXT NOT NULL,
  container_checksum   TEXT NOT NULL,
  files_checksum       TEXT,
  consumer_lc          TEXT,              -- NULL: every consumer
  until_ms             INTEGER,           -- NULL: no end
  created_at_ms        INTEGER NOT NULL
);
CREATE INDEX algorithm_policies_lookup ON algorithm_policies (dataset_did, service_id, algorithm_key);
