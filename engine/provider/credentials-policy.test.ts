import { describe, expect, it } from 'vitest'
import { codeOf } from '../test/error-code'
import { assertCredentials } from './credentials-policy'

const a = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const b = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const list = (...values: string[]) => [{ type: 'address', values }]

async function code(fn: () => void): Promise<string | undefined> {
  return codeOf(Promise.resolve().then(fn))
}

describe('DDO credentials', () => {
  it('lets anyone in without credentials, refuses deny-listed and not-allow-listed addresses', async () => {
    expect(() => assertCredentials({ id: 'did:op:x' }, a)).not.toThrow()
    expect(() => assertCredentials({ credentials: { allow: list(a.toLowerCase()) } }, a)).not.toThrow()
    expect(await code(() => assertCredentials({ credentials: { allow: list(a) } }, b))).toBe(
      'CREDENTIALS_NOT_ALLOWED',
    )
    expect(await code(() => assertCredentials({ credentials: { deny: list(b) } }, b))).toBe(
      'CREDENTIALS_DENIED',
    )
    // deny wins over allow, as in Ocean's Provider.
    expect(await code(() => assertCredentials({ credentials: { allow: list(b), deny: list(b) } }, b))).toBe(
      'CREDENTIALS_DENIED',
    )
    // Non-address credential types are not this check's business.
    expect(() =>
      assertCredentials({ credentials: { allow: [{ type: 'nft', values: ['x'] }] } }, b),
    ).not.toThrow()
  })
})
