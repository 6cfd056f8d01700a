/**
 * ERC-1271 smart-account signatures (Ocean Node's `isERC1271Valid`): a contract wallet says whether
 * a signature is its own by answering `isValidSignature(bytes32,bytes)` with the magic value
 * 0x1626ba7e. Used by the Provider when ECDSA recovery does not give the claimed address.
 *
 * An address without code is no smart account (false, one eth_getCode). A contract that reverts
 * or answers anything else says no (false). An RPC that does not answer throws CHAIN_UNAVAILABLE:
 * "cannot tell" is not "no".
 */
import { Interface, type Provider } from 'ethers'
import { isRpcUnreachable, toChainError } from './rpc'

export const ERC1271_MAGIC_VALUE = '0x1626ba7e'

const erc1271 = new Interface([
  'function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)',
])

export interface SmartAccountCheck {
  isValidSignature(input: {
    address: string
    /** Tried in order; true at the first the wallet accepts. */
    hashes: string[]
    signature: string
    /** The request's chain; absent: the default chain. */
    chainId?: number
  }): Promise<boolean>
}

/** `rpcFor(chainId)` gives the chain's provider (undefined: that chain is not served → false). */
export function createSmartAccountCheck(
  rpcFor: (
    chainId: number | undefined,
  ) => { provider: Provider; chainId: number; rpcUrl: string } | undefined,
): SmartAccountCheck {
  return {
    async isValidSignature({ address, hashes, signature, chainId }) {
      const chain = rpcFor(chainId)
      if (!chain) return false
      try {
        const code = await chain.provider.getCode(address)
        if (code === '0x') return false
        for (const hash of hashes) {
          let answer: string
          try {
            answer = await chain.provider.call({
              to: address,
              data: erc1271.encodeFunctionData('isValidSignature', [hash, signature]),
            })
          } catch (error) {
            if (isRpcUnreachable(error)) throw error
            continue // reverted: this wallet does not accept this hash
          }
          if (magicOf(answer) === ERC1271_MAGIC_VALUE) return true
        }
        return false
      } catch (error) {
        throw toChainError(error, chain)
      }
    },
  }
}

function magicOf(answer: string): string | undefined {
  try {
    return String(erc1271.decodeFunctionResult('isValidSignature', answer)[0]).toLowerCase()
  } catch {
    return undefined
  }
}
