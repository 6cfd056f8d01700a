import { describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { openDatabase } from './database'
import {
  AUDIT_GENESIS_HASH,
  AuditEventType,
  AuditRepo,
  GroupedAuditAppends,
  canonicalJson,
} from './audit-repo'
import { auditToCsv, auditToJsonl } from './audit-export'

const consumer = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'

function seeded(file = ':memory:') {
  const db = openDatabase({ file })
  const repo = new AuditRepo(db)
  repo.append(
    { type: AuditEventType.AccessAccepted, actor: consumer, subject: 'job-1', details: { b: 2, a: 1 } },
    10,
  )
  repo.append(
    {
      type: AuditEventType.AccessRefused,
      actor: consumer,
      subject: 'did:op:x',
      details: { code: 'ALGORITHM_NOT_TRUSTED' },
    },
    11,
  )
  repo.append(
    {
      type: AuditEventType.ConfigChanged,
      actor: 'publisher',
      subject: 'env-1',
      details: { field: 'maxJobs' },
    },
    12,
  )
  return { db, repo }
}

describe('AuditRepo', () => {
  it('chains each row to the previous hash and verifies the whole chain', () => {
    const { repo } = seeded()
    const rows = repo.list()
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3])
    expect(rows[0]!.prevHash).toBe(AUDIT_GENESIS_HASH)
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash)
    expect(rows[2]!.prevHash).toBe(rows[1]!.hash)
    expect(rows[0]!.actor).toBe(consumer.toLowerCase())
    expect(repo.verify()).toEqual({ ok: true, rows: 3, headHash: rows[2]!.hash })
    expect(repo.head()).toEqual({ seq: 3, hash: rows[2]!.hash })
    expect(repo.list({ type: AuditEventType.AccessRefused }).map((r) => r.seq)).toEqual([2])
    expect(repo.list({ actor: consumer.toUpperCase().replace('0X', '0x') })).toHaveLength(2)
  })

  it('refuses UPDATE and DELETE through SQL triggers', () => {
    const { db } = seeded()
    expect(() => db.prepare("UPDATE audit_events SET type = 'x' WHERE seq = 1").run()).toThrow(/append-only/)
    expect(() => db.prepare('DELETE FROM audit_events WHERE seq = 1').run()).toThrow(/append-only/)
  })

  it('names the first edited row after someone drops the triggers and edits the file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'audit-')), 'console.db')
    seeded(file).db.close()
    const raw = new BetterSqlite3(file)
    raw.exec('DROP TRIGGER audit_events_no_update')
    raw.prepare(`UPDATE audit_events SET details_json = '{"code":"NONE"}' WHERE seq = 2`).run()
    raw.close()
    const result = new AuditRepo(openDatabase({ file })).verify()
    expect(result).toMatchObject({ ok: false, firstBadSeq: 2, reason: 'content does not match its hash' })
  })

  it('detects a deleted row and a re-hashed row whose successor no longer links', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'audit-')), 'console.db')
    seeded(file).db.close()
    const raw = new BetterSqlite3(file)
    raw.exec('DROP TRIGGER audit_events_no_delete; DROP TRIGGER audit_events_no_update')
    raw.prepare('DELETE FROM audit_events WHERE seq = 2').run()
    raw.close()
    expect(new AuditRepo(openDatabase({ file })).verify()).toMatchObject({ ok: false, firstBadSeq: 3 })

    const file2 = join(mkdtempSync(join(tmpdir(), 'audit-')), 'console.db')
    seeded(file2).db.close()
    const raw2 = new BetterSqlite3(file2)
    raw2.exec('DROP TRIGGER audit_events_no_update')
    // A forger who recomputes row 1's hash still breaks row 2's link.
    raw2.prepare(`UPDATE audit_events SET hash = '${'1'.repeat(64)}' WHERE seq = 1`).run()
    raw2.close()
    expect(new AuditRepo(openDatabase({ file: file2 })).verify()).toMatchObject({ ok: false, firstBadSeq: 1 })
  })

  it('hashes details canonically and exports JSONL and CSV', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}')
    const { repo } = seeded()
    const events = repo.list()
    const jsonl = auditToJsonl(events).trim().split('\n')
    expect(jsonl).toHaveLength(3)
    expect(JSON.parse(jsonl[0]!).details).toEqual({ a: 1, b: 2 })
    const csv = auditToCsv(events).split('\r\n')
    expect(csv[0]).toBe('seq,atMs,type,actor,subject,details,prevHash,hash')
    expect(csv[1]).toContain('"{""a"":1,""b"":2}"')
  })
})

describe('GroupedAuditAppends', () => {
  it('writes the events recorded in one turn on the next, chained in order, before resolving', async () => {
    const { db, repo } = seeded()
    const grouped = new GroupedAuditAppends(repo, db, () => 20)
    const writes = [1, 2, 3].map((n) =>
      grouped.append({ type: AuditEventType.ResultDownloaded, actor: consumer, subject: `job-${n}` }),
    )
    // Nothing is written before the turn ends; the promises resolve once the rows are there.
    expect(repo.list({ type: AuditEventType.ResultDownloaded })).toHaveLength(0)
    await Promise.all(writes)
    const rows = repo.list({ type: AuditEventType.ResultDownloaded })
    expect(rows.map((r) => r.subject)).toEqual(['job-1', 'job-2', 'job-3'])
    expect(repo.verify()).toMatchObject({ ok: true, rows: 6 })
    db.close()
  })

  it('writes a batch as the same rows as one append each, and chains a later batch to it', async () => {
    const events = [1, 2, 3].map((n) => ({
      type: AuditEventType.ResultDownloaded,
      actor: consumer,
      subject: `job-${n}`,
      details: { index: n },
    }))
    const one = seeded()
    for (const event of events) one.repo.append(event, 20)
    const batched = seeded()
    batched.repo.appendMany(events.map((event) => ({ event, nowMs: 20 })))
    expect(batched.repo.list()).toEqual(one.repo.list())

    // Through the group commit: a second turn's events form their own batch, chained after the first.
    const grouped = new GroupedAuditAppends(batched.repo, batched.db, () => 30)
    const first = grouped.append({ type: AuditEventType.ResultDownloaded, subject: 'job-4' })
    await new Promise((resolve) => setImmediate(resolve))
    const second = grouped.append({ type: AuditEventType.ResultDownloaded, subject: 'job-5' })
    expect(second).not.toBe(first)
    await Promise.all([first, second])
    const subjects = batched.repo.list({ type: AuditEventType.ResultDownloaded }).map((r) => r.subject)
    expect(subjects).toEqual(['job-1', 'job-2', 'job-3', 'job-4', 'job-5'])
    expect(batched.repo.verify()).toMatchObject({ ok: true, rows: 8 })
    one.db.close()
    batched.db.close()
  })
})
