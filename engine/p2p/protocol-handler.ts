/**
 * The `/ocean/nodes/1.0.0` stream handler, framed as Ocean Node frames it: the client writes one
 * length-prefixed JSON command; the node answers one length-prefixed status frame
 * (`{ httpStatus, error? }`), then the data — the whole JSON answer in one frame, or the bytes of a
 * result or a live log as a frame per chunk — and closes. ocean.js parses the last frame of a JSON
 * answer and streams every frame after the status for results and logs. An upload
 * (`persistentStorageUploadFile`, `p2pStreamBody: true`) sends its file after the command as one
 * frame per chunk and an empty frame at the end; those frames are the request body, as a stream.
 *
 * The work itself is the Provider's: each command is injected into the Provider app (same
 * validation, signatures, nonces, rate limit keyed by the remote peer).
 */
import type { Connection, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { Readable } from 'node:stream'
import type { Logger } from '../logging'
import { errorText, mapCommand, type InjectRequest } from './ocean-commands'

export const OCEAN_PROTOCOL = '/ocean/nodes/1.0.0'

export interface InjectAnswer {
  statusCode: number
  stream(): Readable
}

/** The Provider, as seen from P2P: one in-process request. */
export type ProviderInject = (request: InjectRequest & { remoteAddress: string }) => Promise<InjectAnswer>

export interface ProtocolHandlerDeps {
  inject: ProviderInject
  peerId(): string
  logger: Logger
  /** How long the client has to send its command (Ocean Node: 30 s). */
  commandTimeoutMs?: number
}

const HANDSHAKE_MS = 30_000
/** Results and logs may take long; a stalled reader still frees the stream eventually. */
const DATA_WRITE_MS = 30 * 60_000
/** Frames stay well under the length-prefix decoder's 4 MiB default. */
const MAX_FRAME_BYTES = 1024 * 1024

/** Between two frames of a streamed request body (an upload), as Ocean Node waits for a command. */
const BODY_FRAME_MS = 60_000

type FrameReader = ReturnType<typeof lpStream>

/**
 * The frames after the command as one byte stream (ocean.js `p2pStreamBody`): one frame per chunk,
 * an empty frame at the end. A stream that ends or stalls before it errors the body, so the
 * upload is refused and nothing is kept.
 */
export function bodyFromFrames(lp: Pick<FrameReader, 'read'>): Readable {
  return Readable.from(
    (async function* () {
      for (;;) {
        const frame = await lp.read({ signal: AbortSignal.timeout(BODY_FRAME_MS) })
        if (frame.byteLength === 0) return
        yield Buffer.from(frame.subarray())
      }
    })(),
    { objectMode: false },
  )
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string))
  return Buffer.concat(chunks)
}

export function createProtocolHandler(deps: ProtocolHandlerDeps) {
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))
  return async function handleOceanStream(stream: Stream, connection: Connection): Promise<void> {
    const lp = lpStream(stream)
    const remotePeer = connection.remotePeer.toString()
    const log = deps.logger.child({ component: 'p2p', peer: remotePeer })
    const finish = async (status: number, error: string) => {
      try {
        await lp.write(json({ httpStatus: status, error }), { signal: AbortSignal.timeout(HANDSHAKE_MS) })
        await stream.close()
      } catch (e) {
        stream.abort(e instanceof Error ? e : new Error(String(e)))
      }
    }
    let task: unknown
    try {
      const frame = await lp.read({ signal: AbortSignal.timeout(deps.commandTimeoutMs ?? HANDSHAKE_MS) })
      task = JSON.parse(Buffer.from(frame.subarray()).toString('utf8'))
    } catch {
      await finish(400, 'Invalid command')
      return
    }
    const mapped = mapCommand(task)
    if (!mapped.ok) {
      await finish(mapped.status, mapped.error)
      return
    }
    const command = (task as { command: string }).command
    let body: Readable | undefined
    try {
      // The peer ID keys the Provider's per-client rate limit, as the IP does over HTTP.
      const request = mapped.request.streamBody
        ? { ...mapped.request, body: bodyFromFrames(lp) }
        : mapped.request
      const answer = await deps.inject({ ...request, remoteAddress: remotePeer })
      body = answer.stream()
      if (answer.statusCode >= 400) {
        const text = (await readAll(body)).toString('utf8')
        log.info('p2p command refused', { command, status: answer.statusCode })
        await finish(answer.statusCode, errorText(text))
        return
      }
      const writeSignal = () => AbortSignal.timeout(HANDSHAKE_MS)
      await lp.write(json({ httpStatus: answer.statusCode }), { signal: writeSignal() })
      if (mapped.request.answer === 'stream') {
        for await (const chunk of body) {
          const bytes: Buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string)
          for (let at = 0; at < bytes.length; at += MAX_FRAME_BYTES)
            await lp.write(bytes.subarray(at, at + MAX_FRAME_BYTES), {
              signal: AbortSignal.timeout(DATA_WRITE_MS),
            })
        }
      } else {
        let bytes = await readAll(body)
        if (command === 'status') {
          // Ocean Node's STATUS: `id` is the peer ID (ocean.js resolves a node's peer ID from it).
          const status = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>
          bytes = Buffer.from(
            JSON.stringify({
              ...status,
              id: deps.peerId(),
              address: status.providerAddress,
              publicKey: status.nodePublicKey,
            }),
          )
        }
        // One frame: ocean.js parses only the last frame of a JSON answer.
        await lp.write(bytes, { signal: writeSignal() })
      }
      await stream.close()
      log.debug('p2p command answered', { command, status: answer.statusCode })
    } catch (error) {
      body?.destroy()
      log.warn('p2p command failed', {
        command,
        error: error instanceof Error ? error.message : String(error),
      })
      if (stream.status === 'open') await finish(500, 'Internal error')
      else stream.abort(error instanceof Error ? error : new Error(String(error)))
    }
  }
}
