/**
 * Registry records built the way engine/publishing builds them (buildDdo → AssetRecord), without a
 * chain: for tests of the Provider's checks that read the asset registry.
 */
import { getAddress, hexlify, randomBytes } from 'ethers'
import type { FileSource } from '../file-source'
import type { AssetRecord } from '../publishing/asset-registry'
import { buildDdo, type AssetDraft } from '../publishing/ddo'

/** A fresh address without deriving an HD wallet (Wallet.createRandom runs PBKDF2: slow). */
export const randomAddress = () => getAddress(hexlify(randomBytes(20)))

export function assetRecord(draft: AssetDraft, files: FileSource[]): AssetRecord {
  const nft = randomAddress()
  const datatoken = randomAddress()
  const ddo = buildDdo({
    draft,
    chainId: 8996,
    nftAddress: nft,
    datatokenAddress: datatoken,
    serviceEndpoint: 'http://127.0.0.1:8030',
    encryptedFiles: '0x00',
    createdIso: '2026-01-01T00:00:00.000Z',
  })
  return {
    did: ddo.id,
    kind: draft.kind,
    chainId: 8996,
    nftAddress: nft,
    datatokenAddress: datatoken,
    state: 0,
    ddo,
    files: { [ddo.services[0]!.id]: files },
    createdAtMs: 0,
    updatedAtMs: 0,
  }
}
