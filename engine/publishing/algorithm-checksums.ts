/**
 * The two checksums a dataset's `publisherTrustedAlgorithms` entry pins, computed exactly as
 * Ocean Node's `getAlgoChecksums` does, so a DDO published here is honoured by any Ocean
 * Provider and the console's Provider checks trust the same way (the provider imports these):
 *
 * - `filesChecksum`: the sha256 hex of each algorithm file's content, concatenated in the order
 *   of the service's files (no separator).
 * - `containerSectionChecksum`: sha256 hex of `container.entrypoint + container.checksum`
 *   (string concatenation; a missing checksum would hash the text "undefined" there, so the DDO
 *   always carries one, possibly empty).
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { AssetRecord } from './asset-registry'
import type { AlgorithmContainer, Ddo, FileSource, TrustedAlgorithm } from './ddo'
import { publishingError } from './publishing-errors'

export function sha256Hex(content: Uint8Array | string): string {
  return createHash('sha256').update(content).digest('hex')
}

/** Ocean's filesChecksum from each file's content checksum, in DDO order. */
export function filesChecksum(contentChecksums: string[]): string {
  return contentChecksums.join('')
}

export function containerSectionChecksum(
  container: Pick<AlgorithmContainer, 'entrypoint'> & { checksum?: string },
): string {
  return sha256Hex(container.entrypoint + (container.checksum ?? 'undefined'))
}

/** Reads a file source's bytes: local paths and http(s) URLs (IPFS/Arweave need a gateway: pass `read`). */
export async function readFileSourceBytes(source: FileSource): Promise<Uint8Array> {
  if (source.type === 'local') return readFile(source.path)
  if (source.type === 'url') {
    const method = (source.method ?? 'GET').toUpperCase()
    const response = await fetch(source.url, { method, headers: source.headers ?? {} })
    if (!response.ok) throw new Error(`file answered HTTP ${response.status}`)
    return new Uint8Array(await response.arrayBuffer())
  }
  throw new Error(`${source.type} files need a gateway reader to compute their checksum`)
}

/** filesChecksum of an algorithm's plain file sources. */
export async function computeFilesChecksum(
  files: FileSource[],
  read: (source: FileSource) => Promise<Uint8Array> = readFileSourceBytes,
): Promise<string> {
  const sums: string[] = []
  for (const f of files) sums.push(sha256Hex(await read(f)))
  return filesChecksum(sums)
}

/** The trusted-algorithm entry a dataset needs to allow `algorithm` (its DDO and plain files). */
export async function trustedAlgorithmEntry(
  algorithm: { ddo: Ddo; files: FileSource[] },
  read?: (source: FileSource) => Promise<Uint8Array>,
): Promise<TrustedAlgorithm> {
  const container = algorithm.ddo.metadata.algorithm?.container
  if (!container) throw new Error(`${algorithm.ddo.id} is not an algorithm (no metadata.algorithm.container)`)
  return {
    did: algorithm.ddo.id,
    filesChecksum: await computeFilesChecksum(algorithm.files, read),
    containerSectionChecksum: containerSectionChecksum(container),
  }
}

/**
 * The trusted-algorithm entry for an algorithm this console stores (its DDO and the plain files of
 * its first service): what publishing pins into a dataset that trusts it by DID, and what the
 * publish wizard previews before anything is signed (getTrustedAlgorithmChecksums), so both are
 * one computation. A file that cannot be read: ALGORITHM_FILES_UNREADABLE.
 */
export async function pinnedTrustedAlgorithm(
  record: Pick<AssetRecord, 'ddo' | 'files'>,
  read?: (source: FileSource) => Promise<Uint8Array>,
): Promise<TrustedAlgorithm> {
  const files = record.files[record.ddo.services[0]?.id ?? ''] ?? []
  try {
    return await trustedAlgorithmEntry({ ddo: record.ddo, files }, read)
  } catch (error) {
    throw publishingError(
      'ALGORITHM_FILES_UNREADABLE',
      `The files of algorithm ${record.ddo.id} could not be read to compute its checksums: ${error instanceof Error ? error.message : String(error)}`,
      { details: { did: record.ddo.id }, cause: error },
    )
  }
}
