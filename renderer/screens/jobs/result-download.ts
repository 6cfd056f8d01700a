/**
 * Saving a result without holding it in renderer memory. The desktop app: saveResult (the engine
 * streams the file to the path its Save dialog returns). The browser console (saveResult answers
 * NOT_AVAILABLE): the results route handed to the browser's own download manager, which streams
 * it to disk and shows its progress (the renderer never holds the file).
 */
import type { ConsoleClient } from '../../../engine/console-api/contract'
import { currentHttpToken } from '../../console-client/console-client'
import { resultDownloadUrl } from '../../console-client/http-transport'

export type SaveOutcome = 'saved' | 'cancelled' | 'handed-to-browser'

export async function saveResult(
  client: ConsoleClient,
  file: { jobId: string; index: number; filename: string; sizeBytes: number },
  onProgress: (savedBytes: number, totalBytes: number) => void,
  win: Window = window,
): Promise<SaveOutcome> {
  try {
    const { savedTo } = await client.saveResult({ jobId: file.jobId, index: file.index })
    return savedTo === null ? 'cancelled' : 'saved'
  } catch (error) {
    if ((error as { code?: string }).code !== 'NOT_AVAILABLE') throw error
  }
  const url = resultDownloadUrl(win.location.origin, currentHttpToken(win), file.jobId, file.index)
  const a = win.document.createElement('a')
  a.href = url
  a.download = file.filename
  a.rel = 'noopener'
  win.document.body.append(a)
  a.click()
  a.remove()
  return 'handed-to-browser'
}
