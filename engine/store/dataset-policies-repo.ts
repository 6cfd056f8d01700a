/**
 * Per-dataset publisher control (issue 12, migration 004): how a dataset's job outputs are released,
 * which consumers the console admits on it and how many jobs each may run. The console API validates
 * a policy (contract.ts `datasetPolicySchema`) before `set`; this repo only stores it.
 */
import type { Database } from './database'

export const DEFAULT_REVIEW_WINDOW_SEC = 24 * 3600

export interface DatasetPolicy {
  outputRelease: 'automatic' | 'publisher-review'
  /** How long a held job waits for the publisher before it is rejected automatically. */
  reviewWindowSec: number
  /** Lowercased addresses; deny is checked first, an empty allow list admits everyone. */
  consumers: { allow: string[]; deny: string[] }
  /** Per consumer on this dataset; absent: no limit. Days are rolling 24-hour windows. */
  quotas: { jobsPerDay?: number; computeMinutesPerDay?: number; concurrentJobs?: number }
  /** What the review screen flags (output-review.ts); empty patterns: any name. */
  reviewGuards: { outputBytesMax?: number; fileCountMax?: number; allowedPatterns: string[] }
  /** Compute environment ids consumers may run jobs in on this dataset; empty: every environment. */
  environments: string[]
}

export const DEFAULT_DATASET_POLICY: DatasetPolicy = Object.freeze({
  outputRelease: 'automatic',
  reviewWindowSec: DEFAULT_REVIEW_WINDOW_SEC,
  consumers: { allow: [], deny: [] },
  quotas: {},
  reviewGuards: { allowedPatterns: [] },
  environments: [],
}) as DatasetPolicy

export class DatasetPoliciesRepo {
  private readonly selectStmt
  private readonly upsertStmt
  private readonly listStmt

  constructor(db: Database) {
    this.selectStmt = db.prepare('SELECT policy_json FROM dataset_policies WHERE did = ?')
    this.upsertStmt = db.prepare(
      `INSERT INTO dataset_policies (did, policy_json, updated_at_ms) VALUES (?, ?, ?)
       ON CONFLICT (did) DO UPDATE SET policy_json = excluded.policy_json, updated_at_ms = excluded.updated_at_ms`,
    )
    this.listStmt = db.prepare('SELECT did, policy_json FROM dataset_policies ORDER BY did')
  }

  /** The stored policy, or the default (automatic release, no lists, no quota). */
  get(did: string): DatasetPolicy {
    const row = this.selectStmt.get(did) as { policy_json: string } | undefined
    return row
      ? { ...DEFAULT_DATASET_POLICY, ...(JSON.parse(row.policy_json) as DatasetPolicy) }
      : DEFAULT_DATASET_POLICY
  }

  set(did: string, policy: DatasetPolicy, nowMs: number): DatasetPolicy {
    const stored: DatasetPolicy = {
      ...policy,
      consumers: {
        allow: policy.consumers.allow.map((a) => a.toLowerCase()),
        deny: policy.consumers.deny.map((a) => a.toLowerCase()),
      },
    }
    this.upsertStmt.run(did, JSON.stringify(stored), nowMs)
    return stored
  }

  list(): Array<{ did: string; policy: DatasetPolicy }> {
    return (this.listStmt.all() as Array<{ did: string; policy_json: string }>).map((r) => ({
      did: r.did,
      policy: JSON.parse(r.policy_json) as DatasetPolicy,
    }))
  }
}
