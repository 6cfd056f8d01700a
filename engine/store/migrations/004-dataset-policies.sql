-- Per-dataset publisher control (issue 12): output release (automatic or publisher review with its
-- window), the console's consumer allow/deny lists and per-consumer quotas. One JSON row per DID,
-- validated by the console API's schema before it is written; absent: automatic, no lists, no quota.
CREATE TABLE dataset_policies (
  did            TEXT PRIMARY KEY,
  policy_json    TEXT NOT NULL,
  updated_at_ms  INTEGER NOT NULL
);
