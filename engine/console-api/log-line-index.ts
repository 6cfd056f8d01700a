/**
 * A line index over a log file that may still be growing: the byte offset where each line starts,
 * built incrementally (each call scans only the bytes appended since the last one) and cached per
 * path, so a window of lines or a search never re-scans a 51 MB log per request. Lines split on
 * "\n" (a "\r" before it is dropped); 0x0A never occurs inside a UTF-8 sequence, so byte offsets
 * are safe split points. An unfinished last line of a running log is cut before a partial
 * character. When the log has a times sidecar (operator-engine/log-times.ts: when the engine
 * received each part), each line of a window comes with the time its first byte arrived.
 * Node-only (fs); the console service receives it as a port.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { LogTimesReader } from '../operator-engine/log-times'
import { utf8CompleteLength } from '../operator-service/log-streams'

const SCAN_BYTES = 1_048_576
/** Bytes of whole lines read per step of a search (bounded memory however large the log). */
const SEARCH_BYTES = 1_048_576

export interface LogLineWindow {
  lines: string[]
  /** Per line, when the engine received it (epoch ms); absent when the log has no recorded times. */
  times?: Array<number | null>
  /** The log has recorded times (written since the engine keeps them). */
  hasTimes: boolean
  fromLine: number
  /** Lines in the file now, the unfinished last one included. */
  lineCount: number
  sizeBytes: number
}

export interface LogSearchInput {
  query: string
  isCaseSensitive: boolean
  fromLine: number
  direction: 'forward' | 'backward'
  limit: number
}

export interface LogSearchResult {
  /** In search order; `column` counts UTF-16 units, as the renderer's strings do. */
  matches: Array<{ line: number; column: number }>
  /** Where the next search in the same direction starts; null = nothing further. */
  nextCursor: number | null
  lineCount: number
}

export class LogLineIndex {
  /** starts[i] = byte offset of line i; starts[0] = 0. */
  private starts = new Float64Array(1024)
  private count = 1
  private scannedBytes = 0
  private sizeBytes = 0
  private pending: Promise<void> = Promise.resolve()
  private readonly times: LogTimesReader

  constructor(readonly path: string) {
    this.times = new LogTimesReader(path)
  }

  /** Scans what was appended since the last call (one scan at a time); a shrunk file is re-indexed. */
  refresh(): Promise<void> {
    // The times first: every record is written before the bytes it describes, so each indexed
    // byte has its record.
    const run = this.pending.then(async () => {
      await this.times.refresh()
      await this.scan()
    })
    this.pending = run.catch(() => {})
    return run
  }

  get lineCount(): number {
    return this.starts[this.count - 1]! < this.sizeBytes ? this.count : this.count - 1
  }

  private async scan(): Promise<void> {
    let handle: FileHandle
    try {
      handle = await open(this.path, 'r')
    } catch {
      this.reset(0) // not written yet
      return
    }
    try {
      const { size } = await handle.stat()
      if (size < this.scannedBytes) this.reset(0)
      const buffer = Buffer.alloc(Math.min(SCAN_BYTES, Math.max(1, size - this.scannedBytes)))
      while (this.scannedBytes < size) {
        const want = Math.min(buffer.length, size - this.scannedBytes)
        const { bytesRead } = await handle.read(buffer, 0, want, this.scannedBytes)
        if (bytesRead === 0) break
        for (let at = buffer.indexOf(10, 0); at !== -1 && at < bytesRead; at = buffer.indexOf(10, at + 1))
          this.push(this.scannedBytes + at + 1)
        this.scannedBytes += bytesRead
      }
      this.sizeBytes = this.scannedBytes
    } finally {
      await handle.close()
    }
  }

  private reset(size: number): void {
    this.starts = new Float64Array(1024)
    this.count = 1
    this.scannedBytes = size
    this.sizeBytes = size
  }

  private push(offset: number): void {
    if (this.count === this.starts.length) {
      const grown = new Float64Array(this.starts.length * 2)
      grown.set(this.starts)
      this.starts = grown
    }
    this.starts[this.count++] = offset
  }

  /** Lines [fromLine, fromLine + maxLines) as indexed by the last refresh. */
  async readLines(fromLine: number, maxLines: number): Promise<LogLineWindow> {
    const lineCount = this.lineCount
    const hasTimes = this.times.exists
    const base = { fromLine, lineCount, sizeBytes: this.sizeBytes, hasTimes }
    const end = Math.min(lineCount, fromLine + maxLines)
    if (fromLine >= end) return { ...base, lines: [], ...(hasTimes ? { times: [] } : {}) }
    const { text, isOpenEnd } = await this.readText(fromLine, end)
    const lines = text.split('\n')
    if (!isOpenEnd) lines.pop() // the '' after the last "\n"
    for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith('\r')) lines[i] = lines[i]!.slice(0, -1)
    if (!hasTimes) return { ...base, lines }
    const times = lines.map((_, i) => this.times.timeAt(this.starts[fromLine + i]!))
    return { ...base, lines, times }
  }

  /** The bytes of lines [from, to) as on disk (fewer if the file is shorter than the index says). */
  private async readBytes(from: number, to: number): Promise<Buffer> {
    const handle = await open(this.path, 'r')
    try {
      return await this.readBytesWith(handle, from, to, Buffer.allocUnsafe(this.byteLength(from, to)))
    } finally {
      await handle.close()
    }
  }

  private byteLength(from: number, to: number): number {
    return (to < this.count ? this.starts[to]! : this.sizeBytes) - this.starts[from]!
  }

  /** readBytes through an open handle, into `into` (at least byteLength(from, to) long). */
  private async readBytesWith(handle: FileHandle, from: number, to: number, into: Buffer): Promise<Buffer> {
    const { bytesRead } = await handle.read(into, 0, this.byteLength(from, to), this.starts[from]!)
    return into.subarray(0, bytesRead)
  }

  /** The text of lines [from, to), "\n"s and any "\r"s kept (`from < to <= lineCount`). */
  private async readText(from: number, to: number): Promise<{ text: string; isOpenEnd: boolean }> {
    return this.decodeLines(await this.readBytes(from, to), to)
  }

  private decodeLines(bytes: Buffer, to: number): { text: string; isOpenEnd: boolean } {
    // An unfinished last line may end inside a character still being written.
    const isOpenEnd = to === this.lineCount && bytes[bytes.length - 1] !== 10
    const text = new TextDecoder().decode(isOpenEnd ? bytes.subarray(0, utf8CompleteLength(bytes)) : bytes)
    return { text, isOpenEnd }
  }

  /** The first line starting at or after byte `offset` (binary search over the index). */
  private lineAtByte(offset: number): number {
    let lo = 0
    let hi = this.count
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.starts[mid]! < offset) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /**
   * The lines of a window (lines [from, to), its bytes as read) holding the needle, in file order,
   * found in the bytes by `find` (see byteFinder): no decode of the window. The column (UTF-16
   * units) decodes just the matched line's bytes before the match.
   */
  private matchesIn(from: number, to: number, bytes: Buffer, find: ByteFinder) {
    const fromByte = this.starts[from]!
    const next = find(bytes)
    const found: Array<{ line: number; column: number }> = []
    for (let at = next(0); at !== -1;) {
      // The line holding byte `at`: the last line starting at or before it.
      const line = this.lineAtByte(fromByte + at + 1) - 1
      const lineStart = this.starts[line]! - fromByte
      found.push({ line, column: bytes.toString('utf8', lineStart, at).length })
      if (line + 1 >= to) break
      at = next(this.starts[line + 1]! - fromByte) // one match per line
    }
    return found
  }

  /**
   * matchesIn over decoded text: one lowercase and indexOf per window (the slow path: a
   * case-insensitive needle with a character whose lowercase is two, as İ).
   */
  private matchesInText(from: number, to: number, bytes: Buffer, needle: string) {
    // One decode of the whole window (no split into lines); a CRLF's "\r" ends a line, harmlessly.
    const hay = this.decodeLines(bytes, to).text.toLowerCase()
    const found: Array<{ line: number; column: number }> = []
    let line = from
    let lineStart = 0
    let nextBreak = hay.indexOf('\n')
    for (let at = hay.indexOf(needle); at !== -1;) {
      while (nextBreak !== -1 && nextBreak < at) {
        line++
        lineStart = nextBreak + 1
        nextBreak = hay.indexOf('\n', lineStart)
      }
      found.push({ line, column: at - lineStart })
      if (nextBreak === -1) break
      at = hay.indexOf(needle, nextBreak + 1) // one match per line
    }
    return found
  }

  /** Matches of `query` from `fromLine` (forward: that line on; backward: the lines before it). */
  async search(input: LogSearchInput): Promise<LogSearchResult> {
    // Found in the bytes (see byteFinder), so "É" still finds "é"; else as decoded text.
    const find = byteFinder(input.query, input.isCaseSensitive)
    const needle = input.query.toLowerCase()
    const lineCount = this.lineCount
    const matches: LogSearchResult['matches'] = []
    const forward = input.direction === 'forward'
    let cursor = Math.min(Math.max(0, input.fromLine), lineCount)
    if (forward ? cursor >= lineCount : cursor <= 0) return { matches, nextCursor: null, lineCount }
    // One handle and one buffer for every window of this search (a window of a single line longer
    // than SEARCH_BYTES grows it).
    const handle = await open(this.path, 'r')
    let buffer = Buffer.allocUnsafe(SEARCH_BYTES + SEARCH_BYTES / 4)
    try {
      while (forward ? cursor < lineCount : cursor > 0) {
        // Windows of about SEARCH_BYTES of whole lines (at least one line).
        const from = forward
          ? cursor
          : Math.min(cursor - 1, this.lineAtByte(this.starts[cursor]! - SEARCH_BYTES))
        const to = forward
          ? Math.min(lineCount, Math.max(cursor + 1, this.lineAtByte(this.starts[cursor]! + SEARCH_BYTES)))
          : cursor
        if (this.byteLength(from, to) > buffer.length) buffer = Buffer.allocUnsafe(this.byteLength(from, to))
        const bytes = await this.readBytesWith(handle, from, to, buffer)
        const found = find
          ? this.matchesIn(from, to, bytes, find)
          : this.matchesInText(from, to, bytes, needle)
        if (!forward) found.reverse()
        for (const match of found) {
          matches.push(match)
          if (matches.length === input.limit) {
            const next = forward ? match.line + 1 : match.line
            const hasMore = forward ? next < lineCount : next > 0
            return { matches, nextCursor: hasMore ? next : null, lineCount }
          }
        }
        cursor = forward ? to : from
      }
    } finally {
      await handle.close()
    }
    return { matches, nextCursor: null, lineCount }
  }
}

/**
 * Finds a needle in a window's bytes: `find(bytes)` answers `next(fromByte)`, the byte offset of
 * the first match at or after fromByte, or -1.
 */
type ByteFinder = (bytes: Buffer) => (fromByte: number) => number

/**
 * How a query is found in a window's bytes: as its UTF-8 (case-sensitive, or no letter), an
 * i-RegExp (ASCII), or its characters' cased variants (other letters); null when it must be
 * searched as decoded text (see casedVariantsFinder).
 */
function byteFinder(query: string, isCaseSensitive: boolean): ByteFinder | null {
  if (!isCaseSensitive && /[^\x00-\x7f]/.test(query)) return casedVariantsFinder(query)
  if (isCaseSensitive || !/[A-Za-z]/.test(query)) {
    const needle = Buffer.from(query, 'utf8')
    return (bytes) => (fromByte) => bytes.indexOf(needle, fromByte)
  }
  // An ASCII needle, any case: a RegExp with the i flag over the window read as latin1, instead of
  // folding a copy of the window byte by byte (a JS loop over every byte, ~10× slower on 51 MB).
  // Latin1 is one character per byte, so string offsets are byte offsets; and without the u flag,
  // i never folds a character ≥ 0x80 onto an ASCII one (ECMA-262 Canonicalize), so the needle's
  // letters match ASCII letters only, never a byte of a UTF-8 sequence.
  return latin1Finder(new RegExp(escapeLatin1(query), 'gi'))
}

/** `pattern` (flag g) run over each window read as latin1: string offsets are byte offsets. */
function latin1Finder(pattern: RegExp): ByteFinder {
  return (bytes) => {
    const text = bytes.toString('latin1')
    return (fromByte) => {
      pattern.lastIndex = fromByte
      return pattern.exec(text)?.index ?? -1
    }
  }
}

/** Latin1 text as a RegExp source matching it literally (bytes ≥ 0x80 as \xHH). */
function escapeLatin1(text: string): string {
  return text
    .replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
    .replace(/[\x80-\xff]/g, (c) => '\\x' + c.charCodeAt(0).toString(16))
}

/**
 * A case-insensitive needle with non-ASCII letters, found in the bytes all the same: each of its
 * characters becomes the alternation of the UTF-8 of every character with the same lowercase (ü:
 * ü or Ü; k: k, K or the Kelvin sign), matched over the window as latin1. Folding copies of the
 * text would change byte lengths; decoding and lowercasing each window costs ~4× this. A character
 * whose lowercase is more than one (İ) leaves it to the decoded-text path (null).
 */
function casedVariantsFinder(query: string): ByteFinder | null {
  let source = ''
  for (const char of query) {
    const lower = char.toLowerCase()
    if ([...lower].length !== 1) return null
    const variants = [lower, ...(lowercaseSources().get(lower) ?? [])]
    const alternatives = variants.map((v) => escapeLatin1(Buffer.from(v, 'utf8').toString('latin1')))
    source += alternatives.length === 1 ? alternatives[0] : `(?:${alternatives.join('|')})`
  }
  return latin1Finder(new RegExp(source, 'g'))
}

let lowercaseSourcesMap: Map<string, string[]> | undefined
/** Per lowercase character, the other characters that lowercase to it (built once, ~10 ms). */
function lowercaseSources(): Map<string, string[]> {
  if (lowercaseSourcesMap) return lowercaseSourcesMap
  const map = new Map<string, string[]>()
  // Every cased character is in the BMP or in U+10400–U+1E9FF (Deseret … Adlam).
  const scan = (first: number, last: number) => {
    for (let cp = first; cp <= last; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const char = String.fromCodePoint(cp)
      const lower = char.toLowerCase()
      if (lower === char || [...lower].length !== 1) continue
      const sources = map.get(lower)
      if (sources) sources.push(char)
      else map.set(lower, [char])
    }
  }
  scan(0, 0xffff)
  scan(0x10400, 0x1e9ff)
  lowercaseSourcesMap = map
  return map
}

/** One index per path, the most recently used kept (a job page reads a few logs at a time). */
export function createLogLineCache(maxFiles = 8) {
  const indexes = new Map<string, LogLineIndex>()
  const indexOf = async (path: string): Promise<LogLineIndex> => {
    let index = indexes.get(path)
    if (index) indexes.delete(path)
    else index = new LogLineIndex(path)
    indexes.set(path, index)
    while (indexes.size > maxFiles) indexes.delete(indexes.keys().next().value!)
    await index.refresh()
    return index
  }
  return {
    readLines: async (path: string, fromLine: number, maxLines: number) =>
      (await indexOf(path)).readLines(fromLine, maxLines),
    search: async (path: string, input: LogSearchInput) => (await indexOf(path)).search(input),
  }
}
export type LogLineCache = ReturnType<typeof createLogLineCache>
