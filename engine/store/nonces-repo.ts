/**
 * Provider request nonces (spec §3.1), per lowercased address, as decimal strings (may exceed 2^53).
 * `acceptIfGreater` is one statement so a replay racing a genuine request cannot both pass.
 * Callers store a nonce only after the signature verified (style.md §2.5).
 *
 * `accept` is the same decision with group commit: the database is opened with synchronous=FULL, so
 * every commit waits for the disk (~several ms), and one commit per signed request capped every
 * signed route at one request per fsync. `accept` decides at once against the last stored or
 * pending nonce (one thread: a replay racing its original still loses), and resolves once the
 * commit that holds it is on disk: every request arriving while one commit runs shares the next
 * (the database's one GroupCommit, shared with the audit rows of served downloads).
 * An answer is therefore never sent before its nonce is durable.
 */
import type { Database } from './database'
import { groupCommit } from './group-commit'

export class NoncesRepo {
  private readonly selectStmt
  private readonly upsertStmt

  /** Accepted nonces not yet committed, per lowercased address, with the requests waiting on them. */
  private readonly pending = new Map<string, { nonce: bigint; atMs: number }>()

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
    const pending = this.pending.get(address.toLowerCase())
    if (pending) return pending.nonce
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

  /** `acceptIfGreater` with group commit (see above): resolves true once the nonce is on disk. */
  async accept(address: string, nonce: bigint, nowMs: number): Promise<boolean> {
    const key = address.toLowerCase()
    const last = this.get(key)
    if (last !== undefined && nonce <= last) return false
    const entry = { nonce, atMs: nowMs }
    this.pending.set(key, entry)
    try {
      await groupCommit(this.db).run(() => this.upsertStmt.run(key, nonce.toString(), nowMs))
    } finally {
      // A later nonce of the same address may be pending behind this one: leave it.
      if (this.pending.get(key) === entry) this.pending.delete(key)
    }
    return true
  }
}
