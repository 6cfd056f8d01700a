-- Publisher control (issue 12), continued.
-- Per-environment quotas: per consumer on one compute environment, across datasets; one JSON row
-- per environment id, validated by the console API's schema before it is written.
CREATE TABLE environment_quotas (
  environment_id  TEXT PRIMARY KEY,
  quotas_json     TEXT NOT NULL,
  updated_at_ms   INTEGER NOT NULL
);
-- A start that passed the quota check and has not registered its job yet (a paid start waits on
-- chain calls in between). Checked and inserted in one transaction, so two racing starts cannot both
-- pass; removed when the job is registered (it then counts itself) or the start fails. Holds do not
-- outlive the process: startup clears them.
CREATE TABLE quota_holds (
  id              TEXT PRIMARY KEY,
  consumer_lc     TEXT NOT NULL,
  environment_id  TEXT NOT NULL,
  dataset_dids    TEXT NOT NULL,        -- JSON array of the start's dataset DIDs
  created_at_ms   INTEGER NOT NULL
);
CREATE INDEX quota_holds_consumer ON quota_holds (consumer_lc);
-- An approval on chain: the setMetaData tx that put the algorithm in the dataset's trust list.
ALTER TABLE access_requests ADD COLUMN approved_tx TEXT;
-- Raw code as the consumer sent it (bounded by the Provider's body limit), so the inbox can show it.
ALTER TABLE access_requests ADD COLUMN raw_code TEXT;
