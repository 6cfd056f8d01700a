/**
 * Compute environments offered to consumers, stored in the `environments` table. Seeded once on
 * first start from `config.environments` or the built-in default (one environment with a free tier and prices).
 * Fees need the chain's fee token address, so callers pass it in (`defaultEnvironments`).
 */
import { C2dError } from '../c2d-error'
import { computeEnvironmentSchema, type ComputeEnvironmentConfig } from '../config/schema'
import type { Database } from '../store/database'

/** A served chain's paid-tier token (its OCEAN). */
export interface ChainFeeToken {
  chainId: number
  feeToken: string
}

const DEFAULT_PRICES = [
  { id: 'cpu', price: 1 },
  { id: 'ram', price: 0.5 },
  { id: 'disk', price: 0.1 },
]

function feeList(fees: ChainFeeToken | ChainFeeToken[] | undefined): ChainFeeToken[] {
  return fees === undefined ? [] : Array.isArray(fees) ? fees : [fees]
}

/**
 * The built-in environment: one free tier and, for each served chain whose fee token is known, the
 * same prices per minute in that chain's own token (`fees: {<chainId>: [{feeToken, prices}]}`).
 */
export function defaultEnvironment(
  fees: ChainFeeToken | ChainFeeToken[] | undefined,
): ComputeEnvironmentConfig {
  return computeEnvironmentSchema.parse({
    id: 'local-sandbox',
    description: 'Local sandbox on this machine',
    cpu: { total: 2, max: 2, min: 1 },
    ramGb: { total: 4, max: 2, min: 0.5 },
    diskGb: { total: 10, max: 5, min: 1 },
    maxJobs: 2,
    fees: Object.fromEntries(
      feeList(fees).map((f) => [String(f.chainId), [{ feeToken: f.feeToken, prices: DEFAULT_PRICES }]]),
    ),
    free: {},
  })
}

/**
 * What a fresh console offers: Ocean Node's layout (issue 14), one environment with a free tier and,
 * when the chains' fee tokens are known, prices per minute on the same environment, so clients that
 * take `computeEnvs[0]` (ocean.js' own tests) find both the free and the paid flow there.
 */
export function defaultEnvironments(
  fees: ChainFeeToken | ChainFeeToken[] | undefined,
): ComputeEnvironmentConfig[] {
  const paid = feeList(fees).length > 0
  return [
    computeEnvironmentSchema.parse({
      ...defaultEnvironment(fees),
      description: paid
        ? 'Local sandbox on this machine (free tier, or paid through escrow)'
        : 'Local sandbox on this machine (free tier)',
    }),
  ]
}

export class Environments {
  private readonly selectAll
  private readonly selectOne
  private readonly upsert
  private readonly deleteStmt
  private readonly maxPosition
  private changes = 0

  constructor(private readonly db: Database) {
    this.selectAll = db.prepare('SELECT config_json FROM environments ORDER BY position, id')
    this.selectOne = db.prepare('SELECT config_json FROM environments WHERE id = ?')
    this.upsert = db.prepare(
      `INSERT INTO environments (id, position, config_json) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET config_json = excluded.config_json`,
    )
    this.deleteStmt = db.prepare('DELETE FROM environments WHERE id = ?')
    this.maxPosition = db.prepare('SELECT COALESCE(MAX(position), -1) AS p FROM environments')
  }

  /** First start only: writes `initial` when the table is empty. Returns whether it seeded. */
  seed(initial: ComputeEnvironmentConfig[]): boolean {
    return this.db.transaction(() => {
      if (this.selectAll.all().length > 0) return false
      for (const env of initial) this.saveEnvironment(env)
      return true
    })()
  }

  /** Grows on every save or delete: readers may cache what they derive from the list until it moves. */
  revision(): number {
    return this.changes
  }

  listEnvironments(): ComputeEnvironmentConfig[] {
    return (this.selectAll.all() as Array<{ config_json: string }>).map(
      (r) => JSON.parse(r.config_json) as ComputeEnvironmentConfig,
    )
  }

  getEnvironment(id: string): ComputeEnvironmentConfig | undefined {
    const row = this.selectOne.get(id) as { config_json: string } | undefined
    return row ? (JSON.parse(row.config_json) as ComputeEnvironmentConfig) : undefined
  }

  /** Validates with the config schema; invalid input changes nothing. */
  saveEnvironment(env: unknown): ComputeEnvironmentConfig {
    const parsed = computeEnvironmentSchema.safeParse(env)
    if (!parsed.success) {
      throw new C2dError('ENVIRONMENT_INVALID', 400, 'Invalid compute environment', {
        details: parsed.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
      })
    }
    const position = (this.maxPosition.get() as { p: number }).p + 1
    this.upsert.run(parsed.data.id, position, JSON.stringify(parsed.data))
    this.changes += 1
    return parsed.data
  }

  deleteEnvironment(id: string): void {
    const info = this.deleteStmt.run(id)
    this.changes += 1
    if (info.changes === 0)
      throw new C2dError('ENVIRONMENT_UNKNOWN', 404, `Unknown compute environment ${id}`)
  }
}
