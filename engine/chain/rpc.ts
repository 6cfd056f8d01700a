/**
 * JSON-RPC access to the chains the console uses: one ethers v6 `JsonRpcProvider` per chain id,
 * with a request timeout and a static network (no eth_chainId probe on every call), and errors that
 * say "RPC unreachable" as a `CHAIN_UNAVAILABLE` C2dError (502) instead of ethers' retry noise.
 *
 * This is the chain layer's entry: it imports ethers, config types and logging only — never
 * publishing, provider, operator-* or console-api (eslint.config.js).
 */
import { FetchRequest, JsonRpcProvider, Network } from 'ethers'
import { isC2dError, type C2dError } from '../c2d-error'
import type { Logger } from '../logging'
import { chainError } from './chain-errors'

export interface RpcEndpoint {
  chainId: number
  rpcUrl: string
  timeoutMs: number
}

/** A provider bound to one chain; `pollingInterval` is short on the dev chain (automine). */
export function createRpcProvider(
  endpoint: RpcEndpoint,
  options: { pollingIntervalMs?: number } = {},
): JsonRpcProvider {
  const request = new FetchRequest(endpoint.rpcUrl)
  request.timeout = endpoint.timeoutMs
  // staticNetwork: ethers would otherwise retry eth_chainId forever on a dead RPC ("retry in 1s" logs).
  const network = Network.from(endpoint.chainId)
  // cacheTimeout -1: ethers otherwise answers a repeated eth_getTransactionCount from a 250 ms
  // cache, handing out a nonce that was just used (seen on the automining dev chain).
  const provider = new JsonRpcProvider(request, network, {
    staticNetwork: network,
    batchMaxCount: 20,
    cacheTimeout: -1,
  })
  provider.pollingInterval = options.pollingIntervalMs ?? 4000
  return provider
}

/** True for the failures that mean "the RPC did not answer" (as opposed to a reverted call). */
export function isRpcUnreachable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; error?: { code?: string } } | undefined
  if (!e) return false
  if (e.code === 'TIMEOUT' || e.code === 'NETWORK_ERROR' || e.code === 'SERVER_ERROR') return true
  const message = String(e.message ?? '')
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|fetch failed|socket hang up|timeout/i.test(message)
}

/** Maps an RPC failure to `CHAIN_UNAVAILABLE`; other errors pass through unchanged. */
export function toChainError(error: unknown, endpoint: { chainId: number; rpcUrl: string }): unknown {
  if (isC2dError(error)) return error
  if (isRpcUnreachable(error)) {
    return chainError(
      'CHAIN_UNAVAILABLE',
      `RPC unreachable for chain ${endpoint.chainId} at ${redactUrl(endpoint.rpcUrl)}`,
      {
        details: { chainId: endpoint.chainId },
        cause: error,
      },
    )
  }
  return error
}

/** RPC URLs often carry an API key in the path or query: keep scheme, host and port only. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}`
  } catch {
    return '<invalid url>'
  }
}

/**
 * Checks that the RPC answers and serves the expected chain. Throws `CHAIN_UNAVAILABLE` (502) when
 * it does not answer in time, `CHAIN_ID_MISMATCH` when it serves another chain.
 */
export async function checkChain(
  provider: JsonRpcProvider,
  endpoint: RpcEndpoint,
): Promise<{ blockNumber: number }> {
  let chainIdHex: string
  let blockNumber: number
  try {
    chainIdHex = (await provider.send('eth_chainId', [])) as string
    blockNumber = await provider.getBlockNumber()
  } catch (error) {
    throw toChainError(error, endpoint) as C2dError
  }
  const actual = Number(BigInt(chainIdHex))
  if (actual !== endpoint.chainId) {
    throw chainError(
      'CHAIN_ID_MISMATCH',
      `The RPC at ${redactUrl(endpoint.rpcUrl)} serves chain ${actual}, but chain ${endpoint.chainId} is configured`,
      { details: { expected: endpoint.chainId, actual } },
    )
  }
  return { blockNumber }
}

/** One provider per chain id, made on first use and destroyed together. */
export class RpcProviders {
  private readonly providers = new Map<number, JsonRpcProvider>()
  private readonly endpoints = new Map<number, RpcEndpoint>()

  constructor(
    endpoints: RpcEndpoint[],
    private readonly logger: Logger,
    private readonly options: { pollingIntervalMs?: number } = {},
  ) {
    for (const e of endpoints) this.endpoints.set(e.chainId, e)
  }

  chainIds(): number[] {
    return [...this.endpoints.keys()]
  }

  endpoint(chainId: number): RpcEndpoint {
    const e = this.endpoints.get(chainId)
    if (!e)
      throw chainError('CHAIN_NOT_CONFIGURED', `Chain ${chainId} is not configured`, { details: { chainId } })
    return e
  }

  get(chainId: number): JsonRpcProvider {
    let p = this.providers.get(chainId)
    if (!p) {
      const endpoint = this.endpoint(chainId)
      p = createRpcProvider(endpoint, this.options)
      this.providers.set(chainId, p)
      this.logger.debug('rpc provider created', { chainId, rpc: redactUrl(endpoint.rpcUrl) })
    }
    return p
  }

  destroy(): void {
    for (const p of this.providers.values()) p.destroy()
    this.providers.clear()
  }
}
