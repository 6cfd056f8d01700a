/**
 * Saving a result without holding it in renderer memory. The desktop app: saveResult (the engine
 * streams the file to the path its Save dialog returns). The browser console (saveResult answers
 * NOT_AVAILABLE): a streamed GET of the results route, piped into the file the user picks
 * (File System Access API, with progress), or handed to the browser's own download manager.
 */
import type { ConsoleClient } from '../../../engine/console-api/contract'
import { currentHttpToken } from '../../console-client/console-client'
import { resultDownloadUrl } from '../../console-client/http-transport'

export type SaveOutcome = 'saved' | 'cancelled' | 'handed-to-browser'

interface SaveFilePicker {
  (options: { suggestedName: string }): Promise<{
    createWritable(): Promise<WritableStream<Uint8Array>>
  }>
}

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
  const picker = (win as unknown as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker
  if (!picker) {
    const a = win.document.createElement('a')
    a.href = url
    a.download = file.filename
    a.rel = 'noopener'
    win.document.body.append(a)
    a.click()
    a.remove()
    return 'handed-to-browser'
  }
  let handle
  try {
    handle = await picker.call(win, { suggestedName: file.filename })
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') return 'cancelled'
    throw error
  }
  const response = await fetch(url)
  if (!response.ok || !response.body) throw new Error(`The download answered HTTP ${response.status}.`)
  let saved = 0
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      saved += chunk.byteLength
      onProgress(saved, file.sizeBytes)
      controller.enqueue(chunk)
    },
  })
  await response.body.pipeThrough(counter).pipeTo(await handle.createWritable())
  return 'saved'
}
