/**
 * Audit trail exports (JSONL and CSV). The export ends with the chain's head hash, which the console
 * signs with the Provider key (EIP-191 personal_sign over `auditHeadMessage`), so a reader can check
 * that the file matches a chain the node vouched for.
 */
import type { AuditEvent } from './audit-repo'

/** The exact text signed for an export; verifiers rebuild it from the export's head. */
export function auditHeadMessage(head: { seq: number; hash: string }): string {
  return `c2d-audit-head:${head.seq}:${head.hash}`
}

export function auditToJsonl(events: AuditEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '')
}

const CSV_COLUMNS = ['seq', 'atMs', 'type', 'actor', 'subject', 'details', 'prevHash', 'hash'] as const

function csvCell(value: unknown): string {
  const text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)
  // RFC 4180 quoting; a leading =+-@ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function auditToCsv(events: AuditEvent[]): string {
  const lines = [CSV_COLUMNS.join(',')]
  for (const e of events) lines.push(CSV_COLUMNS.map((c) => csvCell(e[c])).join(','))
  return lines.join('\r\n') + '\r\n'
}
