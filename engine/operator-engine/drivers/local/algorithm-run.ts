/**
 * The algorithm stage: runs one command (in bwrap, or as a plain child process in unsandboxed
 * mode), appends its stdout+stderr to algorithm.log live, and enforces the job's deadline, memory
 * and output-size limits by killing the process group. Resolves with how the run ended.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import type { Clock } from '../../../clock'
import { killProcessGroup, spawnSandbox } from './bubblewrap'
import { directorySizeBytes } from './outputs'
import { processTreeRssBytes } from './resource-watch'

export type RunEnd =
  | { kind: 'exited'; exitCode: number; atMs: number }
  | { kind: 'deadline'; atMs: number }
  | { kind: 'memory'; usedBytes: number; atMs: number }
  | { kind: 'output-quota'; usedBytes: number; atMs: number }
  | { kind: 'stopped'; exitCode: number; atMs: number }
  | { kind: 'spawn-failed'; reason: string; atMs: number }

export type RunCommand =
  | { mode: 'sandbox'; bwrapPath: string; args: string[] }
  | { mode: 'unsandboxed'; argv: string[]; env: Record<string, string>; cwd: string }

export interface RunLimits {
  maxDurationSec: number
  memoryBytesMax: number
  outputBytesMax: number
  outputsDir: string
}

export interface RunningAlgorithm {
  readonly pid: number | undefined
  readonly ended: Promise<RunEnd>
  stop(): void
}

/** Poll cadence of the memory and output watch (see resource-watch.ts for why polling). */
const WATCH_INTERVAL_MS = 200
/** Outputs are walked less often: a deep tree costs more than a /proc scan. */
const OUTPUT_CHECK_EVERY_TICKS = 5

export function runAlgorithm(
  command: RunCommand,
  logPath: string,
  limits: RunLimits,
  clock: Clock,
): RunningAlgorithm {
  const log = createWriteStream(logPath, { flags: 'a' })
  let child: ChildProcess
  if (command.mode === 'sandbox') {
    child = spawnSandbox(command.bwrapPath, command.args)
  } else {
    child = spawn(command.argv[0]!, command.argv.slice(1), {
      cwd: command.cwd,
      env: command.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  }
  let cause: RunEnd | undefined
  const cancels: Array<() => void> = []
  const endWith = (end: RunEnd) => {
    if (cause) return
    cause = end
    killProcessGroup(child)
  }
  child.stdout?.pipe(log, { end: false })
  child.stderr?.pipe(log, { end: false })

  cancels.push(
    clock.setTimer(() => endWith({ kind: 'deadline', atMs: clock.nowMs() }), limits.maxDurationSec * 1000),
  )
  let ticks = 0
  let checkingOutputs = false
  const tick = () => {
    if (cause || child.pid === undefined) return
    const rss = processTreeRssBytes(child.pid)
    if (rss > limits.memoryBytesMax) return endWith({ kind: 'memory', usedBytes: rss, atMs: clock.nowMs() })
    if (++ticks % OUTPUT_CHECK_EVERY_TICKS === 0 && !checkingOutputs) {
      checkingOutputs = true
      void directorySizeBytes(limits.outputsDir).then((size) => {
        checkingOutputs = false
        if (size > limits.outputBytesMax)
          endWith({ kind: 'output-quota', usedBytes: size, atMs: clock.nowMs() })
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
      const end: RunEnd = spawnError
        ? { kind: 'spawn-failed', reason: `the algorithm could not be started (${spawnError})`, atMs }
        : cause?.kind === 'stopped'
          ? { ...cause, exitCode, atMs }
          : (cause ?? { kind: 'exited', exitCode, atMs })
      log.end(() => resolve(end))
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
