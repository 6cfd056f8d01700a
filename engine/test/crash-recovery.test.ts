/**
 * Crash safety: the core is killed with SIGKILL while a job runs, then started again on the same
 * data dir. Every job must be accounted for (resumed, requeued, or failed with a reason) and
 * finished results must be byte-identical.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
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
function runChild(dataDir: string, phase: 'first' | 'second', untilLine?: string, script = CHILD) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, phase], {
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
    const sandboxes = () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(join(dataDir, 'jobs', 'running-job'))
          } catch {
            return false
          }
        })
    expect(sandboxes().length).toBeGreaterThan(0)
    first.child.kill('SIGKILL')
    await first.exited
    // --die-with-parent: the algorithm must not outlive the console.
    for (let i = 0; i < 100 && sandboxes().length > 0; i++) await new Promise((r) => setTimeout(r, 50))
    expect(sandboxes()).toEqual([])

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
})
