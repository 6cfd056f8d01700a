/**
 * Auth tokens (spec §3.3): `generateAuthToken` returns a JWT whose payload carries `address`
 * (ocean.js decodes it without verifying, to learn who it is), accepted later as a bare
 * `Authorization: <jwt>` header instead of a per-call signature. HS256 with a secret kept in the
 * data directory, so tokens survive a restart; every token is recorded by its `jti` so
 * `invalidateAuthToken` revokes it for good.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SignJWT, jwtVerify } from 'jose'
import type { Clock } from '../clock'
import type { AuthTokensRepo } from '../store/auth-tokens-repo'
import { providerError } from './errors'

export const AUTH_TOKEN_SECRET_FILE = 'provider-auth.key'

/** The HS256 secret, created once per data directory (0600). */
export function loadAuthTokenSecret(dataDir: string): Uint8Array {
  const file = join(dataDir, AUTH_TOKEN_SECRET_FILE)
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' })
    chmodSync(file, 0o600)
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
}

export class AuthTokens {
  constructor(
    private readonly options: { secret: Uint8Array; repo: AuthTokensRepo; clock: Clock; ttlSec: number },
  ) {}

  async issue(address: string): Promise<{ token: string; validUntilMs: number }> {
    const nowMs = this.options.clock.nowMs()
    const validUntilMs = nowMs + this.options.ttlSec * 1000
    const tokenId = randomUUID()
    // Recorded before it is handed out: a token the store does not know never verifies.
    this.options.repo.insert({ tokenId, address, validUntilMs }, nowMs)
    const token = await new SignJWT({ address })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setJti(tokenId)
      .setIssuedAt(Math.floor(nowMs / 1000))
      .setExpirationTime(Math.floor(validUntilMs / 1000))
      .sign(this.options.secret)
    return { token, validUntilMs }
  }

  /** The address the token was issued to; AUTH_TOKEN_INVALID when forged, expired or revoked. */
  async verify(token: string): Promise<{ address: string; tokenId: string }> {
    let payload: { address?: unknown; jti?: unknown }
    try {
      ;({ payload } = await jwtVerify(token, this.options.secret, {
        algorithms: ['HS256'],
        currentDate: new Date(this.options.clock.nowMs()),
      }))
    } catch {
      throw providerError('AUTH_TOKEN_INVALID')
    }
    if (typeof payload.address !== 'string' || typeof payload.jti !== 'string')
      throw providerError('AUTH_TOKEN_INVALID')
    const stored = this.options.repo.get(payload.jti)
    if (!stored || stored.revoked || stored.validUntilMs < this.options.clock.nowMs())
      throw providerError('AUTH_TOKEN_INVALID')
    return { address: payload.address, tokenId: payload.jti }
  }

  /** Revokes a token of `address`; AUTH_TOKEN_INVALID when it is not a live token of that address. */
  async revoke(token: string, address: string): Promise<void> {
    const { address: owner, tokenId } = await this.verify(token)
    if (owner.toLowerCase() !== address.toLowerCase() || !this.options.repo.revoke(tokenId, address))
      throw providerError('AUTH_TOKEN_INVALID')
  }
}
