import { describe, expect, it } from 'vitest'
import { openDatabase } from './database'
import { groupCommit } from './group-commit'
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
