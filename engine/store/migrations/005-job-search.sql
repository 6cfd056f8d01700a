-- The Jobs list at 100k jobs: keyset pages newest first, outcome filters and counts from indexes,
-- and substring search over job id, consumer and DIDs through an FTS5 trigram index (a LIKE
-- '%x%' on the jobs table would read every row).
CREATE INDEX jobs_created ON jobs (created_at_ms, job_id);
-- Finished jobs by outcome (the console asks status = 70 AND outcome_kind = ?): pages and counts.
CREATE INDEX jobs_status_outcome_created ON jobs (status, outcome_kind, created_at_ms, job_id);
CREATE INDEX jobs_status_created ON jobs (status, created_at_ms, job_id);

-- One row per job (rowid = jobs.rowid): the words a publisher searches for. Owners and DIDs never
-- change after the job is registered, so insert and delete are the only triggers needed.
CREATE VIRTUAL TABLE jobs_search USING fts5 (text, tokenize = 'trigram');

CREATE TRIGGER jobs_search_insert AFTER INSERT ON jobs BEGIN
  INSERT INTO jobs_search (rowid, text) VALUES (
    new.rowid,
    new.job_id || ' ' || new.owner_lc || ' ' || coalesce(json_extract(new.record_json, '$.algorithm.did'), '')
      || ' ' || coalesce((SELECT group_concat(json_extract(d.value, '$.did'), ' ')
                          FROM json_each(new.record_json, '$.datasets') d), '')
  );
END;
CREATE TRIGGER jobs_search_delete AFTER DELETE ON jobs BEGIN
  DELETE FROM jobs_search WHERE rowid = old.rowid;
END;

INSERT INTO jobs_search (rowid, text)
  SELECT rowid,
         job_id || ' ' || owner_lc || ' ' || coalesce(json_extract(record_json, '$.algorithm.did'), '')
           || ' ' || coalesce((SELECT group_concat(json_extract(d.value, '$.did'), ' ')
                               FROM json_each(record_json, '$.datasets') d), '')
  FROM jobs;
