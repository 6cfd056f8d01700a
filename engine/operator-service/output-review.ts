/**
 * What the publisher sees before releasing a held job (issue 12): the files of `outputs.tar` with
 * sizes, kinds and previews (text, CSV and JSON first rows; small images), and automated guards,
 * each pass, flag or skipped: output size, file count, allowed file patterns, and the leak check —
 * lines of the staged input dataset that appear verbatim in the outputs or in the algorithm log.
 *
 * The leak check indexes the (smaller) output side as a set of exact lines, bounded in bytes, then
 * streams every input line against it, bounded in time: memory grows with the outputs' indexed
 * bytes, never with the dataset. Reads files only; imports tar, node:* and the clock.
 */
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import { list as listTar } from 'tar'
import type { Clock } from '../clock'

export interface ReviewGuardSettings {
  /** Flag when outputs.tar's files add up to more (default: no limit). */
  outputBytesMax?: number
  /** Flag when outputs.tar holds more files (default: no limit). */
  fileCountMax?: number
  /** Glob patterns (`*`, `**`, `?`) every output path must match; empty: any name. */
  allowedPatterns?: readonly string[]
}

export interface LeakCheckLimits {
  /** Lines shorter than this (after trimming) are not compared: headers, numbers, blank lines. */
  minLineLength: number
  /** Output bytes indexed; beyond, the check reports what it covered. */
  outputIndexBytesMax: number
  /** Input scanning stops after this long and says so. */
  timeBudgetMs: number
}

export const DEFAULT_LEAK_CHECK_LIMITS: LeakCheckLimits = {
  minLineLength: 16,
  outputIndexBytesMax: 64 * 1024 * 1024,
  timeBudgetMs: 20_000,
}

export type ReviewFileKind = 'text' | 'csv' | 'json' | 'image' | 'binary'

export interface ReviewedFile {
  path: string
  sizeBytes: number
  kind: ReviewFileKind
  /** Text, CSV or JSON: the first lines (at most 20 lines, 8 KiB). */
  previewLines?: string[]
  /** Images up to 512 KiB: a data: URL for an <img>. */
  imageDataUrl?: string
}

export interface ReviewGuard {
  id: 'output-size' | 'file-count' | 'file-patterns' | 'output-leak' | 'log-leak'
  status: 'pass' | 'flag' | 'skipped'
  message: string
  /** Leak checks: up to 5 of the matching lines (cut at 120 characters); patterns: offending paths. */
  examples?: string[]
}

export interface OutputReview {
  files: ReviewedFile[]
  totalBytes: number
  algorithmLog?: { sizeBytes: number; previewLines: string[] }
  guards: ReviewGuard[]
}

export interface LeakCheckResult {
  matchedLines: number
  examples: string[]
  inputLinesScanned: number
  indexedOutputLines: number
  /** Why the check did not cover everything (time budget, index size), if it did not. */
  incomplete?: string
}

const PREVIEW_LINES = 20
const PREVIEW_BYTES = 8 * 1024
const IMAGE_BYTES_MAX = 512 * 1024
const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
}

function extensionOf(path: string): string {
  const dot = path.lastIndexOf('.')
  return dot < 0 ? '' : path.slice(dot + 1).toLowerCase()
}

function kindOf(path: string, head: Buffer): ReviewFileKind {
  const ext = extensionOf(path)
  if (IMAGE_TYPES[ext]) return 'image'
  if (ext === 'csv' || ext === 'tsv') return 'csv'
  if (ext === 'json' || ext === 'jsonl' || ext === 'ndjson') return 'json'
  return head.includes(0) ? 'binary' : 'text'
}

/** `*` one path segment part, `**` any depth, `?` one character; anchored. */
export function globToRegExp(glob: string): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*'
      i++
      if (glob[i + 1] === '/') i++
    } else if (c === '*') out += '[^/]*'
    else if (c === '?') out += '[^/]'
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${out}$`)
}

/** Splits a byte stream into lines (LF, CR trimmed), each handed to `line`. */
class LineSplitter {
  private rest = ''
  // A character cut between two chunks is completed by the next one, never replaced.
  private readonly decoder = new StringDecoder('utf8')
  constructor(private readonly line: (text: string) => boolean) {}
  /** False once `line` asked to stop. */
  push(chunk: Buffer): boolean {
    const parts = (this.rest + this.decoder.write(chunk)).split('\n')
    this.rest = parts.pop() ?? ''
    for (const p of parts) if (!this.line(p)) return false
    return true
  }
  end(): void {
    this.rest += this.decoder.end()
    if (this.rest) this.line(this.rest)
    this.rest = ''
  }
}

function normalised(line: string, minLength: number): string | undefined {
  const t = line.trim()
  return t.length >= minLength ? t : undefined
}

/** An exact-line index of output text, bounded in bytes. */
export class OutputLineIndex {
  readonly lines = new Set<string>()
  indexedBytes = 0
  truncated = false
  constructor(private readonly limits: LeakCheckLimits) {}
  splitter(): LineSplitter {
    return new LineSplitter((line) => {
      const t = normalised(line, this.limits.minLineLength)
      if (t === undefined) return true
      if (this.indexedBytes + t.length > this.limits.outputIndexBytesMax) {
        this.truncated = true
        return false
      }
      if (!this.lines.has(t)) {
        this.lines.add(t)
        this.indexedBytes += t.length
      }
      return true
    })
  }
}

/** Streams each input file's lines once against every index; stops at the time budget. */
export async function scanInputsForLines(
  inputFiles: readonly string[],
  indexes: readonly OutputLineIndex[],
  limits: LeakCheckLimits,
  clock: Pick<Clock, 'nowMs'>,
): Promise<LeakCheckResult[]> {
  const deadline = clock.nowMs() + limits.timeBudgetMs
  const matched = indexes.map(() => new Set<string>())
  const active = indexes.some((i) => i.lines.size > 0)
  let scanned = 0
  let stopped: string | undefined
  const onLine = (line: string): boolean => {
    scanned++
    if (scanned % 8192 === 0 && clock.nowMs() > deadline) {
      stopped = `stopped after ${limits.timeBudgetMs} ms, ${scanned} input lines scanned`
      return false
    }
    const t = normalised(line, limits.minLineLength)
    if (t !== undefined)
      for (let i = 0; i < indexes.length; i++) if (indexes[i]!.lines.has(t)) matched[i]!.add(t)
    return true
  }
  // Chunks split by hand: several times faster than node:readline on a 100 MB file.
  outer: for (const file of inputFiles) {
    if (!active) break
    const splitter = new LineSplitter(onLine)
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }))
      if (!splitter.push(chunk as Buffer)) break outer
    splitter.end()
  }
  return indexes.map((index, i) => {
    const incomplete = [
      index.truncated ? `only the first ${index.indexedBytes} bytes of lines were indexed` : undefined,
      stopped,
    ].filter(Boolean)
    return {
      matchedLines: matched[i]!.size,
      examples: [...matched[i]!].slice(0, 5).map((l) => (l.length > 120 ? `${l.slice(0, 117)}...` : l)),
      inputLinesScanned: scanned,
      indexedOutputLines: index.lines.size,
      ...(incomplete.length > 0 ? { incomplete: incomplete.join('; ') } : {}),
    }
  })
}

/** Every regular file under `dir` (the staged inputs), in a stable order. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  const walkDir = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const p = join(d, entry.name)
      if (entry.isDirectory()) walkDir(p)
      else if (entry.isFile()) out.push(p)
    }
  }
  walkDir(dir)
  return out
}

function leakGuard(id: 'output-leak' | 'log-leak', what: string, r: LeakCheckResult): ReviewGuard {
  const covered = `${r.inputLinesScanned} input lines against ${r.indexedOutputLines} ${what} lines`
  if (r.matchedLines > 0)
    return {
      id,
      status: 'flag',
      message: `${r.matchedLines} line(s) of the input dataset appear verbatim in the ${what} (${covered})${r.incomplete ? `; ${r.incomplete}` : ''}`,
      examples: r.examples,
    }
  return {
    id,
    status: 'pass',
    message: `No input line appears verbatim in the ${what} (${covered})${r.incomplete ? `; ${r.incomplete}` : ''}`,
  }
}

/**
 * Inspects a held job's results folder. `inputFiles`: the staged input files (local driver:
 * `<jobDir>/data/inputs`); empty: the leak checks are skipped with the reason.
 */
export async function reviewOutputs(input: {
  resultsDir: string
  outputsFile?: string
  algorithmLogFile?: string
  inputFiles: readonly string[]
  guards?: ReviewGuardSettings
  limits?: LeakCheckLimits
  clock: Pick<Clock, 'nowMs'>
}): Promise<OutputReview> {
  const limits = input.limits ?? DEFAULT_LEAK_CHECK_LIMITS
  const settings = input.guards ?? {}
  const files: ReviewedFile[] = []
  const outputIndex = new OutputLineIndex(limits)
  const tarPath = join(input.resultsDir, input.outputsFile ?? 'outputs.tar')
  if (existsSync(tarPath)) {
    await listTar({
      file: tarPath,
      onReadEntry: (entry) => {
        if (entry.type !== 'File') {
          entry.resume()
          return
        }
        const path = entry.path.replace(/^\.\//, '')
        const head: Buffer[] = []
        let headBytes = 0
        let kind: ReviewFileKind | undefined
        const image: Buffer[] = []
        const splitter = outputIndex.splitter()
        let indexing = true
        entry.on('data', (chunk: Buffer) => {
          if (headBytes < PREVIEW_BYTES) {
            head.push(chunk)
            headBytes += chunk.length
          }
          kind ??= kindOf(path, Buffer.concat(head))
          if (kind === 'image' && (entry.size ?? 0) <= IMAGE_BYTES_MAX) image.push(chunk)
          if (kind !== 'image' && kind !== 'binary' && indexing) indexing = splitter.push(chunk)
        })
        entry.on('end', () => {
          if (indexing) splitter.end()
          const k = kind ?? kindOf(path, Buffer.alloc(0))
          const file: ReviewedFile = { path, sizeBytes: entry.size ?? 0, kind: k }
          if (k === 'image' && image.length > 0)
            file.imageDataUrl = `data:${IMAGE_TYPES[extensionOf(path)]};base64,${Buffer.concat(image).toString('base64')}`
          else if (k !== 'binary' && k !== 'image')
            file.previewLines = Buffer.concat(head)
              .subarray(0, PREVIEW_BYTES)
              .toString('utf8')
              .split('\n')
              .slice(0, PREVIEW_LINES)
          files.push(file)
        })
      },
    })
  }
  const totalBytes = files.reduce((sum, f) => sum + f.sizeBytes, 0)
  const guards: ReviewGuard[] = []
  guards.push(
    settings.outputBytesMax === undefined
      ? { id: 'output-size', status: 'pass', message: `${totalBytes} bytes in outputs (no limit set)` }
      : totalBytes > settings.outputBytesMax
        ? {
            id: 'output-size',
            status: 'flag',
            message: `${totalBytes} bytes in outputs, over the limit of ${settings.outputBytesMax}`,
          }
        : {
            id: 'output-size',
            status: 'pass',
            message: `${totalBytes} bytes in outputs (limit ${settings.outputBytesMax})`,
          },
  )
  guards.push(
    settings.fileCountMax === undefined
      ? { id: 'file-count', status: 'pass', message: `${files.length} file(s) (no limit set)` }
      : files.length > settings.fileCountMax
        ? {
            id: 'file-count',
            status: 'flag',
            message: `${files.length} files, over the limit of ${settings.fileCountMax}`,
          }
        : {
            id: 'file-count',
            status: 'pass',
            message: `${files.length} file(s) (limit ${settings.fileCountMax})`,
          },
  )
  const patterns = (settings.allowedPatterns ?? []).map(globToRegExp)
  const offending = patterns.length === 0 ? [] : files.filter((f) => !patterns.some((p) => p.test(f.path)))
  guards.push(
    patterns.length === 0
      ? { id: 'file-patterns', status: 'pass', message: 'Any file name is allowed (no pattern set)' }
      : offending.length > 0
        ? {
            id: 'file-patterns',
            status: 'flag',
            message: `${offending.length} file(s) match none of ${settings.allowedPatterns!.join(', ')}`,
            examples: offending.slice(0, 5).map((f) => f.path),
          }
        : {
            id: 'file-patterns',
            status: 'pass',
            message: `Every file matches ${settings.allowedPatterns!.join(', ')}`,
          },
  )
  const logPath = join(input.resultsDir, input.algorithmLogFile ?? 'algorithm.log')
  let algorithmLog: OutputReview['algorithmLog']
  const logIndex = new OutputLineIndex(limits)
  if (existsSync(logPath)) {
    const splitter = logIndex.splitter()
    const preview: string[] = []
    let indexing = true
    for await (const chunk of createReadStream(logPath)) {
      const buf = chunk as Buffer
      if (preview.length < PREVIEW_LINES)
        preview.push(...buf.toString('utf8').split('\n').slice(0, PREVIEW_LINES))
      if (indexing) indexing = splitter.push(buf)
      else break
    }
    if (indexing) splitter.end()
    algorithmLog = { sizeBytes: statSync(logPath).size, previewLines: preview.slice(0, PREVIEW_LINES) }
  }
  if (input.inputFiles.length === 0) {
    const why =
      'the staged input dataset is not on this machine (the job ran on another backend, or it was cleaned up)'
    guards.push({ id: 'output-leak', status: 'skipped', message: `Leak check skipped: ${why}` })
    guards.push({ id: 'log-leak', status: 'skipped', message: `Log leak check skipped: ${why}` })
  } else {
    const [outputs, log] = await scanInputsForLines(
      input.inputFiles,
      [outputIndex, logIndex],
      limits,
      input.clock,
    )
    guards.push(leakGuard('output-leak', 'outputs', outputs!))
    guards.push(
      algorithmLog
        ? leakGuard('log-leak', 'algorithm log', log!)
        : { id: 'log-leak', status: 'pass', message: 'The job wrote no algorithm log' },
    )
  }
  return { files, totalBytes, ...(algorithmLog ? { algorithmLog } : {}), guards }
}
