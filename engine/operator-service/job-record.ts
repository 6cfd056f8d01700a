/**
 * The Operator-Service's public types: the job record, its inputs and filters, the service
 * interface and the settlement port it needs from above. Re-exported by operator-service.ts.
 * Imports only job-status, driver types, results' OpenedResult and the store's sort key types.
 */
import type { CollectedResult, JobSpec } from '../operator-engine/driver'
import type { JobOutcome, JobStatus } from './job-status'
import type { OpenedResult } from './results'
import type { JobsAfter, JobsSort } from '../store/jobs-repo'

export interface JobResultFile {
  filename: string
  filesizeBytes: number
  /** 'receipt': the signed job receipt (issue 12), always after the driver's files. */
  type: CollectedResult['type'] | 'receipt'
  index: number
}
/**
 * Output review before release (issue 12), fixed when the job is registered so a later policy
 * change never frees a job that was started under review.
 * - `armed`: the job runs; its outputs will be held.
 * - `held`: status 60, outputs kept from the consumer until the publisher decides or `deadlineMs`.
 * - `released` / `rejected`: decided (`decidedBy` the publisher, or the window passing).
 */
export interface JobReview {
  windowSec: number
  state: 'armed' | 'held' | 'released' | 'rejected'
  heldAtMs?: number
  deadlineMs?: number
  decidedAtMs?: number
  decidedBy?: 'publisher' | 'window'
  reason?: string
  /** Reject only: claim the compute actually used instead of releasing the whole lock. */
  chargeForCompute?: boolean
}
export interface JobPayment {
  chainId: number
  token: string
  costWei: string
  lockTx?: string
  claimTx?: string
  /** What the claim paid the node (≤ costWei, the lock). */
  claimedWei?: string
  cancelTx?: string
  escrowJobId?: string
}
export interface JobRecord {
  jobId: string
  owner: string
  environmentId: string
  datasets: Array<{ did: string; serviceId: string; transferTxId?: string }>
  algorithm: { did?: string; serviceId?: string; transferTxId?: string; isRawCode: boolean }
  status: JobStatus
  outcome: JobOutcome | null
  stopRequested: boolean
  createdAtMs: number
  updatedAtMs: number
  finishedAtMs: number | null
  algoStartMs: number | null
  algoStopMs: number | null
  maxJobDurationSec: number
  queueMaxWaitTimeSec: number
  resources: Array<{ id: string; amount: number; price?: number }>
  isFree: boolean
  additionalViewers: string[]
  metadata: Record<string, unknown>
  results: JobResultFile[]
  terminationDetails: { exitCode: number | null; oomKilled: boolean }
  payment: JobPayment | null
  agreementId: string
  /** Absent: outputs are released automatically (records written before issue 12 have none). */
  review?: JobReview
  /**
   * The consumer's persistent-storage bucket that receives the outputs when the job finishes (Ocean
   * Node's `outputBucketId`); absent: outputs are only served by computeResult.
   */
  outputBucketId?: string
  /** Persisted (secrets stay in the local DB; never serialised to consumers or the renderer). */
  spec: JobSpec
  /**
   * Live, not persisted: why the running job waits now, from its driver (a Kubernetes pod that is
   * unschedulable, a volume that does not bind), since when. Absent when it does not wait.
   */
  waiting?: { reason: string; sinceMs: number }
}
export interface RegisterJobInput {
  /** The Provider may pre-compute it (escrow lock id = sha256(jobId)); default random. */
  jobId?: string
  owner: string
  environmentId: string
  datasets: JobRecord['datasets']
  algorithm: JobRecord['algorithm']
  spec: Omit<JobSpec, 'jobId' | 'jobDir'>
  maxJobDurationSec: number
  queueMaxWaitTimeSec?: number
  resources: JobRecord['resources']
  isFree: boolean
  additionalViewers?: string[]
  metadata?: Record<string, unknown>
  payment?: JobPayment
  agreementId?: string
  /** Publisher review of the outputs, with its window (issue 12); absent: automatic release. */
  review?: { windowSec: number }
  /** Ocean Node's `outputBucketId`: the bucket the Provider checked the owner may write to. */
  outputBucketId?: string
}
export interface JobFilter {
  owner?: string
  jobId?: string
  agreementId?: string
  statuses?: JobStatus[]
  environmentId?: string
  did?: string
  isFree?: boolean
  /** Outcome kind (the outcome_kind column). */
  outcome?: string
  /** Substring search terms (any matches) over job id, consumer and DIDs. */
  searchTerms?: readonly string[]
  /** Keyset paging: the jobs after this one in the list's order (with the sort column's value; jobs-repo.ts). */
  after?: JobsAfter
  /** Sort column (default created) and direction (default newest first). */
  sort?: JobsSort
  order?: 'newest' | 'oldest'
  limit?: number
  offset?: number
}
/** New algorithm-log text; `offsetBytes`..`nextByte` is its place in the log file. */
export interface JobLogChunk {
  jobId: string
  chunk: string
  offsetBytes?: number
  nextByte?: number
}
export interface JobChange {
  seq: number
  job: JobRecord
  from: JobStatus | null
  to: JobStatus
  cause: string
}
export interface JobEvent {
  seq: number
  from: JobStatus | null
  to: JobStatus
  cause: string
  atMs: number
}
export interface OperatorService {
  registerJob(input: RegisterJobInput): JobRecord
  getJob(jobId: string): JobRecord | undefined
  listJobs(filter: JobFilter): JobRecord[]
  countJobs(filter: JobFilter): number
  jobEvents(jobId: string): JobEvent[]
  stopJob(jobId: string): Promise<JobRecord>
  deleteJob(jobId: string): Promise<void>
  openResult(jobId: string, index: number): OpenedResult
  followAlgorithmLog(jobId: string, signal: AbortSignal): AsyncIterable<Buffer>
  isAlgorithmRunning(jobId: string): boolean
  /** Where the algorithm log is written (readable from its first line while the job runs). */
  algorithmLogPath(jobId: string): string
  environmentLoad(environmentId: string): {
    running: number
    queued: number
    runningFree: number
    queuedFree: number
  }
  onDidChangeJob(listener: (change: JobChange) => void): () => void
  onJobLog(listener: (e: JobLogChunk) => void): () => void
  /** Publisher review (issue 12): a held job ends 70 succeeded and its outputs are served. */
  releaseJob(jobId: string): JobRecord
  /** Publisher review: a held job ends 70 failed with the reason; only its configuration log is served. */
  rejectJob(
    jobId: string,
    decision: { reason: string; chargeForCompute?: boolean; by?: 'publisher' | 'window' },
  ): JobRecord
}

/** Pays out or refunds a paid job's escrow (provider's chain/escrow.ts). Must be idempotent per job. */
export interface JobSettlement {
  settle(job: JobRecord): Promise<{ claimTx?: string; claimedWei?: string; cancelTx?: string }>
}

/**
 * Writes a finished job's outputs into the consumer's bucket (Ocean Node's `outputBucketId`): the
 * Provider binds it to its persistent storage. Resolves once every file is in place; throws (with a
 * message a consumer can act on) when nothing was written.
 */
export interface JobOutputDelivery {
  deliver(job: JobRecord, outputsTarPath: string): Promise<{ written: string[]; skipped: string[] }>
}

/**
 * Signs a finished job's receipt (issue 12) and writes it to the job's results folder: the
 * Provider binds it to chain/job-receipt.ts with the node key. Undefined: nothing was written
 * (the key is locked); the job is then served without a receipt.
 */
export interface JobReceipts {
  seal(job: JobRecord, resultsDir: string): Promise<{ filename: string; filesizeBytes: number } | undefined>
}
