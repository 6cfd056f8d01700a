/**
 * Quota holds (issue 12, migration 006): a start that passed the quota check and has not registered
 * its job yet. The Provider checks the quotas and adds the hold inside one `atomically` transaction
 * (dataset-policy.ts), so two racing starts cannot both take the last slot; a hold counts like an
 * unfinished job started now until it is removed. Addresses are stored lowercased.
 */
import { randomUUID } from 'node:crypto'
import type { Database } from './database'

export interface QuotaHold {
  id: string
  consumer: string
  environmentId: string
  datasetDids: string[]
  createdAtMs: number
}

export class QuotaHoldsRepo {
  private readonly insertStmt
  private readonly deleteStmt
  private readonly byConsumerStmt

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO quota_holds (id, consumer_lc, environment_id, dataset_dids, created_at_ms) VALUES (?, ?, ?, ?, ?)',
    )
    this.deleteStmt = db.prepare('DELETE FROM quota_holds WHERE id = ?')
    this.byConsumerStmt = db.prepare('SELECT * FROM quota_holds WHERE consumer_lc = ? ORDER BY created_at_ms')
  }

  /** Runs `work` in one SQLite transaction (IMMEDIATE: the write lock is taken before the reads). */
  atomically<T>(work: () => T): T {
    return this.db.transaction(work).immediate()
  }

  add(hold: Omit<QuotaHold, 'id'>): QuotaHold {
    const id = randomUUID().replaceAll('-', '')
    this.insertStmt.run(
      id,
      hold.consumer.toLowerCase(),
      hold.environmentId,
      JSON.stringify(hold.datasetDids),
      hold.createdAtMs,
    )
    return { ...hold, id, consumer: hold.consumer.toLowerCase() }
  }

  remove(id: string): void {
    this.deleteStmt.run(id)
  }

  ofConsumer(consumer: string): QuotaHold[] {
    return (
      this.byConsumerStmt.all(consumer.toLowerCase()) as Array<{
        id: string
        consumer_lc: string
        environment_id: string
        dataset_dids: string
        created_at_ms: number
      }>
    ).map((r) => ({
      id: r.id,
      consumer: r.consumer_lc,
      environmentId: r.environment_id,
      datasetDids: JSON.parse(r.dataset_dids) as string[],
      createdAtMs: r.created_at_ms,
    }))
  }

  /** At startup: no start is in flight, so every hold left is from a process that died. */
  clear(): number {
    return this.db.prepare('DELETE FROM quota_holds').run().changes
  }
}
