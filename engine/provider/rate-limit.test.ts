import { describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { RateLimiter } from './rate-limit'

// A start exactly on a minute boundary, so the window math below is easy to follow.
const MINUTE = 60_000
const START_MS = MINUTE * 28_333_334

function takeMany(limiter: RateLimiter, key: string, count: number): boolean[] {
  return Array.from({ length: count }, () => limiter.take(key))
}

describe('RateLimiter (sliding one-minute window)', () => {
  it('allows the limit, refuses the next, and does not count refused requests', () => {
    const clock = new FakeClock(START_MS)
    const limiter = new RateLimiter(5, clock)
    expect(takeMany(limiter, 'a', 5)).toEqual([true, true, true, true, true])
    expect(takeMany(limiter, 'a', 3)).toEqual([false, false, false])
    clock.advance(MINUTE / 2)
    expect(limiter.take('a')).toBe(false)
  })

  it('keys per client: another IP has its own budget', () => {
    const limiter = new RateLimiter(2, new FakeClock(START_MS))
    expect(takeMany(limiter, '10.0.0.1', 3)).toEqual([true, true, false])
    expect(takeMany(limiter, '10.0.0.2', 2)).toEqual([true, true])
  })

  it('weighs the previous window by the share of it still inside the last minute', () => {
    const clock = new FakeClock(START_MS)
    const limiter = new RateLimiter(10, clock)
    expect(takeMany(limiter, 'a', 10).every(Boolean)).toBe(true)
    // Next window, at its start: the previous 10 still count fully.
    clock.advance(MINUTE)
    expect(limiter.take('a')).toBe(false)
    // Half way: 10 × 0.5 = 5 still count, so 5 more fit.
    clock.advance(MINUTE / 2)
    expect(takeMany(limiter, 'a', 6)).toEqual([true, true, true, true, true, false])
    // Two windows later nothing of the old burst counts.
    clock.advance(2 * MINUTE)
    expect(takeMany(limiter, 'a', 10).every(Boolean)).toBe(true)
    expect(limiter.take('a')).toBe(false)
  })

  it('a burst at the end of a window cannot be doubled at the start of the next', () => {
    const clock = new FakeClock(START_MS + MINUTE - 1_000)
    const limiter = new RateLimiter(10, clock)
    expect(takeMany(limiter, 'a', 10).every(Boolean)).toBe(true)
    clock.advance(2_000) // 1 s into the next window
    // 10 × (59/60) ≈ 9.83 still count: nothing more fits (a fixed window would allow 10).
    expect(limiter.take('a')).toBe(false)
  })

  it('forgets idle clients (a later burst starts fresh)', () => {
    const clock = new FakeClock(START_MS)
    const limiter = new RateLimiter(1, clock)
    expect(limiter.take('a')).toBe(true)
    clock.advance(3 * MINUTE)
    expect(limiter.take('b')).toBe(true)
    expect(limiter.take('a')).toBe(true)
    expect(limiter.take('a')).toBe(false)
  })

  it('retryAfterSec is enough, and a second less is not, in both regimes (same window, next window)', () => {
    for (const [limit, burst, offsetMs] of [
      [5, 5, 10_000], // full this window: wait for the next one
      [5, 3, 50_000], // previous window weighs: wait until it fades
    ] as const) {
      const clock = new FakeClock(START_MS)
      const limiter = new RateLimiter(limit, clock)
      if (burst < limit) {
        // `limit` in the previous window, `burst` early in this one.
        takeMany(limiter, 'a', limit)
        clock.advance(MINUTE)
      }
      takeMany(limiter, 'a', burst)
      clock.advance(offsetMs)
      while (limiter.take('a'));
      const wait = limiter.retryAfterSec('a')
      expect(wait).toBeGreaterThanOrEqual(1)
      const probe = (afterSec: number) => {
        const c = new FakeClock(START_MS)
        const l = new RateLimiter(limit, c)
        if (burst < limit) {
          takeMany(l, 'a', limit)
          c.advance(MINUTE)
        }
        takeMany(l, 'a', burst)
        c.advance(offsetMs)
        while (l.take('a'));
        c.advance(afterSec * 1000)
        return l.take('a')
      }
      expect(probe(wait)).toBe(true)
      if (wait > 1) expect(probe(wait - 1)).toBe(false)
    }
  })
})
