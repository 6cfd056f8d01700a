/**
 * Pure reducers applying a live job change to cached server state (Headlamp's applyUpdate), ordered
 * by our own monotonic `seq`: an event at or below what the cache already reflects is ignored, so a
 * late or duplicated event can never move a job backwards.
 */
import type {
  JobChangeEvent,
  JobCounts,
  JobFilterInput,
  JobStatus,
  JobSummary,
  MethodOutput,
} from '../../engine/console-api/contract'

export type JobList = MethodOutput<'listJobs'>
/** react-query's infinite data over listJobs pages (cursor = the previous page's nextCursor). */
export interface JobPages {
  pages: JobList[]
  pageParams: Array<string | null>
}
export type JobDetail = MethodOutput<'getJob'>

/** Substring search as the server does it (asset names excepted: those resolve on the next fetch). */
export function jobMatchesSearch(job: JobSummary, search: string | undefined): boolean {
  const needle = search?.trim().toLowerCase()
  if (!needle) return true
  return [job.jobId, job.owner, job.algorithm.did ?? '', ...job.datasets.map((d) => d.did)].some((v) =>
    v.toLowerCase().includes(needle),
  )
}

export function jobMatchesFilter(job: JobSummary, filters: JobFilterInput): boolean {
  const statuses = filters.statuses ?? (filters.outcome ? [70] : undefined)
  if (statuses && statuses.length > 0 && !statuses.includes(job.status)) return false
  if (filters.outcome && job.outcome?.kind !== filters.outcome) return false
  if (!jobMatchesSearch(job, filters.search)) return false
  if (filters.owner && job.owner.toLowerCase() !== filters.owner.toLowerCase()) return false
  if (filters.environmentId && job.environmentId !== filters.environmentId) return false
  if (filters.did && !job.datasets.some((d) => d.did === filters.did) && job.algorithm.did !== filters.did)
    return false
  return true
}

type CountBucket = Exclude<keyof JobCounts, 'all'>
const RUNNING_STATUSES: readonly JobStatus[] = [0, 10, 12, 20, 30, 40, 50, 60, 71]

/** The list filter a job is counted under; 70 is terminal, so a `from` status needs no outcome. */
export function countBucket(status: JobStatus, outcome: JobSummary['outcome']): CountBucket {
  if (status === 1) return 'queued'
  if (RUNNING_STATUSES.includes(status)) return 'running'
  return outcome?.kind ?? 'succeeded'
}

/** Moves one job between count buckets (or adds a new one) when it matches the list's search. */
export function applyJobEventToCounts(counts: JobCounts, event: JobChangeEvent, search?: string): JobCounts {
  if (!jobMatchesSearch(event.job, search)) return counts
  const to = countBucket(event.to, event.job.outcome)
  if (event.from === null) return { ...counts, all: counts.all + 1, [to]: counts[to] + 1 }
  const from = countBucket(event.from, null)
  if (from === to) return counts
  return { ...counts, [from]: Math.max(0, counts[from] - 1), [to]: counts[to] + 1 }
}

/**
 * The Jobs list's pages (react-query infinite data): a job is replaced in whichever page holds it,
 * removed when it leaves the filter, and a new or newly matching job goes on top of the first page.
 * Counts and total live on the first page.
 */
export function applyJobEventToPages(
  data: JobPages,
  event: JobChangeEvent,
  filters: JobFilterInput = {},
): JobPages {
  const first = data.pages[0]
  if (!first || event.seq <= first.seq) return data
  const matches = jobMatchesFilter(event.job, filters)
  const holder = data.pages.findIndex((p) => p.jobs.some((j) => j.jobId === event.job.jobId))
  let totalDelta = 0
  const pages = data.pages.map((page, i) => {
    // A later page fetched after this event already reflects it.
    if (i > 0 && event.seq <= page.seq) return page
    let jobs = page.jobs
    if (i === holder) {
      jobs = matches
        ? jobs.map((j) => (j.jobId === event.job.jobId ? event.job : j))
        : jobs.filter((j) => j.jobId !== event.job.jobId)
      if (!matches) totalDelta = -1
    } else if (i === 0 && holder < 0 && matches) {
      // A new job is the newest: it heads the default order only; under another sort its place is
      // unknown here, so it is counted and shows on the next fetch.
      if (!filters.sort || (filters.sort.column === 'created' && filters.sort.direction === 'desc'))
        jobs = [event.job, ...jobs]
      totalDelta = 1
    }
    return { ...page, jobs, seq: Math.max(page.seq, event.seq) }
  })
  pages[0] = {
    ...pages[0]!,
    total: Math.max(0, pages[0]!.total + totalDelta),
    counts: applyJobEventToCounts(first.counts, event, filters.search),
  }
  return { ...data, pages }
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
  return {
    ...list,
    jobs,
    total,
    seq: event.seq,
    counts: list.counts ? applyJobEventToCounts(list.counts, event, filters.search) : list.counts,
  }
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
