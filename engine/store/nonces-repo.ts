/**
 * Provider request nonces (spec §3.1), per lowercased address, as decimal strings (may exceed 2^53).
 * `acceptIfGreater` is one statement so a replay racing a genuine request cannot both pass.
 * Callers store a nonce only after the signature verified (style.md §2.5).
 */
import type { Database } from './database'

export class NoncesRepo {
  private readonly selectStmt
  private readonly upsertStmt

  constructor(private readonly db: Database) {
    // Prepared once: the nonce is read on every signed call (bench/provider).
    this.selectStmt = db.prepare('SELECT nonce FROM nonces WHERE address_lc = ?')
    this.upsertStmt = db.prepare(
      'INSERT INTO nonces (address_lc, nonce, updated_at_ms) VALUES (?, ?, ?) ' +
        'ON CONFLICT(address_lc) DO UPDATE SET nonce = excluded.nonce, updated_at_ms = excluded.updated_at_ms',
    )
  }

  /** The last accepted nonce, or undefined for an address never seen. */
  get(address: string): bigint | undefined {
    const row = this.selectStmt.get(address.toLowerCase()) as { nonce: string } | undefined
    return row === undefined ? undefined : BigInt(row.nonce)
  }

  /** Stores `nonce` if it is strictly greater than the last one (gaps allowed); false means replay. */
  acceptIfGreater(address: string, nonce: bigint, nowMs: number): boolean {
    return this.db.transaction(() => {
      const last = this.get(address)
      if (last !== undefined && nonce <= last) return false
      this.upsertStmt.run(address.toLowerCase(), nonce.toString(), nowMs)
      return true
    })()
  }
}
