/**
 * The Kubernetes driver: runs each job as the labelled objects of manifests.ts in the kubeconfig-
 * selected cluster and namespace, and reports what the pods do as driver observations.
 *
 * Watch-driven: one watch on this console's pods (label selector), re-listed after a 410 Gone or a
 * dropped connection (with backoff), never a polling loop. Logs come through the pod log API (the
 * algorithm's live), results through exec + tar — the cluster never connects to the console, so it
 * may be remote and the console behind NAT. Every object name derives from the job id, so a repeated
 * call after a crash finds what the first one made (409 AlreadyExists is success).
 *
 * Must not import operator-service, provider, store or the local driver.
 */
import { closeSync, constants as fsConstants, createWriteStream, openSync, readFileSync } from 'node:fs'
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { CoreV1Api, Exec, NetworkingV1Api, Watch, type KubeConfig, type V1Pod } from '@kubernetes/client-node'
import { C2dError } from '../../../c2d-error'
import type { Clock } from '../../../clock'
import type { Logger } from '../../../logging'
import type { ComputeDriver, DriverHealth, JobSpec, Observation, ObservationSink } from '../../driver'
import { listResults, readCollectedMarker, resultsDirOf, writeCollectedMarker } from '../../job-results'
import {
  checkClusterHealth,
  errorMessage,
  runEgressCanary,
  sweepEgressCanaries,
  type EgressCanaryOptions,
  type EgressProof,
} from './health'
import {
  CONFIGURE_EXIT,
  DEFAULT_MANIFEST_OPTIONS,
  LABELS,
  IMAGE_CHECK,
  OPENSHIFT_UID_RANGE,
  ManifestError,
  SecretTooLargeError,
  StorageInlineTooLargeError,
  buildJobObjects,
  configureInputs,
  followVolume,
  jobKey,
  jobLabels,
  objectNames,
  selectorOf,
  type JobObjects,
  type ManifestOptions,
  type Step,
  type VolumePlacement,
} from './manifests'
import { followPodLog } from './pod-log-stream'
import { LogTimesRecorder, TimestampStripper } from '../../log-times'
import {
  packCommand,
  parseScan,
  scanScript,
  SCAN_NO_OUTPUTS_EXIT,
  TarEntryFilter,
  type OutputsScan,
} from './publish-script'
import { pullFailure, startFailure, stepState, type PodLike, type StepState } from './pod-observations'

export interface KubernetesDriverOptions {
  logger: Logger
  clock: Clock
  kubeConfig: KubeConfig
  namespace: string
  manifests?: Partial<Omit<ManifestOptions, 'namespace' | 'images'>> & {
    images?: Partial<ManifestOptions['images']>
  }
  /** Keep a failed job's objects this long for debugging (`kubectl describe`), then delete them. */
  failedJobRetentionSec?: number
  /** Reads `local` file sources (they travel inside the job's Secret). */
  readLocalFile?: (path: string) => Buffer
  /** First retry delay of the watch after a dropped connection; doubles up to 30 s. */
  watchRetryMs?: number
  /**
   * The egress canary (health.ts): run by health() and before the first job of an environment
   * without network; such a job is refused unless the canary proved the deny policy holds.
   */
  egressCanary?: Omit<EgressCanaryOptions, 'manifests' | 'skip'>
  /**
   * How long a watch may stay silent before client-node aborts it (its default is 30 s, while real
   * API servers send a bookmark about once a minute). Such an end resumes at once from the last
   * resourceVersion: no warning, no re-list.
   */
  watchIdleTimeoutMs?: number
  /**
   * How long a temporary create refusal (full ResourceQuota, 429, 5xx), or a single delete answered
   * 429/5xx (stop, deadline, the inputs Secret), is retried; 5 min by default.
   */
  createRetryMaxMs?: number
  /**
   * How long the publish step's scan and its pack may each take (10 min by default, as the local
   * driver); after a stop, at most 20 s. Past it the exec is abandoned and the results fail.
   */
  packTimeoutMs?: number
  /** How long close() waits for jobs to settle before it returns anyway (10 s by default). */
  closeGraceMs?: number
  /**
   * How long a step's pod may stay Pending (unschedulable, ContainerCreating, a volume that does
   * not attach) before the job fails with the reason from the pod's Events; 15 min by default.
   * An environment's `pendingTimeoutSec` (carried in its jobs' spec) overrides it.
   */
  pendingTimeoutMs?: number
  /**
   * How long an image pull may keep failing (ErrImagePull / ImagePullBackOff: the kubelet retries,
   * Docker Hub's `toomanyrequests` passes) before it is final; 5 min by default.
   */
  imagePullBackoffMaxMs?: number
  /**
   * How long a step's pod waits before the driver looks up why (its and its claim's Events) and
   * shows it live on the job (5 s by default), and how often it looks again (15 s).
   */
  waitingReasonAfterMs?: number
  waitingReasonEveryMs?: number
}

interface TrackedJob {
  spec: JobSpec
  report: ObservationSink
  step: Step | 'done'
  /** The step whose pod the driver has seen on the cluster (so its absence from a list means deleted). */
  seenStep?: Step
  reported: Set<string>
  /** Serialises this job's reactions to pod events. */
  queue: Promise<void>
  logFollow?: Promise<void>
  logAbort?: AbortController
  stopRequested: boolean
  failed: boolean
  cleaning: boolean
  objects?: JobObjects
  /** Set while the publish step's execs run: aborting it ends them (a stop, close()). */
  publishAbort?: AbortController
  /** Since when the current step's pod waits (its pending timeout counts from here). */
  pendingSince?: { step: Step; atMs: number }
  /** Since when an image of the current step's pod fails to pull. */
  pullFailingSince?: number
  /** Cancels the timer that looks at a waiting pod again. */
  cancelRecheck?: () => void
  /** The algorithm's own deadline (from its container's start): armed once, and whether it hit. */
  deadlineArmed?: boolean
  deadlineHit?: boolean
  /** Where the job volume landed (the configure pod's node, the PV's node affinity). */
  placement?: VolumePlacement
  /** The waiting reason last shown on the job, and when to look it up again. */
  waitingShown?: string
  reasonDueMs?: number
}

interface ApiError {
  code?: number
  body?: unknown
}

function statusCode(error: unknown): number | undefined {
  const e = error as ApiError & { statusCode?: number; response?: { statusCode?: number } }
  return e?.code ?? e?.statusCode ?? e?.response?.statusCode
}

/** No HTTP answer, throttled (429) or a server-side failure (5xx): worth trying again. */
function transient(error: unknown): boolean {
  const code = statusCode(error)
  return code === undefined || code === 429 || code >= 500
}

/** The answer's Retry-After (seconds, as the API server sends it), capped at the watch's maximum. */
function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { headers?: Record<string, string> })?.headers
  const value = headers?.['retry-after'] ?? headers?.['Retry-After']
  const seconds = value === undefined ? NaN : Number(value)
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(WATCH_RETRY_MAX_MS, seconds * 1000) : undefined
}

/**
 * On a failed job's PVC while it is retained: when its objects may go (ms since epoch). Kept on the
 * cluster, not in a timer only, so a console that quits or crashes first still deletes them at its
 * next start (sweepExpired) and nothing is orphaned.
 */
export const ANNOTATION_DELETE_AFTER = 'c2d.oceanprotocol.com/delete-after-ms'

const STEP_CONTAINER: Record<Step, string> = {
  configure: 'configure',
  algorithm: 'algorithm',
  publish: 'publish',
}
const WATCH_RETRY_MAX_MS = 30_000
/** How long a temporary create refusal (a full ResourceQuota, 429, 5xx) is retried. */
const CREATE_RETRY_MAX_MS = 5 * 60_000
/** Over the ~60 s between a real API server's bookmarks, so a quiet watch is rarely cut at all. */
export const DEFAULT_WATCH_IDLE_TIMEOUT_MS = 90_000
/** How long the live log may take to deliver its last bytes after the container ended. */
const LOG_TAIL_GRACE_MS = 2_000
const DEFAULT_PACK_TIMEOUT_MS = 10 * 60_000
/** After a stop the publisher is waiting: what exists is published, but within this. */
const STOPPED_PACK_TIMEOUT_MS = 20_000
const DEFAULT_CLOSE_GRACE_MS = 10_000
const DEFAULT_PENDING_TIMEOUT_MS = 15 * 60_000
const DEFAULT_IMAGE_PULL_BACKOFF_MAX_MS = 5 * 60_000
/** Event reasons that explain a waiting pod, newest first wins. */
const WAITING_EVENT_REASONS = new Set([
  'FailedScheduling',
  'FailedMount',
  'FailedAttachVolume',
  'ProvisioningFailed',
  'FailedCreatePodSandBox',
  'Failed',
  'BackOff',
])
const VOLUME_EVENT_REASONS = new Set(['FailedMount', 'FailedAttachVolume', 'ProvisioningFailed'])
const DEFAULT_WAITING_REASON_AFTER_MS = 5_000
const DEFAULT_WAITING_REASON_EVERY_MS = 15_000
/** The persistentvolume controller's words for a claim with no class while the cluster has no default. */
const NO_STORAGE_CLASS = /no storage class is set/i

/** Reads a file without following a link at its path (O_NOFOLLOW), for bucket files. */
function readFileNoFollow(path: string): Buffer {
  const fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW)
  try {
    return readFileSync(fd)
  } finally {
    closeSync(fd)
  }
}
/** The scan prints names and two numbers; more than this is not the scan's output. */
const SCAN_OUTPUT_MAX_BYTES = 4 * 1024 * 1024

export class KubernetesDriver implements ComputeDriver {
  readonly kind = 'kubernetes' as const
  private readonly core: CoreV1Api
  private readonly net: NetworkingV1Api
  private manifestOptions: ManifestOptions
  private platformChecked: Promise<void> | undefined
  private readonly jobs = new Map<string, TrackedJob>()
  private watchAbort: AbortController | undefined
  private watchStarting: Promise<void> | undefined
  private resourceVersion: string | undefined
  private watchRetryMs: number
  private closed = false
  private swept = false
  /** False once the API refused `get persistentvolumes` (a namespaced Role cannot grant it). */
  private volumesReadable = true
  private readonly timers = new Set<() => void>()
  /** The last egress canary's proof; an `unknown` one is not kept, so the next job runs it again. */
  private egressProof: Promise<EgressProof> | undefined

  constructor(private readonly options: KubernetesDriverOptions) {
    this.core = options.kubeConfig.makeApiClient(CoreV1Api)
    this.net = options.kubeConfig.makeApiClient(NetworkingV1Api)
    this.manifestOptions = {
      ...DEFAULT_MANIFEST_OPTIONS,
      ...options.manifests,
      images: { ...DEFAULT_MANIFEST_OPTIONS.images, ...options.manifests?.images },
      namespace: options.namespace,
    }
    this.watchRetryMs = options.watchRetryMs ?? 1000
  }

  private get ns(): string {
    return this.options.namespace
  }

  /**
   * Once per driver: where the namespace says the platform assigns UIDs (OpenShift's project
   * annotation), pods leave runAsUser/runAsGroup/fsGroup unset, or restricted-v2 refuses them all.
   * A namespace that cannot be read keeps the configured UIDs (health reports the read failure).
   */
  private ensurePlatform(): Promise<void> {
    this.platformChecked ??= (async () => {
      try {
        const namespace = await this.core.readNamespace({ name: this.ns })
        const range = namespace.metadata?.annotations?.[OPENSHIFT_UID_RANGE]
        if (range && this.manifestOptions.runAsUser !== undefined) {
          this.manifestOptions = { ...this.manifestOptions, runAsUser: undefined }
          this.options.logger.info('kubernetes: UIDs left to the platform', { namespace: this.ns, range })
        }
      } catch (error) {
        this.platformChecked = undefined
        this.options.logger.warn('kubernetes: namespace not readable, keeping the configured UIDs', {
          namespace: this.ns,
          status: statusCode(error),
        })
      }
    })()
    return this.platformChecked
  }

  async health(): Promise<DriverHealth> {
    await this.ensurePlatform()
    return checkClusterHealth(this.options.kubeConfig, this.ns, {
      ...this.options.egressCanary,
      manifests: this.manifestOptions,
      onProof: (proof) => this.keepEgressProof(Promise.resolve(proof)),
    })
  }

  private keepEgressProof(proof: Promise<EgressProof>): Promise<EgressProof> {
    this.egressProof = proof
    void proof.then((p) => {
      if (p.outcome === 'unknown' && this.egressProof === proof) this.egressProof = undefined
    })
    return proof
  }

  /** Whether this cluster is proven to enforce the deny-all egress policy (runs the canary once). */
  private proveEgressDenied(): Promise<EgressProof> {
    return (
      this.egressProof ??
      this.keepEgressProof(
        runEgressCanary(this.options.kubeConfig, this.ns, {
          ...this.options.egressCanary,
          manifests: this.manifestOptions,
        }),
      )
    )
  }

  /** The objects the driver would create for `spec` (also what `npm run manifests` prints). */
  objectsFor(spec: JobSpec): JobObjects {
    const readLocal = this.options.readLocalFile ?? ((p: string) => readFileSync(p))
    const inputs = configureInputs(
      spec,
      this.manifestOptions,
      readLocal,
      // A bucket file is read as the local sandbox stages it: never through a link.
      this.options.readLocalFile ?? readFileNoFollow,
    )
    return buildJobObjects(spec, inputs, this.manifestOptions)
  }

  /**
   * Refuses a job whose inputs cannot fit in its Secret (1 MiB, raw code and DDOs counted) before it
   * is registered: 413 JOB_INPUTS_TOO_LARGE, so a consumer is told at start (and a paid start's
   * escrow lock is released) rather than a job failing with 32. Other manifest problems (a local
   * file that cannot be read) are left to start(), which fails the job with the reason.
   */
  admit(spec: JobSpec): void {
    try {
      this.objectsFor(spec)
    } catch (error) {
      if (error instanceof SecretTooLargeError || error instanceof StorageInlineTooLargeError)
        throw new C2dError('JOB_INPUTS_TOO_LARGE', 413, `Kubernetes backend: ${error.message}`)
    }
  }

  async start(spec: JobSpec, report: ObservationSink): Promise<void> {
    const job = this.track(spec, report)
    const collected = await readCollectedMarker(resultsDirOf(spec.jobDir))
    if (collected) return this.emit(job, { kind: 'outputs-collected', results: collected })
    await mkdir(resultsDirOf(spec.jobDir), { recursive: true })
    this.emit(job, { kind: 'image-pulling' })
    await this.ensurePlatform()
    if (!spec.environment.allowNetwork) {
      const proof = await this.proveEgressDenied()
      if (proof.outcome !== 'blocked') {
        const reason = `refused: environment ${spec.environment.id} runs algorithms without network, but ${proof.message}. Fix: ${proof.fix}`
        await appendFile(join(resultsDirOf(spec.jobDir), 'configuration.log'), `${this.now()} ${reason}\n`)
        this.options.logger.warn('kubernetes job refused: egress denial not proven', {
          jobId: spec.jobId,
          outcome: proof.outcome,
        })
        this.emit(job, { kind: 'algorithm-provisioning-failed', reason })
        job.failed = true
        return this.finish(job, [])
      }
    }
    try {
      job.objects = this.objectsFor(spec)
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error
      await appendFile(
        join(resultsDirOf(spec.jobDir), 'configuration.log'),
        `${this.now()} failed: ${error.message}\n`,
      )
      this.emit(
        job,
        error.stage === 'dataset'
          ? { kind: 'data-provisioning-failed', reason: error.message }
          : { kind: 'algorithm-provisioning-failed', reason: error.message },
      )
      job.failed = true
      return this.finish(job, [])
    }
    await this.ensureWatch()
    job.step = 'configure'
    try {
      await this.createObjects(job.objects)
    } catch (error) {
      if (!(error instanceof CreateRefusedError)) throw error
      const reason = `the cluster refused the job's objects: ${error.message}`
      await appendFile(
        join(resultsDirOf(spec.jobDir), 'configuration.log'),
        `${this.now()} failed: ${reason}\n`,
      )
      this.emit(job, { kind: 'container-create-failed', reason })
      job.failed = true
      return this.finish(job, [])
    }
    this.options.logger.info('kubernetes job created', { jobId: spec.jobId, namespace: this.ns })
  }

  private async createObjects(objects: JobObjects): Promise<void> {
    const { secret, pvc, networkPolicies, pods } = objects
    await this.createIfAbsent(() =>
      this.core.createNamespacedSecret({ namespace: this.ns, body: secret as never }),
    )
    await this.createIfAbsent(() =>
      this.core.createNamespacedPersistentVolumeClaim({ namespace: this.ns, body: pvc as never }),
    )
    for (const policy of networkPolicies)
      await this.createIfAbsent(() =>
        this.net.createNamespacedNetworkPolicy({ namespace: this.ns, body: policy as never }),
      )
    await this.createIfAbsent(() =>
      this.core.createNamespacedPod({ namespace: this.ns, body: pods.configure as never }),
    )
  }

  async resume(spec: JobSpec, report: ObservationSink): Promise<void> {
    const job = this.track(spec, report)
    const collected = await readCollectedMarker(resultsDirOf(spec.jobDir))
    if (collected) return this.emit(job, { kind: 'outputs-collected', results: collected })
    await mkdir(resultsDirOf(spec.jobDir), { recursive: true })
    await this.ensurePlatform()
    job.objects = this.objectsFor(spec)
    await this.ensureWatch()
    const pods = (
      await this.core.listNamespacedPod({ namespace: this.ns, labelSelector: selectorOf(spec.jobId) })
    ).items as PodLike[]
    const byStep = new Map(pods.map((p) => [p.metadata?.labels?.[LABELS.step] as Step, p]))
    const step = (['publish', 'algorithm', 'configure'] as const).find((s) => byStep.has(s))
    if (!step) {
      this.emit(job, {
        kind: 'lost',
        reason: "after the console restarted, the cluster had none of this job's pods left",
      })
      job.step = 'done'
      return
    }
    job.step = step
    this.options.logger.info('kubernetes job re-attached', { jobId: spec.jobId, step })
    // Replay what the cluster shows now; later changes arrive through the watch.
    this.enqueue(job, () => this.onPod(job, byStep.get(step)!, 'MODIFIED'))
  }

  async stop(jobId: string): Promise<void> {
    const job = this.jobs.get(jobKey(jobId))
    if (!job) return
    job.stopRequested = true
    // A stop during the publish step's execs ends them (what was not packed is not published).
    job.publishAbort?.abort(new Error('stopped by request'))
    if (job.step === 'configure' || job.step === 'algorithm') {
      // The pod's containers end (SIGTERM, then SIGKILL after the grace period); the watch reports it.
      // The name is fixed now: a retry must not delete the next step's pod.
      const name = objectNames(jobId).pod(job.step)
      await this.deleteWithRetry(() =>
        this.core.deleteNamespacedPod({
          name,
          namespace: this.ns,
          gracePeriodSeconds: 2,
        }),
      )
    }
  }

  async cleanup(jobId: string): Promise<void> {
    return this.cleanupOrRetry(jobId, this.options.watchRetryMs ?? 1000, true)
  }

  /**
   * The API server unreachable (no HTTP answer), throttling (429) or failing (5xx) must not orphan
   * a finished job's objects (the Secret holds dataset URLs and headers): the cleanup is retried
   * with the watch's backoff, or after the answer's Retry-After, until it gets through (or the
   * driver closes). A refusal (403) or other 4xx is not retried: it is reported, and health names
   * the missing permission.
   */
  private async cleanupOrRetry(jobId: string, retryMs: number, mayRetain: boolean): Promise<void> {
    const job = this.jobs.get(jobKey(jobId))
    const retentionSec = this.options.failedJobRetentionSec ?? 0
    try {
      if (mayRetain && job?.failed && retentionSec > 0) {
        const deleteAfterMs = this.options.clock.nowMs() + retentionSec * 1000
        if (await this.markDeleteAfter(jobId, deleteAfterMs)) return this.deleteLater(jobId, deleteAfterMs)
      }
      await this.deleteJobObjects(jobId)
    } catch (error) {
      if (!transient(error) || this.closed) throw error
      const delayMs = retryAfterMs(error) ?? retryMs
      this.options.logger.warn('kubernetes cleanup failed; retrying', {
        jobId,
        delayMs,
        status: statusCode(error),
        error: error instanceof Error ? error.message.split('\n')[0] : String(error),
      })
      const cancel = this.options.clock.setTimer(() => {
        this.timers.delete(cancel)
        void this.cleanupOrRetry(jobId, Math.min(WATCH_RETRY_MAX_MS, retryMs * 2), mayRetain).catch(
          (e: unknown) => this.options.logger.warn('kubernetes cleanup failed', { jobId, error: String(e) }),
        )
      }, delayMs)
      this.timers.add(cancel)
    }
  }

  /**
   * Deletes the objects of retained failed jobs whose retention has passed, and schedules the rest.
   * Runs once when the driver first talks to the cluster; public for tests and for a caller that
   * wants it at start. Jobs this driver tracks are left alone.
   */
  async sweepExpired(): Promise<void> {
    const claims = await this.core.listNamespacedPersistentVolumeClaim({
      namespace: this.ns,
      labelSelector: selectorOf(),
    })
    for (const claim of claims.items) {
      const key = claim.metadata?.labels?.[LABELS.jobId]
      const deleteAfterMs = Number(claim.metadata?.annotations?.[ANNOTATION_DELETE_AFTER])
      if (!key || !Number.isFinite(deleteAfterMs) || this.jobs.has(key)) continue
      if (deleteAfterMs <= this.options.clock.nowMs()) await this.deleteJobObjects(key)
      else this.deleteLater(key, deleteAfterMs)
    }
  }

  /**
   * Deletes every labelled object (pods, Secrets, PVCs, NetworkPolicies) of a job this driver does
   * not track: the console resumed every job it knows before calling this (engine/index.ts), so
   * what is left belongs to a job it forgot, or one whose cleanup never got through. Retained failed
   * jobs (PVC with the delete-after annotation) are left to sweepExpired. Egress canaries a crash
   * left mid check (no job id; older than a running check's) are deleted too. One console per
   * namespace: another console's jobs carry the same labels.
   */
  async sweepUnknownJobs(): Promise<void> {
    const labelSelector = selectorOf()
    const ns = this.ns
    const lists = await Promise.all([
      this.core.listNamespacedPod({ namespace: ns, labelSelector }),
      this.core.listNamespacedSecret({ namespace: ns, labelSelector }),
      this.core.listNamespacedPersistentVolumeClaim({ namespace: ns, labelSelector }),
      this.net.listNamespacedNetworkPolicy({ namespace: ns, labelSelector }),
    ])
    const retained = new Set(
      lists[2].items
        .filter((claim) => claim.metadata?.annotations?.[ANNOTATION_DELETE_AFTER] !== undefined)
        .map((claim) => claim.metadata?.labels?.[LABELS.jobId]),
    )
    const keys = new Set<string>()
    for (const list of lists)
      for (const item of list.items as Array<{ metadata?: { labels?: Record<string, string> } }>) {
        const key = item.metadata?.labels?.[LABELS.jobId]
        if (key) keys.add(key)
      }
    for (const key of keys) {
      if (this.jobs.has(key) || retained.has(key) || this.closed) continue
      this.options.logger.info('kubernetes: deleting the objects of a job the console does not know', {
        jobKey: key,
      })
      await this.cleanupOrRetry(key, this.options.watchRetryMs ?? 1000, false)
    }
    if (this.closed) return
    const swept = await sweepEgressCanaries(this.options.kubeConfig, ns, { ...this.options.egressCanary })
    if (swept.length > 0)
      this.options.logger.info('kubernetes: deleted egress canaries left by an interrupted check', { swept })
  }

  /** Records the deadline on the job's PVC; false when there is no PVC to record it on. */
  private async markDeleteAfter(jobId: string, deleteAfterMs: number): Promise<boolean> {
    // JSON patch (client-node's default patch type); every object carries the job-id annotation, so the map exists.
    const path = `/metadata/annotations/${ANNOTATION_DELETE_AFTER.replaceAll('~', '~0').replaceAll('/', '~1')}`
    try {
      await this.core.patchNamespacedPersistentVolumeClaim({
        name: objectNames(jobId).pvc,
        namespace: this.ns,
        body: [{ op: 'add', path, value: String(deleteAfterMs) }],
      })
      return true
    } catch (error) {
      if (statusCode(error) === 404) return false
      throw error
    }
  }

  private deleteLater(jobId: string, deleteAfterMs: number): void {
    // A sweep finishing after close() must not leave a live timer behind; the next start sweeps again.
    if (this.closed) return
    const cancel = this.options.clock.setTimer(
      () => {
        this.timers.delete(cancel)
        void this.cleanupOrRetry(jobId, this.options.watchRetryMs ?? 1000, false).catch((error: unknown) =>
          this.options.logger.warn('kubernetes cleanup failed', { jobId, error: String(error) }),
        )
      },
      Math.max(0, deleteAfterMs - this.options.clock.nowMs()),
    )
    this.timers.add(cancel)
  }

  async close(): Promise<void> {
    this.closed = true
    this.watchAbort?.abort()
    for (const cancel of this.timers) cancel()
    for (const job of this.jobs.values()) {
      job.logAbort?.abort()
      job.publishAbort?.abort(new Error('the console is shutting down'))
    }
    // Bounded: a job stuck on an API call that never answers must not hold the shutdown.
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all([...this.jobs.values()].map((j) => j.queue.catch(() => undefined))),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS)
        timer.unref?.()
      }),
    ])
    clearTimeout(timer)
  }

  // ---- jobs ----

  private track(spec: JobSpec, report: ObservationSink): TrackedJob {
    const key = jobKey(spec.jobId)
    const existing = this.jobs.get(key)
    if (existing) {
      existing.report = report
      return existing
    }
    const job: TrackedJob = {
      spec,
      report,
      step: 'configure',
      reported: new Set(),
      queue: Promise.resolve(),
      stopRequested: false,
      failed: false,
      cleaning: false,
    }
    this.jobs.set(key, job)
    return job
  }

  private reportedAny(job: TrackedJob, kinds: Array<Observation['kind']>): boolean {
    return kinds.some((kind) => job.reported.has(kind))
  }

  private emit(job: TrackedJob, observation: Observation): void {
    if (this.closed) return
    // Each kind once per job: watch replays after a re-list must not repeat a story.
    if (job.reported.has(observation.kind)) return
    job.reported.add(observation.kind)
    job.report(job.spec.jobId, observation)
  }

  private enqueue(job: TrackedJob, work: () => Promise<void>): void {
    job.queue = job.queue.then(work).catch((error: unknown) => {
      this.options.logger.error('kubernetes job step failed', { jobId: job.spec.jobId, error: String(error) })
      if (job.step !== 'done') {
        job.failed = true
        void this.finish(
          job,
          [`internal error: ${error instanceof Error ? error.message : String(error)}`],
          'results',
        )
      }
    })
  }

  private now(): string {
    return new Date(this.options.clock.nowMs()).toISOString()
  }

  /** One pod event of one job: what its step's state means, and the next step. */
  private async onPod(job: TrackedJob, pod: PodLike, type: string): Promise<void> {
    const step = pod.metadata?.labels?.[LABELS.step] as Step | undefined
    if (!step || step !== job.step || job.cleaning) return
    if (type !== 'DELETED') job.seenStep = step
    if (type === 'DELETED') {
      if (job.deadlineHit && step === 'algorithm') return this.afterDeadline(job)
      if (job.stopRequested && step !== 'publish') return this.afterStopped(job, step)
      this.emit(job, { kind: 'lost', reason: `the ${step} pod was deleted outside the console` })
      job.step = 'done'
      return
    }
    // An evicted algorithm (node pressure, /tmp over its sizeLimit) ended like a failed one: its log
    // is saved and its outputs, on the PVC, are published.
    if (step === 'algorithm' && pod.status?.reason === 'Evicted') return this.afterEvicted(job, pod)
    if (step === 'configure' && pod.status?.reason === 'Evicted') return this.afterConfigureEvicted(job, pod)
    const state = stepState(pod, STEP_CONTAINER[step])
    if (await this.whileWaiting(job, step, pod, state)) return
    if (step === 'configure') return this.onConfigure(job, state, pod)
    if (step === 'algorithm') return this.onAlgorithm(job, state, pod)
    return this.onPublish(job, state, pod)
  }

  /**
   * A step's pod that waits (Pending: unscheduled, ContainerCreating, pulling): transient on a real
   * cluster (an autoscaler adds a node, provisioning binds the claim, the kubelet retries a pull
   * after Docker Hub's rate limit), so it fails the job only after `pendingTimeoutMs`, or an image
   * pull after `imagePullBackoffMaxMs`, with the reason from the pod's Events. True when the pod
   * waits on a pull (the caller must not act on it) or the job was failed here.
   */
  private async whileWaiting(job: TrackedJob, step: Step, pod: PodLike, state: StepState): Promise<boolean> {
    const now = this.options.clock.nowMs()
    const waiting =
      (pod.status?.phase ?? 'Pending') === 'Pending' &&
      !pod.metadata?.deletionTimestamp &&
      (state.kind === 'pending' || state.kind === 'image-pull-failed')
    if (!waiting) {
      job.pendingSince = undefined
      job.pullFailingSince = undefined
      job.reasonDueMs = undefined
      job.cancelRecheck?.()
      this.showWaiting(job, null)
      return false
    }
    if (job.pendingSince?.step !== step) {
      job.pendingSince = { step, atMs: now }
      job.pullFailingSince = undefined
      job.reasonDueMs = now + (this.options.waitingReasonAfterMs ?? DEFAULT_WAITING_REASON_AFTER_MS)
    }
    const pull = pullFailure(pod)
    if (pull) job.pullFailingSince ??= now
    else job.pullFailingSince = undefined
    const pendingDue = job.pendingSince.atMs + this.pendingTimeoutMs(job.spec)
    const pullDue =
      job.pullFailingSince === undefined
        ? Infinity
        : job.pullFailingSince + (this.options.imagePullBackoffMaxMs ?? DEFAULT_IMAGE_PULL_BACKOFF_MAX_MS)
    if (pull && now >= pullDue) {
      await this.failWaiting(job, step, {
        kind: 'image-pull-failed',
        reason: this.pullReason(job, step, pull),
      })
      return true
    }
    if (now >= pendingDue) {
      const why = await this.waitingReason(job, step, pod)
      const reason = why.final
        ? why.text
        : `the ${step} pod was still waiting after ${Math.round((now - job.pendingSince.atMs) / 1000)} s: ${why.text}`
      await this.failWaiting(
        job,
        step,
        why.volume ? { kind: 'volume-failed', reason } : { kind: 'create-failed', reason },
      )
      return true
    }
    if (job.reasonDueMs !== undefined && now >= job.reasonDueMs) {
      // Shown live on the job while it waits; a claim that can never be provisioned is final.
      job.reasonDueMs = now + (this.options.waitingReasonEveryMs ?? DEFAULT_WAITING_REASON_EVERY_MS)
      const why = await this.waitingReason(job, step, pod)
      if (why.final) {
        await this.failWaiting(job, step, { kind: 'volume-failed', reason: why.text })
        return true
      }
      this.showWaiting(job, `the ${step} pod is waiting: ${why.text}`)
    }
    this.recheckAt(job, step, Math.min(pendingDue, pullDue, job.reasonDueMs ?? Infinity))
    return pull !== undefined
  }

  /** A step's pending timeout: the environment's own, else the driver's (15 min by default). */
  private pendingTimeoutMs(spec: JobSpec): number {
    const own = spec.environment.pendingTimeoutSec
    return own !== undefined ? own * 1000 : (this.options.pendingTimeoutMs ?? DEFAULT_PENDING_TIMEOUT_MS)
  }

  /** The live waiting reason on the job (not deduplicated by kind: it changes while the pod waits). */
  private showWaiting(job: TrackedJob, reason: string | null): void {
    if (this.closed || (reason ?? undefined) === job.waitingShown) return
    job.waitingShown = reason ?? undefined
    job.report(job.spec.jobId, { kind: 'waiting', reason })
  }

  /**
   * Where the job volume is now that the configure pod ran: that pod's node, and the PV's node
   * affinity (its zone, or its node on local-path). Reading a PersistentVolume needs a ClusterRole
   * (`get persistentvolumes`); without it the later pods follow the node only, and the scheduler
   * still keeps them where the volume can be attached.
   */
  private async volumePlacement(job: TrackedJob, nodeName: string | undefined): Promise<VolumePlacement> {
    let volumeTerms: VolumePlacement['volumeTerms']
    if (this.volumesReadable) {
      try {
        const claim = await this.core.readNamespacedPersistentVolumeClaim({
          name: objectNames(job.spec.jobId).pvc,
          namespace: this.ns,
        })
        const volumeName = claim.spec?.volumeName
        if (volumeName) {
          const volume = await this.core.readPersistentVolume({ name: volumeName })
          volumeTerms = volume.spec?.nodeAffinity?.required
            ?.nodeSelectorTerms as VolumePlacement['volumeTerms']
        }
      } catch (error) {
        if (statusCode(error) === 403) {
          this.volumesReadable = false
          this.options.logger.info(
            'kubernetes: PersistentVolumes not readable (needs a ClusterRole); later pods follow the node only',
            { namespace: this.ns },
          )
        } else
          this.options.logger.debug('kubernetes: job volume placement not read', {
            jobId: job.spec.jobId,
            status: statusCode(error),
          })
      }
    }
    return { ...(nodeName ? { nodeName } : {}), ...(volumeTerms?.length ? { volumeTerms } : {}) }
  }

  /** Whose image failed, in words: the algorithm's or the console's own (with the fix). */
  private pullReason(
    job: TrackedJob,
    step: Step,
    pull: { container: string; image: string | undefined; reason: string },
  ): string {
    const rateLimited = /toomanyrequests|rate limit|429/i.test(pull.reason)
      ? " (the registry's pull rate limit: pull with credentials (an imagePullSecret) or from a mirror)"
      : ''
    if (pull.container === IMAGE_CHECK || pull.container === 'algorithm')
      return `the algorithm image ${pull.image ?? imageOf(job)} cannot be pulled: ${pull.reason}${rateLimited}`
    const which = step === 'publish' ? 'publish' : 'configure'
    return `the console's own ${which} image ${pull.image ?? this.manifestOptions.images[which]} cannot be pulled: ${pull.reason}${rateLimited}. Fix: make it reachable from the cluster (mirror it and set driver.images.${which})`
  }

  /**
   * Why the pod waits: first what its claim's Events say (ProvisioningFailed, final; no default
   * StorageClass, with the fix), else the newest Event of the pod that explains it
   * (FailedScheduling, FailedMount…), else the pod's own words.
   */
  private async waitingReason(
    job: TrackedJob,
    step: Step,
    pod: PodLike,
  ): Promise<{ text: string; volume: boolean; final?: boolean }> {
    const name = pod.metadata?.name ?? ''
    const claimName = objectNames(job.spec.jobId).pvc
    try {
      const [events, claimEvents] = await Promise.all([
        this.core.listNamespacedEvent({ namespace: this.ns, fieldSelector: `involvedObject.name=${name}` }),
        this.core.listNamespacedEvent({
          namespace: this.ns,
          fieldSelector: `involvedObject.name=${claimName}`,
        }),
      ])
      const time = (e: (typeof events.items)[number]) =>
        Date.parse(String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? 0)) || 0
      const claimNewest = [...claimEvents.items].sort((a, b) => time(b) - time(a))
      const failed = claimNewest.find((e) => e.reason === 'ProvisioningFailed')
      const succeeded = claimNewest.find((e) => e.reason === 'ProvisioningSucceeded')
      if (failed && !(succeeded && time(succeeded) >= time(failed)))
        return {
          text: `the job volume ${claimName} could not be provisioned: ProvisioningFailed: ${failed.message ?? ''}. Fix: ${
            /storageclass[^"]*"[^"]*" not found/i.test(failed.message ?? '')
              ? "set driver.storageClassName to one of the cluster's StorageClasses (kubectl get storageclass), or leave it unset for the default class"
              : `see kubectl describe pvc ${claimName} (the provisioner refused the volume: quota, zone or class parameters)`
          }`,
          volume: true,
          final: true,
        }
      if (claimNewest.some((e) => NO_STORAGE_CLASS.test(e.message ?? '')))
        return {
          text: `the job volume ${claimName} cannot bind: it names no StorageClass and the cluster has no default StorageClass. Fix: set driver.storageClassName to one of the cluster's classes (kubectl get storageclass), or mark one default (kubectl annotate storageclass <name> storageclass.kubernetes.io/is-default-class=true)`,
          volume: true,
        }
      const explaining = events.items
        .filter((e) => e.type === 'Warning' && WAITING_EVENT_REASONS.has(e.reason ?? ''))
        .sort((a, b) => time(b) - time(a))[0]
      if (explaining)
        return {
          text: `${explaining.reason}: ${explaining.message ?? ''}`.trim(),
          volume:
            VOLUME_EVENT_REASONS.has(explaining.reason ?? '') ||
            (explaining.reason === 'FailedScheduling' &&
              /volume|persistentvolumeclaim/i.test(explaining.message ?? '') &&
              !/Insufficient/.test(explaining.message ?? '')),
        }
    } catch (error) {
      this.options.logger.debug('kubernetes: events of a waiting pod could not be read', {
        pod: name,
        status: statusCode(error),
      })
    }
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')
    if (scheduled)
      return {
        text: `${scheduled.reason ?? 'Unschedulable'}: ${scheduled.message ?? ''}`.trim(),
        volume: false,
      }
    const waitingState = [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ]
      .map((c) => c.state?.waiting)
      .find((w) => w?.reason)
    return {
      text: waitingState
        ? `${waitingState.reason}${waitingState.message ? `: ${waitingState.message}` : ''}`
        : `the ${step} pod gave no reason`,
      volume: false,
    }
  }

  /** A waiting step given up: before the algorithm, the job's pre-algorithm failure; at publish, 61. */
  private async failWaiting(
    job: TrackedJob,
    step: Step,
    state: { kind: 'image-pull-failed' | 'volume-failed' | 'create-failed'; reason: string },
  ): Promise<void> {
    job.cancelRecheck?.()
    if (step === 'publish') {
      job.failed = true
      await this.deleteWithRetry(() =>
        this.core.deleteNamespacedPod({ name: objectNames(job.spec.jobId).pod(step), namespace: this.ns }),
      )
      return this.finish(job, [state.reason], 'results', state.reason)
    }
    if (step === 'configure') await this.saveLog(job, 'configure', 'configuration.log').catch(() => '')
    return this.failBeforeAlgorithm(job, state)
  }

  /** Looks at the step's pod again at `atMs` (a waiting pod may send no event when its time is up). */
  private recheckAt(job: TrackedJob, step: Step, atMs: number): void {
    job.cancelRecheck?.()
    if (this.closed || !Number.isFinite(atMs)) return
    const cancel = this.options.clock.setTimer(
      () => {
        this.timers.delete(cancel)
        if (job.cancelRecheck === cancel) job.cancelRecheck = undefined
        this.enqueue(job, async () => {
          if (job.step !== step || job.cleaning) return
          let pod: PodLike
          try {
            pod = (await this.core.readNamespacedPod({
              name: objectNames(job.spec.jobId).pod(step),
              namespace: this.ns,
            })) as PodLike
          } catch (error) {
            if (statusCode(error) === 404) return
            // Unreachable now: look again a little later.
            return this.recheckAt(job, step, this.options.clock.nowMs() + (this.options.watchRetryMs ?? 1000))
          }
          return this.onPod(job, pod, 'MODIFIED')
        })
      },
      Math.max(0, atMs - this.options.clock.nowMs()),
    )
    this.timers.add(cancel)
    job.cancelRecheck = () => {
      cancel()
      this.timers.delete(cancel)
    }
  }

  /**
   * The Secret (dataset URLs and headers) is needed only by the configure pod: deleted as soon as
   * that step ends, not with the job's other objects. A failure here is left to cleanup, which
   * deletes it by label (and retries).
   */
  private async deleteInputsSecret(job: TrackedJob): Promise<void> {
    try {
      await this.deleteWithRetry(() =>
        this.core.deleteNamespacedSecret({ name: objectNames(job.spec.jobId).secret, namespace: this.ns }),
      )
    } catch (error) {
      if (statusCode(error) !== 404)
        this.options.logger.warn('kubernetes: inputs Secret not deleted after configure; cleanup will', {
          jobId: job.spec.jobId,
          status: statusCode(error),
        })
    }
  }

  /** A container's log for a failure message ('' when it cannot be read). */
  private async containerLog(job: TrackedJob, step: Step, container: string): Promise<string> {
    try {
      return await this.core.readNamespacedPodLog({
        name: objectNames(job.spec.jobId).pod(step),
        namespace: this.ns,
        container,
        limitBytes: 4096,
      })
    } catch {
      return ''
    }
  }

  /**
   * Why an image could not start its command, naming the image: the algorithm's (its `sh`), or the
   * console's own configure/publish image with the driver.images fix. Undefined when it started.
   */
  private imageStartReason(
    job: TrackedJob,
    pod: PodLike,
    container: string,
    log: string,
  ): string | undefined {
    const failure = startFailure(pod, container, log)
    if (!failure) return undefined
    const node = pod.spec?.nodeName ? ` ${pod.spec.nodeName}` : ''
    if (container === IMAGE_CHECK || container === 'algorithm') {
      const image = imageOf(job)
      return failure.kind === 'exec-format'
        ? `the algorithm image ${image} is built for another CPU architecture than the node${node} (${failure.detail}). Fix: publish the algorithm on a multi-arch image, or give the environment a nodeSelector kubernetes.io/arch matching the image`
        : `the algorithm image ${image} cannot start a shell (${failure.detail}): a distroless image has no sh, and the algorithm runs as sh -c <entrypoint>. Fix: publish the algorithm on an image that has sh`
    }
    const which = container === 'publish' ? 'publish' : 'configure'
    const image = this.manifestOptions.images[which]
    const needs = which === 'configure' ? 'node' : "busybox's sh, find, stat, awk, timeout and tar"
    return failure.kind === 'exec-format'
      ? `the console's own ${which} image ${image} is built for another CPU architecture than the node${node} (${failure.detail}). Fix: set driver.images.${which} to a multi-arch image (the default is one)`
      : `the console's own ${which} image ${image} cannot start (${failure.detail}): it needs ${needs}. Fix: set driver.images.${which} to an image that has them (the default, or a mirror of it)`
  }

  private async onConfigure(job: TrackedJob, state: StepState, pod: PodLike): Promise<void> {
    const image = stepState(pod, IMAGE_CHECK)
    if (image.kind === 'image-pull-failed' || image.kind === 'create-failed')
      return this.failBeforeAlgorithm(job, image)
    if (image.kind === 'failed') {
      // The algorithm's image was pulled (20) but cannot run the no-op `sh -c 'exit 0'`: 22.
      this.emit(job, { kind: 'volumes-configuring' })
      const log = await this.containerLog(job, 'configure', IMAGE_CHECK)
      const reason =
        this.imageStartReason(job, pod, IMAGE_CHECK, log) ??
        `the algorithm image ${imageOf(job)} could not run sh -c 'exit 0' (${image.reason}, exit code ${image.exitCode})`
      return this.failBeforeAlgorithm(job, { kind: 'create-failed', reason })
    }
    if (image.kind === 'succeeded' || state.kind !== 'pending')
      this.emit(job, { kind: 'volumes-configuring' })
    switch (state.kind) {
      case 'pending':
        return
      case 'running':
        return this.emit(job, { kind: 'provisioning' })
      case 'succeeded': {
        this.emit(job, { kind: 'provisioning' })
        await this.saveLog(job, 'configure', 'configuration.log')
        await this.deleteInputsSecret(job)
        if (job.stopRequested) return this.finish(job, ['stopped before the algorithm started'])
        // The later pods follow the volume: its zone (or node), preferring the configure pod's node.
        job.placement = await this.volumePlacement(job, pod.spec?.nodeName)
        job.step = 'algorithm'
        // Before the algorithm pod: a configure pod kept Running by a sidecar holds the RWO volume.
        await this.releaseHeldPod(job, 'configure', pod)
        try {
          await this.createIfAbsent(() =>
            this.core.createNamespacedPod({
              namespace: this.ns,
              body: followVolume(job.objects!.pods.algorithm, job.placement) as never,
            }),
          )
        } catch (error) {
          if (!(error instanceof CreateRefusedError)) throw error
          // After provisioning (30) this is 32, with the API's words (a LimitRange maximum, a quota
          // still full after the retries, Pod Security).
          return this.failBeforeAlgorithm(job, {
            kind: 'create-failed',
            reason: `the cluster refused the algorithm pod: ${error.message}`,
          })
        }
        return
      }
      case 'failed': {
        const log = await this.saveLog(job, 'configure', 'configuration.log')
        await this.deleteInputsSecret(job)
        await this.releaseHeldPod(job, 'configure', pod)
        // The console's own image could not start node (distroless, another CPU): 22, naming it.
        const ownImage = job.stopRequested ? undefined : this.imageStartReason(job, pod, 'configure', log)
        if (ownImage) return this.failBeforeAlgorithm(job, { kind: 'create-failed', reason: ownImage })
        this.emit(job, { kind: 'provisioning' })
        // The stop's SIGTERM ended it: a stop, not a provisioning failure.
        if (job.stopRequested) return this.finish(job, ['stopped during configuration'])
        const lastFailure = log
          .split('\n')
          .reverse()
          .find((l) => l.includes(' failed: '))
          ?.split(' failed: ')[1]
        const reason = lastFailure ?? `the configuration step failed (${state.reason})`
        job.failed = true
        this.emit(
          job,
          state.exitCode === CONFIGURE_EXIT.algorithm
            ? { kind: 'algorithm-provisioning-failed', reason }
            : { kind: 'data-provisioning-failed', reason },
        )
        return this.finish(job, [])
      }
      case 'deadline-exceeded':
        if (job.stopRequested) return this.finish(job, ['stopped during configuration'])
        job.failed = true
        await this.saveLog(job, 'configure', 'configuration.log')
        this.emit(job, {
          kind: 'data-provisioning-failed',
          reason: `the configuration step took longer than ${this.manifestOptions.configureDeadlineSec} s`,
        })
        return this.finish(job, [])
      default:
        return this.failBeforeAlgorithm(job, state)
    }
  }

  private async onAlgorithm(job: TrackedJob, state: StepState, pod: PodLike): Promise<void> {
    switch (state.kind) {
      case 'pending':
        return
      case 'running':
        this.emit(job, { kind: 'algorithm-started', atMs: state.startedAtMs })
        this.followAlgorithmLog(job)
        this.armAlgorithmDeadline(job, state.startedAtMs)
        return
      case 'succeeded':
      case 'failed': {
        if (state.startedAtMs !== null) this.emit(job, { kind: 'algorithm-started', atMs: state.startedAtMs })
        if (job.deadlineHit) return this.afterDeadline(job)
        const log = await this.settleAlgorithmLog(job)
        const atMs = state.finishedAtMs ?? this.options.clock.nowMs()
        if (state.kind === 'succeeded')
          this.emit(job, { kind: 'container-exited', exitCode: 0, oomKilled: false, atMs })
        else {
          job.failed = !job.stopRequested
          const cannotStart = this.imageStartReason(job, pod, 'algorithm', log.slice(0, 4096))
          const reason = state.oomKilled
            ? `the algorithm used more than the environment's ${job.spec.resources.ramGb} GB of memory and was stopped (OOM killed)`
            : cannotStart
              ? `${cannotStart} (exit code ${state.exitCode})`
              : `the algorithm exited with code ${state.exitCode}${state.reason && state.reason !== 'Error' ? ` (${state.reason})` : ''}`
          this.emit(job, {
            kind: 'container-exited',
            exitCode: state.exitCode,
            oomKilled: state.oomKilled,
            atMs,
            reason,
          })
        }
        return this.startPublish(job, pod)
      }
      case 'deadline-exceeded':
        job.failed = true
        await this.settleAlgorithmLog(job)
        this.emit(job, { kind: 'deadline-exceeded', atMs: state.finishedAtMs ?? this.options.clock.nowMs() })
        return this.startPublish(job)
      default:
        return this.failBeforeAlgorithm(job, state)
    }
  }

  private async onPublish(job: TrackedJob, state: StepState, pod: PodLike): Promise<void> {
    switch (state.kind) {
      case 'pending':
        return
      case 'running':
        job.step = 'done'
        return this.publishOutputs(job)
      default: {
        // The publish pod itself failed (image, scheduling, lost): the logs are still here.
        job.step = 'done'
        const ownImage =
          state.kind === 'failed'
            ? this.imageStartReason(job, pod, 'publish', await this.containerLog(job, 'publish', 'publish'))
            : undefined
        const reason = `the publish step could not run (${ownImage ?? ('reason' in state ? state.reason : state.kind)})`
        return this.finish(job, [reason], 'results', reason)
      }
    }
  }

  /**
   * A step's container ended, but another container keeps its pod Running: an injected service-mesh
   * sidecar (Istio, Linkerd) that ignored the pods' opt-outs. The step is over all the same; the pod
   * is deleted so it frees its GPU and the RWO volume now, not at its activeDeadlineSeconds. Called
   * once the job has moved past `step`, so the pod's DELETED event is not read as a loss.
   */
  private async releaseHeldPod(job: TrackedJob, step: Step, pod: PodLike): Promise<void> {
    const others = (pod.status?.containerStatuses ?? []).filter(
      (c) => c.name !== STEP_CONTAINER[step] && c.state?.running,
    )
    if (pod.status?.phase !== 'Running' || others.length === 0) return
    this.options.logger.info('kubernetes: step ended but a sidecar keeps its pod running; deleting the pod', {
      jobId: job.spec.jobId,
      step,
      containers: others.map((c) => c.name),
    })
    try {
      await this.deleteWithRetry(() =>
        this.core.deleteNamespacedPod({
          name: objectNames(job.spec.jobId).pod(step),
          namespace: this.ns,
          gracePeriodSeconds: 2,
        }),
      )
    } catch (error) {
      // Cleanup deletes it by label; the job goes on.
      this.options.logger.warn('kubernetes: a pod held by a sidecar was not deleted', {
        jobId: job.spec.jobId,
        step,
        status: statusCode(error),
      })
    }
  }

  /** Image, creation, volume failures or a lost pod, before the algorithm ran. */
  private async failBeforeAlgorithm(job: TrackedJob, state: StepState): Promise<void> {
    job.failed = true
    const step = job.step
    const reason =
      state.kind === 'image-pull-failed' && !state.reason.startsWith('the ')
        ? `the algorithm image ${imageOf(job)} cannot be pulled: ${state.reason}`
        : ('reason' in state && state.reason) || state.kind
    // Ocean's statuses only go forward: once the configure step ran (30) a failure of the
    // algorithm's pod is 32; once the image check passed (20) a configure pod failure is 21/22.
    if (state.kind !== 'lost' && this.reportedAny(job, ['provisioning']))
      this.emit(job, { kind: 'algorithm-provisioning-failed', reason })
    else if (state.kind === 'image-pull-failed' && this.reportedAny(job, ['volumes-configuring']))
      this.emit(job, { kind: 'container-create-failed', reason })
    else if (state.kind === 'image-pull-failed') this.emit(job, { kind: 'image-pull-failed', reason })
    else if (state.kind === 'create-failed')
      this.emit(job, { kind: 'container-create-failed', reason: state.reason })
    else if (state.kind === 'volume-failed') this.emit(job, { kind: 'volume-failed', reason: state.reason })
    else if (state.kind === 'lost') {
      this.emit(job, { kind: 'lost', reason: state.reason })
      job.step = 'done'
      return
    }
    // A pod stuck in Pending holds nothing worth collecting: end the job with the logs it has.
    if (step === 'configure' || step === 'algorithm')
      await this.deleteWithRetry(() =>
        this.core.deleteNamespacedPod({ name: objectNames(job.spec.jobId).pod(step), namespace: this.ns }),
      )
    return this.finish(job, [])
  }

  /**
   * maxJobDuration counts from the algorithm container's start, not the pod's StartTime (which an
   * image pull or a volume's fsGroup change precede): at that point the pod is deleted and the job
   * ends as past its deadline, its outputs published. The pod's own activeDeadlineSeconds (with
   * the pull allowance) still ends it if the console is away.
   */
  private armAlgorithmDeadline(job: TrackedJob, startedAtMs: number): void {
    if (job.deadlineArmed || this.closed) return
    job.deadlineArmed = true
    const dueMs = startedAtMs + job.spec.maxJobDurationSec * 1000
    const cancel = this.options.clock.setTimer(
      () => {
        this.timers.delete(cancel)
        this.enqueue(job, async () => {
          if (job.step !== 'algorithm' || job.cleaning || job.stopRequested) return
          job.deadlineHit = true
          this.options.logger.info('kubernetes: algorithm past maxJobDuration; deleting its pod', {
            jobId: job.spec.jobId,
          })
          await this.deleteWithRetry(() =>
            this.core.deleteNamespacedPod({
              name: objectNames(job.spec.jobId).pod('algorithm'),
              namespace: this.ns,
              gracePeriodSeconds: 2,
            }),
          )
        })
      },
      Math.max(0, dueMs - this.options.clock.nowMs()),
    )
    this.timers.add(cancel)
  }

  private async afterDeadline(job: TrackedJob): Promise<void> {
    if (job.step !== 'algorithm') return
    job.failed = true
    await this.settleAlgorithmLog(job)
    this.emit(job, { kind: 'deadline-exceeded', atMs: this.options.clock.nowMs() })
    return this.startPublish(job)
  }

  private async afterEvicted(job: TrackedJob, pod: PodLike): Promise<void> {
    job.failed = true
    const container = pod.status?.containerStatuses?.find((c) => c.name === 'algorithm')
    const startedAt = container?.state?.terminated?.startedAt ?? container?.state?.running?.startedAt
    const startedAtMs = startedAt === undefined ? NaN : new Date(startedAt).getTime()
    if (Number.isFinite(startedAtMs)) this.emit(job, { kind: 'algorithm-started', atMs: startedAtMs })
    await this.settleAlgorithmLog(job)
    const message = pod.status?.message ?? 'no reason given'
    const hint = evictionHint(message)
    this.emit(job, {
      kind: 'container-exited',
      exitCode: container?.state?.terminated?.exitCode ?? 137,
      oomKilled: false,
      atMs: this.options.clock.nowMs(),
      reason: `the algorithm's pod was evicted by the cluster: ${message}${hint}`,
    })
    return this.startPublish(job)
  }

  /** An evicted configure pod: its log is kept and the job fails as a provisioning failure (31). */
  private async afterConfigureEvicted(job: TrackedJob, pod: PodLike): Promise<void> {
    await this.saveLog(job, 'configure', 'configuration.log')
    await this.deleteInputsSecret(job)
    if (job.stopRequested) return this.finish(job, ['stopped during configuration'])
    job.failed = true
    const message = pod.status?.message ?? 'no reason given'
    this.emit(job, { kind: 'volumes-configuring' })
    this.emit(job, { kind: 'provisioning' })
    this.emit(job, {
      kind: 'data-provisioning-failed',
      reason: `the configure pod was evicted by the cluster: ${message}${evictionHint(message)}`,
    })
    return this.finish(job, [])
  }

  private async afterStopped(job: TrackedJob, step: Step): Promise<void> {
    if (step === 'configure') return this.finish(job, ['stopped during configuration'])
    await this.settleAlgorithmLog(job)
    this.emit(job, {
      kind: 'container-exited',
      exitCode: 143,
      oomKilled: false,
      atMs: this.options.clock.nowMs(),
      reason: 'stopped by request',
    })
    return this.startPublish(job)
  }

  private async startPublish(job: TrackedJob, algorithmPod?: PodLike): Promise<void> {
    this.emit(job, { kind: 'publishing' })
    job.step = 'publish'
    // The algorithm's container ended: a sidecar must not keep its pod (GPU, RWO volume) Running.
    if (algorithmPod) await this.releaseHeldPod(job, 'algorithm', algorithmPod)
    // After a restart the configure pod's node is not known: the volume's own affinity still is.
    job.placement ??= await this.volumePlacement(job, undefined)
    try {
      await this.createIfAbsent(() =>
        this.core.createNamespacedPod({
          namespace: this.ns,
          body: followVolume(job.objects!.pods.publish, job.placement) as never,
        }),
      )
    } catch (error) {
      if (!(error instanceof CreateRefusedError)) throw error
      // The outputs stay on the volume, but nothing can hold it to copy them out: 61, in the API's words.
      job.failed = true
      const reason = `the cluster refused the publish pod: ${error.message}`
      return this.finish(job, [reason], 'results', reason)
    }
  }

  /**
   * Writes publish.log and reports the job's results: collected, `results-failed` (61) or, for
   * outputs that may not be published as they are, `outputs-refused` (62), with `reason`.
   */
  private async finish(
    job: TrackedJob,
    lines: string[],
    failed?: 'results' | 'refused',
    reason?: string,
  ): Promise<void> {
    job.step = 'done'
    job.cancelRecheck?.()
    const results = resultsDirOf(job.spec.jobDir)
    this.emit(job, { kind: 'publishing' })
    await writeFile(
      join(results, 'publish.log'),
      [...lines, 'results collected'].map((l) => `${this.now()} ${l}\n`).join(''),
    )
    const collected = await listResults(results)
    if (failed === 'refused')
      return this.emit(job, {
        kind: 'outputs-refused',
        reason: reason ?? 'outputs refused',
        results: collected,
      })
    if (failed)
      return this.emit(job, {
        kind: 'results-failed',
        reason: reason ?? 'results could not be collected',
        results: collected,
      })
    await writeCollectedMarker(results, collected)
    this.emit(job, { kind: 'outputs-collected', results: collected })
  }

  // ---- logs and results over the API ----

  private async saveLog(job: TrackedJob, step: Step, filename: string): Promise<string> {
    let text = ''
    try {
      text = await this.core.readNamespacedPodLog({
        name: objectNames(job.spec.jobId).pod(step),
        namespace: this.ns,
        container: STEP_CONTAINER[step],
      })
    } catch (error) {
      text = `${this.now()} the ${step} log could not be read from the cluster (HTTP ${statusCode(error) ?? 'error'})\n`
    }
    await writeFile(join(resultsDirOf(job.spec.jobDir), filename), text)
    return text
  }

  /** Appends the algorithm's log to results/algorithm.log while it runs (the live log). */
  private followAlgorithmLog(job: TrackedJob): void {
    if (job.logFollow) return
    const abort = new AbortController()
    job.logAbort = abort
    const target = {
      namespace: this.ns,
      pod: objectNames(job.spec.jobId).pod('algorithm'),
      container: 'algorithm',
    }
    job.logFollow = followPodLog(
      this.options.kubeConfig,
      target,
      join(resultsDirOf(job.spec.jobDir), 'algorithm.log'),
      abort.signal,
    ).then((end) => {
      if (end.kind === 'failed')
        this.options.logger.warn('algorithm log stream ended early', {
          jobId: job.spec.jobId,
          reason: end.reason,
        })
    })
  }

  /**
   * Once the algorithm ended: give the live stream a moment to deliver its tail, then store the
   * container's whole log as the API has it (authoritative even if the stream broke in an outage).
   */
  private async settleAlgorithmLog(job: TrackedJob): Promise<string> {
    this.followAlgorithmLog(job)
    let timer: (() => void) | undefined
    await Promise.race([
      job.logFollow,
      new Promise<void>((resolve) => (timer = this.options.clock.setTimer(resolve, LOG_TAIL_GRACE_MS))),
    ])
    timer?.()
    job.logAbort?.abort()
    try {
      // With the kubelet's per-line times, cut from the text and kept beside it (log-times.ts).
      const stamped = await this.core.readNamespacedPodLog({
        name: objectNames(job.spec.jobId).pod('algorithm'),
        namespace: this.ns,
        container: 'algorithm',
        timestamps: true,
      })
      const path = join(resultsDirOf(job.spec.jobDir), 'algorithm.log')
      const times = new LogTimesRecorder(path, 'w')
      let bytes: Buffer
      try {
        const stripper = new TimestampStripper((offset, atMs) => times.record(offset, atMs))
        bytes = Buffer.concat([stripper.push(Buffer.from(stamped, 'utf8')), stripper.end()])
      } finally {
        times.close()
      }
      await writeFile(path, bytes)
      return bytes.toString('utf8')
    } catch {
      // Keep what the live stream wrote: the API cannot give more now.
      return ''
    }
  }

  /**
   * The publish step, with the local driver's rules (issue 13): scan /data/outputs in the publish
   * pod (special files named in publish.log; sizes by apparent size and allocated blocks), refuse
   * outputs over the limit before packing (62), else pack them with a timeout, dropping any entry
   * that is not a file, folder or link as it arrives. A stop or close() ends the execs at once.
   */
  private async publishOutputs(job: TrackedJob): Promise<void> {
    const { spec } = job
    const limit = spec.limits.outputBytesMax
    const lines: string[] = []
    const abort = new AbortController()
    job.publishAbort = abort
    if (this.closed) abort.abort(new Error('the console is shutting down'))
    const configuredMs = this.options.packTimeoutMs ?? DEFAULT_PACK_TIMEOUT_MS
    // A stop before the publish step still publishes what exists, within the stop's grace.
    const timeoutMs = job.stopRequested ? Math.min(configuredMs, STOPPED_PACK_TIMEOUT_MS) : configuredMs
    const interrupted = (what: string, error: unknown): string =>
      error instanceof ExecTimeoutError
        ? `${what} took longer than ${Math.round(timeoutMs / 1000)} s and was abandoned`
        : error instanceof ExecAbortedError
          ? `${what} was interrupted (${error.message})`
          : `${what} failed (${error instanceof Error ? error.message : String(error)})`
    try {
      let scan: OutputsScan | undefined
      try {
        const out = await this.execCapture(job, ['sh', '-c', scanScript()], abort.signal, timeoutMs)
        if (out.exitCode === SCAN_NO_OUTPUTS_EXIT) {
          lines.push('no outputs folder: outputs.tar not produced')
          return await this.finish(job, lines)
        }
        scan = out.exitCode === 0 ? parseScan(out.stdout) : undefined
        if (!scan)
          throw new Error(
            `the scan in the publish pod ended with ${out.exitCode === 0 ? 'unreadable output' : `exit code ${out.exitCode}`}${out.stderr ? `: ${out.stderr}` : ''}`,
          )
      } catch (error) {
        const failure = interrupted('measuring the outputs in the cluster', error)
        lines.push(failure)
        return await this.finish(job, lines, 'results', failure)
      }
      for (const skipped of scan.skipped)
        lines.push(`skipped ${skipped.type} ${skipped.path}: only files, folders and links are published`)
      const measuredBytes = Math.max(scan.apparentBytes, scan.allocatedBytes)
      if (measuredBytes > limit) {
        const how = scan.apparentBytes >= scan.allocatedBytes ? 'apparent size' : 'allocated on disk'
        const refusal = `the outputs (${measuredBytes} bytes, ${how}) exceed the limit of ${limit} bytes`
        lines.push(`${refusal}: outputs.tar not produced`)
        return await this.finish(job, lines, 'refused', refusal)
      }
      try {
        const sizeBytes = await this.copyOutputs(job, abort.signal, timeoutMs, (type, reason) =>
          lines.push(`skipped ${type} in the archive: ${reason}`),
        )
        lines.push(`outputs.tar: ${sizeBytes} bytes`)
      } catch (error) {
        if (error instanceof OutputLimitError) {
          lines.push(`${error.message}: outputs.tar not produced`)
          return await this.finish(job, lines, 'refused', error.message)
        }
        const failure = `the outputs could not be copied from the cluster: ${interrupted('packing the outputs', error)}`
        lines.push(failure)
        return await this.finish(job, lines, 'results', failure)
      }
      return await this.finish(job, lines)
    } finally {
      job.publishAbort = undefined
    }
  }

  /**
   * Runs `argv` in the publish pod over the exec WebSocket. Resolves with the command's exit code
   * (from the API's Status) once it ended; rejects with ExecTimeoutError after `timeoutMs`,
   * ExecAbortedError when `signal` aborts (the WebSocket is closed either way: the kubelet's
   * stream ends, and the command with it or with the pod), or when the connection closes first.
   */
  private execInPublishPod(
    job: TrackedJob,
    argv: string[],
    stdout: Writable,
    signal: AbortSignal,
    timeoutMs: number,
    onSocket: (socket: ExecSocket) => void = () => undefined,
  ): Promise<{ exitCode: number; stderr: string }> {
    const stderr: Buffer[] = []
    let stderrBytes = 0
    const errSink = new Writable({
      write: (chunk: Buffer, _e, cb) => {
        if (stderrBytes < 4096) stderr.push(chunk)
        stderrBytes += chunk.length
        cb()
      },
    })
    const stderrText = () => Buffer.concat(stderr).toString('utf8').trim().slice(0, 300)
    return new Promise((resolve, reject) => {
      let socket: ExecSocket | undefined
      let settled = false
      const settle = (fn: () => void) => {
        if (settled) return
        settled = true
        cancelTimer()
        signal.removeEventListener('abort', onAbort)
        socket?.close()
        fn()
      }
      const onAbort = () =>
        settle(() => reject(new ExecAbortedError(String((signal.reason as Error)?.message ?? 'aborted'))))
      const cancelTimer = this.options.clock.setTimer(
        () => settle(() => reject(new ExecTimeoutError('timed out'))),
        timeoutMs,
      )
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort)
      new Exec(this.options.kubeConfig)
        .exec(
          this.ns,
          objectNames(job.spec.jobId).pod('publish'),
          'publish',
          argv,
          stdout,
          errSink,
          null,
          false,
          (status) =>
            settle(() => {
              if (status.status === 'Success') return resolve({ exitCode: 0, stderr: stderrText() })
              const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode')
              const code = Number(cause?.message)
              if (Number.isInteger(code)) return resolve({ exitCode: code, stderr: stderrText() })
              reject(new Error(status.message ?? (stderrText() || 'the command failed')))
            }),
        )
        .then(
          (ws) => {
            const execSocket = ws as unknown as ExecSocket
            if (settled) return execSocket.close()
            socket = execSocket
            onSocket(execSocket)
            // The API server sends the command's Status before closing; a close without one is a
            // broken connection, and what arrived is not known to be whole.
            ws.on('close', () =>
              settle(() =>
                reject(new Error('the connection to the cluster closed before the command reported its end')),
              ),
            )
            ws.on('error', (error: Error) => settle(() => reject(error)))
          },
          (error: unknown) => settle(() => reject(error instanceof Error ? error : new Error(String(error)))),
        )
    })
  }

  /** The scan: its stdout (bounded) and exit code. */
  private async execCapture(
    job: TrackedJob,
    argv: string[],
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<{ exitCode: number; stdout: Buffer; stderr: string }> {
    const chunks: Buffer[] = []
    let bytes = 0
    let socket: ExecSocket | undefined
    const sink = new Writable({
      write(chunk: Buffer, _e, cb) {
        bytes += chunk.length
        if (bytes > SCAN_OUTPUT_MAX_BYTES) socket?.close()
        else chunks.push(chunk)
        cb()
      },
    })
    const { exitCode, stderr } = await this.execInPublishPod(
      job,
      argv,
      sink,
      signal,
      timeoutMs,
      (s) => (socket = s),
    )
    return { exitCode, stdout: Buffer.concat(chunks), stderr }
  }

  /**
   * The pack in the publish pod, streamed into results/outputs.tar through TarEntryFilter with the
   * size limit (bytes of the archive counted as they are written). Only tar's `Success` Status makes
   * the archive the job's output: anything else removes the partial file and throws.
   */
  private async copyOutputs(
    job: TrackedJob,
    signal: AbortSignal,
    timeoutMs: number,
    onDropped: (type: string, reason: string) => void,
  ): Promise<number> {
    const target = join(resultsDirOf(job.spec.jobDir), 'outputs.tar')
    const limit = job.spec.limits.outputBytesMax
    let sizeBytes = 0
    const file = createWriteStream(target, { mode: 0o600 })
    let fileError: Error | undefined
    file.on('error', (error) => (fileError ??= error))
    let overLimit = false
    let socket: ExecSocket | undefined
    let paused = false
    const filter = new TarEntryFilter()
    // client-node writes each message to stdout and ignores write()'s return. So this sink never
    // buffers (a buffered chunk would reach the file after it ended: a truncated tar reported as
    // whole): bytes are counted on arrival and handed straight to the file, and the WebSocket is
    // paused while the file's own buffer is full, which bounds memory for any output size.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (overLimit) return callback()
        const kept = filter.push(chunk)
        sizeBytes += kept.length
        if (sizeBytes > limit) {
          overLimit = true
          socket?.close()
          return callback()
        }
        if (kept.length > 0 && !file.write(kept) && !paused && socket?.pause) {
          paused = true
          socket.pause()
          file.once('drain', () => {
            paused = false
            socket?.resume?.()
          })
        }
        callback()
      },
    })
    let outcome: { exitCode: number; stderr: string } | undefined
    let execError: unknown
    try {
      outcome = await this.execInPublishPod(
        job,
        packCommand(timeoutMs / 1000 + 5),
        sink,
        signal,
        timeoutMs,
        (s) => (socket = s),
      )
    } catch (error) {
      execError = error
    }
    file.end()
    await finished(file).catch((error: unknown) => (fileError ??= error as Error))
    for (const type of filter.dropped) onDropped(type, 'only files, folders and links are published')
    if (overLimit) {
      await rm(target, { force: true })
      throw new OutputLimitError(
        `the outputs (over ${limit} bytes packed) exceed the limit of ${limit} bytes`,
      )
    }
    if (execError || outcome?.exitCode !== 0 || fileError) {
      await rm(target, { force: true })
      if (execError) throw execError
      throw new Error(
        fileError
          ? `outputs.tar could not be written: ${fileError.message}`
          : `tar in the publish pod exited with code ${outcome?.exitCode}${outcome?.stderr ? ` (${outcome.stderr})` : ''}`,
      )
    }
    return sizeBytes
  }

  // ---- objects ----

  /**
   * Creates an object; 409 AlreadyExists counts as done. A refusal that may pass (a ResourceQuota
   * that is full now: 403 "exceeded quota", 429/5xx, or no answer) is retried with backoff for up to
   * `createRetryMaxMs`; any other refusal (a LimitRange maximum, admission) is final at once. Either
   * way the error thrown is a CreateRefusedError carrying the API's own message.
   */
  private async createIfAbsent(create: () => Promise<unknown>): Promise<void> {
    let delayMs = this.options.watchRetryMs ?? 1000
    const giveUpAtMs = this.options.clock.nowMs() + (this.options.createRetryMaxMs ?? CREATE_RETRY_MAX_MS)
    for (;;) {
      try {
        await create()
        return
      } catch (error) {
        const code = statusCode(error)
        if (code === 409) return
        const message =
          code === undefined ? `no answer from the API server (${errorMessage(error)})` : errorMessage(error)
        // No answer (an outage; a create that got through meets 409 on the retry), a full quota,
        // throttling or a server failure may pass; anything else is the cluster's final word.
        const temporary =
          code === undefined ||
          (code === 403 && /exceeded quota/i.test(message)) ||
          code === 429 ||
          code >= 500
        const waitMs = retryAfterMs(error) ?? delayMs
        if (!temporary || this.closed || this.options.clock.nowMs() + waitMs > giveUpAtMs)
          throw new CreateRefusedError(message, { cause: error })
        this.options.logger.info('kubernetes create refused for now; retrying', {
          status: code,
          delayMs: waitMs,
          message,
        })
        await this.options.clock.sleep(waitMs)
        delayMs = Math.min(WATCH_RETRY_MAX_MS, delayMs * 2)
      }
    }
  }

  /**
   * One object's delete (a stop, the algorithm's deadline, a failed step's pod, the inputs Secret):
   * 404 counts as done; no answer, 429 or 5xx is retried with backoff, or after the answer's
   * Retry-After, for up to `createRetryMaxMs`, so a throttled API server does not turn a stop into
   * an error nor leave the Secret behind. Cleanup's deletecollections retry on their own
   * (cleanupOrRetry), for as long as it takes.
   */
  private async deleteWithRetry(remove: () => Promise<unknown>): Promise<void> {
    let delayMs = this.options.watchRetryMs ?? 1000
    const giveUpAtMs = this.options.clock.nowMs() + (this.options.createRetryMaxMs ?? CREATE_RETRY_MAX_MS)
    for (;;) {
      try {
        await remove()
        return
      } catch (error) {
        if (statusCode(error) === 404) return
        const waitMs = retryAfterMs(error) ?? delayMs
        if (!transient(error) || this.closed || this.options.clock.nowMs() + waitMs > giveUpAtMs) throw error
        this.options.logger.info('kubernetes delete refused for now; retrying', {
          status: statusCode(error),
          delayMs: waitMs,
        })
        await this.options.clock.sleep(waitMs)
        delayMs = Math.min(WATCH_RETRY_MAX_MS, delayMs * 2)
      }
    }
  }

  private async deleteIfPresent(remove: () => Promise<unknown>): Promise<void> {
    try {
      await remove()
    } catch (error) {
      if (statusCode(error) !== 404) throw error
    }
  }

  /** Deletes every object labelled with the job (pods, policies, PVC, Secret). */
  private async deleteJobObjects(jobId: string): Promise<void> {
    const job = this.jobs.get(jobKey(jobId))
    if (job) {
      job.cleaning = true
      job.logAbort?.abort()
    }
    const labelSelector = selectorOf(jobId)
    const ns = this.ns
    await this.deleteIfPresent(() =>
      this.core.deleteCollectionNamespacedPod({ namespace: ns, labelSelector, gracePeriodSeconds: 0 }),
    )
    await this.deleteIfPresent(() =>
      this.net.deleteCollectionNamespacedNetworkPolicy({ namespace: ns, labelSelector }),
    )
    await this.deleteIfPresent(() =>
      this.core.deleteCollectionNamespacedPersistentVolumeClaim({ namespace: ns, labelSelector }),
    )
    await this.deleteIfPresent(() =>
      this.core.deleteCollectionNamespacedSecret({ namespace: ns, labelSelector }),
    )
    this.jobs.delete(jobKey(jobId))
    this.options.logger.info('kubernetes job objects deleted', { jobId })
  }

  // ---- the watch ----

  private ensureWatch(): Promise<void> {
    if (!this.swept && !this.closed) {
      this.swept = true
      void this.sweepExpired().catch((error: unknown) =>
        this.options.logger.warn('kubernetes sweep of retained jobs failed', { error: String(error) }),
      )
    }
    if (this.watchAbort || this.closed) return Promise.resolve()
    this.watchStarting ??= this.startWatch().finally(() => (this.watchStarting = undefined))
    return this.watchStarting
  }

  /** List (to learn the resourceVersion and catch up), then watch from there. */
  private async startWatch(): Promise<void> {
    if (this.resourceVersion === undefined) {
      const list = await this.core.listNamespacedPod({ namespace: this.ns, labelSelector: selectorOf() })
      this.resourceVersion = list.metadata?.resourceVersion
      for (const pod of list.items) this.dispatch('MODIFIED', pod)
      this.dispatchVanished(list.items)
    }
    const watch = new Watch(this.options.kubeConfig)
    ;(watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs =
      this.options.watchIdleTimeoutMs ?? DEFAULT_WATCH_IDLE_TIMEOUT_MS
    this.watchAbort = await watch
      .watch(
        `/api/v1/namespaces/${this.ns}/pods`,
        { labelSelector: selectorOf(), resourceVersion: this.resourceVersion, allowWatchBookmarks: true },
        (type, object: V1Pod & { code?: number }) => {
          if (type === 'ERROR') {
            // 410 Gone: our resourceVersion is too old; re-list on the next start.
            if (object.code === 410) this.resourceVersion = undefined
            return
          }
          if (object.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion
          if (type !== 'BOOKMARK') this.dispatch(type, object)
        },
        (error: unknown) => this.onWatchEnded(error),
      )
      .catch((error: unknown) => {
        this.onWatchEnded(error)
        return undefined
      })
  }

  private onWatchEnded(endedBy: unknown): void {
    this.watchAbort = undefined
    if (this.closed) return
    // client-node's inactivity abort on a quiet namespace is no failure: the resourceVersion we
    // hold is as good as after the server's own timeout.
    const idle =
      (endedBy as { name?: unknown } | null)?.name === 'TimeoutError' && this.resourceVersion !== undefined
    const error = idle ? null : endedBy
    if (idle)
      this.options.logger.debug('kubernetes watch idle; resuming', { resourceVersion: this.resourceVersion })
    // A normal end (the server's timeout) restarts at once; errors back off, doubling.
    const delayMs = error ? this.watchRetryMs : 0
    if (error) {
      this.options.logger.warn('kubernetes watch ended; reconnecting', {
        delayMs,
        error: error instanceof Error ? error.message : String(error),
      })
      this.watchRetryMs = Math.min(WATCH_RETRY_MAX_MS, this.watchRetryMs * 2)
      // After an outage, a full re-list catches every change missed in between.
      this.resourceVersion = undefined
    }
    const cancel = this.options.clock.setTimer(() => {
      this.timers.delete(cancel)
      this.ensureWatch().then(
        () => {
          if (this.watchAbort) this.watchRetryMs = this.options.watchRetryMs ?? 1000
        },
        (e: unknown) => this.onWatchEnded(e ?? new Error('watch could not start')),
      )
    }, delayMs)
    this.timers.add(cancel)
  }

  /**
   * A re-list after an outage or a 410 carries no DELETED events: a job's pod that was seen before
   * and is missing now was deleted meanwhile (by hand, or by the node controller after a node loss).
   * Without this the job would wait forever for a pod that will never report again.
   */
  private dispatchVanished(pods: PodLike[]): void {
    const present = new Set(pods.map((pod) => pod.metadata?.name))
    for (const job of this.jobs.values()) {
      const step = job.step
      if (step === 'done' || job.cleaning || job.seenStep !== step) continue
      const name = objectNames(job.spec.jobId).pod(step)
      if (!present.has(name))
        this.enqueue(job, () =>
          this.onPod(job, { metadata: { name, labels: jobLabels(job.spec.jobId, step) } }, 'DELETED'),
        )
    }
  }

  private dispatch(type: string, pod: PodLike): void {
    const key = pod.metadata?.labels?.[LABELS.jobId]
    const job = key ? this.jobs.get(key) : undefined
    if (!job) return
    this.enqueue(job, () => this.onPod(job, pod, type))
  }
}

class OutputLimitError extends Error {}
class ExecTimeoutError extends Error {}
class ExecAbortedError extends Error {}

/** What of client-node's exec WebSocket the driver uses. */
interface ExecSocket {
  close(): void
  pause?(): void
  resume?(): void
}

/** The API refused to create a job object (quota, LimitRange, admission); the message is the API's. */
export class CreateRefusedError extends Error {}

/** What to do about an eviction, from the kubelet's message. */
function evictionHint(message: string): string {
  if (/EmptyDir volume "tmp"/.test(message)) return ' (HOME and /tmp: raise driver.tmpSizeLimit)'
  if (/low on resource: ephemeral-storage/.test(message))
    return " (the node ran out of local disk: give the nodes more ephemeral storage; the job's outputs belong in /data/outputs, on the job volume)"
  if (/low on resource: memory/.test(message))
    return " (the node ran out of memory: run fewer jobs per node or give the environment's nodes more memory)"
  return ''
}

function imageOf(job: TrackedJob): string {
  const { image, tag } = job.spec.algorithm.container
  return tag ? `${image}:${tag}` : image
}
