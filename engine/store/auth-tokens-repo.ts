/**
 * Auth tokens issued by the Provider's generateAuthToken (spec §3.3), keyed by the JWT's `jti`, so a
 * token can be revoked before it expires and a revocation survives a restart.
 */
import type { Database } from './database'

export interface StoredAuthToken {
  tokenId: string
  address: string
  validUntilMs: number
  revoked: boolean
}

export class AuthTokensRepo {
  private readonly insertStmt
  private readonly selectStmt
  private readonly revokeStmt
  private readonly purgeStmt

  constructor(db: Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO auth_tokens (token_id, address_lc, valid_until_ms, revoked, created_at_ms) VALUES (?, ?, ?, 0, ?)',
    )
    this.selectStmt = db.prepare(
      'SELECT token_id, address_lc, valid_until_ms, revoked FROM auth_tokens WHERE token_id = ?',
    )
    this.revokeStmt = db.prepare('UPDATE auth_tokens SET revoked = 1 WHERE token_id = ? AND address_lc = ?')
    this.purgeStmt = db.prepare('DELETE FROM auth_tokens WHERE valid_until_ms < ?')
  }

  insert(token: { tokenId: string; address: string; validUntilMs: number }, nowMs: number): void {
    this.insertStmt.run(token.tokenId, token.address.toLowerCase(), token.validUntilMs, nowMs)
  }

  get(tokenId: string): StoredAuthToken | undefined {
    const row = this.selectStmt.get(tokenId) as
      { token_id: string; address_lc: string; valid_until_ms: number; revoked: number } | undefined
    return row
      ? {
          tokenId: row.token_id,
          address: row.address_lc,
          validUntilMs: row.valid_until_ms,
          revoked: row.revoked === 1,
        }
      : undefined
  }

  /** Only the token's own address may revoke it; false when nothing matched. */
  revoke(tokenId: string, address: string): boolean {
    return this.revokeStmt.run(tokenId, address.toLowerCase()).changes === 1
  }

  /** Drops tokens that expired before `beforeMs` (they verify as expired anyway). */
  purgeExpired(beforeMs: number): number {
    return this.purgeStmt.run(beforeMs).changes
  }
}
