/**
 * A simulated kubelet for the API double: it moves created pods through their phases and runs each
 * container's command through bubblewrap on this machine, with the pod's volumes (PVC → a folder kept
 * per claim, emptyDir → a folder per pod, secret → its files) bound at their mountPaths, egress cut
 * when a NetworkPolicy denies it, `resources.limits.memory` enforced on the process tree's RSS
 * (OOMKilled, 137), and `activeDeadlineSeconds` (pod Failed, reason DeadlineExceeded).
 *
 * Simplifications (documented in README.md): no image is pulled — a known image name runs the host's
 * binaries; containers of a pod run one after the other (init containers first); runAsUser is not
 * applied; a deleted pod disappears at once after its processes are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { processTreeRssBytes } from '../../operator-engine/drivers/local/resource-watch'
import { matchesSelector, type KubeObject, type ObjectStore } from './object-store'

interface ContainerSpec {
  name: string
  image: string
  command?: string[]
  args?: string[]
  workingDir?: string
  env?: Array<{ name: string; value?: string }>
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>
  resources?: { limits?: Record<string, string> }
}

interface VolumeSpec {
  name: string
  persistentVolumeClaim?: { claimName: string }
  emptyDir?: Record<string, unknown>
  secret?: { secretName: string }
}

interface ContainerRun {
  spec: ContainerSpec
  output: Buffer[]
  listeners: Set<(chunk: Buffer | null) => void>
  state: 'waiting' | 'running' | 'terminated'
  process?: ChildProcess
  killReason?: 'OOMKilled' | 'DeadlineExceeded' | 'Deleted' | 'NodeLost'
}

interface PodRun {
  initNames: Set<string>
  key: string
  namespace: string
  name: string
  volumes: Map<string, string>
  containers: Map<string, ContainerRun>
  timers: Array<NodeJS.Timeout>
  done: boolean
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

const DEFAULT_KNOWN = /^(node|python|busybox|alpine|ubuntu|debian)(:|$)|^oceanprotocol\//

export function parseQuantityBytes(q: string | undefined): number | undefined {
  if (!q) return undefined
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(q)
  if (!m) return undefined
  const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, K: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] ?? ''] ?? 1
  return Number(m[1]) * unit
}

export class SimulatedKubelet {
  private readonly pods = new Map<string, PodRun>()
  private readonly failingImages = new Set<string>()
  private readonly stepMs: number

  constructor(private readonly options: KubeletOptions) {
    this.stepMs = options.stepMs ?? 15
  }

  failImagePull(image: string): void {
    this.failingImages.add(image)
  }

  private imageOk(image: string): boolean {
    if (this.failingImages.has(image)) return false
    return (this.options.knownImage ?? ((i: string) => DEFAULT_KNOWN.test(i)))(image)
  }

  private updateStatus(run: PodRun, change: (status: Record<string, unknown>) => void): void {
    this.options.store.update('pods', run.namespace, run.name, (pod) => {
      const status = ((pod.status as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>
      change(status)
      pod.status = status
    })
  }

  /** Called by the server after a pod was stored. */
  podCreated(pod: KubeObject): void {
    const namespace = pod.metadata.namespace!
    const name = pod.metadata.name
    const spec = pod.spec as { containers: ContainerSpec[]; initContainers?: ContainerSpec[]; volumes?: VolumeSpec[]; activeDeadlineSeconds?: number }
    const run: PodRun = { initNames: new Set((spec.initContainers ?? []).map((c) => c.name)), key: `${namespace}/${name}`, namespace, name, volumes: new Map(), containers: new Map(), timers: [], done: false }
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) run.containers.set(c.name, { spec: c, output: [], listeners: new Set(), state: 'waiting' })
    this.pods.set(run.key, run)
    void this.lifecycle(run, pod, spec)
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.stepMs))
  }

  private statuses: Map<string, Record<string, unknown>> = new Map()

  private setContainer(run: PodRun, name: string, state: Record<string, unknown>): void {
    const key = `${run.key}/${name}`
    this.statuses.set(key, { state })
    const view = (c: ContainerRun) => ({
      name: c.spec.name,
      image: c.spec.image,
      ready: c.state === 'running',
      restartCount: 0,
      state: (this.statuses.get(`${run.key}/${c.spec.name}`)?.state as object | undefined) ?? { waiting: { reason: 'PodInitializing' } },
    })
    const all = [...run.containers.values()]
    this.updateStatus(run, (status) => {
      // As the kubelet reports them: init containers apart from the app containers.
      const init = all.filter((c) => run.initNames.has(c.spec.name)).map(view)
      if (init.length > 0) status.initContainerStatuses = init
      status.containerStatuses = all.filter((c) => !run.initNames.has(c.spec.name)).map(view)
    })
  }

  private async lifecycle(run: PodRun, pod: KubeObject, spec: { containers: ContainerSpec[]; initContainers?: ContainerSpec[]; volumes?: VolumeSpec[]; activeDeadlineSeconds?: number }): Promise<void> {
    await this.sleep()
    if (run.done) return
    this.updateStatus(run, (s) => {
      s.phase = 'Pending'
      s.conditions = [{ type: 'PodScheduled', status: 'True' }]
      s.startTime = new Date().toISOString()
    })
    // Volumes: a PVC must exist (else the pod stays unschedulable, as on a real cluster).
    for (const volume of spec.volumes ?? []) {
      if (volume.persistentVolumeClaim) {
        const claim = this.options.store.get('persistentvolumeclaims', run.namespace, volume.persistentVolumeClaim.claimName)
        if (!claim) {
          this.updateStatus(run, (s) => {
            s.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: `0/1 nodes are available: persistentvolumeclaim "${volume.persistentVolumeClaim!.claimName}" not found.` }]
          })
          return
        }
        const dir = join(this.options.rootDir, 'pvc', run.namespace, volume.persistentVolumeClaim.claimName)
        mkdirSync(dir, { recursive: true })
        run.volumes.set(volume.name, dir)
      } else if (volume.secret) {
        const secret = this.options.store.get('secrets', run.namespace, volume.secret.secretName)
        if (!secret) {
          const first = spec.containers[0]!.name
          this.setContainer(run, first, { waiting: { reason: 'CreateContainerConfigError', message: `secret "${volume.secret.secretName}" not found` } })
          return
        }
        const dir = join(this.options.rootDir, 'pods', run.namespace, run.name, volume.name)
        mkdirSync(dir, { recursive: true })
        const data = { ...((secret.data as Record<string, string> | undefined) ?? {}) }
        for (const [k, v] of Object.entries((secret.stringData as Record<string, string> | undefined) ?? {})) data[k] = Buffer.from(v).toString('base64')
        for (const [file, b64] of Object.entries(data)) writeFileSync(join(dir, file), Buffer.from(b64, 'base64'))
        run.volumes.set(volume.name, dir)
      } else {
        const dir = join(this.options.rootDir, 'pods', run.namespace, run.name, volume.name)
        mkdirSync(dir, { recursive: true })
        run.volumes.set(volume.name, dir)
      }
    }
    if (spec.activeDeadlineSeconds !== undefined) {
      run.timers.push(setTimeout(() => this.deadline(run), spec.activeDeadlineSeconds * 1000))
    }
    const ordered = [...(spec.initContainers ?? []), ...spec.containers]
    for (const c of ordered) {
      if (run.done) return
      if (!this.imageOk(c.image)) {
        this.setContainer(run, c.name, { waiting: { reason: 'ErrImagePull', message: `rpc error: failed to pull and unpack image "${c.image}": not found` } })
        await this.sleep()
        if (!run.done) this.setContainer(run, c.name, { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } })
        return
      }
    }
    for (const c of ordered) {
      if (run.done) return
      const exit = await this.runContainer(run, pod, run.containers.get(c.name)!)
      if (exit !== 0) return this.finishPod(run, 'Failed')
    }
    this.finishPod(run, 'Succeeded')
  }

  private egressDenied(pod: KubeObject): boolean {
    const labels = pod.metadata.labels
    return this.options.store.list('networkpolicies', pod.metadata.namespace).some((np) => {
      const spec = np.spec as { podSelector?: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> }; policyTypes?: string[]; egress?: unknown[] }
      if (!spec.policyTypes?.includes('Egress') || (spec.egress?.length ?? 0) > 0) return false
      const equality = Object.entries(spec.podSelector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`)
      const sets = (spec.podSelector?.matchExpressions ?? []).map((e) => (e.operator === 'In' ? `${e.key} in (${(e.values ?? []).join(',')})` : e.operator === 'NotIn' ? `${e.key} notin (${(e.values ?? []).join(',')})` : e.operator === 'Exists' ? e.key : `!${e.key}`))
      return matchesSelector(labels, [...equality, ...sets].join(','))
    })
  }

  /** bwrap argv for a command in `container` of the pod (also used by exec). */
  bwrapArgs(run: PodRun, pod: KubeObject, container: ContainerSpec, argv: string[]): string[] {
    const args = ['--unshare-all', ...(this.egressDenied(pod) ? [] : ['--share-net']), '--die-with-parent', '--new-session', '--clearenv']
    args.push('--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/sbin', '/sbin')
    args.push('--ro-bind-try', '/lib64', '/lib64', '--ro-bind', '/etc', '/etc', '--proc', '/proc', '--dev', '/dev')
    for (const mount of container.volumeMounts ?? []) {
      const host = run.volumes.get(mount.name)
      if (host) args.push(mount.readOnly ? '--ro-bind' : '--bind', host, mount.mountPath)
    }
    for (const e of container.env ?? []) if (e.value !== undefined) args.push('--setenv', e.name, e.value)
    args.push('--setenv', 'PATH', '/usr/local/bin:/usr/bin:/bin')
    args.push('--chdir', container.workingDir ?? '/', '--', ...argv)
    return args
  }

  private runContainer(run: PodRun, pod: KubeObject, c: ContainerRun): Promise<number> {
    const argv = [...(c.spec.command ?? []), ...(c.spec.args ?? [])]
    const startedAt = new Date().toISOString()
    c.state = 'running'
    const child = spawn(this.options.bwrapPath, this.bwrapArgs(run, pod, c.spec, argv), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    c.process = child
    this.updateStatus(run, (s) => (s.phase = 'Running'))
    this.setContainer(run, c.spec.name, { running: { startedAt } })
    const onData = (chunk: Buffer) => {
      c.output.push(chunk)
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
        if (c.killReason !== 'Deleted') {
          this.setContainer(run, c.spec.name, { terminated: { exitCode, reason, startedAt, finishedAt: new Date().toISOString() } })
        }
        resolve(c.killReason === 'DeadlineExceeded' || c.killReason === 'NodeLost' ? -1 : exitCode)
      })
    })
  }

  private kill(c: ContainerRun, reason: NonNullable<ContainerRun['killReason']>): void {
    c.killReason ??= reason
    if (c.process?.pid && c.process.exitCode === null) {
      try {
        process.kill(-c.process.pid, 'SIGKILL')
      } catch {
        // gone already
      }
    }
  }

  private deadline(run: PodRun): void {
    if (run.done) return
    for (const c of run.containers.values()) if (c.state === 'running') this.kill(c, 'DeadlineExceeded')
    this.finishPod(run, 'Failed', { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' })
  }

  private finishPod(run: PodRun, phase: 'Succeeded' | 'Failed' | 'Unknown', extra: { reason?: string; message?: string } = {}): void {
    if (run.done) return
    run.done = true
    for (const t of run.timers) clearTimeout(t)
    this.updateStatus(run, (s) => {
      s.phase = phase
      if (extra.reason) s.reason = extra.reason
      if (extra.message) s.message = extra.message
    })
  }

  /** The API server deleted the pod: its processes die. */
  podDeleted(namespace: string, name: string): void {
    const run = this.pods.get(`${namespace}/${name}`)
    if (!run) return
    run.done = true
    for (const t of run.timers) clearTimeout(t)
    for (const c of run.containers.values()) this.kill(c, 'Deleted')
    this.pods.delete(run.key)
  }

  /** Fault: the node dies; its pods go Unknown/NodeLost and their processes stop. */
  loseNode(): void {
    for (const run of this.pods.values()) {
      if (run.done) continue
      for (const c of run.containers.values()) this.kill(c, 'NodeLost')
      run.done = true
      for (const t of run.timers) clearTimeout(t)
      this.updateStatus(run, (s) => {
        s.phase = 'Unknown'
        s.reason = 'NodeLost'
        s.message = 'Node sim-node-1 which was running pod ' + run.name + ' is unresponsive'
      })
    }
  }

  /** Fault: the kernel's OOM killer takes a container. */
  oomKill(namespace: string, name: string, container: string): void {
    const c = this.pods.get(`${namespace}/${name}`)?.containers.get(container)
    if (c) this.kill(c, 'OOMKilled')
  }

  container(namespace: string, name: string, container: string | undefined): ContainerRun | undefined {
    const run = this.pods.get(`${namespace}/${name}`)
    if (!run) return undefined
    return container ? run.containers.get(container) : [...run.containers.values()].at(-1)
  }

  /** Runs `argv` next to a running container, with its mounts (the exec subresource). */
  exec(namespace: string, name: string, containerName: string | undefined, argv: string[], onStdout: (b: Buffer) => void, onStderr: (b: Buffer) => void): Promise<number> | undefined {
    const run = this.pods.get(`${namespace}/${name}`)
    const c = this.container(namespace, name, containerName)
    const pod = this.options.store.get('pods', namespace, name)
    if (!run || !c || c.state !== 'running' || !pod) return undefined
    const child = spawn(this.options.bwrapPath, this.bwrapArgs(run, pod, c.spec, argv), { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', onStdout)
    child.stderr.on('data', onStderr)
    return new Promise((resolve) => child.once('close', (code) => resolve(code ?? 1)))
  }

  async closeAll(): Promise<void> {
    for (const run of this.pods.values()) {
      run.done = true
      for (const t of run.timers) clearTimeout(t)
      for (const c of run.containers.values()) this.kill(c, 'Deleted')
    }
    this.pods.clear()
  }
}
