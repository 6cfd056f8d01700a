/**
 * When each part of a log arrived, kept beside the log (the log itself stays byte for byte what
 * the algorithm wrote: algorithm.log is the file consumers download). The sidecar
 * `<dir>/.<name>.times` holds one record per arrival, "<byteOffset> <epochMs>\n": the bytes from
 * that offset on (until the next record) arrived at that time. A line's time is the record
 * covering its first byte, i.e. when its first bytes reached the engine. Records are appended
 * synchronously before the bytes they describe are written to the log, so a reader that sees a
 * log byte always finds its record. A log written before times were kept has no sidecar.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { Transform } from 'node:stream'

export function logTimesPath(logPath: string): string {
  return join(dirname(logPath), `.${basename(logPath)}.times`)
}

/** Appends arrival records for one log (opened with 'w': a log rewritten from the start restarts its times). */
export class LogTimesRecorder {
  private fd: number | undefined
  private lastMs = Number.NaN

  constructor(logPath: string, flags: 'w' | 'a' = 'w') {
    this.fd = openSync(logTimesPath(logPath), flags)
  }

  /** The bytes of the log from `offset` on arrive at `atMs` (a record only when the time moved). */
  record(offset: number, atMs: number): void {
    if (this.fd === undefined || atMs === this.lastMs) return
    this.lastMs = atMs
    writeSync(this.fd, `${offset} ${Math.round(atMs)}\n`)
  }

  close(): void {
    if (this.fd === undefined) return
    closeSync(this.fd)
    this.fd = undefined
  }
}

/** The records of a sidecar, parsed incrementally as it grows (only whole records). */
export class LogTimesReader {
  offsets = new Float64Array(256)
  times = new Float64Array(256)
  count = 0
  /** False until a sidecar was found: the log has no times. */
  exists = false
  private readBytes = 0

  constructor(readonly logPath: string) {}

  async refresh(): Promise<void> {
    let handle
    try {
      handle = await open(logTimesPath(this.logPath), 'r')
    } catch {
      this.reset()
      this.exists = false
      return
    }
    try {
      const { size } = await handle.stat()
      if (size < this.readBytes) this.reset() // rewritten from the start
      this.exists = true
      if (size === this.readBytes) return
      const bytes = Buffer.allocUnsafe(size - this.readBytes)
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, this.readBytes)
      const text = bytes.toString('latin1', 0, bytesRead)
      const whole = text.lastIndexOf('\n') + 1
      for (const record of text.slice(0, whole).split('\n')) {
        const space = record.indexOf(' ')
        if (space <= 0) continue
        this.push(Number(record.slice(0, space)), Number(record.slice(space + 1)))
      }
      this.readBytes += whole
    } finally {
      await handle.close()
    }
  }

  private reset(): void {
    this.count = 0
    this.readBytes = 0
  }

  private push(offset: number, atMs: number): void {
    if (!Number.isFinite(offset) || !Number.isFinite(atMs)) return
    if (this.count === this.offsets.length) {
      const offsets = new Float64Array(this.count * 2)
      const times = new Float64Array(this.count * 2)
      offsets.set(this.offsets)
      times.set(this.times)
      this.offsets = offsets
      this.times = times
    }
    this.offsets[this.count] = offset
    this.times[this.count++] = atMs
  }

  /** When the byte at `offset` arrived; null before the first record (or with no sidecar). */
  timeAt(offset: number): number | null {
    let lo = 0
    let hi = this.count
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.offsets[mid]! <= offset) lo = mid + 1
      else hi = mid
    }
    return lo === 0 ? null : this.times[lo - 1]!
  }
}

/** "2026-12-02T20:34:07.123456789Z" (RFC 3339, any fraction, Z or ±hh:mm) → epoch ms; NaN if not one. */
export function parseRfc3339Ms(text: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text)
  if (!m) return Number.NaN
  const whole = Date.parse(`${m[1]}${m[3]}`)
  const fraction = m[2] ? Number(`0.${m[2]}`) * 1000 : 0
  return whole + fraction
}

/**
 * The pod log API's `timestamps=true` text → the container's own bytes: every line comes as
 * "<RFC3339Nano> <text>"; the prefix is cut and its time recorded for the line's offset in the
 * stripped output. Lines may arrive split over chunks. A line without a parsable prefix is kept
 * whole (and takes the previous line's time).
 */
export class TimestampStripper {
  private outBytes = 0
  /** Bytes of a prefix not finished in the last chunk (at a line start). */
  private prefix: Buffer | null = Buffer.alloc(0)

  constructor(private readonly onTime: (offset: number, atMs: number) => void) {}

  /** The stripped bytes of `chunk`. */
  push(chunk: Buffer): Buffer {
    const out: Buffer[] = []
    let at = 0
    while (at < chunk.length) {
      if (this.prefix !== null) {
        // At a line start: collect the prefix up to its space.
        const space = chunk.indexOf(32, at)
        const newline = chunk.indexOf(10, at)
        const end = space === -1 ? -1 : newline !== -1 && newline < space ? -1 : space
        if (end === -1 && newline === -1) {
          this.prefix = Buffer.concat([this.prefix, chunk.subarray(at)])
          if (this.prefix.length > 64) this.flushAsText(out) // not a timestamp: it is text
          break
        }
        if (end === -1) {
          // A line with no space before its end: no prefix, keep it as text.
          this.prefix = Buffer.concat([this.prefix, chunk.subarray(at, newline + 1)])
          this.flushAsText(out)
          this.prefix = Buffer.alloc(0)
          at = newline + 1
          continue
        }
        const stamp = Buffer.concat([this.prefix, chunk.subarray(at, end)]).toString('latin1')
        const atMs = parseRfc3339Ms(stamp)
        if (Number.isNaN(atMs)) {
          this.prefix = Buffer.concat([this.prefix, chunk.subarray(at, end + 1)])
          this.flushAsText(out)
          at = end + 1
        } else {
          this.onTime(this.outBytes, atMs)
          this.prefix = null
          at = end + 1
        }
        continue
      }
      const newline = chunk.indexOf(10, at)
      const stop = newline === -1 ? chunk.length : newline + 1
      out.push(chunk.subarray(at, stop))
      this.outBytes += stop - at
      at = stop
      if (newline !== -1) this.prefix = Buffer.alloc(0)
    }
    return Buffer.concat(out)
  }

  /** What is held at the end of the stream (an unfinished prefix is text). */
  end(): Buffer {
    const out: Buffer[] = []
    if (this.prefix && this.prefix.length > 0) this.flushAsText(out)
    return Buffer.concat(out)
  }

  private flushAsText(out: Buffer[]): void {
    const held = this.prefix!
    out.push(held)
    this.outBytes += held.length
    this.prefix = held[held.length - 1] === 10 ? Buffer.alloc(0) : null
  }
}

/** A Transform that strips the pod log's timestamps, recording them (see TimestampStripper). */
export function stripTimestamps(onTime: (offset: number, atMs: number) => void): Transform {
  const stripper = new TimestampStripper(onTime)
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, stripper.push(chunk))
    },
    flush(done) {
      done(null, stripper.end())
    },
  })
}
