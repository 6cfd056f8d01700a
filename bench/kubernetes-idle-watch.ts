/**
 * The kubernetes suite's idle-watch row: API requests in one hour of watching a quiet namespace,
 * the driver as it is beside the driver's loop before issue 16, both against the API double with
 * bookmarks every 60 s. The hour is played at a scale (watch-timing.ts: the double's bookmarks,
 * client-node's 30 s abort, the driver's 90 s timeout and the old 1 s backoff all shrink by the
 * same factor), so the counts are those of a real hour; only the wall time is shorter.
 *
 * The old loop is a model, not the old code (its file no longer fits today's driver): what it did
 * after client-node's 30 s abort was a warning, its 1 s backoff, a re-list, and a new watch.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api, Watch, type KubeConfig } from '@kubernetes/client-node'
import { systemClock } from '../engine/clock'
import { silentLogger } from '../engine/logging'
import { KubernetesDriver } from '../engine/operator-engine/drivers/kubernetes/kubernetes-driver'
import { selectorOf } from '../engine/operator-engine/drivers/kubernetes/manifests'
import { rawCodeJobInput } from '../engine/test/job-inputs'
import {
  startKubernetesApiDouble,
  type KubernetesApiDouble,
} from '../engine/test/kubernetes-api-double/api-server'
import { CLIENT_NODE_WATCH_IDLE_MS, watchTiming } from '../engine/test/kubernetes-api-double/watch-timing'
import type { BenchRow } from './bench-row'

const NAMESPACE = 'bench-idle'
const HOUR_MS = 3_600_000
/** An hour in 18 s: bookmarks every 300 ms, client-node's abort at 150 ms, the driver's at 450 ms. */
const SCALE = 1 / 200
/** The driver's watch retry before issue 16 (watchRetryMs' default). */
const OLD_BACKOFF_MS = 1000

const watchOpen = async (double: KubernetesApiDouble) => {
  for (let i = 0; i < 400 && double.watchLog.length === 0; i++) await new Promise((r) => setTimeout(r, 10))
}

/** Requests the double answered during one scaled hour after the first watch opened. */
async function hourOf(double: KubernetesApiDouble): Promise<{ total: number; lists: number }> {
  await watchOpen(double)
  const total0 = double.requestCount()
  const lists0 = double.requests.get('list pods') ?? 0
  await new Promise((r) => setTimeout(r, HOUR_MS * SCALE))
  return { total: double.requestCount() - total0, lists: (double.requests.get('list pods') ?? 0) - lists0 }
}

/** The driver today, with its default idle timeout (scaled). */
async function driverHour(): Promise<{ total: number; lists: number }> {
  const timing = watchTiming(SCALE)
  const double = await startKubernetesApiDouble({
    namespaces: [NAMESPACE],
    bookmarkIntervalMs: timing.bookmarkIntervalMs,
  })
  const dir = mkdtempSync(join(tmpdir(), 'bench-k8s-idle-'))
  const driver = new KubernetesDriver({
    logger: silentLogger,
    clock: systemClock,
    kubeConfig: double.kubeConfig(NAMESPACE),
    namespace: NAMESPACE,
    watchIdleTimeoutMs: timing.driverIdleMs,
  })
  try {
    // The watch opens with the first job: a resumed one that has no pods (reported lost) will do.
    await driver.resume(
      {
        ...rawCodeJobInput({ code: '', maxJobDurationSec: 30 }).spec,
        jobId: 'idle',
        jobDir: join(dir, 'idle'),
      },
      () => undefined,
    )
    return await hourOf(double)
  } finally {
    await driver.close()
    await double.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The loop before issue 16: client-node's 30 s abort was an error (warning, backoff, re-list). */
async function oldLoopHour(): Promise<{ total: number; lists: number }> {
  const timing = watchTiming(SCALE)
  const double = await startKubernetesApiDouble({
    namespaces: [NAMESPACE],
    bookmarkIntervalMs: timing.bookmarkIntervalMs,
  })
  const kc: KubeConfig = double.kubeConfig(NAMESPACE)
  const core = kc.makeApiClient(CoreV1Api)
  let stopped = false
  let abort: AbortController | undefined
  let retry: NodeJS.Timeout | undefined
  const cycle = async (): Promise<void> => {
    if (stopped) return
    const list = await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: selectorOf() })
    let resourceVersion = list.metadata?.resourceVersion
    const watch = new Watch(kc)
    ;(watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = CLIENT_NODE_WATCH_IDLE_MS * SCALE
    abort = await watch.watch(
      `/api/v1/namespaces/${NAMESPACE}/pods`,
      { labelSelector: selectorOf(), resourceVersion, allowWatchBookmarks: true },
      (_type, object: { metadata?: { resourceVersion?: string } }) =>
        (resourceVersion = object.metadata?.resourceVersion ?? resourceVersion),
      (error: unknown) => {
        if (stopped) return
        // Every end was a failure then: re-list after the backoff (a normal end watched again at once).
        retry = setTimeout(() => void cycle(), error ? OLD_BACKOFF_MS * SCALE : 0)
      },
    )
  }
  try {
    await cycle()
    return await hourOf(double)
  } finally {
    stopped = true
    clearTimeout(retry)
    abort?.abort()
    await double.close()
  }
}

export async function idleWatchRow(suite: string): Promise<BenchRow> {
  const [now, before] = await Promise.all([driverHour(), oldLoopHour()])
  return {
    suite,
    name: 'Kubernetes API requests per hour of idle watching (bookmarks every 60 s; hour played at 1/200 scale)',
    value: now.total,
    unit: 'requests',
    baseline: {
      name: `the same hour with the pre-issue-16 loop (modelled: ${before.lists} re-lists after client-node's 30 s aborts)`,
      value: before.total,
    },
    note: `driver: ${now.lists} re-lists; its 90 s idle timeout outlasts the 60 s bookmarks, so one watch stays open. Not simulated: a real server also ends each watch after its 30–60 min request timeout (+1–2 watches per hour, resumed from the resourceVersion)`,
  }
}
