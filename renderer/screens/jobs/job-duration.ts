import type { JobSummary } from '../../../engine/console-api/contract'

/**
 * How long a job ran, as the job page, the Jobs table and the server's duration sort
 * (engine/store/migrations/009-job-sort.sql) count it: the algorithm's run, else creation to end.
 * A running job's run so far; null before anything ran and while not finished.
 */
export function jobDurationMs(job: JobSummary): number | null {
  if (job.algoStartMs !== null)
    return (job.algoStopMs ?? job.finishedAtMs ?? job.updatedAtMs) - job.algoStartMs
  return job.finishedAtMs !== null ? job.finishedAtMs - job.createdAtMs : null
}
