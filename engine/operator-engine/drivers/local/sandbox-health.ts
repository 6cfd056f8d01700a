/**
 * Is the bubblewrap sandbox usable on this machine? Finds bwrap, reads its version, runs a trivial
 * sandbox, and when that fails explains the usual cause (Ubuntu 24.04's AppArmor restriction on
 * unprivileged user namespaces, or user namespaces switched off) with the fix.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { DriverHealth } from '../../driver'
import {
  buildBwrapArgs,
  findBwrap,
  parseBwrapFeatures,
  SANDBOX_UID,
  spawnSandbox,
  type BwrapFeatures,
} from './bubblewrap'
import {
  findDropTools,
  JOB_HOST_UID_BASE,
  JOB_HOST_UID_SLOTS,
  sandboxLaunchArgv,
  type DropTools,
  type HostUser,
} from './sandbox-launch'

export interface SandboxProbe {
  usable: boolean
  bwrapPath?: string
  version?: string
  features?: BwrapFeatures
  /** bwrap is started as this host user (the console runs as root), with these tools. */
  hostUser?: HostUser
  dropTools?: DropTools
  checks: DriverHealth['checks']
}

/** Runs the hardened trivial sandbox (seccomp on fd 3) and collects its stderr. */
function runSandbox(
  bwrapPath: string,
  args: string[],
  drop?: { hostUser: HostUser; tools: DropTools },
): Promise<{ ok: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const [file, ...launch] = sandboxLaunchArgv(bwrapPath, args, drop ?? {})
    const child = spawnSandbox(file!, launch)
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout?.resume()
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve({ ok: false, stderr: error.message })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ ok: code === 0, stderr })
    })
  })
}

/**
 * Where bubblewrap cannot exist (macOS, Windows) the local backend must say so, never fall back
 * silently: the health check names what to use instead.
 */
export function unsupportedPlatformCheck(
  platform: NodeJS.Platform,
): DriverHealth['checks'][number] | undefined {
  if (platform === 'linux') return undefined
  const name = platform === 'darwin' ? 'macOS' : platform === 'win32' ? 'Windows' : platform
  return {
    name: 'bubblewrap',
    ok: false,
    message: `The local sandbox (bubblewrap) exists only on Linux; on ${name} algorithms cannot be sandboxed locally, so they are refused.`,
    fix: 'Use the Kubernetes backend with a local cluster: Docker Desktop (Settings → Kubernetes → Enable), Rancher Desktop, or kind. Only for algorithms you trust: turn on "allow unsandboxed".',
  }
}

function run(file: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000 }, (error, stdout, stderr) =>
      resolve({ ok: !error, stdout: String(stdout), stderr: String(stderr) }),
    )
  })
}

function readKnob(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return undefined
  }
}

/** Explains why user namespaces fail, from the kernel knobs that usually cause it. */
export function diagnoseUserNamespaces(read: (path: string) => string | undefined = readKnob): {
  message: string
  fix: string
} {
  if (read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1') {
    return {
      message:
        'AppArmor restricts unprivileged user namespaces (Ubuntu 24.04 and later), so bubblewrap cannot create its sandbox.',
      fix: 'Allow bwrap an AppArmor profile with "userns," (e.g. /etc/apparmor.d/bwrap: `abi <abi/4.0>, include <tunables/global> profile bwrap /usr/bin/bwrap flags=(unconfined) { userns, }` then `sudo systemctl reload apparmor`), or run `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`.',
    }
  }
  if (read('/proc/sys/kernel/unprivileged_userns_clone') === '0') {
    return {
      message: 'Unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0).',
      fix: 'Run `sudo sysctl -w kernel.unprivileged_userns_clone=1`.',
    }
  }
  if (read('/proc/sys/user/max_user_namespaces') === '0') {
    return {
      message: 'User namespaces are disabled (user.max_user_namespaces=0).',
      fix: 'Run `sudo sysctl -w user.max_user_namespaces=15000`.',
    }
  }
  return {
    message: 'bubblewrap could not create a sandbox on this machine.',
    fix: 'Check that user namespaces are enabled for your user (see `bwrap --unshare-all true`).',
  }
}

export async function probeSandbox(
  explicitBwrapPath?: string,
  platform: NodeJS.Platform = process.platform,
  /** As root: the unprivileged host user bwrap should be started as. */
  hostUser?: HostUser,
  /** Tests replace the look-up of unshare/setpriv/mount. */
  findTools: typeof findDropTools = findDropTools,
): Promise<SandboxProbe> {
  const unsupported = unsupportedPlatformCheck(platform)
  if (unsupported) return { usable: false, checks: [unsupported] }
  const bwrapPath = findBwrap(explicitBwrapPath)
  if (!bwrapPath) {
    return {
      usable: false,
      checks: [
        {
          name: 'bubblewrap',
          ok: false,
          message: 'bubblewrap (bwrap) is not installed.',
          fix: 'Install it: `sudo apt-get install bubblewrap` (Debian/Ubuntu) or `sudo dnf install bubblewrap`.',
        },
      ],
    }
  }
  const versionRun = await run(bwrapPath, ['--version'])
  const version = versionRun.stdout.trim() || 'bubblewrap (unknown version)'
  const checks: DriverHealth['checks'] = [
    { name: 'bubblewrap', ok: versionRun.ok, message: `${version} at ${bwrapPath}` },
  ]
  const features = parseBwrapFeatures((await run(bwrapPath, ['--help'])).stdout)
  const trivial = buildBwrapArgs({
    features,
    tmpBytesMax: 1024 ** 2,
    dataDir: '/nonexistent',
    allowNetwork: false,
    argv: ['/usr/bin/true'],
    env: {},
    readOnlyDataSubdirs: [],
    cwd: '/',
  }).filter((_, i, all) => !(all[i] === '--bind' || all[i - 1] === '--bind' || all[i - 2] === '--bind'))
  // As root, bwrap is started as the host's unprivileged user; where that fails here, it is
  // started as root (the sandbox's uid then maps onto host root, still without capabilities).
  let drop: { hostUser: HostUser; tools: DropTools } | undefined
  let dropFailure: string | undefined
  if (hostUser) {
    const tools = findTools()
    if (!tools.ok) dropFailure = `${tools.missing.join(', ')} not installed (util-linux)`
    else {
      const tried = await runSandbox(bwrapPath, trivial, { hostUser, tools: tools.tools })
      if (tried.ok) drop = { hostUser, tools: tools.tools }
      else dropFailure = tried.stderr.trim().slice(0, 200) || 'bwrap failed'
    }
  }
  const sandbox = drop ? { ok: true, stderr: '' } : await runSandbox(bwrapPath, trivial)
  if (sandbox.ok) {
    checks.push({ name: 'user namespaces', ok: true, message: 'bwrap --unshare-all runs' })
    checks.push({
      name: 'isolation',
      ok: true,
      message: `uid ${SANDBOX_UID} without capabilities, no_new_privs, seccomp filter${features.disableUserns ? ', no nested user namespaces' : ''}; bwrap and the algorithm see none of the console's environment`,
    })
    checks.push(hostUserCheck(hostUser, drop?.hostUser, dropFailure))
  } else {
    const { message, fix } = diagnoseUserNamespaces()
    checks.push({
      name: 'user namespaces',
      ok: false,
      message: `${message} (${sandbox.stderr.trim().slice(0, 200)})`,
      fix,
    })
  }
  return {
    usable: versionRun.ok && sandbox.ok,
    bwrapPath,
    version,
    features,
    ...(drop ? { hostUser: drop.hostUser, dropTools: drop.tools } : {}),
    checks,
  }
}

/**
 * Which host user the algorithm is: the console's own (not root), host nobody (the console is root
 * and the drop works), or, the fallback, host root without capabilities (the drop failed).
 */
export function hostUserCheck(
  wanted: HostUser | undefined,
  inForce: HostUser | undefined,
  failure?: string,
  consoleUid: number | undefined = process.getuid?.(),
): DriverHealth['checks'][number] {
  if (!wanted)
    return {
      name: 'host user',
      ok: true,
      message: `the algorithm runs as the console's own user (uid ${consoleUid ?? '?'}) on the host`,
    }
  if (inForce)
    return {
      name: 'host user',
      ok: true,
      message:
        inForce.uid === JOB_HOST_UID_BASE
          ? `the console runs as root: bwrap is started as a host uid/gid of its own for each job (${JOB_HOST_UID_BASE + 1}-${JOB_HOST_UID_BASE + JOB_HOST_UID_SLOTS - 1}, no account, no groups, unprivileged user namespace; probed as uid ${inForce.uid}), so the algorithm is an unprivileged host user no other process or job shares`
          : `the console runs as root: bwrap is started as uid ${inForce.uid}/gid ${inForce.gid} (unprivileged user namespace), so the algorithm is that unprivileged user on the host`,
    }
  const { message } = diagnoseUserNamespaces()
  return {
    name: 'host user',
    ok: false,
    message: `the console runs as root and bwrap could not be started as uid ${wanted.uid} (${failure ?? 'unknown'}; ${message}). Fallback in force: bwrap runs as root, so the algorithm's uid ${SANDBOX_UID} maps onto host root, without capabilities, no_new_privs and seccomp: it owns every root-owned file it can see in the sandbox.`,
    fix: 'Enable unprivileged user namespaces (`sudo sysctl -w kernel.unprivileged_userns_clone=1` on Debian, user.max_user_namespaces > 0) and install util-linux (unshare, setpriv, mount), or run the console as an ordinary user.',
  }
}
