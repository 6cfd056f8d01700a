/**
 * The configuration stage on disk: builds the job volume of c2d.md in `<jobDir>/data` (inputs,
 * ddos, transformations, outputs, logs) from a JobSpec. Writes what it did to the configuration
 * log in words a consumer may read: DIDs and sizes, never URLs, headers or local paths.
 */
import { constants, createWriteStream } from 'node:fs'
import { lchown, lstat, mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { JobSpec } from '../../driver'
import { fetchToFile, FetchFailure } from './file-fetch'

/**
 * Made with the volume, before the sandbox's argv is built: buildBwrapArgs binds a read-only data
 * folder only if it exists then, so one made later while staging (persistentStorage was) would stay
 * writable through the rw /data bind.
 */
export const VOLUME_SUBDIRS = [
  'inputs',
  'ddos',
  'outputs',
  'logs',
  'transformations',
  'persistentStorage',
] as const

export function dataDirOf(jobDir: string): string {
  return join(jobDir, 'data')
}

export function resultsDirOf(jobDir: string): string {
  return join(jobDir, 'results')
}

export interface StagingContext {
  ipfsGateway: string
  arweaveGateway: string
  /** Appends one line to configuration.log. */
  log: (line: string) => void
  signal?: AbortSignal
  /** Copies a previous run staged completely (stagedCopies): kept instead of fetched again. */
  reuse?: ReadonlyMap<string, number>
}

/**
 * Written to the job folder (root's, not /data) once staging is complete: each fetched file's
 * place under /data and its size. After a crash before the algorithm ran, the copies it names are
 * reused, and a job whose sources are gone can still run from them.
 */
export const STAGED_MARKER = 'staged.json'

/** Where a dataset file (or the algorithm, index undefined) is staged, relative to /data. */
export function stagedPathOf(did: string | undefined, index?: number): string {
  return did === undefined ? 'transformations/algorithm' : `inputs/${did}/${index}`
}

const BUCKET_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/**
 * Where a persistent-storage file is staged, relative to /data (Ocean Node mounts it there):
 * undefined unless the bucket id is a bucket id and the name one path segment.
 */
export function storagePathOf(bucketId: string, fileName: string): string | undefined {
  if (!BUCKET_ID.test(bucketId)) return undefined
  if (fileName === '' || fileName === '.' || fileName === '..' || /[/\\\u0000-\u001f\u007f]/.test(fileName))
    return undefined
  return `persistentStorage/${bucketId}/${fileName}`
}

/**
 * Copies a bucket file without following links: the file must be a regular file directly in its
 * bucket's folder (`…/<bucketId>/<fileName>`), never a link that points elsewhere on this computer.
 */
async function copyBucketFile(
  input: { bucketId: string; fileName: string; path: string },
  destPath: string,
  maxBytes: number,
): Promise<{ sizeBytes: number }> {
  if (basename(input.path) !== input.fileName || basename(dirname(input.path)) !== input.bucketId)
    throw new FetchFailure('the file is not in its bucket')
  const st = await lstat(input.path).catch(() => undefined)
  if (!st?.isFile()) throw new FetchFailure('the file is no longer in its bucket')
  if (st.size > maxBytes)
    throw new FetchFailure(`the file is ${st.size} bytes, larger than the limit of ${maxBytes} bytes`)
  // O_NOFOLLOW: a link swapped in after the check is refused by open itself.
  const source = await open(input.path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined)
  if (!source) throw new FetchFailure('the file is no longer in its bucket')
  try {
    await pipeline(source.createReadStream(), createWriteStream(destPath, { flags: 'w' }))
  } finally {
    await source.close().catch(() => undefined)
  }
  return { sizeBytes: (await stat(destPath)).size }
}

/** The staged copies that are still intact (present, with the size staging recorded). */
export async function stagedCopies(jobDir: string): Promise<Map<string, number>> {
  const intact = new Map<string, number>()
  let recorded: Record<string, number>
  try {
    recorded = JSON.parse(await readFile(join(jobDir, STAGED_MARKER), 'utf8')) as Record<string, number>
  } catch {
    return intact
  }
  for (const [path, size] of Object.entries(recorded)) {
    if (typeof size !== 'number' || path.split('/').includes('..')) continue
    const st = await stat(join(dataDirOf(jobDir), path)).catch(() => undefined)
    if (st?.isFile() && st.size === size) intact.set(path, size)
  }
  return intact
}

/** Which part of staging failed: the state machine maps datasets to 31 and the algorithm to 32. */
export type StagingResult = { ok: true } | { ok: false; stage: 'dataset' | 'algorithm'; reason: string }

export async function createVolume(jobDir: string): Promise<void> {
  const data = dataDirOf(jobDir)
  // The job folder and results are private (0700): staged datasets and outputs stay the publisher's.
  await mkdir(jobDir, { recursive: true, mode: 0o700 })
  for (const sub of VOLUME_SUBDIRS) await mkdir(join(data, sub), { recursive: true })
  await mkdir(resultsDirOf(jobDir), { recursive: true, mode: 0o700 })
}

/**
 * Gives a tree (not following links) to `owner`: the job's /data, before the algorithm runs as the
 * host's unprivileged user (sandbox-launch.ts). Modes stay (0700/0600 under the umask).
 */
export async function chownTree(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  await lchown(dir, owner.uid, owner.gid)
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) await chownTree(path, owner)
    else await lchown(path, owner.uid, owner.gid)
  }
}

/** A DID becomes a folder name: refuse anything that could climb out of /data/inputs. */
export function isSafeDid(did: string): boolean {
  return /^[A-Za-z0-9:._-]+$/.test(did) && did !== '.' && did !== '..'
}

export async function stageInputs(spec: JobSpec, context: StagingContext): Promise<StagingResult> {
  const data = dataDirOf(spec.jobDir)
  const fetchOptions = {
    maxBytes: spec.limits.inputFileBytesMax,
    ipfsGateway: context.ipfsGateway,
    arweaveGateway: context.arweaveGateway,
    signal: context.signal,
  }
  const staged: Record<string, number> = {}
  const reused = async (key: string, label: string): Promise<boolean> => {
    const size = context.reuse?.get(key)
    if (size === undefined) return false
    const st = await stat(join(data, key)).catch(() => undefined)
    if (!st?.isFile() || st.size !== size) return false
    staged[key] = size
    context.log(`${label}: ${size} bytes (the copy staged before the restart)`)
    return true
  }
  for (const dataset of spec.datasets) {
    if (!isSafeDid(dataset.did))
      return { ok: false, stage: 'dataset', reason: 'a dataset DID contains characters that are not allowed' }
    const folder = join(data, 'inputs', dataset.did)
    await mkdir(folder, { recursive: true })
    await writeFile(join(data, 'ddos', dataset.did), JSON.stringify(dataset.ddo ?? {}, null, 2))
    for (const [index, source] of dataset.files.entries()) {
      const key = stagedPathOf(dataset.did, index)
      if (await reused(key, `dataset ${dataset.did} file ${index}`)) continue
      try {
        const { sizeBytes } = await fetchToFile(source, join(folder, String(index)), fetchOptions)
        staged[key] = sizeBytes
        context.log(`dataset ${dataset.did} file ${index}: ${sizeBytes} bytes (${source.type})`)
      } catch (error) {
        const reason = `dataset ${dataset.did} file ${index}: ${safeMessage(error)}`
        context.log(`failed: ${reason}`)
        return { ok: false, stage: 'dataset', reason }
      }
    }
  }
  for (const input of spec.storageInputs ?? []) {
    const key = storagePathOf(input.bucketId, input.fileName)
    const label = `persistent storage file ${input.fileName}`
    if (key === undefined)
      return {
        ok: false,
        stage: 'dataset',
        reason: 'a persistent storage file has a name that is not allowed',
      }
    if (await reused(key, label)) continue
    try {
      await mkdir(join(data, 'persistentStorage', input.bucketId), { recursive: true })
      const { sizeBytes } = await copyBucketFile(input, join(data, key), spec.limits.inputFileBytesMax)
      staged[key] = sizeBytes
      context.log(`${label}: ${sizeBytes} bytes (nodePersistentStorage)`)
    } catch (error) {
      const reason = `${label}: ${safeMessage(error)}`
      context.log(`failed: ${reason}`)
      return { ok: false, stage: 'dataset', reason }
    }
  }
  if (spec.algorithm.did && isSafeDid(spec.algorithm.did)) {
    await writeFile(join(data, 'ddos', spec.algorithm.did), JSON.stringify(spec.algorithm.ddo ?? {}, null, 2))
  }
  if (spec.algoCustomData) {
    await writeFile(join(data, 'inputs', 'algoCustomData.json'), JSON.stringify(spec.algoCustomData))
    context.log('algoCustomData.json written')
  }
  const algorithmPath = join(data, 'transformations', 'algorithm')
  const source = spec.algorithm.source
  try {
    if (source.type === 'rawcode') {
      await writeFile(algorithmPath, source.code)
      context.log(`algorithm: raw code, ${Buffer.byteLength(source.code)} bytes`)
    } else if (!(await reused(stagedPathOf(undefined), `algorithm ${spec.algorithm.did ?? ''}`.trim()))) {
      const { sizeBytes } = await fetchToFile(source, algorithmPath, fetchOptions)
      staged[stagedPathOf(undefined)] = sizeBytes
      context.log(
        `algorithm ${spec.algorithm.did ?? ''}: ${sizeBytes} bytes (${source.type})`.replace('  ', ' '),
      )
    }
  } catch (error) {
    const reason = `algorithm: ${safeMessage(error)}`
    context.log(`failed: ${reason}`)
    return { ok: false, stage: 'algorithm', reason }
  }
  await writeFile(join(spec.jobDir, STAGED_MARKER), JSON.stringify(staged))
  return { ok: true }
}

function safeMessage(error: unknown): string {
  // Only FetchFailure texts are known to be free of URLs and paths.
  return error instanceof FetchFailure ? error.message : 'the file could not be written to the job volume'
}
