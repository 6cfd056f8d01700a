/**
 * Per-environment quotas (issue 12, migration 006): per consumer on one compute environment, over
 * every dataset, in rolling 24 hours. The console API validates them (contract.ts
 * `quotasSchema`) before `set`; this repo only stores them.
 */
import type { Database } from './database'

export interface ConsumerQuotas {
  jobsPerDay?: number
  computeMinutesPerDay?: number
  concurrentJobs?: number
}

export class EnvironmentQuotasRepo {
  private readonly selectStmt
  private readonly upsertStmt
  private readonly deleteStmt
  private readonly listStmt

  constructor(db: Database) {
    this.selectStmt = db.prepare('SELECT quotas_json FROM environment_quotas WHERE environment_id = ?')
    this.upsertStmt = db.prepare(
      `INSERT INTO environment_quotas (environment_id, quotas_json, updated_at_ms) VALUES (?, ?, ?)
       ON CONFLICT (environment_id) DO UPDATE SET quotas_json = excluded.quotas_json, updated_at_ms = excluded.updated_at_ms`,
    )
    this.deleteStmt = db.prepare('DELETE FROM environment_quotas WHERE environment_id = ?')
    this.listStmt = db.prepare(
      'SELECT environment_id, quotas_json FROM environment_quotas ORDER BY environment_id',
    )
  }

  /** The environment's quotas; none set: `{}` (no limit). */
  get(environmentId: string): ConsumerQuotas {
    const row = this.selectStmt.get(environmentId) as { quotas_json: string } | undefined
    return row ? (JSON.parse(row.quotas_json) as ConsumerQuotas) : {}
  }

  /** Stores the quotas; an empty object removes the row (no limit). */
  set(environmentId: string, quotas: ConsumerQuotas, nowMs: number): ConsumerQuotas {
    const clean: ConsumerQuotas = {
      ...(quotas.jobsPerDay !== undefined ? { jobsPerDay: quotas.jobsPerDay } : {}),
      ...(quotas.computeMinutesPerDay !== undefined
        ? { computeMinutesPerDay: quotas.computeMinutesPerDay }
        : {}),
      ...(quotas.concurrentJobs !== undefined ? { concurrentJobs: quotas.concurrentJobs } : {}),
    }
    if (Object.keys(clean).length === 0) this.deleteStmt.run(environmentId)
    else this.upsertStmt.run(environmentId, JSON.stringify(clean), nowMs)
    return clean
  }

  list(): Array<{ environmentId: string; quotas: ConsumerQuotas }> {
    return (this.listStmt.all() as Array<{ environment_id: string; quotas_json: string }>).map((r) => ({
      environmentId: r.environment_id,
      quotas: JSON.parse(r.quotas_json) as ConsumerQuotas,
    }))
  }
}
