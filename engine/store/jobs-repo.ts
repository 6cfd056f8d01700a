/**
 * Jobs and their status events in SQLite (`jobs`, `job_events` of 001-initial.sql).
 * The record is opaque JSON to the store: the Operator-Service owns its shape. The columns beside
 * it exist to filter and sort. Prepared statements only; filters hit indexes (10k+ jobs).
 * Imports better-sqlite3 (through database.ts) only.
 */
import type BetterSqlite3 from 'better-sqlite3'
import type { Database } from './database'

/** The indexed columns of a job; `record` is serialised into record_json. */
export interface StoredJob {
  jobId: string
  owner: string
  environmentId: string
  status: number
  outcomeKind: string | null
  isFree: boolean
  agreementId: string
  createdAtMs: number
  updatedAtMs: number
  finishedAtMs: number | null
  record: unknown
}

export interface StoredJobEvent {
  seq: number
  jobId: string
  from: number | null
  to: number
  cause: string
  atMs: number
}

export interface JobsQuery {
  owner?: string
  jobId?: string
  agreementId?: string
  statuses?: readonly number[]
  environmentId?: string
  /** A dataset's or the algorithm's DID. */
  did?: string
  isFree?: boolean
  /** succeeded | failed | stopped | expired (the outcome_kind column). */
  outcome?: string
  /**
   * Substring search (any of the terms, case-insensitive) over job id, consumer, dataset and
   * algorithm DIDs, through the jobs_search trigram index (005-job-search.sql).
   */
  searchTerms?: readonly string[]
  /**
   * Keyset paging: only jobs after this one in the list's order (newest first: older ones). The key
   * is (sort column, createdAtMs, jobId): `status`, `durationSortMs` or `assetSort` is required
   * with that sort (its value from `sortValue` of the last job of the previous page).
   */
  after?: JobsAfter
  /** Default newest first; the queue reads oldest first. */
  order?: 'newest' | 'oldest'
  /**
   * The sort column, then created, then id, all in `order`'s direction, each walking its index:
   * 'created' (default) jobs_created, 'status' jobs_status_created, 'duration' jobs_duration_created
   * (-1 while not finished), 'assetName' jobs_asset_created (lowercased name, else the DID;
   * 009-job-sort.sql).
   */
  sort?: JobsSort
  limit?: number
  offset?: number
}

export type JobsSort = 'created' | 'status' | 'duration' | 'assetName'

export interface JobsAfter {
  createdAtMs: number
  jobId: string
  status?: number
  durationSortMs?: number
  assetSort?: string
}

/** The leading column of each sort, and the `after` field that carries its value. */
const SORT_COLUMN = {
  status: { column: 'status', after: 'status' },
  duration: { column: 'duration_sort_ms', after: 'durationSortMs' },
  assetName: { column: 'asset_sort', after: 'assetSort' },
} as const satisfies Record<Exclude<JobsSort, 'created'>, { column: string; after: keyof JobsAfter }>

function sortKey(query: JobsQuery): { columns: string; orderBy: string } {
  const direction = query.order === 'oldest' ? 'ASC' : 'DESC'
  const lead = query.sort && query.sort !== 'created' ? [SORT_COLUMN[query.sort].column] : []
  const columns = [...lead, 'created_at_ms', 'job_id']
  return { columns: columns.join(', '), orderBy: columns.map((c) => `${c} ${direction}`).join(', ') }
}

interface JobRow {
  record_json: string
}

function whereClause(query: JobsQuery): { sql: string; params: unknown[] } {
  const parts: string[] = []
  const params: unknown[] = []
  if (query.owner !== undefined) {
    parts.push('owner_lc = ?')
    params.push(query.owner.toLowerCase())
  }
  if (query.jobId !== undefined) {
    parts.push('job_id = ?')
    params.push(query.jobId)
  }
  if (query.agreementId !== undefined) {
    parts.push('agreement_id = ?')
    params.push(query.agreementId)
  }
  if (query.environmentId !== undefined) {
    parts.push('environment_id = ?')
    params.push(query.environmentId)
  }
  if (query.statuses !== undefined) {
    if (query.statuses.length === 0) parts.push('0')
    else if (query.statuses.length === 1) {
      // Equality (not IN) so the planner can read (status, created_at_ms) in order without a sort.
      parts.push('status = ?')
      params.push(query.statuses[0])
    } else {
      parts.push(`status IN (${query.statuses.map(() => '?').join(',')})`)
      params.push(...query.statuses)
    }
  }
  if (query.isFree !== undefined) {
    parts.push('is_free = ?')
    params.push(query.isFree ? 1 : 0)
  }
  if (query.outcome !== undefined) {
    parts.push('outcome_kind = ?')
    params.push(query.outcome)
  }
  if (query.searchTerms !== undefined) {
    const terms = query.searchTerms.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0)
    if (terms.length === 0) parts.push('0')
    else if (terms.every((t) => t.length >= 3)) {
      // Trigram phrases match substrings and use the index; quotes are doubled inside a phrase.
      parts.push('rowid IN (SELECT rowid FROM jobs_search WHERE jobs_search MATCH ?)')
      params.push(terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR '))
    } else {
      // Under three characters a trigram index cannot help: LIKE over the search text (a scan).
      parts.push(
        `rowid IN (SELECT rowid FROM jobs_search WHERE ${terms.map(() => "text LIKE ? ESCAPE '\\'").join(' OR ')})`,
      )
      params.push(...terms.map((t) => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`))
    }
  }
  if (query.after !== undefined) {
    const { columns } = sortKey(query)
    const lead = query.sort && query.sort !== 'created' ? SORT_COLUMN[query.sort] : undefined
    const leadValue = lead ? query.after[lead.after] : undefined
    if (lead && leadValue === undefined) throw new Error(`a ${query.sort} sort pages after its ${lead.after}`)
    parts.push(`(${columns}) ${query.order === 'oldest' ? '>' : '<'} (${lead ? '?, ?, ?' : '?, ?'})`)
    params.push(...(lead ? [leadValue] : []), query.after.createdAtMs, query.after.jobId)
  }
  if (query.did !== undefined) {
    parts.push(
      `(json_extract(record_json, '$.algorithm.did') = ? OR EXISTS (SELECT 1 FROM json_each(record_json, '$.datasets') d WHERE json_extract(d.value, '$.did') = ?))`,
    )
    params.push(query.did, query.did)
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params }
}

export class JobsRepo {
  private readonly insertJob
  private readonly updateJob
  private readonly insertEvent
  private readonly selectJob
  private readonly selectEvents
  private readonly deleteJobStmt
  private readonly listCache = new Map<string, BetterSqlite3.Statement<unknown[]>>()

  constructor(private readonly db: Database) {
    this.insertJob = db.prepare(
      `INSERT INTO jobs (job_id, owner, owner_lc, environment_id, status, outcome_kind, is_free, agreement_id, created_at_ms, updated_at_ms, finished_at_ms, record_json)
       VALUES (@jobId, @owner, @ownerLc, @environmentId, @status, @outcomeKind, @isFree, @agreementId, @createdAtMs, @updatedAtMs, @finishedAtMs, @recordJson)`,
    )
    this.updateJob = db.prepare(
      `UPDATE jobs SET status = @status, outcome_kind = @outcomeKind, updated_at_ms = @updatedAtMs, finished_at_ms = @finishedAtMs, record_json = @recordJson
       WHERE job_id = @jobId`,
    )
    this.insertEvent = db.prepare(
      `INSERT INTO job_events (job_id, from_status, to_status, cause, at_ms) VALUES (?, ?, ?, ?, ?)`,
    )
    this.selectJob = db.prepare(`SELECT record_json FROM jobs WHERE job_id = ?`)
    this.selectEvents = db.prepare(
      `SELECT seq, job_id AS jobId, from_status AS "from", to_status AS "to", cause, at_ms AS atMs FROM job_events WHERE job_id = ? ORDER BY seq`,
    )
    this.deleteJobStmt = db.prepare(`DELETE FROM jobs WHERE job_id = ?`)
  }

  /** Runs `fn` in one SQLite transaction (nested calls become savepoints). */
  inTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  insert(job: StoredJob): void {
    this.insertJob.run(this.params(job))
  }

  /** Writes the row; the caller wraps it with `appendEvent` in one transaction. */
  update(job: StoredJob): void {
    const info = this.updateJob.run(this.params(job))
    if (info.changes !== 1) throw new Error(`Job ${job.jobId} is not in the store`)
  }

  appendEvent(jobId: string, from: number | null, to: number, cause: string, atMs: number): number {
    return Number(this.insertEvent.run(jobId, from, to, cause, atMs).lastInsertRowid)
  }

  get(jobId: string): unknown | undefined {
    const row = this.selectJob.get(jobId) as JobRow | undefined
    return row ? JSON.parse(row.record_json) : undefined
  }

  list(query: JobsQuery): unknown[] {
    const { sql, params } = whereClause(query)
    const limit = query.limit ?? -1
    const offset = query.offset ?? 0
    const rows = this.prepared(
      `SELECT record_json FROM jobs ${sql} ORDER BY ${sortKey(query).orderBy} LIMIT ? OFFSET ?`,
    ).all(...params, limit, offset) as JobRow[]
    return rows.map((r) => JSON.parse(r.record_json))
  }

  /** The ids `list` would return, in the same order (callers that keep parsed records use this). */
  listIds(query: JobsQuery): string[] {
    const { sql, params } = this.listIdsSql(query)
    const rows = this.prepared(sql).all(...params) as Array<{ job_id: string }>
    return rows.map((r) => r.job_id)
  }

  /** The SQL and parameters `listIds` runs (for EXPLAIN QUERY PLAN in tests and benchmarks). */
  listIdsSql(query: JobsQuery): { sql: string; params: unknown[] } {
    const { sql, params } = whereClause(query)
    return {
      sql: `SELECT job_id FROM jobs ${sql} ORDER BY ${sortKey(query).orderBy} LIMIT ? OFFSET ?`,
      params: [...params, query.limit ?? -1, query.offset ?? 0],
    }
  }

  /**
   * The job's value in a sort's leading column as the store orders it (the asset's lowercased name
   * or DID, the duration or -1): what a keyset cursor carries. Undefined when the job is not stored.
   */
  sortValue(jobId: string, sort: Exclude<JobsSort, 'created'>): number | string | undefined {
    const row = this.prepared(`SELECT ${SORT_COLUMN[sort].column} AS v FROM jobs WHERE job_id = ?`).get(
      jobId,
    ) as { v: number | string } | undefined
    return row?.v
  }

  count(query: JobsQuery): number {
    const counted = this.countFromTable(query)
    if (counted !== undefined) return counted
    const { sql, params } = whereClause(query)
    return (this.prepared(`SELECT COUNT(*) AS n FROM jobs ${sql}`).get(...params) as { n: number }).n
  }

  /**
   * A count by status and outcome alone, from job_counts (010-job-counts.sql, kept by triggers):
   * the list's bucket counts at 100k jobs without walking the index. Undefined for any other filter.
   */
  private countFromTable(query: JobsQuery): number | undefined {
    const { statuses, outcome, limit: _limit, offset: _offset, order: _order, sort: _sort, ...rest } = query
    if (Object.values(rest).some((v) => v !== undefined)) return undefined
    const parts: string[] = []
    const params: unknown[] = []
    if (statuses !== undefined) {
      if (statuses.length === 0) return 0
      parts.push(`status IN (${statuses.map(() => '?').join(',')})`)
      params.push(...statuses)
    }
    if (outcome !== undefined) {
      parts.push('outcome_kind = ?')
      params.push(outcome)
    }
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : ''
    const row = this.prepared(`SELECT coalesce(SUM(n), 0) AS n FROM job_counts ${where}`).get(...params)
    return (row as { n: number }).n
  }

  events(jobId: string): StoredJobEvent[] {
    return this.selectEvents.all(jobId) as StoredJobEvent[]
  }

  remove(jobId: string): void {
    this.deleteJobStmt.run(jobId)
  }

  private prepared(sql: string) {
    let stmt = this.listCache.get(sql)
    if (!stmt) {
      stmt = this.db.prepare<unknown[]>(sql)
      this.listCache.set(sql, stmt)
    }
    return stmt
  }

  private params(job: StoredJob) {
    return {
      jobId: job.jobId,
      owner: job.owner,
      ownerLc: job.owner.toLowerCase(),
      environmentId: job.environmentId,
      status: job.status,
      outcomeKind: job.outcomeKind,
      isFree: job.isFree ? 1 : 0,
      agreementId: job.agreementId,
      createdAtMs: job.createdAtMs,
      updatedAtMs: job.updatedAtMs,
      finishedAtMs: job.finishedAtMs,
      recordJson: JSON.stringify(job.record),
    }
  }
}
