import { describe, expect, it } from 'vitest'
import { openDatabase } from './database'
import { JobsRepo, type StoredJob } from './jobs-repo'

function stored(i: number, over: Partial<StoredJob> = {}): StoredJob {
  const jobId = `job-${String(i).padStart(5, '0')}`
  return {
    jobId,
    owner:
      i % 100 === 0 ? '0xAbCdEf0000000000000000000000000000000001' : `0x${i.toString(16).padStart(40, '0')}`,
    environmentId: i % 2 ? 'env-a' : 'env-b',
    status: i % 3 ? 70 : 40,
    outcomeKind: null,
    isFree: i % 2 === 0,
    agreementId: `0xagreement${i}`,
    createdAtMs: 1_000 + i,
    updatedAtMs: 1_000 + i,
    finishedAtMs: null,
    record: { jobId, datasets: [{ did: `did:op:${i % 10}` }], algorithm: { did: 'did:op:algo' } },
    ...over,
  }
}

describe('JobsRepo', () => {
  const db = openDatabase({ file: ':memory:' })
  const repo = new JobsRepo(db)
  repo.inTransaction(() => {
    for (let i = 0; i < 10_000; i++) repo.insert(stored(i))
  })

  it('filters owner case-insensitively over 10k jobs, newest first, using the owner index', () => {
    const jobs = repo.list({ owner: '0xabcdef0000000000000000000000000000000001' }) as Array<{
      jobId: string
    }>
    expect(jobs).toHaveLength(100)
    expect(jobs[0]!.jobId).toBe('job-09900')
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT record_json FROM jobs WHERE owner_lc = ? ORDER BY created_at_ms DESC`,
      )
      .all('x')
    expect(JSON.stringify(plan)).toContain('jobs_owner')
  })

  it('filters by status, environment, agreement, job id, did; pages and counts', () => {
    expect(repo.count({ statuses: [40] })).toBe(3334)
    expect(repo.count({ environmentId: 'env-a', statuses: [40] })).toBe(1667)
    expect(repo.count({ agreementId: '0xagreement7' })).toBe(1)
    expect(repo.list({ jobId: 'job-00042' })).toHaveLength(1)
    expect(repo.count({ did: 'did:op:3' })).toBe(1000)
    expect(repo.count({ did: 'did:op:algo' })).toBe(10_000)
    expect(repo.count({ isFree: true })).toBe(5000)
    expect(repo.count({ statuses: [] })).toBe(0)
    const page = repo.list({ environmentId: 'env-b', limit: 10, offset: 5, order: 'oldest' }) as Array<{
      jobId: string
    }>
    expect(page.map((j) => j.jobId)[0]).toBe('job-00010')
    expect(page).toHaveLength(10)
  })

  it('writes events in order with increasing seq and removes them with the job', () => {
    repo.insert(stored(20_000))
    const a = repo.appendEvent('job-20000', null, 1, 'registered', 1)
    const b = repo.appendEvent('job-20000', 1, 0, 'slot free', 2)
    expect(b).toBeGreaterThan(a)
    expect(repo.events('job-20000').map((e) => [e.from, e.to, e.cause])).toEqual([
      [null, 1, 'registered'],
      [1, 0, 'slot free'],
    ])
    repo.remove('job-20000')
    expect(repo.get('job-20000')).toBeUndefined()
    expect(repo.events('job-20000')).toEqual([])
  })

  it('refuses to update a job that is not stored', () => {
    expect(() => repo.update(stored(30_000))).toThrow(/not in the store/)
  })
})
