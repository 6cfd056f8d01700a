-- The Jobs list's status counts at 100k jobs: one row per (status, outcome) kept by triggers, so the
-- counts the list answers beside its first page (All, Running, Succeeded, …) are a few row reads
-- instead of walking ~80,000 index entries for "Succeeded" on every first page and Overview.
-- jobs_repo.count reads it only for filters of status and outcome alone; anything else counts rows.
CREATE TABLE job_counts (
  status INTEGER NOT NULL,
  outcome_kind TEXT NOT NULL, -- '' for no outcome (NULL cannot be part of the key)
  n INTEGER NOT NULL,
  PRIMARY KEY (status, outcome_kind)
) WITHOUT ROWID;

CREATE TRIGGER job_counts_insert AFTER INSERT ON jobs BEGIN
  INSERT INTO job_counts (status, outcome_kind, n) VALUES (new.status, coalesce(new.outcome_kind, ''), 1)
    ON CONFLICT (status, outcome_kind) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER job_counts_delete AFTER DELETE ON jobs BEGIN
  UPDATE job_counts SET n = n - 1 WHERE status = old.status AND outcome_kind = coalesce(old.outcome_kind, '');
END;
CREATE TRIGGER job_counts_update AFTER UPDATE OF status, outcome_kind ON jobs
  WHEN old.status IS NOT new.status OR old.outcome_kind IS NOT new.outcome_kind BEGIN
  UPDATE job_counts SET n = n - 1 WHERE status = old.status AND outcome_kind = coalesce(old.outcome_kind, '');
  INSERT INTO job_counts (status, outcome_kind, n) VALUES (new.status, coalesce(new.outcome_kind, ''), 1)
    ON CONFLICT (status, outcome_kind) DO UPDATE SET n = n + 1;
END;

INSERT INTO job_counts (status, outcome_kind, n)
  SELECT status, coalesce(outcome_kind, ''), COUNT(*) FROM jobs GROUP BY status, coalesce(outcome_kind, '');
