/**
 * Issue 16: "Unschedulable and ContainerCreating states are pending with a per-step timeout from
 * the environment". Two environments on one cluster (the API double), one with a short
 * `pendingTimeoutSec`, the other on the driver's (long) default: both jobs ask for more GPUs than
 * any node has. The short one fails with the scheduler's Event; the other still waits. Before the
 * fix the driver's one timeout applied to both, so neither failed.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCore, type Core } from '../index'
import type { ComputeEnvironmentConfig, ConsoleConfig } from '../config/schema'
import { objectNames } from '../operator-engine/drivers/kubernetes/manifests'
import { jobEnvironment } from '../provider/compute-plan'
import { jobCoreConfig } from './job-core-config'
import { rawCodeJobInput, runJobToFinish } from './job-inputs'
import { driverAgainst, expectNothingLeft } from './kubernetes-api-double/driver-against'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-pending-timeout'
let double: KubernetesApiDouble
let core: Core
let config: ConsoleConfig
let dataDir: string

const size = {
  cpu: { total: 4, max: 4, min: 1 },
  ramGb: { total: 4, max: 4, min: 0 },
  diskGb: { total: 1, max: 1, min: 0 },
}

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  dataDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-pending-timeout-'))
  // The driver's own timeout: far beyond this test.
  const driver = driverAgainst(double, NAMESPACE, { pendingTimeoutMs: 10 * 60_000 })
  config = jobCoreConfig(dataDir, {
    overrides: {
      environments: [
        { id: 'gpu-short', ...size, maxJobs: 2, free: {}, pendingTimeoutSec: 2 },
        { id: 'gpu-patient', ...size, maxJobs: 2, free: {} },
      ],
    },
  })
  core = await startCore(config, { listenConsole: false, driver })
})
afterAll(async () => {
  await core?.stop()
  await double?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

/** A job of the environment, its spec's environment as the compute plan builds it. */
function gpuJob(environmentId: string) {
  const env = config.environments!.find((e) => e.id === environmentId) as ComputeEnvironmentConfig
  const input = rawCodeJobInput({ code: 'console.log(1)', environmentId, maxJobDurationSec: 30 })
  input.spec.algorithm.container = { entrypoint: 'node $ALGO', image: 'node', tag: '20' }
  input.spec.resources = { ...input.spec.resources, gpu: 8 }
  input.spec.environment = jobEnvironment(env, false)
  return input
}

const podConditions = (jobId: string) =>
  double.store.get('pods', NAMESPACE, objectNames(jobId).pod('algorithm'))?.status as
    { phase?: string; conditions?: Array<{ reason?: string }> } | undefined

describe('per-environment pending timeout', () => {
  it('fails the short environment’s unschedulable job with the Event, while the other still waits', async () => {
    expect(config.environments!.map((e) => e.pendingTimeoutSec)).toEqual([2, undefined])
    const patient = core.operatorService.registerJob(gpuJob('gpu-patient'))
    const short = await runJobToFinish(core.operatorService, gpuJob('gpu-short'))
    expect(short.outcome).toMatchObject({ kind: 'failed', failureStatus: 32 })
    expect(short.outcome?.reason).toMatch(
      /^the algorithm pod was still waiting after \d+ s: FailedScheduling: 0\/\d+ nodes are available: \d+ Insufficient nvidia\.com\/gpu\./,
    )
    await expectNothingLeft(double, NAMESPACE, short.jobId)

    // The patient job's algorithm pod is still there, unschedulable, and the job not finished.
    const pod = podConditions(patient.jobId)
    expect(pod?.phase).toBe('Pending')
    expect(pod?.conditions?.some((c) => c.reason === 'Unschedulable')).toBe(true)
    expect(core.operatorService.getJob(patient.jobId)?.status).toBe(30)
    const stopped = await core.operatorService.stopJob(patient.jobId)
    expect(stopped.jobId).toBe(patient.jobId)
    await expectNothingLeft(double, NAMESPACE, patient.jobId)
  }, 60_000)
})
