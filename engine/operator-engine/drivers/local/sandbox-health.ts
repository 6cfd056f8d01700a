/**
 * Is the bubblewrap sandbox usable on this machine? Finds bwrap, reads its version, runs a trivial
 * sandbox, and when that fails explains the usual cause (Ubuntu 24.04's AppArmor restriction on
 * unprivileged user namespaces, or user namespaces switched off) with the fix.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { DriverHealth } from '../../driver'
import { buildBwrapArgs, findBwrap } from './bubblewrap'

export interface SandboxProbe {
  usable: boolean
  bwrapPath?: string
  version?: string
  checks: DriverHealth['checks']
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

export async function probeSandbox(explicitBwrapPath?: string): Promise<SandboxProbe> {
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
  const trivial = buildBwrapArgs({
    dataDir: '/nonexistent',
    allowNetwork: false,
    argv: ['/usr/bin/true'],
    env: {},
    readOnlyDataSubdirs: [],
    cwd: '/',
  }).filter((_, i, all) => !(all[i] === '--bind' || all[i - 1] === '--bind' || all[i - 2] === '--bind'))
  const sandbox = await run(bwrapPath, trivial)
  if (sandbox.ok) {
    checks.push({ name: 'user namespaces', ok: true, message: 'bwrap --unshare-all runs' })
  } else {
    const { message, fix } = diagnoseUserNamespaces()
    checks.push({
      name: 'user namespaces',
      ok: false,
      message: `${message} (${sandbox.stderr.trim().slice(0, 200)})`,
      fix,
    })
  }
  return { usable: versionRun.ok && sandbox.ok, bwrapPath, version, checks }
}
