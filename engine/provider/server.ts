/**
 * The Provider endpoint: Ocean's wire contract (shared/spec/provider-api.md) over HTTP, for
 * unmodified ocean.js 8.x. This file owns the HTTP concerns every route shares — JSON parsing with
 * a body limit, CORS for browser dApps, the per-IP limit on signed commands, and the one error
 * renderer (a JSON *string* body plus `x-c2d-error-code`, spec §13: ocean.js turns plain text into
 * a parse error) — and mounts the routes. Jobs live in the Operator-Service; this layer keeps no job
 * state of its own.
 *
 * Provider layer: operator-service, publishing (read), chain, store, config, logging. Never
 * operator-engine or console-api.
 */
import cors from '@fastify/cors'
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify'
import { randomUUID } from 'node:crypto'
import { STATUS_CODES, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { isC2dError } from '../c2d-error'
import type { AccessListCheck } from '../chain/access-lists'
import type { Clock } from '../clock'
import type { ComputeEnvironmentConfig, ConsoleConfig } from '../config/schema'
import type { Logger } from '../logging'
import type { OperatorService } from '../operator-service/job-record'
import type { BaseWallet } from 'ethers'
import type { AuthTokens } from './auth-tokens'
import type { AssetRecord } from '../publishing/asset-registry'
import type { AssetLookup, PlanOptions } from './compute-plan'
import type { ProbeNetwork } from './file-url-probe'
import type { StorageGateways } from './gateway-file-info'
import type { PersistentStorage } from './persistent-storage'
import { registerPersistentStorageRoutes } from './routes/persistent-storage'
import { PROVIDER_ERRORS, providerError, type ProviderErrorCode } from './errors'
import { parseJsonBody } from './json-body'
import type { PaidCompute } from './paid-compute'
import { RateLimiter } from './rate-limit'
import type { RequestAuth } from './request-auth'
import { registerAquariusRoutes, type AquariusRouteDeps } from './routes/aquarius'
import { registerComputeRoutes } from './routes/compute'
import { registerAccessAudit, type AccessAuditSink } from './access-audit'
import type { AlgorithmApprovalGate } from './access-policy'
import type { DatasetPolicyGate } from './dataset-policy'
import { registerServiceRoutes } from './routes/services'
import { readTlsFiles, watchTlsFiles, type TlsServer } from './tls-files'

const RECENT_REQUESTS_MAX = 1_000

/** The node (Provider) key: its address is the environments' `consumerAddress` and the escrow payee. */
export interface NodeIdentity {
  address: string
  /** Compressed secp256k1 public key, "0x02…"/"0x03…" (spec §13 nodePublicKey). */
  publicKey: string
  signer: BaseWallet
}

export interface ProviderRequestEvent {
  method: string
  path: string
  status: number
  elapsedMs: number
  atMs: number
  errorCode?: string
}

export interface ProviderDeps {
  config: Pick<ConsoleConfig, 'provider' | 'limits'>
  logger: Logger
  clock: Clock
  operatorService: OperatorService
  environments: {
    listEnvironments(): ComputeEnvironmentConfig[]
    getEnvironment(id: string): ComputeEnvironmentConfig | undefined
    /** Grows whenever an environment changes; present = `computeEnvironments` may be cached. */
    revision?(): number
  }
  assets: AssetLookup & AquariusRouteDeps['registry']
  auth: RequestAuth
  tokens: AuthTokens
  /** undefined while the publisher wallet (the node key) is locked. */
  node(): NodeIdentity | undefined
  chainIds: number[]
  /** Orders, provider fees and escrow; undefined = paid compute is not offered in this run. */
  paid?: PaidCompute
  planOptions?: PlanOptions
  onRequest?(event: ProviderRequestEvent): void
  /** The audit trail of access decisions (issue 12); absent: nothing is recorded. */
  audit?: AccessAuditSink
  /** Node-only algorithm approvals and the approval inbox (issue 12); absent: the DDO alone decides. */
  approvals?: AlgorithmApprovalGate
  /** Per-dataset consumer lists, quotas and output review (issue 12); absent: none apply. */
  datasetPolicies?: DatasetPolicyGate
  /** Environments' access-list contracts (ERC721 balanceOf); absent (no chain): they admit no one. */
  accessLists?: AccessListCheck
  /** An asset's datatoken prices on chain (Aquarius' `stats[].prices`); absent: []. */
  datatokenPrices?: (record: AssetRecord) => Promise<unknown[]>
  /** Tests only: a fake network (DNS, routes) for fileInfo's URL probes; default: the OS. */
  fileProbeNetwork?: ProbeNetwork
  /** Consumers' buckets (provider.persistentStorage); absent: the routes answer STORAGE_DISABLED. */
  persistentStorage?: PersistentStorage
  /** The gateways fileInfo reaches Arweave and IPFS objects through; absent: those are refused. */
  storageGateways?: StorageGateways
}

export type ProviderApp = FastifyInstance

/** Renders any thrown value the Ocean way; the cause stays in the log, never in the body. */
function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  error: unknown,
  logger: Logger,
): FastifyReply {
  let code: string
  let status: number
  let message: string
  if (isC2dError(error)) {
    ;({ code, status, message } = error)
    const retryAfterSec = (error.details as { retryAfterSec?: unknown } | undefined)?.retryAfterSec
    if (typeof retryAfterSec === 'number' && !reply.sent) reply.header('retry-after', String(retryAfterSec))
  } else {
    const fastifyError = error as Partial<FastifyError>
    // Fastify's own 4xx (bad Content-Length, media type, URL…) are the client's: never a 500.
    const clientError =
      typeof fastifyError.statusCode === 'number' &&
      fastifyError.statusCode >= 400 &&
      fastifyError.statusCode < 500
    const mapped: ProviderErrorCode | undefined =
      fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fastifyError.statusCode === 413
        ? 'REQUEST_TOO_LARGE'
        : fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
            (error instanceof SyntaxError && fastifyError.statusCode === 400)
          ? 'REQUEST_MALFORMED_JSON'
          : clientError
            ? 'REQUEST_INVALID'
            : undefined
    code = mapped ?? 'INTERNAL'
    status = PROVIDER_ERRORS[mapped ?? 'INTERNAL'].status
    message = mapped ? PROVIDER_ERRORS[mapped].message : `Internal error (request ${request.id})`
  }
  if (status >= 500)
    logger.error('provider request failed', {
      reqId: request.id,
      code,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    })
  if (reply.sent) return reply
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-c2d-error-code', code)
    .send(JSON.stringify(message))
}

/** Builds the Provider app (not listening): tests inject into it, `startProvider` listens. */
export async function createProviderApp(
  deps: ProviderDeps,
  options: { https?: { cert: Buffer; key: Buffer } } = {},
): Promise<ProviderApp> {
  const logger = deps.logger
  const https = options.https
  const app = Fastify({
    // HTTPS through a server factory keeps the app's type: routes see the same request/reply API.
    ...(https
      ? {
          serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
            createHttpsServer({ cert: https.cert, key: https.key }, handler) as unknown as HttpServer,
        }
      : {}),
    bodyLimit: deps.config.provider.bodyLimitBytes,
    logger: false,
    genReqId: () => randomUUID(),
    // ocean.js builds URLs by joining paths; a doubled slash must still route.
    routerOptions: { ignoreDuplicateSlashes: true, ignoreTrailingSlash: true },
    // The HTTP parser's own refusals (header overflow, bad framing, timeouts) never reach Fastify's
    // handlers: answer them on the socket with the same body shape and header as every other error.
    clientErrorHandler: (error, socket) => {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ECONNRESET' || socket.destroyed) return
      const mapped: ProviderErrorCode =
        code === 'HPE_HEADER_OVERFLOW'
          ? 'REQUEST_HEADERS_TOO_LARGE'
          : code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? 'REQUEST_TIMEOUT'
            : 'REQUEST_INVALID'
      const { status } = PROVIDER_ERRORS[mapped]
      const message =
        mapped === 'REQUEST_INVALID' ? 'The HTTP request is malformed' : PROVIDER_ERRORS[mapped].message
      const body = JSON.stringify(message)
      if (socket.writable)
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
            `Content-Type: application/json; charset=utf-8\r\nx-c2d-error-code: ${mapped}\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        )
      socket.destroy()
    },
    // Router errors (a bad percent-encoding) skip the error handler: answer them the Ocean way too.
    frameworkErrors: (error, request, reply) => {
      sendError(
        reply,
        request,
        error.statusCode && error.statusCode < 500
          ? providerError('REQUEST_INVALID', 'The URL is not valid')
          : error,
        logger,
      )
    },
  })

  // JSON: our parser, so malformed bodies get the catalogue's code and an empty body means "none"
  // (ocean.js sends Content-Type: application/json on body-less PUTs).
  app.removeAllContentTypeParsers()
  // Depth and prototype keys are refused here, before any route (and so any nonce) is reached.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(String(body)))
    } catch (error) {
      done(error as Error, undefined)
    }
  })
  // encrypt sends application/octet-stream; anything else arrives as bytes and routes decide.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  await app.register(cors, {
    origin: deps.config.provider.corsOrigins.includes('*') ? '*' : deps.config.provider.corsOrigins,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Content-Type', 'Authorization', 'Range'],
    exposedHeaders: ['x-c2d-error-code', 'Content-Range', 'Content-Length', 'Content-Disposition'],
    maxAge: 600,
  })

  const { rateLimitPerMinute, requestsPerMinute, denyList } = deps.config.provider
  // P2P requests arrive with the peer id as their address (engine/p2p), so both lists apply there.
  const denied = new Set([...denyList.ips, ...denyList.peers])
  const everyRequest = new RateLimiter(requestsPerMinute, deps.clock)
  const signedCommands = new RateLimiter(rateLimitPerMinute, deps.clock)
  /** The error handler turns `retryAfterSec` into a `Retry-After` header. */
  const refuseOverLimit = (limiter: RateLimiter, request: FastifyRequest, what: string) => {
    if (limiter.take(request.ip)) return
    throw providerError('RATE_LIMITED', `Rate limit exceeded: at most ${what} per minute`, {
      details: { retryAfterSec: limiter.retryAfterSec(request.ip) },
    })
  }
  // Every route, before routing: the deny list, then the per-client request budget.
  // A callback hook, not an async one: no extra promise turn on every request (bench/provider).
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      if (denied.has(request.ip)) throw providerError('CLIENT_DENIED')
      refuseOverLimit(everyRequest, request, `${requestsPerMinute} requests`)
    } catch (error) {
      done(error as Error)
      return
    }
    done()
  })
  /** Signed commands (Ocean Node counts command handlers, spec §7): a tighter budget of their own. */
  const rateLimit = (request: FastifyRequest) =>
    refuseOverLimit(signedCommands, request, `${rateLimitPerMinute} signed requests`)

  // The last requests, for the admin `getLogs` command (bounded).
  const recent: ProviderRequestEvent[] = []
  // One hook per request (the bench counts them): Fastify measures the elapsed time itself.
  app.addHook('onResponse', async (request, reply) => {
    const nowMs = deps.clock.nowMs()
    const errorCode = reply.getHeader('x-c2d-error-code')
    const event: ProviderRequestEvent = {
      method: request.method,
      // Never the query string: it carries signatures.
      path: request.url.split('?')[0] ?? '',
      status: reply.statusCode,
      elapsedMs: reply.elapsedTime,
      atMs: nowMs,
      ...(typeof errorCode === 'string' ? { errorCode } : {}),
    }
    if (reply.statusCode >= 500) logger.error('provider request', { reqId: request.id, ...event })
    else logger.info('provider request', { reqId: request.id, ...event })
    recent.push(event)
    if (recent.length > RECENT_REQUESTS_MAX) recent.splice(0, recent.length - RECENT_REQUESTS_MAX)
    deps.onRequest?.(event)
  })

  app.setErrorHandler((error, request, reply) => sendError(reply, request, error, logger))
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      request,
      providerError('ROUTE_NOT_FOUND', `No Provider route ${request.method} ${request.url.split('?')[0]}`),
      logger,
    ),
  )

  registerServiceRoutes(app, deps, { rateLimit, recentRequests: () => recent })
  if (deps.audit) registerAccessAudit(app, deps.audit)
  registerComputeRoutes(app, deps, { rateLimit })
  registerPersistentStorageRoutes(app, deps, { rateLimit })
  registerAquariusRoutes(app, {
    registry: deps.assets,
    auth: deps.auth,
    node: deps.node,
    rateLimit,
    ...(deps.planOptions?.publisherOf ? { ownerOf: deps.planOptions.publisherOf } : {}),
    ...(deps.datatokenPrices ? { pricesOf: deps.datatokenPrices } : {}),
  })
  return app
}

export interface RunningProvider {
  app: ProviderApp
  /** http://host:port as bound (the port is the real one when 0 was asked). */
  url: string
  close(): Promise<void>
}

export async function startProvider(deps: ProviderDeps): Promise<RunningProvider> {
  const tls = deps.config.provider.tls
  const app = await createProviderApp(deps, tls ? { https: readTlsFiles(tls) } : {})
  const { host, port } = deps.config.provider
  await app.listen({ host, port })
  const address = app.server.address()
  const boundPort = typeof address === 'object' && address ? address.port : port
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host
  const url = `${tls ? 'https' : 'http'}://${urlHost}:${boundPort}`
  const unwatch = tls ? watchTlsFiles(tls, app.server as unknown as TlsServer, deps.logger) : () => {}
  deps.logger.info('provider listening', { url })
  return {
    app,
    url,
    close: async () => {
      unwatch()
      await app.close()
    },
  }
}
