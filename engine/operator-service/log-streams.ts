/**
 * Live tail of `<jobDir>/results/algorithm.log` while the algorithm runs. Polls with the injected
 * Clock (no fs.watch: it is unreliable across platforms and bind mounts). Ends after reading
 * what is left once the algorithm has ended, or when the caller aborts.
 */
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import type { Clock } from '../clock'

export const LOG_POLL_MS = 250

export function algorithmLogPath(jobDir: string): string {
  return join(jobDir, 'results', 'algorithm.log')
}

export async function* tailFile(
  path: string,
  isRunning: () => boolean,
  signal: AbortSignal,
  clock: Clock,
  pollMs = LOG_POLL_MS,
): AsyncGenerator<Buffer> {
  let position = 0
  for (;;) {
    if (signal.aborted) return
    const running = isRunning()
    const chunk = await readFrom(path, position)
    if (chunk.length > 0) {
      position += chunk.length
      yield chunk
      continue
    }
    if (!running) return
    await clock.sleep(pollMs)
  }
}

async function readFrom(path: string, position: number): Promise<Buffer> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch {
    return Buffer.alloc(0) // not created yet
  }
  try {
    const buffer = Buffer.alloc(64 * 1024)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/**
 * How many leading bytes of `bytes` end on a UTF-8 character boundary: a read or a tail chunk that
 * ends inside a multi-byte character keeps those bytes for the next one (else "\uFFFD" appears).
 */
export function utf8CompleteLength(bytes: Uint8Array): number {
  const n = bytes.length
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!
    if ((b & 0xc0) === 0x80) continue // continuation byte: look further back for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    return need > back ? n - back : n
  }
  return n
}
