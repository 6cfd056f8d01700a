/**
 * The console service's file reads and copies, streamed: a byte range of a log (readJobLog) and a
 * result copied to a chosen path (saveResult). Neither holds a whole file in memory.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'

/** Up to maxBytes from fromByte and the file's size now; a missing file reads as empty. */
export async function readFileRange(
  path: string,
  fromByte: number,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; sizeBytes: number }> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch {
    return { bytes: new Uint8Array(0), sizeBytes: 0 } // not written yet
  }
  try {
    const { size } = await handle.stat()
    const buffer = Buffer.alloc(Math.max(0, Math.min(maxBytes, size - fromByte)))
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, fromByte)
    return { bytes: buffer.subarray(0, bytesRead), sizeBytes: size }
  } finally {
    await handle.close()
  }
}

/** Streams `from` to `to` (64 KiB at a time), reporting the bytes copied so far. */
export async function copyFileStreamed(
  from: string,
  to: string,
  onProgress: (copiedBytes: number) => void,
): Promise<void> {
  let copied = 0
  const source = createReadStream(from)
  source.on('data', (chunk) => {
    copied += chunk.length
    onProgress(copied)
  })
  await pipeline(source, createWriteStream(to))
}
