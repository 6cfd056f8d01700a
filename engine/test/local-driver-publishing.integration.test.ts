/**
 * Publishing through the real core with hostile outputs (issue 13): FIFOs, unix sockets and a
 * sparse file left in /data/outputs by a real algorithm in the sandbox. Before the fix the first
 * hung the job at 60 for ever; the second packed 4 GiB and reported success with no archive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jobCoreConfig } from './job-core-config'
import { jobStatuses, rawCodeJobInput, runJobToFinish } from './job-inputs'
import { startCore, type Core } from '../index'
import type { JobRecord, RegisterJobInput } from '../operator-service/operator-service'

let dataDir: string
let core: Core

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'c2d-publish-it-'))
  const config = jobCoreConfig(dataDir, { environmentId: 'sandbox', cpu: 2, ramGb: 2, maxJobs: 2 })
  core = await startCore(config, { listenConsole: false })
})

afterAll(async () => {
  await core?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

/** Raw Python code; the outputs are what matters here, so the job reads no dataset. */
function pythonJob(code: string): RegisterJobInput {
  return rawCodeJobInput({
    code,
    image: 'python',
    environmentId: 'sandbox',
    owner: '0x00000000000000000000000000000000000000c2',
    maxJobDurationSec: 60,
  })
}

const runToFinish = (input: RegisterJobInput) => runJobToFinish(core.operatorService, input)

const statuses = (jobId: string) => jobStatuses(core.operatorService, jobId)
const resultPath = (job: JobRecord, type: string) => {
  const index = job.results.findIndex((r) => r.type === type)
  expect(index, `result ${type}`).toBeGreaterThanOrEqual(0)
  return core.operatorService.openResult(job.jobId, index).path
}

describe('publishing hostile outputs', () => {
  it('publishes a folder holding FIFOs and unix sockets: skips them, lists them, finishes', async () => {
    const code = [
      'import os, socket',
      'os.makedirs("/data/outputs/sub", exist_ok=True)',
      'open("/data/outputs/sub/result.txt", "w").write("ok")',
      'os.mkfifo("/data/outputs/pipe")',
      'os.mkfifo("/data/outputs/sub/pipe2")',
      's = socket.socket(socket.AF_UNIX); s.bind("/data/outputs/sock")',
      'os.symlink("/etc/hostname", "/data/outputs/link")',
    ].join('\n')
    const job = await runToFinish(pythonJob(code))
    expect(statuses(job.jobId)).toEqual([1, 0, 20, 30, 40, 60, 70])
    expect(job.outcome?.kind).toBe('succeeded')
    const listing = execFileSync('tar', ['-tvf', resultPath(job, 'output')], { encoding: 'utf8' })
    expect(listing).toContain('outputs/sub/result.txt')
    expect(listing).toMatch(/outputs\/link -> \/etc\/hostname/)
    expect(listing).not.toMatch(/pipe|sock/)
    const publishLog = readFileSync(resultPath(job, 'publishLog'), 'utf8')
    expect(publishLog).toContain('skipped fifo outputs/pipe')
    expect(publishLog).toContain('skipped fifo outputs/sub/pipe2')
    expect(publishLog).toContain('skipped socket outputs/sock')
    // Issue 13 §6: the job folder, its results and the archive are the publisher's only.
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8)
    expect(mode(dataDir)).toBe('700')
    expect(mode(join(dataDir, 'console.db'))).toBe('600')
    expect(mode(job.spec.jobDir)).toBe('700')
    expect(mode(join(job.spec.jobDir, 'results'))).toBe('700')
    expect(mode(resultPath(job, 'output'))).toBe('600')
  })

  it('fails a job whose sparse output is over the limit with 62 and a reason, without packing it', async () => {
    const code = 'import os\nwith open("/data/outputs/sparse.bin", "wb") as f: f.truncate(4 * 1024 ** 3)'
    const job = await runToFinish(pythonJob(code))
    expect(statuses(job.jobId)).toEqual([1, 0, 20, 30, 40, 60, 62, 70])
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 62 })
    expect(job.outcome?.reason).toMatch(/exceed the limit of 10000000 bytes/)
    expect(job.results.map((r) => r.type)).not.toContain('output')
    expect(readFileSync(resultPath(job, 'publishLog'), 'utf8')).toMatch(/outputs\.tar not produced/)
  })

  it('a stop still publishes what exists (the outputs are packed, outcome stopped)', async () => {
    const code = [
      'import time',
      'open("/data/outputs/partial.txt", "w").write("so far")',
      'print("written", flush=True)',
      'time.sleep(60)',
    ].join('\n')
    let jobId = ''
    const stopOnceWritten = async (jobDir: string) => {
      while (!existsSync(join(jobDir, 'data', 'outputs', 'partial.txt')))
        await new Promise((r) => setTimeout(r, 20))
      await core.operatorService.stopJob(jobId)
    }
    const finished = new Promise<JobRecord>((resolvePromise) => {
      const off = core.operatorService.onDidChangeJob((change) => {
        if (change.job.jobId !== jobId) return
        if (change.to === 40) void stopOnceWritten(change.job.spec.jobDir)
        if (change.to === 70) {
          off()
          resolvePromise(change.job)
        }
      })
    })
    jobId = core.operatorService.registerJob(pythonJob(code)).jobId
    const job = await finished
    expect(job.outcome?.kind).toBe('stopped')
    const listing = execFileSync('tar', ['-tf', resultPath(job, 'output')], { encoding: 'utf8' })
    expect(listing).toContain('outputs/partial.txt')
  }, 60_000)
})
