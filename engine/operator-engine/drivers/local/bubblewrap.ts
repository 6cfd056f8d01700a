/**
 * The bubblewrap sandbox: builds the `bwrap` argv that runs one command over a job folder
 * mounted at `/data`, with nothing else of the host visible except the read-only system files an
 * interpreter needs. Exported for the Kubernetes API double's simulated kubelet, which runs
 * container commands through the same sandbox. Must not import operator-service, provider or store.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, lstatSync, readlinkSync } from 'node:fs'
import type { Writable } from 'node:stream'
import { buildSeccompProgram } from './seccomp'

/** Where the job folder appears inside the sandbox (c2d.md: the job volume). */
export const SANDBOX_DATA_DIR = '/data'

/** Debian/Ubuntu install places; PATH is not consulted (no process.env outside config). */
export const BWRAP_CANDIDATES = ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap'] as const

export function findBwrap(
  explicitPath?: string,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  if (explicitPath) return exists(explicitPath) ? explicitPath : undefined
  return BWRAP_CANDIDATES.find(exists)
}

/** How a system path looks on the host: bound read-only, recreated as a symlink, or absent. */
export type HostPathKind = { kind: 'dir' | 'file' } | { kind: 'symlink'; target: string } | { kind: 'absent' }

export function probeHostPath(path: string): HostPathKind {
  try {
    const st = lstatSync(path)
    if (st.isSymbolicLink()) return { kind: 'symlink', target: readlinkSync(path) }
    return { kind: st.isDirectory() ? 'dir' : 'file' }
  } catch {
    return { kind: 'absent' }
  }
}

/** Program and library trees; on merged-/usr systems /bin and /lib* are symlinks into /usr. */
const SYSTEM_TREES = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'] as const
/** The least of /etc a dynamically linked interpreter needs. Not passwd/shadow/hosts. */
const ETC_BASE = ['/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/localtime'] as const
/** Name resolution and TLS trust: only bound when the environment allows network access. */
const ETC_NETWORK = [
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/host.conf',
  '/etc/gai.conf',
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/pki',
] as const

export interface SandboxOptions {
  /** Host folder mounted read-write at /data. */
  dataDir: string
  allowNetwork: boolean
  /** Command run inside the sandbox (argv[0] must be visible in it, e.g. under /usr). */
  argv: string[]
  /** The whole environment of the command (bwrap --clearenv drops the console's own). */
  env: Record<string, string>
  /** Sub-folders of /data mounted read-only over the writable bind (the algorithm must not alter its inputs). */
  readOnlyDataSubdirs?: readonly string[]
  /** Extra host paths bound read-only at the same place (e.g. a node install outside /usr). */
  extraReadOnlyPaths?: readonly string[]
  /** Further host folders bound inside after /data, later ones over earlier ones (the Kubernetes API double's volume mounts). */
  binds?: ReadonlyArray<{ hostPath: string; sandboxPath: string; readOnly?: boolean }>
  cwd?: string
  /** Size cap of the sandbox's RAM-backed /tmp (bwrap --size); unset: the kernel's default (half the RAM). */
  tmpBytesMax?: number
  /** What the installed bwrap supports (sandbox-health.ts reads it from `bwrap --help`); default: bwrap 0.8+. */
  features?: BwrapFeatures
}

export interface BwrapFeatures {
  /** `--disable-userns` (bwrap 0.8): no nested user namespace inside the sandbox. */
  disableUserns: boolean
  /** `--size` before `--tmpfs` (bwrap 0.8). */
  tmpfsSize: boolean
}

export const BWRAP_0_8_FEATURES: BwrapFeatures = { disableUserns: true, tmpfsSize: true }

/** Reads the features from `bwrap --help`. */
export function parseBwrapFeatures(help: string): BwrapFeatures {
  return { disableUserns: help.includes('--disable-userns'), tmpfsSize: /--size\b/.test(help) }
}

/**
 * The algorithm's identity inside the sandbox: nobody/nogroup. Whoever runs the console (root
 * included), bwrap maps this id onto the console's own uid, so files the algorithm writes in /data
 * belong to the console's user on the host; inside, the process has no capabilities, so it cannot
 * remount the read-only binds or leave its namespaces.
 */
export const SANDBOX_UID = 65534
export const SANDBOX_GID = 65534
/** The fd bwrap reads the seccomp program from (spawnSandbox writes it there). */
export const SECCOMP_FD = 3

export const DEFAULT_READ_ONLY_DATA_SUBDIRS = [
  'inputs',
  'ddos',
  'transformations',
  'persistentStorage',
] as const

/** The bwrap argv (without the bwrap binary itself). Pure except for `probe`, which tests replace. */
export function buildBwrapArgs(
  options: SandboxOptions,
  probe: (path: string) => HostPathKind = probeHostPath,
): string[] {
  const features = options.features ?? BWRAP_0_8_FEATURES
  const args: string[] = [
    '--unshare-all',
    // Explicit, not the "-try" that --unshare-all implies: as root bwrap would otherwise keep the
    // host's user namespace and the algorithm would be real root.
    '--unshare-user',
    ...(options.allowNetwork ? ['--share-net'] : []),
    '--uid',
    String(SANDBOX_UID),
    '--gid',
    String(SANDBOX_GID),
    '--cap-drop',
    'ALL',
    ...(features.disableUserns ? ['--disable-userns'] : []),
    '--seccomp',
    String(SECCOMP_FD),
    '--die-with-parent',
    // A new session: the algorithm cannot push keystrokes into the console's terminal (TIOCSTI).
    '--new-session',
    '--clearenv',
  ]
  for (const path of SYSTEM_TREES) args.push(...bindSystemPath(path, probe))
  for (const path of [...ETC_BASE, ...(options.allowNetwork ? ETC_NETWORK : [])])
    args.push(...bindSystemPath(path, probe))
  for (const path of options.extraReadOnlyPaths ?? []) args.push('--ro-bind', path, path)
  args.push('--proc', '/proc')
  // /proc/sys is global, and the algorithm's uid maps onto the console's: as root, its files
  // (0644 root) would be writable, and kernel.*/vm.* would change for the whole host. bwrap's own
  // cover skips it (it tests the 0555 directory, not the files), so it is bound read-only here.
  // The same holds for the few other host-global files in /proc its owner may write.
  args.push('--ro-bind', '/proc/sys', '/proc/sys')
  for (const path of ['/proc/sysrq-trigger', '/proc/mtrr', '/proc/pressure'])
    args.push('--ro-bind-try', path, path)
  args.push('--dev', '/dev')
  // Both RAM-backed places the algorithm can write get the same cap (and both count as memory).
  const size =
    options.tmpBytesMax !== undefined && features.tmpfsSize
      ? ['--size', String(Math.max(4096, Math.floor(options.tmpBytesMax)))]
      : []
  args.push(...size, '--tmpfs', '/tmp', ...size, '--tmpfs', '/dev/shm')
  args.push('--bind', options.dataDir, SANDBOX_DATA_DIR)
  for (const sub of options.readOnlyDataSubdirs ?? DEFAULT_READ_ONLY_DATA_SUBDIRS) {
    const host = `${options.dataDir}/${sub}`
    if (probe(host).kind === 'dir') args.push('--ro-bind', host, `${SANDBOX_DATA_DIR}/${sub}`)
  }
  for (const bind of options.binds ?? [])
    args.push(bind.readOnly ? '--ro-bind' : '--bind', bind.hostPath, bind.sandboxPath)
  for (const [name, value] of Object.entries(options.env)) args.push('--setenv', name, value)
  args.push('--chdir', options.cwd ?? SANDBOX_DATA_DIR, '--')
  args.push(...options.argv)
  return args
}

function bindSystemPath(path: string, probe: (path: string) => HostPathKind): string[] {
  const found = probe(path)
  if (found.kind === 'symlink') return ['--symlink', found.target, path]
  if (found.kind === 'dir' || found.kind === 'file') return ['--ro-bind', path, path]
  return []
}

/** The PATH inside the sandbox: system folders only. */
export const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin'

/**
 * bwrap's own environment. bwrap is pid 1 of the sandbox, so its environment is readable there at
 * /proc/1/environ: it gets nothing of the console's (RPC keys, C2D_*, npm_*), only a PATH.
 */
export const BWRAP_ENV: Readonly<Record<string, string>> = { PATH: '/usr/bin:/bin' }

let seccompProgram: Buffer | undefined

/**
 * Spawns bwrap in its own process group, so `killSandbox` reaches bwrap; the sandboxed processes
 * die with it (`--die-with-parent`, and the PID namespace ends when its init goes). When the argv
 * asks for `--seccomp 3`, the filter is written to fd 3 as a pipe (bwrap reads it to EOF).
 */
export function spawnSandbox(
  bwrapPath: string,
  args: string[],
  options: { stdin?: 'ignore' | 'pipe' } = {},
): ChildProcess {
  const seccomp = args.includes('--seccomp')
  const child = spawn(bwrapPath, args, {
    detached: true,
    env: { ...BWRAP_ENV },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe', ...(seccomp ? (['pipe'] as const) : [])],
  })
  if (seccomp) {
    const fd = child.stdio[SECCOMP_FD] as Writable | null
    fd?.on('error', () => undefined)
    fd?.end((seccompProgram ??= buildSeccompProgram()))
  }
  return child
}

/** SIGKILL to the whole process group of a child spawned with `detached: true`. */
export function killProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // Already gone: nothing to kill.
  }
}
