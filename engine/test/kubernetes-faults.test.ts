/**
 * Issue 4's fault cases, each through the real core on the KubernetesDriver against the API double:
 * image pull error, OOM, deadline exceeded, node lost, the API server unreachable mid-job, a watch
 * dropped with 410 Gone, a stop, and a console restart mid-job. Each job ends in the right Ocean
 * status with its reason, and nothing of it stays on the cluster.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../clock'
import { startCore, type Core } from '../index'
import { MemoryLogger } from '../logging'
import { KubernetesDriver } from '../operator-engine/drivers/kubernetes/kubernetes-driver'
import { selectorOf } from '../operator-engine/drivers/kubernetes/manifests'
import type { JobRecord } from '../operator-service/operator-service'
import type { JobStatus } from '../operator-service/job-status'
import { jobCoreConfig } from './job-core-config'
import { rawCodeJobInput } from './job-inputs'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-faults'
let double: KubernetesApiDouble
let core: Core
let dataDir: string

const configFor = (dir: string) => jobCoreConfig(dir, { cpu: 2, ramGb: 2, maxJobs: 4 })

function driver(failedJobRetentionSec = 0): KubernetesDriver {
  return new KubernetesDriver({
    logger: new MemoryLogger(),
    clock: systemClock,
    kubeConfig: double.kubeConfig(NAMESPACE),
    namespace: NAMESPACE,
    watchRetryMs: 100,
    failedJobRetentionSec,
    // A pull that keeps failing is final after this (the kubelet's back-off retries until then).
    imagePullBackoffMaxMs: 500,
  })
}

async function until(
  core_: Core,
  jobId: string,
  done: (job: JobRecord) => boolean,
  what: string,
): Promise<JobRecord> {
  for (let i = 0; i < 400; i++) {
    const job = core_.operatorService.getJob(jobId)!
    if (done(job)) return job
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(
    `job ${jobId} never ${what}: ${JSON.stringify(core_.operatorService.jobEvents(jobId).map((e) => [e.to, e.cause]))}`,
  )
}

const statuses = (c: Core, jobId: string): JobStatus[] => c.operatorService.jobEvents(jobId).map((e) => e.to)

async function nothingLeft(jobId: string): Promise<void> {
  for (let i = 0; i < 100 && double.objects(selectorOf(jobId), NAMESPACE).length > 0; i++)
    await new Promise((r) => setTimeout(r, 50))
  expect(
    double.objects(selectorOf(jobId), NAMESPACE).map((o) => `${String(o.kind)}/${o.metadata.name}`),
  ).toEqual([])
}

function job(code: string, extra: { image?: string; ramGb?: number; maxJobDurationSec?: number } = {}) {
  const input = rawCodeJobInput({ code, maxJobDurationSec: extra.maxJobDurationSec ?? 30 })
  input.spec.algorithm.container = { entrypoint: 'node $ALGO', image: extra.image ?? 'node', tag: '20' }
  if (extra.ramGb) input.spec.resources = { ...input.spec.resources, ramGb: extra.ramGb }
  return input
}

const TICKING = "let n = 0; setInterval(() => console.log('tick ' + n++), 100)"
const FINISHES_AFTER = (ms: number) =>
  `const fs = require('fs'); console.log('start'); setTimeout(() => { fs.writeFileSync('/data/outputs/done.txt', 'ok'); console.log('end') }, ${ms})`

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  dataDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-faults-'))
  core = await startCore(configFor(dataDir), { listenConsole: false, driver: driver() })
})
afterAll(async () => {
  await core?.stop()
  await double?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('Kubernetes fault cases', () => {
  it('an algorithm image that cannot be pulled ends with 11 and its reason', async () => {
    const { jobId } = core.operatorService.registerJob(
      job('console.log(1)', { image: 'registry.example/missing' }),
    )
    const done = await until(core, jobId, (j) => j.status === 70, 'finished')
    expect(done.outcome).toMatchObject({
      kind: 'failed',
      failureStatus: 11,
      reason: expect.stringContaining('cannot be pulled'),
    })
    expect(statuses(core, jobId)).toContain(11)
    await nothingLeft(jobId)
  }, 30_000)

  it('an algorithm over its memory limit is OOM killed: 41 with OOMKilled in terminationDetails', async () => {
    const { jobId } = core.operatorService.registerJob(
      job('const keep = []; setInterval(() => keep.push(Buffer.alloc(16 * 1024 * 1024, 1)), 20)', {
        ramGb: 0.125,
      }),
    )
    const done = await until(core, jobId, (j) => j.status === 70, 'finished')
    expect(done.outcome).toMatchObject({ kind: 'failed', failureStatus: 41 })
    expect(done.terminationDetails).toEqual({ exitCode: 137, oomKilled: true })
    await nothingLeft(jobId)
  }, 30_000)

  it('an algorithm past maxJobDuration is stopped by activeDeadlineSeconds: 41, the log kept', async () => {
    const { jobId } = core.operatorService.registerJob(job(TICKING, { maxJobDurationSec: 1 }))
    const done = await until(core, jobId, (j) => j.status === 70, 'finished')
    expect(done.outcome).toMatchObject({
      kind: 'failed',
      failureStatus: 41,
      reason: expect.stringContaining('maxJobDuration'),
    })
    expect(done.results.map((r) => r.filename)).toContain('algorithm.log')
    await nothingLeft(jobId)
  }, 30_000)

  it('a lost node fails the running job (41) and the job is cleaned up', async () => {
    const { jobId } = core.operatorService.registerJob(job(TICKING))
    await until(core, jobId, (j) => j.status === 40, 'ran')
    double.faults.loseNode()
    const done = await until(core, jobId, (j) => j.status === 70, 'finished')
    expect(done.outcome).toMatchObject({
      kind: 'failed',
      failureStatus: 41,
      reason: expect.stringContaining('NodeLost'),
    })
    await nothingLeft(jobId)
  }, 30_000)

  it('survives the API server being unreachable mid-job: the watch reconnects and the job finishes', async () => {
    const { jobId } = core.operatorService.registerJob(job(FINISHES_AFTER(1500)))
    await until(core, jobId, (j) => j.status === 40, 'ran')
    double.faults.setUnreachable(true)
    await new Promise((r) => setTimeout(r, 2500))
    double.faults.setUnreachable(false)
    const done = await until(core, jobId, (j) => j.status === 70, 'finished')
    expect(done.outcome).toEqual({ kind: 'succeeded' })
    expect(done.results.map((r) => r.filename)).toEqual([
      'configuration.log',
      'algorithm.log',
      'outputs.tar',
      'publish.log',
    ])
    await nothingLeft(jobId)
  }, 30_000)

  it('survives a watch dropped with 410 Gone: it re-lists and the job finishes', async () => {
    const { jobId } = core.operatorService.registerJob(job(FINISHES_AFTER(800)))
    await until(core, jobId, (j) => j.status === 40, 'ran')
    const watchesBefore = double.requests.get('watch pods') ?? 0
    double.faults.dropWatches({ gone: true })
    const done = await until(core, jobId, (j) => j.status === 70, 'finished')
    expect(done.outcome).toEqual({ kind: 'succeeded' })
    expect(double.requests.get('watch pods') ?? 0).toBeGreaterThan(watchesBefore)
    await nothingLeft(jobId)
  }, 30_000)

  it('stop deletes the algorithm pod, publishes what exists and ends stopped', async () => {
    const { jobId } = core.operatorService.registerJob(job(TICKING))
    await until(core, jobId, (j) => j.status === 40, 'ran')
    await core.operatorService.stopJob(jobId)
    const done = await until(core, jobId, (j) => j.status === 70, 'finished')
    expect(done.outcome).toMatchObject({ kind: 'stopped' })
    expect(done.results.map((r) => r.filename)).toContain('algorithm.log')
    await nothingLeft(jobId)
  }, 30_000)

  it('after a console restart mid-job, the new driver re-attaches and finishes the job', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'c2d-k8s-restart-'))
    try {
      const first = await startCore(configFor(dir), { listenConsole: false, driver: driver() })
      const { jobId } = first.operatorService.registerJob(job(FINISHES_AFTER(1500)))
      await until(first, jobId, (j) => j.status === 40, 'ran')
      await first.stop()
      const second = await startCore(configFor(dir), { listenConsole: false, driver: driver() })
      try {
        const done = await until(second, jobId, (j) => j.status === 70, 'finished after the restart')
        expect(done.outcome).toEqual({ kind: 'succeeded' })
        expect(done.results.map((r) => r.filename)).toContain('outputs.tar')
        await nothingLeft(jobId)
      } finally {
        await second.stop()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 40_000)

  it("keeps a failed job's objects for the configured retention, then deletes them", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'c2d-k8s-retention-'))
    const retaining = await startCore(configFor(dir), { listenConsole: false, driver: driver(2) })
    try {
      const { jobId } = retaining.operatorService.registerJob(job('process.exit(3)'))
      const done = await until(retaining, jobId, (j) => j.status === 70, 'finished')
      expect(done.outcome).toMatchObject({ kind: 'failed', failureStatus: 41 })
      // Kept for `kubectl describe` right after the job ended …
      // (not the Secret with dataset URLs and headers: it went as soon as configure ended)
      const kept = double.objects(selectorOf(jobId), NAMESPACE).map((o) => o.kind)
      expect(kept).toEqual(expect.arrayContaining(['PersistentVolumeClaim', 'Pod']))
      expect(kept).not.toContain('Secret')
      // … and gone once the retention passed.
      await new Promise((r) => setTimeout(r, 2000))
      await nothingLeft(jobId)
    } finally {
      await retaining.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 30_000)
})
