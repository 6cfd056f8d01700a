/**
 * The publishing stage on disk: measures `/data/outputs`, packs it into `results/outputs.tar`
 * (npm `tar`, portable headers, entries under `outputs/` as Ocean's pod-publishing does) and lists
 * the result files with the contract's types. Also records that collection finished, so a resume
 * after a crash can report the same results again without redoing anything.
 */
import { lstat, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { create as createTar } from 'tar'

export {
  COLLECTED_MARKER,
  RESULT_FILES,
  listResults,
  readCollectedMarker,
  writeCollectedMarker,
} from '../../job-results'

/** Bytes of regular files under `dir` (symlinks are not followed: they could point at the host). */
export async function directorySizeBytes(dir: string): Promise<number> {
  let total = 0
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) total += await directorySizeBytes(path)
    else if (entry.isFile()) total += (await lstat(path).catch(() => ({ size: 0 }))).size
  }
  return total
}

/** Packs `<dataDir>/outputs` into `tarPath`; returns the archive's size. */
export async function packOutputs(dataDir: string, tarPath: string): Promise<number> {
  // Symlinks are stored as links, never followed: an algorithm cannot exfiltrate host files this way.
  await createTar({ file: tarPath, cwd: dataDir, portable: true, follow: false }, ['outputs'])
  return (await stat(tarPath)).size
}
