/**
 * Kubernetes suite: the real KubernetesDriver under the real Operator-Service, against the in-repo
 * API double (its simulated kubelet runs pods in bubblewrap).
 *  - Kubernetes API requests per job (counted by the double, by verb and resource);
 *  - the console's own overhead per job: registered → 70 minus the simulated pod time (each step
 *    pod's creation → its container's end, as the double reported them), beside that pod time.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { systemClock } from '../engine/clock'
import { silentLogger } from '../engine/logging'
import { KubernetesDriver } from '../engine/operator-engine/drivers/kubernetes/kubernetes-driver'
import { LABELS } from '../engine/operator-engine/drivers/kubernetes/manifests'
import { Environments, defaultEnvironment } from '../engine/operator-service/environments'
import { SqliteOperatorService } from '../engine/operator-service/operator-service'
import { openDatabase } from '../engine/store/database'
import { rawCodeJobInput } from '../engine/test/job-inputs'
import { startKubernetesApiDouble } from '../engine/test/kubernetes-api-double/api-server'
import type { BenchRow } from './bench-row'

const SUITE = 'kubernetes'
const NAMESPACE = 'bench'
const JOBS = 8
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export default async function kubernetesBench(): Promise<BenchRow[]> {
  const double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-k8s-'))
  const db = openDatabase({ file: join(dataDir, 'console.db') })
  const environments = new Environments(db)
  environments.seed([{ ...defaultEnvironment(undefined), maxJobs: 1 }])
  const driver = new KubernetesDriver({
    logger: silentLogger,
    clock: systemClock,
    kubeConfig: double.kubeConfig(NAMESPACE),
    namespace: NAMESPACE,
  })
  const service = new SqliteOperatorService({
    db,
    driver,
    environments,
    dataDir,
    logger: silentLogger,
    clock: systemClock,
  })
  await service.start()

  // Simulated pod time: from a step pod's creation to its container's end (configure, algorithm).
  const podStart = new Map<string, number>()
  const podTime = new Map<string, number>()
  const off = double.store.subscribe((e) => {
    if (e.resource !== 'pods') return
    const name = e.object.metadata.name
    const jobKey = e.object.metadata.labels?.[LABELS.jobId] ?? ''
    const step = e.object.metadata.labels?.[LABELS.step]
    if (e.type === 'ADDED') podStart.set(name, performance.now())
    const statuses =
      (e.object.status as { containerStatuses?: Array<{ state?: { terminated?: unknown } }> } | undefined)
        ?.containerStatuses ?? []
    if (step !== 'publish' && statuses.some((s) => s.state?.terminated) && podStart.has(name)) {
      podTime.set(jobKey, (podTime.get(jobKey) ?? 0) + (performance.now() - podStart.get(name)!))
      podStart.delete(name)
    }
  })

  const runJob = () =>
    new Promise<{ jobId: string; wallMs: number }>((resolve, reject) => {
      const t0 = performance.now()
      let jobId = ''
      const stop = service.onDidChangeJob((c) => {
        if (c.job.jobId !== jobId || c.to !== 70) return
        stop()
        if (c.job.outcome?.kind !== 'succeeded')
          reject(new Error(`bench job failed: ${c.job.outcome?.reason ?? '?'}`))
        else resolve({ jobId, wallMs: performance.now() - t0 })
      })
      jobId = service.registerJob(
        rawCodeJobInput({
          code: "require('fs').writeFileSync('/data/outputs/x', 'y')",
          owner: '0x00000000000000000000000000000000000000b2',
          maxJobDurationSec: 60,
        }),
      ).jobId
    })

  try {
    await runJob() // warm-up (first watch, first sandbox)
    const requestsPerJob: number[] = []
    const overheads: number[] = []
    const pods: number[] = []
    let breakdown = new Map<string, number>()
    for (let i = 0; i < JOBS; i++) {
      const before = new Map(double.requests)
      const { jobId, wallMs } = await runJob()
      // Cleanup runs after 70: wait until the job's objects are gone before counting.
      for (let n = 0; n < 200 && double.objects(`${LABELS.jobId}=${jobId}`, NAMESPACE).length > 0; n++)
        await new Promise((r) => setTimeout(r, 10))
      breakdown = new Map([...double.requests].map(([k, v]) => [k, v - (before.get(k) ?? 0)]))
      requestsPerJob.push([...breakdown.values()].reduce((a, b) => a + b, 0))
      const simulated = podTime.get(jobId) ?? 0
      pods.push(simulated)
      overheads.push(wallMs - simulated)
    }
    return [
      {
        suite: SUITE,
        name: `Kubernetes API requests per job (median of ${JOBS})`,
        value: median(requestsPerJob),
        unit: 'requests',
        note: [...breakdown]
          .filter(([, v]) => v > 0)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      },
      {
        suite: SUITE,
        name: `console overhead per job, excluding simulated pod time (median of ${JOBS})`,
        value: median(overheads),
        unit: 'ms',
        baseline: { name: 'simulated pod time per job (configure + algorithm pods)', value: median(pods) },
        note: 'registered → 70 minus the step pods’ creation → container end; includes watch latency, log and exec+tar copy, publish pod',
      },
    ]
  } finally {
    off()
    await service.close()
    await driver.close()
    db.close()
    await double.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
