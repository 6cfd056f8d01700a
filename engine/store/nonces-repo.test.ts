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
})
