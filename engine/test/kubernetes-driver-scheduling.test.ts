/**
 * Issue 16's timing findings through the real core against the API double, each of which failed
 * before the fix:
 *   - a transient Unschedulable (no GPU node until an autoscaler adds one) is pending, not final;
 *     one that lasts past the pending timeout fails with the scheduler's Event in the reason;
 *   - an unbound claim message no longer ends the job at once;
 *   - an image pull that fails with 429 and then succeeds runs the job; one that keeps failing is
 *     final after the back-off window and names the image — the console's own apart from the
 *     algorithm's;
 *   - an evicted algorithm has its log saved and its outputs published;
 *   - the algorithm's time counts from its container's start, not from the pod's StartTime before
 *     a slow pull;
 *   - a stop during configure is a stop, not a provisioning failure.
 */
import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCore, type Core } from '../index'
import { DEFAULT_MANIFEST_OPTIONS, objectNames } from '../operator-engine/drivers/kubernetes/manifests'
import type { JobRecord, RegisterJobInput } from '../operator-service/operator-service'
import type { JobStatus } from '../operator-service/job-status'
import { jobCoreConfig } from './job-core-config'
import { jobStatuses, rawCodeJobInput, runJobToFinish } from './job-inputs'
import { driverAgainst, expectNothingLeft } from './kubernetes-api-double/driver-against'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-scheduling'
const PENDING_TIMEOUT_MS = 4_000
const PULL_BACKOFF_MS = 1_500
let double: KubernetesApiDouble
let core: Core
let dataDir: string
let hanging: Server
let hangingUrl: string

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  dataDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-scheduling-'))
  const driver = driverAgainst(double, NAMESPACE, {
    pendingTimeoutMs: PENDING_TIMEOUT_MS,
    imagePullBackoffMaxMs: PULL_BACKOFF_MS,
    manifests: { deadlinePullAllowanceSec: 60 },
  })
  core = await startCore(jobCoreConfig(dataDir, { cpu: 4, ramGb: 4, maxJobs: 4 }), {
    listenConsole: false,
    driver,
  })
  // A dataset server that never answers: the configure step hangs in its download.
  hanging = createServer(() => undefined)
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
  hangingUrl = `http://127.0.0.1:${(hanging.address() as { port: number }).port}/data.csv`
})
afterAll(async () => {
  await core?.stop()
  await double?.close()
  hanging?.closeAllConnections()
  await new Promise((resolve) => hanging?.close(resolve))
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

function nodeJob(code: string, extra: { gpu?: number; maxJobDurationSec?: number; image?: string } = {}) {
  const input = rawCodeJobInput({ code, maxJobDurationSec: extra.maxJobDurationSec ?? 30 })
  input.spec.algorithm.container = { entrypoint: 'node $ALGO', image: extra.image ?? 'node', tag: '20' }
  if (extra.gpu) input.spec.resources = { ...input.spec.resources, gpu: extra.gpu }
  return input
}

const runToFinish = (input: RegisterJobInput, onStatus?: (job: JobRecord, to: JobStatus) => void) =>
  runJobToFinish(core.operatorService, input, onStatus)

const statuses = (jobId: string) => jobStatuses(core.operatorService, jobId)
const resultText = (job: JobRecord, type: string) => {
  const index = job.results.findIndex((r) => r.type === type)
  return index < 0 ? '' : readFileSync(core.operatorService.openResult(job.jobId, index).path, 'utf8')
}

const nothingLeft = (jobId: string) => expectNothingLeft(double, NAMESPACE, jobId)

async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20))
}

const podPhase = (jobId: string, step: 'configure' | 'algorithm') =>
  (
    double.store.get('pods', NAMESPACE, objectNames(jobId).pod(step))?.status as
      { phase?: string } | undefined
  )?.phase

const unschedulable = (jobId: string, step: 'configure' | 'algorithm') =>
  (
    double.store.get('pods', NAMESPACE, objectNames(jobId).pod(step))?.status as
      { conditions?: Array<{ reason?: string }> } | undefined
  )?.conditions?.some((c) => c.reason === 'Unschedulable') === true

describe('Kubernetes scheduling, images and timing', () => {
  it('a transient Unschedulable (no GPU until a node joins) is pending, and the job then runs', async () => {
    const code = "require('fs').writeFileSync('/data/outputs/gpu.txt', 'ran')"
    let jobId = ''
    const job = await runToFinish(nodeJob(code, { gpu: 1 }), (j) => {
      if (jobId) return
      jobId = j.jobId
      // The algorithm pod asks for a GPU that no node has; an autoscaler adds one after the
      // scheduler said no, well within the pending timeout.
      void eventually(() => unschedulable(jobId, 'algorithm')).then(() =>
        double.faults.addNode({
          name: 'gpu-node-1',
          labels: { 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': 'zone-b' },
          gpus: 1,
        }),
      )
    })
    expect(job.outcome?.kind).toBe('succeeded')
    expect(statuses(job.jobId)).toEqual([1, 0, 10, 20, 30, 40, 60, 70])
    expect(job.results.map((r) => r.type)).toContain('output')
    await nothingLeft(job.jobId)
  }, 60_000)

  it('an Unschedulable that lasts past the pending timeout fails with the scheduler’s Event', async () => {
    const job = await runToFinish(nodeJob('console.log(1)', { gpu: 8 }))
    // The configure step ran (30): the algorithm's pod that never starts is 32.
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 32 })
    expect(job.outcome?.reason).toMatch(
      /^the algorithm pod was still waiting after \d+ s: FailedScheduling: 0\/2 nodes are available: 2 Insufficient nvidia\.com\/gpu\./,
    )
    await nothingLeft(job.jobId)
  }, 60_000)

  it('an image pull that fails with 429 and then succeeds runs the job', async () => {
    const image = 'node:20'
    double.faults.failImagePull(image, {
      times: 2,
      message: 'toomanyrequests: You have reached your pull rate limit.',
    })
    const job = await runToFinish(nodeJob("require('fs').writeFileSync('/data/outputs/a.txt', 'a')"))
    expect(job.outcome?.kind).toBe('succeeded')
    expect(statuses(job.jobId)).toEqual([1, 0, 10, 20, 30, 40, 60, 70])
    await nothingLeft(job.jobId)
  }, 60_000)

  it('a pull that keeps failing is final after the back-off window and names the algorithm’s image', async () => {
    const job = await runToFinish(nodeJob('console.log(1)', { image: 'registry.example/missing' }))
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 11 })
    expect(job.outcome?.reason).toMatch(
      /^the algorithm image registry\.example\/missing:20 cannot be pulled: /,
    )
    await nothingLeft(job.jobId)
  }, 60_000)

  it('a failed pull of the console’s own image names that image and the fix, not the algorithm’s', async () => {
    const own = DEFAULT_MANIFEST_OPTIONS.images.configure
    double.faults.failImagePull(own)
    try {
      const job = await runToFinish(nodeJob('console.log(1)'))
      // The algorithm's image was pulled (20); the console's own container cannot be created: 22.
      expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 22 })
      expect(job.outcome?.reason).toContain(`the console's own configure image ${own} cannot be pulled`)
      expect(job.outcome?.reason).toContain('driver.images.configure')
      expect(job.outcome?.reason).not.toContain('algorithm image')
      await nothingLeft(job.jobId)
    } finally {
      double.faults.failImagePull(own, { times: 0 })
    }
  }, 60_000)

  it('an evicted algorithm has its log saved and its outputs published, with the eviction as reason', async () => {
    const code = [
      "require('fs').writeFileSync('/data/outputs/partial.txt', 'so far')",
      "console.log('written')",
      'setInterval(() => {}, 1000)',
    ].join('\n')
    let jobId = ''
    const message = 'Usage of EmptyDir volume "tmp" exceeds the limit "256Mi". '
    const job = await runToFinish(nodeJob(code), (j, to) => {
      jobId = j.jobId
      if (to === 40)
        void eventually(() => {
          try {
            return readFileSync(join(j.spec.jobDir, 'results', 'algorithm.log'), 'utf8').includes('written')
          } catch {
            return false
          }
        }).then(() => double.faults.evict(NAMESPACE, objectNames(jobId).pod('algorithm'), message))
    })
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 41 })
    expect(job.outcome?.reason).toContain(`evicted by the cluster: ${message}`)
    expect(job.outcome?.reason).toContain('driver.tmpSizeLimit')
    expect(resultText(job, 'algorithmLog')).toContain('written')
    expect(job.results.map((r) => r.type)).toContain('output')
    await nothingLeft(job.jobId)
  }, 60_000)

  it('counts the algorithm’s time from its container’s start, not from the pod’s StartTime before a slow pull', async () => {
    // maxJobDuration 3 s; the pull takes 2 s (under the pending timeout) and the algorithm 2 s.
    // Timed from the pod's StartTime (before the fix, activeDeadlineSeconds = maxJobDuration) it
    // was killed 3 s after scheduling, 1 s into its run.
    const image = 'node:21'
    double.faults.slowPull(image, 2_000)
    const input = nodeJob(
      "setTimeout(() => require('fs').writeFileSync('/data/outputs/done.txt', 'ok'), 2000)",
      { maxJobDurationSec: 3 },
    )
    input.spec.algorithm.container = { entrypoint: 'node $ALGO', image: 'node', tag: '21' }
    const job = await runToFinish(input)
    expect(job.outcome).toEqual({ kind: 'succeeded' })
    expect(job.results.map((r) => r.type)).toContain('output')
    await nothingLeft(job.jobId)
  }, 60_000)

  it('an algorithm past maxJobDuration (from its start) is ended by the driver: 41, outputs published', async () => {
    const code = [
      "require('fs').writeFileSync('/data/outputs/partial.txt', 'so far')",
      'setInterval(() => {}, 1000)',
    ].join('\n')
    const job = await runToFinish(nodeJob(code, { maxJobDurationSec: 2 }))
    expect(job.outcome).toMatchObject({ kind: 'failed', failureStatus: 41 })
    expect(job.outcome?.reason).toContain('exceeded maxJobDuration of 2 s')
    expect(job.results.map((r) => r.type)).toContain('output')
    await nothingLeft(job.jobId)
  }, 60_000)

  it('a stop during configure ends the job as stopped, not as a provisioning failure', async () => {
    const input = nodeJob('console.log(1)')
    input.spec.datasets = [
      { did: 'did:op:hanging', ddo: {}, files: [{ type: 'url', url: hangingUrl, method: 'GET' }] },
    ]
    let jobId = ''
    const job = await runToFinish(input, (j, to) => {
      jobId = j.jobId
      if (to === 30)
        void eventually(() => podPhase(jobId, 'configure') === 'Running').then(() =>
          core.operatorService.stopJob(jobId),
        )
    })
    expect(job.outcome?.kind).toBe('stopped')
    expect(statuses(job.jobId)).not.toContain(31)
    expect(resultText(job, 'publishLog')).toContain('stopped during configuration')
    await nothingLeft(job.jobId)
  }, 60_000)
})
