/**
 * Aquarius-compatible read routes for the console's own assets, so unmodified ocean.js
 * `new Aquarius(providerUrl).resolve(did)` / `getAssetMetadata(did)` work against this Provider
 * (Ocean Node serves the same paths from its indexer; we serve from the asset registry).
 *
 *   GET /api/aquarius/assets/ddo/:did       → the DDO plus what an indexer adds (`datatokens`,
 *                                              `indexedMetadata.{nft, event, purgatory, stats}`)
 *   GET /api/aquarius/assets/metadata/:did  → the DDO's `metadata`
 *   POST /api/aquarius/assets/ddo/validate   → signed (command `validateDDO`): checks the DDO with
 *                                              ddo-js' schema and answers `{hash, publicKey, r, s, v}`,
 *                                              the node's signature ocean.js puts into setMetaData
 *
 * Only public fields leave: the registry's plain file sources never do (the DDO's `files` is the
 * encrypted blob). Unauthenticated, like Aquarius (ocean.js sends `Authorization: undefined`,
 * spec §14: ignored). Mounted by the Provider's server; owned by chain+publishing.
 */
import { createHash } from 'node:crypto'
import { validateDDO } from '@oceanprotocol/ddo-js'
import type { BaseWallet } from 'ethers'
import { Signature, getAddress, hexlify, solidityPackedKeccak256, toBeArray, toUtf8Bytes } from 'ethers'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AssetRecord } from '../../publishing/asset-registry'
import { providerError } from '../errors'
import type { SignedFields } from '../request-auth'

export interface AquariusRouteDeps {
  /** Live assets only (the registry hides unfinished publishes). */
  registry: { get(did: string): AssetRecord | undefined }
  /** For the validate route; without them it is not mounted. */
  auth?: { authenticate(command: string, fields: SignedFields, authorization?: string): Promise<string> }
  node?: () => { address: string; signer: BaseWallet } | undefined
  rateLimit?: (request: FastifyRequest) => void
  /** The data NFT's owner on chain, for `nft.owner` (as Ocean's indexer fills it); undefined = "". */
  ownerOf?: (record: AssetRecord) => Promise<string | undefined>
  /** The datatoken's dispensers and fixed rates on chain, for `stats[].prices`; undefined = []. */
  pricesOf?: (record: AssetRecord) => Promise<unknown[]>
}

export interface DdoValidation {
  /** "0x" + sha256 of the DDO as sent (JSON.stringify), as Ocean Node's validateDDO hashes it. */
  hash: string
  /** The validator's address (ocean.js: proof.validatorAddress). */
  publicKey: string
  r: [string]
  s: [string]
  v: number
}

/**
 * Ocean Node's validation signature: the node signs keccak256(bytes(hash)) with EIP-191; ocean.js
 * passes hash and (v, r[0], s[0]) to `setMetaData` as the validator's proof.
 */
export async function signDdoValidation(ddo: unknown, signer: BaseWallet): Promise<DdoValidation> {
  const hash = '0x' + createHash('sha256').update(JSON.stringify(ddo)).digest('hex')
  const messageHash = solidityPackedKeccak256(['bytes'], [hexlify(toUtf8Bytes(hash))])
  const signature = Signature.from(await signer.signMessage(toBeArray(messageHash)))
  return { hash, publicKey: signer.address, r: [signature.r], s: [signature.s], v: signature.v }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const DID_PATTERN = /^did:op:[0-9a-f]{64}$/

/** The asset as Ocean's indexer returns it (ddo-js `Asset`: DDO + indexed fields). */
export function toIndexedAsset(
  record: AssetRecord,
  owner = '',
  prices: unknown[] = [],
): Record<string, unknown> {
  const service = record.ddo.services[0]
  const metadataTx = record.publish?.steps.metadata
  const nft = {
    address: record.nftAddress,
    name: record.ddo.metadata.name.slice(0, 64),
    symbol: 'C2D-NFT',
    owner,
    state: record.state,
    created: new Date(record.createdAtMs).toISOString(),
    tokenURI: '',
  }
  const datatoken = {
    address: record.datatokenAddress,
    name: `${record.ddo.metadata.name.slice(0, 48)} DT`,
    symbol: 'C2D-DT',
    serviceId: service?.id ?? '',
  }
  return {
    ...record.ddo,
    datatokens: [datatoken],
    // Older consumers read `nft.state` at the top level; ddo-js reads indexedMetadata.nft.
    nft,
    indexedMetadata: {
      nft,
      purgatory: { state: false },
      stats: [
        {
          datatokenAddress: datatoken.address,
          name: datatoken.name,
          symbol: datatoken.symbol,
          serviceId: datatoken.serviceId,
          orders: 0,
          prices,
        },
      ],
      ...(metadataTx?.status === 'mined'
        ? {
            event: {
              txid: metadataTx.hash,
              block: 0,
              from: '',
              contract: record.nftAddress,
              datetime: new Date(record.updatedAtMs).toISOString(),
            },
          }
        : {}),
    },
  }
}

function notFound(reply: FastifyReply, did: string) {
  // Provider wire style (style.md §2.5): a JSON string body plus the code in a header.
  return reply
    .code(404)
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-c2d-error-code', 'ASSET_NOT_FOUND')
    .send(JSON.stringify(`Asset ${did} not found`))
}

function badDid(reply: FastifyReply) {
  return reply
    .code(400)
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-c2d-error-code', 'REQUEST_INVALID')
    .send(JSON.stringify('did must be did:op: followed by 64 lowercase hex digits'))
}

export function registerAquariusRoutes(app: FastifyInstance, deps: AquariusRouteDeps): void {
  const { auth, node } = deps
  if (auth && node) {
    app.post<{ Body: unknown }>('/api/aquarius/assets/ddo/validate', async (request, reply) => {
      deps.rateLimit?.(request)
      const body = request.body
      if (!isRecord(body) || !isRecord(body.ddo))
        throw providerError('REQUEST_INVALID', 'Body must be {ddo, publisherAddress, nonce, signature}')
      const ddo = body.ddo
      await auth.authenticate(
        'validateDDO',
        { consumerAddress: body.publisherAddress, nonce: body.nonce, signature: body.signature },
        request.headers.authorization,
      )
      if (typeof ddo.version !== 'string')
        throw providerError('REQUEST_INVALID', 'DDO is invalid: version is missing')
      let verdict: [boolean, Record<string, string[]>]
      try {
        verdict = await validateDDO(ddo)
      } catch (error) {
        throw providerError('REQUEST_INVALID', 'DDO is invalid: it does not match its version schema', {
          cause: error,
        })
      }
      if (!verdict[0])
        throw providerError('REQUEST_INVALID', `DDO is invalid: ${JSON.stringify(verdict[1])}`, {
          details: verdict[1],
        })
      const identity = node()
      if (!identity) throw providerError('PROVIDER_KEY_UNAVAILABLE')
      return reply.send(await signDdoValidation(ddo, identity.signer))
    })
  }

  app.get<{ Params: { did: string } }>('/api/aquarius/assets/ddo/:did', async (request, reply) => {
    const { did } = request.params
    if (!DID_PATTERN.test(did)) return badDid(reply)
    const record = deps.registry.get(did)
    if (!record) return notFound(reply, did)
    const [owner, prices] = await Promise.all([
      deps.ownerOf ? deps.ownerOf(record) : undefined,
      deps.pricesOf ? deps.pricesOf(record) : [],
    ])
    return reply.send(toIndexedAsset(record, owner ? getAddress(owner) : '', prices))
  })

  app.get<{ Params: { did: string } }>('/api/aquarius/assets/metadata/:did', async (request, reply) => {
    const { did } = request.params
    if (!DID_PATTERN.test(did)) return badDid(reply)
    const record = deps.registry.get(did)
    if (!record) return notFound(reply, did)
    return reply.send(record.ddo.metadata)
  })
}
