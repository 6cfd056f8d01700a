/**
 * The Operator-Engine's driver contract: how one compute job runs on a backend (the local
 * bubblewrap sandbox, or a Kubernetes cluster).
 *
 * Drivers speak in backend terms (observations); they never see Ocean status codes.
 * `operator-service/job-state-machine.ts` turns observations into statuses, so both drivers
 * produce the same status sequence for the same story.
 *
 * This file must not import operator-service, provider, store or any driver.
 */

import type { AlgorithmContainer, FileSource } from '../file-source'

export type { AlgorithmContainer, FileSource } from '../file-source'

/** Everything a driver needs to run one job. Resolved by the caller, persisted with the job. */
export interface JobSpec {
  jobId: string
  /** Console-side folder owned by this job; results land in `<jobDir>/results`. */
  jobDir: string
  environment: {
    id: string
    allowNetwork: boolean
    /** Kubernetes only: GPU nodes and the like. */
    nodeSelector?: Record<string, string>
    tolerations?: Array<{ key: string; operator?: string; value?: string; effect?: string }>
    /** Kubernetes only: the Pod API's nodeAffinity (required and preferred node selector terms). */
    nodeAffinity?: NodeAffinity
    /** Kubernetes only: each step's pending timeout; unset = the driver's own. */
    pendingTimeoutSec?: number
  }
  datasets: Array<{
    did: string
    /** The DDO written to /data/ddos/<did>. */
    ddo: unknown
    files: FileSource[]
  }>
  /**
   * Files from the consumer's persistent-storage buckets (Ocean Node's `nodePersistentStorage`
   * datasets), copied read-only to /data/persistentStorage/<bucketId>/<fileName>. `path` is the
   * file inside its bucket's folder on this computer; the Provider checked the consumer may read it.
   */
  storageInputs?: Array<{ bucketId: string; fileName: string; path: string }>
  algorithm: {
    did?: string
    ddo?: unknown
    container: AlgorithmContainer
    /** Where the algorithm file comes from: its DDO's file, or raw code sent by the consumer. */
    source: FileSource | { type: 'rawcode'; code: string }
  }
  /** Written to /data/inputs/algoCustomData.json when present. */
  algoCustomData?: Record<string, unknown>
  resources: { cpu: number; ramGb: number; diskGb: number; gpu?: number }
  maxJobDurationSec: number
  limits: {
    /** Largest accepted size of one downloaded input file. */
    inputFileBytesMax: number
    /** Largest accepted outputs.tar. */
    outputBytesMax: number
  }
}

/** A node selector term: expressions on node labels, fields (`metadata.name`), all ANDed. */
export interface NodeSelectorTerm {
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>
  matchFields?: Array<{ key: string; operator: string; values?: string[] }>
}

export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] }
  preferredDuringSchedulingIgnoredDuringExecution?: Array<{ weight: number; preference: NodeSelectorTerm }>
}

export type Stage = 'configuration' | 'algorithm' | 'publishing'

/** A result file the driver has written to `<jobDir>/results/`. */
export interface CollectedResult {
  filename: string
  filesizeBytes: number
  type: 'imageLog' | 'configurationLog' | 'algorithmLog' | 'output' | 'publishLog'
}

/**
 * What a driver saw happen to a job. Ordered per job; delivered through an ObservationSink.
 * Failure observations carry `reason` in words a publisher understands.
 */
export type Observation =
  | { kind: 'image-pulling' }
  /**
   * Not a status: why the job's current step waits now (an unschedulable pod, a volume that does
   * not bind or attach), in the backend's words, shown live on the job; null once it no longer waits.
   */
  | { kind: 'waiting'; reason: string | null }
  | { kind: 'image-pull-failed'; reason: string }
  | { kind: 'volumes-configuring' }
  | { kind: 'volume-failed'; reason: string }
  | { kind: 'container-create-failed'; reason: string }
  | { kind: 'provisioning' }
  | { kind: 'data-provisioning-failed'; reason: string }
  | { kind: 'algorithm-provisioning-failed'; reason: string }
  | { kind: 'algorithm-started'; atMs: number }
  | { kind: 'container-exited'; exitCode: number; oomKilled: boolean; atMs: number; reason?: string }
  | { kind: 'deadline-exceeded'; atMs: number }
  | { kind: 'disk-quota-exceeded'; reason: string }
  | { kind: 'publishing' }
  | { kind: 'outputs-collected'; results: CollectedResult[] }
  | { kind: 'results-failed'; reason: string; results: CollectedResult[] }
  /** The outputs were found but may not be published as they are (over the output limit). */
  | { kind: 'outputs-refused'; reason: string; results: CollectedResult[] }
  /** The backend lost the job (node lost, objects deleted behind our back, sandbox gone after a crash). */
  | {
      kind: 'lost'
      reason: string
      /** Result files still on disk (logs), offered with the failure. */ results?: CollectedResult[]
    }

export type ObservationSink = (jobId: string, observation: Observation) => void

export interface DriverHealth {
  ok: boolean
  /** One line for the status bar: "bubblewrap 0.8.0", "kind-dev / c2d (v1.31.0)". */
  summary: string
  checks: Array<{
    name: string
    ok: boolean
    message: string
    fix?: string
    /** Why it failed, one word (Kubernetes: connection-diagnosis.ts's KUBE_FAILURE_CAUSES). */
    cause?: string
    /** Not run because an earlier check failed (then `ok` is false: nothing was proven). */
    skipped?: boolean
  }>
  /** The Kubernetes API server the checks talked to (the kubeconfig cluster's server URL). */
  apiServer?: string
}

/**
 * A compute backend. Every method is idempotent and keyed by job id: object names derive from
 * it, so a repeated call after a crash finds what the first one made.
 */
export interface ComputeDriver {
  readonly kind: 'local' | 'kubernetes'
  health(): Promise<DriverHealth>
  /**
   * Run the job's three stages (configuration → algorithm → publishing). Resolves once the job is
   * under way; progress arrives through `report`. The live algorithm log is appended to
   * `<jobDir>/results/algorithm.log` while the algorithm runs.
   */
  start(spec: JobSpec, report: ObservationSink): Promise<void>
  /**
   * After a restart: find what the backend still has of this job and re-attach. Reports what it
   * finds (possibly `lost`) and keeps reporting if the job is still running.
   */
  resume(spec: JobSpec, report: ObservationSink): Promise<void>
  /** Stop the algorithm; the driver still publishes what exists and reports as usual. */
  stop(jobId: string): Promise<void>
  /** Remove everything the job left on the backend (not the console-side results). */
  cleanup(jobId: string): Promise<void>
  /** Release watches and processes; running jobs are left for `resume` after the next start. */
  close(): Promise<void>
  /**
   * Called once at start, after every job the console knows was resumed: the backend removes what
   * belongs to no such job (objects of a job the console forgot, or whose cleanup never ran).
   */
  sweepUnknownJobs?(): Promise<void>
  /**
   * Refuses, before the job is registered, a job this backend can never run (the Kubernetes
   * backend: inputs over the 1 MiB a Secret may hold). Throws a C2dError whose code is in the
   * Provider's catalogue (docs/errors.md); returns when the job may be registered.
   */
  admit?(spec: JobSpec): void
}
