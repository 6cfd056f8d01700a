/**
 * Ocean's access-list contracts (`AccessList.sol`, an ERC721): an address holding at least one of
 * its tokens (balanceOf > 0) is on the list, as Ocean Node's `checkAddressOnAccessList` decides.
 * Used by the Provider for compute environments' `access.accessLists`.
 *
 * A contract that reverts or is no ERC721 says "not on it" (false), as in Ocean Node. An RPC that
 * does not answer throws CHAIN_UNAVAILABLE (Ocean Node logs and refuses; "cannot tell" is not "no").
 */
import { Contract, type Provider } from 'ethers'
import { loadAbi } from './contracts'
import { isRpcUnreachable, toChainError } from './rpc'

export interface AccessListCheck {
  /** undefined: this console serves no such chain (the list cannot grant anything there). */
  holdsToken(input: { chainId: number; contract: string; address: string }): Promise<boolean | undefined>
}

export function createAccessListCheck(
  rpcFor: (chainId: number) => { provider: Provider; chainId: number; rpcUrl: string } | undefined,
): AccessListCheck {
  const abi = loadAbi('AccessList')
  return {
    async holdsToken({ chainId, contract, address }) {
      const chain = rpcFor(chainId)
      if (!chain) return undefined
      try {
        const balance = (await new Contract(contract, abi, chain.provider).getFunction('balanceOf')(
          address,
        )) as bigint
        return balance > 0n
      } catch (error) {
        if (isRpcUnreachable(error)) throw toChainError(error, chain)
        return false
      }
    },
  }
}
