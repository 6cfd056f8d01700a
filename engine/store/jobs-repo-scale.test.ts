// The Jobs list with 100,000 jobs: every page query the console sends is answered from an index
// (no full scan of jobs, no sort of the whole table), and keyset pages stay bounded. No clocks:
// the query plan is the assertion.
import { describe, expect, it } from 'vitest'
import { openDatabase } from './database'
import { JobsRepo, type JobsQuery, type StoredJob } from './jobs-repo'

const OUTCOMES = ['succeeded', 'failed', 'stopped', 'expired'] as const
const JOBS = 100_000

function stored(i: number): StoredJob {
  const jobId = `job-${String(i).padStart(6, '0')}`
  const finished = i % 50 !== 0
  return {
    jobId,
    owner: `0x${(i % 977).toString(16).padStart(40, '0')}`,
    environmentId: 'env-a',
    status: finished ? 70 : 40,
    outcomeKind: finished ? OUTCOMES[i % 4]! : null,
    isFree: i % 2 === 0,
    agreementId: '',
    createdAtMs: 1_000_000 + i,
    updatedAtMs: 1_000_000 + i,
    finishedAtMs: finished ? 1_000_000 + i : null,
    record: {
      jobId,
      datasets: [{ did: `did:op:${(i % 313).toString(16).padStart(64, 'a')}` }],
      algorithm: { did: `did:op:${'b'.repeat(64)}` },
    },
  }
}

describe('JobsRepo at 100k jobs', () => {
  const db = openDatabase({ file: ':memory:' })
  const repo = new JobsRepo(db)
  repo.inTransaction(() => {
    for (let i = 0; i < JOBS; i++) repo.insert(stored(i))
  })
  const plan = (query: JobsQuery) => {
    const { sql, params } = repo.listIdsSql(query)
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join(' | ')
  }
  const countPlan = (sql: string) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join(' | ')

  it('pages every outcome and the whole list from an index, newest first, never sorting the table', () => {
    for (const query of [
      { limit: 100 },
      // As the console asks for an outcome: finished jobs (status 70) that ended this way.
      { limit: 100, outcome: 'failed', statuses: [70] },
      {
        limit: 100,
        outcome: 'stopped',
        statuses: [70],
        after: { createdAtMs: 1_050_000, jobId: 'job-050000' },
      },
      { limit: 100, after: { createdAtMs: 1_050_000, jobId: 'job-050000' } },
    ] satisfies JobsQuery[]) {
      const p = plan(query)
      expect(p, JSON.stringify(query)).toMatch(
        /USING (COVERING )?INDEX jobs_(created|status_outcome_created|status_created)\b/,
      )
      expect(p, JSON.stringify(query)).not.toContain('TEMP B-TREE')
    }
    // Running: one index seek per status; the sort covers running jobs only, which the
    // environments' maxJobs keep to a handful.
    expect(plan({ limit: 100, statuses: [0, 10, 12, 20, 30, 40, 50, 60, 71] })).toContain(
      'USING COVERING INDEX jobs_status_created (status=?)',
    )
  })

  it('sorts by created either way and by status either way from an index, keyset pages too', () => {
    for (const query of [
      { limit: 100, order: 'oldest' },
      { limit: 100, order: 'oldest', after: { createdAtMs: 1_050_000, jobId: 'job-050000' } },
      { limit: 100, sort: 'status' },
      { limit: 100, sort: 'status', order: 'oldest' },
      { limit: 100, sort: 'status', after: { status: 70, createdAtMs: 1_050_000, jobId: 'job-050000' } },
      {
        limit: 100,
        sort: 'status',
        order: 'oldest',
        after: { status: 40, createdAtMs: 1_050_000, jobId: 'job-050000' },
      },
    ] satisfies JobsQuery[]) {
      const p = plan(query)
      expect(p, JSON.stringify(query)).toMatch(/USING (COVERING )?INDEX jobs_(created|status_created)\b/)
      expect(p, JSON.stringify(query)).not.toContain('TEMP B-TREE')
    }
    // The status keyset seeks into the index, it does not read it from the start.
    expect(
      plan({
        limit: 100,
        sort: 'status',
        after: { status: 70, createdAtMs: 1_050_000, jobId: 'job-050000' },
      }),
    ).toMatch(/jobs_status_created \(\(status,created_at_ms,job_id\)<\(\?,\?,\?\)\)/)
  })

  it('status-sorted keyset pages walk every job once, status then newest', () => {
    const seen: string[] = []
    let after: JobsQuery['after']
    for (;;) {
      const rows = repo.list({ sort: 'status', limit: 5000, after }) as Array<{ jobId: string }>
      if (rows.length === 0) break
      seen.push(...rows.map((r) => r.jobId))
      const last = stored(Number(rows.at(-1)!.jobId.slice(4)))
      after = { status: last.status, createdAtMs: last.createdAtMs, jobId: last.jobId }
    }
    expect(seen.length).toBe(JOBS)
    expect(new Set(seen).size).toBe(JOBS)
    // Finished (70) before running (40), newest first inside each.
    expect(seen[0]).toBe('job-099999')
    expect(seen[JOBS - JOBS / 50]).toBe('job-099950')
    expect(seen.at(-1)).toBe('job-000000')
  })

  it('refuses a status keyset without a status', () => {
    expect(() => repo.listIds({ sort: 'status', after: { createdAtMs: 1, jobId: 'x' } })).toThrow(/status/)
  })

  it('searches through the trigram index, not a scan of jobs', () => {
    const p = plan({ limit: 100, searchTerms: ['0000003d'] })
    // M: the FTS5 MATCH constraint is answered by the trigram index; jobs rows are then fetched by
    // rowid (the sort that follows covers the matches only).
    expect(p).toMatch(/jobs_search VIRTUAL TABLE INDEX \d+:M/)
    expect(p).toContain('SEARCH jobs USING INTEGER PRIMARY KEY')
  })

  it('keyset pages are bounded and walk the list without gaps or repeats', () => {
    const seen: string[] = []
    let after: JobsQuery['after']
    for (let page = 0; page < 5; page++) {
      const ids = repo.listIds({ outcome: 'failed', limit: 200, after })
      expect(ids.length).toBe(200)
      seen.push(...ids)
      const last = repo.get(ids.at(-1)!) as { jobId: string }
      after = { createdAtMs: 1_000_000 + Number(last.jobId.slice(4)), jobId: last.jobId }
    }
    expect(new Set(seen).size).toBe(1000)
    // Newest first, every 4th job failed (i % 4 === 1), skipping the unfinished ones (i % 50 === 0).
    expect(seen[0]).toBe('job-099997')
    expect(seen[1]).toBe('job-099993')
  })

  it('counts per outcome add up to the store and come from the outcome index', () => {
    const counts = OUTCOMES.map((outcome) => repo.count({ outcome }))
    const unfinished = repo.count({ statuses: [40] })
    expect(counts.reduce((a, b) => a + b, 0) + unfinished).toBe(JOBS)
    expect(unfinished).toBe(JOBS / 50)
    expect(countPlan(`SELECT COUNT(*) FROM jobs WHERE status = 70 AND outcome_kind = 'failed'`)).toMatch(
      /COVERING INDEX jobs_status_outcome_created \(status=\? AND outcome_kind=\?\)/,
    )
  })

  it('finds substrings of job ids, consumers and DIDs, case-insensitively, short terms too', () => {
    expect(repo.count({ searchTerms: ['JOB-09999'] })).toBe(10)
    // the consumer of every job with i % 977 === 0x3d (61), typed in capitals
    expect(repo.count({ searchTerms: [`0X${'3D'.padStart(40, '0')}`] })).toBe(
      Array.from({ length: JOBS }, (_, i) => i).filter((i) => i % 977 === 61).length,
    )
    expect(repo.count({ searchTerms: ['b'.repeat(64)] })).toBe(JOBS)
    expect(repo.count({ searchTerms: ['nothing-like-this'] })).toBe(0)
    expect(repo.count({ searchTerms: ['zz'] })).toBe(0)
    expect(repo.count({ searchTerms: ['99'] })).toBeGreaterThan(0)
    // Either term: a DID that an asset name resolved to, or the typed text.
    expect(repo.count({ searchTerms: ['job-099999', 'job-000000'] })).toBe(2)
    expect(repo.count({ searchTerms: ['job-0999', '%'] })).toBe(100)
    expect(repo.count({ searchTerms: ['"'] })).toBe(0)
  })

  it('keeps the search index in step when a job is removed', () => {
    repo.remove('job-099999')
    expect(repo.count({ searchTerms: ['job-099999'] })).toBe(0)
  })
})
