/**
 * The chains this console serves at once (Ocean Node's `supportedNetworks`): the primary chain (the
 * embedded dev chain or `chain.rpcUrl`) first, then each of `chain.additionalChains`, every one with
 * its own RPC (fallback URLs through rpc.ts' failover), Ocean's contract addresses on it and its fee
 * token (OCEAN there). Built once at start; the Provider routes every chain call by an asset's (or
 * a payment's) chain id through `get`, and a chain id not listed here is not served.
 *
 * Chain layer: ethers, config types and logging only.
 */
import type { JsonRpcProvider } from 'ethers'
import type { ConsoleConfig } from '../config/schema'
import type { Logger } from '../logging'
import { chainError } from './chain-errors'
import { resolveOceanAddresses, type OceanAddresses } from './contracts'
import { checkChain, createRpcProvider } from './rpc'

export interface ServedChain {
  chainId: number
  /** Ocean Node's `network` name, for display. */
  network: string
  rpcUrl: string
  rpc: JsonRpcProvider
  contracts: OceanAddresses
  /** The paid tier's token on this chain (its OCEAN): environment prices and provider fees. */
  feeToken: string
}

export class ServedChains {
  private readonly byId = new Map<number, ServedChain>()

  /** `chains[0]` is the primary chain. */
  constructor(readonly all: readonly ServedChain[]) {
    for (const chain of all) {
      if (this.byId.has(chain.chainId))
        throw chainError('CHAIN_NOT_CONFIGURED', `Chain ${chain.chainId} is configured twice`, {
          details: { chainId: chain.chainId },
        })
      this.byId.set(chain.chainId, chain)
    }
  }

  get primary(): ServedChain | undefined {
    return this.all[0]
  }

  chainIds(): number[] {
    return this.all.map((c) => c.chainId)
  }

  get(chainId: number | undefined): ServedChain | undefined {
    return chainId === undefined ? undefined : this.byId.get(Number(chainId))
  }

  /** The fee token of every served chain, for the default environment's prices. */
  feeTokens(): Array<{ chainId: number; feeToken: string }> {
    return this.all.map((c) => ({ chainId: c.chainId, feeToken: c.feeToken }))
  }
}

/**
 * `chain.additionalChains` connected: one failover provider per chain and its resolved contracts
 * (Ocean's address file, then the configured `contracts`). An RPC that does not answer now is only
 * logged, as for the primary chain (calls then fail with CHAIN_UNAVAILABLE); a chain without the
 * contracts paid compute needs stops the start with CONTRACT_ADDRESS_UNKNOWN, so a configuration
 * never looks served when it is not.
 */
export async function connectAdditionalChains(
  config: ConsoleConfig['chain'],
  primaryChainId: number,
  logger: Logger,
): Promise<ServedChain[]> {
  const chains: ServedChain[] = []
  try {
    for (const entry of config.additionalChains) {
      if (entry.chainId === primaryChainId)
        throw chainError(
          'CHAIN_NOT_CONFIGURED',
          `chain.additionalChains lists chain ${entry.chainId}, which is the primary chain`,
          { details: { chainId: entry.chainId } },
        )
      const contracts = resolveOceanAddresses(entry.chainId, { overrides: entry.contracts })
      if (!contracts.Escrow)
        throw chainError(
          'CONTRACT_ADDRESS_UNKNOWN',
          `No Escrow address on chain ${entry.chainId}: set chain.additionalChains[].contracts.Escrow`,
          { details: { chainId: entry.chainId, missing: ['Escrow'] } },
        )
      const endpoint = {
        chainId: entry.chainId,
        rpcUrl: entry.rpcUrl,
        fallbackRpcUrls: entry.fallbackRpcUrls,
        timeoutMs: config.rpcTimeoutMs,
      }
      const rpc = createRpcProvider(endpoint, { logger })
      chains.push({
        chainId: entry.chainId,
        network: entry.network ?? String(entry.chainId),
        rpcUrl: entry.rpcUrl,
        rpc,
        contracts,
        feeToken: contracts.Ocean,
      })
      await checkChain(rpc, endpoint).then(
        ({ blockNumber }) =>
          logger.info('additional chain connected', { chainId: entry.chainId, blockNumber }),
        (error: unknown) =>
          logger.warn('chain check failed at start', {
            chainId: entry.chainId,
            error: error instanceof Error ? error.message : String(error),
          }),
      )
    }
  } catch (error) {
    for (const c of chains) c.rpc.destroy()
    throw error
  }
  return chains
}
