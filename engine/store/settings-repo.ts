/**
 * Console settings chosen in the UI: key → JSON value (table `settings`).
 * Imports better-sqlite3 (through database.ts) only.
 */
import type { Database } from './database'

export class SettingsRepo {
  private readonly selectStmt
  private readonly upsertStmt
  private readonly deleteStmt

  constructor(db: Database) {
    this.selectStmt = db.prepare('SELECT value_json FROM settings WHERE key = ?')
    this.upsertStmt = db.prepare(
      'INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json',
    )
    this.deleteStmt = db.prepare('DELETE FROM settings WHERE key = ?')
  }

  get<T>(key: string): T | undefined {
    const row = this.selectStmt.get(key) as { value_json: string } | undefined
    return row ? (JSON.parse(row.value_json) as T) : undefined
  }

  set(key: string, value: unknown): void {
    if (value === undefined) throw new Error(`Setting ${key}: undefined is not a JSON value`)
    this.upsertStmt.run(key, JSON.stringify(value))
  }

  delete(key: string): void {
    this.deleteStmt.run(key)
  }
}
