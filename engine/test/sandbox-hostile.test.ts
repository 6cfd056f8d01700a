/**
 * Hostile algorithms against the real bubblewrap sandbox (issue 13). Each test is an attack that
 * worked against the sandbox as it shipped, run through the LocalDriver with real python3/node:
 * remounting read-only binds, reading the console's environment through /proc, filling the
 * RAM-backed /tmp, writing past the granted disk, flooding algorithm.log, forking without end,
 * and holding memory between the granted amount and 1 GiB. The console runs as root here and on
 * CI, which is the case that must hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { execFileSync } from 'node:child_process'
import type { JobSpec, Observation } from '../operator-engine/driver'
import { detectCgroups, type CgroupSupport } from '../operator-engine/drivers/local/cgroup-limits'
import type { LocalDriverOptions } from '../operator-engine/drivers/local/local-driver'
import { JOB_HOST_UID_BASE, JOB_HOST_UID_SLOTS } from '../operator-engine/drivers/local/sandbox-launch'
import { decide } from '../operator-service/job-state-machine'
import { sandboxedLocalDriver } from './sandboxed-local-driver'

const ASSETS = resolve(__dirname, '../../assets')
const DATASET_DID = 'did:op:' + 'b'.repeat(64)
const SECRET_NAME = 'C2D_HOSTILE_TEST_SECRET'
const SECRET_VALUE = 'rpc-key-' + 'f00d'.repeat(8)

let root: string
let jobCount = 0
const extraDirs: string[] = []

beforeAll(() => {
  execFileSync('bwrap', ['--version'])
  root = mkdtempSync(join(tmpdir(), 'c2d-hostile-'))
  // The console's environment holds secrets (an RPC key, C2D_*); no algorithm may see them.
  process.env[SECRET_NAME] = SECRET_VALUE
})

afterAll(() => {
  delete process.env[SECRET_NAME]
  // Only a broken sandbox leaves it; it must not outlive a failing run.
  rmSync('/usr/c2d-hostile-planted.txt', { force: true })
  if (root) rmSync(root, { recursive: true, force: true })
  for (const dir of extraDirs) rmSync(dir, { recursive: true, force: true })
})

function spec(code: string, image: 'python' | 'node', extra: Partial<JobSpec> = {}): JobSpec {
  const jobId = `hostile-${++jobCount}`
  return {
    jobId,
    jobDir: join(root, jobId),
    environment: { id: 'sandbox', allowNetwork: false },
    datasets: [
      {
        did: DATASET_DID,
        ddo: { id: DATASET_DID },
        files: [{ type: 'local', path: join(ASSETS, 'sample-data/weather.csv') }],
      },
    ],
    algorithm: {
      container: {
        entrypoint: image === 'python' ? 'python3 $ALGO' : 'node $ALGO',
        image,
        tag: 'latest',
      },
      source: { type: 'rawcode', code },
    },
    resources: { cpu: 1, ramGb: 1, diskGb: 1 },
    maxJobDurationSec: 60,
    limits: { inputFileBytesMax: 10_000_000, outputBytesMax: 10_000_000 },
    ...extra,
  } as JobSpec
}

interface Finished {
  observations: Observation[]
  resultsDir: string
  dataDir: string
  log: string
  output(name: string): string
}

/** Runs one job on a fresh LocalDriver and resolves once its results are collected. */
async function run(job: JobSpec, options: Partial<LocalDriverOptions> = {}): Promise<Finished> {
  const driver = sandboxedLocalDriver(options)
  const observations: Observation[] = []
  await new Promise<void>((done) => {
    void driver.start(job, (_id, observation) => {
      observations.push(observation)
      if (['outputs-collected', 'results-failed', 'outputs-refused'].includes(observation.kind)) done()
    })
  })
  await driver.close()
  const resultsDir = join(job.jobDir, 'results')
  const tar = join(resultsDir, 'outputs.tar')
  return {
    observations,
    resultsDir,
    dataDir: join(job.jobDir, 'data'),
    log: readFileSync(join(resultsDir, 'algorithm.log'), 'utf8'),
    output: (name) => execFileSync('tar', ['-xOf', tar, `outputs/${name}`], { encoding: 'utf8' }),
  }
}

const PYTHON_LIBC = `
import ctypes, errno, json, os
libc = ctypes.CDLL(None, use_errno=True)
def call(fn, *args):
    r = fn(*args)
    return 'ok' if r == 0 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
MS_REMOUNT, MS_BIND = 32, 4096
`

describe('a hostile algorithm in the sandbox (console as root)', () => {
  it('runs as 65534 with no capabilities and cannot remount or write the read-only binds', async () => {
    const code = `${PYTHON_LIBC}
out = {'uid': os.getuid(), 'gid': os.getgid()}
status = dict(l.split(':\\t', 1) for l in open('/proc/self/status').read().splitlines() if ':\\t' in l)
out['CapEff'] = status['CapEff'].strip(); out['NoNewPrivs'] = status['NoNewPrivs'].strip(); out['Seccomp'] = status['Seccomp'].strip()
for target in ['/usr', '/data/inputs', '/data/transformations', '/etc/ld.so.cache']:
    out['remount ' + target] = call(libc.mount, None, target.encode(), None, MS_REMOUNT | MS_BIND, None)
out['mount tmpfs'] = call(libc.mount, b'none', b'/data/inputs', b'tmpfs', 0, None)
for target in ['/data/inputs/planted.txt', '/data/transformations/planted.txt', '/usr/c2d-hostile-planted.txt']:
    try:
        open(target, 'w').write('planted'); out['write ' + target] = 'ok'
    except OSError as e:
        out['write ' + target] = errno.errorcode[e.errno]
open('/data/outputs/probe.json', 'w').write(json.dumps(out))
`
    const done = await run(spec(code, 'python'))
    const seen = JSON.parse(done.output('probe.json')) as Record<string, string | number>
    expect(seen.uid).toBe(65534)
    expect(seen.gid).toBe(65534)
    expect(seen.CapEff).toBe('0000000000000000')
    expect(seen.NoNewPrivs).toBe('1')
    expect(seen.Seccomp).toBe('2')
    for (const target of ['/usr', '/data/inputs', '/data/transformations', '/etc/ld.so.cache'])
      expect(seen[`remount ${target}`], target).toBe('EPERM')
    expect(seen['mount tmpfs']).toBe('EPERM')
    for (const [key, answer] of Object.entries(seen).filter(([k]) => k.startsWith('write ')))
      expect(answer, key).toMatch(/^E(ROFS|ACCES|PERM)$/)
    expect(existsSync(join(done.dataDir, 'inputs/planted.txt'))).toBe(false)
    expect(existsSync(join(done.dataDir, 'transformations/planted.txt'))).toBe(false)
    expect(existsSync('/usr/c2d-hostile-planted.txt')).toBe(false)
  })

  it('cannot change the host kernel through /proc/sys, nor fill /dev/shm past its cap', async () => {
    const sysctl = '/proc/sys/kernel/printk_ratelimit'
    const before = readFileSync(sysctl, 'utf8')
    const code = `import errno, json, os
out = {}
try:
    open('${sysctl}', 'w').write('${Number(before) + 1}'); out['sysctl'] = 'ok'
except OSError as e:
    out['sysctl'] = errno.errorcode[e.errno]
written = 0
try:
    with open('/dev/shm/fill', 'wb') as f:
        for _ in range(64):
            f.write(b'x' * (1024 * 1024)); f.flush(); written += 1
except OSError as e:
    out['shm'] = errno.errorcode[e.errno]
out['shmMiB'] = written
# Every file of /proc outside its own processes' folders must be read-only for it.
writable = []
for top, dirs, files in os.walk('/proc'):
    if top == '/proc':
        dirs[:] = [d for d in dirs if not d.isdigit() and d not in ('self', 'thread-self')]
    if top.count('/') > 3:
        dirs[:] = []
    writable += [os.path.join(top, f) for f in files if os.access(os.path.join(top, f), os.W_OK)]
out['writableProc'] = writable
open('/data/outputs/probe.json', 'w').write(json.dumps(out))
`
    try {
      // 32 MiB granted: /dev/shm is capped there.
      const done = await run(spec(code, 'python', { resources: { cpu: 1, ramGb: 1 / 32, diskGb: 1 } }), {
        cgroups: () => ({ kind: 'none', why: 'test: the tmpfs cap alone' }),
      })
      const seen = JSON.parse(done.output('probe.json')) as Record<string, unknown>
      expect(seen.sysctl).toBe('EROFS')
      expect(seen.writableProc).toEqual([])
      expect(readFileSync(sysctl, 'utf8')).toBe(before)
      expect(seen.shm).toBe('ENOSPC')
      expect(seen.shmMiB).toBeLessThanOrEqual(32)
    } finally {
      if (readFileSync(sysctl, 'utf8') !== before) writeFileSync(sysctl, before)
    }
  })

  it('cannot ptrace, unshare, setns, use keyrings or io_uring, nor clone into new namespaces', async () => {
    const code = `${PYTHON_LIBC}
import platform
nr = {'x86_64': {'keyctl': 250, 'bpf': 321, 'io_uring_setup': 425, 'clone': 56},
      'aarch64': {'keyctl': 219, 'bpf': 280, 'io_uring_setup': 425, 'clone': 220}}[platform.machine()]
out = {}
out['ptrace TRACEME'] = call(libc.ptrace, 0, 0, None, None)
out['unshare user'] = call(libc.unshare, 0x10000000)
out['unshare mount'] = call(libc.unshare, 0x00020000)
out['setns'] = call(libc.setns, os.open('/proc/self/ns/mnt', os.O_RDONLY), 0)
def raw(n, *args):
    r = libc.syscall(n, *args)
    return 'ok' if r >= 0 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
out['keyctl'] = raw(nr['keyctl'], 0, 0, 0, 0)
out['bpf'] = raw(nr['bpf'], 0, 0, 0)
out['io_uring_setup'] = raw(nr['io_uring_setup'], 1, 0)
# clone(CLONE_NEWUSER | SIGCHLD): the child would exit at once; the filter must refuse it.
out['clone newuser'] = raw(nr['clone'], 0x10000000 | 17, 0, 0, 0, 0)
pid = os.fork()
if pid == 0:
    os._exit(7)
out['fork'] = 'ok' if os.waitpid(pid, 0)[1] >> 8 == 7 else 'broken'
open('/data/outputs/probe.json', 'w').write(json.dumps(out))
`
    const done = await run(spec(code, 'python'))
    const seen = JSON.parse(done.output('probe.json')) as Record<string, string>
    expect(seen).toEqual({
      'ptrace TRACEME': 'EPERM',
      'unshare user': 'EPERM',
      'unshare mount': 'EPERM',
      setns: 'EPERM',
      keyctl: 'EPERM',
      bpf: 'EPERM',
      io_uring_setup: 'EPERM',
      'clone newuser': 'EPERM',
      fork: 'ok',
    })
  })

  it("cannot read the console's environment from /proc/1/environ, /proc/self/environ or any /proc/*/environ", async () => {
    const code = `const fs = require('fs'); const found = {};
      for (const p of fs.readdirSync('/proc').filter((n) => /^\\d+$/.test(n)).concat(['self'])) {
        try { found[p] = fs.readFileSync('/proc/' + p + '/environ', 'utf8').split('\\0').filter(Boolean) } catch (e) { found[p] = 'denied:' + e.code } }
      fs.writeFileSync('/data/outputs/environ.json', JSON.stringify(found))`
    const done = await run(spec(code, 'node'))
    const text = done.output('environ.json')
    const found = JSON.parse(text) as Record<string, string[] | string>
    expect(Object.keys(found)).toEqual(expect.arrayContaining(['1', 'self']))
    expect(text).not.toContain(SECRET_VALUE)
    expect(text).not.toContain(SECRET_NAME)
    // bwrap (pid 1) holds a PATH and nothing else.
    expect(found['1']).toEqual(['PATH=/usr/bin:/bin'])
  })

  it('cannot make the root console walk a host folder by replacing /data/outputs with a symlink', async () => {
    // A host folder the console (root) can read: a FIFO whose name must not reach publish.log and
    // more bytes than the output limit, which must not be counted as the algorithm's outputs.
    const host = mkdtempSync('/var/tmp/c2d-hostile-host-')
    extraDirs.push(host)
    execFileSync('mkfifo', [join(host, 'c2d-host-fifo')])
    writeFileSync(join(host, 'host-file.bin'), Buffer.alloc(2 * 1024 * 1024, 1))
    const code = `import os, shutil, time
shutil.rmtree('/data/outputs')
os.symlink(${JSON.stringify(host)}, '/data/outputs')
time.sleep(2)
`
    const job = spec(code, 'python', {
      limits: { inputFileBytesMax: 10_000_000, outputBytesMax: 1024 * 1024 },
    })
    const done = await run(job)
    const kinds = done.observations.map((o) => o.kind)
    expect(kinds).not.toContain('disk-quota-exceeded')
    expect(kinds).not.toContain('outputs-refused')
    const publishLog = readFileSync(join(done.resultsDir, 'publish.log'), 'utf8')
    expect(publishLog).not.toContain('c2d-host-fifo')
    expect(publishLog).toMatch(/outputs is not a folder \(a symlink\): nothing published/)
    expect(existsSync(join(done.resultsDir, 'outputs.tar'))).toBe(false)
  })

  it('is stopped when it writes more under /data than the granted disk (42, with the reason)', async () => {
    const code = `import time, os
os.makedirs('/data/scratch', exist_ok=True)
with open('/data/scratch/big', 'wb') as f:
    for _ in range(120):
        f.write(os.urandom(1024 * 1024)); f.flush()
time.sleep(30)
`
    const job = spec(code, 'python', { resources: { cpu: 1, ramGb: 1, diskGb: 0.05 } })
    const done = await run(job)
    const quota = done.observations.find((o) => o.kind === 'disk-quota-exceeded')
    expect(quota).toBeDefined()
    expect(quota && 'reason' in quota ? quota.reason : '').toMatch(
      /under \/data, more than the environment's 0\.05 GB of disk/,
    )
    expect(failureStatusOf(quota!)).toBe(42)
  })

  it('is stopped when algorithm.log grows past its limit; the log is cut there', async () => {
    const code = `process.stdout.write('y'.repeat(64 * 1024 * 1024)); setTimeout(() => {}, 30000)`
    const done = await run(spec(code, 'node'), { algorithmLogBytesMax: 1024 * 1024 })
    const quota = done.observations.find((o) => o.kind === 'disk-quota-exceeded')
    expect(quota && 'reason' in quota ? quota.reason : '').toMatch(/algorithm\.log\) grew past 1048576 bytes/)
    expect(failureStatusOf(quota!)).toBe(42)
    expect(statSync(join(done.resultsDir, 'algorithm.log')).size).toBeLessThan(1024 * 1024 + 200)
    expect(done.log).toContain('[algorithm.log cut at 1048576 bytes]')
  })
})

/** Fields of a host process's /proc/<pid>/status, read from the host side. */
function hostStatus(pid: number): Record<string, string> {
  return Object.fromEntries(
    readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .filter((l) => l.includes(':\t'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2).trim()]),
  )
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((r) => setTimeout(r, 50))
  if (!condition()) throw new Error(`timed out waiting for ${what}`)
}

describe('the host user of a sandbox started by a root console', () => {
  it('is an unprivileged host user of its own (not root): its files and, seen from the host, its processes, inside the job cgroup', async () => {
    expect(process.getuid?.()).toBe(0)
    const support = detectCgroups()
    // This machine (and CI) lets root create job cgroups; accounting must survive the drop.
    expect(support.kind).not.toBe('none')
    const code = `import os, time
open('/data/outputs/mine.txt', 'w').write('written by the algorithm')
open('/data/outputs/ready', 'w').write('1')
time.sleep(30)
`
    const job = spec(code, 'python')
    const driver = sandboxedLocalDriver()
    try {
      const health = await driver.health()
      expect(health.checks.find((c) => c.name === 'host user')).toMatchObject({
        ok: true,
        message: expect.stringContaining('bwrap is started as a host uid/gid of its own for each job'),
      })
      await driver.start(job, () => undefined)
      const outputs = join(job.jobDir, 'data/outputs')
      await until(() => existsSync(join(outputs, 'ready')), 'the algorithm to start')
      const hostUid = statSync(join(outputs, 'mine.txt')).uid
      expect(hostUid).toBeGreaterThan(JOB_HOST_UID_BASE)
      expect(hostUid).toBeLessThan(JOB_HOST_UID_BASE + JOB_HOST_UID_SLOTS)
      expect(statSync(join(outputs, 'mine.txt')).gid).toBe(hostUid)
      // Every process in the job's cgroup(s) is host uid/gid 65534, no groups, no capabilities.
      const dirs =
        support.kind === 'v2'
          ? [join(support.parent, `c2d-job-${job.jobId}`)]
          : support.kind === 'v1'
            ? [
                join(support.memoryParent, `c2d-job-${job.jobId}`),
                join(support.pidsParent, `c2d-job-${job.jobId}`),
              ]
            : []
      for (const dir of dirs) {
        const pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim().split('\n').map(Number)
        // bwrap, its namespace init and python at least.
        expect(pids.length, dir).toBeGreaterThanOrEqual(2)
        for (const pid of pids) {
          const status = hostStatus(pid)
          expect(status.Uid, `${status.Name} ${pid}`).toBe(Array(4).fill(hostUid).join('\t'))
          expect(status.Gid, `${status.Name} ${pid}`).toBe(Array(4).fill(hostUid).join('\t'))
          expect(status.Groups, `${status.Name} ${pid}`).toBe('')
          expect(status.CapEff, `${status.Name} ${pid}`).toBe('0000000000000000')
        }
      }
      // The job folder stays root's and private; only /data is given to the sandbox user.
      expect(statSync(job.jobDir).uid).toBe(0)
      expect(statSync(job.jobDir).mode & 0o777).toBe(0o700)
      expect(statSync(join(job.jobDir, 'results')).uid).toBe(0)
    } finally {
      await driver.close()
    }
    // The console, as root, still reads what the algorithm left and cleans it up.
    expect(readFileSync(join(job.jobDir, 'data/outputs/mine.txt'), 'utf8')).toBe('written by the algorithm')
    await driver.cleanup(job.jobId)
    expect(existsSync(join(job.jobDir, 'data'))).toBe(false)
  })

  it("is a host user no other process shares: neither host nobody nor a concurrent job reaches a running job's /data", async () => {
    // A host process of the sandbox's uid may open /proc/<pid>/root of the job's processes (and of
    // the outer bwrap, whose mount namespace holds /data): with one uid for every job and for
    // host nobody, any nobody daemon, or a job that left its pid namespace, read every job's data.
    const driver = sandboxedLocalDriver()
    const marker = (job: JobSpec) => `ready-${job.jobId}`
    const jobs = [0, 1].map(() => spec('', 'python'))
    for (const job of jobs)
      job.algorithm.source = {
        type: 'rawcode',
        code: `import time\nopen('/data/outputs/${marker(job)}', 'w').write('1')\ntime.sleep(30)\n`,
      }
    try {
      for (const job of jobs) await driver.start(job, () => undefined)
      for (const job of jobs)
        await until(() => existsSync(join(job.jobDir, 'data/outputs', marker(job))), 'the algorithm to start')
      // Each job's processes on the host, and the host uid they run as.
      const pidsOf = (job: JobSpec) =>
        readdirSync('/proc')
          .filter((p) => /^\d+$/.test(p))
          .filter((p) =>
            ['data', 'mnt'].some((d) => {
              try {
                return existsSync(`/proc/${p}/root/${d}/outputs/${marker(job)}`)
              } catch {
                return false
              }
            }),
          )
      const uids = jobs.map((job) => statSync(join(job.jobDir, 'data/outputs', marker(job))).uid)
      const input = `inputs/${DATASET_DID}/0`
      for (const [index, job] of jobs.entries()) {
        const pids = pidsOf(job)
        expect(pids.length).toBeGreaterThanOrEqual(2)
        const others = [65534, uids[1 - index]!]
        for (const uid of others)
          for (const pid of pids)
            for (const path of [`/proc/${pid}/root/data/${input}`, `/proc/${pid}/root/mnt/${input}`]) {
              const read = execFileSync(
                'setpriv',
                [
                  `--reuid=${uid}`,
                  `--regid=${uid}`,
                  '--clear-groups',
                  '--',
                  'sh',
                  '-c',
                  'cat "$1" >/dev/null 2>&1 && echo read || echo denied',
                  'sh',
                  path,
                ],
                { encoding: 'utf8' },
              ).trim()
              if (existsSync(path)) expect(read, `uid ${uid} reading ${path}`).toBe('denied')
            }
      }
      expect(uids[0]).not.toBe(uids[1])
      for (const uid of uids) expect(uid).not.toBe(65534)
    } finally {
      await driver.close()
    }
  })

  it('cannot read a root-owned 0600 file outside /data, even in a folder bound into the sandbox', async () => {
    // The node runtime's folder is bound read-only when it lies outside /usr (Electron's app
    // folder); a root-only file in it must stay closed to the algorithm. (Not under /tmp: the
    // sandbox has its own /tmp.)
    const bin = mkdtempSync('/var/tmp/c2d-hostile-bin-')
    extraDirs.push(bin)
    chmodSync(bin, 0o755)
    symlinkSync(process.execPath, join(bin, 'node'))
    const secret = join(bin, 'root-only.txt')
    writeFileSync(secret, 'root only')
    chmodSync(secret, 0o600)
    const code = `const fs = require('fs'); const out = {}
      try { out.secret = fs.readFileSync(${JSON.stringify(secret)}, 'utf8') } catch (e) { out.secret = e.code }
      try { out.listed = fs.readdirSync(${JSON.stringify(bin)}) } catch (e) { out.listed = e.code }
      fs.writeFileSync('/data/outputs/probe.json', JSON.stringify(out))`
    const done = await run(spec(code, 'node'), { nodePath: join(bin, 'node') })
    const seen = JSON.parse(done.output('probe.json')) as { secret: string; listed: string[] | string }
    expect(seen.listed).toEqual(expect.arrayContaining(['root-only.txt']))
    expect(seen.secret).toBe('EACCES')
  })

  it('stays root-mapped only when the drop is switched off (the fallback the health check names)', async () => {
    const code = `open('/data/outputs/mine.txt', 'w').write('x')`
    const done = await run(spec(code, 'python'), { sandboxHostUser: null })
    expect(statSync(join(done.dataDir, 'outputs/mine.txt')).uid).toBe(0)
    expect(readdirSync(done.resultsDir)).toContain('configuration.log')
    expect(readFileSync(join(done.resultsDir, 'configuration.log'), 'utf8')).toContain(
      'started as host uid 0',
    )
  })
})

/** Each limit holds with the kernel's cgroup (where this machine lets us create one) and with the watch alone. */
describe.each([
  ['the detected cgroup', undefined],
  ['the watch alone', (): CgroupSupport => ({ kind: 'none', why: 'test: watch only' })],
] as const)('limits of a hostile algorithm, enforced by %s', (_name, cgroups) => {
  it('cannot fill the RAM-backed /tmp past its memory: /tmp is capped and counts as memory', async () => {
    const code = `import time
written = 0
try:
    with open('/tmp/fill', 'wb') as f:
        for _ in range(400):
            f.write(b'x' * (1024 * 1024)); f.flush(); written += 1
except OSError as e:
    print('tmp full after', written, 'MiB:', e, flush=True)
time.sleep(30)
`
    const done = await run(spec(code, 'python', { resources: { cpu: 1, ramGb: 0.25, diskGb: 1 } }), {
      cgroups,
    })
    const exited = done.observations.find((o) => o.kind === 'container-exited')
    expect(exited).toMatchObject({ kind: 'container-exited', oomKilled: true })
    // The tmpfs cap answers ENOSPC at 256 MiB, or the kernel (cgroup) or the watch kills first:
    // python itself holds ~10 MiB, so a kill over 256 MiB means /tmp was counted as memory.
    // (Which comes first is a race on a loaded machine.)
    const full = /tmp full after (\d+) MiB/.exec(done.log)
    if (full) expect(Number(full[1])).toBeLessThanOrEqual(256)
    if (!full && cgroups)
      expect(exited && 'reason' in exited ? exited.reason : '').toMatch(
        /used \d+ MiB, more than the environment's 0\.25 GB of memory/,
      )
  })

  it('is stopped when it starts more processes than the limit (41, with the reason)', async () => {
    const code = `import os, time
for _ in range(200):
    if os.fork() == 0:
        time.sleep(60); os._exit(0)
time.sleep(60)
`
    const done = await run(spec(code, 'python'), { tasksMax: 64, cgroups })
    const exited = done.observations.find((o) => o.kind === 'container-exited')
    expect(exited && 'reason' in exited ? exited.reason : '').toMatch(
      /reached the limit of 64 processes and threads/,
    )
    expect(failureStatusOf(exited!)).toBe(41)
  })

  it('is held to the granted memory even below 1 GiB (0.5 GB granted, 700 MiB used)', async () => {
    const code = `import time
hold = []
for _ in range(700):
    hold.append(bytearray(b'\\x01' * (1024 * 1024)))
time.sleep(30)
`
    const done = await run(spec(code, 'python', { resources: { cpu: 1, ramGb: 0.5, diskGb: 1 } }), {
      cgroups,
    })
    const exited = done.observations.find((o) => o.kind === 'container-exited')
    expect(exited).toMatchObject({ oomKilled: true })
    expect(exited && 'reason' in exited ? exited.reason : '').toMatch(
      /more than the environment's 0\.5 GB of memory/,
    )
  })
})

/** The Ocean failure status decide() gives this observation for a running job. */
function failureStatusOf(observation: Observation): number | undefined {
  const decision = decide(runningJob(), observation)
  return decision.outcome?.kind === 'failed' ? decision.outcome.failureStatus : undefined
}

function runningJob(): Parameters<typeof decide>[0] {
  return { status: 40, isFree: true, stopRequested: false, outcome: null, maxJobDurationSec: 60 }
}
