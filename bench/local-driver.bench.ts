/**
 * Local driver suite (core): the real LocalDriver under the real Operator-Service.
 *  - latency from job registered to algorithm started (status 40 from `algorithm-started`);
 *  - a trivial job end to end (registered → 70) against bare `node -e ''` spawned in this run;
 *  - throughput: 50 trivial jobs, max 2 concurrent, in jobs/minute;
 *  - the sandbox's own cost per job: one trivial `node -e ''` in bwrap with the hardened argv
 *    (uid 65534, --cap-drop ALL, --disable-userns, seccomp, capped /tmp, bare environment) beside
 *    the argv as it was before issue 13, both in this run. Goal: hardening ≤ 50 ms per job.
 */
import { spawn } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { systemClock } from '../engine/clock'
import { silentLogger } from '../engine/logging'
import { Environments, defaultEnvironment } from '../engine/operator-service/environments'
import type { JobStatus } from '../engine/operator-service/job-status'
import { SqliteOperatorService } from '../engine/operator-service/operator-service'
import { openDatabase } from '../engine/store/database'
import type { BenchRow } from './bench-row'
import { rawCodeJobInput } from '../engine/test/job-inputs'

const SUITE = 'local-driver'

const trivialJob = (code: string) =>
  rawCodeJobInput({ code, owner: '0x00000000000000000000000000000000000000b1', maxJobDurationSec: 60 })

function bareNodeMs(): Promise<number> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', () => resolve(performance.now() - t0))
  })
}

/** The pre-hardening argv: the same mounts without the identity, capability, seccomp and /tmp cap flags. */
function legacyArgs(hardened: string[]): string[] {
  const out: string[] = []
  const withValue = new Set(['--uid', '--gid', '--cap-drop', '--seccomp', '--size'])
  for (let i = 0; i < hardened.length; i++) {
    const arg = hardened[i]!
    if (arg === '--') return [...out, ...hardened.slice(i)]
    if (withValue.has(arg)) i++
    else if (arg !== '--unshare-user' && arg !== '--disable-userns') out.push(arg)
  }
  return out
}

function exitMs(start: () => ReturnType<typeof spawn>): Promise<number> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const child = start()
    child.stdout?.resume()
    child.stderr?.resume()
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`sandbox exited with ${code}`)),
    )
  })
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export default async function localDriverBench(): Promise<BenchRow[]> {
  const { LocalDriver } = await import('../engine/operator-engine/drivers/local/local-driver')
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-local-'))
  const db = openDatabase({ file: join(dataDir, 'console.db') })
  const environments = new Environments(db)
  environments.seed([{ ...defaultEnvironment(undefined), maxJobs: 2 }])
  const driver = new LocalDriver({
    logger: silentLogger,
    clock: systemClock,
    allowUnsandboxed: false,
    ipfsGateway: 'http://127.0.0.1:9',
    arweaveGateway: 'http://127.0.0.1:9',
  })
  const service = new SqliteOperatorService({
    db,
    driver,
    environments,
    dataDir,
    logger: silentLogger,
    clock: systemClock,
  })
  await service.start()

  /** Resolves with ms from registration to each awaited status. */
  const timeJob = (code: string, statuses: JobStatus[]) =>
    new Promise<Map<JobStatus, number>>((resolve, reject) => {
      const t0 = performance.now()
      const seen = new Map<JobStatus, number>()
      let jobId = ''
      const off = service.onDidChangeJob((c) => {
        if (c.job.jobId !== jobId) return
        if (statuses.includes(c.to)) seen.set(c.to, performance.now() - t0)
        if (c.to === 70) {
          off()
          if (c.job.outcome?.kind !== 'succeeded')
            reject(new Error(`bench job failed: ${c.job.outcome?.reason ?? '?'}`))
          else resolve(seen)
        }
      })
      jobId = service.registerJob(trivialJob(code)).jobId
    })

  try {
    const startLatencies: number[] = []
    const endToEnd: number[] = []
    for (let i = 0; i < 5; i++) {
      const t = await timeJob('console.log("hi")', [40, 70])
      startLatencies.push(t.get(40)!)
      endToEnd.push(t.get(70)!)
    }
    const bare: number[] = []
    for (let i = 0; i < 5; i++) bare.push(await bareNodeMs())

    const { buildBwrapArgs, findBwrap, spawnSandbox } =
      await import('../engine/operator-engine/drivers/local/bubblewrap')
    const bwrap = findBwrap()!
    const sandboxDir = mkdtempSync(join(dataDir, 'sandbox-'))
    const hardened = buildBwrapArgs({
      dataDir: sandboxDir,
      allowNetwork: false,
      argv: [process.execPath, '-e', ''],
      env: { PATH: '/usr/bin:/bin' },
      extraReadOnlyPaths: process.execPath.startsWith('/usr/') ? [] : [dirname(process.execPath)],
      tmpBytesMax: 1024 ** 3,
    })
    // Its own folder: the hardened run's is given to the sandbox user (as root), which the
    // pre-hardening bwrap (root-mapped) could not enter.
    const legacyDir = mkdtempSync(join(dataDir, 'sandbox-legacy-'))
    const legacy = legacyArgs(hardened).map((a) => (a === sandboxDir ? legacyDir : a))
    const { createJobCgroup, detectCgroups } =
      await import('../engine/operator-engine/drivers/local/cgroup-limits')
    const { findDropTools, HOST_SANDBOX_USER, sandboxLaunchArgv } =
      await import('../engine/operator-engine/drivers/local/sandbox-launch')
    const cgroups = detectCgroups()
    // As root, as a job runs: bwrap started as host nobody over its staged /data.
    const dropTools = findDropTools()
    const drop =
      process.getuid?.() === 0 && dropTools.ok ? { hostUser: HOST_SANDBOX_USER, tools: dropTools.tools } : {}
    if ('hostUser' in drop) chownSync(sandboxDir, 65534, 65534)
    /** As a job runs it: in its own cgroup where the machine allows one (created and removed per job). */
    const hardenedJob = () => {
      if (cgroups.kind === 'none') {
        const [file, ...args] = sandboxLaunchArgv(bwrap, hardened, drop)
        return spawnSandbox(file!, args)
      }
      const cgroup = createJobCgroup(cgroups, `c2d-bench-${process.pid}-${performance.now()}`, {
        memoryBytes: 1024 ** 3,
        tasks: 512,
      })
      const [file, ...args] = sandboxLaunchArgv(bwrap, hardened, { ...drop, cgroupProcs: cgroup.procsFiles })
      const child = spawnSandbox(file!, args)
      child.on('close', () => cgroup.remove())
      return child
    }
    const hardenedMs: number[] = []
    const legacyMs: number[] = []
    // Interleaved, so drift on a shared machine hits both alike.
    for (let i = 0; i < 15; i++) {
      legacyMs.push(
        await exitMs(() => spawn(bwrap, legacy, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })),
      )
      hardenedMs.push(await exitMs(hardenedJob))
    }
    const overheadMs = median(hardenedMs) - median(legacyMs)

    const t0 = performance.now()
    await Promise.all(Array.from({ length: 50 }, () => timeJob('console.log(1)', [70])))
    const jobsPerMinute = 50 / ((performance.now() - t0) / 60_000)

    return [
      {
        suite: SUITE,
        name: 'registered → algorithm started (median of 5)',
        value: median(startLatencies),
        unit: 'ms',
      },
      {
        suite: SUITE,
        name: 'trivial job registered → 70 (median of 5)',
        value: median(endToEnd),
        unit: 'ms',
        baseline: { name: "bare node -e ''", value: median(bare) },
        note: 'difference = sandbox + staging + publishing overhead',
      },
      { suite: SUITE, name: '50 trivial jobs, max 2 concurrent', value: jobsPerMinute, unit: 'jobs/min' },
      {
        suite: SUITE,
        name: "sandbox: node -e '' in hardened bwrap (median of 15)",
        value: median(hardenedMs),
        unit: 'ms',
        baseline: { name: 'same in the pre-hardening bwrap argv', value: median(legacyMs) },
        goal: 'hardening adds ≤ 50 ms per job',
        goalMet: overheadMs <= 50,
        note: `hardening overhead ${overheadMs.toFixed(1)} ms per job (memory/pids: ${cgroups.kind === 'none' ? 'watch only' : `cgroup ${cgroups.kind}`})`,
      },
    ]
  } finally {
    await service.close()
    db.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
