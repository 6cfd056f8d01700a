/**
 * Who published an asset, as the chain says: the owner of its data NFT (Ocean's ERC721 template
 * mints token 1 to the publisher; a transfer moves the asset to its new owner, and Ocean Node's
 * `publisherTrustedAlgorithmPublishers` check follows the NFT owner too). Used by the Provider's
 * trust-by-publisher check. An RPC failure or a contract that is no Ocean NFT answers undefined
 * (= not trusted by publisher), never a throw.
 */
import { Contract, type Provider } from 'ethers'
import { loadAbi } from './contracts'

export function createNftOwnerLookup(rpc: Provider): (nftAddress: string) => Promise<string | undefined> {
  const abi = loadAbi('ERC721Template')
  return async (nftAddress) => {
    try {
      const owner = (await new Contract(nftAddress, abi, rpc).getFunction('ownerOf')(1n)) as string
      return owner.toLowerCase()
    } catch {
      return undefined
    }
  }
}
