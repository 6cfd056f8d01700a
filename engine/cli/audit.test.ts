import { describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { openDatabase } from '../store/database'
import { AuditEventType, AuditRepo } from '../store/audit-repo'
import { runAuditCli } from './audit'

function run(args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = runAuditCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, {})
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('npm run audit', () => {
  it('verifies an intact chain, then names the row edited in SQLite', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'audit-cli-'))
    const db = openDatabase({ file: join(dataDir, 'console.db') })
    const repo = new AuditRepo(db)
    for (let i = 0; i < 5; i++) repo.append({ type: AuditEventType.AccessAccepted, subject: `job-${i}` }, i)
    db.close()

    const ok = run(['verify', '--data-dir', dataDir])
    expect(ok.code).toBe(0)
    expect(ok.out).toMatch(/audit chain OK: 5 rows/)

    const raw = new BetterSqlite3(join(dataDir, 'console.db'))
    raw.exec('DROP TRIGGER audit_events_no_update')
    raw.prepare("UPDATE audit_events SET subject = 'job-forged' WHERE seq = 4").run()
    raw.close()
    const bad = run(['verify', '--data-dir', dataDir])
    expect(bad.code).toBe(1)
    expect(bad.err).toBe('audit chain BROKEN at row 4: content does not match its hash (4 rows read)')

    const csv = run(['export', '--format', 'csv', '--data-dir', dataDir])
    expect(csv.code).toBe(0)
    expect(csv.out.split('\r\n').filter(Boolean)).toHaveLength(6)
  })

  it('refuses an unknown command and a missing database', () => {
    expect(run(['frobnicate']).code).toBe(2)
    expect(run(['verify', '--data-dir', join(tmpdir(), 'no-such-c2d-dir-xyz')]).code).toBe(2)
  })
})
