/**
 * Binds the P2P handler to the Provider's Fastify app: every command is an in-process request
 * (`inject`), answered as a stream so results and live logs flow frame by frame.
 */
import { Readable } from 'node:stream'
import type { ProviderApp } from '../provider/server'
import type { ProviderInject } from './protocol-handler'

export function injectInto(app: ProviderApp): ProviderInject {
  return async (request) => {
    const response = await app.inject({
      method: request.method,
      url: request.url,
      headers: request.headers,
      remoteAddress: request.remoteAddress,
      payloadAsStream: true,
      ...(request.body === undefined
        ? {}
        : {
            payload:
              Buffer.isBuffer(request.body) || request.body instanceof Readable
                ? request.body
                : JSON.stringify(request.body),
          }),
    })
    return { statusCode: response.statusCode, stream: () => response.stream() }
  }
}
