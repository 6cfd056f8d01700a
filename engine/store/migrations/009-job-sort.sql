-- The Jobs list sorted by duration and by asset name (issue 11), keyset-paged from an index at
-- 100k jobs like the created and status sorts (005-job-search.sql). Each key is a column so the
-- index holds it and a cursor can carry it.

-- Duration as the job page shows it: the algorithm's run (start to stop, or to the job's end),
-- else end minus creation. A job that has not finished has no duration yet: -1, the shortest
-- (never NULL, so row-value comparisons in keyset pages never drop it).
ALTER TABLE jobs ADD COLUMN duration_sort_ms INTEGER GENERATED ALWAYS AS (
  CASE
    WHEN finished_at_ms IS NULL THEN -1
    WHEN json_extract(record_json, '$.algoStartMs') IS NOT NULL THEN
      coalesce(json_extract(record_json, '$.algoStopMs'), finished_at_ms) - json_extract(record_json, '$.algoStartMs')
    ELSE finished_at_ms - created_at_ms
  END
) VIRTUAL;
CREATE INDEX jobs_duration_created ON jobs (duration_sort_ms, created_at_ms, job_id);

-- The first dataset's DID (jobs on this console have one), to find a renamed asset's jobs.
ALTER TABLE jobs ADD COLUMN dataset_did TEXT GENERATED ALWAYS AS (
  json_extract(record_json, '$.datasets[0].did')
) VIRTUAL;
CREATE INDEX jobs_dataset_did ON jobs (dataset_did);

-- The dataset's name, lowercased (case-insensitive order), while this console knows the asset;
-- else its DID. Kept by triggers: set when the job is stored, and again when the asset is added
-- or renamed (the chain indexer may find an asset after its jobs).
ALTER TABLE jobs ADD COLUMN asset_sort TEXT NOT NULL DEFAULT '';
CREATE INDEX jobs_asset_created ON jobs (asset_sort, created_at_ms, job_id);

CREATE TRIGGER jobs_asset_sort_insert AFTER INSERT ON jobs BEGIN
  UPDATE jobs SET asset_sort = coalesce(
    (SELECT lower(json_extract(a.ddo_json, '$.metadata.name')) FROM assets a WHERE a.did = new.dataset_did),
    lower(new.dataset_did), '')
  WHERE rowid = new.rowid;
END;
CREATE TRIGGER jobs_asset_sort_asset_insert AFTER INSERT ON assets BEGIN
  UPDATE jobs SET asset_sort = coalesce(lower(json_extract(new.ddo_json, '$.metadata.name')), lower(new.did))
  WHERE dataset_did = new.did;
END;
CREATE TRIGGER jobs_asset_sort_asset_update AFTER UPDATE OF ddo_json ON assets BEGIN
  UPDATE jobs SET asset_sort = coalesce(lower(json_extract(new.ddo_json, '$.metadata.name')), lower(new.did))
  WHERE dataset_did = new.did;
END;
CREATE TRIGGER jobs_asset_sort_asset_delete AFTER DELETE ON assets BEGIN
  UPDATE jobs SET asset_sort = lower(old.did) WHERE dataset_did = old.did;
END;

UPDATE jobs SET asset_sort = coalesce(
  (SELECT lower(json_extract(a.ddo_json, '$.metadata.name')) FROM assets a WHERE a.did = jobs.dataset_did),
  lower(jobs.dataset_did), '');
