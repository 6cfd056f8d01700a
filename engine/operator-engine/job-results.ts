/**
 * A job's result folder (`<jobDir>/results`), shared by every driver: the result files in the order
 * consumers see them, their listing with the contract's types, and the marker written last that
 * says collection finished — so a resume after a crash reports the same results without redoing
 * anything. Pure file-system helpers; no driver specifics.
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CollectedResult } from './driver'

/** Result files in the order the consumer sees them (`index`). */
export const RESULT_FILES = [
  { filename: 'configuration.log', type: 'configurationLog' },
  { filename: 'algorithm.log', type: 'algorithmLog' },
  { filename: 'outputs.tar', type: 'output' },
  { filename: 'publish.log', type: 'publishLog' },
] as const satisfies ReadonlyArray<Pick<CollectedResult, 'filename' | 'type'>>

/** Written last: its presence means results/ is complete. */
export const COLLECTED_MARKER = '.collected.json'

export function resultsDirOf(jobDir: string): string {
  return join(jobDir, 'results')
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
