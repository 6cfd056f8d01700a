import { describe, it, expect } from 'vitest'
import type { JobSummary } from '../../engine/console-api/contract'
import {
  applyJobEvent,
  applyJobEventToDetail,
  markStopRequested,
  newerJobDetail,
  type JobList,
} from './apply-job-event'
import { makeJob } from '../test-support/fake-console-service'

const list = (jobs: JobSummary[], seq: number): JobList => ({ jobs, total: jobs.length, seq })

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
