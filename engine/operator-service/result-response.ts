/**
 * Sends one result file over Fastify with byte ranges (RFC 9110 §14): the Operator-Service HTTP API
 * and the Provider's computeResult answer the same way. An unsatisfiable range throws (416) after
 * setting `Content-Range: bytes * /size`, for the caller's error handler to render.
 */
import { createReadStream } from 'node:fs'
import type { FastifyReply } from 'fastify'
import { byteRange, type OpenedResult } from './results'

const READ_CHUNK_BYTES = 1024 * 1024

export function replyWithResult(
  reply: FastifyReply,
  file: OpenedResult,
  rangeHeader: string | undefined,
): FastifyReply {
  let range: { start: number; end: number } | undefined
  try {
    range = byteRange(rangeHeader, file.sizeBytes)
  } catch (error) {
    reply.header('content-range', `bytes */${file.sizeBytes}`)
    throw error
  }
  const start = range?.start ?? 0
  const end = range?.end ?? file.sizeBytes - 1
  if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${file.sizeBytes}`)
  return reply
    .header('content-type', file.contentType)
    .header('content-length', String(end - start + 1))
    .header('accept-ranges', 'bytes')
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .send(
      file.sizeBytes === 0
        ? Buffer.alloc(0)
        : // Big reads: a 1 MiB result is one read and one socket write, not sixteen 64 KiB rounds.
          createReadStream(file.path, {
            start,
            end,
            highWaterMark: Math.min(READ_CHUNK_BYTES, end - start + 1),
          }),
    )
}
