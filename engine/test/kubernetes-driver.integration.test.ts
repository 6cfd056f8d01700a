/**
 * Issue 4's proof: the SAME job story runs through the real core (Operator-Service → driver) on the
 * local sandbox and on Kubernetes (the KubernetesDriver against the in-repo API double, whose
 * simulated kubelet runs the pods' commands in bubblewrap), and both end with the same Ocean status
 * sequence, the same result files and the same outputs. Then nothing of the job stays on the cluster.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { list as listTar } from 'tar'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCore, type Core } from '../index'
import { MemoryLogger } from '../logging'
import { systemClock } from '../clock'
import { KubernetesDriver } from '../operator-engine/drivers/kubernetes/kubernetes-driver'
import { selectorOf } from '../operator-engine/drivers/kubernetes/manifests'
import type { JobRecord, RegisterJobInput } from '../operator-service/operator-service'
import { jobCoreConfig } from './job-core-config'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const ASSETS = resolve(import.meta.dirname, '../../assets')
const DATASET_DID = 'did:op:' + 'a'.repeat(64)
const NAMESPACE = 'c2d-test'

let double: KubernetesApiDouble
const driverLog = new MemoryLogger()
const cores: Core[] = []
const dirs: string[] = []

async function coreWith(kind: 'local' | 'kubernetes'): Promise<Core> {
  const dataDir = mkdtempSync(join(tmpdir(), `c2d-${kind}-story-`))
  dirs.push(dataDir)
  const config = jobCoreConfig(dataDir, { environmentId: 'sandbox', cpu: 2, ramGb: 2, maxJobs: 2 })

  const driver =
    kind === 'kubernetes'
      ? new KubernetesDriver({
          logger: driverLog,
          clock: systemClock,
          kubeConfig: double.kubeConfig(NAMESPACE),
          namespace: NAMESPACE,
        })
      : undefined
  const core = await startCore(config, { listenConsole: false, ...(driver ? { driver } : {}) })
  cores.push(core)
  return core
}

/** The story: the sample Node algorithm (a local file) on the sample dataset (a local file). */
function story(): RegisterJobInput {
  return {
    owner: '0x00000000000000000000000000000000000000c1',
    environmentId: 'sandbox',
    datasets: [{ did: DATASET_DID, serviceId: 'compute' }],
    algorithm: { isRawCode: false },
    spec: {
      environment: { id: 'sandbox', allowNetwork: false },
      datasets: [
        {
          did: DATASET_DID,
          ddo: { id: DATASET_DID },
          files: [{ type: 'local', path: join(ASSETS, 'sample-data/weather.csv') }],
        },
      ],
      algorithm: {
        container: { entrypoint: 'node $ALGO', image: 'node', tag: '20' },
        source: { type: 'local', path: join(ASSETS, 'algorithms/weather-stats.js') },
      },
      resources: { cpu: 1, ramGb: 1, diskGb: 1 },
      maxJobDurationSec: 60,
      limits: { inputFileBytesMax: 10_000_000, outputBytesMax: 10_000_000 },
    },
    maxJobDurationSec: 60,
    resources: [],
    isFree: true,
  }
}

async function runToEnd(core: Core, input: RegisterJobInput): Promise<JobRecord> {
  const job = core.operatorService.registerJob(input)
  for (let i = 0; i < 600; i++) {
    const now = core.operatorService.getJob(job.jobId)!
    if (now.status === 70) return now
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(
    `job ${job.jobId} did not finish: ${JSON.stringify(core.operatorService.jobEvents(job.jobId))} ${JSON.stringify(core.operatorService.getJob(job.jobId)?.outcome)} ${JSON.stringify(driverLog.lines.filter((l) => l.level !== 'info'))}`,
  )
}

async function tarEntries(file: string): Promise<string[]> {
  const entries: string[] = []
  await listTar({ file, onReadEntry: (e) => entries.push(e.path.replace(/^\.\//, '')) })
  return entries.filter((e) => !e.endsWith('/')).sort()
}

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
})
afterAll(async () => {
  for (const core of cores) await core.stop()
  await double?.close()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('one job story on both drivers', () => {
  it('ends with the same statuses, result files and outputs on the local sandbox and on Kubernetes, and leaves nothing on the cluster', async () => {
    const [local, kube] = [await coreWith('local'), await coreWith('kubernetes')]
    const [a, b] = await Promise.all([runToEnd(local, story()), runToEnd(kube, story())])
    const statuses = (core: Core, job: JobRecord) =>
      core.operatorService.jobEvents(job.jobId).map((e) => e.to)
    // The cluster pulls the algorithm's image first (10, Ocean's order); the sandbox has no images.
    expect(statuses(kube, b), JSON.stringify(b.outcome)).toEqual([1, 0, 10, 20, 30, 40, 60, 70])
    expect(statuses(kube, b).filter((s) => s !== 10)).toEqual(statuses(local, a))
    expect(b.outcome).toEqual({ kind: 'succeeded' })
    expect(b.results.map((r) => [r.filename, r.type])).toEqual(a.results.map((r) => [r.filename, r.type]))
    const outputs = (core: Core, job: JobRecord) =>
      core.operatorService.openResult(job.jobId, job.results.find((r) => r.type === 'output')!.index).path
    expect(await tarEntries(outputs(kube, b))).toEqual(await tarEntries(outputs(local, a)))
    const algorithmLog = (core: Core, job: JobRecord) =>
      readFileSync(
        core.operatorService.openResult(job.jobId, job.results.find((r) => r.type === 'algorithmLog')!.index)
          .path,
        'utf8',
      )
    expect(algorithmLog(kube, b)).toContain('done: 400 rows, 4 stations')
    expect(algorithmLog(kube, b)).toBe(algorithmLog(local, a))
    // Cleanup runs after the job ends: every labelled object goes.
    for (let i = 0; i < 100 && double.objects(selectorOf(b.jobId), NAMESPACE).length > 0; i++)
      await new Promise((r) => setTimeout(r, 50))
    expect(double.objects(selectorOf(b.jobId), NAMESPACE)).toEqual([])
  }, 60_000)
})
