/**
 * The console's SQLite store: one file in the data directory, WAL mode, versioned migrations.
 * Repositories (jobs-repo.ts, nonces-repo.ts, ...) take a `Database` in their constructor.
 * Imports only better-sqlite3 and node:*.
 */
import BetterSqlite3 from 'better-sqlite3'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { createPrivateFile, PRIVATE_DIR_MODE } from './data-dir'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export type Database = BetterSqlite3.Database

/** Folder of the `NNN-name.sql` files; the Electron bundle copies it next to the engine. */
export const DEFAULT_MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

export interface OpenDatabaseOptions {
  /** File path, or ':memory:' for tests. */
  file: string
  migrationsDir?: string
  /**
   * Path of a better_sqlite3.node built for another runtime than the one running (the Electron
   * shell passes its Electron-ABI copy, see scripts/electron-native.mjs); default: the package's own
   * build, i.e. the Node that ran `npm ci`.
   */
  nativeBinding?: string
}

export function openDatabase(options: OpenDatabaseOptions): Database {
  if (options.file !== ':memory:') {
    mkdirSync(dirname(options.file), { recursive: true, mode: PRIVATE_DIR_MODE })
    // Created 0600 before SQLite opens it (SQLite would make it 0644); -wal/-shm follow its mode.
    createPrivateFile(options.file)
  }
  const db = new BetterSqlite3(
    options.file,
    options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
  )
  db.pragma('journal_mode = WAL')
  // FULL: a committed transition survives power loss, not only a process crash.
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db, options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR)
  return db
}

export function listMigrations(dir: string): Array<{ version: number; name: string; sql: string }> {
  return readdirSync(dir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ version: Number(name.slice(0, 3)), name, sql: readFileSync(join(dir, name), 'utf8') }))
}

/** Applies every migration newer than `user_version`, each in its own transaction. */
export function migrate(db: Database, dir: string): number {
  const current = db.pragma('user_version', { simple: true }) as number
  let applied = current
  for (const m of listMigrations(dir)) {
    if (m.version <= current) continue
    if (m.version !== applied + 1)
      throw new Error(`Migration ${m.name} is out of sequence (database is at ${applied})`)
    db.transaction(() => {
      db.exec(m.sql)
      db.pragma(`user_version = ${m.version}`)
    })()
    applied = m.version
  }
  return applied
}
