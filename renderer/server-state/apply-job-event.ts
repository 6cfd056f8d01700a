/**
 * Pure reducers applying a live job change to cached server state (Headlamp's applyUpdate), ordered
 * by our own monotonic `seq`: an event at or below what the cache already reflects is ignored, so a
 * late or duplicated event can never move a job backwards.
 */
import type {
  JobChangeEvent,
  JobFilterInput,
  JobSummary,
  MethodOutput,
} from '../../engine/console-api/contract'

export type JobList = MethodOutput<'listJobs'>
export type JobDetail = MethodOutput<'getJob'>

export function jobMatchesFilter(job: JobSummary, filters: JobFilterInput): boolean {
  if (filters.statuses && filters.statuses.length > 0 && !filters.statuses.includes(job.status)) return false
  if (filters.owner && job.owner.toLowerCase() !== filters.owner.toLowerCase()) return false
  if (filters.environmentId && job.environmentId !== filters.environmentId) return false
  if (filters.did && !job.datasets.some((d) => d.did === filters.did) && job.algorithm.did !== filters.did)
    return false
  return true
}

export function applyJobEvent(list: JobList, event: JobChangeEvent, filters: JobFilterInput = {}): JobList {
  if (event.seq <= list.seq) return list
  const index = list.jobs.findIndex((j) => j.jobId === event.job.jobId)
  const matches = jobMatchesFilter(event.job, filters)
  let jobs = list.jobs
  let total = list.total
  if (index >= 0 && matches) jobs = jobs.map((j, i) => (i === index ? event.job : j))
  else if (index >= 0) {
    jobs = jobs.filter((_, i) => i !== index)
    total -= 1
  } else if (matches && event.from === null) {
    // A new job: newest first, as the list is ordered.
    jobs = [event.job, ...jobs]
    total += 1
  } else if (matches) {
    // A known job entering this filter (e.g. 1 → 0 under "running"): show it.
    jobs = [event.job, ...jobs]
    total += 1
  }
  return { jobs, total, seq: event.seq }
}

export function applyJobEventToDetail(detail: JobDetail, event: JobChangeEvent): JobDetail {
  if (detail.job.jobId !== event.job.jobId) return detail
  const lastSeq = detail.events.reduce((max, e) => Math.max(max, e.seq), 0)
  if (event.seq <= lastSeq) return detail
  return {
    job: event.job,
    events: [
      ...detail.events,
      { seq: event.seq, from: event.from, to: event.to, cause: event.cause, atMs: event.job.updatedAtMs },
    ],
  }
}

function lastEventSeq(detail: JobDetail): number {
  return detail.events.reduce((max, e) => Math.max(max, e.seq), 0)
}

/**
 * Of two answers for the same job, the one that has seen more transitions. A fetch answered before
 * a live event landed must not overwrite the cache the event already moved on (the job page's stale
 * status: the timeline said "finished" while the badge kept the fetched "running").
 */
export function newerJobDetail(cached: JobDetail | undefined, fetched: JobDetail): JobDetail {
  if (!cached || cached.job.jobId !== fetched.job.jobId) return fetched
  return lastEventSeq(cached) > lastEventSeq(fetched) ? cached : fetched
}

/** A Stop was accepted: mark it on the cached job, unless the job has already finished. */
export function markStopRequested(detail: JobDetail): JobDetail {
  if (detail.job.status === 70 || detail.job.stopRequested) return detail
  return { ...detail, job: { ...detail.job, stopRequested: true } }
}
