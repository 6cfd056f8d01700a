/**
 * One group commit per database: writes queued during one event-loop turn run in one transaction
 * on the next, and each caller's promise resolves once that commit is on disk. The store commits
 * with synchronous=FULL (an fsync per commit, with the event loop blocked meanwhile), so the signed
 * routes' nonce and the audit row of a served download share one commit instead of taking one each
 * (bench/provider: computeResult at 64 connections). A write that throws fails its whole batch.
 */
import type { Database } from './database'

export class GroupCommit {
  private writes: Array<() => void> = []
  private waiters: Array<{ resolve(): void; reject(error: unknown): void }> = []
  private flushScheduled = false

  constructor(private readonly db: Database) {}

  /** Queues `write` for the next commit; resolves when it is durable. */
  run(write: () => void): Promise<void> {
    this.writes.push(write)
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject })
      if (!this.flushScheduled) {
        this.flushScheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private flush(): void {
    const writes = this.writes
    const waiters = this.waiters
    this.writes = []
    this.waiters = []
    this.flushScheduled = false
    try {
      this.db.transaction(() => {
        for (const write of writes) write()
      })()
    } catch (error) {
      for (const w of waiters) w.reject(error)
      return
    }
    for (const w of waiters) w.resolve()
  }
}

const commits = new WeakMap<Database, GroupCommit>()

/** The database's one group commit (repositories over the same file share it). */
export function groupCommit(db: Database): GroupCommit {
  let commit = commits.get(db)
  if (!commit) {
    commit = new GroupCommit(db)
    commits.set(db, commit)
  }
  return commit
}
