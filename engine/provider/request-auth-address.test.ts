import { describe, expect, it } from 'vitest'
import { requireAddress } from './request-auth'

describe('requireAddress', () => {
  it('accepts lowercase, uppercase and correctly checksummed addresses, and refuses a wrong checksum or shape', () => {
    const checksummed = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
    expect(requireAddress(checksummed)).toBe(checksummed)
    expect(requireAddress(checksummed.toLowerCase())).toBe(checksummed.toLowerCase())
    expect(requireAddress('0x' + checksummed.slice(2).toUpperCase())).toBe(
      '0x' + checksummed.slice(2).toUpperCase(),
    )
    const wrongChecksum = '0x70997970c51812dc3A010C7d01b50e0d17dc79C8'
    for (const bad of [wrongChecksum, wrongChecksum, '0x1234', 'hello', 42, undefined]) {
      expect(() => requireAddress(bad)).toThrow(
        expect.objectContaining({ code: 'ADDRESS_INVALID', status: 400 }),
      )
    }
  })
})
