/**
 * The audit trail (issue 12): an append-only, hash-chained table (migration 002). Every row holds
 * the previous row's hash; `verify()` walks the chain and names the first row that does not match.
 * Callers pass details that are safe to show anyone who holds the database: never a key, password,
 * signature or dataset URL.
 */
import { createHash } from 'node:crypto'
import type { Database } from './database'
import { groupCommit } from './group-commit'

export const AUDIT_GENESIS_HASH = '0'.repeat(64)

/** What the trail records; `as const` + union (style.md §2.7). */
export const AuditEventType = {
  AccessAccepted: 'access.accepted',
  AccessRefused: 'access.refused',
  ApprovalGranted: 'approval.granted',
  ApprovalDenied: 'approval.denied',
  ReviewHeld: 'review.held',
  ReviewReleased: 'review.released',
  ReviewRejected: 'review.rejected',
  ResultDownloaded: 'result.downloaded',
  ConfigChanged: 'config.changed',
  WalletEvent: 'wallet.event',
} as const
export type AuditEventType = (typeof AuditEventType)[keyof typeof AuditEventType]

export interface AuditEventInput {
  type: AuditEventType
  actor?: string | null
  subject?: string | null
  details?: Record<string, unknown>
}
export interface AuditEvent {
  seq: number
  atMs: number
  type: string
  actor: string | null
  subject: string | null
  details: Record<string, unknown>
  prevHash: string
  hash: string
}
export type AuditVerifyResult =
  | { ok: true; rows: number; headHash: string }
  | { ok: false; rows: number; firstBadSeq: number; reason: string }

interface Row {
  seq: number
  at_ms: number
  type: string
  actor: string | null
  subject: string | null
  details_json: string
  prev_hash: string
  hash: string
}

/** Canonical JSON: object keys sorted at every depth, so the hash does not depend on insertion order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/** The hash of one row: sha256 over seq, time, type, actor, subject, details (as stored) and prev hash. */
export function auditRowHash(row: Omit<Row, 'hash'>): string {
  const text = [
    row.seq,
    row.at_ms,
    row.type,
    row.actor ?? '',
    row.subject ?? '',
    row.details_json,
    row.prev_hash,
  ]
    .map((p) => String(p))
    .join('\n')
  return createHash('sha256').update(text).digest('hex')
}

function toEvent(row: Row): AuditEvent {
  return {
    seq: row.seq,
    atMs: row.at_ms,
    type: row.type,
    actor: row.actor,
    subject: row.subject,
    details: JSON.parse(row.details_json) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}

export interface AuditFilter {
  type?: string
  actor?: string
  subject?: string
  afterSeq?: number
  limit?: number
}

export class AuditRepo {
  private readonly headStmt
  private readonly insertStmt

  constructor(private readonly db: Database) {
    this.headStmt = db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1')
    this.insertStmt = db.prepare(
      'INSERT INTO audit_events (seq, at_ms, type, actor, subject, details_json, prev_hash, hash) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
  }

  /** Appends one event in one transaction (head read + insert), so two appends never share a prev hash. */
  append(event: AuditEventInput, nowMs: number): AuditEvent {
    return this.appendMany([{ event, nowMs }])[0]!
  }

  /**
   * Appends events in order in one transaction: one head read, then each row chained to the one
   * before it. The result is the rows `append` would have written one by one.
   */
  appendMany(entries: ReadonlyArray<{ event: AuditEventInput; nowMs: number }>): AuditEvent[] {
    return this.db.transaction(() => {
      let head = this.headStmt.get() as { seq: number; hash: string } | undefined
      const written: AuditEvent[] = []
      for (const { event, nowMs } of entries) {
        const base = {
          seq: (head?.seq ?? 0) + 1,
          at_ms: nowMs,
          type: event.type,
          actor: event.actor?.toLowerCase() ?? null,
          subject: event.subject ?? null,
          details_json: canonicalJson(event.details ?? {}),
          prev_hash: head?.hash ?? AUDIT_GENESIS_HASH,
        }
        const row: Row = { ...base, hash: auditRowHash(base) }
        this.insertStmt.run(
          row.seq,
          row.at_ms,
          row.type,
          row.actor,
          row.subject,
          row.details_json,
          row.prev_hash,
          row.hash,
        )
        head = { seq: row.seq, hash: row.hash }
        written.push(toEvent(row))
      }
      return written
    })()
  }

  head(): { seq: number; hash: string } {
    const head = this.headStmt.get() as { seq: number; hash: string } | undefined
    return head ?? { seq: 0, hash: AUDIT_GENESIS_HASH }
  }

  list(filter: AuditFilter = {}): AuditEvent[] {
    const where: string[] = []
    const args: unknown[] = []
    if (filter.type !== undefined) {
      where.push('type = ?')
      args.push(filter.type)
    }
    if (filter.actor !== undefined) {
      where.push('actor = ?')
      args.push(filter.actor.toLowerCase())
    }
    if (filter.subject !== undefined) {
      where.push('subject = ?')
      args.push(filter.subject)
    }
    if (filter.afterSeq !== undefined) {
      where.push('seq > ?')
      args.push(filter.afterSeq)
    }
    const sql =
      'SELECT * FROM audit_events' +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      ' ORDER BY seq LIMIT ?'
    args.push(filter.limit ?? 1000)
    return (this.db.prepare(sql).all(...args) as Row[]).map(toEvent)
  }

  /**
   * Walks the whole chain in seq order (streamed, constant memory). A row fails when its seq is not
   * the next one (a deleted row), its prev_hash is not the previous row's hash, or its content does
   * not hash to its stored hash (an edited row).
   */
  verify(): AuditVerifyResult {
    let prev = AUDIT_GENESIS_HASH
    let expectedSeq = 1
    let rows = 0
    for (const row of this.db.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as Iterable<Row>) {
      rows++
      if (row.seq !== expectedSeq)
        return { ok: false, rows, firstBadSeq: row.seq, reason: `row ${expectedSeq} is missing` }
      if (row.prev_hash !== prev)
        return { ok: false, rows, firstBadSeq: row.seq, reason: "prev_hash is not the previous row's hash" }
      if (auditRowHash(row) !== row.hash)
        return { ok: false, rows, firstBadSeq: row.seq, reason: 'content does not match its hash' }
      prev = row.hash
      expectedSeq++
    }
    return { ok: true, rows, headHash: prev }
  }
}

/**
 * The audit trail through the database's group commit (group-commit.ts), as NoncesRepo.accept
 * stores nonces: one commit per served result download capped computeResult at one request per
 * fsync, with the event loop blocked meanwhile (bench/provider). `append` resolves once the commit
 * holding its row is on disk; rows are chained in the order recorded.
 */
export class GroupedAuditAppends {
  /** Events recorded since the pending commit's write was queued; that write appends them all. */
  private pending: Array<{ event: AuditEventInput; nowMs: number }> = []
  private pendingCommit: Promise<void> | undefined

  constructor(
    private readonly repo: AuditRepo,
    private readonly db: Database,
    private readonly nowMs: () => number,
  ) {}

  /**
   * One queued write per commit for all the events recorded before it runs (one head read and one
   * savepoint for the batch instead of one each: bench/provider, computeResult at 64 connections).
   */
  append(event: AuditEventInput): Promise<void> {
    this.pending.push({ event, nowMs: this.nowMs() })
    this.pendingCommit ??= groupCommit(this.db).run(() => {
      const batch = this.pending
      this.pending = []
      this.pendingCommit = undefined
      this.repo.appendMany(batch)
    })
    return this.pendingCommit
  }
}
