/**
 * The driver's pod watch on a quiet namespace. client-node 2.x aborts a watch that received
 * nothing for its request timeout (30 s by default; real API servers send bookmarks about once a
 * minute). Such an end is no failure: the driver must resume at once from its resourceVersion,
 * without a warning, a backoff or a re-list. The double here sends no bookmarks at all.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../clock'
import { MemoryLogger } from '../logging'
import type { Observation } from '../operator-engine/driver'
import { KubernetesDriver } from '../operator-engine/drivers/kubernetes/kubernetes-driver'
import { rawCodeJobInput } from './job-inputs'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-watch'
let double: KubernetesApiDouble
let workDir: string

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE], bookmarkIntervalMs: 3_600_000 })
  workDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-watch-'))
})
afterAll(async () => {
  await double?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

describe('a watch on a quiet namespace', () => {
  it('resumes from its resourceVersion after each idle abort: no warning, no re-list', async () => {
    const logger = new MemoryLogger()
    const driver = new KubernetesDriver({
      logger,
      clock: systemClock,
      kubeConfig: double.kubeConfig(NAMESPACE),
      namespace: NAMESPACE,
      watchIdleTimeoutMs: 150,
    })
    // Resuming a job that has no pods starts the watch (list + watch) and reports it lost.
    const jobId = 'quiet-watch'
    const seen: Observation[] = []
    await driver.resume(
      { ...rawCodeJobInput({ code: '', maxJobDurationSec: 30 }).spec, jobId, jobDir: join(workDir, jobId) },
      (_id, o) => seen.push(o),
    )
    expect(seen.map((o) => o.kind)).toContain('lost')
    const listsAfterStart = double.requests.get('list pods') ?? 0
    const watchesAfterStart = double.requests.get('watch pods') ?? 0

    // Several idle timeouts' worth of silence.
    for (let i = 0; i < 100 && (double.requests.get('watch pods') ?? 0) < watchesAfterStart + 4; i++)
      await new Promise((r) => setTimeout(r, 50))
    await driver.close()

    expect(double.requests.get('watch pods') ?? 0).toBeGreaterThanOrEqual(watchesAfterStart + 4)
    expect(double.requests.get('list pods')).toBe(listsAfterStart)
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([])
  }, 30_000)
})
