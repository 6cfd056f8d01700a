/**
 * One group commit per database: writes queued during one event-loop turn run in one transaction
 * on the next, and each caller's promise resolves once that commit is on disk. The signed routes'
 * nonce and the audit row of a served download share these commits (bench/provider: computeResult).
 *
 * Durability without blocking the event loop. The store runs with synchronous=FULL: every commit
 * fsyncs the WAL on the calling thread, and profiling computeResult at one connection showed ~30 %
 * of the event loop in those fsyncs (two commits per request). A batch here commits with
 * synchronous=NORMAL instead (the frames are write()n to the WAL: a *process* crash after that
 * keeps them, the OS has them) and then fsyncs the WAL file from libuv's thread pool; the waiters
 * resolve only after that fsync, so an *OS crash or power loss* cannot lose a write whose caller
 * was answered. That is what FULL gives a commit, moved off the main thread: fsync flushes the
 * file's data whichever descriptor wrote it. Checkpoints still sync as SQLite does (NORMAL keeps
 * the checkpoint syncs). Batches committed while an fsync runs share the next one.
 * A write that throws fails its whole batch; a failed fsync fails every waiter it covered.
 */
import { fsync, openSync, closeSync } from 'node:fs'
import type { Database } from './database'

/** Makes every commit so far durable (fsync of the WAL); injectable for tests. */
export type WalSync = () => Promise<void>

interface Waiter {
  resolve(): void
  reject(error: unknown): void
}

const SYNCHRONOUS_FULL = 2

export class GroupCommit {
  private writes: Array<() => void> = []
  private waiters: Waiter[] = []
  private flushScheduled = false
  /** Committed, waiting for the next fsync. */
  private unsynced: Waiter[] = []
  private syncing = false
  private readonly walSync: WalSync | undefined
  private readonly synchronous: number

  constructor(
    private readonly db: Database,
    options: { walSync?: WalSync } = {},
  ) {
    this.synchronous = Number(db.pragma('synchronous', { simple: true }))
    // In-memory databases have no file to sync; a database not at FULL keeps its own level.
    this.walSync =
      options.walSync ?? (db.memory || this.synchronous < SYNCHRONOUS_FULL ? undefined : walFileSync(db))
  }

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
    const offThread = this.walSync !== undefined
    try {
      if (offThread) this.db.pragma('synchronous = NORMAL')
      try {
        this.db.transaction(() => {
          for (const write of writes) write()
        })()
      } finally {
        if (offThread) this.db.pragma(`synchronous = ${this.synchronous}`)
      }
    } catch (error) {
      for (const w of waiters) w.reject(error)
      return
    }
    if (!offThread) {
      for (const w of waiters) w.resolve()
      return
    }
    this.unsynced.push(...waiters)
    this.syncNext()
  }

  /** One fsync at a time; it covers every batch committed before it started. */
  private syncNext(): void {
    if (this.syncing || this.unsynced.length === 0) return
    const covered = this.unsynced
    this.unsynced = []
    this.syncing = true
    this.walSync!().then(
      () => {
        this.syncing = false
        for (const w of covered) w.resolve()
        this.syncNext()
      },
      (error: unknown) => {
        this.syncing = false
        for (const w of covered) w.reject(error)
        this.syncNext()
      },
    )
  }
}

/**
 * fsync of the database's WAL file through the thread pool. The descriptor is opened after the
 * first commit (the file exists then) and kept: SQLite removes the WAL only when the last
 * connection closes, and no commit of this connection can come after its close.
 */
function walFileSync(db: Database): WalSync {
  const path = `${db.name}-wal`
  let fd: number | undefined
  const registry = new FinalizationRegistry<number>((leftFd) => {
    try {
      closeSync(leftFd)
    } catch {
      // already closed
    }
  })
  const token = {}
  return () => {
    if (fd === undefined) {
      // r+: Windows' FlushFileBuffers needs write access.
      fd = openSync(path, 'r+')
      registry.register(token, fd)
    }
    const current = fd
    return new Promise<void>((resolve, reject) =>
      fsync(current, (error) => {
        if (!db.open && fd !== undefined) {
          // The connection closed meanwhile: its close checkpointed or another connection keeps the WAL.
          registry.unregister(token)
          closeSync(fd)
          fd = undefined
        }
        if (error) reject(error)
        else resolve()
      }),
    )
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
