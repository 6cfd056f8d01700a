/**
 * A simulated kubelet for the API double: it moves created pods through their phases and runs each
 * container's command in the local driver's bubblewrap sandbox (pod-sandbox.ts) with the pod's
 * volumes bound at their mountPaths (pod-volumes.ts). It enforces `resources.limits.memory` on the
 * process tree's RSS (OOMKilled, 137) and `activeDeadlineSeconds` (pod Failed, DeadlineExceeded),
 * and deletes pods gracefully (SIGTERM, then SIGKILL after the grace period).
 *
 * As a kubelet does: init containers run one after the other while the pod stays Pending, then the
 * app containers start together (phase Running); each image is "pulled" just before its container
 * starts. Simplifications (README.md): no image is pulled — a known image name runs the host's
 * binaries; every restartPolicy behaves as Never; runAsUser is not applied.
 */
import type { ChildProcess } from 'node:child_process'
import type { Writable } from 'node:stream'
import { killProcessGroup, spawnSandbox } from '../../operator-engine/drivers/local/bubblewrap'
import {
  descendantsOf,
  processTreeRssBytes,
  readProcessTable,
} from '../../operator-engine/drivers/local/resource-watch'
import type { KubeObject, ObjectStore } from './object-store'
import { recordPodEvent } from './pod-events'
import { podSandboxArgs } from './pod-sandbox'
import { prepareVolumes, resolveEnv, type EnvVar, type VolumeSpec } from './pod-volumes'
import { emptyDirUsageBytes, pressureEvictionMessage, PRESSURE_TAINTS, type NodePressure } from './evictions'
import { startProblem, type ImageTraits } from './image-contents'
import { matchesNodeSelectorTerms, type SimulatedStorage } from './storage'

export interface ContainerSpec {
  name: string
  image: string
  command?: string[]
  args?: string[]
  workingDir?: string
  env?: EnvVar[]
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean; subPath?: string }>
  resources?: { limits?: Record<string, string> }
}

interface PodSpec {
  containers: ContainerSpec[]
  initContainers?: ContainerSpec[]
  volumes?: VolumeSpec[]
  activeDeadlineSeconds?: number
  nodeSelector?: Record<string, string>
  tolerations?: Array<{ key?: string; operator?: string; value?: string; effect?: string }>
  affinity?: { nodeAffinity?: NodeAffinity }
}

type NodeSelectorTerm = Parameters<typeof matchesNodeSelectorTerms>[1][number]
interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] }
  preferredDuringSchedulingIgnoredDuringExecution?: Array<{ weight: number; preference: NodeSelectorTerm }>
}

/** A node of the simulated cluster: what the scheduler matches a pod against. */
export interface SimNode {
  name: string
  labels?: Record<string, string>
  taints?: Array<{ key: string; value?: string; effect: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule' }>
  /** `nvidia.com/gpu` capacity. */
  gpus?: number
}

export const DEFAULT_NODE: SimNode = {
  name: 'sim-node-1',
  labels: {
    'kubernetes.io/os': 'linux',
    'kubernetes.io/hostname': 'sim-node-1',
    'topology.kubernetes.io/zone': 'zone-a',
  },
}

const GPU = 'nvidia.com/gpu'

/** Now as the kubelet writes a log line's time: RFC 3339 with nanoseconds (9 digits), UTC. */
export function kubeletTimestamp(atMs = Date.now()): string {
  const nanos = String(process.hrtime.bigint() % 1_000_000n).padStart(6, '0')
  return new Date(atMs).toISOString().replace(/Z$/, `${nanos}Z`)
}

export interface ContainerRun {
  spec: ContainerSpec
  isInit: boolean
  output: Buffer[]
  /** When each chunk of `output` was read (RFC3339Nano, 9 digits, as the kubelet stamps lines). */
  outputTimes: string[]
  listeners: Set<(chunk: Buffer | null) => void>
  state: 'waiting' | 'running' | 'terminated'
  waitingReason: string
  process?: ChildProcess
  killReason?: 'OOMKilled' | 'DeadlineExceeded' | 'Deleted' | 'NodeLost' | 'Evicted'
}

interface PodRun {
  key: string
  namespace: string
  name: string
  volumes: Map<string, string>
  containers: Map<string, ContainerRun>
  views: Map<string, Record<string, unknown>>
  timers: Array<NodeJS.Timeout>
  execs: Set<ChildProcess>
  done: boolean
  /** The node the scheduler chose, and the GPUs the pod holds there. */
  node?: string
  gpus?: number
  /** Set by evict(): the pod's reason message once its containers are gone. */
  evicted?: string
  /** The PersistentVolumeClaims the pod mounts. */
  claims: string[]
}

export interface KubeletOptions {
  store: ObjectStore
  rootDir: string
  bwrapPath: string
  /** Images that "pull" fine; anything else fails with ErrImagePull. */
  knownImage?: (image: string) => boolean
  /** Delay between status steps, so watchers see each phase as a separate event. */
  stepMs?: number
}

const DEFAULT_KNOWN = /^(node|python|busybox|alpine|ubuntu|debian)(:|@|$)|^oceanprotocol\//

/** The images that run when `knownImage` is not given. */
export const defaultKnownImage = (image: string): boolean => DEFAULT_KNOWN.test(image)

export function parseQuantityBytes(q: string | undefined): number | undefined {
  if (!q) return undefined
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(q)
  if (!m) return undefined
  const unit =
    { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, K: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] ?? ''] ??
    1
  return Number(m[1]) * unit
}

const condition = (type: string, isTrue: boolean, reason?: string) => ({
  type,
  status: isTrue ? 'True' : 'False',
  lastTransitionTime: new Date().toISOString(),
  ...(reason ? { reason } : {}),
})

export class SimulatedKubelet {
  private readonly pods = new Map<string, PodRun>()
  /** Images whose next pulls fail: how many more times (Infinity: for good), and with what words. */
  private readonly failingImages = new Map<string, { times: number; message?: string }>()
  private readonly slowImages = new Map<string, number>()
  /** The cluster's nodes (one plain node by default); addNode() plays an autoscaler. */
  readonly nodes: SimNode[] = [DEFAULT_NODE]
  /** Pods the scheduler could not place yet, with how to try again. */
  private readonly unscheduled = new Map<string, () => void>()
  private readonly stepMs: number
  /** The CNI ignores NetworkPolicy (EKS's VPC CNI by default): every pod keeps its network. */
  ignoreNetworkPolicy = false
  /** Fault: execs whose command line contains this hang (they run `sleep 3600` instead). */
  stallExecMatching: string | undefined
  /** What every container's environment starts with (the API server's service address). */
  serviceEnv: Record<string, string> = {}
  /** StorageClasses, volumes and attachments (storage.ts), set by the API server. */
  storage: SimulatedStorage | undefined
  /** How many pods the scheduler placed on each node (it spreads, as LeastAllocated scoring does). */
  private readonly placements = new Map<string, number>()
  /** What an image lacks or which CPU it is built for (image-contents.ts). */
  private readonly imageTraits = new Map<string, ImageTraits>()

  constructor(private readonly options: KubeletOptions) {
    this.stepMs = options.stepMs ?? 15
  }

  /** The next `times` pulls of `image` fail (for good when omitted), with `message` if given. */
  failImagePull(image: string, options: { times?: number; message?: string } = {}): void {
    this.failingImages.set(image, { times: options.times ?? Infinity, message: options.message })
  }

  /** Pulls of `image` take `ms` (the container waits in ContainerCreating; the pod's StartTime is set). */
  slowPull(image: string, ms: number): void {
    this.slowImages.set(image, ms)
  }

  /** Plays a cluster autoscaler: a node joins, and the scheduler tries every waiting pod again. */
  addNode(node: SimNode): void {
    this.nodes.push(node)
    this.retryUnscheduled()
  }

  private retryUnscheduled(): void {
    for (const retry of [...this.unscheduled.values()]) retry()
  }

  /** Something changed (a claim bound, a StorageClass appeared): waiting pods are tried again. */
  retryScheduling(): void {
    this.retryUnscheduled()
  }

  /** Fault: `image` lacks executables (distroless) or is built for another CPU (image-contents.ts). */
  setImageTraits(image: string, traits: ImageTraits): void {
    this.imageTraits.set(image, traits)
  }

  /**
   * Fault: node pressure. The node gets the kubelet's NoSchedule taint and evicts its running pods
   * (or only `pod`) with the eviction manager's message. relieve() lifts the taint.
   */
  nodePressure(nodeName: string, pressure: NodePressure, pod?: string): string[] {
    const node = this.nodes.find((n) => n.name === nodeName)
    if (!node) return []
    const taint = PRESSURE_TAINTS[pressure.resource]
    if (!(node.taints ?? []).some((t) => t.key === taint))
      node.taints = [...(node.taints ?? []), { key: taint, effect: 'NoSchedule' }]
    const evicted: string[] = []
    for (const run of this.pods.values()) {
      if (run.done || run.node !== nodeName || (pod !== undefined && run.name !== pod)) continue
      const container = [...run.containers.values()].find((c) => c.state === 'running')
      if (!container) continue
      if (this.evict(run.namespace, run.name, pressureEvictionMessage(pressure, container.spec)))
        evicted.push(run.name)
    }
    return evicted
  }

  /** The node's pressure is over: its taint goes and waiting pods are tried again. */
  relievePressure(nodeName: string): void {
    const node = this.nodes.find((n) => n.name === nodeName)
    if (!node) return
    node.taints = (node.taints ?? []).filter((t) => !Object.values(PRESSURE_TAINTS).includes(t.key))
    this.retryUnscheduled()
  }

  /** Why the pull fails now (one of its failures used up), or undefined when it succeeds. */
  private pullError(image: string): string | undefined {
    const failing = this.failingImages.get(image)
    if (failing && failing.times > 0) {
      failing.times -= 1
      return (
        failing.message ??
        `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`
      )
    }
    if ((this.options.knownImage ?? ((i: string) => DEFAULT_KNOWN.test(i)))(image)) return undefined
    return `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`
  }

  /**
   * The scheduler's filter, on what the double models: nodeSelector against node labels, taints
   * against tolerations, and `nvidia.com/gpu` against free capacity (cpu and memory always fit).
   * The refusal is the scheduler's aggregated message, one count per reason.
   */
  private schedule(run: PodRun, spec: PodSpec): { node: SimNode; gpus: number } | { message: string } {
    const gpus = Math.max(0, ...spec.containers.map((c) => Number(c.resources?.limits?.[GPU] ?? 0)))
    const reasons = new Map<string, number>()
    const refuse = (why: string) => reasons.set(why, (reasons.get(why) ?? 0) + 1)
    const n = this.nodes.length
    const preemption = `preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`
    // PreFilter: a claim that is not bound and will not bind for a node keeps the pod off them all.
    const unbound = this.storage?.preFilter(run.namespace, run.claims)
    if (unbound) return { message: `0/${n} nodes are available: ${unbound}. ${preemption}` }
    const required =
      spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms
    const preferred = spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []
    const feasible: Array<{ node: SimNode; score: number }> = []
    for (const node of this.nodes) {
      const labels = node.labels ?? {}
      if (
        Object.entries(spec.nodeSelector ?? {}).some(([k, v]) => labels[k] !== v) ||
        (required !== undefined && !matchesNodeSelectorTerms(node, required))
      ) {
        refuse("node(s) didn't match Pod's node affinity/selector")
        continue
      }
      const untolerated = (node.taints ?? []).find(
        (t) =>
          t.effect !== 'PreferNoSchedule' &&
          !(spec.tolerations ?? []).some(
            (tol) =>
              (tol.operator === 'Exists'
                ? !tol.key || tol.key === t.key
                : tol.key === t.key && (tol.value ?? '') === (t.value ?? '')) &&
              (!tol.effect || tol.effect === t.effect),
          ),
      )
      if (untolerated) {
        refuse(`node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ''}}`)
        continue
      }
      const volumeConflict = this.storage?.filter(run.namespace, run.claims, node)
      if (volumeConflict) {
        refuse(volumeConflict)
        continue
      }
      const used = [...this.pods.values()]
        .filter((r) => r !== run && !r.done && r.node === node.name)
        .reduce((sum, r) => sum + (r.gpus ?? 0), 0)
      if (gpus > (node.gpus ?? 0) - used) {
        refuse(`Insufficient ${GPU}`)
        continue
      }
      // Scoring: the pod's preferred node affinity first, then spreading (fewest pods placed).
      const score =
        preferred
          .filter((p) => matchesNodeSelectorTerms(node, [p.preference]))
          .reduce((sum, p) => sum + p.weight, 0) *
          1000 -
        (this.placements.get(node.name) ?? 0)
      feasible.push({ node, score })
    }
    const best = feasible.reduce<{ node: SimNode; score: number } | undefined>(
      (top, candidate) => (top === undefined || candidate.score > top.score ? candidate : top),
      undefined,
    )
    if (best) {
      this.placements.set(best.node.name, (this.placements.get(best.node.name) ?? 0) + 1)
      return { node: best.node, gpus }
    }
    const parts = [...reasons.entries()].map(([why, count]) => `${count} ${why}`).sort()
    return { message: `0/${n} nodes are available: ${parts.join(', ')}. ${preemption}` }
  }

  private updateStatus(
    run: PodRun,
    change: (status: Record<string, unknown>, pod: KubeObject) => void,
  ): void {
    this.options.store.update('pods', run.namespace, run.name, (pod) => {
      const status = ((pod.status as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>
      change(status, pod)
      pod.status = status
    })
  }

  /** Called by the server after a pod was stored. */
  podCreated(pod: KubeObject): void {
    const namespace = pod.metadata.namespace!
    const name = pod.metadata.name
    const spec = pod.spec as PodSpec
    const run: PodRun = {
      key: `${namespace}/${name}`,
      namespace,
      name,
      volumes: new Map(),
      containers: new Map(),
      views: new Map(),
      timers: [],
      execs: new Set(),
      done: false,
      claims: (spec.volumes ?? []).flatMap((v) =>
        v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
      ),
    }
    for (const c of spec.initContainers ?? [])
      run.containers.set(c.name, {
        spec: c,
        isInit: true,
        output: [],
        outputTimes: [],
        listeners: new Set(),
        state: 'waiting',
        waitingReason: 'PodInitializing',
      })
    for (const c of spec.containers)
      run.containers.set(c.name, {
        spec: c,
        isInit: false,
        output: [],
        outputTimes: [],
        listeners: new Set(),
        state: 'waiting',
        waitingReason: 'ContainerCreating',
      })
    this.pods.set(run.key, run)
    void this.lifecycle(run, spec)
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.stepMs))
  }

  private event(
    run: PodRun,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: 'kubelet' | 'default-scheduler' | 'attachdetach-controller' = 'kubelet',
  ): void {
    recordPodEvent(this.options.store, run.namespace, run.name, type, reason, message, source)
  }

  /** Records one container's state and republishes both status lists with the kubelet's shapes. */
  private setContainer(run: PodRun, name: string, state: Record<string, unknown>): void {
    const c = run.containers.get(name)
    if (c && state.waiting) c.waitingReason = (state.waiting as { reason: string }).reason
    run.views.set(name, state)
    const view = (c: ContainerRun) => ({
      name: c.spec.name,
      image: c.spec.image,
      imageID: c.state === 'waiting' ? '' : `sim://${c.spec.image}`,
      ready: c.state === 'running',
      started: c.state === 'running',
      restartCount: 0,
      state: run.views.get(c.spec.name) ?? { waiting: { reason: c.waitingReason } },
      lastState: {},
    })
    const all = [...run.containers.values()]
    const app = all.filter((c) => !c.isInit)
    this.updateStatus(run, (status) => {
      const init = all.filter((c) => c.isInit)
      if (init.length > 0) status.initContainerStatuses = init.map(view)
      status.containerStatuses = app.map(view)
      const initialized = init.every((c) => c.state === 'terminated')
      const ready = app.every((c) => c.state === 'running')
      status.conditions = [
        condition('PodScheduled', true),
        condition('Initialized', initialized, initialized ? undefined : 'ContainersNotInitialized'),
        condition('ContainersReady', ready, ready ? undefined : 'ContainersNotReady'),
        condition('Ready', ready, ready ? undefined : 'ContainersNotReady'),
      ]
    })
  }

  private async lifecycle(run: PodRun, spec: PodSpec): Promise<void> {
    await this.sleep()
    if (run.done) return
    const volumes = prepareVolumes(
      this.options.store,
      this.options.rootDir,
      run.namespace,
      run.name,
      spec.volumes ?? [],
    )
    if (!(volumes instanceof Map) && volumes.kind === 'unschedulable') {
      // A pod whose claim does not exist is never scheduled, as on a real cluster.
      this.updateStatus(
        run,
        (s) =>
          (s.conditions = [
            { ...condition('PodScheduled', false, 'Unschedulable'), message: volumes.message },
          ]),
      )
      this.event(run, 'Warning', 'FailedScheduling', volumes.message, 'default-scheduler')
      return
    }
    const unschedulable = (message: string) => {
      this.updateStatus(
        run,
        (s) => (s.conditions = [{ ...condition('PodScheduled', false, 'Unschedulable'), message }]),
      )
      this.event(run, 'Warning', 'FailedScheduling', message, 'default-scheduler')
      this.unscheduled.set(run.key, () => {
        this.unscheduled.delete(run.key)
        if (!run.done) void this.lifecycle(run, spec)
      })
    }
    const placed = this.schedule(run, spec)
    if ('message' in placed) return unschedulable(placed.message)
    run.node = placed.node.name
    run.gpus = placed.gpus
    // PreBind: WaitForFirstConsumer claims are provisioned for the chosen node before the pod binds.
    const bindFailure = await this.storage?.bind(run.namespace, run.claims, placed.node)
    if (run.done) return
    if (bindFailure) {
      run.node = undefined
      run.gpus = undefined
      unschedulable(bindFailure)
      // The scheduler retries a failed PreBind after a back-off, as it does every unschedulable pod.
      run.timers.push(setTimeout(() => this.unscheduled.get(run.key)?.(), 500))
      return
    }
    this.options.store.update('pods', run.namespace, run.name, (o) => {
      o.spec = { ...(o.spec as object), nodeName: placed.node.name }
    })
    this.updateStatus(run, (s) => {
      s.phase = 'Pending'
      s.hostIP = '10.0.0.1'
      s.podIP = '10.244.0.10'
      s.startTime = new Date().toISOString()
    })
    this.event(
      run,
      'Normal',
      'Scheduled',
      `Successfully assigned ${run.namespace}/${run.name} to ${run.node}`,
      'default-scheduler',
    )
    this.setContainer(run, [...run.containers.keys()][0]!, {
      waiting: { reason: [...run.containers.values()][0]!.waitingReason },
    })
    // The attach/detach controller: a zonal ReadWriteOnce volume still attached to another node
    // gives Multi-Attach until it detached there; the container waits in ContainerCreating.
    await this.storage?.attach(
      run.namespace,
      run.claims,
      run.node,
      run.key,
      (message) => this.event(run, 'Warning', 'FailedAttachVolume', message, 'attachdetach-controller'),
      (message) => this.event(run, 'Normal', 'SuccessfulAttachVolume', message, 'attachdetach-controller'),
      () => run.done,
    )
    if (run.done) return
    if (!(volumes instanceof Map)) {
      // FailedMount keeps the first container in ContainerCreating (the reason is an event, not a state).
      this.event(run, 'Warning', 'FailedMount', volumes.message)
      return
    }
    run.volumes = volumes
    this.watchEmptyDirLimits(run, spec)
    if (spec.activeDeadlineSeconds !== undefined)
      run.timers.push(setTimeout(() => this.deadline(run), spec.activeDeadlineSeconds * 1000))
    const pod = () => this.options.store.get('pods', run.namespace, run.name)
    for (const c of spec.initContainers ?? []) {
      const exit = await this.startContainer(run, pod(), run.containers.get(c.name)!)
      if (exit !== 0) return exit === undefined ? undefined : this.finishPod(run, 'Failed')
    }
    if (run.done) return
    const exits = await Promise.all(
      spec.containers.map((c) => this.startContainer(run, pod(), run.containers.get(c.name)!)),
    )
    if (exits.some((e) => e === undefined)) return
    this.finishPod(run, exits.every((e) => e === 0) ? 'Succeeded' : 'Failed')
  }

  /** Pulls (by name), then runs; undefined when the container never started or the pod ended first. */
  private async startContainer(
    run: PodRun,
    pod: KubeObject | undefined,
    c: ContainerRun,
  ): Promise<number | undefined> {
    if (run.done || !pod) return undefined
    // As the kubelet does: a failed pull is retried with a growing back-off (ImagePullBackOff
    // between tries), for as long as the pod exists; a fault may fail only the first few.
    let backoffMs = Math.max(50, this.stepMs * 4)
    for (
      let error = this.pullError(c.spec.image);
      error !== undefined;
      error = this.pullError(c.spec.image)
    ) {
      this.setContainer(run, c.spec.name, { waiting: { reason: 'ErrImagePull', message: error } })
      this.event(run, 'Warning', 'Failed', `Failed to pull image "${c.spec.image}": ${error}`)
      this.event(run, 'Warning', 'Failed', 'Error: ErrImagePull')
      await this.sleep()
      if (run.done) return undefined
      this.setContainer(run, c.spec.name, {
        waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.spec.image}"` },
      })
      this.event(run, 'Normal', 'BackOff', `Back-off pulling image "${c.spec.image}"`)
      this.event(run, 'Warning', 'Failed', 'Error: ImagePullBackOff')
      await new Promise((resolve) => setTimeout(resolve, backoffMs))
      if (run.done) return undefined
      backoffMs = Math.min(5_000, backoffMs * 2)
    }
    const slowMs = this.slowImages.get(c.spec.image)
    if (slowMs !== undefined) {
      this.event(run, 'Normal', 'Pulling', `Pulling image "${c.spec.image}"`)
      this.setContainer(run, c.spec.name, { waiting: { reason: c.waitingReason } })
      await new Promise((resolve) => setTimeout(resolve, slowMs))
      if (run.done) return undefined
      this.event(run, 'Normal', 'Pulled', `Successfully pulled image "${c.spec.image}" in ${slowMs}ms`)
    } else this.event(run, 'Normal', 'Pulled', `Container image "${c.spec.image}" already present on machine`)
    const env = resolveEnv(this.options.store, pod, c.spec.env)
    if (!(env instanceof Map)) {
      this.setContainer(run, c.spec.name, {
        waiting: { reason: 'CreateContainerConfigError', message: env.message },
      })
      this.event(run, 'Warning', 'Failed', `Error: ${env.message}`)
      return undefined
    }
    const argv = [...(c.spec.command ?? []), ...(c.spec.args ?? [])]
    const problem = startProblem(
      this.imageTraits.get(c.spec.image),
      argv,
      this.nodes.find((n) => n.name === run.node)?.labels?.['kubernetes.io/arch'] ?? 'amd64',
    )
    if (problem) return this.failToStart(run, c, problem)
    return this.runContainer(run, pod, c, env)
  }

  /**
   * A container whose process cannot start, as containerd reports it: an executable missing from
   * the image is a StartError (exit 128, the OCI runtime's message); a binary for another CPU
   * starts and dies at once with `exec …: exec format error` in its log (exit 255).
   */
  private failToStart(
    run: PodRun,
    c: ContainerRun,
    problem: NonNullable<ReturnType<typeof startProblem>>,
  ): number {
    const now = new Date().toISOString()
    c.state = 'terminated'
    if (problem.kind === 'start-error') {
      this.event(run, 'Warning', 'Failed', `Error: ${problem.message}`)
      this.setContainer(run, c.spec.name, {
        terminated: {
          exitCode: 128,
          reason: 'StartError',
          message: problem.message,
          startedAt: '1970-01-01T00:00:00Z',
          finishedAt: now,
          containerID: `sim://${run.key}/${c.spec.name}`,
        },
      })
      return 128
    }
    this.event(run, 'Normal', 'Created', `Created container ${c.spec.name}`)
    this.event(run, 'Normal', 'Started', `Started container ${c.spec.name}`)
    c.output.push(Buffer.from(`${problem.log}\n`))
    c.outputTimes.push(kubeletTimestamp())
    this.setContainer(run, c.spec.name, {
      terminated: {
        exitCode: 255,
        reason: 'Error',
        startedAt: now,
        finishedAt: now,
        containerID: `sim://${run.key}/${c.spec.name}`,
      },
    })
    return 255
  }

  /** The eviction manager's emptyDir check: a volume over its sizeLimit evicts the pod. */
  private watchEmptyDirLimits(run: PodRun, spec: PodSpec): void {
    for (const volume of spec.volumes ?? []) {
      const limit = parseQuantityBytes(volume.emptyDir?.sizeLimit as string | undefined)
      const dir = run.volumes.get(volume.name)
      if (limit === undefined || !dir) continue
      const timer = setInterval(() => {
        if (run.done) return clearInterval(timer)
        if (emptyDirUsageBytes(dir) > limit)
          this.evict(
            run.namespace,
            run.name,
            `Usage of EmptyDir volume "${volume.name}" exceeds the limit "${String(volume.emptyDir!.sizeLimit)}". `,
          )
      }, 100)
      run.timers.push(timer)
    }
  }

  private runContainer(
    run: PodRun,
    pod: KubeObject,
    c: ContainerRun,
    env: Map<string, string>,
  ): Promise<number | undefined> {
    const argv = [...(c.spec.command ?? []), ...(c.spec.args ?? [])]
    const startedAt = new Date().toISOString()
    c.state = 'running'
    const child = spawnSandbox(
      this.options.bwrapPath,
      podSandboxArgs(
        this.options.store,
        this.options.rootDir,
        run,
        pod,
        c.spec,
        new Map([...Object.entries(this.serviceEnv), ...env]),
        argv,
        { ignorePolicies: this.ignoreNetworkPolicy },
      ),
    )
    c.process = child
    this.event(run, 'Normal', 'Created', `Created container ${c.spec.name}`)
    if (!c.isInit) this.updateStatus(run, (s) => (s.phase = 'Running'))
    this.setContainer(run, c.spec.name, { running: { startedAt } })
    this.event(run, 'Normal', 'Started', `Started container ${c.spec.name}`)
    const onData = (chunk: Buffer) => {
      c.output.push(chunk)
      c.outputTimes.push(kubeletTimestamp())
      for (const l of c.listeners) l(chunk)
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    const limitBytes = parseQuantityBytes(c.spec.resources?.limits?.memory)
    const rssTimer = limitBytes
      ? setInterval(() => {
          if (child.pid && processTreeRssBytes(child.pid) > limitBytes) this.kill(c, 'OOMKilled')
        }, 25)
      : undefined
    return new Promise((resolve) => {
      child.once('close', (code, signal) => {
        if (rssTimer) clearInterval(rssTimer)
        c.state = 'terminated'
        const oom = c.killReason === 'OOMKilled'
        const exitCode = oom ? 137 : (code ?? (signal ? 128 + 9 : 1))
        const reason = oom ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error'
        for (const l of c.listeners) l(null)
        c.listeners.clear()
        // A deleted pod's last state is never published; a lost node's never reaches the API.
        if (c.killReason !== 'Deleted' && c.killReason !== 'NodeLost') {
          this.setContainer(run, c.spec.name, {
            terminated: {
              exitCode,
              reason,
              startedAt,
              finishedAt: new Date().toISOString(),
              containerID: `sim://${run.key}/${c.spec.name}`,
            },
          })
        }
        resolve(
          c.killReason === 'DeadlineExceeded' || c.killReason === 'NodeLost' || c.killReason === 'Deleted'
            ? undefined
            : exitCode,
        )
      })
    })
  }

  private kill(c: ContainerRun, reason: NonNullable<ContainerRun['killReason']>): void {
    c.killReason ??= reason
    if (c.process) killProcessGroup(c.process)
  }

  private stopRun(run: PodRun, reason: NonNullable<ContainerRun['killReason']>): void {
    run.done = true
    for (const t of run.timers) clearTimeout(t)
    // A lost node keeps its attachments (the controller waits for it); anything else releases them.
    if (reason !== 'NodeLost') this.storage?.release(run.key)
    for (const c of run.containers.values()) this.kill(c, reason)
    for (const child of run.execs) killProcessGroup(child)
  }

  private deadline(run: PodRun): void {
    if (run.done) return
    this.event(
      run,
      'Normal',
      'DeadlineExceeded',
      'Pod was active on the node longer than the specified deadline',
    )
    for (const c of run.containers.values()) if (c.state === 'running') this.kill(c, 'DeadlineExceeded')
    this.finishPod(run, 'Failed', {
      reason: 'DeadlineExceeded',
      message: 'Pod was active on the node longer than the specified deadline',
    })
  }

  private finishPod(
    run: PodRun,
    phase: 'Succeeded' | 'Failed',
    extra: { reason?: string; message?: string } = {},
  ): void {
    if (run.done) return
    run.done = true
    for (const t of run.timers) clearTimeout(t)
    this.storage?.release(run.key)
    if (run.evicted !== undefined) {
      phase = 'Failed'
      extra = { reason: 'Evicted', message: run.evicted }
    }
    // Its GPUs are free again: a waiting pod may fit now.
    queueMicrotask(() => this.retryUnscheduled())
    this.updateStatus(run, (s) => {
      s.phase = phase
      if (extra.reason) s.reason = extra.reason
      if (extra.message) s.message = extra.message
    })
  }

  /**
   * Graceful deletion, as the kubelet does it: SIGTERM to every process in the pod's running
   * containers (not to bwrap's processes, whose death would SIGKILL them), SIGKILL after `graceSec`, the
   * containers' terminated states and a terminal phase published, then `onGone`. Undefined when no
   * container runs (the caller removes the pod at once, as the kubelet confirms at once).
   */
  terminatePod(namespace: string, name: string, graceSec: number): Promise<void> | undefined {
    const run = this.pods.get(`${namespace}/${name}`)
    const running = [...(run?.containers.values() ?? [])].filter((c) => c.state === 'running' && c.process)
    if (!run || run.done || running.length === 0) return undefined
    run.done = true
    for (const t of run.timers) clearTimeout(t)
    for (const c of running) this.event(run, 'Normal', 'Killing', `Stopping container ${c.spec.name}`)
    const closed = running.map(
      (c) =>
        new Promise<void>((resolve) =>
          c.state === 'terminated' ? resolve() : c.process!.once('close', () => resolve()),
        ),
    )
    const table = readProcessTable()
    for (const c of running) {
      // Not bwrap's own init in the pid namespace either: its death takes the whole namespace down.
      for (const pid of descendantsOf(c.process!.pid!, table).filter(
        (p) => p !== c.process!.pid && table.get(p) !== c.process!.pid,
      )) {
        try {
          process.kill(pid, 'SIGTERM')
        } catch {
          // gone already
        }
      }
    }
    const hardKill = setTimeout(
      () => running.forEach((c) => c.process && killProcessGroup(c.process)),
      graceSec * 1000,
    )
    return Promise.all(closed).then(() => {
      clearTimeout(hardKill)
      this.storage?.release(run.key)
      const failed = [...run.containers.values()].some(
        (c) =>
          c.state === 'terminated' &&
          run.views.get(c.spec.name)?.terminated &&
          (run.views.get(c.spec.name)!.terminated as { exitCode: number }).exitCode !== 0,
      )
      this.updateStatus(run, (s) => (s.phase = failed ? 'Failed' : 'Succeeded'))
    })
  }

  /** The API server deleted the pod: its processes die. */
  podDeleted(namespace: string, name: string): void {
    const run = this.pods.get(`${namespace}/${name}`)
    if (!run) return
    this.stopRun(run, 'Deleted')
    this.pods.delete(run.key)
    this.unscheduled.delete(run.key)
    this.retryUnscheduled()
  }

  /**
   * Fault: the kubelet evicts the pod (node pressure, or an emptyDir over its sizeLimit): its
   * containers are killed (exit 137, their states published), the pod Failed with reason Evicted
   * and `message`, and an Evicted event. False when the pod does not run.
   */
  evict(namespace: string, name: string, message: string): boolean {
    const run = this.pods.get(`${namespace}/${name}`)
    if (!run || run.done) return false
    run.evicted = message
    this.event(run, 'Warning', 'Evicted', message)
    // One status update, as the kubelet's eviction manager writes it: the reason comes with the kill.
    this.updateStatus(run, (s) => {
      s.reason = 'Evicted'
      s.message = message
    })
    for (const c of run.containers.values()) if (c.state === 'running') this.kill(c, 'Evicted')
    return true
  }

  /**
   * Fault: the node dies. What the API shows afterwards is what the node lifecycle controller
   * writes, compressed from minutes to now: Ready=False, a DisruptionTarget condition, the pod
   * marked for deletion (deletionTimestamp) with reason NodeLost — `kubectl get pods` shows
   * "Unknown". The phase stays what the kubelet last reported, and container states freeze.
   */
  loseNode(): void {
    const now = new Date().toISOString()
    for (const run of this.pods.values()) {
      if (run.done) continue
      this.stopRun(run, 'NodeLost')
      this.options.store.update('pods', run.namespace, run.name, (pod) => {
        pod.metadata.deletionTimestamp = now
        pod.metadata.deletionGracePeriodSeconds = 30
        const s = ((pod.status as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>
        s.reason = 'NodeLost'
        s.message = `Node sim-node-1 which was running pod ${run.name} is unresponsive`
        const conditions = ((s.conditions as Array<{ type: string }> | undefined) ?? []).filter(
          (c) => c.type !== 'Ready' && c.type !== 'ContainersReady',
        )
        s.conditions = [
          ...conditions,
          condition('ContainersReady', false, 'NodeLost'),
          condition('Ready', false, 'NodeLost'),
          {
            ...condition('DisruptionTarget', true, 'DeletionByTaintManager'),
            message: 'Taint manager: deleting due to NoExecute taint',
          },
        ]
        pod.status = s
      })
    }
  }

  /** Fault: the kernel's OOM killer takes a container. */
  oomKill(namespace: string, name: string, container: string): void {
    const c = this.pods.get(`${namespace}/${name}`)?.containers.get(container)
    if (c) this.kill(c, 'OOMKilled')
  }

  /** The pod's containers (init first), for the log and exec subresources. */
  containers(namespace: string, name: string): ContainerRun[] | undefined {
    const run = this.pods.get(`${namespace}/${name}`)
    return run ? [...run.containers.values()] : undefined
  }

  /** Runs `argv` next to a running container, with its mounts and environment (the exec subresource). */
  exec(
    namespace: string,
    name: string,
    containerName: string,
    argv: string[],
    onStdout: (b: Buffer) => void,
    onStderr: (b: Buffer) => void,
  ): { exited: Promise<number>; stdin: Writable; kill(): void } | undefined {
    const run = this.pods.get(`${namespace}/${name}`)
    const c = run?.containers.get(containerName)
    const pod = this.options.store.get('pods', namespace, name)
    if (!run || !c || c.state !== 'running' || !pod) return undefined
    // Fault: a command that never ends and never prints (a real hang, killed with the stream).
    if (this.stallExecMatching !== undefined && argv.join(' ').includes(this.stallExecMatching))
      argv = ['sleep', '3600']
    const env = resolveEnv(this.options.store, pod, c.spec.env)
    // stdin piped: exec may send it.
    const child = spawnSandbox(
      this.options.bwrapPath,
      podSandboxArgs(
        this.options.store,
        this.options.rootDir,
        run,
        pod,
        c.spec,
        new Map([...Object.entries(this.serviceEnv), ...(env instanceof Map ? env : [])]),
        argv,
        { ignorePolicies: this.ignoreNetworkPolicy },
      ),
      { stdin: 'pipe' },
    )
    run.execs.add(child)
    child.stdout!.on('data', onStdout)
    child.stderr!.on('data', onStderr)
    child.stdin!.on('error', () => undefined)
    const exited = new Promise<number>((resolve) =>
      child.once('close', (code, signal) => {
        run.execs.delete(child)
        resolve(code ?? (signal ? 137 : 1))
      }),
    )
    return { exited, stdin: child.stdin!, kill: () => killProcessGroup(child) }
  }

  async closeAll(): Promise<void> {
    for (const run of this.pods.values()) this.stopRun(run, 'Deleted')
    this.pods.clear()
  }
}
