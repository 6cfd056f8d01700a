/**
 * The Operator-Service: the job API and its state (register, list, stop, results, logs), over
 * SQLite, with a bounded queue per environment and crash recovery. Every status change goes
 * through one door, `transition`, which checks the state machine's table, writes the row and
 * the event in one SQLite transaction, and only after commit notifies and acts.
 *
 * Must not import provider, chain, console-api or any concrete driver: what it needs from above
 * (settlement of paid jobs) is declared here as an interface and bound in engine/index.ts.
 */
import { randomUUID } from 'node:crypto'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { C2dError } from '../c2d-error'
import type { Clock } from '../clock'
import type { Logger } from '../logging'
import type { ComputeDriver, Observation } from '../operator-engine/driver'
import { JobRunner } from '../operator-engine/job-runner'
import type { Database } from '../store/database'
import { JobsRepo, type StoredJob } from '../store/jobs-repo'
import type { Environments } from './environments'
import { ALL_JOB_STATUSES, FAILURE_STATUSES, JobStatus, type JobOutcome } from './job-status'
import {
  ALGORITHM_FAILURES,
  IllegalJobTransition,
  canTransition,
  decide,
  type JobEffect,
  type JobPatch,
} from './job-state-machine'
import { algorithmLogPath, tailFile, utf8CompleteLength } from './log-streams'
import { QueueTimers, freeSlots } from './queue'
import { planRecovery } from './recovery'
import type {
  JobChange,
  JobLogChunk,
  JobEvent,
  JobFilter,
  JobOutputDelivery,
  JobPayment,
  JobReceipts,
  JobRecord,
  JobReview,
  JobSettlement,
  OperatorService,
  RegisterJobInput,
} from './job-record'
import { jobDirOf, openResultFile, resultsDirOf, type OpenedResult } from './results'

export type {
  JobChange,
  JobLogChunk,
  JobEvent,
  JobFilter,
  JobPayment,
  JobReceipts,
  JobRecord,
  JobResultFile,
  JobReview,
  JobSettlement,
  OperatorService,
  RegisterJobInput,
} from './job-record'

export interface OperatorServiceOptions {
  db: Database
  driver: ComputeDriver
  environments: Environments
  dataDir: string
  logger: Logger
  clock: Clock
  settlement?: JobSettlement
  /** Signs each finished job's receipt (issue 12); absent: jobs finish without one. */
  receipts?: JobReceipts
  /** Writes outputs into the consumer's bucket (jobs with `outputBucketId`); absent: such jobs fail 61. */
  outputDelivery?: JobOutputDelivery
}

/** Result kinds a consumer still gets when the publisher's review did not release the outputs. */
const SERVED_UNRELEASED: ReadonlySet<string> = new Set(['configurationLog', 'imageLog', 'receipt'])

/**
 * Where held jobs sit: 60 after a success, or the algorithm's failure status (41, 42) after a
 * failure; the Provider answers 60 "Awaiting the publisher's review" for both.
 */
export const HELD_STATUSES: JobStatus[] = [60, ...ALGORITHM_FAILURES]

/** True while a job's outputs wait for the publisher (review held). */
export function isHeldForReview(job: Pick<JobRecord, 'review'>): boolean {
  return job.review?.state === 'held'
}

/** Statuses that hold an environment slot (started, not yet settling or finished). */
const ACTIVE_STATUSES: JobStatus[] = ALL_JOB_STATUSES.filter(
  (s) => s !== 1 && s !== 2 && s !== 70 && s !== 71,
)
const NON_TERMINAL_STATUSES: JobStatus[] = ALL_JOB_STATUSES.filter((s) => s !== 70)
const SETTLE_RETRY_BASE_MS = 5_000
const RECENT_JOBS_MAX = 2_000
const SETTLE_RETRY_MAX_MS = 300_000
/** How long a stopped job may take to reach 70 before it is failed without its driver. */
export const STOP_GRACE_MS = 30_000
/** How long shutdown waits for the driver before it gives up on jobs that will not end. */
export const CLOSE_GRACE_MS = 15_000

export class SqliteOperatorService implements OperatorService {
  private readonly repo: JobsRepo
  private readonly runner: JobRunner
  private readonly queueTimers: QueueTimers
  private readonly changeListeners = new Set<(change: JobChange) => void>()
  private readonly logListeners = new Set<(e: JobLogChunk) => void>()
  private readonly logTails = new Map<string, AbortController>()
  private readonly settleAttempts = new Map<string, number>()
  private settlement: JobSettlement | undefined
  private receipts: JobReceipts | undefined
  private readonly reviewDeadlines = new Map<string, () => void>()
  private readonly sealing = new Set<string>()
  private readonly holdListeners = new Set<(job: JobRecord) => void>()
  private readonly recent = new Map<string, JobRecord>()
  private closed = false
  private pumping = false
  private readonly stopDeadlines = new Map<string, () => void>()
  /** Why each waiting job waits now (driver `waiting` observations), cleared by its next status. */
  private readonly waiting = new Map<string, { reason: string; sinceMs: number }>()
  /** Jobs whose outputs are being written into their output bucket (at most one write per job). */
  private readonly deliveries = new Map<string, Promise<void>>()

  constructor(private readonly options: OperatorServiceOptions) {
    this.repo = new JobsRepo(options.db)
    this.runner = new JobRunner(options.driver, options.logger)
    this.queueTimers = new QueueTimers(options.clock)
    this.settlement = options.settlement
    this.receipts = options.receipts
  }

  /** Binds receipt signing once the node key is known; seals recently finished jobs that lack one. */
  setReceipts(receipts: JobReceipts): void {
    this.receipts = receipts
    for (const job of this.listJobs({ statuses: [70], limit: 100 }))
      if (!job.results.some((r) => r.type === 'receipt')) void this.seal(job.jobId)
  }

  /** Binds settlement after the chain is up; settles any job that waited for it. */
  setSettlement(settlement: JobSettlement): void {
    this.settlement = settlement
    for (const job of this.listJobs({ statuses: [71] })) void this.settle(job.jobId)
  }

  /** Recovery ("list then watch"), then fills free slots. Call once after construction. */
  async start(): Promise<void> {
    const nonTerminal = this.listJobs({ statuses: NON_TERMINAL_STATUSES })
    // Held jobs wait for the publisher, not for a driver: their window is re-armed, nothing resumed.
    for (const job of nonTerminal) if (isHeldForReview(job)) this.armReviewDeadline(job)
    const plan = planRecovery(nonTerminal.filter((job) => !isHeldForReview(job)))
    for (const job of plan.requeue) this.armExpiry(job)
    for (const job of plan.settle) void this.settle(job.jobId)
    await Promise.all(
      plan.resume.map((job) => {
        // Stopped before its algorithm started: never run it again (a driver may restart such jobs).
        if (job.stopRequested && job.algoStartMs === null) {
          this.sink(job.jobId, { kind: 'lost', reason: 'the console restarted before the stop completed' })
          return Promise.resolve()
        }
        this.options.logger.info('resuming job after restart', { jobId: job.jobId, status: job.status })
        if (job.status === 40) this.startLogTail(job)
        return this.runner.resume(job.spec, this.sink)
      }),
    )
    this.pump()
  }

  /** Stops accepting observations and timers; running jobs are left for `resume` on the next start. */
  async close(): Promise<void> {
    this.closed = true
    this.queueTimers.disarmAll()
    for (const cancel of this.reviewDeadlines.values()) cancel()
    this.reviewDeadlines.clear()
    for (const tail of this.logTails.values()) tail.abort()
    this.logTails.clear()
    for (const cancel of this.stopDeadlines.values()) cancel()
    this.stopDeadlines.clear()
    // Bounded: a driver stuck on a job (a hung mount, a packer that never returns) must not keep
    // the process from exiting. Recovery on the next start handles whatever was left.
    let cancelTimer = () => {}
    const gaveUp = new Promise<'timeout'>((resolve) => {
      cancelTimer = this.options.clock.setTimer(() => resolve('timeout'), CLOSE_GRACE_MS)
    })
    const ended = await Promise.race([this.options.driver.close().then(() => 'closed' as const), gaveUp])
    cancelTimer()
    if (ended === 'timeout')
      this.options.logger.warn('driver did not close in time; its jobs are left to recovery', {
        graceMs: CLOSE_GRACE_MS,
      })
  }

  registerJob(input: RegisterJobInput): JobRecord {
    if (this.closed) throw new C2dError('ENGINE_UNAVAILABLE', 503, 'The operator service is shutting down')
    const env = this.options.environments.getEnvironment(input.environmentId)
    if (!env)
      throw new C2dError('ENVIRONMENT_UNKNOWN', 404, `Unknown compute environment ${input.environmentId}`)
    const jobId = input.jobId ?? randomUUID().replaceAll('-', '')
    const jobDir = jobDirOf(this.options.dataDir, jobId)
    if (this.repo.get(jobId) !== undefined)
      throw new C2dError('JOB_EXISTS', 409, `Job ${jobId} already exists`)
    // A job the backend can never run is refused now, before anything is written or paid for.
    this.options.driver.admit?.({ ...input.spec, jobId, jobDir })
    const nowMs = this.options.clock.nowMs()
    const job: JobRecord = {
      jobId,
      owner: input.owner,
      environmentId: input.environmentId,
      datasets: input.datasets,
      algorithm: input.algorithm,
      status: JobStatus.JobQueued,
      outcome: null,
      stopRequested: false,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      finishedAtMs: null,
      algoStartMs: null,
      algoStopMs: null,
      maxJobDurationSec: input.maxJobDurationSec,
      queueMaxWaitTimeSec: input.queueMaxWaitTimeSec ?? env.queueMaxWaitTimeSec,
      resources: input.resources,
      isFree: input.isFree,
      additionalViewers: input.additionalViewers ?? [],
      metadata: input.metadata ?? {},
      results: [],
      terminationDetails: { exitCode: null, oomKilled: false },
      payment: input.payment ?? null,
      agreementId: input.agreementId ?? '',
      ...(input.review ? { review: { windowSec: input.review.windowSec, state: 'armed' as const } } : {}),
      ...(input.outputBucketId ? { outputBucketId: input.outputBucketId } : {}),
      spec: { ...input.spec, jobId, jobDir },
    }
    // Written (with its first event) before anything runs: a crash from here on finds it.
    const seq = this.repo.inTransaction(() => {
      this.repo.insert(toStored(job))
      return this.repo.appendEvent(jobId, null, job.status, 'registered', nowMs)
    })
    this.remember(job)
    this.options.logger.info('job registered', {
      jobId,
      environmentId: job.environmentId,
      isFree: job.isFree,
    })
    this.emit({ seq, job, from: null, to: job.status, cause: 'registered' })
    this.armExpiry(job)
    this.pump()
    return this.getJob(jobId)!
  }

  getJob(jobId: string): JobRecord | undefined {
    const job = this.recent.get(jobId) ?? (this.repo.get(jobId) as JobRecord | undefined)
    if (job && !this.recent.has(jobId)) this.remember(job)
    const waiting = job && this.waiting.get(jobId)
    return waiting ? { ...job, waiting } : job
  }

  /**
   * Committed records of recently read or written jobs: every write goes through this service, so
   * the copy stays exact, and status polls (the Provider's hottest call) skip SQLite and JSON parsing.
   * Frozen: a record is shared by its readers and never changed in place.
   */
  private remember(job: JobRecord): void {
    if (this.recent.size >= RECENT_JOBS_MAX) this.recent.delete(this.recent.keys().next().value!)
    this.recent.delete(job.jobId)
    this.recent.set(job.jobId, Object.freeze(job))
  }

  private requireJob(jobId: string): JobRecord {
    const job = this.getJob(jobId)
    if (!job) throw new C2dError('JOB_NOT_FOUND', 404, `Job ${jobId} not found`)
    return job
  }

  listJobs(filter: JobFilter): JobRecord[] {
    // Ids from SQLite, records through the recent-jobs copy: an owner's status poll parses nothing new.
    return this.repo.listIds(filter).flatMap((jobId) => this.getJob(jobId) ?? [])
  }

  /** The job's value in a sort's leading column, for keyset cursors (JobsRepo.sortValue). */
  jobSortValue(jobId: string, sort: 'status' | 'duration' | 'assetName'): number | string | undefined {
    return this.repo.sortValue(jobId, sort)
  }

  countJobs(filter: JobFilter): number {
    return this.repo.count({ ...filter, limit: undefined, offset: undefined })
  }

  jobEvents(jobId: string): JobEvent[] {
    return this.repo.events(jobId).map((e) => ({
      seq: e.seq,
      from: e.from as JobStatus | null,
      to: e.to as JobStatus,
      cause: e.cause,
      atMs: e.atMs,
    }))
  }

  /**
   * The one door for status changes. Checks the table, writes row + event in one SQLite
   * transaction, then (after commit) notifies. Throws IllegalJobTransition on an illegal move.
   */
  transition(
    jobId: string,
    to: JobStatus,
    cause: string,
    patch?: JobPatch & { stopRequested?: boolean; payment?: JobPayment | null; review?: JobReview },
  ): JobRecord {
    return this.transitionPath(jobId, [to], cause, patch, [])
  }

  private transitionPath(
    jobId: string,
    path: readonly JobStatus[],
    cause: string,
    patch:
      (JobPatch & { stopRequested?: boolean; payment?: JobPayment | null; review?: JobReview }) | undefined,
    effects: readonly JobEffect[],
  ): JobRecord {
    const changes: JobChange[] = []
    let job: JobRecord
    try {
      job = this.repo.inTransaction(() => {
        let current = this.requireJob(jobId)
        if (patch) current = { ...current, ...patch }
        for (const to of path) {
          const from = current.status
          if (!canTransition(from, to)) throw new IllegalJobTransition(jobId, from, to)
          const nowMs = this.options.clock.nowMs()
          current = {
            ...current,
            status: to,
            updatedAtMs: nowMs,
            finishedAtMs: to === 70 ? nowMs : current.finishedAtMs,
          }
          if ((to === 70 || to === 71) && current.review && current.review.state !== 'released')
            current = { ...current, results: unreleasedResults(current.results) }
          this.repo.update(toStored(current))
          const seq = this.repo.appendEvent(jobId, from, to, cause, nowMs)
          changes.push({ seq, job: current, from, to, cause })
        }
        if (path.length === 0 && patch) {
          current = { ...current, updatedAtMs: this.options.clock.nowMs() }
          this.repo.update(toStored(current))
        }
        return current
      })
    } catch (error) {
      this.recent.delete(jobId) // rolled back: read it again from the store next time
      throw error
    }
    this.remember(job)
    // After commit only: listeners and effects never see a state that could roll back.
    for (const change of changes) {
      this.options.logger.info('job status', { jobId, from: change.from, to: change.to, cause })
      this.emit(change)
    }
    this.afterChanges(job, changes, effects)
    return job
  }

  private afterChanges(job: JobRecord, changes: readonly JobChange[], effects: readonly JobEffect[]): void {
    const reached = new Set(changes.map((c) => c.to))
    if (reached.has(40)) this.startLogTail(job)
    // No abort when the job leaves 40: the tail sees the algorithm stopped, reads the last bytes and ends.
    if (reached.has(70) || reached.has(71)) {
      this.queueTimers.disarm(job.jobId)
      if (changes.some((c) => c.from !== 1 && c.from !== 2 && c.from !== null)) {
        this.runner
          .cleanup(job.jobId)
          .catch((error: unknown) =>
            this.options.logger.warn('driver cleanup failed', { jobId: job.jobId, error: String(error) }),
          )
      }
    }
    if (effects.some((e) => e.kind === 'hold-for-review')) {
      this.armReviewDeadline(job)
      for (const listener of this.holdListeners) listener(job)
    }
    if (reached.has(70)) void this.seal(job.jobId)
    if (effects.some((e) => e.kind === 'settle')) void this.settle(job.jobId)
    if (effects.some((e) => e.kind === 'release-slot') || reached.has(70) || reached.has(71)) this.pump()
  }

  /**
   * Driver observations → decide → the one door. Late or repeated observations are harmless. A job
   * with an output bucket has its outputs written there first (deliverOutputs); its later
   * observations wait for that, so they still apply in order.
   */
  private readonly sink = (jobId: string, observation: Observation): void => {
    if (this.closed) return
    const pending = this.deliveries.get(jobId)
    if (pending) {
      void pending.then(() => this.sink(jobId, observation))
      return
    }
    const job = this.getJob(jobId)
    if (job?.outputBucketId && observation.kind === 'outputs-collected' && job.review?.state !== 'armed') {
      const decision = decide(job, observation)
      if (decision.path.length === 0 && !decision.patch) return
      const delivery = this.deliverOutputs(job, observation)
        .then((next) => {
          this.deliveries.delete(jobId)
          this.apply(jobId, next)
        })
        .catch((error: unknown) => {
          this.deliveries.delete(jobId)
          this.options.logger.error('outputs could not be delivered', { jobId, error: String(error) })
        })
      this.deliveries.set(jobId, delivery)
      return
    }
    this.apply(jobId, observation)
  }

  /**
   * Ocean Node's outputBucketId: the outputs land in the consumer's bucket before the job may
   * finish. A failed write turns the collection into a results failure (61) with the reason, never
   * a success; a job that had already failed keeps its own failure (the write is still tried, as
   * Ocean Node's bucket receives whatever the algorithm wrote).
   */
  private async deliverOutputs(
    job: JobRecord,
    observation: Extract<Observation, { kind: 'outputs-collected' }>,
  ): Promise<Observation> {
    const bucketId = job.outputBucketId!
    const archive = observation.results.find((r) => r.type === 'output')
    const failed = FAILURE_STATUSES.includes(job.status)
    let reason: string
    // No archive (no outputs folder): the bucket receives nothing, as Ocean Node's mount would.
    if (!archive) return observation
    if (!this.options.outputDelivery) {
      reason = `persistent storage is not enabled on this node: the outputs could not be written to bucket ${bucketId}`
    } else {
      try {
        const { written, skipped } = await this.options.outputDelivery.deliver(
          job,
          join(resultsDirOf(job.spec.jobDir), archive.filename),
        )
        this.options.logger.info('outputs written to bucket', {
          jobId: job.jobId,
          bucketId,
          files: written.length,
          skipped: skipped.length,
        })
        return observation
      } catch (error) {
        reason = `the outputs could not be written to bucket ${bucketId}: ${(error as Error).message ?? String(error)}`
      }
    }
    this.options.logger.warn('output bucket not written', { jobId: job.jobId, bucketId, reason })
    if (failed) return observation
    return { kind: 'results-failed', reason, results: observation.results }
  }

  private apply(jobId: string, observation: Observation): void {
    if (this.closed) return
    const job = this.getJob(jobId)
    if (!job) {
      this.options.logger.warn('observation for an unknown job', { jobId, kind: observation.kind })
      return
    }
    if (observation.kind === 'waiting') {
      if (observation.reason === null) this.waiting.delete(jobId)
      else if (this.waiting.get(jobId)?.reason !== observation.reason)
        this.waiting.set(jobId, { reason: observation.reason, sinceMs: this.options.clock.nowMs() })
      return
    }
    const decision = decide(job, observation)
    if (decision.path.length === 0 && !decision.patch) return
    this.waiting.delete(jobId)
    let patch: (JobPatch & { review?: JobReview }) | undefined = decision.patch
    if (decision.effects.some((e) => e.kind === 'hold-for-review') && job.review) {
      const heldAtMs = this.options.clock.nowMs()
      patch = {
        ...patch,
        review: {
          ...job.review,
          state: 'held',
          heldAtMs,
          deadlineMs: heldAtMs + job.review.windowSec * 1000,
        },
      }
    }
    try {
      this.transitionPath(jobId, decision.path, `driver: ${observation.kind}`, patch, decision.effects)
    } catch (error) {
      this.options.logger.error('observation could not be applied', {
        jobId,
        kind: observation.kind,
        error: String(error),
      })
    }
  }

  async stopJob(jobId: string): Promise<JobRecord> {
    const job = this.requireJob(jobId)
    if (job.status === 1) {
      const outcome: JobOutcome = { kind: 'stopped', reason: 'stopped while queued' }
      const stopped = this.transition(jobId, 70, 'stop requested', { stopRequested: true, outcome })
      // spec: a queued job goes straight to 70; a paid one still needs its escrow lock cancelled.
      if (!stopped.isFree && stopped.payment) void this.refundStoppedInQueue(stopped)
      return stopped
    }
    if (job.status === 70 || job.status === 71 || job.stopRequested) return job
    // Record the request first: the driver's exit observation then reads as "stopped".
    const marked = this.transitionPath(jobId, [], 'stop requested', { stopRequested: true }, [])
    this.armStopDeadline(jobId)
    await this.runner.stop(jobId)
    return this.getJob(jobId) ?? marked
  }

  /**
   * A stop always finishes: if the driver has not ended the job within STOP_GRACE_MS (stuck in
   * staging, packing or a backend that stopped answering), the job is failed with a reason and
   * its slot is freed; later observations for it are ignored (it is terminal).
   */
  private armStopDeadline(jobId: string): void {
    if (this.stopDeadlines.has(jobId)) return
    const cancel = this.options.clock.setTimer(() => {
      this.stopDeadlines.delete(jobId)
      const job = this.getJob(jobId)
      if (this.closed || !job || job.status === 70 || job.status === 71) return
      this.options.logger.warn('stopped job did not end in time; failing it', { jobId, status: job.status })
      this.sink(jobId, {
        kind: 'lost',
        reason: `the job did not end within ${STOP_GRACE_MS / 1000} s of the stop request and was abandoned`,
      })
    }, STOP_GRACE_MS)
    this.stopDeadlines.set(jobId, cancel)
  }

  async deleteJob(jobId: string): Promise<void> {
    const job = this.requireJob(jobId)
    if (job.status !== 70)
      throw new C2dError('JOB_NOT_FINISHED', 409, `Job ${jobId} has not finished (status ${job.status})`)
    this.repo.remove(jobId)
    this.recent.delete(jobId)
    rmSync(job.spec.jobDir, { recursive: true, force: true })
    this.options.logger.info('job deleted', { jobId })
  }

  openResult(jobId: string, index: number): OpenedResult {
    const job = this.requireJob(jobId)
    return openResultFile(job.spec.jobDir, job.results, index)
  }

  followAlgorithmLog(jobId: string, signal: AbortSignal): AsyncIterable<Buffer> {
    const job = this.requireJob(jobId)
    if (job.status !== 40)
      throw new C2dError('LOGS_NOT_STREAMING', 404, `Job ${jobId} is not running its algorithm`)
    return tailFile(
      algorithmLogPath(job.spec.jobDir),
      () => this.isAlgorithmRunning(jobId),
      signal,
      this.options.clock,
    )
  }

  /** Where the algorithm log is written (it exists once the algorithm has started). */
  algorithmLogPath(jobId: string): string {
    return algorithmLogPath(this.requireJob(jobId).spec.jobDir)
  }

  isAlgorithmRunning(jobId: string): boolean {
    return this.getJob(jobId)?.status === 40
  }

  environmentLoad(environmentId: string): {
    running: number
    queued: number
    runningFree: number
    queuedFree: number
  } {
    const held = this.heldIn(environmentId)
    return {
      running: this.repo.count({ environmentId, statuses: ACTIVE_STATUSES }) - held.all,
      queued: this.repo.count({ environmentId, statuses: [1] }),
      runningFree: this.repo.count({ environmentId, statuses: ACTIVE_STATUSES, isFree: true }) - held.free,
      queuedFree: this.repo.count({ environmentId, statuses: [1], isFree: true }),
    }
  }

  /** Held jobs sit at 60 but run nothing: they do not take an environment slot. */
  private heldIn(environmentId: string): { all: number; free: number } {
    const held = this.listJobs({ environmentId, statuses: HELD_STATUSES }).filter(isHeldForReview)
    return { all: held.length, free: held.filter((j) => j.isFree).length }
  }

  releaseJob(jobId: string): JobRecord {
    const job = this.requireHeld(jobId)
    // A held failure is released as the failure it was (ocean.js then sees it at 70).
    const outcome: JobOutcome =
      job.outcome?.kind === 'stopped' || job.outcome?.kind === 'failed' ? job.outcome : { kind: 'succeeded' }
    const review: JobReview = {
      ...job.review!,
      state: 'released',
      decidedAtMs: this.options.clock.nowMs(),
      decidedBy: 'publisher',
    }
    this.disarmReviewDeadline(jobId)
    return this.finishHeld(job, 'review: released', { outcome, review })
  }

  rejectJob(
    jobId: string,
    decision: { reason: string; chargeForCompute?: boolean; by?: 'publisher' | 'window' },
  ): JobRecord {
    const job = this.requireHeld(jobId)
    const by = decision.by ?? 'publisher'
    const outcome: JobOutcome = {
      kind: 'failed',
      reason: by === 'window' ? decision.reason : `The publisher rejected the outputs: ${decision.reason}`,
    }
    const review: JobReview = {
      ...job.review!,
      state: 'rejected',
      decidedAtMs: this.options.clock.nowMs(),
      decidedBy: by,
      reason: decision.reason,
      ...(decision.chargeForCompute ? { chargeForCompute: true } : {}),
    }
    this.disarmReviewDeadline(jobId)
    return this.finishHeld(job, `review: rejected (${by})`, { outcome, review })
  }

  private requireHeld(jobId: string): JobRecord {
    const job = this.requireJob(jobId)
    if (!HELD_STATUSES.includes(job.status) || !isHeldForReview(job))
      throw new C2dError(
        'JOB_NOT_HELD',
        409,
        `Job ${jobId} is not awaiting the publisher's review (status ${job.status}, review ${job.review?.state ?? 'none'})`,
      )
    return job
  }

  /** 60 → 70 (free) or 71 → settle (paid); a rejected job's outputs leave the served list here. */
  private finishHeld(
    job: JobRecord,
    cause: string,
    patch: { outcome: JobOutcome; review: JobReview },
  ): JobRecord {
    const paid = !job.isFree && job.payment !== null
    return this.transitionPath(job.jobId, [paid ? 71 : 70], cause, patch, paid ? [{ kind: 'settle' }] : [])
  }

  private armReviewDeadline(job: JobRecord): void {
    if (this.reviewDeadlines.has(job.jobId) || this.closed || job.review?.deadlineMs === undefined) return
    const windowSec = job.review.windowSec
    const delayMs = Math.max(0, job.review.deadlineMs - this.options.clock.nowMs())
    const cancel = this.options.clock.setTimer(() => {
      this.reviewDeadlines.delete(job.jobId)
      const current = this.getJob(job.jobId)
      if (this.closed || !current || !isHeldForReview(current)) return
      this.rejectJob(job.jobId, {
        reason: `The publisher's review window of ${formatWindow(windowSec)} passed without a decision`,
        by: 'window',
      })
    }, delayMs)
    this.reviewDeadlines.set(job.jobId, cancel)
  }

  private disarmReviewDeadline(jobId: string): void {
    this.reviewDeadlines.get(jobId)?.()
    this.reviewDeadlines.delete(jobId)
  }

  /** Writes receipt.json after 70 and lists it after the driver's files (their indices unchanged). */
  private async seal(jobId: string): Promise<void> {
    const receipts = this.receipts
    if (!receipts || this.closed || this.sealing.has(jobId)) return
    const job = this.getJob(jobId)
    if (!job || job.status !== 70 || job.results.some((r) => r.type === 'receipt')) return
    this.sealing.add(jobId)
    try {
      const written = await receipts.seal(job, resultsDirOf(job.spec.jobDir))
      if (!written || this.closed) return
      const current = this.getJob(jobId)
      if (!current || current.results.some((r) => r.type === 'receipt')) return
      const results = [
        ...current.results,
        { ...written, type: 'receipt' as const, index: current.results.length },
      ]
      this.transitionPath(jobId, [], 'receipt signed', { results }, [])
    } catch (error) {
      this.options.logger.error('job receipt could not be signed', { jobId, error: String(error) })
    } finally {
      this.sealing.delete(jobId)
    }
  }

  /** A job's outputs were just held for the publisher's review (issue 12: the audit trail listens). */
  onDidHoldForReview(listener: (job: JobRecord) => void): () => void {
    this.holdListeners.add(listener)
    return () => this.holdListeners.delete(listener)
  }

  onDidChangeJob(listener: (change: JobChange) => void): () => void {
    this.changeListeners.add(listener)
    return () => this.changeListeners.delete(listener)
  }

  onJobLog(listener: (e: JobLogChunk) => void): () => void {
    this.logListeners.add(listener)
    return () => this.logListeners.delete(listener)
  }

  private emit(change: JobChange): void {
    for (const listener of this.changeListeners) {
      try {
        listener(change)
      } catch (error) {
        this.options.logger.error('job change listener failed', {
          jobId: change.job.jobId,
          error: String(error),
        })
      }
    }
  }

  /** Starts queued jobs while their environment has free slots, oldest first. */
  private pump(): void {
    if (this.pumping || this.closed) return
    this.pumping = true
    try {
      for (const env of this.options.environments.listEnvironments()) {
        const held = this.heldIn(env.id)
        let slots = freeSlots(
          env.maxJobs,
          this.repo.count({ environmentId: env.id, statuses: ACTIVE_STATUSES }) - held.all,
        )
        if (slots === 0) continue
        // The free tier has its own, smaller cap; a waiting free job must not block paid ones behind it.
        let freeSlotsLeft = freeSlots(
          env.free?.maxJobs ?? 0,
          this.repo.count({ environmentId: env.id, statuses: ACTIVE_STATUSES, isFree: true }) - held.free,
        )
        const queued = this.repo.list({
          environmentId: env.id,
          statuses: [1],
          order: 'oldest',
        }) as JobRecord[]
        for (const job of queued) {
          if (slots === 0) break
          if (job.isFree) {
            if (freeSlotsLeft === 0) continue
            freeSlotsLeft--
          }
          slots--
          this.queueTimers.disarm(job.jobId)
          // State first (status 0 committed), then the effect.
          const started = this.transition(job.jobId, 0, 'slot free')
          void this.runner.start(started.spec, this.sink)
        }
      }
    } finally {
      this.pumping = false
    }
  }

  private armExpiry(job: JobRecord): void {
    this.queueTimers.arm(job.jobId, job.createdAtMs, job.queueMaxWaitTimeSec, (jobId) => {
      const current = this.getJob(jobId)
      if (!current || current.status !== 1 || this.closed) return
      const outcome: JobOutcome = {
        kind: 'expired',
        failureStatus: 2,
        reason: `waited longer than queueMaxWaitTimeSec of ${current.queueMaxWaitTimeSec} s`,
      }
      const path: JobStatus[] = current.isFree || !current.payment ? [2, 70] : [2, 71]
      this.transitionPath(
        jobId,
        path,
        'queue wait expired',
        { outcome },
        path.includes(71) ? [{ kind: 'settle' }] : [],
      )
    })
  }

  private async settle(jobId: string): Promise<void> {
    const settlement = this.settlement
    if (!settlement || this.closed) return
    const job = this.getJob(jobId)
    if (!job || job.status !== 71) return
    try {
      const txs = await settlement.settle(job)
      if (this.closed) return
      this.settleAttempts.delete(jobId)
      const payment = job.payment ? { ...job.payment, ...txs } : null
      this.transition(jobId, 70, txs.claimTx ? 'settled: claimed' : 'settled: cancelled', { payment })
    } catch (error) {
      const attempt = (this.settleAttempts.get(jobId) ?? 0) + 1
      this.settleAttempts.set(jobId, attempt)
      const delayMs = Math.min(SETTLE_RETRY_MAX_MS, SETTLE_RETRY_BASE_MS * 2 ** (attempt - 1))
      this.options.logger.warn('settlement failed; will retry', {
        jobId,
        attempt,
        delayMs,
        error: String(error),
      })
      this.options.clock.setTimer(() => void this.settle(jobId), delayMs)
    }
  }

  /** Known gap: a crash between the stop and this call leaves the lock to its on-chain expiry. */
  private async refundStoppedInQueue(job: JobRecord): Promise<void> {
    if (!this.settlement) {
      this.options.logger.warn(
        'paid job stopped in queue but no settlement is bound; escrow lock left to expire',
        { jobId: job.jobId },
      )
      return
    }
    try {
      const txs = await this.settlement.settle(job)
      if (!this.closed)
        this.transitionPath(job.jobId, [], 'settled: cancelled', { payment: { ...job.payment!, ...txs } }, [])
    } catch (error) {
      this.options.logger.error('refund of a job stopped in queue failed', {
        jobId: job.jobId,
        error: String(error),
      })
    }
  }

  private startLogTail(job: JobRecord): void {
    if (this.logTails.has(job.jobId) || this.closed) return
    const controller = new AbortController()
    this.logTails.set(job.jobId, controller)
    const run = async () => {
      // Byte positions let the console splice chunks onto what readJobLog gave it; a character
      // split across reads waits for its last bytes.
      let offsetBytes = 0
      let carry = Buffer.alloc(0)
      for await (const read of tailFile(
        algorithmLogPath(job.spec.jobDir),
        () => this.isAlgorithmRunning(job.jobId),
        controller.signal,
        this.options.clock,
      )) {
        const bytes = carry.length ? Buffer.concat([carry, read]) : read
        const complete = utf8CompleteLength(bytes)
        carry = Buffer.from(bytes.subarray(complete))
        if (complete === 0) continue
        const chunk = bytes.subarray(0, complete).toString('utf8')
        const event = { jobId: job.jobId, chunk, offsetBytes, nextByte: offsetBytes + complete }
        offsetBytes += complete
        for (const listener of this.logListeners) listener(event)
      }
    }
    run()
      .catch((error: unknown) =>
        this.options.logger.warn('algorithm log tail failed', { jobId: job.jobId, error: String(error) }),
      )
      .finally(() => this.logTails.delete(job.jobId))
  }
}

/** What a consumer may still get of an unreleased job: its configuration (and image) log, re-indexed. */
function unreleasedResults(results: JobRecord['results']): JobRecord['results'] {
  return results.filter((r) => SERVED_UNRELEASED.has(r.type)).map((r, index) => ({ ...r, index }))
}

function formatWindow(windowSec: number): string {
  if (windowSec % 3600 === 0) return `${windowSec / 3600} h`
  if (windowSec % 60 === 0) return `${windowSec / 60} min`
  return `${windowSec} s`
}

function toStored(job: JobRecord): StoredJob {
  return {
    jobId: job.jobId,
    owner: job.owner,
    environmentId: job.environmentId,
    status: job.status,
    outcomeKind: job.outcome?.kind ?? null,
    isFree: job.isFree,
    agreementId: job.agreementId,
    createdAtMs: job.createdAtMs,
    updatedAtMs: job.updatedAtMs,
    finishedAtMs: job.finishedAtMs,
    record: job,
  }
}
