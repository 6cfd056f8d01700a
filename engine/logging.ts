/**
 * The Logger that engine code receives through constructors (never imported as a singleton).
 * Default: JSON lines through pino. Secrets are redacted by key wherever they appear in meta.
 */
import pino from 'pino'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'
export type LogMeta = Record<string, unknown>

export interface Logger {
  debug(msg: string, meta?: LogMeta): void
  info(msg: string, meta?: LogMeta): void
  warn(msg: string, meta?: LogMeta): void
  error(msg: string, meta?: LogMeta): void
  child(bindings: LogMeta): Logger
}

/** Keys whose values never reach a log line, at any depth pino's redaction reaches. */
export const REDACTED_KEYS = [
  'signature',
  'authorization',
  'privateKey',
  'password',
  'mnemonic',
  'headers',
  'url',
  'token',
] as const

const REDACT_PATHS = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`])

function wrap(p: pino.Logger): Logger {
  return {
    debug: (msg, meta) => p.debug(meta ?? {}, msg),
    info: (msg, meta) => p.info(meta ?? {}, msg),
    warn: (msg, meta) => p.warn(meta ?? {}, msg),
    error: (msg, meta) => p.error(meta ?? {}, msg),
    child: (bindings) => wrap(p.child(bindings)),
  }
}

/** JSON lines to the given stream (stdout by default). */
export function createLogger(options: { level: LogLevel; destination?: NodeJS.WritableStream }): Logger {
  const p = pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    (options.destination ?? process.stdout) as pino.DestinationStream,
  )
  return wrap(p)
}

/** A logger that keeps lines in memory: for tests that assert on what was (not) logged. */
export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: LogLevel; msg: string; meta: LogMeta }> = []
  constructor(private readonly bindings: LogMeta = {}) {}
  private push(level: LogLevel, msg: string, meta?: LogMeta) {
    this.lines.push({ level, msg, meta: { ...this.bindings, ...meta } })
  }
  debug(msg: string, meta?: LogMeta) {
    this.push('debug', msg, meta)
  }
  info(msg: string, meta?: LogMeta) {
    this.push('info', msg, meta)
  }
  warn(msg: string, meta?: LogMeta) {
    this.push('warn', msg, meta)
  }
  error(msg: string, meta?: LogMeta) {
    this.push('error', msg, meta)
  }
  child(bindings: LogMeta): Logger {
    const child = new MemoryLogger({ ...this.bindings, ...bindings })
    // Children share the parent's line list so a test sees everything in one place.
    ;(child as { lines: MemoryLogger['lines'] }).lines = this.lines
    return child
  }
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
}
