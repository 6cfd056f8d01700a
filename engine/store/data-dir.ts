/**
 * The data directory's permissions: it holds console.db (dataset URLs and headers), staged
 * dataset copies and job results, so nothing in it may be readable by other local users. Folders
 * are created 0700 and the database 0600 (SQLite gives its -wal/-shm files the database's mode);
 * an installation made by an older version is tightened here, once, at start.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

const DATABASE_FILES = ['console.db', 'console.db-wal', 'console.db-shm']

function tighten(path: string, mode: number): void {
  const st = statSync(path, { throwIfNoEntry: false })
  // Only ever removes bits; a symlink planted here is not followed into the host.
  if (st && (st.mode & 0o777 & ~mode) !== 0) chmodSync(path, st.mode & mode)
}

/** Creates `<dataDir>` and `<dataDir>/jobs` private, and tightens what an older version left open. */
export function prepareDataDir(dataDir: string): void {
  mkdirSync(join(dataDir, 'jobs'), { recursive: true, mode: PRIVATE_DIR_MODE })
  tighten(dataDir, PRIVATE_DIR_MODE)
  tighten(join(dataDir, 'jobs'), PRIVATE_DIR_MODE)
  for (const name of DATABASE_FILES) tighten(join(dataDir, name), PRIVATE_FILE_MODE)
  for (const entry of readdirSync(join(dataDir, 'jobs'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const jobDir = join(dataDir, 'jobs', entry.name)
    tighten(jobDir, PRIVATE_DIR_MODE)
    tighten(join(jobDir, 'results'), PRIVATE_DIR_MODE)
  }
}

/** Creates an empty file 0600 unless it exists, so whatever opens it next does not pick the mode. */
export function createPrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE))
}
