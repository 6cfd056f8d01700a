/**
 * Sends one result file over Fastify with byte ranges (RFC 9110 §14): the Operator-Service HTTP API
 * and the Provider's computeResult answer the same way. An unsatisfiable range throws (416) after
 * setting `Content-Range: bytes * /size`, for the caller's error handler to render.
 *
 * Speed (bench/provider, computeResult of 1 MiB at 64 connections). A file stream per request
 * allocated a fresh 1 MiB buffer (an mmap, a page fault per 4 KiB on the read, a munmap and GC
 * pressure from 64 MiB of external memory in flight), and piped it through three stream layers.
 * Up to `WHOLE_READ_MAX_BYTES` the bytes to send are now read in one `read` (thread pool) into a
 * buffer taken from a small pool, and sent as one Buffer: Fastify writes headers and body in one
 * writev, as a bare `node:http` server does. The buffer goes back to the pool only once the
 * response has finished (the socket has taken every byte); a response cut short drops it.
 * The file is opened before anything is sent: a result deleted since it was listed answers 404
 * (RESULT_NOT_FOUND), and one that shrank meanwhile fails before the headers, never mid-body.
 * Bigger files stream as before (1 MiB reads).
 */
import { closeSync, createReadStream, openSync, read } from 'node:fs'
import type { FastifyReply } from 'fastify'
import { C2dError } from '../c2d-error'
import { byteRange, type OpenedResult } from './results'

const READ_CHUNK_BYTES = 1024 * 1024
/** Ranges up to this size are read whole into a pooled buffer and sent in one write. */
export const WHOLE_READ_MAX_BYTES = 4 * 1024 * 1024
/** Smallest pooled size class (smaller reads use it too): powers of two up to the maximum. */
const MIN_CLASS_BYTES = 64 * 1024
/** Pooled buffers kept, all classes together; more in flight than this are allocated and dropped. */
const POOL_MAX_BYTES = 64 * 1024 * 1024
/** The pool is emptied after this long without a whole read (memory back after a burst). */
const POOL_IDLE_MS = 30_000

/** Free buffers per size class; exported for the tests (sizes, reuse, idle release). */
export class BufferPool {
  private readonly free = new Map<number, Buffer[]>()
  private pooledBytes = 0
  private idleTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly maxBytes = POOL_MAX_BYTES,
    private readonly idleMs = POOL_IDLE_MS,
  ) {}

  static classOf(length: number): number {
    let size = MIN_CLASS_BYTES
    while (size < length) size *= 2
    return size
  }

  /** A buffer of at least `length` bytes (its content is whatever was there). */
  take(length: number): Buffer {
    const size = BufferPool.classOf(length)
    const buffer = this.free.get(size)?.pop()
    if (buffer) {
      this.pooledBytes -= size
      return buffer
    }
    // Never Buffer.allocUnsafe's shared slab: a pooled buffer must own its memory.
    return Buffer.allocUnsafeSlow(size)
  }

  /** Back into the pool; only once nothing (the socket) still reads from it. */
  give(buffer: Buffer): void {
    const size = buffer.length
    if (size !== BufferPool.classOf(size) || this.pooledBytes + size > this.maxBytes) return
    let list = this.free.get(size)
    if (!list) this.free.set(size, (list = []))
    list.push(buffer)
    this.pooledBytes += size
    this.armIdleRelease()
  }

  /** Bytes held by free buffers. */
  get bytesPooled(): number {
    return this.pooledBytes
  }

  clear(): void {
    this.free.clear()
    this.pooledBytes = 0
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = undefined
  }

  private armIdleRelease(): void {
    if (this.idleTimer) this.idleTimer.refresh()
    else {
      this.idleTimer = setTimeout(() => this.clear(), this.idleMs)
      this.idleTimer.unref()
    }
  }
}

const pool = new BufferPool()

function notOnDisk(file: OpenedResult, cause: unknown): C2dError {
  return new C2dError('RESULT_NOT_FOUND', 404, `Result ${file.filename} is no longer on disk`, { cause })
}

/** `length` bytes of `path` from `start`, read at once into a pooled buffer (see the file comment). */
function readWhole(file: OpenedResult, start: number, length: number): Promise<Buffer> {
  let fd: number
  try {
    fd = openSync(file.path, 'r')
  } catch (cause) {
    throw notOnDisk(file, cause)
  }
  const buffer = pool.take(length)
  return new Promise((resolve, reject) => {
    read(fd, buffer, 0, length, start, (error, bytesRead) => {
      try {
        closeSync(fd)
      } catch {
        // the read's answer is what counts
      }
      if (error) reject(error)
      else if (bytesRead !== length) {
        pool.give(buffer)
        reject(notOnDisk(file, new Error(`read ${bytesRead} of ${length} bytes: the file changed`)))
      } else resolve(buffer)
    })
  })
}

export async function replyWithResult(
  reply: FastifyReply,
  file: OpenedResult,
  rangeHeader: string | undefined,
): Promise<FastifyReply> {
  let range: { start: number; end: number } | undefined
  try {
    range = byteRange(rangeHeader, file.sizeBytes)
  } catch (error) {
    reply.header('content-range', `bytes */${file.sizeBytes}`)
    throw error
  }
  const start = range?.start ?? 0
  const end = range?.end ?? file.sizeBytes - 1
  const length = end - start + 1
  let body: Buffer | ReturnType<typeof createReadStream>
  if (file.sizeBytes === 0) body = Buffer.alloc(0)
  else if (length <= WHOLE_READ_MAX_BYTES) {
    const buffer = await readWhole(file, start, length)
    body = buffer.subarray(0, length)
    const response = reply.raw
    // 'finish': the last byte was handed to the socket. A response closed without it drops the buffer.
    response.once('finish', () => pool.give(buffer))
  } else {
    // Big reads: one 1 MiB read and one socket write per round, not sixteen 64 KiB rounds.
    body = createReadStream(file.path, { start, end, highWaterMark: READ_CHUNK_BYTES })
  }
  if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${file.sizeBytes}`)
  return reply
    .header('content-type', file.contentType)
    .header('content-length', String(length))
    .header('accept-ranges', 'bytes')
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .send(body)
}
