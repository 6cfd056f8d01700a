/**
 * A per-client limit (Ocean Node's MAX_REQ_PER_MINUTE, spec §7): per IP over HTTP, per peer id over
 * P2P. The Provider keeps two: every request, and (tighter) signed commands. A sliding
 * one-minute window kept as two fixed windows, so a burst at a window edge cannot double the rate.
 * Memory is bounded: idle clients are dropped when their windows age out.
 */
import type { Clock } from '../clock'

const WINDOW_MS = 60_000

interface Counter {
  windowStartMs: number
  current: number
  previous: number
}

export class RateLimiter {
  private readonly counters = new Map<string, Counter>()
  private lastSweepMs = 0

  constructor(
    private readonly limitPerMinute: number,
    private readonly clock: Clock,
  ) {}

  /**
   * Whole seconds after which one more request from `key` fits (for `Retry-After`): within this
   * window once the previous window's weight has faded enough, else after the next one starts.
   */
  retryAfterSec(key: string): number {
    const nowMs = this.clock.nowMs()
    const counter = this.counters.get(key)
    if (!counter) return 0
    const windowStartMs = nowMs - (nowMs % WINDOW_MS)
    const sameWindow = counter.windowStartMs === windowStartMs
    const current = sameWindow ? counter.current : 0
    const previous = sameWindow
      ? counter.previous
      : windowStartMs - counter.windowStartMs === WINDOW_MS
        ? counter.current
        : 0
    const room = this.limitPerMinute - 1
    const elapsedMs = nowMs - windowStartMs
    let waitMs: number
    if (previous * (1 - elapsedMs / WINDOW_MS) + current <= room) waitMs = 0
    else if (current <= room && previous > 0)
      // previous × (1 − t/W) + current ≤ room  ⇔  t ≥ W × (1 − (room − current) / previous)
      waitMs = WINDOW_MS * (1 - (room - current) / previous) - elapsedMs
    else {
      // Next window: this one's count becomes the faded previous one.
      const share = current > 0 ? Math.max(0, 1 - room / current) : 0
      waitMs = WINDOW_MS - elapsedMs + WINDOW_MS * share
    }
    return Math.max(1, Math.ceil(waitMs / 1000))
  }

  /** Counts one request from `key`; false when it is over the limit (and then it is not counted). */
  take(key: string): boolean {
    const nowMs = this.clock.nowMs()
    this.sweep(nowMs)
    const windowStartMs = nowMs - (nowMs % WINDOW_MS)
    let counter = this.counters.get(key)
    if (!counter) {
      counter = { windowStartMs, current: 0, previous: 0 }
      this.counters.set(key, counter)
    } else if (counter.windowStartMs !== windowStartMs) {
      counter.previous = windowStartMs - counter.windowStartMs === WINDOW_MS ? counter.current : 0
      counter.current = 0
      counter.windowStartMs = windowStartMs
    }
    const elapsedShare = (nowMs - windowStartMs) / WINDOW_MS
    const estimate = counter.previous * (1 - elapsedShare) + counter.current
    if (estimate + 1 > this.limitPerMinute) return false
    counter.current += 1
    return true
  }

  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < WINDOW_MS) return
    this.lastSweepMs = nowMs
    for (const [key, counter] of this.counters)
      if (nowMs - counter.windowStartMs >= 2 * WINDOW_MS) this.counters.delete(key)
  }
}
