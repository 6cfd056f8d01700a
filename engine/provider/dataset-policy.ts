/**
 * The console's per-dataset policy at the Provider (issue 12): the consumer allow/deny lists and
 * per-consumer quotas, checked at initializeCompute and at every start, and the output-release
 * setting a new job is registered with. Policies are read from the store each time, so a change in
 * the console applies to the next request. The DDO's own `credentials` are checked elsewhere
 * (credentials-policy.ts); this is the off-chain list the publisher keeps in the console.
 */
import type { Clock } from '../clock'
import type { JobFilter, JobRecord } from '../operator-service/job-record'
import type { DatasetPolicy } from '../store/dataset-policies-repo'
import { providerError } from './errors'

const DAY_MS = 24 * 3600 * 1000

export interface DatasetPolicyGate {
  /** Throws the Provider error of the first refusal (lists before quotas, datasets in order). */
  admit(datasetDids: readonly string[], consumer: string): void
  /** Publisher review if any dataset asks for it (the longest window wins); undefined: automatic. */
  reviewOf(datasetDids: readonly string[]): { windowSec: number } | undefined
}

export class DatasetPolicies implements DatasetPolicyGate {
  constructor(
    private readonly deps: {
      policies: { get(did: string): DatasetPolicy }
      jobs: { listJobs(filter: JobFilter): JobRecord[] }
      clock: Clock
    },
  ) {}

  admit(datasetDids: readonly string[], consumer: string): void {
    const who = consumer.toLowerCase()
    for (const did of new Set(datasetDids)) {
      const policy = this.deps.policies.get(did)
      if (policy.consumers.deny.includes(who))
        throw providerError('CONSUMER_DENIED', `${consumer} is on the publisher's deny list of ${did}`)
      if (policy.consumers.allow.length > 0 && !policy.consumers.allow.includes(who))
        throw providerError(
          'CONSUMER_NOT_ALLOWED',
          `${consumer} is not on the publisher's allow list of ${did}`,
        )
      this.checkQuotas(did, consumer, policy.quotas)
    }
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

  private checkQuotas(did: string, consumer: string, quotas: DatasetPolicy['quotas']): void {
    const { jobsPerDay, computeMinutesPerDay, concurrentJobs } = quotas
    if (jobsPerDay === undefined && computeMinutesPerDay === undefined && concurrentJobs === undefined) return
    const nowMs = this.deps.clock.nowMs()
    const jobs = this.deps.jobs.listJobs({ owner: consumer, did })
    if (concurrentJobs !== undefined) {
      const unfinished = jobs.filter((j) => j.status !== 70).length
      if (unfinished >= concurrentJobs)
        throw providerError(
          'QUOTA_CONCURRENT_JOBS',
          `${consumer} already has ${unfinished} unfinished job(s) on ${did} (quota ${concurrentJobs})`,
          { details: { did, quota: concurrentJobs, used: unfinished } },
        )
    }
    const today = jobs.filter((j) => j.createdAtMs > nowMs - DAY_MS)
    if (jobsPerDay !== undefined && today.length >= jobsPerDay)
      throw providerError(
        'QUOTA_JOBS_PER_DAY',
        `${consumer} already started ${today.length} job(s) on ${did} in the last 24 hours (quota ${jobsPerDay})`,
        { details: { did, quota: jobsPerDay, used: today.length } },
      )
    if (computeMinutesPerDay !== undefined) {
      const usedMs = jobs.reduce((sum, j) => sum + ranWithinDayMs(j, nowMs), 0)
      const usedMin = usedMs / 60_000
      if (usedMin >= computeMinutesPerDay)
        throw providerError(
          'QUOTA_COMPUTE_MINUTES',
          `${consumer}'s jobs on ${did} ran ${usedMin.toFixed(1)} compute minute(s) in the last 24 hours (quota ${computeMinutesPerDay})`,
          { details: { did, quota: computeMinutesPerDay, usedMinutes: usedMin } },
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
