/**
 * The bubblewrap sandbox: builds the `bwrap` argv that runs one command over a job folder
 * mounted at `/data`, with nothing else of the host visible except the read-only system files an
 * interpreter needs. Exported for the Kubernetes API double's simulated kubelet, which runs
 * container commands through the same sandbox. Must not import operator-service, provider or store.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, lstatSync, readlinkSync } from 'node:fs'

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
}

export const DEFAULT_READ_ONLY_DATA_SUBDIRS = ['inputs', 'ddos', 'transformations'] as const

/** The bwrap argv (without the bwrap binary itself). Pure except for `probe`, which tests replace. */
export function buildBwrapArgs(
  options: SandboxOptions,
  probe: (path: string) => HostPathKind = probeHostPath,
): string[] {
  const args: string[] = [
    '--unshare-all',
    ...(options.allowNetwork ? ['--share-net'] : []),
    '--die-with-parent',
    // A new session: the algorithm cannot push keystrokes into the console's terminal (TIOCSTI).
    '--new-session',
    '--clearenv',
  ]
  for (const path of SYSTEM_TREES) args.push(...bindSystemPath(path, probe))
  for (const path of [...ETC_BASE, ...(options.allowNetwork ? ETC_NETWORK : [])])
    args.push(...bindSystemPath(path, probe))
  for (const path of options.extraReadOnlyPaths ?? []) args.push('--ro-bind', path, path)
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp')
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
 * Spawns bwrap in its own process group, so `killSandbox` reaches bwrap; the sandboxed processes
 * die with it (`--die-with-parent`, and the PID namespace ends when its init goes).
 */
export function spawnSandbox(bwrapPath: string, args: string[]): ChildProcess {
  return spawn(bwrapPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
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
