/**
 * The console methods of per-dataset policy and output review (issue 12), over one port that
 * engine/index.ts binds to the Operator-Service, the dataset-policies repo and output-review.ts.
 * Every publisher decision is written to the audit trail with the publisher as actor.
 */
import type {
  ConsoleService,
  DatasetPolicySummary,
  JobSummary,
  OutputReviewSummary,
  QuotasSummary,
} from './contract'
import { consoleError, ConsoleErrorCode } from './errors'

export interface ConsoleReviewPort {
  getPolicy(did: string): DatasetPolicySummary
  setPolicy(did: string, policy: DatasetPolicySummary): DatasetPolicySummary
  /** Is this DID a dataset this console serves? */
  hasDataset(did: string): boolean
  listHeld(): JobSummary[]
  inspect(jobId: string): Promise<OutputReviewSummary>
  release(jobId: string): JobSummary
  reject(jobId: string, decision: { reason: string; chargeForCompute: boolean }): JobSummary
  /** Per-environment quotas (absent: NOT_AVAILABLE). */
  environmentQuotas?: {
    /** Every known environment, with `{}` where none is set. */
    list(): Array<{ environmentId: string; quotas: QuotasSummary }>
    set(environmentId: string, quotas: QuotasSummary): QuotasSummary
    hasEnvironment(environmentId: string): boolean
  }
}

type Methods = Pick<
  ConsoleService,
  | 'getDatasetPolicy'
  | 'setDatasetPolicy'
  | 'listReviews'
  | 'getReview'
  | 'releaseJob'
  | 'rejectJob'
  | 'listEnvironmentQuotas'
  | 'setEnvironmentQuotas'
>

export function createPublisherControlMethods(ctx: {
  port: ConsoleReviewPort | undefined
  need: <T>(part: T | undefined, what: string) => T
  audit: (type: string, subject: string | null, details?: Record<string, unknown>) => void
  jobOrThrow: (jobId: string) => JobSummary
}): Methods {
  const port = () => ctx.need(ctx.port, 'Publisher review')
  const dataset = (did: string) => {
    if (!port().hasDataset(did))
      throw consoleError(ConsoleErrorCode.AssetNotFound, `No dataset ${did} in this console.`)
  }
  const held = (jobId: string) => {
    const job = ctx.jobOrThrow(jobId)
    if (job.review?.state !== 'held')
      throw consoleError(
        ConsoleErrorCode.JobNotHeld,
        `Job ${jobId} is not awaiting review (status ${job.status}, review ${job.review?.state ?? 'none'}).`,
      )
    return job
  }
  return {
    async getDatasetPolicy({ did }) {
      dataset(did)
      return { did, policy: port().getPolicy(did) }
    },
    async setDatasetPolicy({ did, policy }) {
      dataset(did)
      // A new id must name a configured environment; one kept from before may have been deleted since.
      const before = new Set(port().getPolicy(did).environments ?? [])
      const known = port().environmentQuotas?.hasEnvironment
      const unknown = policy.environments.filter((id) => !before.has(id) && known && !known(id))
      if (unknown.length > 0)
        throw consoleError(
          ConsoleErrorCode.RequestInvalid,
          `No compute environment ${unknown.join(', ')} in this console (Compute backend → Environments).`,
          unknown.map((id) => ({
            path: `policy.environments.${policy.environments.indexOf(id)}`,
            message: `no environment ${id}`,
          })),
        )
      const stored = port().setPolicy(did, policy)
      ctx.audit('config.changed', did, { setting: 'dataset-policy', policy: stored })
      return { did, policy: stored }
    },
    async listEnvironmentQuotas() {
      const quotas = ctx.need(port().environmentQuotas, 'Environment quotas')
      return { environments: quotas.list() }
    },
    async setEnvironmentQuotas({ environmentId, quotas }) {
      const repo = ctx.need(port().environmentQuotas, 'Environment quotas')
      if (!repo.hasEnvironment(environmentId))
        throw consoleError(
          ConsoleErrorCode.EnvironmentUnknown,
          `No compute environment ${environmentId} in this console.`,
        )
      const stored = repo.set(environmentId, quotas)
      ctx.audit('config.changed', environmentId, { setting: 'environment-quotas', quotas: stored })
      return { environmentId, quotas: stored }
    },
    async listReviews() {
      return { jobs: port().listHeld() }
    },
    async getReview({ jobId }) {
      const job = held(jobId)
      return { job, review: await port().inspect(jobId) }
    },
    async releaseJob({ jobId }) {
      held(jobId)
      const job = port().release(jobId)
      ctx.audit('review.released', jobId, { datasets: job.datasets.map((d) => d.did), consumer: job.owner })
      return { job }
    },
    async rejectJob({ jobId, reason, chargeForCompute }) {
      held(jobId)
      const job = port().reject(jobId, { reason, chargeForCompute })
      ctx.audit('review.rejected', jobId, {
        datasets: job.datasets.map((d) => d.did),
        consumer: job.owner,
        reason,
        chargeForCompute,
      })
      return { job }
    },
  }
}
