import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { hostUserCheck, probeSandbox } from './sandbox-health'
import {
  findDropTools,
  sandboxLaunchArgv,
  shQuote,
  type SourceKind,
  allocateJobHostUser,
  JOB_HOST_UID_BASE,
  JOB_HOST_UID_SLOTS,
} from './sandbox-launch'

const tools = { unshare: '/usr/bin/unshare', setpriv: '/usr/bin/setpriv', mount: '/usr/bin/mount' }
const bwrapArgs = [
  '--unshare-all',
  '--ro-bind',
  '/usr',
  '/usr',
  '--bind',
  '/srv/console/jobs/j1/data',
  '/data',
  '--ro-bind',
  '/srv/console/jobs/j1/data/inputs',
  '/data/inputs',
  '--ro-bind-try',
  '/gone',
  '/gone',
  '--ro-bind',
  '/opt/app',
  '/opt/app',
  '--',
  '/usr/bin/python3',
  '--bind',
]
const kind = (path: string): SourceKind => (path === '/gone' ? 'absent' : 'dir')
const isDir = (path: string) => ['/mnt', '/srv', '/opt', '/tmp'].includes(path)

describe('sandboxLaunchArgv', () => {
  it('starts bwrap straight when nothing is to be entered or dropped', () => {
    expect(sandboxLaunchArgv('/usr/bin/bwrap', ['--', 'true'])).toEqual(['/usr/bin/bwrap', '--', 'true'])
  })

  it('enters the cgroups in a shell that becomes bwrap under env -i', () => {
    const argv = sandboxLaunchArgv('/usr/bin/bwrap', ['--', 'true'], { cgroupProcs: ["/cg/a b/it's"] })
    expect(argv[0]).toBe('/bin/sh')
    expect(argv[2]).toContain(`echo $$ > ${shQuote("/cg/a b/it's")} || exit 125`)
    expect(argv[2]).toContain('unset PWD OLDPWD; exec "$@"')
    expect(argv.slice(4)).toEqual(['/usr/bin/bwrap', '--', 'true'])
  })

  it('as root: stages each non-system bind source in a private mount namespace, then drops to 65534', () => {
    const argv = sandboxLaunchArgv('/usr/bin/bwrap', bwrapArgs, {
      hostUser: { uid: 65534, gid: 65534 },
      tools,
      cgroupProcs: ['/cg/procs'],
      kind,
      isDir,
    })
    expect(argv.slice(0, 5)).toEqual(['/usr/bin/unshare', '--mount', '--propagation', 'private', '--'])
    const script = argv[7]!
    const bwrap = argv.slice(argv.indexOf('/usr/bin/bwrap') + 1)
    // /mnt is free of sources; /usr stays bound by path, the missing -try source is left to bwrap.
    expect(bwrap).toEqual([
      '--unshare-all',
      '--ro-bind',
      '/usr',
      '/usr',
      '--bind',
      '/mnt/0',
      '/data',
      '--ro-bind',
      '/mnt/0/inputs',
      '/data/inputs',
      '--ro-bind-try',
      '/gone',
      '/gone',
      '--ro-bind',
      '/mnt/1',
      '/opt/app',
      '--',
      '/usr/bin/python3',
      '--bind',
    ])
    // The cgroup is entered as root, before anything else.
    expect(script.indexOf("echo $$ > '/cg/procs'")).toBe(0)
    expect(script).toContain(
      "'/usr/bin/mount' -n -t tmpfs -o mode=0755,size=64k,nosuid,nodev,noexec c2d-sandbox '/mnt'",
    )
    expect(script).toContain(
      "mkdir '/mnt/0' && '/usr/bin/mount' -n --bind '/srv/console/jobs/j1/data' '/mnt/0'",
    )
    expect(script).toContain("'/usr/bin/mount' -n --bind '/opt/app' '/mnt/1'")
    // inputs is reached through the staged data folder: two binds in all.
    expect(script.match(/ --bind /g)).toHaveLength(2)
    expect(script).toMatch(
      /unset PWD OLDPWD; exec '\/usr\/bin\/setpriv' --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all -- "\$@"$/,
    )
  })

  it('binds a single folder (a job without extra paths) straight onto the stage folder', () => {
    const argv = sandboxLaunchArgv(
      '/usr/bin/bwrap',
      [
        '--bind',
        '/srv/jobs/j1/data',
        '/data',
        '--ro-bind',
        '/srv/jobs/j1/data/inputs',
        '/data/inputs',
        '--',
        'true',
      ],
      { hostUser: { uid: 65534, gid: 65534 }, tools, kind: () => 'dir', isDir },
    )
    expect(argv.slice(-8)).toEqual([
      '--bind',
      '/mnt',
      '/data',
      '--ro-bind',
      '/mnt/inputs',
      '/data/inputs',
      '--',
      'true',
    ])
    expect(argv[7]).toContain("'/usr/bin/mount' -n --bind '/srv/jobs/j1/data' '/mnt' || exit 125")
    expect(argv[7]).not.toContain('tmpfs')
  })

  it('never stages on a folder that holds a source (it would hide it)', () => {
    const argv = sandboxLaunchArgv('/usr/bin/bwrap', ['--bind', '/mnt/jobs/j1/data', '/data', '--', 'true'], {
      hostUser: { uid: 65534, gid: 65534 },
      tools,
      kind: () => 'dir',
      isDir,
    })
    expect(argv).toContain('/srv')
    expect(() =>
      sandboxLaunchArgv('/usr/bin/bwrap', ['--bind', '/mnt/x', '/data', '--', 'true'], {
        hostUser: { uid: 65534, gid: 65534 },
        tools,
        kind: () => 'dir',
        isDir: (p) => p === '/mnt',
      }),
    ).toThrow(/no folder to stage/)
  })

  it('runs for real: as root the command is host 65534 and sees the staged folder', () => {
    if (process.getuid?.() !== 0) return
    const found = findDropTools()
    expect(found.ok).toBe(true)
    if (!found.ok) return
    const argv = sandboxLaunchArgv(
      '/usr/bin/bwrap',
      ['--ro-bind', '/usr', '/usr', '--', '/usr/bin/id', '-u'],
      {
        hostUser: { uid: 65534, gid: 65534 },
        tools: found.tools,
      },
    )
    // Without bwrap's own user namespace here: the argv ends in `id -u` as the dropped user.
    const out = execFileSync(
      argv[0]!,
      [...argv.slice(1, argv.indexOf('/usr/bin/bwrap')), '/usr/bin/id', '-u'],
      {
        encoding: 'utf8',
      },
    )
    expect(out.trim()).toBe('65534')
  })
})

describe('hostUserCheck', () => {
  it("names the console's own user when it is not root", () => {
    expect(hostUserCheck(undefined, undefined, undefined, 1000)).toMatchObject({
      ok: true,
      message: expect.stringContaining("console's own user (uid 1000)"),
    })
  })

  it('says the algorithm is host 65534 when the drop is in force', () => {
    const check = hostUserCheck({ uid: 65534, gid: 65534 }, { uid: 65534, gid: 65534 })
    expect(check.ok).toBe(true)
    expect(check.message).toMatch(/started as uid 65534\/gid 65534/)
  })

  it('names the fallback (host root without capabilities) and the fix when the drop fails', () => {
    const check = hostUserCheck({ uid: 65534, gid: 65534 }, undefined, 'setpriv not installed (util-linux)')
    expect(check.ok).toBe(false)
    expect(check.message).toMatch(/setpriv not installed/)
    expect(check.message).toMatch(/Fallback in force: bwrap runs as root/)
    expect(check.fix).toMatch(/unprivileged_userns_clone/)
  })
})

describe('probeSandbox as root', () => {
  it('starts the trivial sandbox as 65534 and says so', async () => {
    if (process.getuid?.() !== 0) return
    const probe = await probeSandbox(undefined, 'linux', { uid: 65534, gid: 65534 })
    expect(probe.usable).toBe(true)
    expect(probe.hostUser).toEqual({ uid: 65534, gid: 65534 })
    expect(probe.checks.find((c) => c.name === 'host user')).toMatchObject({ ok: true })
  })

  it('falls back to a root-started bwrap when the drop is impossible, and the health check names it', async () => {
    if (process.getuid?.() !== 0) return
    const probe = await probeSandbox(undefined, 'linux', { uid: 65534, gid: 65534 }, () => ({
      ok: false,
      missing: ['setpriv'],
    }))
    expect(probe.usable).toBe(true)
    expect(probe.hostUser).toBeUndefined()
    expect(probe.checks.find((c) => c.name === 'host user')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/setpriv not installed.*Fallback in force: bwrap runs as root/s),
    })
  })
})

describe('allocateJobHostUser', () => {
  it('gives each job a uid of the job range that neither another job nor a running process holds', () => {
    const first = JOB_HOST_UID_BASE + 1
    const user = allocateJobHostUser(
      new Set([first]),
      () => 0,
      () => new Set([first + 1]),
    )
    expect(user).toEqual({ uid: first + 2, gid: first + 2 })
    // Never the probe's uid, nor past the range.
    const last = allocateJobHostUser(
      new Set(),
      () => 0.9999999999,
      () => new Set(),
    )
    expect(last.uid).toBeGreaterThan(JOB_HOST_UID_BASE)
    expect(last.uid).toBeLessThan(JOB_HOST_UID_BASE + JOB_HOST_UID_SLOTS)
  })
})
