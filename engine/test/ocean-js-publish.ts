/**
 * Publishing an asset the way ocean.js' own integration tests do (outside the console): NFT +
 * datatoken, encrypted files and DDO, setMetadata; for the chain indexer's tests.
 */
import {
  Nft,
  NftFactory,
  ProviderInstance,
  ZERO_ADDRESS,
  getEventFromTx,
  type DatatokenCreateParams,
  type NftCreateData,
} from '@oceanprotocol/lib'
import { toBeHex } from 'ethers'
import { didOf } from '../publishing/chain-indexer'
import type { OceanConsumer } from './ocean-consumer'

/** What ocean.js' own integration helper does: NFT + datatoken, encrypted files and DDO, setMetadata. */
export async function publishWithOceanJs(
  bed: OceanConsumer,
  name: string,
  serviceEndpoint: string,
  options: { kind?: 'dataset' | 'algorithm'; fileUrl: string; service?: Record<string, unknown> },
): Promise<{ did: string; nft: string }> {
  // One nonce source for every tx (ethers caches eth_getTransactionCount for 250 ms).
  const owner = bed.payer
  const ownerAddress = bed.consumer.address
  const { chainId, contracts } = bed.devChain
  const factory = new NftFactory(contracts.ERC721Factory!, owner, chainId)
  const nftParams: NftCreateData = {
    name,
    symbol: 'EXT',
    templateIndex: 1,
    tokenURI: 'https://example.org/nft',
    transferable: true,
    owner: ownerAddress,
  }
  const dtParams: DatatokenCreateParams = {
    templateIndex: 1,
    cap: '100000',
    feeAmount: '0',
    paymentCollector: ZERO_ADDRESS,
    feeToken: ZERO_ADDRESS,
    minter: ownerAddress,
    mpFeeAddress: ZERO_ADDRESS,
  }
  const tx = await factory.createNftWithDatatoken(nftParams, dtParams, false)
  const receipt = await (tx as unknown as { wait(): Promise<unknown> }).wait()
  const nft = getEventFromTx(receipt as never, 'NFTCreated').args.newTokenAddress as string
  const datatoken = getEventFromTx(receipt as never, 'TokenCreated').args.newTokenAddress as string
  const id = didOf(nft, chainId)
  const encryptedFiles = await ProviderInstance.encrypt(
    {
      datatokenAddress: datatoken,
      nftAddress: nft,
      files: [{ type: 'url', url: options.fileUrl, method: 'GET' }],
    },
    chainId,
    bed.url,
    owner,
  )
  const ddo = {
    '@context': ['https://w3id.org/did/v1'],
    id,
    version: '4.1.0',
    chainId,
    nftAddress: nft,
    metadata: {
      created: '2026-01-01T00:00:00Z',
      updated: '2026-01-01T00:00:00Z',
      type: options.kind ?? 'dataset',
      name,
      description: 'Published with ocean.js outside the console',
      author: 'elsewhere',
      license: 'MIT',
    },
    services: [
      {
        id: 'compute-1',
        type: 'compute',
        files: encryptedFiles,
        datatokenAddress: datatoken,
        serviceEndpoint,
        timeout: 0,
        compute: {
          allowRawAlgorithm: true,
          allowNetworkAccess: false,
          publisherTrustedAlgorithmPublishers: [],
          publisherTrustedAlgorithms: [],
        },
        ...options.service,
      },
    ],
    ...(options.kind === 'algorithm'
      ? {
          metadata: {
            created: '2026-01-01T00:00:00Z',
            updated: '2026-01-01T00:00:00Z',
            type: 'algorithm',
            name,
            description: 'Published with ocean.js outside the console',
            author: 'elsewhere',
            license: 'MIT',
            algorithm: {
              language: 'Node.js',
              version: '1.0.0',
              container: { entrypoint: 'node $ALGO', image: 'node', tag: '20', checksum: '' },
            },
          },
        }
      : {}),
  }
  const encryptedDdo = await ProviderInstance.encrypt(ddo, chainId, bed.url, owner)
  const metadataTx = await new Nft(owner, chainId).setMetadata(
    nft,
    ownerAddress,
    0,
    bed.url,
    '',
    toBeHex(2),
    encryptedDdo,
    '0x' + '00'.repeat(32),
  )
  await (metadataTx as unknown as { wait(): Promise<unknown> }).wait()
  return { did: id, nft }
}

/** Polls `read` until it answers (an upper bound on the wait, not a speed check). */
export async function until<T>(
  read: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
