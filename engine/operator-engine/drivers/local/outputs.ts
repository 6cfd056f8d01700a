/**
 * The publishing stage on disk: measures `/data/outputs`, packs it into `results/outputs.tar`
 * (npm `tar`, portable headers, entries under `outputs/` as Ocean's pod-publishing does) and lists
 * the result files with the contract's types. Also records that collection finished, so a resume
 * after a crash can report the same results again without redoing anything.
 */
import { lstat, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { create as createTar } from 'tar'
import type { CollectedResult } from '../../driver'

/** Result files in the order the consumer sees them (`index`). */
export const RESULT_FILES = [
  { filename: 'configuration.log', type: 'configurationLog' },
  { filename: 'algorithm.log', type: 'algorithmLog' },
  { filename: 'outputs.tar', type: 'output' },
  { filename: 'publish.log', type: 'publishLog' },
] as const satisfies ReadonlyArray<Pick<CollectedResult, 'filename' | 'type'>>

/** Written last: its presence means results/ is complete. */
export const COLLECTED_MARKER = '.collected.json'

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

/** The result files that exist in `resultsDir`, typed and sized. */
export async function listResults(resultsDir: string): Promise<CollectedResult[]> {
  const results: CollectedResult[] = []
  for (const file of RESULT_FILES) {
    const st = await stat(join(resultsDir, file.filename)).catch(() => undefined)
    if (st?.isFile()) results.push({ filename: file.filename, filesizeBytes: st.size, type: file.type })
  }
  return results
}

export async function writeCollectedMarker(resultsDir: string, results: CollectedResult[]): Promise<void> {
  const tmp = join(resultsDir, `${COLLECTED_MARKER}.tmp`)
  await writeFile(tmp, JSON.stringify(results))
  await rename(tmp, join(resultsDir, COLLECTED_MARKER))
}

export async function readCollectedMarker(resultsDir: string): Promise<CollectedResult[] | undefined> {
  try {
    return JSON.parse(await readFile(join(resultsDir, COLLECTED_MARKER), 'utf8')) as CollectedResult[]
  } catch {
    return undefined
  }
}
