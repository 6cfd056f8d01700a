import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT, decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { openDatabase } from '../store/database'
import { AuthTokensRepo } from '../store/auth-tokens-repo'
import { AuthTokens, loadAuthTokenSecret } from './auth-tokens'
import { codeOf } from '../test/error-code'

const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const BOB = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'

function harness(ttlSec = 60) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tokens-'))
  const db = openDatabase({ file: join(dataDir, 'console.db') })
  const clock = new FakeClock()
  const repo = new AuthTokensRepo(db)
  const secret = loadAuthTokenSecret(dataDir)
  return { dataDir, db, clock, repo, secret, tokens: new AuthTokens({ secret, repo, clock, ttlSec }) }
}

describe('AuthTokens', () => {
  it('issues a JWT whose payload carries address (ocean.js decodes it unverified) and verifies it', async () => {
    const h = harness()
    const { token, validUntilMs } = await h.tokens.issue(ALICE)
    expect(decodeJwt(token)).toMatchObject({ address: ALICE })
    expect(validUntilMs).toBe(h.clock.nowMs() + 60_000)
    expect((await h.tokens.verify(token)).address).toBe(ALICE)
    expect(h.repo.get(decodeJwt(token).jti!)).toMatchObject({ revoked: false })
  })

  it('expires by the clock', async () => {
    const h = harness(60)
    const { token } = await h.tokens.issue(ALICE)
    h.clock.advance(59_000)
    expect((await h.tokens.verify(token)).address).toBe(ALICE)
    h.clock.advance(2_000)
    expect(await codeOf(h.tokens.verify(token))).toBe('AUTH_TOKEN_INVALID')
  })

  it('revokes for good, only by its own address', async () => {
    const h = harness()
    const { token } = await h.tokens.issue(ALICE)
    expect(await codeOf(h.tokens.revoke(token, BOB))).toBe('AUTH_TOKEN_INVALID')
    expect((await h.tokens.verify(token)).address).toBe(ALICE)
    await h.tokens.revoke(token, ALICE.toLowerCase())
    expect(await codeOf(h.tokens.verify(token))).toBe('AUTH_TOKEN_INVALID')
    // A new AuthTokens over the same store (a restart) still refuses it.
    const again = new AuthTokens({
      secret: h.secret,
      repo: new AuthTokensRepo(h.db),
      clock: h.clock,
      ttlSec: 60,
    })
    expect(await codeOf(again.verify(token))).toBe('AUTH_TOKEN_INVALID')
  })

  it('refuses a token signed with another secret, a forged payload, and a well-signed token the store never issued', async () => {
    const h = harness()
    const other = harness()
    const { token: foreign } = await other.tokens.issue(ALICE)
    expect(await codeOf(h.tokens.verify(foreign))).toBe('AUTH_TOKEN_INVALID')
    const { token } = await h.tokens.issue(ALICE)
    const [header, , signature] = token.split('.')
    const forgedPayload = Buffer.from(JSON.stringify({ ...decodeJwt(token), address: BOB })).toString(
      'base64url',
    )
    expect(await codeOf(h.tokens.verify(`${header}.${forgedPayload}.${signature}`))).toBe(
      'AUTH_TOKEN_INVALID',
    )
    const unrecorded = await new SignJWT({ address: BOB })
      .setProtectedHeader({ alg: 'HS256' })
      .setJti('not-in-store')
      .setExpirationTime(Math.floor(h.clock.nowMs() / 1000) + 60)
      .sign(h.secret)
    expect(await codeOf(h.tokens.verify(unrecorded))).toBe('AUTH_TOKEN_INVALID')
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${forgedPayload}.`
    expect(await codeOf(h.tokens.verify(none))).toBe('AUTH_TOKEN_INVALID')
    expect(await codeOf(h.tokens.verify('garbage'))).toBe('AUTH_TOKEN_INVALID')
  })

  it('keeps the secret per data directory, 0600, the same across loads', () => {
    const h = harness()
    expect(Buffer.from(loadAuthTokenSecret(h.dataDir)).equals(Buffer.from(h.secret))).toBe(true)
    expect(statSync(join(h.dataDir, 'provider-auth.key')).mode & 0o777).toBe(0o600)
    expect(h.secret.length).toBe(32)
  })
})
