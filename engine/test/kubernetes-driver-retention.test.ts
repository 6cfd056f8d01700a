/**
 * A failed job's objects are kept for `failedJobRetentionSec` (for `kubectl describe`) and then
 * deleted — even when the console quits before the retention ends: the deadline lives on the job's
 * PVC, and the next driver deletes what has expired and schedules the rest. Before this, a restart
 * during the retention orphaned the job's Secret, PVC and pods for good.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeClock, systemClock, type Clock } from '../clock'
import { MemoryLogger } from '../logging'
import type { JobSpec, Observation } from '../operator-engine/driver'
import {
  ANNOTATION_DELETE_AFTER,
  KubernetesDriver,
} from '../operator-engine/drivers/kubernetes/kubernetes-driver'
import { selectorOf } from '../operator-engine/drivers/kubernetes/manifests'
import { rawCodeJobInput } from './job-inputs'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-retention'
const RETENTION_SEC = 3600
let double: KubernetesApiDouble
let workDir: string

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  workDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-retention-'))
})
afterAll(async () => {
  await double?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

const driver = (clock: Clock) =>
  new KubernetesDriver({
    logger: new MemoryLogger(),
    clock,
    kubeConfig: double.kubeConfig(NAMESPACE),
    namespace: NAMESPACE,
    failedJobRetentionSec: RETENTION_SEC,
  })
const kinds = (jobId: string) =>
  double
    .objects(selectorOf(jobId), NAMESPACE)
    .map((o) => String(o.kind))
    .sort()

async function gone(jobId: string): Promise<string[]> {
  for (let i = 0; i < 100 && kinds(jobId).length > 0; i++) await new Promise((r) => setTimeout(r, 50))
  return kinds(jobId)
}

/** Runs a job whose algorithm fails to its end on `d`, then asks for cleanup as the Operator-Service does. */
async function failedJob(d: KubernetesDriver, jobId: string): Promise<void> {
  const input = rawCodeJobInput({ code: 'process.exit(3)', maxJobDurationSec: 30 })
  const spec: JobSpec = { ...input.spec, jobId, jobDir: join(workDir, jobId) }
  const ended = new Promise<Observation>(
    (resolve) =>
      void d.start(spec, (_id, o) => {
        if (o.kind === 'outputs-collected' || o.kind === 'results-failed') resolve(o)
      }),
  )
  expect((await ended).kind).toBe('outputs-collected')
  await d.cleanup(jobId)
}

describe('retention of a failed job across a console restart', () => {
  it('the next driver deletes retained objects once the deadline recorded on the PVC has passed', async () => {
    const jobId = 'retained-then-restarted'
    const first = driver(systemClock)
    const beforeMs = Date.now()
    await failedJob(first, jobId)
    await first.close() // the console quits during the retention

    // Not the Secret: it holds dataset URLs and headers and went as soon as configure ended.
    expect(kinds(jobId)).toEqual(expect.arrayContaining(['PersistentVolumeClaim', 'Pod']))
    expect(kinds(jobId)).not.toContain('Secret')
    const pvc = double.objects(selectorOf(jobId), NAMESPACE).find((o) => o.kind === 'PersistentVolumeClaim')!
    const deleteAfterMs = Number(
      (pvc.metadata as { annotations?: Record<string, string> }).annotations?.[ANNOTATION_DELETE_AFTER],
    )
    expect(deleteAfterMs).toBeGreaterThanOrEqual(beforeMs + RETENTION_SEC * 1000)

    // Restarted before the deadline: nothing is deleted yet, a timer waits for it.
    const clock = new FakeClock(deleteAfterMs - 60_000)
    const second = driver(clock)
    await second.sweepExpired()
    expect(kinds(jobId)).toContain('PersistentVolumeClaim')
    clock.advance(60_000)
    expect(await gone(jobId)).toEqual([])
    await second.close()
  }, 30_000)

  it('a restart after the deadline deletes at once; a job without the annotation is left alone', async () => {
    const expired = 'retained-expired'
    const first = driver(systemClock)
    await failedJob(first, expired)
    await first.close()

    // A job of someone else's story (e.g. still to be resumed): labelled, but never marked.
    const other = 'not-marked'
    const input = rawCodeJobInput({ code: 'setTimeout(() => {}, 60000)', maxJobDurationSec: 60 })
    const running = driver(systemClock)
    await running.start({ ...input.spec, jobId: other, jobDir: join(workDir, other) }, () => undefined)
    await running.close()

    const later = driver(new FakeClock(Date.now() + 2 * RETENTION_SEC * 1000))
    await later.sweepExpired()
    expect(await gone(expired)).toEqual([])
    expect(kinds(other)).toContain('PersistentVolumeClaim')

    const cleaner = driver(systemClock)
    await cleaner.cleanup(other)
    expect(await gone(other)).toEqual([])
    await Promise.all([later.close(), cleaner.close()])
  }, 30_000)
})
