/**
 * The HTTP transport of the console API: fastify on 127.0.0.1 only, a per-launch random token
 * (Headlamp's idea), `POST /console/v1/<method>` answering the envelope, SSE events at
 * `GET /console/v1/events?token=` (EventSource cannot set headers), result downloads, and the built
 * renderer at `/` with a strict CSP. Must not import electron, react, main/ or renderer/.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { extname, join, normalize, sep } from 'node:path'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Logger } from '../logging'
import { consoleEvents, type ConsoleEventName, type ConsoleService } from './contract'
import { dispatchConsoleCall } from './dispatch'
import { ConsoleErrorCode } from './errors'

export interface ResultFileSource {
  openResult(
    jobId: string,
    index: number,
  ): { path: string; sizeBytes: number; filename: string; contentType: string }
}
export interface ConsoleHttpOptions {
  service: ConsoleService
  logger: Logger
  port: number
  /** Defaults to a fresh random token; tests may pass one. */
  token?: string
  /** Folder holding the built renderer (dist/renderer); absent = API only. */
  rendererDir?: string
  results?: ResultFileSource
}
export interface ConsoleHttpServer {
  url: string
  token: string
  app: FastifyInstance
  close(): Promise<void>
}

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

function tokenMatches(expected: Buffer, given: string | undefined): boolean {
  if (given === undefined) return false
  const candidate = Buffer.from(given)
  // Constant time: compare equal lengths only; a length mismatch is itself not secret.
  return candidate.length === expected.length && timingSafeEqual(candidate, expected)
}

export async function startConsoleHttp(options: ConsoleHttpOptions): Promise<ConsoleHttpServer> {
  const token = options.token ?? randomBytes(32).toString('base64url')
  const expected = Buffer.from(token)
  const logger = options.logger.child({ component: 'console-http' })
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024, forceCloseConnections: true })
  // Event streams never end on their own: close() must end them, or shutdown waits forever.
  const openStreams = new Set<import('node:http').ServerResponse>()

  const deny = (reply: FastifyReply) =>
    reply.code(401).send({
      ok: false,
      error: {
        code: ConsoleErrorCode.Unauthorized,
        message:
          'Missing or wrong console token. Open the Console URL printed at start (it carries #token=).',
      },
    })
  const bearer = (request: FastifyRequest) => {
    const header = request.headers.authorization
    return header?.startsWith('Bearer ') ? header.slice(7) : undefined
  }

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CSP)
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
    return payload
  })

  app.post<{ Params: { method: string } }>('/console/v1/:method', async (request, reply) => {
    if (!tokenMatches(expected, bearer(request))) return deny(reply)
    const envelope = await dispatchConsoleCall(
      options.service,
      request.params.method,
      request.body ?? {},
      logger,
    )
    // The envelope carries the outcome; the status mirrors it for curl and logs.
    return reply
      .code(
        envelope.ok
          ? 200
          : envelope.error.code === ConsoleErrorCode.RequestInvalid
            ? 400
            : envelope.error.code === ConsoleErrorCode.MethodUnknown
              ? 404
              : 200,
      )
      .send(envelope)
  })

  app.get<{ Querystring: { token?: string } }>('/console/v1/events', (request, reply) => {
    if (!tokenMatches(expected, request.query.token ?? bearer(request))) return deny(reply)
    reply.hijack()
    const raw = reply.raw
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'content-security-policy': CSP,
    })
    raw.write(': connected\n\n')
    const unsubscribers = (Object.keys(consoleEvents) as ConsoleEventName[]).map((event) =>
      options.service.subscribe(event, (payload) =>
        raw.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`),
      ),
    )
    openStreams.add(raw)
    request.raw.on('close', () => {
      openStreams.delete(raw)
      unsubscribers.forEach((off) => off())
    })
  })

  app.get<{ Params: { jobId: string; index: string }; Querystring: { token?: string } }>(
    '/console/v1/jobs/:jobId/results/:index',
    async (request, reply) => {
      if (!tokenMatches(expected, request.query.token ?? bearer(request))) return deny(reply)
      const index = Number(request.params.index)
      if (!options.results || !Number.isInteger(index) || index < 0) {
        return reply
          .code(404)
          .send({ ok: false, error: { code: ConsoleErrorCode.ResultNotFound, message: 'No such result.' } })
      }
      try {
        const file = options.results.openResult(request.params.jobId, index)
        return reply
          .header('content-type', file.contentType)
          .header('content-length', String(file.sizeBytes))
          .header('content-disposition', `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`)
          .send(createReadStream(file.path))
      } catch {
        return reply.code(404).send({
          ok: false,
          error: { code: ConsoleErrorCode.ResultNotFound, message: 'No such result for this job.' },
        })
      }
    },
  )

  const rendererDir = options.rendererDir
  if (rendererDir && existsSync(join(rendererDir, 'index.html'))) {
    const root = normalize(rendererDir + sep)
    const notFound = (reply: FastifyReply) =>
      reply
        .code(404)
        .send({ ok: false, error: { code: ConsoleErrorCode.FileNotFound, message: 'No such file.' } })
    app.get('/*', (request, reply) => {
      let wanted: string
      try {
        wanted = decodeURIComponent((request.params as { '*': string })['*'] || 'index.html')
      } catch {
        return notFound(reply)
      }
      let file = normalize(join(root, wanted))
      const st = file.startsWith(root) ? statSync(file, { throwIfNoEntry: false }) : undefined
      // A folder (`/assets`) or a missing file with an extension is a 404, never a read of a folder
      // (EISDIR, a 500). Only extensionless paths fall back to the SPA; nothing leaves root.
      if (st?.isDirectory() || (!st?.isFile() && extname(wanted) !== '')) return notFound(reply)
      if (!st?.isFile()) file = join(root, 'index.html')
      return reply
        .header('content-type', MIME[extname(file)] ?? 'application/octet-stream')
        .send(readFileSync(file))
    })
  }

  const address = await app.listen({ host: '127.0.0.1', port: options.port })
  logger.info('console listening', { url: address })
  const close = async () => {
    for (const stream of openStreams) stream.end()
    openStreams.clear()
    await app.close()
  }
  return { url: address, token, app, close }
}
