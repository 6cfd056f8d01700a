/**
 * The Ocean job status state machine (style.md §2.4, provider-api.md §7): one transition table
 * and a pure `decide` that maps driver observations onto statuses.
 *
 * Pure: no I/O, no clock, no store. The one door that writes statuses is `job-transitions.ts`.
 */
import type { CollectedResult, Observation } from '../operator-engine/driver'
import { FAILURE_STATUSES, JobStatus, type JobOutcome } from './job-status'

/** Every legal move. No back-edges: a lost container fails the job, it never goes back to 20. */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  1: [0, 2, 70], // 70: stopped while queued
  0: [10, 12, 20],
  10: [20, 11],
  12: [20, 13],
  14: [71, 70],
  20: [30, 14, 21, 22],
  30: [40, 31, 32, 33],
  40: [60, 41, 42, 50], // 60 also when a running job is stopped (publish what exists)
  50: [60],
  60: [70, 71, 61, 62],
  2: [71, 70],
  11: [71, 70],
  13: [71, 70],
  21: [71, 70],
  22: [71, 70],
  31: [71, 70],
  32: [71, 70],
  33: [71, 70],
  41: [71, 70],
  42: [71, 70],
  61: [71, 70],
  62: [71, 70],
  71: [70],
  70: [],
}

export class IllegalJobTransition extends Error {
  constructor(
    readonly jobId: string,
    readonly from: JobStatus | null,
    readonly to: JobStatus,
  ) {
    super(`Illegal job transition for ${jobId}: ${from ?? 'none'} → ${to}`)
    this.name = 'IllegalJobTransition'
  }
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_TRANSITIONS[from].includes(to)
}

/** The part of a job `decide` reads. */
export interface DecisionInput {
  status: JobStatus
  isFree: boolean
  stopRequested: boolean
  outcome: JobOutcome | null
  maxJobDurationSec: number
  /** Publisher review (issue 12): 'armed' holds the collected outputs at 60 instead of finishing. */
  review?: { state: 'armed' | 'held' | 'released' | 'rejected' }
}

export interface JobResultEntry extends CollectedResult {
  index: number
}

/** Fields a decision writes together with its statuses. */
export interface JobPatch {
  outcome?: JobOutcome
  terminationDetails?: { exitCode: number | null; oomKilled: boolean }
  algoStartMs?: number
  algoStopMs?: number
  /** 'receipt' is added by the Operator-Service after 70, never by a decision. */
  results?: Array<Omit<JobResultEntry, 'type'> & { type: JobResultEntry['type'] | 'receipt' }>
}

export type JobEffect = { kind: 'settle' } | { kind: 'release-slot' } | { kind: 'hold-for-review' }

export interface Decision {
  /** Statuses to walk, in order (empty: nothing changes). */
  path: JobStatus[]
  outcome?: JobOutcome
  patch?: JobPatch
  effects: JobEffect[]
}

/** Forward (non-failure) statuses a driver walks through. */
const HAPPY: ReadonlySet<JobStatus> = new Set<JobStatus>([0, 10, 12, 20, 30, 40, 50, 60])

/**
 * Shortest walk from `from` to `to` over happy statuses, `to` itself may be a failure status.
 * Returns undefined when `to` is not ahead of `from`.
 */
export function walk(from: JobStatus, to: JobStatus): JobStatus[] | undefined {
  if (from === to) return []
  const previous = new Map<JobStatus, JobStatus>()
  const queue: JobStatus[] = [from]
  while (queue.length > 0) {
    const at = queue.shift()!
    for (const next of JOB_TRANSITIONS[at]) {
      if (previous.has(next) || next === from) continue
      previous.set(next, at)
      if (next === to) {
        const path: JobStatus[] = [to]
        let step = at
        while (step !== from) {
          path.unshift(step)
          step = previous.get(step)!
        }
        return path
      }
      if (HAPPY.has(next)) queue.push(next)
    }
  }
  return undefined
}

const NOTHING: Decision = { path: [], effects: [] }

/**
 * Failures after the algorithm ran (exit code, OOM, deadline; disk quota): their outputs and
 * algorithm log are held under publisher review like a success's (issue 12).
 */
export const ALGORITHM_FAILURES: readonly JobStatus[] = [41, 42]

function isFailed(status: JobStatus): boolean {
  return FAILURE_STATUSES.includes(status)
}

/** Where a job ends: paid jobs settle first (71), free ones finish (70). */
function finalStep(job: DecisionInput): { step: JobStatus; effects: JobEffect[] } {
  return job.isFree
    ? { step: 70, effects: [{ kind: 'release-slot' }] }
    : { step: 71, effects: [{ kind: 'release-slot' }, { kind: 'settle' }] }
}

function fail(job: DecisionInput, failureStatus: JobStatus, reason: string, patch: JobPatch = {}): Decision {
  if (isFailed(job.status) || job.status === 71 || job.status === 70) return NOTHING
  const path = walk(job.status, failureStatus)
  if (!path) return NOTHING
  const outcome: JobOutcome = job.stopRequested
    ? { kind: 'stopped', reason: 'stopped by request' }
    : { kind: 'failed', failureStatus, reason }
  return { path, outcome, patch: { ...patch, outcome }, effects: [] }
}

function advance(job: DecisionInput, to: JobStatus, patch?: JobPatch): Decision {
  const path = walk(job.status, to)
  if (!path || path.length === 0) return patch ? { path: [], patch, effects: [] } : NOTHING
  return { path, patch, effects: [] }
}

/** Which failure a `lost` job records, by the stage it was lost in. */
function lostFailureStatus(status: JobStatus): JobStatus {
  if (status === 30) return 31
  if (status === 40 || status === 50) return 41
  if (status === 60) return 61
  return 22
}

function indexResults(results: CollectedResult[]): JobResultEntry[] {
  return results.map((r, index) => ({
    filename: r.filename,
    filesizeBytes: r.filesizeBytes,
    type: r.type,
    index,
  }))
}

/**
 * Pure: what an observation means for a job. Observations that arrive late (after the job moved
 * past them) or twice decide nothing, so replaying a driver's story after a restart is harmless.
 */
export function decide(job: DecisionInput, observation: Observation): Decision {
  if (job.status === 70 || job.status === 71 || job.status === 1 || job.status === 2) return NOTHING
  // A held job waits for the publisher alone; a driver replaying its story after a restart changes nothing.
  if (job.review?.state === 'held') return NOTHING
  switch (observation.kind) {
    case 'waiting':
      // Shown live by the Operator-Service (JobRecord.waiting); never a status.
      return NOTHING
    case 'image-pulling':
      return advance(job, 10)
    case 'image-pull-failed':
      return fail(job, 11, observation.reason)
    case 'volumes-configuring':
      return advance(job, 20)
    case 'volume-failed':
      return fail(job, 21, observation.reason)
    case 'container-create-failed':
      return fail(job, 22, observation.reason)
    case 'provisioning':
      return advance(job, 30)
    case 'data-provisioning-failed':
      return fail(job, 31, observation.reason)
    case 'algorithm-provisioning-failed':
      return fail(job, 32, observation.reason)
    case 'algorithm-started':
      return advance(job, 40, { algoStartMs: observation.atMs })
    case 'container-exited': {
      const patch: JobPatch = {
        algoStopMs: observation.atMs,
        terminationDetails: { exitCode: observation.exitCode, oomKilled: observation.oomKilled },
      }
      if (isFailed(job.status)) return NOTHING
      if (job.stopRequested) {
        const outcome: JobOutcome = { kind: 'stopped', reason: 'stopped by request' }
        const d = advance(job, 60, { ...patch, outcome })
        return { ...d, outcome }
      }
      if (observation.oomKilled)
        return fail(job, 41, observation.reason ?? 'the algorithm ran out of memory (OOM killed)', patch)
      if (observation.exitCode !== 0) {
        return fail(
          job,
          41,
          observation.reason ?? `the algorithm exited with code ${observation.exitCode}`,
          patch,
        )
      }
      return advance(job, 40, patch)
    }
    case 'deadline-exceeded':
      return fail(job, 41, `exceeded maxJobDuration of ${job.maxJobDurationSec} s`, {
        algoStopMs: observation.atMs,
        terminationDetails: { exitCode: null, oomKilled: false },
      })
    case 'disk-quota-exceeded':
      return fail(job, 42, observation.reason)
    case 'publishing':
      return isFailed(job.status) ? NOTHING : advance(job, 60)
    case 'outputs-collected':
    case 'results-failed':
    case 'outputs-refused': {
      const results = indexResults(observation.results)
      const { step, effects } = finalStep(job)
      let path: JobStatus[]
      let outcome: JobOutcome | undefined
      if (isFailed(job.status)) {
        if (job.review?.state === 'armed' && ALGORITHM_FAILURES.includes(job.status)) {
          // The algorithm ran and failed: its outputs and log may leak data just as much. Held at
          // its failure status (served as 60) until the publisher decides; the outcome stays failed.
          return {
            path: [],
            patch: { results },
            effects: [{ kind: 'release-slot' }, { kind: 'hold-for-review' }],
          }
        }
        path = [step]
      } else if (observation.kind !== 'outputs-collected') {
        const failureStatus = observation.kind === 'results-failed' ? 61 : 62
        const toFailure = walk(job.status, failureStatus)
        if (!toFailure) return NOTHING
        path = [...toFailure, step]
        outcome = job.stopRequested
          ? { kind: 'stopped', reason: 'stopped by request' }
          : { kind: 'failed', failureStatus, reason: observation.reason }
      } else {
        const toPublishing = walk(job.status, 60)
        if (!toPublishing) return NOTHING
        if (job.review?.state === 'armed') {
          // Held at 60 until the publisher releases or rejects (or the window passes); the slot is free.
          const held: JobOutcome | undefined = job.stopRequested
            ? { kind: 'stopped', reason: 'stopped by request' }
            : undefined
          return {
            path: toPublishing,
            outcome: held,
            patch: held ? { results, outcome: held } : { results },
            effects: [{ kind: 'release-slot' }, { kind: 'hold-for-review' }],
          }
        }
        path = [...toPublishing, step]
        if (!job.outcome)
          outcome = job.stopRequested
            ? { kind: 'stopped', reason: 'stopped by request' }
            : { kind: 'succeeded' }
      }
      return { path, outcome, patch: outcome ? { results, outcome } : { results }, effects }
    }
    case 'lost': {
      const { step, effects } = finalStep(job)
      if (isFailed(job.status)) return { path: [step], effects }
      const d = fail(job, lostFailureStatus(job.status), observation.reason)
      if (d.path.length === 0) return d
      const lostResults = observation.results?.length ? { results: indexResults(observation.results) } : {}
      // A stopped job that was lost keeps "stopped" but says why it ended without its driver.
      const outcome: JobOutcome | undefined =
        d.outcome?.kind === 'stopped'
          ? { kind: 'stopped', reason: `stopped by request; ${observation.reason}` }
          : d.outcome
      return {
        ...d,
        outcome,
        patch: { ...d.patch, ...lostResults, outcome },
        path: [...d.path, step],
        effects,
      }
    }
  }
}
