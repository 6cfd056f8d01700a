import { afterEach, describe, expect, it } from 'vitest'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from './database'
import { prepareDataDir } from './data-dir'

const mode = (path: string) => statSync(path).mode & 0o777
let root: string
afterEach(() => rmSync(root, { recursive: true, force: true }))

describe('data dir permissions', () => {
  it('creates the data dir, jobs and the database (with -wal/-shm) private, whatever the umask', () => {
    root = mkdtempSync(join(tmpdir(), 'c2d-modes-'))
    const dataDir = join(root, 'data')
    const previous = process.umask(0o022)
    try {
      prepareDataDir(dataDir)
      const db = openDatabase({ file: join(dataDir, 'console.db') })
      db.prepare('CREATE TABLE IF NOT EXISTS t (x)').run()
      db.prepare('INSERT INTO t VALUES (1)').run()
      expect(mode(dataDir)).toBe(0o700)
      expect(mode(join(dataDir, 'jobs'))).toBe(0o700)
      for (const f of ['console.db', 'console.db-wal', 'console.db-shm'])
        expect({ f, mode: mode(join(dataDir, f)).toString(8) }).toEqual({ f, mode: '600' })
      db.close()
    } finally {
      process.umask(previous)
    }
  })

  it('tightens an installation an older version left world-readable', () => {
    root = mkdtempSync(join(tmpdir(), 'c2d-modes-'))
    const dataDir = join(root, 'data')
    const jobDir = join(dataDir, 'jobs', 'job-1')
    mkdirSync(join(jobDir, 'results'), { recursive: true })
    writeFileSync(join(dataDir, 'console.db'), '')
    writeFileSync(join(dataDir, 'console.db-wal'), '')
    for (const dir of [dataDir, join(dataDir, 'jobs'), jobDir, join(jobDir, 'results')]) chmodSync(dir, 0o755)
    chmodSync(join(dataDir, 'console.db'), 0o644)
    chmodSync(join(dataDir, 'console.db-wal'), 0o644)
    prepareDataDir(dataDir)
    for (const dir of [dataDir, join(dataDir, 'jobs'), jobDir, join(jobDir, 'results')])
      expect(mode(dir)).toBe(0o700)
    expect(mode(join(dataDir, 'console.db'))).toBe(0o600)
    expect(mode(join(dataDir, 'console.db-wal'))).toBe(0o600)
  })
})
