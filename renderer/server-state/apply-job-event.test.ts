import { describe, it, expect } from 'vitest'
import type { JobSummary } from '../../engine/console-api/contract'
import {
  applyJobEvent,
  applyJobEventToCounts,
  applyJobEventToDetail,
  applyJobEventToPages,
  markStopRequested,
  newerJobDetail,
  type JobList,
} from './apply-job-event'
import { makeJob } from '../test-support/fake-console-service'

const noCounts = { all: 0, running: 0, queued: 0, succeeded: 0, failed: 0, stopped: 0, expired: 0 }
const list = (jobs: JobSummary[], seq: number): JobList => ({
  jobs,
  total: jobs.length,
  seq,
  counts: noCounts,
  nextCursor: null,
})

describe('applyJobEvent', () => {
  it('replaces a job in place on a newer seq', () => {
    const before = list([makeJob('a', 1), makeJob('b', 40)], 5)
    const after = applyJobEvent(before, { seq: 6, job: makeJob('a', 0), from: 1, to: 0, cause: 'dequeued' })
    expect(after.jobs.map((j) => [j.jobId, j.status])).toEqual([
      ['a', 0],
      ['b', 40],
    ])
    expect(after.seq).toBe(6)
  })

  it('ignores an event at or below the cached seq (no going backwards)', () => {
    const before = list([makeJob('a', 70)], 9)
    expect(applyJobEvent(before, { seq: 8, job: makeJob('a', 40), from: 30, to: 40, cause: 'late' })).toBe(
      before,
    )
    expect(applyJobEvent(before, { seq: 9, job: makeJob('a', 40), from: 30, to: 40, cause: 'dup' })).toBe(
      before,
    )
  })

  it('prepends a new job that matches the filter and counts it', () => {
    const after = applyJobEvent(list([makeJob('a', 1)], 1), {
      seq: 2,
      job: makeJob('n', 1),
      from: null,
      to: 1,
      cause: 'registered',
    })
    expect(after.jobs.map((j) => j.jobId)).toEqual(['n', 'a'])
    expect(after.total).toBe(2)
  })

  it('drops a job that leaves the filtered set', () => {
    const after = applyJobEvent(
      list([makeJob('a', 40)], 1),
      { seq: 2, job: makeJob('a', 60), from: 40, to: 60, cause: 'exited' },
      { statuses: [40] },
    )
    expect(after.jobs).toEqual([])
    expect(after.total).toBe(0)
  })

  it('applies a sequence out of order to the same end state as in order', () => {
    const events = [1, 0, 20, 30, 40, 60, 70].map((to, i) => ({
      seq: 10 + i,
      job: makeJob('a', to as never),
      from: null,
      to: to as never,
      cause: 'x',
    }))
    const inOrder = events.reduce((l, e) => applyJobEvent(l, e), list([makeJob('a', 1)], 9))
    const shuffled = [events[6]!, ...events.slice(0, 6)].reduce(
      (l, e) => applyJobEvent(l, e),
      list([makeJob('a', 1)], 9),
    )
    expect(shuffled.jobs[0]!.status).toBe(70)
    expect(inOrder.jobs[0]!.status).toBe(70)
  })
})

describe('applyJobEventToDetail', () => {
  it('appends to the stage timeline once per seq', () => {
    const detail = {
      job: makeJob('a', 1),
      events: [{ seq: 1, from: null, to: 1 as const, cause: 'registered', atMs: 1 }],
    }
    const event = { seq: 2, job: makeJob('a', 0), from: 1 as const, to: 0 as const, cause: 'dequeued' }
    const once = applyJobEventToDetail(detail, event)
    expect(once.events.map((e) => e.to)).toEqual([1, 0])
    expect(applyJobEventToDetail(once, event)).toBe(once)
    expect(applyJobEventToDetail(detail, { ...event, job: makeJob('other', 0) })).toBe(detail)
  })
})

describe('newerJobDetail and markStopRequested (one source for a job on every screen)', () => {
  const detail = (status: JobSummary['status'], seqs: number[], stopRequested = false) => ({
    job: { ...makeJob('j', status), stopRequested },
    events: seqs.map((seq) => ({ seq, from: null, to: status, cause: 'c', atMs: seq })),
  })

  it('keeps the cache when a late fetch has seen fewer transitions', () => {
    const cached = detail(70, [1, 2, 3])
    expect(newerJobDetail(cached, detail(40, [1, 2]))).toBe(cached)
  })

  it('takes the fetch when it has seen as many or more', () => {
    const fetched = detail(70, [1, 2, 3])
    expect(newerJobDetail(detail(40, [1, 2]), fetched)).toBe(fetched)
    expect(newerJobDetail(undefined, fetched)).toBe(fetched)
  })

  it('never marks a finished job as stopping', () => {
    const finished = detail(70, [1])
    expect(markStopRequested(finished)).toBe(finished)
    expect(markStopRequested(detail(40, [1])).job.stopRequested).toBe(true)
  })
})

describe('the Jobs list pages and counts', () => {
  const counts = { all: 3, running: 1, queued: 1, succeeded: 1, failed: 0, stopped: 0, expired: 0 }
  const page = (jobs: JobSummary[], seq: number, over: Partial<JobList> = {}): JobList => ({
    ...list(jobs, seq),
    counts,
    ...over,
  })

  it('moves a finished job from running to its outcome, and a new job into queued', () => {
    const failed = { ...makeJob('r', 70), outcome: { kind: 'failed' as const } }
    expect(applyJobEventToCounts(counts, { seq: 1, job: failed, from: 71, to: 70, cause: 'done' })).toEqual({
      ...counts,
      running: 0,
      failed: 1,
    })
    expect(
      applyJobEventToCounts(counts, { seq: 1, job: makeJob('n', 1), from: null, to: 1, cause: 'new' }),
    ).toEqual({ ...counts, all: 4, queued: 2 })
    // Outside the list's search: nothing moves.
    expect(
      applyJobEventToCounts(counts, { seq: 1, job: failed, from: 71, to: 70, cause: 'done' }, 'zzz'),
    ).toBe(counts)
  })

  it('under a non-default sort, counts a new job but leaves its place to the next fetch', () => {
    const data = { pages: [page([makeJob('a', 40)], 10, { total: 1 })], pageParams: [null] }
    const event = { seq: 11, job: makeJob('n', 1), from: null, to: 1 as const, cause: 'created' }
    const byStatus = applyJobEventToPages(data, event, { sort: { column: 'status', direction: 'asc' } })
    expect(byStatus.pages[0]!.jobs.map((j) => j.jobId)).toEqual(['a'])
    expect(byStatus.pages[0]!.total).toBe(2)
    const byDefault = applyJobEventToPages(data, event, { sort: { column: 'created', direction: 'desc' } })
    expect(byDefault.pages[0]!.jobs.map((j) => j.jobId)).toEqual(['n', 'a'])
  })

  it('replaces a job in the page that holds it, drops it when it leaves the filter, adds new ones on top', () => {
    const data = {
      pages: [page([makeJob('a', 40), makeJob('b', 40)], 10, { total: 4 }), page([makeJob('c', 40)], 10)],
      pageParams: [null, '1:b'],
    }
    const running = { statuses: [0, 10, 12, 20, 30, 40, 50, 60, 71] as JobSummary['status'][] }
    const moved = applyJobEventToPages(
      data,
      { seq: 11, job: makeJob('c', 60), from: 40, to: 60, cause: 'publishing' },
      running,
    )
    expect(moved.pages[1]!.jobs[0]!.status).toBe(60)
    const left = applyJobEventToPages(
      moved,
      { seq: 12, job: makeJob('a', 70), from: 71, to: 70, cause: 'done' },
      running,
    )
    expect(left.pages[0]!.jobs.map((j) => j.jobId)).toEqual(['b'])
    expect(left.pages[0]!.total).toBe(3)
    expect(left.pages[0]!.counts.succeeded).toBe(2)
    const added = applyJobEventToPages(
      left,
      { seq: 13, job: makeJob('d', 0), from: 1, to: 0, cause: 'dequeued' },
      running,
    )
    expect(added.pages[0]!.jobs.map((j) => j.jobId)).toEqual(['d', 'b'])
    // Stale: at or below the first page's seq.
    expect(
      applyJobEventToPages(added, { seq: 13, job: makeJob('d', 40), from: 0, to: 40, cause: 'dup' }, running),
    ).toBe(added)
  })

  it('an outcome filter takes only finished jobs that ended that way', () => {
    const data = { pages: [page([], 1)], pageParams: [null] }
    const failed = { ...makeJob('f', 70), outcome: { kind: 'failed' as const } }
    const ok = makeJob('s', 70)
    const withFailed = applyJobEventToPages(
      data,
      { seq: 2, job: failed, from: 71, to: 70, cause: 'done' },
      { outcome: 'failed' },
    )
    expect(withFailed.pages[0]!.jobs.map((j) => j.jobId)).toEqual(['f'])
    expect(
      applyJobEventToPages(
        withFailed,
        { seq: 3, job: ok, from: 71, to: 70, cause: 'done' },
        { outcome: 'failed' },
      ).pages[0]!.jobs,
    ).toHaveLength(1)
  })
})
