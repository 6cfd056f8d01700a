/**
 * The local driver (the embedded default): runs each job on this machine in a bubblewrap sandbox
 * over the job volume of c2d.md, in three stages (configuration → algorithm → publishing), and
 * reports what it sees as driver observations.
 *
 * Must not import operator-service, provider, store or the Kubernetes driver. Reads no
 * process.env: the sandbox's environment is built from the spec alone.
 */
import { existsSync } from 'node:fs'
import { appendFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Clock } from '../../../clock'
import type { Logger } from '../../../logging'
import type { ComputeDriver, DriverHealth, JobSpec, Observation, ObservationSink } from '../../driver'
import {
  runAlgorithm,
  WATCH_INTERVAL_MS,
  type RunCommand,
  type RunEnd,
  type RunningAlgorithm,
} from './algorithm-run'
import { buildBwrapArgs, SANDBOX_DATA_DIR, SANDBOX_PATH } from './bubblewrap'
import { listResults, packOutputs, readCollectedMarker, scanOutputs, writeCollectedMarker } from './outputs'
import { entrypointArgv, findSystemPython, resolveRuntime, type LocalRuntime } from './runtimes'
import {
  createJobCgroup,
  detectCgroups,
  JOB_CGROUP_PREFIX,
  sweepJobCgroups,
  type CgroupSupport,
  type JobCgroup,
} from './cgroup-limits'
import { probeSandbox, type SandboxProbe } from './sandbox-health'
import { allocateJobHostUser, JOB_HOST_PROBE_USER, type HostUser } from './sandbox-launch'
import { probeRemoteSource } from './file-fetch'
import {
  chownTree,
  createVolume,
  dataDirOf,
  resultsDirOf,
  stagedCopies,
  stagedPathOf,
  storagePathOf,
  stageInputs,
} from './staging'

export interface LocalDriverOptions {
  logger: Logger
  clock: Clock
  /** Run algorithms as plain child processes when bubblewrap is unusable (trusted algorithms only). */
  allowUnsandboxed: boolean
  ipfsGateway: string
  arweaveGateway: string
  bwrapPath?: string
  /** Interpreter for node images; default the running executable (Electron runs it as node, see below). */
  nodePath?: string
  pythonPath?: string
  /** algorithm.log is cut and the job failed beyond this (default 64 MiB). */
  algorithmLogBytesMax?: number
  /** Processes + threads one sandbox may hold (default 512). */
  tasksMax?: number
  /** Injected for tests of the platform choice; default process.platform. */
  platform?: NodeJS.Platform
  /** Which cgroups the console may create; default: probed once (tests inject `none`). */
  cgroups?: () => CgroupSupport
  /** Longest the packing of outputs may take before the job fails with 61 (default 10 min). */
  packTimeoutMs?: number
  /**
   * The host user bwrap is started as when the console runs as root: by default a uid/gid of its
   * own per job (sandbox-launch.ts, JOB_HOST_UID_BASE), one user for every job when set; null
   * keeps it root (tests of the fallback). Ignored when the console is not root.
   */
  sandboxHostUser?: HostUser | null
}

interface ActiveJob {
  spec: JobSpec
  report: ObservationSink
  run?: RunningAlgorithm
  stopRequested: boolean
  /** Aborted by close, and by a stop that arrives while packing: ends that packing. */
  abort: AbortController
  isPacking: boolean
  done: Promise<void>
}

const DEFAULT_PACK_TIMEOUT_MS = 10 * 60_000
/** Below the Operator-Service's stop grace (30 s), so a stopped job ends by its own driver. */
const STOPPED_PACK_TIMEOUT_MS = 20_000

const GIB = 1024 ** 3
const GB = 1000 ** 3
export const DEFAULT_ALGORITHM_LOG_BYTES_MAX = 64 * 1024 ** 2
export const DEFAULT_TASKS_MAX = 512
/** What the console stages itself in /data: not counted against the algorithm's disk. */
const STAGED_DATA_SUBDIRS = ['inputs', 'ddos', 'transformations', 'persistentStorage'] as const

export class LocalDriver implements ComputeDriver {
  readonly kind = 'local' as const
  private readonly active = new Map<string, ActiveJob>()
  private readonly jobDirs = new Map<string, string>()
  private probe: Promise<SandboxProbe> | undefined
  private cgroupSupport: CgroupSupport | undefined
  private closed = false

  constructor(private readonly options: LocalDriverOptions) {}

  private cgroups(): CgroupSupport {
    if (this.platform !== 'linux') return { kind: 'none', why: 'not Linux' }
    if (!this.cgroupSupport) {
      this.cgroupSupport = (this.options.cgroups ?? detectCgroups)()
      sweepJobCgroups(this.cgroupSupport)
    }
    return this.cgroupSupport
  }

  private get platform(): NodeJS.Platform {
    return this.options.platform ?? process.platform
  }

  /** As root, the unprivileged host user bwrap is started as (sandbox-launch.ts). */
  private get wantedHostUser(): HostUser | undefined {
    if (process.getuid?.() !== 0 || this.options.sandboxHostUser === null) return undefined
    return this.options.sandboxHostUser ?? JOB_HOST_PROBE_USER
  }

  /** Host uids held by this console's jobs (per-job host users), by job id. */
  private readonly hostUids = new Map<string, number>()

  /** The host user one job's sandbox is started as, once the probe says the drop works. */
  private jobHostUser(jobId: string, probed: HostUser): HostUser {
    if (this.options.sandboxHostUser) return probed
    const held = this.hostUids.get(jobId)
    if (held !== undefined) return { uid: held, gid: held }
    const user = allocateJobHostUser(new Set(this.hostUids.values()))
    this.hostUids.set(jobId, user.uid)
    return user
  }

  private sandbox(): Promise<SandboxProbe> {
    // Probed once; a failed probe is retried on the next job (the publisher may have fixed it).
    this.probe ??= probeSandbox(this.options.bwrapPath, this.platform, this.wantedHostUser).then((p) => {
      if (!p.usable) this.probe = undefined
      return p
    })
    return this.probe
  }

  async health(): Promise<DriverHealth> {
    const probe = await probeSandbox(this.options.bwrapPath, this.platform, this.wantedHostUser)
    const checks = [...probe.checks]
    if (probe.usable || this.options.allowUnsandboxed) checks.push(...this.limitChecks(probe.usable))
    const python = this.options.pythonPath ?? findSystemPython(existsSync)
    checks.push({
      name: 'python3',
      ok: existsSync(python),
      message: existsSync(python)
        ? `python images run with ${python}`
        : 'no system python3: python images cannot run',
      fix: existsSync(python) ? undefined : 'Install python3 (`sudo apt-get install python3`).',
    })
    if (probe.usable) return { ok: true, summary: probe.version ?? 'bubblewrap', checks }
    if (this.options.allowUnsandboxed) {
      return { ok: true, summary: 'unsandboxed (trusted algorithms only)', checks }
    }
    return { ok: false, summary: 'sandbox unavailable: algorithms are refused', checks }
  }

  /** Which mechanism enforces each limit (README: "What the sandbox promises"). */
  private limitChecks(sandboxed: boolean): DriverHealth['checks'] {
    const tasksMax = this.options.tasksMax ?? DEFAULT_TASKS_MAX
    const logMax = this.options.algorithmLogBytesMax ?? DEFAULT_ALGORITHM_LOG_BYTES_MAX
    const cgroups = sandboxed ? this.cgroups() : ({ kind: 'none', why: 'unsandboxed' } as const)
    const watch = `rss-watch (resident memory of the process tree${sandboxed ? ' plus its /tmp' : ''}, polled every ${WATCH_INTERVAL_MS} ms)`
    return [
      {
        name: 'memory limit',
        ok: true,
        message:
          cgroups.kind === 'none'
            ? `memory: ${watch}; no cgroup: ${cgroups.why}`
            : `memory: cgroup ${cgroups.kind} (memory limit at the granted amount, swap off), ${watch} beside it`,
      },
      {
        name: 'process limit',
        ok: true,
        message:
          cgroups.kind === 'none'
            ? `pids: task-count watch (${tasksMax} processes and threads, polled every ${WATCH_INTERVAL_MS} ms; RLIMIT_NPROC does not apply to a uid mapped onto root)`
            : `pids: cgroup ${cgroups.kind} pids.max ${tasksMax}, task-count watch beside it`,
      },
      {
        name: 'disk limit',
        ok: true,
        message: `disk: accounting with a kill (what the algorithm writes under /data, at the granted disk); /tmp: ${sandboxed ? 'size-capped tmpfs at the granted memory' : 'not isolated (unsandboxed)'}; algorithm.log: cut at ${logMax} bytes`,
      },
    ]
  }

  async start(spec: JobSpec, report: ObservationSink): Promise<void> {
    if (this.active.has(spec.jobId)) return
    this.jobDirs.set(spec.jobId, spec.jobDir)
    const collected = await readCollectedMarker(resultsDirOf(spec.jobDir))
    if (collected) {
      report(spec.jobId, { kind: 'outputs-collected', results: collected })
      return
    }
    const job: ActiveJob = {
      spec,
      report,
      stopRequested: false,
      abort: new AbortController(),
      isPacking: false,
      done: Promise.resolve(),
    }
    this.active.set(spec.jobId, job)
    await createVolume(spec.jobDir)
    job.done = this.runJob(job)
      .catch(async (error: unknown) => {
        this.options.logger.error('local job failed unexpectedly', {
          jobId: spec.jobId,
          error: String(error),
        })
        await this.publish(job, `internal error: ${String(error)}`).catch(() => undefined)
      })
      .finally(() => {
        this.active.delete(spec.jobId)
        this.hostUids.delete(spec.jobId)
      })
  }

  async resume(spec: JobSpec, report: ObservationSink): Promise<void> {
    this.jobDirs.set(spec.jobId, spec.jobDir)
    const running = this.active.get(spec.jobId)
    if (running) {
      running.report = report
      return
    }
    const results = resultsDirOf(spec.jobDir)
    const collected = await readCollectedMarker(results)
    if (collected) return report(spec.jobId, { kind: 'outputs-collected', results: collected })
    // algorithm.log is created just before the algorithm starts: without it nothing ran, and the
    // job can simply run again from the beginning (start is idempotent, keyed by job id).
    if (!existsSync(join(results, 'algorithm.log'))) {
      const missing = await this.missingInputs(spec)
      if (missing.length === 0) {
        this.options.logger.info('job had not started its algorithm: running it again', { jobId: spec.jobId })
        return this.start(spec, report)
      }
      return report(spec.jobId, {
        kind: 'lost',
        reason: `not started: the console stopped before the algorithm ran, and its inputs are gone (${missing.join(', ')})`,
        results: await listResults(results).catch(() => []),
      })
    }
    report(spec.jobId, {
      kind: 'lost',
      reason:
        'the console stopped while this job ran; its sandbox ended with it (bubblewrap --die-with-parent), so the job cannot continue',
      results: await listResults(results).catch(() => []),
    })
  }

  /**
   * The inputs of a job that never ran which can no longer be had: neither staged intact before
   * the crash, nor on disk (local sources), nor fetchable (url, ipfs, arweave: probed now).
   */
  private async missingInputs(spec: JobSpec): Promise<string[]> {
    const staged = await stagedCopies(spec.jobDir)
    const sources = [
      ...spec.datasets.flatMap((d) =>
        d.files.map((source, index) => ({
          source,
          key: stagedPathOf(d.did, index),
          label: `dataset ${d.did} file ${index}`,
        })),
      ),
      ...(spec.storageInputs ?? []).map((input) => ({
        source: { type: 'local' as const, path: input.path },
        key: storagePathOf(input.bucketId, input.fileName) ?? '',
        label: `persistent storage file ${input.fileName}`,
      })),
      ...(spec.algorithm.source.type === 'rawcode'
        ? []
        : [{ source: spec.algorithm.source, key: stagedPathOf(undefined), label: 'the algorithm' }]),
    ]
    const missing: string[] = []
    for (const { source, key, label } of sources) {
      if (staged.has(key)) continue
      if (source.type === 'local') {
        if (!existsSync(source.path)) missing.push(`${source.path.split('/').pop() ?? ''} is missing`)
        continue
      }
      const probe = await probeRemoteSource(source, {
        ipfsGateway: this.options.ipfsGateway,
        arweaveGateway: this.options.arweaveGateway,
      })
      if (!probe.ok) missing.push(`${label}: ${probe.reason}`)
    }
    return missing
  }

  async stop(jobId: string): Promise<void> {
    const job = this.active.get(jobId)
    if (!job) return
    job.stopRequested = true
    job.run?.stop()
    // A stop during packing ends it; a stop before still publishes what exists (briefly, below).
    if (job.isPacking) job.abort.abort(new Error('stopped by request'))
  }

  async cleanup(jobId: string): Promise<void> {
    const jobDir = this.jobDirs.get(jobId)
    if (!jobDir) return
    await this.active.get(jobId)?.done
    await rm(dataDirOf(jobDir), { recursive: true, force: true })
  }

  async close(): Promise<void> {
    // Local sandboxes cannot outlive us (--die-with-parent); end them now and report nothing more:
    // `resume` after the next start reports them as lost.
    this.closed = true
    for (const job of this.active.values()) {
      job.stopRequested = true
      job.run?.stop()
      job.abort.abort(new Error('the console is shutting down'))
    }
    await Promise.all([...this.active.values()].map((j) => j.done))
  }

  private emit(job: ActiveJob, observation: Observation): void {
    if (!this.closed) job.report(job.spec.jobId, observation)
  }

  private async runJob(job: ActiveJob): Promise<void> {
    const { spec } = job
    const results = resultsDirOf(spec.jobDir)
    const configLog = join(results, 'configuration.log')
    const lines: string[] = []
    const log = (line: string) => lines.push(`${new Date(this.options.clock.nowMs()).toISOString()} ${line}`)
    const flushConfigLog = () => writeFile(configLog, lines.map((l) => `${l}\n`).join(''))

    this.emit(job, { kind: 'volumes-configuring' })
    log(`job volume created for ${spec.datasets.length} dataset(s)`)
    this.emit(job, { kind: 'provisioning' })

    const prepared = await this.prepareCommand(spec, log)
    if (!prepared.ok) {
      log(`failed: ${prepared.reason}`)
      await flushConfigLog()
      this.emit(job, { kind: 'algorithm-provisioning-failed', reason: prepared.reason })
      return this.publish(job)
    }
    // On disk before the fetches: a crash while staging still leaves a configuration log.
    await flushConfigLog()
    const staged = await stageInputs(spec, {
      ipfsGateway: this.options.ipfsGateway,
      arweaveGateway: this.options.arweaveGateway,
      log,
      reuse: await stagedCopies(spec.jobDir),
    })
    await flushConfigLog()
    if (!staged.ok) {
      this.emit(
        job,
        staged.stage === 'dataset'
          ? { kind: 'data-provisioning-failed', reason: staged.reason }
          : { kind: 'algorithm-provisioning-failed', reason: staged.reason },
      )
      return this.publish(job)
    }
    if (job.stopRequested) return this.publish(job)
    // Run as host nobody, the algorithm must own its /data (and read what was staged there): set
    // before it exists, on a tree only root can reach (the job folder stays 0700 root).
    if (prepared.command.mode === 'sandbox' && prepared.command.hostUser)
      await chownTree(dataDirOf(spec.jobDir), prepared.command.hostUser)

    const algorithmLog = join(results, 'algorithm.log')
    if (prepared.command.mode === 'unsandboxed')
      await appendFile(
        algorithmLog,
        "unsandboxed (trusted algorithms only): the algorithm runs as a plain process with the console's rights\n",
      )
    else await writeFile(algorithmLog, '', { flag: 'a' })
    const startedAtMs = this.options.clock.nowMs()
    const command = this.withCgroup(prepared.command, spec)
    job.run = runAlgorithm(
      command,
      algorithmLog,
      {
        maxDurationSec: spec.maxJobDurationSec,
        memoryBytesMax: memoryBytesOf(spec),
        outputBytesMax: spec.limits.outputBytesMax,
        outputsDir: join(dataDirOf(spec.jobDir), 'outputs'),
        dataDir: dataDirOf(spec.jobDir),
        diskBytesMax: diskBytesOf(spec),
        diskExclude: STAGED_DATA_SUBDIRS,
        logBytesMax: this.options.algorithmLogBytesMax ?? DEFAULT_ALGORITHM_LOG_BYTES_MAX,
        tasksMax: this.options.tasksMax ?? DEFAULT_TASKS_MAX,
      },
      this.options.clock,
      this.platform,
    )
    this.emit(job, { kind: 'algorithm-started', atMs: startedAtMs })
    this.options.logger.info('algorithm started', {
      jobId: spec.jobId,
      runtime: prepared.runtime.name,
      mode: prepared.command.mode,
    })
    const end = await job.run.ended
    this.reportRunEnd(job, end)
    return this.publish(job, undefined, end.kind === 'output-quota')
  }

  private reportRunEnd(job: ActiveJob, end: RunEnd): void {
    switch (end.kind) {
      case 'exited':
      case 'stopped':
        return this.emit(job, {
          kind: 'container-exited',
          exitCode: end.exitCode,
          oomKilled: false,
          atMs: end.atMs,
        })
      case 'deadline':
        return this.emit(job, { kind: 'deadline-exceeded', atMs: end.atMs })
      case 'memory': {
        const usedMiB = Math.round(end.usedBytes / 1024 ** 2)
        const reason = `the algorithm used ${usedMiB} MiB, more than the environment's ${memoryBytesOf(job.spec) / GIB} GB of memory, and was stopped (OOM killed)`
        return this.emit(job, {
          kind: 'container-exited',
          exitCode: 137,
          oomKilled: true,
          atMs: end.atMs,
          reason,
        })
      }
      case 'output-quota':
        return this.emit(job, {
          kind: 'disk-quota-exceeded',
          reason: `the outputs grew past the limit of ${job.spec.limits.outputBytesMax} bytes`,
        })
      case 'disk-quota':
        return this.emit(job, {
          kind: 'disk-quota-exceeded',
          reason: `the algorithm wrote ${Math.round(end.usedBytes / 1024 ** 2)} MiB under /data, more than the environment's ${diskBytesOf(job.spec) / GB} GB of disk, and was stopped`,
        })
      case 'log-quota':
        return this.emit(job, {
          kind: 'disk-quota-exceeded',
          reason: `the algorithm's output (algorithm.log) grew past ${this.options.algorithmLogBytesMax ?? DEFAULT_ALGORITHM_LOG_BYTES_MAX} bytes; the log was cut and the algorithm stopped`,
        })
      case 'processes':
        return this.emit(job, {
          kind: 'container-exited',
          exitCode: 137,
          oomKilled: false,
          atMs: end.atMs,
          reason: `the algorithm reached the limit of ${this.options.tasksMax ?? DEFAULT_TASKS_MAX} processes and threads (it had ${end.count}) and was stopped`,
        })
      case 'spawn-failed':
        return this.emit(job, {
          kind: 'container-exited',
          exitCode: 127,
          oomKilled: false,
          atMs: end.atMs,
          reason: end.reason,
        })
    }
  }

  /** The sandbox command inside the job's own cgroup, where the machine lets us create one. */
  private withCgroup(command: RunCommand, spec: JobSpec): RunCommand {
    if (command.mode !== 'sandbox') return command
    const support = this.cgroups()
    if (support.kind === 'none') return command
    let cgroup: JobCgroup
    try {
      cgroup = createJobCgroup(support, `${JOB_CGROUP_PREFIX}${spec.jobId}`, {
        memoryBytes: memoryBytesOf(spec),
        tasks: this.options.tasksMax ?? DEFAULT_TASKS_MAX,
      })
    } catch (error) {
      // The watch still holds the limits; say why the kernel's limit is missing.
      this.options.logger.warn('job cgroup could not be created; rss-watch only', {
        jobId: spec.jobId,
        error: String(error),
      })
      return command
    }
    return { ...command, cgroup }
  }

  /** Publishing: pack outputs (unless over quota), write publish.log, report the results. */
  private async publish(job: ActiveJob, internalError?: string, outputsOverQuota = false): Promise<void> {
    const { spec } = job
    const results = resultsDirOf(spec.jobDir)
    const lines: string[] = []
    const log = (line: string) => lines.push(`${new Date(this.options.clock.nowMs()).toISOString()} ${line}`)
    this.emit(job, { kind: 'publishing' })
    if (internalError) log(internalError)
    let failure: string | undefined
    let refusal: string | undefined
    const outputsDir = join(dataDirOf(spec.jobDir), 'outputs')
    if (outputsOverQuota) {
      log('outputs exceed the output limit: outputs.tar not produced')
    } else {
      // Measured before packing, by apparent size and allocated blocks: a sparse file is refused
      // here instead of being expanded into the archive. The algorithm owns /data: an outputs
      // that is no longer a real folder (a link to a host path) is neither followed nor packed.
      const scan = await scanOutputs(outputsDir)
      if (scan.notAFolder && scan.notAFolder !== 'absent')
        log(`outputs is not a folder (${scan.notAFolder}): nothing published`)
      if (scan.notAFolder === undefined) {
        for (const skipped of scan.skipped)
          log(`skipped ${skipped.type} outputs/${skipped.path}: only files, folders and links are published`)
        const measuredBytes = Math.max(scan.apparentBytes, scan.allocatedBytes)
        if (measuredBytes > spec.limits.outputBytesMax) {
          const how = scan.apparentBytes >= scan.allocatedBytes ? 'apparent size' : 'allocated on disk'
          refusal = `the outputs (${measuredBytes} bytes, ${how}) exceed the limit of ${spec.limits.outputBytesMax} bytes`
          log(`${refusal}: outputs.tar not produced`)
        } else {
          const configuredTimeoutMs = this.options.packTimeoutMs ?? DEFAULT_PACK_TIMEOUT_MS
          // After a stop the publisher is waiting: pack what exists, but within the stop's grace.
          const timeoutMs = job.stopRequested
            ? Math.min(configuredTimeoutMs, STOPPED_PACK_TIMEOUT_MS)
            : configuredTimeoutMs
          const signal = AbortSignal.any([job.abort.signal, AbortSignal.timeout(timeoutMs)])
          job.isPacking = true
          try {
            const sizeBytes = await packOutputs(dataDirOf(spec.jobDir), join(results, 'outputs.tar'), signal)
            log(`outputs.tar: ${sizeBytes} bytes`)
            if (sizeBytes > spec.limits.outputBytesMax) {
              await rm(join(results, 'outputs.tar'), { force: true })
              refusal = `the outputs (${sizeBytes} bytes packed) exceed the limit of ${spec.limits.outputBytesMax} bytes`
              log(`${refusal}: outputs.tar removed`)
            }
          } catch (error) {
            failure = job.abort.signal.aborted
              ? `packing the outputs was interrupted (${String((job.abort.signal.reason as Error).message)})`
              : signal.aborted
                ? `packing the outputs took longer than ${Math.round(timeoutMs / 1000)} s and was abandoned`
                : `the outputs could not be packed (${(error as NodeJS.ErrnoException).code ?? 'error'})`
            log(failure)
          } finally {
            job.isPacking = false
          }
        }
      }
    }
    log('results collected')
    await writeFile(join(results, 'publish.log'), lines.map((l) => `${l}\n`).join(''))
    const collected = await listResults(results)
    if (refusal) return this.emit(job, { kind: 'outputs-refused', reason: refusal, results: collected })
    if (failure) return this.emit(job, { kind: 'results-failed', reason: failure, results: collected })
    await writeCollectedMarker(results, collected)
    this.emit(job, { kind: 'outputs-collected', results: collected })
  }

  /** Resolves image → runtime and builds the command; refuses when nothing safe can run it. */
  private async prepareCommand(
    spec: JobSpec,
    log: (line: string) => void,
  ): Promise<{ ok: true; command: RunCommand; runtime: LocalRuntime } | { ok: false; reason: string }> {
    const { container } = spec.algorithm
    const nodePath = this.options.nodePath ?? process.execPath
    const resolved = resolveRuntime(container.image, container.tag, {
      node: nodePath,
      python3: this.options.pythonPath ?? findSystemPython(existsSync),
    })
    if (!resolved.ok) return resolved
    const runtime = resolved.runtime
    const env: Record<string, string> = {
      DIDS: JSON.stringify(spec.datasets.map((d) => d.did)),
      HOME: '/tmp',
      PATH: SANDBOX_PATH,
      // Electron's executable behaves as plain node only with this set; real node ignores it.
      ...(runtime.name === 'node' ? { ELECTRON_RUN_AS_NODE: '1' } : {}),
      ...(spec.algorithm.did ? { TRANSFORMATION_DID: spec.algorithm.did } : {}),
    }
    const probe = await this.sandbox()
    const dataDir = dataDirOf(spec.jobDir)
    try {
      if (probe.usable && probe.bwrapPath) {
        const argv = entrypointArgv(
          container.entrypoint,
          runtime,
          `${SANDBOX_DATA_DIR}/transformations/algorithm`,
        )
        // An interpreter outside /usr (Electron's app folder) must be visible read-only in the sandbox.
        const extra = runtime.command.startsWith('/usr/') ? [] : [dirname(runtime.command)]
        const args = buildBwrapArgs({
          dataDir,
          allowNetwork: spec.environment.allowNetwork,
          argv,
          env,
          extraReadOnlyPaths: extra,
          tmpBytesMax: memoryBytesOf(spec),
          features: probe.features,
        })
        log(
          `sandbox: ${probe.version ?? 'bubblewrap'}, network ${spec.environment.allowNetwork ? 'allowed' : 'off'}, runtime ${runtime.name}`,
        )
        const hostUser = probe.hostUser ? this.jobHostUser(spec.jobId, probe.hostUser) : undefined
        log(`sandbox: started as host uid ${hostUser ? hostUser.uid : (process.getuid?.() ?? '?')}`)
        return {
          ok: true,
          command: {
            mode: 'sandbox',
            bwrapPath: probe.bwrapPath,
            args,
            ...(hostUser ? { hostUser, dropTools: probe.dropTools } : {}),
          },
          runtime,
        }
      }
      const why = probe.checks
        .filter((c) => !c.ok)
        .map((c) => `${c.message}${c.fix ? ` Fix: ${c.fix}` : ''}`)
        .join(' ')
      if (!this.options.allowUnsandboxed) {
        return {
          ok: false,
          reason:
            `the bubblewrap sandbox is not usable, and running algorithms without it is off. ${why}`.trim(),
        }
      }
      // Unsandboxed: no /data mount exists, so the job folder's data dir is the cwd and C2D_DATA_DIR
      // names it; entrypoint arguments under /data are rewritten. Algorithms that hard-code /data
      // paths must honour C2D_DATA_DIR (the samples in assets/ do).
      const argv = entrypointArgv(
        container.entrypoint,
        runtime,
        join(dataDir, 'transformations', 'algorithm'),
      ).map((a) =>
        a.startsWith(`${SANDBOX_DATA_DIR}/`) ? join(dataDir, a.slice(SANDBOX_DATA_DIR.length + 1)) : a,
      )
      log(
        'unsandboxed (trusted algorithms only): bubblewrap is not usable; the algorithm runs as a plain process',
      )
      this.options.logger.warn('running an algorithm unsandboxed (trusted algorithms only)', {
        jobId: spec.jobId,
      })
      return {
        ok: true,
        command: { mode: 'unsandboxed', argv, env: { ...env, C2D_DATA_DIR: dataDir }, cwd: dataDir },
        runtime,
      }
    } catch (error) {
      return { ok: false, reason: (error as Error).message }
    }
  }
}

/**
 * The granted memory, exactly (ramGb read as GiB, as before). A job granted none (an environment
 * whose minimum is 0, and a consumer who asked for nothing) gets 1 GiB, not a limit that kills it
 * at once.
 */
function memoryBytesOf(spec: JobSpec): number {
  return (spec.resources.ramGb > 0 ? spec.resources.ramGb : 1) * GIB
}

/** The granted disk; 1 GB when none was granted (as memory). */
function diskBytesOf(spec: JobSpec): number {
  return (spec.resources.diskGb > 0 ? spec.resources.diskGb : 1) * GB
}
