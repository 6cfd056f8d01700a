/**
 * Per-client-IP limit on signed commands (Ocean Node's MAX_REQ_PER_MINUTE, spec §7): a sliding
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
