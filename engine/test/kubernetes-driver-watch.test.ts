/**
 * The driver's pod watch on a quiet namespace. client-node 2.x aborts a watch that received
 * nothing for its request timeout (30 s by default), and real API servers send bookmarks about
 * once a minute, so on a quiet namespace the watch is cut every 30 s. Such an end is no failure:
 * the driver must resume at once from its resourceVersion, without a warning, a backoff or a
 * re-list; and its own idle timeout (90 s) lets the ~60 s bookmarks keep the watch open.
 *
 * Time is scaled (watch-timing.ts): the double's bookmarks, client-node's abort and the driver's
 * timeout keep their real ratios (60 : 30 : 90), shrunk so a test plays minutes in seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../clock'
import { MemoryLogger } from '../logging'
import type { Observation } from '../operator-engine/driver'
import { KubernetesDriver } from '../operator-engine/drivers/kubernetes/kubernetes-driver'
import { rawCodeJobInput } from './job-inputs'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'
import { watchTiming } from './kubernetes-api-double/watch-timing'

const NAMESPACE = 'c2d-watch'
let double: KubernetesApiDouble | undefined
let workDir: string | undefined

afterEach(async () => {
  await double?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
  double = undefined
  workDir = undefined
})

/** A driver whose watch is open: resuming a job with no pods lists, watches, and reports it lost. */
async function watchingDriver(double: KubernetesApiDouble, watchIdleTimeoutMs: number) {
  workDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-watch-'))
  const logger = new MemoryLogger()
  const driver = new KubernetesDriver({
    logger,
    clock: systemClock,
    kubeConfig: double.kubeConfig(NAMESPACE),
    namespace: NAMESPACE,
    watchIdleTimeoutMs,
  })
  const jobId = 'quiet-watch'
  const seen: Observation[] = []
  await driver.resume(
    { ...rawCodeJobInput({ code: '', maxJobDurationSec: 30 }).spec, jobId, jobDir: join(workDir, jobId) },
    (_id, o) => seen.push(o),
  )
  expect(seen.map((o) => o.kind)).toContain('lost')
  return { driver, logger }
}

const watches = (d: KubernetesApiDouble) => d.requests.get('watch pods') ?? 0
const lists = (d: KubernetesApiDouble) => d.requests.get('list pods') ?? 0
const until = async (done: () => boolean, tries = 200) => {
  for (let i = 0; i < tries && !done(); i++) await new Promise((r) => setTimeout(r, 50))
}

describe('a watch on a quiet namespace', () => {
  it('without any bookmark, resumes from its resourceVersion after each idle abort: no warning, no re-list', async () => {
    double = await startKubernetesApiDouble({ namespaces: [NAMESPACE], bookmarkIntervalMs: 3_600_000 })
    const { driver, logger } = await watchingDriver(double, 150)
    const listsAfterStart = lists(double)
    const watchesAfterStart = watches(double)

    await until(() => watches(double!) >= watchesAfterStart + 4)
    await driver.close()

    expect(watches(double)).toBeGreaterThanOrEqual(watchesAfterStart + 4)
    expect(lists(double)).toBe(listsAfterStart)
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([])
  }, 30_000)

  it("double bookmarks at ~60 s, client-node's own 30 s abort: every cut resumes at once from the last resourceVersion", async () => {
    // 1/100: bookmarks every 600 ms, client-node's abort after 300 ms of silence (the ratio of a
    // real cluster: the abort always comes first).
    const timing = watchTiming(1 / 100)
    double = await startKubernetesApiDouble({
      namespaces: [NAMESPACE],
      bookmarkIntervalMs: timing.bookmarkIntervalMs,
    })
    const { driver, logger } = await watchingDriver(double, timing.clientNodeIdleMs)
    const listsAfterStart = lists(double)
    const firstWatch = double.watchLog.length - 1
    const listedAt = Number(double.watchLog[firstWatch]!.resourceVersion)

    await until(() => double!.watchLog.length >= firstWatch + 5)
    await driver.close()

    const resumed = double.watchLog.slice(firstWatch + 1)
    expect(resumed.length).toBeGreaterThanOrEqual(4)
    // Each one from a resourceVersion (never a fresh watch with its replay of every object)…
    for (const w of resumed) expect(Number(w.resourceVersion)).toBeGreaterThanOrEqual(listedAt)
    // …and none after a re-list or a warning.
    expect(lists(double)).toBe(listsAfterStart)
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([])
  }, 30_000)

  it('with the driver’s own idle timeout, the ~60 s bookmarks keep the watch open, and it resumes from the last bookmark', async () => {
    // 1/50: bookmarks every 1.2 s, the driver's 90 s timeout is 1.8 s.
    const timing = watchTiming(1 / 50)
    double = await startKubernetesApiDouble({
      namespaces: [NAMESPACE],
      bookmarkIntervalMs: timing.bookmarkIntervalMs,
    })
    const { driver, logger } = await watchingDriver(double, timing.driverIdleMs)
    const watchesAfterStart = double.watchLog.length
    const listsAfterStart = lists(double)
    // Something else in the namespace changes: the next bookmark carries a newer resourceVersion.
    const other = double.store.create('configmaps', NAMESPACE, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'unrelated' },
      data: {},
    })
    const changedAt = Number(other.metadata.resourceVersion)

    // Four bookmark intervals, more than twice the idle timeout: the watch is never cut.
    await new Promise((r) => setTimeout(r, 4 * timing.bookmarkIntervalMs))
    expect(double.watchLog.length).toBe(watchesAfterStart)

    // The server ends the watch (as a real one does after its request timeout): resumed at once
    // from the bookmark's resourceVersion, which is past the unrelated change.
    double.faults.dropWatches()
    await until(() => double!.watchLog.length > watchesAfterStart)
    await driver.close()
    expect(double.watchLog.length).toBe(watchesAfterStart + 1)
    expect(Number(double.watchLog.at(-1)!.resourceVersion)).toBeGreaterThanOrEqual(changedAt)
    expect(lists(double)).toBe(listsAfterStart)
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([])
  }, 30_000)
})
