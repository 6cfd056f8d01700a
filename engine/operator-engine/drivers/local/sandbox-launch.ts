/**
 * How bwrap is started: as the console's own user, or, when the console runs as root, as the
 * host's unprivileged user (nobody, 65534). bwrap maps the sandbox's uid onto the uid that starts
 * it, so as root the algorithm would be host root (without capabilities, but owner of every
 * root-owned file it can see). Started as 65534, the algorithm is host nobody: a root-owned 0600
 * file is closed to it even where it is bound in.
 *
 * bwrap resolves its bind sources by path as the user that runs it, and the job folder lies inside
 * the console's data dir (0700 root), which nobody cannot traverse. The launcher therefore gives
 * bwrap its own mount namespace (unshare --mount, private propagation, seen by no other process)
 * in which each bound host folder is bind-mounted onto a small tmpfs nobody can traverse, then
 * drops to 65534 (setpriv: uid, gid, no supplementary groups, no capabilities) and becomes bwrap.
 * The host's directory modes stay as they are (data dir 0700). One process throughout (exec), so
 * the pid the console watches, signals and puts into the job's cgroup is bwrap's. bwrap runs with
 * the spawn's environment (PATH alone), so pid 1 of the sandbox holds nothing of the console's.
 */
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs'

export interface HostUser {
  uid: number
  gid: number
}

/** The host user the sandbox runs as when the console is root. */
export const HOST_SANDBOX_USER: HostUser = { uid: 65534, gid: 65534 }

/**
 * A host uid/gid of its own for every job, from a range no account uses (systemd's UID map leaves
 * 0x70000000-0x7FFDFFFF unassigned; below 2^31, so no signed-int trouble). Host nobody is shared:
 * any daemon running as nobody, and every other job, could open /proc/<pid>/root of a job's
 * processes (same uid, dumpable) and read or write its /data. The first uid of the range is the
 * one the health probe starts its trivial sandbox as; jobs get the others.
 */
export const JOB_HOST_UID_BASE = 0x7c2d0000
export const JOB_HOST_UID_SLOTS = 0x10000
/** The health probe's host user (the first uid of the job range). */
export const JOB_HOST_PROBE_USER: HostUser = { uid: JOB_HOST_UID_BASE, gid: JOB_HOST_UID_BASE }

/** The uids that own a process on this host (the owner of /proc/<pid>). */
export function uidsWithProcesses(procDir = '/proc'): Set<number> {
  const uids = new Set<number>()
  for (const name of readdirSync(procDir)) {
    if (!/^\d+$/.test(name)) continue
    try {
      uids.add(statSync(`${procDir}/${name}`).uid)
    } catch {
      // Ended while we looked.
    }
  }
  return uids
}

/**
 * A job's host user: a free uid (=gid) of the job range, neither held by another job of this
 * console (`taken`) nor owning any process on the host (another console, a leftover).
 */
export function allocateJobHostUser(
  taken: ReadonlySet<number>,
  random: () => number = Math.random,
  running: () => ReadonlySet<number> = uidsWithProcesses,
): HostUser {
  const busy = running()
  const start = Math.floor(random() * (JOB_HOST_UID_SLOTS - 1))
  for (let i = 0; i < JOB_HOST_UID_SLOTS - 1; i++) {
    const uid = JOB_HOST_UID_BASE + 1 + ((start + i) % (JOB_HOST_UID_SLOTS - 1))
    if (!taken.has(uid) && !busy.has(uid)) return { uid, gid: uid }
  }
  throw new Error('no free host uid for the sandbox (every uid of the job range is in use)')
}

export const UNSHARE_CANDIDATES = ['/usr/bin/unshare', '/bin/unshare'] as const
export const SETPRIV_CANDIDATES = ['/usr/bin/setpriv', '/bin/setpriv'] as const
export const MOUNT_CANDIDATES = ['/usr/bin/mount', '/bin/mount'] as const

/** The util-linux tools the drop needs, or which of them is missing. */
export interface DropTools {
  unshare: string
  setpriv: string
  mount: string
}

export function findDropTools(
  exists: (path: string) => boolean = existsSync,
): { ok: true; tools: DropTools } | { ok: false; missing: string[] } {
  const unshare = UNSHARE_CANDIDATES.find(exists)
  const setpriv = SETPRIV_CANDIDATES.find(exists)
  const mount = MOUNT_CANDIDATES.find(exists)
  if (unshare && setpriv && mount) return { ok: true, tools: { unshare, setpriv, mount } }
  return {
    ok: false,
    missing: [...(unshare ? [] : ['unshare']), ...(setpriv ? [] : ['setpriv']), ...(mount ? [] : ['mount'])],
  }
}

/** Where the re-exposed folders go: an existing directory, none of the sources below it. */
export const STAGE_CANDIDATES = ['/mnt', '/media', '/srv', '/opt', '/var/tmp', '/tmp', '/run'] as const

const BIND_FLAGS = new Set(['--bind', '--ro-bind', '--bind-try', '--ro-bind-try'])
/** System trees every user may read: bound by their own path. */
const SYSTEM_PREFIXES = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc', '/proc']

function isSystemPath(path: string): boolean {
  return SYSTEM_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`)
}

/** POSIX shell single-quoting. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

export type SourceKind = 'dir' | 'file' | 'absent'

function kindOf(path: string): SourceKind {
  try {
    return lstatSync(path).isDirectory() ? 'dir' : 'file'
  } catch {
    return 'absent'
  }
}

export interface LaunchOptions {
  /** cgroup.procs files the launcher writes its own pid into before bwrap starts. */
  cgroupProcs?: readonly string[]
  /** Start bwrap as this host user (the console runs as root); needs `tools`. */
  hostUser?: HostUser
  tools?: DropTools
  /** Tests replace the file system look-ups. */
  kind?: (path: string) => SourceKind
  isDir?: (path: string) => boolean
}

const isRealDir = (path: string): boolean => {
  try {
    return lstatSync(path).isDirectory()
  } catch {
    return false
  }
}

/**
 * The argv (file first) that starts bwrap with `args`: straight, through a shell that enters the
 * job's cgroup(s), and/or through the drop to `hostUser` described above. The shells pass on no
 * PWD of their own: bwrap, pid 1 of the sandbox, holds only the spawn's PATH.
 */
export function sandboxLaunchArgv(
  bwrapPath: string,
  args: readonly string[],
  options: LaunchOptions = {},
): string[] {
  const procs = options.cgroupProcs ?? []
  const enter = procs.map((f) => `echo $$ > ${shQuote(f)} || exit 125; `).join('')
  // The shell's own PWD is not passed on (the spawn's environment is PATH alone): one exec less
  // than `env -i` on every job.
  const env = 'unset PWD OLDPWD; exec'
  if (!options.hostUser) {
    if (procs.length === 0) return [bwrapPath, ...args]
    return ['/bin/sh', '-c', `${enter}${env} "$@"`, 'c2d-sandbox-enter', bwrapPath, ...args]
  }
  const tools = options.tools
  if (!tools) throw new Error('dropping to the host sandbox user needs unshare, setpriv and mount')
  const kind = options.kind ?? kindOf
  const isDir = options.isDir ?? isRealDir
  const rewritten = [...args]
  const sources: Array<{ path: string; kind: 'dir' | 'file' }> = []
  const end = args.indexOf('--')
  for (let i = 0; i < (end < 0 ? args.length : end); i++) {
    const flag = args[i]!
    if (!BIND_FLAGS.has(flag)) continue
    const source = args[i + 1]!
    i += 2
    if (isSystemPath(source)) continue
    const found = kind(source)
    if (found === 'absent') continue // bwrap refuses a missing --bind itself; a -try is skipped
    // A folder inside one already staged is reached through it (one mount fewer per folder).
    const within = sources.findIndex((s) => s.kind === 'dir' && isUnder(source, s.path))
    if (within >= 0) {
      rewritten[i - 1] = `\0${within}${source.slice(sources[within]!.path.length)}`
      continue
    }
    const slot = sources.push({ path: source, kind: found }) - 1
    rewritten[i - 1] = `\0${slot}` // placeholder: the stage folder is chosen below
  }
  const stage = STAGE_CANDIDATES.find(
    (dir) => isDir(dir) && !sources.some((s) => isUnder(s.path, dir)) && !isUnder(bwrapPath, dir),
  )
  if (!stage)
    throw new Error(
      'no folder to stage the sandbox binds on (none of /mnt, /media, /srv, /opt, /var/tmp, /tmp, /run)',
    )
  // One folder (the usual job: /data and its sub-folders) is bound straight onto the stage folder;
  // several get a tmpfs there with one slot each.
  const single = sources.length === 1 && sources[0]!.kind === 'dir'
  for (let i = 0; i < rewritten.length; i++) {
    const placeholder = /^\0(\d+)(.*)$/s.exec(rewritten[i]!)
    if (placeholder)
      rewritten[i] = single ? `${stage}${placeholder[2]}` : `${stage}/${placeholder[1]}${placeholder[2]}`
  }
  const mount = shQuote(tools.mount)
  const mounts = single
    ? `${mount} -n --bind ${shQuote(sources[0]!.path)} ${shQuote(stage)} || exit 125; `
    : `${mount} -n -t tmpfs -o mode=0755,size=64k,nosuid,nodev,noexec c2d-sandbox ${shQuote(stage)} || exit 125; ` +
      sources
        .map((s, slot) => {
          const target = shQuote(`${stage}/${slot}`)
          const make = s.kind === 'dir' ? `mkdir ${target}` : `: > ${target}`
          return `${make} && ${mount} -n --bind ${shQuote(s.path)} ${target} || exit 125; `
        })
        .join('')
  const { uid, gid } = options.hostUser
  const script =
    enter +
    (sources.length > 0 ? mounts : '') +
    `${env} ${shQuote(tools.setpriv)} --reuid=${uid} --regid=${gid} --clear-groups --inh-caps=-all --bounding-set=-all -- "$@"`
  return [
    tools.unshare,
    '--mount',
    '--propagation',
    'private',
    '--',
    '/bin/sh',
    '-c',
    script,
    'c2d-sandbox-launch',
    bwrapPath,
    ...rewritten,
  ]
}
