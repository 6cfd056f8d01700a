/**
 * ResourceQuota and LimitRange refusals, as the API double's admission applies them from real
 * objects in the namespace (namespace-admission.ts), on every object a job creates: the Secret,
 * the PVC, and the configure, algorithm and publish pods. A full quota ("exceeded quota") may pass
 * when other pods end: retried with backoff, for up to createRetryMaxMs. A LimitRange maximum is
 * final at once. Either way the job fails with the API's own message, at the status of the step it
 * reached (before: a refusal of the algorithm or publish pod ended as "results failed: internal error").
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock, type Clock } from '../clock'
import type { JobSpec, Observation } from '../operator-engine/driver'
import { objectNames } from '../operator-engine/drivers/kubernetes/manifests'
import { rawCodeJobInput } from './job-inputs'
import { driverAgainst, expectNothingLeft } from './kubernetes-api-double/driver-against'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

let double: KubernetesApiDouble
let workDir: string
const NAMESPACES = ['quota-algo', 'quota-full', 'quota-secret', 'quota-pvc', 'quota-publish', 'no-answer']

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: NAMESPACES })
  workDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-quota-'))
})
afterAll(async () => {
  await double?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

/** Real time, but backoffs are at most 50 ms (the job's own long timers keep their length). */
const fastClock: Clock = {
  nowMs: () => systemClock.nowMs(),
  setTimer: (callback, delayMs) =>
    systemClock.setTimer(callback, delayMs >= 20_000 ? delayMs : Math.min(delayMs, 50)),
  sleep: (delayMs) => systemClock.sleep(Math.min(delayMs, 50)),
}

function waitFor(seen: Observation[], kind: Observation['kind'], tries = 300): Promise<Observation> {
  return new Promise((resolve, reject) => {
    let n = 0
    const check = () => {
      const found = seen.find((o) => o.kind === kind)
      if (found) return resolve(found)
      if (++n > tries) return reject(new Error(`no ${kind}; saw ${seen.map((o) => o.kind).join(', ')}`))
      setTimeout(check, 50)
    }
    check()
  })
}

const specOf = (jobId: string, extra: Partial<JobSpec> = {}): JobSpec => ({
  ...rawCodeJobInput({ code: "require('fs').writeFileSync('/data/outputs/x', 'y')", maxJobDurationSec: 30 })
    .spec,
  jobId,
  jobDir: join(workDir, jobId),
  ...extra,
})

const limitRange = (namespace: string, limits: unknown[]) =>
  double.store.create('limitranges', namespace, {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'limits' },
    spec: { limits },
  })

const quota = (namespace: string, hard: Record<string, string>) =>
  double.store.create('resourcequotas', namespace, {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'compute' },
    spec: { hard },
  })

const kinds = (seen: Observation[]) => seen.map((o) => o.kind)

describe('LimitRange and ResourceQuota refusals on each object of a job', () => {
  it('a LimitRange maximum that only the algorithm pod passes is final: 32 with the API message', async () => {
    const ns = 'quota-algo'
    // The helper pods' 500m fits; the algorithm's 1 cpu does not.
    limitRange(ns, [{ type: 'Container', max: { cpu: '800m' } }])
    const jobId = 'limit-algorithm'
    const driver = driverAgainst(double, ns, { clock: fastClock })
    const seen: Observation[] = []
    await driver.start(specOf(jobId), (_id, o) => seen.push(o))
    const failure = (await waitFor(seen, 'algorithm-provisioning-failed')) as { reason: string }
    expect(failure.reason).toBe(
      `the cluster refused the algorithm pod: HTTP 403: pods "${objectNames(jobId).pod('algorithm')}" is forbidden: maximum cpu usage per Container is 800m, but limit is 1`,
    )
    await waitFor(seen, 'outputs-collected')
    expect(kinds(seen)).not.toContain('results-failed')
    await driver.cleanup(jobId)
    await driver.close()
    await expectNothingLeft(double, ns, jobId)
  }, 30_000)

  it('a ResourceQuota full for now is retried with backoff, and the job runs once a pod ends', async () => {
    const ns = 'quota-full'
    const driver = driverAgainst(double, ns, { clock: fastClock })
    // The egress canary proves the policy while the quota still has room (it is a pod too).
    expect((await driver.health()).ok).toBe(true)
    quota(ns, { pods: '1' })
    const blocker = double.store.create('pods', ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'someone-elses-pod' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
      status: { phase: 'Running' },
    })
    const jobId = 'quota-full-for-now'
    const seen: Observation[] = []
    const creates = () => double.requests.get('create pods') ?? 0
    const before = creates()
    // start() retries the configure pod's create; free the quota after a few refusals.
    const started = driver.start(specOf(jobId), (_id, o) => seen.push(o))
    for (let i = 0; i < 200 && creates() < before + 3; i++) await new Promise((r) => setTimeout(r, 20))
    expect(creates()).toBeGreaterThanOrEqual(before + 3)
    expect(double.store.get('pods', ns, objectNames(jobId).pod('configure'))).toBeUndefined()
    double.store.delete('pods', ns, blocker.metadata.name)
    await started
    await waitFor(seen, 'outputs-collected')
    expect(kinds(seen)).toContain('algorithm-started')
    expect(kinds(seen)).not.toContain('container-create-failed')
    await driver.cleanup(jobId)
    await driver.close()
    await expectNothingLeft(double, ns, jobId)
  }, 30_000)

  it('a Secret over a quota (count/secrets) is retried for createRetryMaxMs, then final with the API message', async () => {
    const ns = 'quota-secret'
    quota(ns, { 'count/secrets': '0' })
    const jobId = 'quota-secrets'
    const driver = driverAgainst(double, ns, { clock: fastClock, createRetryMaxMs: 400 })
    const creates = () => double.requests.get('create secrets') ?? 0
    const before = creates()
    const seen: Observation[] = []
    await driver.start(specOf(jobId, { environment: { id: 'net', allowNetwork: true } }), (_id, o) =>
      seen.push(o),
    )
    const failure = (await waitFor(seen, 'container-create-failed')) as { reason: string }
    expect(failure.reason).toBe(
      `the cluster refused the job's objects: HTTP 403: secrets "${objectNames(jobId).secret}" is forbidden: exceeded quota: compute, requested: count/secrets=1, used: count/secrets=0, limited: count/secrets=0`,
    )
    expect(creates() - before).toBeGreaterThan(1)
    await driver.cleanup(jobId)
    await driver.close()
    await expectNothingLeft(double, ns, jobId)
  }, 30_000)

  it('a LimitRange maximum on claims refuses the PVC at once: 22 with the API message, nothing left', async () => {
    const ns = 'quota-pvc'
    limitRange(ns, [{ type: 'PersistentVolumeClaim', max: { storage: '1Gi' } }])
    const jobId = 'limit-pvc'
    const driver = driverAgainst(double, ns, { clock: fastClock })
    const seen: Observation[] = []
    const spec = specOf(jobId, { environment: { id: 'net', allowNetwork: true } })
    await driver.start({ ...spec, resources: { ...spec.resources, diskGb: 2 } }, (_id, o) => seen.push(o))
    const failure = (await waitFor(seen, 'container-create-failed')) as { reason: string }
    expect(failure.reason).toBe(
      `the cluster refused the job's objects: HTTP 403: persistentvolumeclaims "${objectNames(jobId).pvc}" is forbidden: maximum storage usage per PersistentVolumeClaim is 1Gi, but request is 2Gi`,
    )
    await driver.cleanup(jobId)
    await driver.close()
    await expectNothingLeft(double, ns, jobId)
  }, 30_000)

  it('a LimitRange that arrives while the algorithm runs refuses the publish pod: 61 with the API message', async () => {
    const ns = 'quota-publish'
    const jobId = 'limit-publish'
    const driver = driverAgainst(double, ns, { clock: fastClock })
    const seen: Observation[] = []
    const spec = specOf(jobId, { environment: { id: 'net', allowNetwork: true } })
    await driver.start(
      {
        ...spec,
        algorithm: {
          ...spec.algorithm,
          source: { type: 'rawcode', code: 'setTimeout(() => {}, 400)' },
        },
      },
      (_id, o) => seen.push(o),
    )
    await waitFor(seen, 'algorithm-started')
    limitRange(ns, [{ type: 'Container', max: { memory: '200Mi' } }])
    const failure = (await waitFor(seen, 'results-failed')) as { reason: string }
    expect(failure.reason).toBe(
      `the cluster refused the publish pod: HTTP 403: pods "${objectNames(jobId).pod('publish')}" is forbidden: maximum memory usage per Container is 200Mi, but limit is 256Mi`,
    )
    expect(kinds(seen)).toContain('container-exited')
    await driver.cleanup(jobId)
    await driver.close()
    await expectNothingLeft(double, ns, jobId)
  }, 30_000)

  it('a create that gets no answer (the connection dropped) is retried like a full quota, and the job runs', async () => {
    const ns = 'no-answer'
    const jobId = 'create-no-answer'
    const driver = driverAgainst(double, ns, { clock: fastClock })
    double.faults.failRequests('create pods', { status: 0, times: 2 })
    const seen: Observation[] = []
    await driver.start(specOf(jobId, { environment: { id: 'net', allowNetwork: true } }), (_id, o) =>
      seen.push(o),
    )
    await waitFor(seen, 'outputs-collected')
    expect(kinds(seen)).not.toContain('container-create-failed')
    await driver.cleanup(jobId)
    await driver.close()
    await expectNothingLeft(double, ns, jobId)
  }, 30_000)
})
