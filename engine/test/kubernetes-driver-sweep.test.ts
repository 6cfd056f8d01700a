/**
 * Issue 16 (leaks): at start, every labelled object of a job the console does not know is swept.
 * Before, only PVCs with the retention annotation were found, so a job the console forgot (its
 * data dir replaced, a crash between create and commit) or an object whose cleanup never got
 * through (a Secret with dataset URLs and headers) stayed on the cluster for good.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../clock'
import { startCore, type Core } from '../index'
import { MemoryLogger } from '../logging'
import type { JobSpec } from '../operator-engine/driver'
import {
  ANNOTATION_DELETE_AFTER,
  KubernetesDriver,
} from '../operator-engine/drivers/kubernetes/kubernetes-driver'
import { LABELS, selectorOf } from '../operator-engine/drivers/kubernetes/manifests'
import type { JobRecord } from '../operator-service/operator-service'
import { jobCoreConfig } from './job-core-config'
import { rawCodeJobInput } from './job-inputs'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-sweep'
let double: KubernetesApiDouble
let dir: string

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  dir = mkdtempSync(join(tmpdir(), 'c2d-k8s-sweep-'))
})
afterAll(async () => {
  await double?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const driver = () =>
  new KubernetesDriver({
    logger: new MemoryLogger(),
    clock: systemClock,
    kubeConfig: double.kubeConfig(NAMESPACE),
    namespace: NAMESPACE,
    watchRetryMs: 100,
  })
const kinds = (jobKey: string) =>
  double
    .objects(selectorOf(jobKey), NAMESPACE)
    .map((o) => String(o.kind))
    .sort()

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`never: ${what}`)
}

async function until(core: Core, jobId: string, done: (job: JobRecord) => boolean): Promise<JobRecord> {
  for (let i = 0; i < 400; i++) {
    const job = core.operatorService.getJob(jobId)!
    if (done(job)) return job
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`job ${jobId} never got there: ${core.operatorService.getJob(jobId)?.status}`)
}

const labels = (key: string) => ({ [LABELS.managedBy]: 'ocean-c2d-console', [LABELS.jobId]: key })

describe('the start sweep of unknown jobs', () => {
  it('deletes the objects of jobs the console does not know, keeps known and retained ones', async () => {
    const api = double.kubeConfig(NAMESPACE).makeApiClient(CoreV1Api)
    const first = await startCore(jobCoreConfig(dir, { cpu: 2, ramGb: 2, maxJobs: 4 }), {
      listenConsole: false,
      driver: driver(),
    })
    // A job the store knows, running when the console stops.
    const code = "setTimeout(() => { require('fs').writeFileSync('/data/outputs/done.txt', 'ok') }, 1500)"
    const { jobId: known } = first.operatorService.registerJob(
      rawCodeJobInput({ code, maxJobDurationSec: 30 }),
    )
    await until(first, known, (j) => j.status === 40)
    // A job the store never heard of (started by another driver): all its objects are there.
    const ghostDriver = driver()
    const input = rawCodeJobInput({ code: 'setInterval(() => {}, 1000)', maxJobDurationSec: 30 })
    const ghost: JobSpec = { ...input.spec, jobId: 'ghost-job', jobDir: join(dir, 'ghost-job') }
    await ghostDriver.start(ghost, () => undefined)
    await eventually(() => kinds('ghost-job').includes('Pod'), 'the ghost job runs')
    await ghostDriver.close()
    // A Secret whose cleanup never got through, and a retained failed job's PVC.
    await api.createNamespacedSecret({
      namespace: NAMESPACE,
      body: { metadata: { name: 'c2d-orphan-inputs', labels: labels('orphan') }, stringData: { a: 'b' } },
    })
    await api.createNamespacedPersistentVolumeClaim({
      namespace: NAMESPACE,
      body: {
        metadata: {
          name: 'c2d-retained-data',
          labels: labels('retained'),
          annotations: { [ANNOTATION_DELETE_AFTER]: String(Date.now() + 3_600_000) },
        },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    })
    await first.stop()
    expect(kinds('ghost-job')).toEqual(
      expect.arrayContaining(['NetworkPolicy', 'PersistentVolumeClaim', 'Pod']),
    )

    const second = await startCore(jobCoreConfig(dir, { cpu: 2, ramGb: 2, maxJobs: 4 }), {
      listenConsole: false,
      driver: driver(),
    })
    try {
      await eventually(() => kinds('ghost-job').length === 0 && kinds('orphan').length === 0, 'swept')
      expect(kinds('retained')).toEqual(['PersistentVolumeClaim'])
      // The known job was resumed, not swept: it finishes with its outputs.
      const done = await until(second, known, (j) => j.status === 70)
      expect(done.outcome?.kind).toBe('succeeded')
      expect(done.results.map((r) => r.type)).toContain('output')
    } finally {
      await second.stop()
      await api.deleteNamespacedPersistentVolumeClaim({ name: 'c2d-retained-data', namespace: NAMESPACE })
    }
  }, 60_000)
})
