/**
 * The bounded queue: at most `maxJobs` jobs per environment past status 1; the rest wait with
 * status 1, oldest first. Queued jobs expire after `queueMaxWaitTimeSec` (0 = never), measured
 * with the injected Clock from the job's creation, so a restart keeps the original deadline.
 * Holds timers only; the queue itself is the jobs table (status 1), so it survives a crash.
 */
import type { Clock } from '../clock'

export class QueueTimers {
  private readonly timers = new Map<string, () => void>()

  constructor(private readonly clock: Clock) {}

  /** Arms the expiry of a queued job; `onExpired` runs once when it is due. */
  arm(
    jobId: string,
    createdAtMs: number,
    queueMaxWaitTimeSec: number,
    onExpired: (jobId: string) => void,
  ): void {
    if (queueMaxWaitTimeSec <= 0 || this.timers.has(jobId)) return
    const dueInMs = createdAtMs + queueMaxWaitTimeSec * 1000 - this.clock.nowMs()
    const cancel = this.clock.setTimer(
      () => {
        this.timers.delete(jobId)
        onExpired(jobId)
      },
      Math.max(0, dueInMs),
    )
    this.timers.set(jobId, cancel)
  }

  disarm(jobId: string): void {
    this.timers.get(jobId)?.()
    this.timers.delete(jobId)
  }

  disarmAll(): void {
    for (const cancel of this.timers.values()) cancel()
    this.timers.clear()
  }
}

/** How many queued jobs may start now. */
export function freeSlots(maxJobs: number, active: number): number {
  return Math.max(0, maxJobs - active)
}
