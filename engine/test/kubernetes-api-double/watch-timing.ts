/**
 * The three intervals that decide whether a quiet watch survives, as on a real cluster, and the
 * same three at a scale so a test or the bench can play an hour in seconds without changing how
 * they relate:
 *   - a real API server sends a BOOKMARK about once a minute (the double's default, api-server.ts);
 *   - client-node 2.x aborts a watch that received nothing for 30 s (`Watch.requestTimeoutMs`);
 *   - the driver raises that to 90 s (`DEFAULT_WATCH_IDLE_TIMEOUT_MS`), over the bookmark interval.
 */
import { DEFAULT_WATCH_IDLE_TIMEOUT_MS } from '../../operator-engine/drivers/kubernetes/kubernetes-driver'

export const REAL_BOOKMARK_INTERVAL_MS = 60_000
/** client-node 2.0.1's `Watch.requestTimeoutMs` (an inactivity timeout once the headers came). */
export const CLIENT_NODE_WATCH_IDLE_MS = 30_000

export interface WatchTiming {
  /** For `startKubernetesApiDouble({ bookmarkIntervalMs })`. */
  bookmarkIntervalMs: number
  /** client-node's own idle abort at this scale (the driver's `watchIdleTimeoutMs` before issue 16). */
  clientNodeIdleMs: number
  /** The driver's default idle timeout at this scale. */
  driverIdleMs: number
}

/** The real intervals times `scale` (1: real time; 1/200: an hour in 18 s). */
export function watchTiming(scale: number): WatchTiming {
  return {
    bookmarkIntervalMs: REAL_BOOKMARK_INTERVAL_MS * scale,
    clientNodeIdleMs: CLIENT_NODE_WATCH_IDLE_MS * scale,
    driverIdleMs: DEFAULT_WATCH_IDLE_TIMEOUT_MS * scale,
  }
}
