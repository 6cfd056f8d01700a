/**
 * The publishing stage on disk: measures `/data/outputs`, packs it into `results/outputs.tar`
 * (npm `tar`, portable headers, entries under `outputs/` as Ocean's pod-publishing does) and lists
 * the result files with the contract's types. Also records that collection finished, so a resume
 * after a crash can report the same results again without redoing anything.
 *
 * What the algorithm left is hostile input: only regular files, directories and symlinks (kept as
 * links, never followed) are packed. A FIFO or socket would block the packer forever (reading a
 * FIFO waits for a writer), a device would read the host; they are skipped and named in publish.log.
 */
import { createWriteStream } from 'node:fs'
import { lstat, readdir, rm, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { create as createTar } from 'tar'

export {
  COLLECTED_MARKER,
  RESULT_FILES,
  listResults,
  readCollectedMarker,
  writeCollectedMarker,
} from '../../job-results'

export interface OutputsScan {
  /** Apparent bytes of the regular files: what the archive holds (a sparse file at full size). */
  apparentBytes: number
  /** Bytes the regular files occupy on disk (st.blocks × 512): what preallocation costs. */
  allocatedBytes: number
  /** Paths (relative to the outputs folder) that are neither file, directory nor symlink. */
  skipped: Array<{ path: string; type: string }>
  /**
   * What `dir` itself is when it is not a real folder (the algorithm owns /data and may replace
   * outputs with a link to a host path): nothing under it is measured or packed.
   */
  notAFolder?: string
}

function specialType(st: import('node:fs').Stats): string {
  if (st.isFIFO()) return 'fifo'
  if (st.isSocket()) return 'socket'
  if (st.isCharacterDevice()) return 'character device'
  if (st.isBlockDevice()) return 'block device'
  return 'unknown'
}

/**
 * What `dir` is when it is not a real folder ('absent', 'a symlink', ...), undefined when it is
 * one. Checked with lstat: a link the algorithm planted is never followed by the (root) console.
 */
export async function notAFolder(dir: string): Promise<string | undefined> {
  const st = await lstat(dir).catch(() => undefined)
  if (!st) return 'absent'
  if (st.isDirectory()) return undefined
  if (st.isSymbolicLink()) return 'a symlink'
  return st.isFile() ? 'a file' : `a ${specialType(st)}`
}

/** Walks `dir` with lstat (never following symlinks) and measures what would be packed. */
export async function scanOutputs(dir: string): Promise<OutputsScan> {
  const scan: OutputsScan = { apparentBytes: 0, allocatedBytes: 0, skipped: [] }
  const what = await notAFolder(dir)
  if (what !== undefined) return { ...scan, notAFolder: what }
  const walk = async (current: string): Promise<void> => {
    const names = await readdir(current).catch(() => [] as string[])
    for (const name of names) {
      const path = join(current, name)
      const st = await lstat(path).catch(() => undefined)
      if (!st) continue
      if (st.isDirectory()) await walk(path)
      else if (st.isFile()) {
        scan.apparentBytes += st.size
        scan.allocatedBytes += st.blocks * 512
      } else if (!st.isSymbolicLink()) scan.skipped.push({ path: relative(dir, path), type: specialType(st) })
    }
  }
  await walk(dir)
  return scan
}

/** The larger of the two measures of `dir` (symlinks are not followed: they could point at the host). */
export async function directorySizeBytes(dir: string): Promise<number> {
  const scan = await scanOutputs(dir)
  return Math.max(scan.apparentBytes, scan.allocatedBytes)
}

export class PackTimeoutError extends Error {
  readonly code = 'ETIMEDOUT'
}

/**
 * Packs `<dataDir>/outputs` into `tarPath`; returns the archive's size. Rejects (and removes the
 * partial archive) when `signal` aborts: the caller's timeout or a stop.
 */
export async function packOutputs(dataDir: string, tarPath: string, signal?: AbortSignal): Promise<number> {
  signal?.throwIfAborted()
  // The filter runs on tar's own lstat, before it opens anything: special files are never opened.
  const pack = createTar(
    {
      cwd: dataDir,
      portable: true,
      follow: false,
      filter: (_path, st) => {
        const s = st as {
          isFile?: () => boolean
          isDirectory?: () => boolean
          isSymbolicLink?: () => boolean
        }
        return Boolean(s.isFile?.() || s.isDirectory?.() || s.isSymbolicLink?.())
      },
    },
    ['outputs'],
  )
  try {
    await pipeline(pack, createWriteStream(tarPath, { mode: 0o600 }), { signal })
  } catch (error) {
    await rm(tarPath, { force: true })
    if (signal?.aborted)
      throw signal.reason instanceof Error ? signal.reason : new PackTimeoutError('aborted')
    throw error
  }
  return (await stat(tarPath)).size
}
