import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from './database'
import { NoncesRepo } from './nonces-repo'

describe('NoncesRepo', () => {
  it('accepts strictly increasing nonces with gaps, per lowercased address, and refuses replays', () => {
    const repo = new NoncesRepo(openDatabase({ file: ':memory:' }))
    const address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
    expect(repo.get(address)).toBeUndefined()
    expect(repo.acceptIfGreater(address, 1n, 10)).toBe(true)
    expect(repo.acceptIfGreater(address.toLowerCase(), 5n, 11)).toBe(true)
    expect(repo.acceptIfGreater(address, 5n, 12)).toBe(false)
    expect(repo.acceptIfGreater(address, 3n, 13)).toBe(false)
    expect(repo.get(address)).toBe(5n)
    expect(repo.acceptIfGreater(address, 2n ** 64n, 14)).toBe(true)
    expect(repo.get(address.toUpperCase().replace('0X', '0x'))).toBe(2n ** 64n)
  })

  it('group commit: concurrent accepts share commits, replays in the same tick lose, and each is on disk when it resolves', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'nonces-')), 'console.db')
    const repo = new NoncesRepo(openDatabase({ file }))
    const addresses = Array.from({ length: 40 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`)
    const first = addresses.map((a) => repo.accept(a, 7n, 1))
    // The same nonces again before any commit ran: refused from the pending set.
    const replays = addresses.map((a) => repo.accept(a, 7n, 2))
    expect(await Promise.all(replays)).toEqual(addresses.map(() => false))
    expect(repo.get(addresses[0]!)).toBe(7n)
    const results = await Promise.all(
      first.map(async (p, i) => {
        const ok = await p
        // Durable once resolved: another connection to the file reads it.
        const other = new NoncesRepo(openDatabase({ file }))
        return [ok, other.get(addresses[i]!)]
      }),
    )
    expect(results).toEqual(addresses.map(() => [true, 7n]))
    expect(await repo.accept(addresses[0]!, 8n, 3)).toBe(true)
    expect(await repo.accept(addresses[0]!, 8n, 4)).toBe(false)
  })

  it('a failed commit rejects its waiters and forgets their nonces', async () => {
    const db = openDatabase({ file: ':memory:' })
    const repo = new NoncesRepo(db)
    const address = '0x' + '1'.repeat(40)
    const accepting = repo.accept(address, 1n, 1)
    db.exec('ALTER TABLE nonces RENAME TO nonces_away')
    await expect(accepting).rejects.toThrow()
    db.exec('ALTER TABLE nonces_away RENAME TO nonces')
    expect(repo.get(address)).toBeUndefined()
    expect(await repo.accept(address, 1n, 2)).toBe(true)
  })
})
