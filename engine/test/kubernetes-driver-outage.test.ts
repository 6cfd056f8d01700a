/**
 * The API server unreachable at the wrong moments. A job's pod deleted during the outage: the
 * re-list afterwards does not contain it and no DELETED event will ever come, so the driver must
 * notice the absence itself and report `lost` instead of waiting forever. A cleanup asked for
 * during an outage: retried until it gets through, so nothing of the job is orphaned.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock, type Clock } from '../clock'
import type { JobSpec, Observation } from '../operator-engine/driver'
import { runEgressCanary } from '../operator-engine/drivers/kubernetes/health'
import { EGRESS_CANARY, objectNames, selectorOf } from '../operator-engine/drivers/kubernetes/manifests'
import { rawCodeJobInput } from './job-inputs'
import { driverAgainst } from './kubernetes-api-double/driver-against'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-outage'
let double: KubernetesApiDouble
let workDir: string

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  workDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-outage-'))
})
afterAll(async () => {
  await double?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

/** Resolves with the first observation of `kind` (or fails the test after ~10 s, naming what came). */
function waitFor(seen: Observation[], kind: Observation['kind']): Promise<Observation> {
  return new Promise((resolve, reject) => {
    let tries = 0
    const check = () => {
      const found = seen.find((o) => o.kind === kind)
      if (found) return resolve(found)
      if (++tries > 200) return reject(new Error(`no ${kind}; saw ${seen.map((o) => o.kind).join(', ')}`))
      setTimeout(check, 50)
    }
    check()
  })
}

describe('a pod deleted during an API outage', () => {
  it('is reported lost after the re-list, and cleanup leaves nothing', async () => {
    const jobId = 'deleted-during-outage'
    const input = rawCodeJobInput({
      code: "setInterval(() => console.log('tick'), 100)",
      maxJobDurationSec: 60,
    })
    const spec: JobSpec = { ...input.spec, jobId, jobDir: join(workDir, jobId) }
    const driver = driverAgainst(double, NAMESPACE)
    const seen: Observation[] = []
    await driver.start(spec, (_id, o) => seen.push(o))
    await waitFor(seen, 'algorithm-started')

    double.faults.setUnreachable(true)
    const pod = objectNames(jobId).pod('algorithm')
    double.store.delete('pods', NAMESPACE, pod)
    double.kubelet.podDeleted(NAMESPACE, pod)
    await new Promise((r) => setTimeout(r, 300))
    double.faults.setUnreachable(false)

    const lost = await waitFor(seen, 'lost')
    expect(lost).toMatchObject({ kind: 'lost', reason: expect.stringContaining('algorithm pod was deleted') })
    expect(seen.map((o) => o.kind)).not.toContain('container-exited')

    await driver.cleanup(jobId)
    await driver.close()
    expect(double.objects(selectorOf(jobId), NAMESPACE)).toEqual([])
  }, 30_000)

  it('a cleanup asked for while the API server is unreachable is retried until nothing is left', async () => {
    const jobId = 'cleanup-during-outage'
    const input = rawCodeJobInput({ code: "console.log('done')", maxJobDurationSec: 30 })
    const spec: JobSpec = { ...input.spec, jobId, jobDir: join(workDir, jobId) }
    const driver = driverAgainst(double, NAMESPACE)
    const seen: Observation[] = []
    await driver.start(spec, (_id, o) => seen.push(o))
    await waitFor(seen, 'outputs-collected')

    double.faults.setUnreachable(true)
    await driver.cleanup(jobId) // resolves: the deletion is in hand, not given up
    expect(double.objects(selectorOf(jobId), NAMESPACE).length).toBeGreaterThan(0)
    double.faults.setUnreachable(false)

    for (let i = 0; i < 100 && double.objects(selectorOf(jobId), NAMESPACE).length > 0; i++)
      await new Promise((r) => setTimeout(r, 50))
    expect(double.objects(selectorOf(jobId), NAMESPACE)).toEqual([])
    await driver.close()
  }, 30_000)

  it('a cleanup answered 503, 500 and 429 (deletecollection) is retried, after the Retry-After it was given', async () => {
    const jobId = 'cleanup-throttled'
    const input = rawCodeJobInput({ code: "console.log('done')", maxJobDurationSec: 30 })
    const spec: JobSpec = { ...input.spec, jobId, jobDir: join(workDir, jobId) }
    // Real time, but every delay the driver asks for is recorded, and none lasts over 50 ms.
    const delays: number[] = []
    const clock: Clock = {
      nowMs: () => systemClock.nowMs(),
      setTimer(callback, delayMs) {
        delays.push(delayMs)
        // Backoffs and Retry-After are shortened; the job's own long timers (its deadline from the
        // algorithm's start, the pending timeout) keep their real length.
        return systemClock.setTimer(callback, delayMs >= 20_000 ? delayMs : Math.min(delayMs, 50))
      },
      sleep: (delayMs) => systemClock.sleep(Math.min(delayMs, 50)),
    }
    const driver = driverAgainst(double, NAMESPACE, { clock })
    const seen: Observation[] = []
    await driver.start(spec, (_id, o) => seen.push(o))
    await waitFor(seen, 'outputs-collected')

    delays.length = 0
    double.faults.failRequests('deletecollection pods', { status: 503, times: 1 })
    double.faults.failRequests('deletecollection persistentvolumeclaims', { status: 500, times: 1 })
    double.faults.failRequests('deletecollection secrets', { status: 429, times: 1, retryAfterSec: 7 })
    await driver.cleanup(jobId) // resolves: the deletion is in hand, not given up

    // The Secret went when configure ended, so the objects may be gone before the secrets'
    // deletecollection meets its 429: wait for that retry too.
    for (
      let i = 0;
      i < 100 && (double.objects(selectorOf(jobId), NAMESPACE).length > 0 || !delays.includes(7000));
      i++
    )
      await new Promise((r) => setTimeout(r, 50))
    expect(double.objects(selectorOf(jobId), NAMESPACE)).toEqual([])
    // 503 and 500 without Retry-After: the backoff (100, then doubled); the 429 said 7 s.
    expect(delays.filter((d) => d !== 2000 && d < 20_000)).toEqual([100, 200, 7000])
    await driver.close()
  }, 30_000)
})

describe('quota and LimitRange refusals (403)', () => {
  const fastClock: Clock = {
    nowMs: () => systemClock.nowMs(),
    setTimer: (callback, delayMs) =>
      systemClock.setTimer(callback, delayMs >= 20_000 ? delayMs : Math.min(delayMs, 50)),
    sleep: (delayMs) => systemClock.sleep(Math.min(delayMs, 50)),
  }
  const newDriver = () => driverAgainst(double, NAMESPACE, { clock: fastClock })

  it('a full ResourceQuota is retried with backoff while it lasts, and the job then runs', async () => {
    const jobId = 'quota-full-for-now'
    const spec: JobSpec = {
      ...rawCodeJobInput({ code: "console.log('done')", maxJobDurationSec: 30 }).spec,
      jobId,
      jobDir: join(workDir, jobId),
    }
    const driver = newDriver()
    // Health first: its egress canary (a pod too) proves the policy before the quota fills up.
    expect((await driver.health()).ok).toBe(true)
    double.faults.failRequests('create pods', {
      status: 403,
      times: 2,
      message: `pods "c2d-${jobId}-configure" is forbidden: exceeded quota: compute, requested: limits.cpu=500m, used: limits.cpu=2, limited: limits.cpu=2`,
    })
    const seen: Observation[] = []
    await driver.start(spec, (_id, o) => seen.push(o))
    await waitFor(seen, 'outputs-collected')
    expect(seen.map((o) => o.kind)).toContain('algorithm-started')
    expect(seen.map((o) => o.kind)).not.toContain('container-create-failed')
    await driver.cleanup(jobId)
    await driver.close()
  }, 30_000)

  it('a LimitRange refusal is final at once, reported with the API message as a create failure', async () => {
    const jobId = 'limitrange-refused'
    const spec: JobSpec = {
      ...rawCodeJobInput({ code: "console.log('done')", maxJobDurationSec: 30 }).spec,
      jobId,
      jobDir: join(workDir, jobId),
    }
    const message = `pods "c2d-${jobId}-configure" is forbidden: maximum cpu usage per Container is 200m, but limit is 500m`
    const driver = newDriver()
    expect((await driver.health()).ok).toBe(true)
    double.faults.failRequests('create pods', { status: 403, times: 1, message })
    const seen: Observation[] = []
    await driver.start(spec, (_id, o) => seen.push(o))
    const failure = (await waitFor(seen, 'container-create-failed')) as { reason: string }
    expect(failure.reason).toBe(`the cluster refused the job's objects: HTTP 403: ${message}`)
    await driver.cleanup(jobId)
    await driver.close()
    expect(double.objects(selectorOf(jobId), NAMESPACE)).toEqual([])
  }, 30_000)
})

describe('single deletes answered 429 or 5xx', () => {
  /** Real time, but every sleep the driver asks for is recorded and lasts at most 50 ms. */
  const recordingClock = (sleeps: number[]): Clock => ({
    nowMs: () => systemClock.nowMs(),
    setTimer: (callback, delayMs) =>
      systemClock.setTimer(callback, delayMs >= 20_000 ? delayMs : Math.min(delayMs, 50)),
    sleep: (delayMs) => {
      sleeps.push(delayMs)
      return systemClock.sleep(Math.min(delayMs, 50))
    },
  })

  it('a stop whose pod delete is answered 503 twice is retried with backoff, and the job ends stopped', async () => {
    const jobId = 'stop-throttled'
    const input = rawCodeJobInput({
      code: "setInterval(() => console.log('tick'), 100)",
      maxJobDurationSec: 60,
    })
    const spec: JobSpec = { ...input.spec, jobId, jobDir: join(workDir, jobId) }
    const sleeps: number[] = []
    const driver = driverAgainst(double, NAMESPACE, { clock: recordingClock(sleeps) })
    const seen: Observation[] = []
    await driver.start(spec, (_id, o) => seen.push(o))
    await waitFor(seen, 'algorithm-started')

    sleeps.length = 0
    double.faults.failRequests('delete pods', { status: 503, times: 2 })
    await driver.stop(jobId) // resolves: it did not give up on a 503
    // No Retry-After on a 503: the backoff (100 ms, doubled).
    expect(sleeps).toEqual([100, 200])
    // SIGTERM from the stop's graceful delete ended it (the Operator-Service records it as stopped).
    expect(await waitFor(seen, 'container-exited')).toMatchObject({ exitCode: 143 })
    await waitFor(seen, 'outputs-collected')
    await driver.cleanup(jobId)
    await driver.close()
    await expectGone(jobId)
  }, 30_000)

  it('the inputs Secret delete after configure, answered 429, is retried after its Retry-After: gone before the algorithm runs', async () => {
    const jobId = 'secret-delete-throttled'
    const input = rawCodeJobInput({ code: "console.log('done')", maxJobDurationSec: 30 })
    const spec: JobSpec = { ...input.spec, jobId, jobDir: join(workDir, jobId) }
    const sleeps: number[] = []
    const driver = driverAgainst(double, NAMESPACE, { clock: recordingClock(sleeps) })
    double.faults.failRequests('delete secrets', { status: 429, times: 1, retryAfterSec: 2 })
    const seen: Observation[] = []
    await driver.start(spec, (_id, o) => seen.push(o))
    await waitFor(seen, 'algorithm-started')
    expect(double.store.get('secrets', NAMESPACE, objectNames(jobId).secret)).toBeUndefined()
    expect(sleeps).toContain(2000)
    await waitFor(seen, 'outputs-collected')
    await driver.cleanup(jobId)
    await driver.close()
    await expectGone(jobId)
  }, 30_000)
})

describe("the egress canary's deletes answered 429 or 5xx", () => {
  it('are tried again (after the Retry-After): no canary pod or policy is left, though no sweep would find them', async () => {
    const sleeps: number[] = []
    double.faults.failRequests('delete pods', { status: 429, times: 1, retryAfterSec: 2 })
    double.faults.failRequests('delete networkpolicies', { status: 503, times: 2 })
    const proof = await runEgressCanary(double.kubeConfig(NAMESPACE), NAMESPACE, {
      pollMs: 50,
      sleep: (ms) => {
        sleeps.push(ms)
        return new Promise((r) => setTimeout(r, Math.min(ms, 50)))
      },
    })
    expect(proof.outcome).toBe('blocked')
    const canaries = (resource: string) =>
      double.store.list(resource, NAMESPACE).filter((o) => o.metadata.labels?.[EGRESS_CANARY.label])
    expect(canaries('pods')).toEqual([])
    expect(canaries('networkpolicies')).toEqual([])
    // The pod's 429 said 2 s; the policy's two 503s waited 0.5 s and 1 s.
    expect(sleeps.filter((ms) => ms !== 50)).toEqual([2000, 500, 1000])
  }, 30_000)
})

async function expectGone(jobId: string): Promise<void> {
  for (let i = 0; i < 100 && double.objects(selectorOf(jobId), NAMESPACE).length > 0; i++)
    await new Promise((r) => setTimeout(r, 50))
  expect(double.objects(selectorOf(jobId), NAMESPACE)).toEqual([])
}
