/**
 * What a pod's status says about one step of a job (pure; plain objects as the API returns them).
 * The driver turns step states into the Observations of driver.ts; Ocean status codes are decided
 * later by the Operator-Service, never here.
 */

/** The subset of a Pod the driver reads (client-node's V1Pod is structurally compatible). */
export interface PodLike {
  metadata?: {
    name?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
    resourceVersion?: string
    deletionTimestamp?: unknown
  }
  spec?: { nodeName?: string }
  status?: {
    phase?: string
    reason?: string
    message?: string
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>
    containerStatuses?: ContainerStatusLike[]
    initContainerStatuses?: ContainerStatusLike[]
  }
}

export interface ContainerStatusLike {
  name?: string
  image?: string
  state?: {
    waiting?: { reason?: string; message?: string }
    running?: { startedAt?: string | Date }
    terminated?: {
      exitCode?: number
      reason?: string
      message?: string
      startedAt?: string | Date
      finishedAt?: string | Date
    }
  }
}

export type StepState =
  | { kind: 'pending'; reason?: string }
  | { kind: 'image-pull-failed'; reason: string }
  | { kind: 'create-failed'; reason: string }
  | { kind: 'volume-failed'; reason: string }
  | { kind: 'running'; startedAtMs: number }
  | { kind: 'succeeded'; startedAtMs: number | null; finishedAtMs: number | null }
  | {
      kind: 'failed'
      exitCode: number
      oomKilled: boolean
      reason: string
      startedAtMs: number | null
      finishedAtMs: number | null
    }
  | { kind: 'deadline-exceeded'; finishedAtMs: number | null }
  | { kind: 'lost'; reason: string }

const IMAGE_PULL_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
])
const CREATE_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError'])
const LOST_REASONS = new Set([
  'NodeLost',
  'Evicted',
  'Preempting',
  'NodeShutdown',
  'Terminated',
  'UnexpectedAdmissionError',
])

/**
 * Why a container's process could not start from its image, as containerd reports it: a command
 * missing from the image (a distroless image has no `sh`) is a StartError with the OCI runtime's
 * "executable file not found" (or "no such file"); a binary for another CPU architecture starts
 * and dies at once with `exec …: exec format error` in its log (exit 255). `log` is the
 * container's log when known.
 */
export function startFailure(
  pod: PodLike,
  containerName: string,
  log = '',
): { kind: 'no-executable' | 'exec-format'; detail: string } | undefined {
  const status = pod.status ?? {}
  const terminated = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])].find(
    (c) => c.name === containerName,
  )?.state?.terminated
  if (!terminated || terminated.exitCode === 0) return undefined
  const message = `${terminated.message ?? ''}\n${log}`
  const formatLine = /exec [^\n]*: exec format error|exec format error/.exec(message)
  if (formatLine) return { kind: 'exec-format', detail: formatLine[0] }
  const missing =
    /exec: "([^"]+)": (executable file not found in \$PATH|stat [^:]+: no such file or directory)/.exec(
      message,
    )
  if (missing) return { kind: 'no-executable', detail: `${missing[1]}: ${missing[2]}` }
  if (terminated.reason === 'StartError' || terminated.reason === 'ContainerCannotRun')
    return { kind: 'no-executable', detail: terminated.message ?? terminated.reason }
  return undefined
}

/** The scheduler's words for a claim that will never come: missing, or being deleted. */
const FINAL_CLAIM = /persistentvolumeclaim "[^"]*" (not found|is being deleted)/i

/** The first container (init or app) whose image cannot be pulled now: which one, its image, why. */
export function pullFailure(
  pod: PodLike,
): { container: string; image: string | undefined; reason: string } | undefined {
  const status = pod.status ?? {}
  for (const c of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    const waiting = c.state?.waiting
    if (waiting?.reason && IMAGE_PULL_REASONS.has(waiting.reason))
      return { container: c.name ?? '', image: c.image, reason: words(waiting.reason, waiting.message) }
  }
  return undefined
}

function ms(value: string | Date | undefined): number | null {
  if (value === undefined) return null
  const t = value instanceof Date ? value.getTime() : Date.parse(value)
  return Number.isFinite(t) ? t : null
}

function words(reason: string | undefined, message: string | undefined): string {
  return [reason, message].filter(Boolean).join(': ') || 'no reason given'
}

/** The step's state from its pod, looking at the step's one container (`containerName`). */
export function stepState(pod: PodLike, containerName: string): StepState {
  const status = pod.status ?? {}
  const container = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find(
    (c) => c.name === containerName,
  )
  const state = container?.state
  if (status.reason === 'DeadlineExceeded')
    return { kind: 'deadline-exceeded', finishedAtMs: ms(state?.terminated?.finishedAt) }
  if (status.phase === 'Unknown' || (status.reason && LOST_REASONS.has(status.reason))) {
    return { kind: 'lost', reason: `the pod was lost (${words(status.reason, status.message)})` }
  }
  const terminated = state?.terminated
  if (terminated) {
    const startedAtMs = ms(terminated.startedAt)
    const finishedAtMs = ms(terminated.finishedAt)
    const exitCode = terminated.exitCode ?? -1
    if (exitCode === 0 && terminated.reason !== 'OOMKilled')
      return { kind: 'succeeded', startedAtMs, finishedAtMs }
    const oomKilled = terminated.reason === 'OOMKilled'
    return {
      kind: 'failed',
      exitCode: oomKilled && exitCode === 0 ? 137 : exitCode,
      oomKilled,
      reason: words(terminated.reason, terminated.message),
      startedAtMs,
      finishedAtMs,
    }
  }
  if (state?.running) return { kind: 'running', startedAtMs: ms(state.running.startedAt) ?? Date.now() }
  const waiting = state?.waiting
  if (waiting?.reason && IMAGE_PULL_REASONS.has(waiting.reason))
    return { kind: 'image-pull-failed', reason: words(waiting.reason, waiting.message) }
  if (waiting?.reason && CREATE_REASONS.has(waiting.reason))
    return { kind: 'create-failed', reason: words(waiting.reason, waiting.message) }
  if (status.phase === 'Failed')
    return {
      kind: 'failed',
      exitCode: -1,
      oomKilled: false,
      reason: words(status.reason, status.message),
      startedAtMs: null,
      finishedAtMs: null,
    }
  if (status.phase === 'Succeeded') return { kind: 'succeeded', startedAtMs: null, finishedAtMs: null }
  // Only a claim that is missing or being deleted is final (status 21). Every other Unschedulable
  // (an unbound claim while provisioning runs, "Insufficient nvidia.com/gpu", a zone conflict an
  // autoscaler fixes) is pending, under the driver's pending timeout.
  const unschedulable = status.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
  )
  if (unschedulable && FINAL_CLAIM.test(unschedulable.message ?? ''))
    return { kind: 'volume-failed', reason: words(unschedulable.reason, unschedulable.message) }
  return { kind: 'pending', ...(waiting?.reason ? { reason: waiting.reason } : {}) }
}
