/**
 * The symbol of a chain's native coin (what pays the gas), for the console's Balances. Configured per
 * chain (`chain.nativeSymbol`, `chain.additionalChains[].nativeSymbol`); else a default for the
 * chains this console knows; else words, never a guessed ticker. Pure: config types only.
 */
import type { ConsoleConfig } from '../config/schema'

/** Chains whose native coin is well known (Ocean's deployments and the embedded dev chain). */
export const WELL_KNOWN_NATIVE_SYMBOLS: Readonly<Record<number, string>> = Object.freeze({
  1: 'ETH', // Ethereum mainnet
  10: 'ETH', // Optimism
  137: 'POL', // Polygon PoS (MATIC until 2024)
  8996: 'ETH', // the embedded dev chain (Ocean's barge chain id)
  23294: 'ROSE', // Oasis Sapphire
  11155111: 'ETH', // Sepolia
})

/** Said when neither the config nor the table knows the chain. */
export const UNKNOWN_NATIVE_SYMBOL = 'native coin'

export function defaultNativeSymbol(chainId: number): string {
  return WELL_KNOWN_NATIVE_SYMBOLS[chainId] ?? UNKNOWN_NATIVE_SYMBOL
}

/** The configured symbol of `chainId` (primary or additional chain), else its default. */
export function nativeSymbolFor(
  chain: Pick<ConsoleConfig['chain'], 'nativeSymbol' | 'additionalChains'>,
  chainId: number,
  primaryChainId: number,
): string {
  const configured =
    chainId === primaryChainId
      ? chain.nativeSymbol
      : chain.additionalChains.find((c) => c.chainId === chainId)?.nativeSymbol
  return configured ?? defaultNativeSymbol(chainId)
}
