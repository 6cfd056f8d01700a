/**
 * Result files of a job: `<dataDir>/jobs/<jobId>/results/<filename>`, addressed by index.
 * Never resolves a path outside the job's results folder.
 */
import { statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { C2dError } from '../c2d-error'
import type { JobResultFile } from './job-record'

export function jobDirOf(dataDir: string, jobId: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(jobId) || jobId === '.' || jobId === '..') {
    throw new C2dError('FILE_NAME_INVALID', 400, 'Invalid job id')
  }
  return join(dataDir, 'jobs', jobId)
}

export function resultsDirOf(jobDir: string): string {
  return join(jobDir, 'results')
}

export function contentTypeOf(type: JobResultFile['type']): string {
  if (type === 'receipt') return 'application/json'
  return type === 'output' ? 'application/octet-stream' : 'text/plain; charset=utf-8'
}

export interface OpenedResult {
  path: string
  sizeBytes: number
  filename: string
  contentType: string
}

export function openResultFile(
  jobDir: string,
  results: readonly JobResultFile[],
  index: number,
): OpenedResult {
  const file = Number.isInteger(index) ? results.find((r) => r.index === index) : undefined
  if (!file) throw new C2dError('RESULT_NOT_FOUND', 404, `No result with index ${index}`)
  // A driver-reported name is still untrusted: no separators, no dot-dot.
  if (
    basename(file.filename) !== file.filename ||
    file.filename === '..' ||
    file.filename === '.' ||
    file.filename.includes('\\')
  ) {
    throw new C2dError('FILE_NAME_INVALID', 400, 'Invalid result file name')
  }
  const path = join(resultsDirOf(jobDir), file.filename)
  let sizeBytes: number
  try {
    sizeBytes = statSync(path).size
  } catch (cause) {
    throw new C2dError('RESULT_NOT_FOUND', 404, `Result ${index} is no longer on disk`, { cause })
  }
  return { path, sizeBytes, filename: file.filename, contentType: contentTypeOf(file.type) }
}

/**
 * The bytes to send for a `Range` header (RFC 9110 §14): `bytes=N-`, `bytes=N-M` and the suffix
 * `bytes=-N`; undefined means "send the whole file" (no header, or a multi-range form we do not
 * serve, which the RFC lets a server ignore). RANGE_NOT_SATISFIABLE when no byte of it exists —
 * always so for an empty file.
 */
export function byteRange(
  range: string | undefined,
  sizeBytes: number,
): { start: number; end: number } | undefined {
  if (range === undefined) return undefined
  const m = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(range.trim())
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  let start: number
  let end: number
  if (m[1] === '') {
    const suffix = Number(m[2])
    start = Math.max(0, sizeBytes - suffix)
    end = sizeBytes - 1
    if (suffix === 0) start = sizeBytes
  } else {
    start = Number(m[1])
    end = m[2] === '' ? sizeBytes - 1 : Math.min(Number(m[2]), sizeBytes - 1)
    if (m[2] !== '' && Number(m[2]) < start) return undefined
  }
  if (start >= sizeBytes || end < start) {
    throw new C2dError(
      'RANGE_NOT_SATISFIABLE',
      416,
      `Range "${range.slice(0, 64)}" cannot be served for ${sizeBytes} bytes`,
      { details: { sizeBytes } },
    )
  }
  return { start, end }
}
