/**
 * The approval inbox's "trust it on chain" is only reported done once the chain shows it: the
 * mined setMetaData receipt must hold the NFT's `MetadataUpdated` event, and the DDO in that event
 * (decrypted with the node key, as the chain indexer reads it) must list the algorithm in the
 * service's `publisherTrustedAlgorithms` with exactly the approved checksums.
 *
 * Publishing layer: chain ABIs and ethers; never provider, operator-* or console-api.
 */
import { Interface, getAddress, type BaseWallet, type Provider } from 'ethers'
import { loadAbi } from '../chain/contracts'
import type { Ddo, TrustedAlgorithm } from './ddo'
import { decryptWithNodeKey } from './ddo-encryption'
import { publishingError } from './publishing-errors'

const FLAG_COMPRESSED = 0x01
const FLAG_ENCRYPTED = 0x02
const nftAbi = new Interface(loadAbi('ERC721Template'))

/** The DDO a MetadataCreated/MetadataUpdated event carries, or undefined if it cannot be read here. */
export function ddoOfMetadataEvent(
  event: { flags: string; data: string },
  nodeKey: Pick<BaseWallet, 'privateKey'>,
): Ddo | undefined {
  const flags = parseInt(String(event.flags).slice(2) || '0', 16)
  if (flags & FLAG_COMPRESSED) return undefined
  try {
    const text =
      flags & FLAG_ENCRYPTED
        ? decryptWithNodeKey(nodeKey.privateKey, event.data)
        : Buffer.from(event.data.slice(2), 'hex').toString('utf8')
    return JSON.parse(text) as Ddo
  } catch {
    return undefined
  }
}

/** Resolves with the block of the confirmed update; throws TRUST_NOT_CONFIRMED naming what is missing. */
export async function confirmTrustedOnChain(input: {
  rpc: Pick<Provider, 'getTransactionReceipt'>
  txHash: string
  nftAddress: string
  serviceId: string
  entry: TrustedAlgorithm
  nodeKey: Pick<BaseWallet, 'privateKey'>
}): Promise<{ blockNumber: number; ddo: Ddo }> {
  const fail = (why: string) =>
    publishingError('TRUST_NOT_CONFIRMED', `Not confirmed on chain: ${why} (tx ${input.txHash})`, {
      details: { txHash: input.txHash },
    })
  const receipt = await input.rpc.getTransactionReceipt(input.txHash)
  if (!receipt) throw fail('no receipt')
  if (receipt.status !== 1) throw fail('the transaction reverted')
  const nft = getAddress(input.nftAddress)
  const event = receipt.logs
    .filter((log) => getAddress(log.address) === nft)
    .map((log) => nftAbi.parseLog({ topics: [...log.topics], data: log.data }))
    .find((parsed) => parsed?.name === 'MetadataUpdated')
  if (!event) throw fail(`no MetadataUpdated event from the dataset's NFT ${nft}`)
  const ddo = ddoOfMetadataEvent(
    { flags: String(event.args.getValue('flags')), data: String(event.args.getValue('data')) },
    input.nodeKey,
  )
  if (!ddo) throw fail('the DDO in the MetadataUpdated event cannot be read with the node key')
  const service = ddo.services.find((s) => s.id === input.serviceId)
  if (!service) throw fail(`the updated DDO has no service ${input.serviceId}`)
  const trusted = service.compute?.publisherTrustedAlgorithms ?? []
  const found = trusted.find(
    (t) =>
      t.did === input.entry.did &&
      t.filesChecksum === input.entry.filesChecksum &&
      t.containerSectionChecksum === input.entry.containerSectionChecksum,
  )
  if (!found) throw fail(`the updated DDO does not trust ${input.entry.did} with the approved checksums`)
  return { blockNumber: receipt.blockNumber, ddo }
}
