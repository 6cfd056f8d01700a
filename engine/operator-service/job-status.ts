/**
 * Ocean's compute job status codes (provider-api.md §7), their wire texts and the UI phase of each.
 *
 * This is the "common" layer: pure data, imported by the console contract and the renderer.
 * It must not import anything but zod (no node:*, no I/O).
 */

export const JobStatus = {
  JobStarted: 0,
  JobQueued: 1,
  JobQueuedExpired: 2,
  PullImage: 10,
  PullImageFailed: 11,
  BuildImage: 12,
  BuildImageFailed: 13,
  VulnerableImage: 14,
  ConfiguringVolumes: 20,
  VolumeCreationFailed: 21,
  ContainerCreationFailed: 22,
  Provisioning: 30,
  DataProvisioningFailed: 31,
  AlgorithmProvisioningFailed: 32,
  DataUploadFailed: 33,
  RunningAlgorithm: 40,
  AlgorithmFailed: 41,
  DiskQuotaExceeded: 42,
  FilteringResults: 50,
  PublishingResults: 60,
  ResultsFetchFailed: 61,
  ResultsUploadFailed: 62,
  JobFinished: 70,
  JobSettle: 71,
} as const

export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus]

export const ALL_JOB_STATUSES: readonly JobStatus[] = Object.values(JobStatus)

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'number' && (ALL_JOB_STATUSES as readonly number[]).includes(value)
}

/**
 * Wire texts, byte for byte as Ocean Node's C2DStatusText (note the trailing space of 40).
 * Computed when a job is serialised, never stored, so they cannot drift.
 */
export const JOB_STATUS_TEXT: Readonly<Record<JobStatus, string>> = {
  0: 'Job started',
  1: 'Job queued',
  2: 'Job expired in queue',
  10: 'Pulling algorithm image',
  11: 'Pulling algorithm image failed',
  12: 'Building algorithm image',
  13: 'Building algorithm image failed',
  14: 'Image has vulnerabilities',
  20: 'Configuring volumes',
  21: 'Volume creation failed',
  22: 'Container creation failed',
  30: 'Provisioning data',
  31: 'Data provisioning failed',
  32: 'Algorithm provisioning failed',
  33: 'Data upload to container failed',
  40: 'Running algorithm ',
  41: 'Failed to run algorithm',
  42: 'Error: disk quota exceeded',
  50: 'Filtering results',
  60: 'Publishing results',
  61: 'Failed to get outputs folder from container',
  62: 'Failed to upload results to storage',
  70: 'Job finished',
  71: 'Job settling',
}

/** Status 60's text while the outputs wait for the publisher (issue 12); ocean.js keeps polling. */
export const REVIEW_STATUS_TEXT = "Awaiting the publisher's review"

/** Coarse phase of a status, for the console's timeline and filters. */
export const JobPhase = {
  Queued: 'queued',
  Configuring: 'configuring',
  Running: 'running',
  Publishing: 'publishing',
  Settling: 'settling',
  Done: 'done',
} as const
export type JobPhase = (typeof JobPhase)[keyof typeof JobPhase]

export const JOB_STATUS_PHASE: Readonly<Record<JobStatus, JobPhase>> = {
  0: 'configuring',
  1: 'queued',
  2: 'done',
  10: 'configuring',
  11: 'configuring',
  12: 'configuring',
  13: 'configuring',
  14: 'configuring',
  20: 'configuring',
  21: 'configuring',
  22: 'configuring',
  30: 'configuring',
  31: 'configuring',
  32: 'configuring',
  33: 'configuring',
  40: 'running',
  41: 'running',
  42: 'running',
  50: 'publishing',
  60: 'publishing',
  61: 'publishing',
  62: 'publishing',
  70: 'done',
  71: 'settling',
}

/** Statuses that mean "this job failed at that stage" (the job still walks on to 71/70). */
export const FAILURE_STATUSES: readonly JobStatus[] = [2, 11, 13, 14, 21, 22, 31, 32, 33, 41, 42, 61, 62]

export function isFailureStatus(status: JobStatus): boolean {
  return FAILURE_STATUSES.includes(status)
}

/** Only 70 is terminal; every other status still has work (or settlement) ahead. */
export function isTerminalStatus(status: JobStatus): boolean {
  return status === JobStatus.JobFinished
}

/**
 * How a job ended, kept apart from the status: Ocean clients wait for 70 whatever happened,
 * so reaching 70 must never erase why (style.md §2.4).
 */
export const JobOutcomeKind = {
  Succeeded: 'succeeded',
  Failed: 'failed',
  Stopped: 'stopped',
  Expired: 'expired',
} as const
export type JobOutcomeKind = (typeof JobOutcomeKind)[keyof typeof JobOutcomeKind]

export interface JobOutcome {
  kind: JobOutcomeKind
  /** The failure status the job passed through (e.g. 41), when it failed. */
  failureStatus?: JobStatus
  /** Words for a human: shown in the console and written to the stage log. */
  reason?: string
}

/** Result file kinds (provider-api.md §7). */
export const ResultType = {
  ImageLog: 'imageLog',
  ConfigurationLog: 'configurationLog',
  AlgorithmLog: 'algorithmLog',
  Output: 'output',
  PublishLog: 'publishLog',
} as const
export type ResultType = (typeof ResultType)[keyof typeof ResultType]
