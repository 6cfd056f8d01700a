/**
 * Crash safety: the core is killed with SIGKILL while a job runs, then started again on the same
 * data dir. Every job must be accounted for (resumed, requeued, or failed with a reason) and
 * finished results must be byte-identical.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { JobRecord } from '../operator-service/operator-service'

const HERE = dirname(fileURLToPath(import.meta.url))
const CHILD = join(HERE, 'crash-child.ts')
const CHILD_LOCAL = join(HERE, 'crash-child-local.ts')

// `node --import tsx`, not the tsx CLI: the CLI runs the script in a second process, and SIGKILL
// on the wrapper would leave the real core running.
function runChild(
  dataDir: string,
  phase: 'first' | 'second' | 'staging' | 'result-first' | 'result-second',
  untilLine?: string,
  script = CHILD,
  extra: string[] = [],
) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, phase, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      if (untilLine && stdout.includes(untilLine)) resolve(stdout)
    })
    child.on('exit', (code, signal) =>
      code === 0 ? resolve(stdout) : reject(new Error(`child ${phase} exited ${code ?? signal}: ${stderr}`)),
    )
  })
  return { child, ready, exited: new Promise((resolve) => child.on('exit', resolve)) }
}

/** A process's start time (field 22 of /proc/<pid>/stat), or undefined once it is gone. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

/** Every live descendant of `root`, with its start time (a pid may be reused later). */
function descendantsOf(root: number): Array<{ pid: number; start: string | undefined }> {
  const parent = new Map<number, number>()
  for (const name of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // gone meanwhile
    }
  }
  const isBelow = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true
    return false
  }
  return [...parent.keys()].filter(isBelow).map((pid) => ({ pid, start: startTimeOf(pid) }))
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

describe('crash recovery', () => {
  it('accounts for every job after kill -9 and keeps finished results byte-identical', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crash-'))
    const first = runChild(dataDir, 'first', 'READY')
    await first.ready
    const resultsDir = join(dataDir, 'jobs', 'finished-job', 'results')
    const before = { log: sha(join(resultsDir, 'algorithm.log')), out: sha(join(resultsDir, 'outputs.tar')) }
    first.child.kill('SIGKILL')
    await first.exited

    const second = runChild(dataDir, 'second')
    const report = JSON.parse((await second.ready).trim().split('\n').pop()!) as {
      jobs: JobRecord[]
      events: Record<string, Array<{ to: number; cause: string }>>
      results: string[]
      resumed: string[]
    }
    const byId = Object.fromEntries(report.jobs.map((j) => [j.jobId, j]))
    expect(Object.keys(byId).sort()).toEqual(['finished-job', 'queued-job', 'running-job'])

    // Finished: untouched, results intact.
    expect(byId['finished-job']!.status).toBe(70)
    expect(byId['finished-job']!.outcome?.kind).toBe('succeeded')
    expect(report.results.map(sha)).toEqual([before.log, before.out])

    // Running at the crash: resumed on the driver, which lost it → failed with a reason, finished.
    expect(report.resumed).toContain('running-job')
    const running = byId['running-job']!
    expect(running.status).toBe(70)
    expect(running.outcome).toMatchObject({ kind: 'failed', failureStatus: 41 })
    expect(running.outcome?.reason).toMatch(/\w/)
    expect(report.events['running-job']!.map((e) => e.to)).toEqual([1, 0, 20, 30, 40, 41, 70])

    // Queued at the crash: back in the queue, started once the slot freed.
    expect(byId['queued-job']!.status).toBe(0)
    expect(report.events['queued-job']!.map((e) => e.to)).toEqual([1, 0])
  }, 60_000)

  it('after kill -9 during a real sandboxed run: the sandbox died with the core, the job fails with a reason, finished results stay', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crash-local-'))
    const first = runChild(dataDir, 'first', 'READY', CHILD_LOCAL)
    await first.ready
    const tar = join(dataDir, 'jobs', 'finished-job', 'results', 'outputs.tar')
    const before = sha(tar)
    // The console's descendants: the sandbox (bwrap, started as host nobody over a staged
    // /data, so its argv no longer names the job folder) and the algorithm inside it.
    const sandboxes = descendantsOf(first.child.pid!)
    expect(sandboxes.length).toBeGreaterThan(0)
    first.child.kill('SIGKILL')
    await first.exited
    // --die-with-parent: the algorithm must not outlive the console.
    const alive = () => sandboxes.filter((p) => startTimeOf(p.pid) === p.start)
    for (let i = 0; i < 100 && alive().length > 0; i++) await new Promise((r) => setTimeout(r, 50))
    expect(alive()).toEqual([])

    const second = runChild(dataDir, 'second', undefined, CHILD_LOCAL)
    const report = JSON.parse((await second.ready).trim().split('\n').pop()!) as {
      jobs: JobRecord[]
      events: Record<string, Array<{ to: number }>>
    }
    const byId = Object.fromEntries(report.jobs.map((j) => [j.jobId, j]))
    expect(byId['finished-job']).toMatchObject({ status: 70, outcome: { kind: 'succeeded' } })
    expect(sha(tar)).toBe(before)
    expect(byId['running-job']!.status).toBe(70)
    expect(byId['running-job']!.outcome).toMatchObject({ kind: 'failed' })
    expect(byId['running-job']!.outcome?.reason).toMatch(/restart|lost|died|console/i)
    // The failed job offers the logs the first run left on disk.
    expect(byId['running-job']!.results.map((r) => r.type)).toEqual(
      expect.arrayContaining(['configurationLog', 'algorithmLog']),
    )
    expect(report.events['running-job']!.map((e) => e.to).slice(0, 5)).toEqual([1, 0, 20, 30, 40])
  }, 60_000)

  /**
   * A dataset server whose first answer stalls after half the file: the console is killed while it
   * stages that dataset, before its algorithm ran. `answer` decides what later requests get.
   */
  async function stallingServer() {
    let firstRequest: () => void = () => undefined
    const stalled = new Promise<void>((resolve) => (firstRequest = resolve))
    const open: ServerResponse[] = []
    let count = 0
    const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      if (count++ === 0) {
        res.writeHead(200, { 'content-length': '8' })
        res.write('a,b\n')
        open.push(res)
        firstRequest()
        return
      }
      res.end('a,b\n1,2\n')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/weather.csv`
    const close = () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
    return { url, stalled, close, requests: () => count }
  }

  async function killDuringStaging(dataDir: string, url: string, stalled: Promise<void>) {
    const first = runChild(dataDir, 'staging', undefined, CHILD_LOCAL, [url])
    await Promise.race([stalled, first.ready])
    // Staging is under way and the algorithm has not started: no algorithm.log yet.
    const results = join(dataDir, 'jobs', 'staging-job', 'results')
    expect(existsSync(join(results, 'algorithm.log'))).toBe(false)
    first.child.kill('SIGKILL')
    await first.exited
  }

  type Report = { jobs: JobRecord[]; events: Record<string, Array<{ to: number; cause?: string }>> }

  it('after kill -9 while a dataset is staged (before the algorithm ran): the job is queued again and finishes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crash-staging-'))
    const remote = await stallingServer()
    try {
      await killDuringStaging(dataDir, remote.url, remote.stalled)
      const second = runChild(dataDir, 'second', undefined, CHILD_LOCAL)
      const report = JSON.parse((await second.ready).trim().split('\n').pop()!) as Report
      const job = report.jobs.find((j) => j.jobId === 'staging-job')!
      expect(job).toMatchObject({ status: 70, outcome: { kind: 'succeeded' } })
      // Configured once before the crash, then run from the start: 40 (algorithm) only after it.
      const statuses = report.events['staging-job']!.map((e) => e.to)
      expect(statuses.indexOf(40)).toBeGreaterThan(statuses.indexOf(20))
      expect(statuses.filter((s) => s === 40)).toHaveLength(1)
      // Fetched again (the first copy was partial), and the algorithm read the whole file.
      expect(remote.requests()).toBeGreaterThanOrEqual(2)
      const tar = join(dataDir, 'jobs', 'staging-job', 'results', 'outputs.tar')
      expect(existsSync(tar)).toBe(true)
      expect(readFileSync(tar).includes(Buffer.from('a,b\n1,2\n'))).toBe(true)
    } finally {
      await remote.close()
    }
  }, 60_000)

  it('after kill -9 while a dataset is staged, with its server gone since: the job fails "not started" with the reason', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crash-staging-gone-'))
    const remote = await stallingServer()
    await killDuringStaging(dataDir, remote.url, remote.stalled)
    await remote.close()
    const second = runChild(dataDir, 'second', undefined, CHILD_LOCAL)
    const report = JSON.parse((await second.ready).trim().split('\n').pop()!) as Report
    const job = report.jobs.find((j) => j.jobId === 'staging-job')!
    expect(job.status).toBe(70)
    // Killed while staging its datasets (30): 31, the data-provisioning failure.
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 31 })
    expect(job.outcome?.reason).toMatch(
      /^not started: .*dataset did:op:remote file 0: the file's server cannot be reached \(ECONNREFUSED\)/,
    )
    expect(report.events['staging-job']!.map((e) => e.to)).not.toContain(40)
    // The configuration log of the first run is offered.
    expect(job.results.map((r) => r.type)).toContain('configurationLog')
  }, 60_000)

  it('a signed computeResult answered before kill -9: after the restart the same nonce is refused', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crash-nonce-'))
    const first = runChild(dataDir, 'result-first', 'ANSWERED')
    const answered = await first.ready
    // Killed as soon as the answer reached the client: the nonce must already be on disk.
    first.child.kill('SIGKILL')
    await first.exited
    expect(answered).toContain('ANSWERED 200 "tick\\n"')

    const second = runChild(dataDir, 'result-second')
    const report = JSON.parse((await second.ready).trim().split('\n').pop()!) as {
      answer: { status: number; code: string | null; body: string }
      nonce: string
    }
    expect(report.nonce).toBe('1')
    expect(report.answer).toMatchObject({ status: 401, code: 'NONCE_NOT_INCREASING' })
  }, 60_000)
})
