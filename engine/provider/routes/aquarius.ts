/**
 * Aquarius-compatible read routes for the console's own assets, so unmodified ocean.js
 * `new Aquarius(providerUrl).resolve(did)` / `getAssetMetadata(did)` work against this Provider
 * (Ocean Node serves the same paths from its indexer; we serve from the asset registry).
 *
 *   GET /api/aquarius/assets/ddo/:did       → the DDO plus what an indexer adds (`datatokens`,
 *                                              `indexedMetadata.{nft, event, purgatory, stats}`)
 *   GET /api/aquarius/assets/metadata/:did  → the DDO's `metadata`
 *
 * Only public fields leave: the registry's plain file sources never do (the DDO's `files` is the
 * encrypted blob). Unauthenticated, like Aquarius (ocean.js sends `Authorization: undefined`,
 * spec §14: ignored). Mounted by the Provider's server; owned by chain+publishing.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AssetRecord } from '../../publishing/asset-registry'

export interface AquariusRouteDeps {
  /** Live assets only (the registry hides unfinished publishes). */
  registry: { get(did: string): AssetRecord | undefined }
}

const DID_PATTERN = /^did:op:[0-9a-f]{64}$/

/** The asset as Ocean's indexer returns it (ddo-js `Asset`: DDO + indexed fields). */
export function toIndexedAsset(record: AssetRecord): Record<string, unknown> {
  const service = record.ddo.services[0]
  const metadataTx = record.publish?.steps.metadata
  const nft = {
    address: record.nftAddress,
    name: record.ddo.metadata.name.slice(0, 64),
    symbol: 'C2D-NFT',
    owner: '',
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
          prices: [],
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
  app.get<{ Params: { did: string } }>('/api/aquarius/assets/ddo/:did', async (request, reply) => {
    const { did } = request.params
    if (!DID_PATTERN.test(did)) return badDid(reply)
    const record = deps.registry.get(did)
    if (!record) return notFound(reply, did)
    return reply.send(toIndexedAsset(record))
  })

  app.get<{ Params: { did: string } }>('/api/aquarius/assets/metadata/:did', async (request, reply) => {
    const { did } = request.params
    if (!DID_PATTERN.test(did)) return badDid(reply)
    const record = deps.registry.get(did)
    if (!record) return notFound(reply, did)
    return reply.send(record.ddo.metadata)
  })
}
