import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from './database'
import { GroupCommit, groupCommit } from './group-commit'
import { NoncesRepo } from './nonces-repo'

describe('GroupCommit', () => {
  it('runs the writes of one turn in one transaction: one failing write fails them all', async () => {
    const db = openDatabase({ file: ':memory:' })
    db.exec('CREATE TABLE t (v INTEGER)')
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
    const commit = groupCommit(db)
    expect(groupCommit(db)).toBe(commit)
    const ok = [commit.run(() => insert.run(1)), commit.run(() => insert.run(2))]
    await Promise.all(ok)
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 })
    const batch = [
      commit.run(() => insert.run(3)),
      commit.run(() => {
        throw new Error('disk full')
      }),
    ]
    const outcomes = await Promise.allSettled(batch)
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected'])
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 })
    db.close()
  })

  it('shares one commit between nonces and other writes of the same turn', async () => {
    const db = openDatabase({ file: ':memory:' })
    db.exec('CREATE TABLE t (v INTEGER)')
    const nonces = new NoncesRepo(db)
    const accepted = nonces.accept('0xAbc', 5n, 1)
    const failing = groupCommit(db).run(() => {
      throw new Error('boom')
    })
    await expect(accepted).rejects.toThrow('boom')
    await expect(failing).rejects.toThrow('boom')
    // Not stored: a later request with the same nonce is not a replay.
    expect(nonces.get('0xabc')).toBeUndefined()
    expect(await nonces.accept('0xabc', 5n, 2)).toBe(true)
    expect(nonces.get('0xABC')).toBe(5n)
    db.close()
  })
})

describe('GroupCommit off the main thread (synchronous=NORMAL commit, then an fsync of the WAL)', () => {
  const fileDb = () =>
    openDatabase({ file: join(mkdtempSync(join(tmpdir(), 'group-commit-')), 'console.db') })

  it('resolves a write only after the fsync that started after its commit, and restores FULL', async () => {
    const db = fileDb()
    db.exec('CREATE TABLE t (v INTEGER)')
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
    const syncs: Array<{ rowsAtStart: number; done(): void }> = []
    const commit = new GroupCommit(db, {
      walSync: () =>
        new Promise<void>((resolve) => {
          const { n } = db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }
          syncs.push({ rowsAtStart: n, done: resolve })
        }),
    })
    let firstDone = false
    const first = commit.run(() => insert.run(1)).then(() => (firstDone = true))
    await new Promise((r) => setImmediate(r))
    // Committed (readable), not yet answered: its fsync is still running.
    expect(syncs).toHaveLength(1)
    expect(syncs[0]!.rowsAtStart).toBe(1)
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
    let laterDone = false
    const later = [commit.run(() => insert.run(2)), commit.run(() => insert.run(3))]
    void Promise.all(later).then(() => (laterDone = true))
    await new Promise((r) => setImmediate(r))
    await new Promise((r) => setImmediate(r))
    expect(firstDone).toBe(false)
    // One fsync at a time: the second batch waits for its own, started after the first.
    expect(syncs).toHaveLength(1)
    syncs[0]!.done()
    await first
    expect(firstDone).toBe(true)
    expect(laterDone).toBe(false)
    await new Promise((r) => setImmediate(r))
    expect(syncs).toHaveLength(2)
    expect(syncs[1]!.rowsAtStart).toBe(3)
    syncs[1]!.done()
    await Promise.all(later)
    db.close()
  })

  it('a failed fsync fails the writes it covered', async () => {
    const db = fileDb()
    db.exec('CREATE TABLE t (v INTEGER)')
    const commit = new GroupCommit(db, { walSync: () => Promise.reject(new Error('EIO')) })
    await expect(commit.run(() => db.prepare('INSERT INTO t (v) VALUES (1)').run())).rejects.toThrow('EIO')
    db.close()
  })

  it('syncs the real WAL file: a write is readable from another connection once resolved', async () => {
    const db = fileDb()
    db.exec('CREATE TABLE t (v INTEGER)')
    const commit = groupCommit(db)
    await Promise.all(
      [1, 2, 3].map((v) => commit.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run(v))),
    )
    const other = openDatabase({ file: db.name })
    expect(other.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 3 })
    other.close()
    db.close()
  })
})
