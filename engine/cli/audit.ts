/**
 * `npm run audit -- verify [--data-dir <dir>]`: walks the audit chain in `<dataDir>/console.db` and
 * names the first row that does not match (exit 1), or prints the row count and head hash (exit 0).
 * `npm run audit -- export [--format jsonl|csv]` prints the trail (unsigned; the console API's
 * exportAudit signs the head with the Provider key, which this CLI never unlocks).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { loadConfig } from '../config/load'
import { openDatabase } from '../store/database'
import { AuditRepo } from '../store/audit-repo'
import { auditToCsv, auditToJsonl } from '../store/audit-export'

export interface AuditCliIo {
  out(line: string): void
  err(line: string): void
}

/** Runs the CLI; returns the exit code (tests call this directly). */
export function runAuditCli(argv: string[], io: AuditCliIo, env: NodeJS.ProcessEnv = process.env): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, format: { type: 'string', default: 'jsonl' } },
  })
  const command = positionals[0] ?? 'verify'
  if (command !== 'verify' && command !== 'export') {
    io.err(`Unknown command "${command}"; use verify or export.`)
    return 2
  }
  const config = loadConfig({ overrides: values['data-dir'] ? { dataDir: values['data-dir'] } : {}, env })
  const file = join(config.dataDir, 'console.db')
  if (!existsSync(file)) {
    io.err(`No console database in ${config.dataDir}; pass --data-dir`)
    return 2
  }
  const db = openDatabase({ file })
  try {
    const repo = new AuditRepo(db)
    if (command === 'export') {
      const events = []
      for (let after = 0; ;) {
        const page = repo.list({ afterSeq: after, limit: 10_000 })
        if (page.length === 0) break
        events.push(...page)
        after = page[page.length - 1]!.seq
      }
      io.out(values.format === 'csv' ? auditToCsv(events) : auditToJsonl(events))
      return 0
    }
    const result = repo.verify()
    if (result.ok) {
      io.out(`audit chain OK: ${result.rows} rows, head ${result.headHash}`)
      return 0
    }
    io.err(`audit chain BROKEN at row ${result.firstBadSeq}: ${result.reason} (${result.rows} rows read)`)
    return 1
  } finally {
    db.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = runAuditCli(process.argv.slice(2), {
    out: (l) => process.stdout.write(l.endsWith('\n') ? l : `${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  })
}
