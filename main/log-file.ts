/**
 * The Electron app's log destination: JSON lines (the engine's pino logger) appended to
 * `<userData>/logs/main.log`, rotated by size to main.1.log … main.<maxFiles-1>.log, oldest dropped.
 * Writes are synchronous so the last lines before a crash are on disk. Redaction happens in the
 * logger (engine/logging.ts); this file only moves bytes and must never throw at the app: a full
 * disk costs log lines, not the console.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'

export interface RotatingLogOptions {
  dir: string
  fileName?: string
  maxBytes?: number
  /** Files kept in total, the live one included. */
  maxFiles?: number
}

export const DEFAULT_LOG_MAX_BYTES = 5 * 1024 * 1024
export const DEFAULT_LOG_MAX_FILES = 5

export class RotatingLogFile extends Writable {
  readonly path: string
  private readonly base: string
  private readonly maxBytes: number
  private readonly maxFiles: number
  private fd: number | null = null
  private sizeBytes = 0
  /** Write failures swallowed so far (disk full, folder removed); for diagnostics. */
  droppedWrites = 0

  constructor(private readonly options: RotatingLogOptions) {
    super({ decodeStrings: true })
    const fileName = options.fileName ?? 'main.log'
    this.base = fileName.replace(/\.log$/, '')
    this.path = join(options.dir, fileName)
    this.maxBytes = options.maxBytes ?? DEFAULT_LOG_MAX_BYTES
    this.maxFiles = Math.max(1, options.maxFiles ?? DEFAULT_LOG_MAX_FILES)
    mkdirSync(options.dir, { recursive: true })
    this.open()
  }

  /** Path of the n-th rotated file (1 = newest). */
  rotatedPath(n: number): string {
    return join(this.options.dir, `${this.base}.${n}.log`)
  }

  private open() {
    this.fd = openSync(this.path, 'a', 0o600)
    this.sizeBytes = fstatSync(this.fd).size
  }

  private rotate() {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
    const oldest = this.maxFiles - 1
    if (oldest < 1) {
      rmSync(this.path, { force: true })
    } else {
      rmSync(this.rotatedPath(oldest), { force: true })
      for (let n = oldest - 1; n >= 1; n--)
        if (existsSync(this.rotatedPath(n))) renameSync(this.rotatedPath(n), this.rotatedPath(n + 1))
      renameSync(this.path, this.rotatedPath(1))
    }
    this.open()
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      if (this.sizeBytes > 0 && this.sizeBytes + chunk.length > this.maxBytes) this.rotate()
      if (this.fd === null) this.open()
      writeSync(this.fd!, chunk)
      this.sizeBytes += chunk.length
    } catch {
      this.droppedWrites++
    }
    callback()
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
    callback()
  }
}
