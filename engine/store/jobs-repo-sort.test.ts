// The Jobs list sorted by duration and by asset name (009-job-sort.sql): every sort key, both
// directions, paged by keyset cursors built from `sortValue`, gives the same order as sorting all
// jobs at once, with no job repeated or skipped; at 100k jobs each walks its own index.
import { describe, expect, it } from 'vitest'
import { openDatabase } from './database'
import { JobsRepo, type JobsAfter, type JobsQuery, type JobsSort, type StoredJob } from './jobs-repo'

const did = (n: number) => `did:op:${n.toString(16).padStart(64, '0')}`
/** Asset names of dids 0..3 (mixed case: the order ignores case); dids 4.. are unknown to the console. */
const NAMES = ['beta data', 'Alpha set', 'gamma: 2024', 'alpha set']

function stored(i: number): StoredJob {
  const jobId = `job-${String(i).padStart(6, '0')}`
  const finished = i % 7 !== 0
  const createdAtMs = 1_000_000 + Math.floor(i / 3) // ties on created: the job id breaks them
  const algoStartMs = i % 5 === 0 ? null : createdAtMs + 10
  const finishedAtMs = finished ? createdAtMs + 100 + ((i * 37) % 50) : null
  return {
    jobId,
    owner: `0x${(i % 13).toString(16).padStart(40, '0')}`,
    environmentId: 'env-a',
    status: finished ? 70 : 40,
    outcomeKind: finished ? 'succeeded' : null,
    isFree: true,
    agreementId: '',
    createdAtMs,
    updatedAtMs: createdAtMs,
    finishedAtMs,
    record: {
      jobId,
      datasets: [{ did: did(i % 6) }],
      algorithm: { did: did(99) },
      algoStartMs,
      // Some runs stopped before the job ended (results upload after): the run is the duration.
      algoStopMs: algoStartMs !== null && finishedAtMs !== null && i % 2 ? finishedAtMs - 20 : null,
    },
  }
}

function expectedDuration(job: StoredJob): number {
  const r = job.record as { algoStartMs: number | null; algoStopMs: number | null }
  if (job.finishedAtMs === null) return -1
  if (r.algoStartMs !== null) return (r.algoStopMs ?? job.finishedAtMs) - r.algoStartMs
  return job.finishedAtMs - job.createdAtMs
}

function open(jobCount: number) {
  const db = openDatabase({ file: ':memory:' })
  const repo = new JobsRepo(db)
  const insertAsset = db.prepare(
    `INSERT INTO assets (did, kind, chain_id, nft_address, datatoken_address, ddo_json, files_json, created_at_ms, updated_at_ms)
     VALUES (?, 'dataset', 8996, '0x', '0x', ?, '[]', 0, 0)`,
  )
  // Two assets before their jobs, two after (the chain indexer finds them later).
  insertAsset.run(did(0), JSON.stringify({ metadata: { name: NAMES[0] } }))
  insertAsset.run(did(1), JSON.stringify({ metadata: { name: NAMES[1] } }))
  const jobs: StoredJob[] = []
  repo.inTransaction(() => {
    for (let i = 0; i < jobCount; i++) {
      const job = stored(i)
      jobs.push(job)
      repo.insert(job)
    }
  })
  insertAsset.run(did(2), JSON.stringify({ metadata: { name: NAMES[2] } }))
  insertAsset.run(did(3), JSON.stringify({ metadata: { name: NAMES[3] } }))
  return { db, repo, jobs }
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0)

describe('JobsRepo sorted by duration and by asset name', () => {
  const { db, repo, jobs } = open(600)
  const assetSort = (job: StoredJob) => {
    const n = Number.parseInt(
      (job.record as { datasets: Array<{ did: string }> }).datasets[0]!.did.slice(8),
      16,
    )
    return n < NAMES.length ? NAMES[n]!.toLowerCase() : did(n)
  }
  const leadOf: Record<JobsSort, (j: StoredJob) => string | number> = {
    created: () => 0,
    status: (j) => j.status,
    duration: expectedDuration,
    assetName: assetSort,
  }
  const expectedOrder = (sort: JobsSort, order: 'newest' | 'oldest', from: StoredJob[] = jobs) =>
    [...from]
      .sort((a, b) => {
        const asc =
          cmp(leadOf[sort](a), leadOf[sort](b)) || a.createdAtMs - b.createdAtMs || cmp(a.jobId, b.jobId)
        return order === 'oldest' ? asc : -asc
      })
      .map((j) => j.jobId)

  /** Every page of `query`, each asked after the last job of the one before (as the console does). */
  const allPages = (query: JobsQuery, pageSize: number) => {
    const ids: string[] = []
    let after: JobsAfter | undefined
    for (let pages = 0; pages < 1000; pages++) {
      const page = repo.listIds({ ...query, after, limit: pageSize })
      ids.push(...page)
      if (page.length < pageSize) return { ids, pages: pages + 1 }
      const last = jobs.find((j) => j.jobId === page.at(-1))!
      after = { createdAtMs: last.createdAtMs, jobId: last.jobId }
      if (query.sort === 'status') after.status = last.status
      if (query.sort === 'duration') after.durationSortMs = repo.sortValue(last.jobId, 'duration') as number
      if (query.sort === 'assetName') after.assetSort = repo.sortValue(last.jobId, 'assetName') as string
    }
    throw new Error('paging did not end')
  }

  it('knows each job duration as the job page shows it, -1 while not finished', () => {
    for (const job of jobs)
      expect(repo.sortValue(job.jobId, 'duration'), job.jobId).toBe(expectedDuration(job))
  })

  it("knows each job's asset name, lowercased, also for assets added after the job, else the DID", () => {
    for (const job of jobs) expect(repo.sortValue(job.jobId, 'assetName'), job.jobId).toBe(assetSort(job))
    expect(repo.sortValue('job-000000', 'assetName')).toBe('beta data')
    expect(repo.sortValue('job-000004', 'assetName')).toBe(did(4))
  })

  for (const sort of ['duration', 'assetName', 'status', 'created'] as const)
    for (const order of ['newest', 'oldest'] as const)
      it(`pages by ${sort}, ${order} first, by cursor: every job once, in order`, () => {
        const { ids, pages } = allPages({ sort, order }, 47)
        expect(pages).toBeGreaterThan(10)
        expect(ids).toEqual(expectedOrder(sort, order))
        expect(repo.listIds({ sort, order })).toEqual(ids)
      })

  it('pages a filtered list (finished jobs) by duration and asset name the same way', () => {
    const finished = jobs.filter((j) => j.status === 70)
    for (const sort of ['duration', 'assetName'] as const)
      expect(allPages({ sort, order: 'oldest', statuses: [70] }, 31).ids).toEqual(
        expectedOrder(sort, 'oldest', finished),
      )
  })

  it('follows a rename of the asset, and falls back to the DID when the asset is removed', () => {
    const local = open(12)
    const update = local.db.prepare(`UPDATE assets SET ddo_json = ? WHERE did = ?`)
    update.run(JSON.stringify({ metadata: { name: 'Zeta' } }), did(1))
    expect(local.repo.sortValue('job-000001', 'assetName')).toBe('zeta')
    expect(local.repo.sortValue('job-000007', 'assetName')).toBe('zeta')
    local.db.prepare(`DELETE FROM assets WHERE did = ?`).run(did(1))
    expect(local.repo.sortValue('job-000001', 'assetName')).toBe(did(1))
  })

  it('refuses a keyset page without the sort value it needs', () => {
    expect(() => repo.listIds({ sort: 'duration', after: { createdAtMs: 1, jobId: 'job-000001' } })).toThrow(
      /durationSortMs/,
    )
    expect(() => repo.listIds({ sort: 'assetName', after: { createdAtMs: 1, jobId: 'job-000001' } })).toThrow(
      /assetSort/,
    )
    void db
  })
})

describe('JobsRepo duration and asset-name sorts at 100k jobs', () => {
  const { db, repo } = open(100_000)
  const plan = (query: JobsQuery) => {
    const { sql, params } = repo.listIdsSql(query)
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join(' | ')
  }

  it('walks jobs_duration_created and jobs_asset_created, both ways, never sorting the table', () => {
    for (const [sort, index, after] of [
      ['duration', 'jobs_duration_created', { durationSortMs: 120 }],
      ['assetName', 'jobs_asset_created', { assetSort: 'beta data' }],
    ] as const)
      for (const order of ['newest', 'oldest'] as const) {
        for (const query of [
          { sort, order, limit: 200 },
          { sort, order, limit: 200, after: { createdAtMs: 1_010_000, jobId: 'job-030000', ...after } },
        ]) {
          const p = plan(query)
          expect(p, `${sort} ${order}`).toContain(index)
          expect(p, `${sort} ${order}`).not.toMatch(/TEMP B-TREE/)
        }
      }
  })
})
