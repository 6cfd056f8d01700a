/**
 * The provider bench's baseline: a bare `node:http` server in the bench process that answers every
 * request with the bytes the Provider gave for the same request (captured just before), so the
 * difference is the Provider's own work: routing, hooks, auth, SQLite, JSON, streaming from disk.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface CapturedResponse {
  status: number
  contentType: string
  body: Buffer
}

export interface BareServer {
  url: string
  /** Every request is answered with this from now on. */
  respondWith(response: CapturedResponse): void
  close(): Promise<void>
}

export async function startBareServer(): Promise<BareServer> {
  let current: CapturedResponse = {
    status: 503,
    contentType: 'text/plain',
    body: Buffer.from('no response set'),
  }
  const server: Server = createServer((_request, response) => {
    response.writeHead(current.status, {
      'content-type': current.contentType,
      'content-length': current.body.length,
    })
    response.end(current.body)
  })
  // As Fastify's default, so an idle connection between runs is not closed under autocannon.
  server.keepAliveTimeout = 72_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    respondWith(response) {
      current = response
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
