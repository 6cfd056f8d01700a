import { describe, expect, it } from 'vitest'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_MIGRATIONS_DIR, openDatabase } from './database'
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

  it('answers status and outcome counts from job_counts, kept equal to the rows through insert, update and delete', () => {
    const fresh = new JobsRepo(openDatabase({ file: ':memory:' }))
    const rowCount = (where: string) =>
      (fresh['db'].prepare(`SELECT COUNT(*) AS n FROM jobs WHERE ${where}`).get() as { n: number }).n
    const agree = () => {
      expect(fresh.count({})).toBe(rowCount('1'))
      expect(fresh.count({ statuses: [40] })).toBe(rowCount('status = 40'))
      expect(fresh.count({ statuses: [40, 70] })).toBe(rowCount('status IN (40, 70)'))
      for (const outcome of ['succeeded', 'failed'])
        expect(fresh.count({ statuses: [70], outcome })).toBe(
          rowCount(`status = 70 AND outcome_kind = '${outcome}'`),
        )
    }
    for (let i = 0; i < 30; i++) fresh.insert(stored(i))
    agree()
    expect(fresh.count({ statuses: [40] })).toBe(10)
    // Jobs finish (40 → 70 succeeded / failed), one is re-written without a change, two are removed.
    for (let i = 0; i < 30; i += 3)
      fresh.update(stored(i, { status: 70, outcomeKind: i % 2 ? 'failed' : 'succeeded', updatedAtMs: 9 }))
    fresh.update(stored(1, { updatedAtMs: 10 }))
    fresh.remove('job-00003')
    fresh.remove('job-00004')
    agree()
    expect(fresh.count({ statuses: [40] })).toBe(0)
    expect(fresh.count({ statuses: [70], outcome: 'failed' })).toBe(4)
    expect(fresh['db'].prepare('SELECT SUM(n) AS n FROM job_counts').get()).toEqual({ n: 28 })
  })

  it('fills job_counts from the jobs already stored when 010-job-counts.sql runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'job-counts-'))
    const before = join(dir, 'before-009')
    mkdirSync(before)
    for (const f of readdirSync(DEFAULT_MIGRATIONS_DIR).filter((f) => f < '009'))
      copyFileSync(join(DEFAULT_MIGRATIONS_DIR, f), join(before, f))
    const file = join(dir, 'console.db')
    const old = openDatabase({ file, migrationsDir: before })
    const oldRepo = new JobsRepo(old)
    for (let i = 0; i < 12; i++) oldRepo.insert(stored(i, i % 3 ? { outcomeKind: 'succeeded' } : {}))
    old.close()
    const repo = new JobsRepo(openDatabase({ file }))
    expect(repo.count({})).toBe(12)
    expect(repo.count({ statuses: [70], outcome: 'succeeded' })).toBe(8)
    expect(repo.count({ statuses: [40] })).toBe(4)
  })

  it('refuses to update a job that is not stored', () => {
    expect(() => repo.update(stored(30_000))).toThrow(/not in the store/)
  })
})
