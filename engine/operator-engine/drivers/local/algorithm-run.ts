/**
 * The algorithm stage: runs one command (in bwrap, or as a plain child process in unsandboxed
 * mode), appends its stdout+stderr to algorithm.log live, and enforces the job's deadline, memory
 * and output-size limits by killing the process group. Resolves with how the run ended.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { createWriteStream, statSync } from 'node:fs'
import { Transform } from 'node:stream'
import type { Clock } from '../../../clock'
import { LogTimesRecorder } from '../../log-times'
import { killProcessGroup, spawnSandbox } from './bubblewrap'
import { type JobCgroup } from './cgroup-limits'
import { directorySizeBytes } from './outputs'
import { sandboxLaunchArgv, type DropTools, type HostUser } from './sandbox-launch'
import { allocatedBytes, processTreeRssBytes, processTreeTaskCount, sandboxTmpBytes } from './resource-watch'

export type RunEnd =
  | { kind: 'exited'; exitCode: number; atMs: number }
  | { kind: 'deadline'; atMs: number }
  | { kind: 'memory'; usedBytes: number; atMs: number }
  | { kind: 'output-quota'; usedBytes: number; atMs: number }
  | { kind: 'disk-quota'; usedBytes: number; atMs: number }
  | { kind: 'log-quota'; usedBytes: number; atMs: number }
  | { kind: 'processes'; count: number; atMs: number }
  | { kind: 'stopped'; exitCode: number; atMs: number }
  | { kind: 'spawn-failed'; reason: string; atMs: number }

export type RunCommand =
  | {
      mode: 'sandbox'
      bwrapPath: string
      args: string[]
      cgroup?: JobCgroup
      /** bwrap is started as this host user (the console runs as root); see sandbox-launch.ts. */
      hostUser?: HostUser
      dropTools?: DropTools
    }
  | { mode: 'unsandboxed'; argv: string[]; env: Record<string, string>; cwd: string }

export interface RunLimits {
  maxDurationSec: number
  memoryBytesMax: number
  outputBytesMax: number
  outputsDir: string
  /** The job's /data on the host, and what the algorithm may write there in all (the granted disk). */
  dataDir?: string
  diskBytesMax?: number
  /** Top-level folders of dataDir the console staged itself (not the algorithm's writes). */
  diskExclude?: readonly string[]
  /** algorithm.log beyond this is cut and the run ends. */
  logBytesMax?: number
  /** Processes + threads of the whole sandbox. */
  tasksMax?: number
}

/**
 * Spawn options for the unsandboxed mode. On Windows there are no process groups: `detached`
 * would open a console window, and `windowsHide` keeps a console from flashing up.
 */
export function unsandboxedSpawnOptions(
  platform: NodeJS.Platform,
  cwd: string,
  env: Record<string, string>,
): SpawnOptions {
  const stdio: SpawnOptions['stdio'] = ['ignore', 'pipe', 'pipe']
  return platform === 'win32' ? { cwd, env, windowsHide: true, stdio } : { cwd, env, detached: true, stdio }
}

/**
 * Ends a child and everything it started. process.kill(-pid) throws on Windows (no process
 * groups): there `taskkill /T /F` walks the tree.
 */
export function killProcessTree(
  child: ChildProcess,
  platform: NodeJS.Platform,
  taskkill: (pid: number) => void = (pid) => {
    spawn('taskkill', ['/T', '/F', '/PID', String(pid)], { windowsHide: true, stdio: 'ignore' }).on(
      'error',
      () => undefined,
    )
  },
): void {
  if (platform !== 'win32') return killProcessGroup(child)
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  taskkill(child.pid)
}

/**
 * Passes bytes through until `limit`, then drops the rest and calls `onOver` once. `onArrive` is
 * told, before a chunk goes on to the log, that the bytes from `passed` on arrived now.
 */
function cappedLog(
  limit: number,
  onOver: (seenBytes: number) => void,
  onArrive: (passed: number) => void = () => undefined,
): Transform {
  let seen = 0
  let passed = 0
  let over = false
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const room = Math.max(0, limit - seen)
      seen += chunk.length
      if (over) return done()
      onArrive(passed)
      if (chunk.length <= room) {
        passed += chunk.length
        return done(null, chunk)
      }
      over = true
      onOver(seen)
      done(
        null,
        Buffer.concat([chunk.subarray(0, room), Buffer.from(`\n[algorithm.log cut at ${limit} bytes]\n`)]),
      )
    },
  })
}

export interface RunningAlgorithm {
  readonly pid: number | undefined
  readonly ended: Promise<RunEnd>
  stop(): void
}

/** Poll cadence of the memory and output watch (see resource-watch.ts for why polling). */
export const WATCH_INTERVAL_MS = 200
/** Outputs are walked less often: a deep tree costs more than a /proc scan. */
const OUTPUT_CHECK_EVERY_TICKS = 5

export function runAlgorithm(
  command: RunCommand,
  logPath: string,
  limits: RunLimits,
  clock: Clock,
  platform: NodeJS.Platform = process.platform,
): RunningAlgorithm {
  const log = createWriteStream(logPath, { flags: 'a' })
  // When each chunk of stdout/stderr arrived, beside the log (log-times.ts); the log itself stays
  // the algorithm's bytes. What the engine wrote into it before the run (a notice) arrived now.
  const logStartBytes = statSync(logPath, { throwIfNoEntry: false })?.size ?? 0
  const times = new LogTimesRecorder(logPath, 'a')
  if (logStartBytes > 0) times.record(0, clock.nowMs())
  let child: ChildProcess
  if (command.mode === 'sandbox') {
    const [file, ...args] = sandboxLaunchArgv(command.bwrapPath, command.args, {
      cgroupProcs: command.cgroup?.procsFiles,
      hostUser: command.hostUser,
      tools: command.dropTools,
    })
    child = spawnSandbox(file!, args)
  } else {
    child = spawn(
      command.argv[0]!,
      command.argv.slice(1),
      unsandboxedSpawnOptions(platform, command.cwd, command.env),
    )
  }
  let cause: RunEnd | undefined
  const cancels: Array<() => void> = []
  const endWith = (end: RunEnd) => {
    if (cause) return
    cause = end
    killProcessTree(child, platform)
  }
  const capped = cappedLog(
    limits.logBytesMax ?? Number.POSITIVE_INFINITY,
    (seen) => endWith({ kind: 'log-quota', usedBytes: seen, atMs: clock.nowMs() }),
    (passed) => times.record(logStartBytes + passed, clock.nowMs()),
  )
  capped.pipe(log, { end: false })
  child.stdout?.pipe(capped, { end: false })
  child.stderr?.pipe(capped, { end: false })

  cancels.push(
    clock.setTimer(() => endWith({ kind: 'deadline', atMs: clock.nowMs() }), limits.maxDurationSec * 1000),
  )
  let ticks = 0
  let checkingOutputs = false
  const tick = () => {
    if (cause || child.pid === undefined) return
    const cgroup = command.mode === 'sandbox' ? command.cgroup : undefined
    if (cgroup?.oomKilled())
      return endWith({ kind: 'memory', usedBytes: cgroup.peakBytes(), atMs: clock.nowMs() })
    if (limits.tasksMax !== undefined) {
      const tasks = processTreeTaskCount(child.pid)
      if (tasks > limits.tasksMax) return endWith({ kind: 'processes', count: tasks, atMs: clock.nowMs() })
    }
    // The sandbox's /tmp is RAM: it counts against memory.
    const used =
      processTreeRssBytes(child.pid) + (command.mode === 'sandbox' ? sandboxTmpBytes(child.pid) : 0)
    if (used > limits.memoryBytesMax) return endWith({ kind: 'memory', usedBytes: used, atMs: clock.nowMs() })
    if (++ticks % OUTPUT_CHECK_EVERY_TICKS === 0 && !checkingOutputs) {
      checkingOutputs = true
      void Promise.all([
        directorySizeBytes(limits.outputsDir),
        limits.dataDir && limits.diskBytesMax !== undefined
          ? allocatedBytes(limits.dataDir, limits.diskExclude)
          : Promise.resolve(0),
      ]).then(([size, written]) => {
        checkingOutputs = false
        if (size > limits.outputBytesMax)
          endWith({ kind: 'output-quota', usedBytes: size, atMs: clock.nowMs() })
        else if (limits.diskBytesMax !== undefined && written > limits.diskBytesMax)
          endWith({ kind: 'disk-quota', usedBytes: written, atMs: clock.nowMs() })
      })
    }
    cancels.push(clock.setTimer(tick, WATCH_INTERVAL_MS))
  }
  cancels.push(clock.setTimer(tick, WATCH_INTERVAL_MS))

  const ended = new Promise<RunEnd>((resolve) => {
    let spawnError: string | undefined
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code ?? 'spawn error'
    })
    // 'close' waits for stdout/stderr to drain, so the log is complete when we resolve.
    child.on('close', (code, signal) => {
      for (const cancel of cancels) cancel()
      const atMs = clock.nowMs()
      const exitCode = code ?? 128 + signalNumber(signal)
      const cgroup = command.mode === 'sandbox' ? command.cgroup : undefined
      if (cgroup?.oomKilled() && !cause) cause = { kind: 'memory', usedBytes: cgroup.peakBytes(), atMs }
      // The kernel refused a fork and the algorithm then failed: that is the process limit.
      if (cgroup?.taskLimitHit() && !cause && exitCode !== 0)
        cause = { kind: 'processes', count: limits.tasksMax ?? 0, atMs }
      cgroup?.remove()
      const end: RunEnd = spawnError
        ? { kind: 'spawn-failed', reason: `the algorithm could not be started (${spawnError})`, atMs }
        : cause?.kind === 'stopped'
          ? { ...cause, exitCode, atMs }
          : (cause ?? { kind: 'exited', exitCode, atMs })
      // The capped stream's 'end' comes after its last chunk reached the log.
      capped.once('end', () =>
        log.end(() => {
          times.close()
          resolve(end)
        }),
      )
      capped.end()
    })
  })

  return {
    pid: child.pid,
    ended,
    stop: () => endWith({ kind: 'stopped', exitCode: 137, atMs: clock.nowMs() }),
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  if (signal === 'SIGKILL') return 9
  if (signal === 'SIGTERM') return 15
  if (signal === 'SIGINT') return 2
  return signal ? 1 : 0
}
