import { describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import type { JobRecord } from '../operator-service/job-record'
import { openDatabase } from '../store/database'
import { DEFAULT_DATASET_POLICY, type DatasetPolicy } from '../store/dataset-policies-repo'
import { EnvironmentQuotasRepo } from '../store/environment-quotas-repo'
import { QuotaHoldsRepo } from '../store/quota-holds-repo'
import { DatasetPolicies } from './dataset-policy'

const A = '0xAaAa000000000000000000000000000000000001'
const B = '0xbBbB000000000000000000000000000000000002'
const HOUR = 3_600_000

function gate(policy: Partial<DatasetPolicy>, jobs: Array<Partial<JobRecord>> = [], clock = new FakeClock()) {
  return new DatasetPolicies({
    policies: {
      get: (did) => (did === 'did:op:d' ? { ...DEFAULT_DATASET_POLICY, ...policy } : DEFAULT_DATASET_POLICY),
    },
    jobs: { listJobs: (f) => jobs.filter((j) => j.owner === f.owner) as JobRecord[] },
    clock,
  })
}
/** The gate over a real SQLite store: holds and environment quotas as the Provider has them. */
function storedGate(policy: Partial<DatasetPolicy>, jobs: Array<Partial<JobRecord>> = []) {
  const db = openDatabase({ file: ':memory:' })
  const environmentQuotas = new EnvironmentQuotasRepo(db)
  const holds = new QuotaHoldsRepo(db)
  const g = new DatasetPolicies({
    policies: {
      get: (did) => (did === 'did:op:d' ? { ...DEFAULT_DATASET_POLICY, ...policy } : DEFAULT_DATASET_POLICY),
    },
    jobs: {
      listJobs: (f) =>
        jobs.filter(
          (j) =>
            j.owner === f.owner &&
            (f.environmentId === undefined || j.environmentId === f.environmentId) &&
            (f.did === undefined || j.datasets?.some((d) => d.did === f.did)),
        ) as JobRecord[],
    },
    clock: new FakeClock(),
    environmentQuotas,
    holds,
  })
  return { g, environmentQuotas, holds }
}
const code = (fn: () => void) => {
  try {
    fn()
  } catch (error) {
    return (error as { code: string }).code
  }
  return 'admitted'
}

describe('DatasetPolicies', () => {
  it('refuses an environment the dataset does not allow, before its lists, and adds no hold', () => {
    const { g, holds } = storedGate({
      environments: ['env-a'],
      consumers: { deny: [B.toLowerCase()], allow: [] },
    })
    expect(code(() => g.admit(['did:op:d'], A, 'env-a'))).toBe('admitted')
    expect(code(() => g.admit(['did:op:d'], A, 'env-b'))).toBe('ENVIRONMENT_NOT_ALLOWED')
    // A denied consumer in a refused environment hears about the environment (the request's fault).
    expect(code(() => g.admit(['did:op:d'], B, 'env-b'))).toBe('ENVIRONMENT_NOT_ALLOWED')
    expect(code(() => g.reserve(['did:op:d'], A, 'env-b'))).toBe('ENVIRONMENT_NOT_ALLOWED')
    expect(holds.ofConsumer(A)).toEqual([])
    // Another dataset with no list allows every environment.
    expect(code(() => g.admit(['did:op:other'], A, 'env-b'))).toBe('admitted')
    try {
      g.admit(['did:op:d'], A, 'env-b')
    } catch (error) {
      expect((error as { status: number; details: unknown }).status).toBe(403)
      expect((error as { details: unknown }).details).toEqual({
        did: 'did:op:d',
        environmentId: 'env-b',
        allowedEnvironments: ['env-a'],
      })
    }
  })

  it('checks the deny list first, then a non-empty allow list, by lowercased address', () => {
    const g = gate({ consumers: { deny: [B.toLowerCase()], allow: [A.toLowerCase(), B.toLowerCase()] } })
    expect(code(() => g.admit(['did:op:d'], B))).toBe('CONSUMER_DENIED')
    expect(code(() => g.admit(['did:op:d'], A))).toBe('admitted')
    const allowOnly = gate({ consumers: { deny: [], allow: [A.toLowerCase()] } })
    expect(code(() => allowOnly.admit(['did:op:d'], B))).toBe('CONSUMER_NOT_ALLOWED')
    expect(code(() => allowOnly.admit(['did:op:other'], B))).toBe('admitted')
  })

  it('counts jobs per rolling day, unfinished jobs and compute minutes per consumer', () => {
    const clock = new FakeClock()
    const now = clock.nowMs()
    const jobs: Array<Partial<JobRecord>> = [
      {
        owner: A,
        status: 70,
        createdAtMs: now - 25 * HOUR,
        algoStartMs: now - 25 * HOUR,
        algoStopMs: now - 24.5 * HOUR,
      },
      {
        owner: A,
        status: 70,
        createdAtMs: now - HOUR,
        algoStartMs: now - HOUR,
        algoStopMs: now - HOUR + 10 * 60_000,
      },
      { owner: A, status: 40, createdAtMs: now - 60_000, algoStartMs: now - 60_000, algoStopMs: null },
      { owner: B, status: 70, createdAtMs: now - HOUR, algoStartMs: null, algoStopMs: null },
    ]
    expect(code(() => gate({ quotas: { jobsPerDay: 2 } }, jobs, clock).admit(['did:op:d'], A))).toBe(
      'QUOTA_JOBS_PER_DAY',
    )
    expect(code(() => gate({ quotas: { jobsPerDay: 3 } }, jobs, clock).admit(['did:op:d'], A))).toBe(
      'admitted',
    )
    expect(code(() => gate({ quotas: { concurrentJobs: 1 } }, jobs, clock).admit(['did:op:d'], A))).toBe(
      'QUOTA_CONCURRENT_JOBS',
    )
    expect(code(() => gate({ quotas: { concurrentJobs: 1 } }, jobs, clock).admit(['did:op:d'], B))).toBe(
      'admitted',
    )
    // 10 minutes + 1 running minute today; the 30 minutes 25 hours ago do not count.
    expect(
      code(() => gate({ quotas: { computeMinutesPerDay: 11 } }, jobs, clock).admit(['did:op:d'], A)),
    ).toBe('QUOTA_COMPUTE_MINUTES')
    expect(
      code(() => gate({ quotas: { computeMinutesPerDay: 12 } }, jobs, clock).admit(['did:op:d'], A)),
    ).toBe('admitted')
  })

  it('asks for review when any dataset does, with the longest window', () => {
    const g = new DatasetPolicies({
      policies: {
        get: (did) =>
          did === 'did:op:a'
            ? { ...DEFAULT_DATASET_POLICY, outputRelease: 'publisher-review', reviewWindowSec: 600 }
            : did === 'did:op:b'
              ? { ...DEFAULT_DATASET_POLICY, outputRelease: 'publisher-review', reviewWindowSec: 7200 }
              : DEFAULT_DATASET_POLICY,
      },
      jobs: { listJobs: () => [] },
      clock: new FakeClock(),
    })
    expect(g.reviewOf(['did:op:c'])).toBeUndefined()
    expect(g.reviewOf(['did:op:a', 'did:op:c'])).toEqual({ windowSec: 600 })
    expect(g.reviewOf(['did:op:a', 'did:op:b'])).toEqual({ windowSec: 7200 })
  })

  it("per environment: counts the consumer's jobs in that environment over every dataset, with QUOTA_ENV_ codes", () => {
    const now = new FakeClock().nowMs()
    const jobs: Array<Partial<JobRecord>> = [
      {
        owner: A,
        environmentId: 'gpu',
        status: 40,
        createdAtMs: now,
        datasets: [{ did: 'did:op:x' }] as never,
      },
      {
        owner: A,
        environmentId: 'cpu',
        status: 70,
        createdAtMs: now - HOUR,
        datasets: [{ did: 'did:op:y' }] as never,
      },
    ]
    const { g, environmentQuotas } = storedGate({}, jobs)
    environmentQuotas.set('gpu', { concurrentJobs: 1 }, now)
    expect(code(() => g.admit(['did:op:d'], A, 'gpu'))).toBe('QUOTA_ENV_CONCURRENT_JOBS')
    expect(code(() => g.admit(['did:op:d'], A, 'cpu'))).toBe('admitted')
    expect(code(() => g.admit(['did:op:d'], B, 'gpu'))).toBe('admitted')
    environmentQuotas.set('cpu', { jobsPerDay: 1 }, now)
    expect(code(() => g.admit(['did:op:d'], A, 'cpu'))).toBe('QUOTA_ENV_JOBS_PER_DAY')
    // Dataset quotas are checked first, with their own codes.
    const both = storedGate({ quotas: { concurrentJobs: 1 } }, [
      {
        owner: A,
        environmentId: 'gpu',
        status: 40,
        createdAtMs: now,
        datasets: [{ did: 'did:op:d' }] as never,
      },
    ])
    both.environmentQuotas.set('gpu', { concurrentJobs: 1 }, now)
    expect(code(() => both.g.admit(['did:op:d'], A, 'gpu'))).toBe('QUOTA_CONCURRENT_JOBS')
  })

  it('reserve: a start in flight holds its slot until released, so a second one cannot pass', () => {
    const { g, holds } = storedGate({ quotas: { concurrentJobs: 1 } })
    const first = g.reserve(['did:op:d'], A, 'cpu')
    expect(code(() => g.reserve(['did:op:d'], A, 'cpu'))).toBe('QUOTA_CONCURRENT_JOBS')
    expect(code(() => g.admit(['did:op:d'], A, 'cpu'))).toBe('QUOTA_CONCURRENT_JOBS')
    expect(code(() => g.reserve(['did:op:d'], B, 'cpu'))).toBe('admitted')
    expect(holds.ofConsumer(A)).toHaveLength(1)
    first.release()
    first.release()
    expect(holds.ofConsumer(A)).toHaveLength(0)
    expect(code(() => g.reserve(['did:op:d'], A, 'cpu'))).toBe('admitted')
    // Holds count against jobs per day and environment quotas too.
    const perDay = storedGate({ quotas: { jobsPerDay: 1 } })
    perDay.g.reserve(['did:op:d'], A, 'cpu')
    expect(code(() => perDay.g.reserve(['did:op:d'], A, 'cpu'))).toBe('QUOTA_JOBS_PER_DAY')
    const env = storedGate({})
    env.environmentQuotas.set('cpu', { concurrentJobs: 1 }, 0)
    env.g.reserve(['did:op:other'], A, 'cpu')
    expect(code(() => env.g.reserve(['did:op:d'], A, 'cpu'))).toBe('QUOTA_ENV_CONCURRENT_JOBS')
    expect(env.holds.clear()).toBe(1)
  })
})
