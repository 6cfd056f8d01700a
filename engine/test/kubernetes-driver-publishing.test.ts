/**
 * Issue 13 on the Kubernetes driver: its publish step follows the local driver's rules, through
 * the real core against the API double (whose publish pod runs busybox for real, as the busybox
 * image does). FIFOs and sockets are skipped and listed, links stay links; a sparse file over the
 * limit fails the job with 62 before anything is packed; a pack that hangs is abandoned after the
 * timeout with a reason; a stop during it ends it at once; close() returns with an exec hanging.
 * Before the fix the sparse file was streamed until the byte limit and the job succeeded (no 62),
 * FIFO entries reached outputs.tar and a hanging exec held the job at 60 for ever.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../clock'
import { startCore, type Core } from '../index'
import { MemoryLogger } from '../logging'
import { KubernetesDriver } from '../operator-engine/drivers/kubernetes/kubernetes-driver'
import type { JobSpec, Observation } from '../operator-engine/driver'
import type { JobRecord, RegisterJobInput } from '../operator-service/operator-service'
import type { JobStatus } from '../operator-service/job-status'
import { jobCoreConfig } from './job-core-config'
import { jobStatuses, rawCodeJobInput, runJobToFinish } from './job-inputs'
import { driverAgainst, expectNothingLeft } from './kubernetes-api-double/driver-against'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-publishing'
const PACK_TIMEOUT_MS = 6_000
let double: KubernetesApiDouble
let core: Core
let dataDir: string

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  dataDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-publishing-'))
  const driver = driverAgainst(double, NAMESPACE, { packTimeoutMs: PACK_TIMEOUT_MS })
  core = await startCore(jobCoreConfig(dataDir, { cpu: 2, ramGb: 2, maxJobs: 2 }), {
    listenConsole: false,
    driver,
  })
})
afterEach(() => double.faults.stallExec(undefined))
afterAll(async () => {
  await core?.stop()
  await double?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

function pythonJob(code: string): RegisterJobInput {
  return rawCodeJobInput({ code, image: 'python', maxJobDurationSec: 60 })
}

const runToFinish = (input: RegisterJobInput, onStatus?: (job: JobRecord, to: JobStatus) => void) =>
  runJobToFinish(core.operatorService, input, onStatus)

const statuses = (jobId: string) => jobStatuses(core.operatorService, jobId)
const resultPath = (job: JobRecord, type: string) => {
  const index = job.results.findIndex((r) => r.type === type)
  expect(index, `result ${type}`).toBeGreaterThanOrEqual(0)
  return core.operatorService.openResult(job.jobId, index).path
}

const nothingLeft = (jobId: string) => expectNothingLeft(double, NAMESPACE, jobId)

/** Resolves once `n` more execs than now reached the API server. */
async function execsStarted(n: number): Promise<void> {
  const base = double.requests.get('create pods/exec') ?? 0
  while ((double.requests.get('create pods/exec') ?? 0) < base + n)
    await new Promise((r) => setTimeout(r, 20))
}

describe('Kubernetes publishing of hostile outputs', () => {
  it('skips FIFOs and sockets and lists them, keeps links as links, and the job succeeds', async () => {
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
    expect(statuses(job.jobId)).toEqual([1, 0, 10, 20, 30, 40, 60, 70])
    expect(job.outcome?.kind).toBe('succeeded')
    const listing = execFileSync('tar', ['-tvf', resultPath(job, 'output')], { encoding: 'utf8' })
    expect(listing).toContain('outputs/sub/result.txt')
    expect(listing).toMatch(/outputs\/link -> \/etc\/hostname/)
    expect(listing).not.toMatch(/pipe|sock/)
    const publishLog = readFileSync(resultPath(job, 'publishLog'), 'utf8')
    expect(publishLog).toContain('skipped fifo outputs/pipe')
    expect(publishLog).toContain('skipped fifo outputs/sub/pipe2')
    expect(publishLog).toContain('skipped socket outputs/sock')
    await nothingLeft(job.jobId)
  }, 60_000)

  it('fails a job whose sparse output is over the limit with 62 and a reason, without packing it', async () => {
    const code = 'with open("/data/outputs/sparse.bin", "wb") as f: f.truncate(4 * 1024 ** 3)'
    const execsBefore = double.requests.get('create pods/exec') ?? 0
    const job = await runToFinish(pythonJob(code))
    expect(statuses(job.jobId)).toEqual([1, 0, 10, 20, 30, 40, 60, 62, 70])
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 62 })
    expect(job.outcome?.reason).toMatch(
      /\(4294967296 bytes, apparent size\) exceed the limit of 10000000 bytes/,
    )
    expect(job.results.map((r) => r.type)).not.toContain('output')
    expect(readFileSync(resultPath(job, 'publishLog'), 'utf8')).toMatch(/outputs\.tar not produced/)
    // Only the scan ran: nothing was packed.
    expect((double.requests.get('create pods/exec') ?? 0) - execsBefore).toBe(1)
    await nothingLeft(job.jobId)
  }, 60_000)

  it('a pack that hangs is abandoned after the timeout: 61 with the reason', async () => {
    double.faults.stallExec('tar cf')
    const job = await runToFinish(pythonJob('open("/data/outputs/a.txt", "w").write("a")'))
    expect(statuses(job.jobId)).toEqual([1, 0, 10, 20, 30, 40, 60, 61, 70])
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 61 })
    expect(job.outcome?.reason).toContain(
      `packing the outputs took longer than ${PACK_TIMEOUT_MS / 1000} s and was abandoned`,
    )
    expect(job.results.map((r) => r.type)).not.toContain('output')
    await nothingLeft(job.jobId)
  }, 60_000)

  it('a stop during a hanging pack ends it at once (not by the timeout)', async () => {
    double.faults.stallExec('tar cf')
    let jobId = ''
    const job = await runToFinish(pythonJob('open("/data/outputs/a.txt", "w").write("a")'), (j, to) => {
      jobId = j.jobId
      if (to === 60) void execsStarted(2).then(() => core.operatorService.stopJob(jobId))
    })
    expect(job.outcome?.kind).toBe('stopped')
    expect(readFileSync(resultPath(job, 'publishLog'), 'utf8')).toContain(
      'packing the outputs was interrupted (stopped by request)',
    )
    await nothingLeft(job.jobId)
  }, 60_000)
})

describe('Kubernetes driver shutdown', () => {
  it('close() returns while an exec hangs, and reports nothing after', async () => {
    const driver = driverAgainst(double, NAMESPACE, { packTimeoutMs: 10 * 60_000 })
    double.faults.stallExec('find outputs')
    const input = pythonJob('open("/data/outputs/a.txt", "w").write("a")')
    const spec: JobSpec = {
      ...input.spec,
      jobId: 'close-while-hanging',
      jobDir: join(dataDir, 'close-while-hanging'),
    }
    const seen: Observation[] = []
    let publishing!: () => void
    const reachedPublishing = new Promise<void>((r) => (publishing = r))
    await driver.start(spec, (_id, o) => {
      seen.push(o)
      if (o.kind === 'publishing') publishing()
    })
    await reachedPublishing
    await execsStarted(1)
    const before = seen.length
    await driver.close()
    expect(seen.slice(before)).toEqual([])
    // The console's next start would sweep or resume it; here the test cleans up.
    const cleaner = new KubernetesDriver({
      logger: new MemoryLogger(),
      clock: systemClock,
      kubeConfig: double.kubeConfig(NAMESPACE),
      namespace: NAMESPACE,
    })
    await cleaner.cleanup(spec.jobId)
    await cleaner.close()
    await nothingLeft(spec.jobId)
  }, 60_000)
})
