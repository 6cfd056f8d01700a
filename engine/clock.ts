/**
 * Time, injected. Queue expiry, maxJobDuration and retry backoff read a Clock so that tests can
 * move time instead of sleeping. Engine code never calls Date.now() or setTimeout directly for
 * anything a test needs to control.
 */
export interface Clock {
  nowMs(): number
  /** Like setTimeout; returns a cancel function. */
  setTimer(callback: () => void, delayMs: number): () => void
  sleep(delayMs: number): Promise<void>
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  setTimer(callback, delayMs) {
    const handle = setTimeout(callback, delayMs)
    return () => clearTimeout(handle)
  },
  sleep: (delayMs) => new Promise((resolve) => setTimeout(resolve, delayMs)),
}

/** A clock for tests: time moves only when `advance` is called; due timers fire in order. */
export class FakeClock implements Clock {
  private current: number
  private timers: Array<{ at: number; id: number; callback: () => void }> = []
  private nextId = 0

  constructor(startMs = 1_700_000_000_000) {
    this.current = startMs
  }

  nowMs(): number {
    return this.current
  }

  setTimer(callback: () => void, delayMs: number): () => void {
    const id = this.nextId++
    this.timers.push({ at: this.current + Math.max(0, delayMs), id, callback })
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id)
    }
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(resolve, delayMs))
  }

  advance(deltaMs: number): void {
    const target = this.current + deltaMs
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (!due) break
      this.timers = this.timers.filter((t) => t.id !== due.id)
      this.current = due.at
      due.callback()
    }
    this.current = target
  }

  pendingTimers(): number {
    return this.timers.length
  }
}
