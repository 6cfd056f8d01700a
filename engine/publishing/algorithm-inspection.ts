/**
 * What the approval inbox shows of a refused algorithm (issue 12): its DDO from this console's
 * registry, and its code — the raw code the consumer sent, or each file of a published algorithm
 * this console can read (first 64 KiB as text) — with the files checksum of what was read, so the
 * publisher sees whether it is the code the request was refused with.
 *
 * Publishing layer: registry records and file sources; shapes match console-api/contract.ts
 * `accessRequestAlgorithmSchema` structurally.
 */
import type { FileSource } from '../file-source'
import { filesChecksum, readFileSourceBytes, sha256Hex } from './algorithm-checksums'
import type { AssetRecord } from './asset-registry'

export const CODE_PREVIEW_BYTES = 64 * 1024

export interface AlgorithmCodeFile {
  name: string
  sizeBytes: number
  sha256: string
  text: string | null
  truncated: boolean
  note?: string
}

export interface AlgorithmInspection {
  ddo: Record<string, unknown> | null
  name: string | null
  author: string | null
  code: AlgorithmCodeFile[]
  filesChecksumNow: string | null
  matchesRequest: boolean
}

/** Text when the bytes are UTF-8 without NULs; otherwise null (binary). */
function asText(bytes: Uint8Array): { text: string | null; truncated: boolean } {
  const head = bytes.subarray(0, CODE_PREVIEW_BYTES)
  if (head.includes(0)) return { text: null, truncated: false }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(head)
    return { text, truncated: bytes.length > head.length }
  } catch {
    // A cut in the middle of a multi-byte character is not binary: decode leniently then.
    if (bytes.length > head.length) return { text: new TextDecoder('utf-8').decode(head), truncated: true }
    return { text: null, truncated: false }
  }
}

/** Files are named by position only: their URLs and paths never cross the console API. */
function fileName(source: FileSource, index: number): string {
  return `file ${index + 1} (${source.type})`
}

export async function inspectAlgorithm(input: {
  /** The algorithm's registry record; undefined for raw code or a DID this console does not hold. */
  record: AssetRecord | undefined
  rawCode: string | null
  /** The files checksum the request was refused with. */
  requestFilesChecksum: string | null
  read?: (source: FileSource) => Promise<Uint8Array>
}): Promise<AlgorithmInspection> {
  const read = input.read ?? readFileSourceBytes
  if (input.rawCode !== null) {
    const bytes = new TextEncoder().encode(input.rawCode)
    const sum = sha256Hex(bytes)
    return {
      ddo: null,
      name: null,
      author: null,
      code: [{ name: 'raw code', sizeBytes: bytes.length, sha256: sum, ...asText(bytes) }],
      filesChecksumNow: sum,
      matchesRequest: sum === input.requestFilesChecksum,
    }
  }
  const record = input.record
  if (!record || record.kind !== 'algorithm')
    return { ddo: null, name: null, author: null, code: [], filesChecksumNow: null, matchesRequest: false }
  const serviceId = record.ddo.services[0]?.id ?? ''
  const sources = record.files[serviceId] ?? []
  const code: AlgorithmCodeFile[] = []
  const sums: string[] = []
  let complete = true
  for (const [index, source] of sources.entries()) {
    try {
      const bytes = await read(source)
      const sha256 = sha256Hex(bytes)
      sums.push(sha256)
      const { text, truncated } = asText(bytes)
      code.push({
        name: fileName(source, index),
        sizeBytes: bytes.length,
        sha256,
        text,
        truncated,
        ...(text === null ? { note: 'binary file' } : {}),
      })
    } catch (error) {
      complete = false
      code.push({
        name: fileName(source, index),
        sizeBytes: 0,
        sha256: '',
        text: null,
        truncated: false,
        // The cause may name the URL or path: only its code is shown.
        note: `cannot be read here${(error as { code?: unknown }).code ? ` (${String((error as { code?: unknown }).code)})` : ''}`,
      })
    }
  }
  const now = complete && sources.length > 0 ? filesChecksum(sums) : null
  return {
    ddo: record.ddo as unknown as Record<string, unknown>,
    name: record.ddo.metadata?.name ?? null,
    author: record.ddo.metadata?.author ?? null,
    code,
    filesChecksumNow: now,
    matchesRequest: now !== null && now === input.requestFilesChecksum,
  }
}
