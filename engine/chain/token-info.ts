/**
 * ERC-20 symbol and decimals of the tokens the console shows amounts in (OCEAN, datatokens,
 * environment fee tokens), read on chain once per token and kept for the life of the process:
 * a token's symbol and decimals never change after deployment. A failed read is not cached.
 *
 * Chain layer: ethers and config only.
 */
import { Contract, getAddress, type Provider } from 'ethers'
import { loadAbi } from './contracts'
import { toChainError } from './rpc'

export interface TokenInfo {
  address: string
  symbol: string
  decimals: number
}

export function createTokenInfoReader(
  rpc: Provider,
  endpoint: { chainId: number; rpcUrl: string },
): (token: string) => Promise<TokenInfo> {
  const cache = new Map<string, Promise<TokenInfo>>()
  const erc20 = loadAbi('ERC20Template')
  return (token) => {
    const address = getAddress(token)
    let pending = cache.get(address)
    if (!pending) {
      const contract = new Contract(address, erc20, rpc)
      pending = Promise.all([
        contract.getFunction('symbol')() as Promise<string>,
        contract.getFunction('decimals')() as Promise<bigint>,
      ]).then(
        ([symbol, decimals]) => ({ address, symbol, decimals: Number(decimals) }),
        (error: unknown) => {
          cache.delete(address)
          throw toChainError(error, endpoint)
        },
      )
      cache.set(address, pending)
    }
    return pending
  }
}
