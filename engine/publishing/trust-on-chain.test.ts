import { Interface, Wallet, ZeroHash, hexlify, toUtf8Bytes, type TransactionReceipt } from 'ethers'
import { describe, expect, it } from 'vitest'
import { loadAbi } from '../chain/contracts'
import { confirmTrustedOnChain } from './trust-on-chain'

const nft = new Interface(loadAbi('ERC721Template'))
const NFT = '0x' + '1'.repeat(40)
const entry = {
  did: 'did:op:' + 'a'.repeat(64),
  filesChecksum: 'f'.repeat(64),
  containerSectionChecksum: 'c'.repeat(64),
}
const key = Wallet.createRandom()

function metadataUpdated(trusted: unknown[], address = NFT) {
  const ddo = { id: 'did:op:d', services: [{ id: 'svc', compute: { publisherTrustedAlgorithms: trusted } }] }
  // flags 0x00: plain JSON (the chain indexer reads both; the console's own are encrypted).
  const log = nft.encodeEventLog(nft.getEvent('MetadataUpdated')!, [
    address,
    0,
    'http://127.0.0.1:8001',
    '0x00',
    hexlify(toUtf8Bytes(JSON.stringify(ddo))),
    ZeroHash,
    1,
    7,
  ])
  return { address, topics: log.topics, data: log.data }
}
function rpc(receipt: Partial<TransactionReceipt> | null) {
  return { getTransactionReceipt: async () => receipt as TransactionReceipt | null }
}
const confirm = (receipt: Partial<TransactionReceipt> | null) =>
  confirmTrustedOnChain({
    rpc: rpc(receipt),
    txHash: '0xabc',
    nftAddress: NFT,
    serviceId: 'svc',
    entry,
    nodeKey: key,
  })

describe('confirmTrustedOnChain', () => {
  it('confirms a mined MetadataUpdated whose DDO trusts the algorithm with the approved checksums', async () => {
    await expect(
      confirm({ status: 1, blockNumber: 7, logs: [metadataUpdated([entry]) as never] }),
    ).resolves.toMatchObject({
      blockNumber: 7,
      // The DDO the event carries (what a restart stores when the edit was cut short).
      ddo: { services: [{ compute: { publisherTrustedAlgorithms: [entry] } }] },
    })
  })

  it('refuses a missing receipt, a revert, no event from the NFT, and other checksums', async () => {
    await expect(confirm(null)).rejects.toMatchObject({ code: 'TRUST_NOT_CONFIRMED', message: /no receipt/ })
    await expect(confirm({ status: 0, blockNumber: 7, logs: [] })).rejects.toThrow(/reverted/)
    await expect(
      confirm({
        status: 1,
        blockNumber: 7,
        logs: [metadataUpdated([entry], '0x' + '2'.repeat(40)) as never],
      }),
    ).rejects.toThrow(/no MetadataUpdated event/)
    await expect(
      confirm({
        status: 1,
        blockNumber: 7,
        logs: [metadataUpdated([{ ...entry, filesChecksum: '0'.repeat(64) }]) as never],
      }),
    ).rejects.toThrow(/does not trust .* with the approved checksums/)
  })
})
