/**
 * The Provider's non-job routes (spec §2, §3, §4, §13): the root document ocean.js reads before
 * every call, nonces, compute environments, the download-side `initialize`, `encrypt`, `fileInfo`,
 * auth tokens and `directCommand` status.
 */
import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { encryptForNode } from '../../publishing/ddo-encryption'
import type { FileSource } from '../../file-source'
import { providerError } from '../errors'
import { probeFileUrl } from '../file-url-probe'
import { gatewayFileInfo } from '../gateway-file-info'
import { singleQuery } from '../query'
import { toWireEnvironment } from '../environment-view'
import { requireAddress } from '../request-auth'
import type { NodeIdentity, ProviderDeps, ProviderRequestEvent } from '../server'
import { ADMIN_COMMANDS, isAdminCommand, runAdminCommand } from './admin-commands'

export const PROVIDER_SOFTWARE = 'Ocean-C2D-Console'
export const PROVIDER_VERSION = '0.1.0'
const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000'
/** Ocean Node reports a hash of its code; ours: of the software name and version (no build step hashes files). */
const CODE_HASH = '0x' + createHash('sha256').update(`${PROVIDER_SOFTWARE}@${PROVIDER_VERSION}`).digest('hex')

/** spec §2: names ocean.js looks up (case-insensitively), with paths relative to the node URI. */
export const SERVICE_ENDPOINTS: Record<string, [string, string]> = {
  nonce: ['GET', '/api/services/nonce'],
  computeEnvironments: ['GET', '/api/services/computeEnvironments'],
  initializeCompute: ['POST', '/api/services/initializeCompute'],
  computeStart: ['POST', '/api/services/compute'],
  freeCompute: ['POST', '/api/services/freeCompute'],
  computeStatus: ['GET', '/api/services/compute'],
  computeStop: ['PUT', '/api/services/compute'],
  computeResult: ['GET', '/api/services/computeResult'],
  computeStreamableLogs: ['GET', '/api/services/computeStreamableLogs'],
  initialize: ['GET', '/api/services/initialize'],
  encrypt: ['POST', '/api/services/encrypt'],
  fileinfo: ['POST', '/api/services/fileInfo'],
  generateAuthToken: ['POST', '/api/services/auth/token'],
  invalidateAuthToken: ['POST', '/api/services/auth/token/invalidate'],
  directCommand: ['POST', '/directCommand'],
}

interface FileInfo {
  type: string
  index: number
  valid: boolean
  contentLength?: string
  contentType?: string
}

const FILE_INFO_TIMEOUT_MS = 5_000
const JSON_TYPE = 'application/json; charset=utf-8'

/** Size and type of one file source, without ever echoing its URL or headers. */
async function fileInfo(source: FileSource, index: number): Promise<FileInfo> {
  try {
    if (source.type === 'local') {
      const info = await stat(source.path)
      return {
        type: 'local',
        index,
        valid: info.isFile(),
        contentLength: String(info.size),
        contentType: 'application/octet-stream',
      }
    }
    if (source.type === 'url') {
      if (!/^https?:\/\//i.test(source.url)) return { type: 'url', index, valid: false }
      const response = await fetch(source.url, {
        method: 'HEAD',
        headers: source.headers ?? {},
        signal: AbortSignal.timeout(FILE_INFO_TIMEOUT_MS),
      })
      return {
        type: 'url',
        index,
        valid: response.ok,
        ...(response.headers.get('content-length')
          ? { contentLength: response.headers.get('content-length') ?? '' }
          : {}),
        ...(response.headers.get('content-type')
          ? { contentType: response.headers.get('content-type') ?? '' }
          : {}),
      }
    }
    return { type: source.type, index, valid: true }
  } catch {
    return { type: source.type, index, valid: false }
  }
}

/** A storage object's `headers`: string values only; anything else is a 400. */
function stringHeaders(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value))
    throw providerError('REQUEST_INVALID', 'fileInfo: "headers" must be an object of strings')
  const out: Record<string, string> = {}
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string')
      throw providerError('REQUEST_INVALID', `fileInfo: header ${name} must be a string`)
    out[name] = v
  }
  return out
}

function objectBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body))
    throw providerError('REQUEST_INVALID', 'The body must be a JSON object')
  return body as Record<string, unknown>
}

export function registerServiceRoutes(
  app: FastifyInstance,
  deps: ProviderDeps,
  guards: { rateLimit(request: FastifyRequest): void; recentRequests(): ProviderRequestEvent[] },
): void {
  const node = () => {
    const identity = deps.node()
    if (!identity)
      throw providerError(
        'PROVIDER_KEY_UNAVAILABLE',
        'The provider key is locked: unlock the publisher wallet in the console',
      )
    return identity
  }

  // spec §2: ocean.js sends `Authorization: undefined` here; nothing on this route reads it.
  // ocean.js reads this document before every call: its bytes are built once per node key.
  let root: { identity: NodeIdentity | undefined; body: string } | undefined
  app.get('/', async (_request, reply) => {
    const identity = deps.node()
    if (!root || root.identity !== identity)
      root = {
        identity,
        body: JSON.stringify({
          nodeId: identity?.address ?? '',
          chainIds: deps.chainIds.map(String),
          providerAddress: identity?.address ?? null,
          // Ocean Provider's per-chain form: one node key signs on every served chain.
          providerAddresses: identity
            ? Object.fromEntries(deps.chainIds.map((id) => [String(id), identity.address]))
            : {},
          nodePublicKey: identity?.publicKey ?? null,
          serviceEndpoints: SERVICE_ENDPOINTS,
          software: PROVIDER_SOFTWARE,
          version: PROVIDER_VERSION,
        }),
      }
    return reply.type(JSON_TYPE).send(root.body)
  })

  app.get('/api/services/nonce', async (request) => {
    const address = requireAddress(singleQuery(request).userAddress, 'userAddress')
    return { nonce: deps.auth.currentNonce(address) }
  })

  // The environments' bytes change only with an environment, a job's status (the load counters)
  // or the node key: between those they are served from memory.
  let jobChanges = 0
  deps.operatorService.onDidChangeJob(() => {
    jobChanges += 1
  })
  let environments: { key: string; body: string } | undefined
  app.get('/api/services/computeEnvironments', async (_request, reply) => {
    const nodeAddress = deps.node()?.address ?? ''
    const revision = deps.environments.revision?.()
    const key = `${revision}/${jobChanges}/${nodeAddress}`
    if (revision === undefined || environments?.key !== key)
      environments = {
        key,
        body: JSON.stringify(
          deps.environments.listEnvironments().map((env) =>
            toWireEnvironment(env, {
              nodeAddress,
              load: deps.operatorService.environmentLoad(env.id),
              chainIds: deps.chainIds,
            }),
          ),
        ),
      }
    return reply.type(JSON_TYPE).send(environments.body)
  })

  // Download-side fee (ocean.js orderAsset): {datatoken, nonce, computeAddress, providerFee}.
  app.get('/api/services/initialize', async (request) => {
    const q = singleQuery(request)
    const consumerAddress = requireAddress(q.consumerAddress)
    if (!q.documentId || !q.serviceId)
      throw providerError('REQUEST_INVALID', 'documentId and serviceId are required')
    const requestedValidUntil =
      q.validUntil !== undefined && /^\d+$/.test(q.validUntil) ? Number(q.validUntil) : undefined
    if (requestedValidUntil !== undefined && !Number.isSafeInteger(requestedValidUntil))
      throw providerError('REQUEST_INVALID', 'validUntil must be a whole number of seconds below 2^53')
    const record = deps.assets.get(q.documentId)
    if (!record) throw providerError('ASSET_NOT_FOUND', `DDO ${q.documentId} not found`)
    const serviceIndex = record.ddo.services.findIndex((s) => s.id === q.serviceId)
    const service = record.ddo.services[serviceIndex]
    if (!service)
      throw providerError('SERVICE_INVALID', `Service ${q.serviceId} is not a service of ${q.documentId}`)
    if (record.state !== 0)
      throw providerError('ASSET_NOT_ACTIVE', `Asset ${q.documentId} is not active (state ${record.state})`)
    if (!deps.paid)
      throw providerError('CHAIN_UNAVAILABLE', 'Orders are not available: no chain is connected')
    // The fee is signed for the asset's own chain (its OCEAN); an asset on a chain not served is refused.
    deps.paid.assertServed([{ record, service, serviceIndex }])
    // Download fees carry an absolute Unix time, as Ocean Node's initialize does (its
    // initializeCompute, like spec §6, signs the relative service timeout instead): now + timeout,
    // 0 = forever; a client may ask for an earlier time, never a later one.
    const nowSec = Math.round(deps.clock.nowMs() / 1000)
    const latest = service.timeout === 0 ? 0 : nowSec + service.timeout
    if (
      requestedValidUntil !== undefined &&
      requestedValidUntil > 0 &&
      latest !== 0 &&
      requestedValidUntil > latest
    )
      throw providerError(
        'REQUEST_INVALID',
        `validUntil ${requestedValidUntil} is later than the service timeout allows (${latest})`,
      )
    const validUntil =
      requestedValidUntil !== undefined && requestedValidUntil > 0 ? requestedValidUntil : latest
    const providerFee = await deps.paid.downloadFee({ record, service, serviceIndex }, validUntil)
    return {
      datatoken: service.datatokenAddress,
      nonce: deps.auth.currentNonce(consumerAddress),
      computeAddress: node().address,
      providerFee,
    }
  })

  // spec §4: body = JSON text as application/octet-stream; answer = hex ciphertext as text.
  app.post('/api/services/encrypt', async (request, reply) => {
    guards.rateLimit(request)
    const q = singleQuery(request)
    const body = request.body
    const text = Buffer.isBuffer(body)
      ? body.toString('utf8')
      : typeof body === 'string'
        ? body
        : body === undefined
          ? ''
          : JSON.stringify(body)
    // Parameters first: a refused request must not spend the nonce.
    if (text === '') throw providerError('REQUEST_INVALID', 'Nothing to encrypt: the body is empty')
    await deps.auth.authenticate('encrypt', q, request.headers.authorization)
    return reply
      .header('content-type', 'text/plain; charset=utf-8')
      .send(encryptForNode(node().publicKey, text))
  })

  app.post('/api/services/fileInfo', async (request) => {
    const body = objectBody(request)
    if (typeof body.did === 'string') {
      const record = deps.assets.get(body.did)
      if (!record) throw providerError('ASSET_NOT_FOUND', `DDO ${body.did} not found`)
      const serviceId = typeof body.serviceId === 'string' ? body.serviceId : record.ddo.services[0]?.id
      // Own keys only: "__proto__" or "constructor" must not reach Object.prototype.
      const files =
        serviceId !== undefined && Object.hasOwn(record.files, serviceId)
          ? record.files[serviceId]
          : undefined
      if (!files)
        throw providerError('SERVICE_INVALID', `Service ${String(serviceId)} is not a service of ${body.did}`)
      return Promise.all(files.map((f, i) => fileInfo(f, i)))
    }
    // A storage object sent by anyone (ocean.js' getFileInfo): URLs, and Arweave / IPFS objects
    // through the node's gateways, under provider.fileInfoUrls, so no caller can make this machine
    // reach into the publisher's network (file-url-probe.ts, gateway-file-info.ts).
    if (body.type !== 'url' && body.type !== 'arweave' && body.type !== 'ipfs')
      throw providerError(
        'REQUEST_INVALID',
        `fileInfo probes storage objects of type "url", "arweave" or "ipfs" only (got ${JSON.stringify(body.type ?? null)}); for this console's assets send {did, serviceId}`,
      )
    const mode = deps.config.provider.fileInfoUrls
    if (mode === 'off')
      throw providerError(
        'FILE_INFO_URL_OFF',
        'fileInfo does not probe storage objects on this node (provider.fileInfoUrls is "off"): send {did, serviceId}',
      )
    if (body.type !== 'url') {
      if (!deps.storageGateways)
        throw providerError('REQUEST_INVALID', `fileInfo: this node has no ${body.type} gateway`)
      // Ocean Node's ArweaveStorage / IpfsStorage answer: one entry, no index, no name.
      return [
        await gatewayFileInfo(body, {
          gateways: deps.storageGateways,
          mode,
          ...(deps.fileProbeNetwork ? { network: deps.fileProbeNetwork } : {}),
        }),
      ]
    }
    const url = typeof body.url === 'string' ? body.url : ''
    if (!/^https?:\/\/[^/]/i.test(url) || !URL.canParse(url))
      throw providerError('REQUEST_INVALID', 'fileInfo: "url" must be an http(s) URL')
    const headers = stringHeaders(body.headers)
    const probe = await probeFileUrl(url, {
      mode,
      ...(headers ? { headers } : {}),
      ...(deps.fileProbeNetwork ? { network: deps.fileProbeNetwork } : {}),
    })
    // Ocean Node's shape (UrlStorage.fetchSpecificFileMetadata): the URL itself is not echoed.
    return [{ type: 'url', index: 0, name: new URL(url).pathname.split('/').pop() ?? '', ...probe }]
  })

  app.post('/api/services/auth/token', async (request) => {
    guards.rateLimit(request)
    const body = objectBody(request)
    const address = await deps.auth.authenticateAny(['createAuthToken'], {
      consumerAddress: body.address,
      nonce: body.nonce,
      signature: body.signature,
    })
    const { token } = await deps.tokens.issue(address)
    return { token }
  })

  // ocean.js signs address + nonce with no command (spec §3.2); Ocean Node's form is accepted too.
  app.post('/api/services/auth/token/invalidate', async (request) => {
    guards.rateLimit(request)
    const body = objectBody(request)
    if (typeof body.token !== 'string' || body.token === '')
      throw providerError('REQUEST_INVALID', 'token is required')
    const address = await deps.auth.authenticateAny(['', 'invalidateAuthToken'], {
      consumerAddress: body.address,
      nonce: body.nonce,
      signature: body.signature,
    })
    await deps.tokens.revoke(body.token, address)
    return { success: true }
  })

  app.post('/directCommand', async (request) => {
    const body = objectBody(request)
    if (isAdminCommand(body.command)) {
      guards.rateLimit(request)
      return runAdminCommand(deps, body, guards.recentRequests)
    }
    if (body.command !== 'status')
      throw providerError(
        'REQUEST_INVALID',
        `Unsupported command ${JSON.stringify(body.command)}; this console answers "status", ${ADMIN_COMMANDS.join(', ')}`,
      )
    const identity = deps.node()
    const envs = deps.environments.listEnvironments()
    return nodeStatus(
      deps,
      identity,
      envs.map((e) => e.id),
    )
  })
}

/**
 * Ocean Node's `OceanNodeStatus` (ocean-node src/@types/OceanNode.ts): id, publicKey, friendlyName,
 * address, version, http, p2p, provider[], indexer[], escrowAddress (per chain), supportedStorage
 * (Ocean Node spells it `arwave`; `arweave` is kept for our earlier clients), platform, uptime,
 * codeHash, allowedAdmins, c2dClusters. This console has no chain indexer of its own: `indexer`
 * lists the chains whose assets it serves, without a block; `allowedAdmins` may run admin-commands.ts.
 */
function nodeStatus(
  deps: ProviderDeps,
  identity: ReturnType<ProviderDeps['node']>,
  environmentIds: string[],
): Record<string, unknown> {
  const chains = deps.chainIds.map((chainId) => ({
    chainId: String(chainId),
    network: chainId === 8996 ? 'development' : String(chainId),
  }))
  // Each served chain's own Escrow contract; a locked node key names none (no payee to show).
  const escrowOn = (chainId: number): string | undefined => {
    try {
      return deps.paid?.paymentTerms({ chainId, token: ZERO_ADDRESS, amountWei: 0n, minLockSeconds: 0 })
        .escrowAddress
    } catch {
      return undefined
    }
  }
  const escrowAddress: Record<string, string> = {}
  for (const id of deps.chainIds) {
    const address = escrowOn(id)
    if (address) escrowAddress[String(id)] = address
  }
  return {
    id: identity?.address ?? '',
    publicKey: identity?.publicKey ?? null,
    friendlyName: PROVIDER_SOFTWARE,
    address: identity?.address ?? null,
    version: PROVIDER_VERSION,
    software: PROVIDER_SOFTWARE,
    http: true,
    p2p: false,
    provider: chains,
    indexer: chains,
    escrowAddress,
    supportedStorage: { url: true, ipfs: true, arwave: true, arweave: true },
    platform: { os: process.platform, arch: process.arch, node: process.version },
    uptime: Math.round(process.uptime()),
    codeHash: CODE_HASH,
    allowedAdmins: { addresses: deps.config.provider.allowedAdmins, accessLists: {} },
    c2dClusters: [{ type: 'console', environments: environmentIds }],
    // Ocean Node: present when persistent storage is on (ocean.js' tests look for it).
    ...(deps.persistentStorage
      ? { persistentStorage: { accessLists: deps.config.provider.persistentStorage.accessLists } }
      : {}),
  }
}
