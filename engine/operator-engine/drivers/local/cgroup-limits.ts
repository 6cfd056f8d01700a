/**
 * Hard memory and process limits from the kernel (cgroups), where this machine lets the console
 * create cgroups: a job's cgroup under the console's own, with memory at the granted amount (swap
 * off) and a pids limit. The kernel then refuses the allocation or fork itself, instead of a poll
 * catching it up to one interval late. cgroup v2 needs the memory and pids controllers enabled in
 * the console's cgroup (a delegated subtree, e.g. a systemd unit with Delegate=yes); cgroup v1 (and
 * hybrid hosts) needs write access to the memory and pids hierarchies, which in practice means root.
 * Where neither holds, `detectCgroups` says why and the RSS/task-count watch stays the limit.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

export type CgroupSupport =
  | { kind: 'v2'; parent: string }
  | { kind: 'v1'; memoryParent: string; pidsParent: string }
  | { kind: 'none'; why: string }

const DEFAULT_ROOT = '/sys/fs/cgroup'

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

/** Can this directory hold a child cgroup we create (tried for real, then removed)? */
function canCreateChild(dir: string): boolean {
  const probe = join(dir, `c2d-probe-${process.pid}`)
  try {
    mkdirSync(probe)
    rmdirSync(probe)
    return true
  } catch {
    return false
  }
}

/** Where the cgroup file systems and the console's own cgroup are read; tests point at a fake tree. */
export interface CgroupPaths {
  /** Default /sys/fs/cgroup. */
  root?: string
  /** Default /proc/self/cgroup. */
  selfCgroup?: string
}

/**
 * cgroup v2 hands controllers down through `cgroup.subtree_control`: each job cgroup gets memory
 * and pids only if its parent enables them there. The console enables them itself where the
 * kernel allows it: in the root of its cgroup namespace, or in a cgroup without processes of its
 * own ("no internal processes"; a delegated subtree's parent). A refused write (EBUSY, EACCES,
 * ENOENT when the controller is bound to a v1 hierarchy) just means "not here".
 */
function enableV2Controllers(dir: string, isNamespaceRoot: boolean): boolean {
  const enabled = (read(join(dir, 'cgroup.subtree_control')) ?? '').split(/\s+/)
  if (enabled.includes('memory') && enabled.includes('pids')) return true
  const available = (read(join(dir, 'cgroup.controllers')) ?? '').split(/\s+/)
  if (!available.includes('memory') || !available.includes('pids')) return false
  if (!isNamespaceRoot && (read(join(dir, 'cgroup.procs')) ?? '').trim() !== '') return false
  try {
    writeFileSync(join(dir, 'cgroup.subtree_control'), '+memory +pids')
    return true
  } catch {
    return false
  }
}

export function detectCgroups(paths: CgroupPaths = {}): CgroupSupport {
  const ROOT = paths.root ?? DEFAULT_ROOT
  const self = read(paths.selfCgroup ?? '/proc/self/cgroup')
  if (!self) return { kind: 'none', why: 'no /proc/self/cgroup' }
  const lines = self.trim().split('\n')
  const pathOf = (controller: string) =>
    lines.map((l) => l.split(':')).find(([, list]) => list?.split(',').includes(controller))?.[2]
  const v2Path = lines.find((l) => l.startsWith('0::'))?.slice(3)
  if (lines.length === 1 && v2Path !== undefined) {
    // A v2 cgroup with processes cannot hand controllers to children ("no internal processes"),
    // unless it is a root: job cgroups go under the console's own cgroup when it is the root of its
    // namespace (a container), else beside it, under its parent (a delegated subtree).
    const candidates = [v2Path, ...(v2Path === '/' ? [] : [dirname(v2Path)])]
    for (const candidate of candidates) {
      const parent = join(ROOT, candidate)
      if (enableV2Controllers(parent, candidate === '/') && canCreateChild(parent))
        return { kind: 'v2', parent }
    }
    return {
      kind: 'none',
      why: `cgroup v2: memory and pids are not delegated to the console's cgroup ${v2Path} or its parent (run it in a systemd unit with Delegate=yes)`,
    }
  }
  const memory = pathOf('memory')
  const pids = pathOf('pids')
  if (memory === undefined || pids === undefined)
    return { kind: 'none', why: 'no memory and pids cgroup controllers' }
  const memoryParent = join(ROOT, 'memory', memory)
  const pidsParent = join(ROOT, 'pids', pids)
  if (!canCreateChild(memoryParent) || !canCreateChild(pidsParent))
    return { kind: 'none', why: 'cgroup v1: the memory and pids hierarchies are not writable by the console' }
  return { kind: 'v1', memoryParent, pidsParent }
}

/** One job's cgroup(s). `procsFiles` are where the sandbox's first process writes its pid. */
export interface JobCgroup {
  readonly procsFiles: readonly string[]
  /** Did the kernel's OOM killer act inside it? */
  oomKilled(): boolean
  /** Did the kernel refuse a fork at pids.max? */
  taskLimitHit(): boolean
  /** Peak memory charged, in bytes (0 when the kernel does not say). */
  peakBytes(): number
  /** Removes the cgroup(s); call after every process in them has exited. */
  remove(): void
}

export function createJobCgroup(
  support: Exclude<CgroupSupport, { kind: 'none' }>,
  name: string,
  limits: { memoryBytes: number; tasks: number },
): JobCgroup {
  const memoryBytes = String(Math.floor(limits.memoryBytes))
  if (support.kind === 'v2') {
    const dir = join(support.parent, name)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'memory.max'), memoryBytes)
    if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0')
    writeFileSync(join(dir, 'pids.max'), String(limits.tasks))
    return {
      procsFiles: [join(dir, 'cgroup.procs')],
      oomKilled: () => /oom_kill [1-9]/.test(read(join(dir, 'memory.events')) ?? ''),
      taskLimitHit: () => /max [1-9]/.test(read(join(dir, 'pids.events')) ?? ''),
      peakBytes: () => Number(read(join(dir, 'memory.peak')) ?? 0) || 0,
      remove: () => rmdirQuietly(dir),
    }
  }
  const memoryDir = join(support.memoryParent, name)
  const pidsDir = join(support.pidsParent, name)
  mkdirSync(memoryDir, { recursive: true })
  mkdirSync(pidsDir, { recursive: true })
  writeFileSync(join(memoryDir, 'memory.limit_in_bytes'), memoryBytes)
  // Swap counts too where the kernel accounts it; without this file swap is simply not offered.
  const memsw = join(memoryDir, 'memory.memsw.limit_in_bytes')
  if (existsSync(memsw)) writeFileSync(memsw, memoryBytes)
  writeFileSync(join(pidsDir, 'pids.max'), String(limits.tasks))
  return {
    procsFiles: [join(memoryDir, 'cgroup.procs'), join(pidsDir, 'cgroup.procs')],
    oomKilled: () => /oom_kill [1-9]/.test(read(join(memoryDir, 'memory.oom_control')) ?? ''),
    taskLimitHit: () => /max [1-9]/.test(read(join(pidsDir, 'pids.events')) ?? ''),
    peakBytes: () => Number(read(join(memoryDir, 'memory.max_usage_in_bytes')) ?? 0) || 0,
    remove: () => {
      rmdirQuietly(memoryDir)
      rmdirQuietly(pidsDir)
    },
  }
}

/**
 * A cgroup can be removed only once its last process is reaped; the sandbox's other processes die
 * with its PID namespace a moment after bwrap's own exit, so removal retries for a while.
 */
function rmdirQuietly(dir: string, attemptsLeft = 40): void {
  try {
    rmdirSync(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EBUSY' || attemptsLeft === 0) return
    setTimeout(() => rmdirQuietly(dir, attemptsLeft - 1), 50).unref()
  }
}

/* Entering the cgroup before bwrap starts: sandbox-launch.ts (sandboxLaunchArgv). */

/** The prefix of every job cgroup's name (local-driver.ts names them `c2d-job-<jobId>`). */
export const JOB_CGROUP_PREFIX = 'c2d-job-'

/**
 * Removes job cgroups a previous run left behind (killed before it could remove them). rmdir
 * succeeds only on a cgroup without processes, so a live sandbox's cgroup is never touched.
 */
export function sweepJobCgroups(support: CgroupSupport): void {
  const parents =
    support.kind === 'v2'
      ? [support.parent]
      : support.kind === 'v1'
        ? [support.memoryParent, support.pidsParent]
        : []
  for (const parent of parents) {
    let names: string[] = []
    try {
      names = readdirSync(parent).filter((n) => n.startsWith(JOB_CGROUP_PREFIX))
    } catch {
      continue
    }
    for (const name of names) rmdirQuietly(join(parent, name), 0)
  }
}
