/**
 * The one test fixture for "a core that only runs jobs": no chain, the Provider on a free port, no
 * Operator-Service API unless asked, silent, and one free environment sized for the test. Tests,
 * crash children and benches that do not care about Ocean's chain side start their core with this.
 */
import { loadConfig } from '../config/load'
import type { ConsoleConfig } from '../config/schema'

export interface JobCoreOptions {
  environmentId?: string
  cpu?: number
  ramGb?: number
  maxJobs?: number
  /** Concurrent free jobs in the environment (default 1, the schema's). */
  freeMaxJobs?: number
  operatorApi?: boolean
  /** Further overrides, merged last (same shape as config.json). */
  overrides?: Record<string, unknown>
}

export function jobCoreConfig(dataDir: string, options: JobCoreOptions = {}): ConsoleConfig {
  const cpu = options.cpu ?? 1
  const ramGb = options.ramGb ?? 1
  return loadConfig({
    env: {},
    overrides: {
      dataDir,
      chain: { mode: 'off' },
      provider: { port: 0 },
      operatorApi: { enabled: options.operatorApi ?? false },
      logLevel: 'silent',
      environments: [
        {
          id: options.environmentId ?? 'local-sandbox',
          cpu: { total: cpu, max: cpu, min: 1 },
          ramGb: { total: ramGb, max: ramGb, min: 0 },
          diskGb: { total: 1, max: 1, min: 0 },
          maxJobs: options.maxJobs ?? 1,
          free: options.freeMaxJobs ? { maxJobs: options.freeMaxJobs } : {},
        },
      ],
      ...options.overrides,
    },
  })
}
