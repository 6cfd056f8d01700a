/**
 * The console's per-dataset policy at the Provider (issue 12): the compute environments a dataset
 * allows (issue 11, the publish wizard's pick), the consumer allow/deny lists and
 * per-consumer quotas per dataset and per compute environment, checked at initializeCompute and at
 * every start, and the output-release setting a new job is registered with. Policies are read from
 * the store each time, so a change in the console applies to the next request. The DDO's own
 * `credentials` are checked elsewhere (credentials-policy.ts); this is the off-chain list the
 * publisher keeps in the console.
 *
 * A start `reserve`s: the quota check and a hold (a job not registered yet, counted as unfinished)
 * are one SQLite transaction, so two racing starts (a paid one awaits the chain between its check
 * and its job) cannot both take the last slot.
 */
import type { Clock } from '../clock'
import type { JobFilter, JobRecord } from '../operator-service/job-record'
import type { DatasetPolicy } from '../store/dataset-policies-repo'
import type { ConsumerQuotas } from '../store/environment-quotas-repo'
import type { QuotaHold } from '../store/quota-holds-repo'
import { providerError, type ProviderErrorCode } from './errors'

const DAY_MS = 24 * 3600 * 1000

/** A start's place in the quotas until its job is registered; release it then, or when the start fails. */
export interface QuotaReservation {
  release(): void
}

export interface DatasetPolicyGate {
  /**
   * Throws the Provider error of the first refusal (per dataset in order: its allowed environments,
   * its lists, its quotas; then the environment's quotas).
   */
  admit(datasetDids: readonly string[], consumer: string, environmentId?: string): void
  /** `admit` and a hold in one transaction: the caller registers its job, then releases the hold. */
  reserve(datasetDids: readonly string[], consumer: string, environmentId: string): QuotaReservation
  /** Publisher review if any dataset asks for it (the longest window wins); undefined: automatic. */
  reviewOf(datasetDids: readonly string[]): { windowSec: number } | undefined
}

export class DatasetPolicies implements DatasetPolicyGate {
  constructor(
    private readonly deps: {
      policies: { get(did: string): DatasetPolicy }
      jobs: { listJobs(filter: JobFilter): JobRecord[] }
      clock: Clock
      /** Per-environment quotas (absent: none). */
      environmentQuotas?: { get(environmentId: string): ConsumerQuotas }
      /** Holds of starts in flight (absent: no holds, so a start's check is not atomic with its job). */
      holds?: {
        atomically<T>(work: () => T): T
        add(hold: Omit<QuotaHold, 'id'>): QuotaHold
        remove(id: string): void
        ofConsumer(consumer: string): QuotaHold[]
      }
    },
  ) {}

  reserve(datasetDids: readonly string[], consumer: string, environmentId: string): QuotaReservation {
    const holds = this.deps.holds
    if (!holds) {
      this.admit(datasetDids, consumer, environmentId)
      return { release: () => {} }
    }
    const hold = holds.atomically(() => {
      this.admit(datasetDids, consumer, environmentId)
      return holds.add({
        consumer,
        environmentId,
        datasetDids: [...new Set(datasetDids)],
        createdAtMs: this.deps.clock.nowMs(),
      })
    })
    let released = false
    return {
      release: () => {
        if (released) return
        released = true
        holds.remove(hold.id)
      },
    }
  }

  admit(datasetDids: readonly string[], consumer: string, environmentId?: string): void {
    const who = consumer.toLowerCase()
    const held = this.deps.holds?.ofConsumer(consumer) ?? []
    for (const did of new Set(datasetDids)) {
      const policy = this.deps.policies.get(did)
      // The environment is the request's, not the consumer's: refused before the lists and quotas.
      const allowed = policy.environments ?? []
      if (environmentId !== undefined && allowed.length > 0 && !allowed.includes(environmentId))
        throw providerError(
          'ENVIRONMENT_NOT_ALLOWED',
          `Dataset ${did} does not allow compute environment ${environmentId}; use one of: ${allowed.join(', ')}`,
          { details: { did, environmentId, allowedEnvironments: allowed } },
        )
      if (policy.consumers.deny.includes(who))
        throw providerError('CONSUMER_DENIED', `${consumer} is on the publisher's deny list of ${did}`)
      if (policy.consumers.allow.length > 0 && !policy.consumers.allow.includes(who))
        throw providerError(
          'CONSUMER_NOT_ALLOWED',
          `${consumer} is not on the publisher's allow list of ${did}`,
        )
      this.checkQuotas(
        { kind: 'dataset', id: did },
        consumer,
        policy.quotas,
        held.filter((h) => h.datasetDids.includes(did)),
      )
    }
    if (environmentId !== undefined && this.deps.environmentQuotas)
      this.checkQuotas(
        { kind: 'environment', id: environmentId },
        consumer,
        this.deps.environmentQuotas.get(environmentId),
        held.filter((h) => h.environmentId === environmentId),
      )
  }

  reviewOf(datasetDids: readonly string[]): { windowSec: number } | undefined {
    let windowSec: number | undefined
    for (const did of new Set(datasetDids)) {
      const policy = this.deps.policies.get(did)
      if (policy.outputRelease === 'publisher-review')
        windowSec = Math.max(windowSec ?? 0, policy.reviewWindowSec)
    }
    return windowSec === undefined ? undefined : { windowSec }
  }

  private checkQuotas(
    scope: { kind: 'dataset' | 'environment'; id: string },
    consumer: string,
    quotas: ConsumerQuotas,
    held: readonly QuotaHold[],
  ): void {
    const { jobsPerDay, computeMinutesPerDay, concurrentJobs } = quotas
    if (jobsPerDay === undefined && computeMinutesPerDay === undefined && concurrentJobs === undefined) return
    const nowMs = this.deps.clock.nowMs()
    const jobs = this.deps.jobs.listJobs(
      scope.kind === 'dataset'
        ? { owner: consumer, did: scope.id }
        : { owner: consumer, environmentId: scope.id },
    )
    const code = (quota: 'CONCURRENT_JOBS' | 'JOBS_PER_DAY' | 'COMPUTE_MINUTES'): ProviderErrorCode =>
      scope.kind === 'dataset' ? `QUOTA_${quota}` : `QUOTA_ENV_${quota}`
    const on = scope.kind === 'dataset' ? scope.id : `environment ${scope.id}`
    const details = scope.kind === 'dataset' ? { did: scope.id } : { environmentId: scope.id }
    // A hold is a start that passed its check and is registering its job: unfinished, started now.
    if (concurrentJobs !== undefined) {
      const unfinished = jobs.filter((j) => j.status !== 70).length + held.length
      if (unfinished >= concurrentJobs)
        throw providerError(
          code('CONCURRENT_JOBS'),
          `${consumer} already has ${unfinished} unfinished job(s) on ${on} (quota ${concurrentJobs})`,
          { details: { ...details, quota: concurrentJobs, used: unfinished } },
        )
    }
    const today = jobs.filter((j) => j.createdAtMs > nowMs - DAY_MS).length + held.length
    if (jobsPerDay !== undefined && today >= jobsPerDay)
      throw providerError(
        code('JOBS_PER_DAY'),
        `${consumer} already started ${today} job(s) on ${on} in the last 24 hours (quota ${jobsPerDay})`,
        { details: { ...details, quota: jobsPerDay, used: today } },
      )
    if (computeMinutesPerDay !== undefined) {
      const usedMs = jobs.reduce((sum, j) => sum + ranWithinDayMs(j, nowMs), 0)
      const usedMin = usedMs / 60_000
      if (usedMin >= computeMinutesPerDay)
        throw providerError(
          code('COMPUTE_MINUTES'),
          `${consumer}'s jobs on ${on} ran ${usedMin.toFixed(1)} compute minute(s) in the last 24 hours (quota ${computeMinutesPerDay})`,
          { details: { ...details, quota: computeMinutesPerDay, usedMinutes: usedMin } },
        )
    }
  }
}

/** Algorithm run time inside the last 24 hours; a running job counts up to now. */
function ranWithinDayMs(job: JobRecord, nowMs: number): number {
  if (job.algoStartMs === null) return 0
  const start = Math.max(job.algoStartMs, nowMs - DAY_MS)
  const end = job.algoStopMs ?? (job.status === 40 ? nowMs : (job.finishedAtMs ?? nowMs))
  return Math.max(0, end - start)
}
