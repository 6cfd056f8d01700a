// A Logger that keeps its lines, so tests can check what was (and was not) logged.
import type { Logger } from '../../engine/index'

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error'
  msg: string
  meta: Record<string, unknown>
}

export function createFakeLogger(lines: LoggedLine[] = []): Logger & { lines: LoggedLine[] } {
  const make = (bindings: Record<string, unknown>): Logger & { lines: LoggedLine[] } => ({
    lines,
    debug: (msg, meta) => void lines.push({ level: 'debug', msg, meta: { ...bindings, ...meta } }),
    info: (msg, meta) => void lines.push({ level: 'info', msg, meta: { ...bindings, ...meta } }),
    warn: (msg, meta) => void lines.push({ level: 'warn', msg, meta: { ...bindings, ...meta } }),
    error: (msg, meta) => void lines.push({ level: 'error', msg, meta: { ...bindings, ...meta } }),
    child: (more) => make({ ...bindings, ...more }),
  })
  return make({})
}
