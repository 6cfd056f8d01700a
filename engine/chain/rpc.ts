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
  /** Tried in order when the RPC in use does not answer (Ocean Node's fallbackRPCs). */
  fallbackRpcUrls?: string[]
  timeoutMs: number
}

type JsonRpcPayload = Parameters<JsonRpcProvider['_send']>[0]
type JsonRpcResults = Awaited<ReturnType<JsonRpcProvider['_send']>>

/**
 * A JsonRpcProvider over several URLs of one chain: each call goes to the URL that answered last;
 * when it does not answer (refused, timeout, 5xx), the next one takes the call, and stays in use.
 * A URL is used only after it said it serves the configured chain (eth_chainId), so a fallback
 * pointing at another chain is skipped (and logged by the caller through `onSwitch`).
 */
export class FailoverJsonRpcProvider extends JsonRpcProvider {
  private active = 0
  private readonly verified = new Set<number>([0])

  constructor(
    private readonly urls: string[],
    private readonly timeoutMs: number,
    network: Network,
    private readonly onSwitch?: (event: { from: string; to: string; reason: string }) => void,
  ) {
    const request = new FetchRequest(urls[0]!)
    request.timeout = timeoutMs
    // staticNetwork: ethers would otherwise retry eth_chainId forever on a dead RPC ("retry in 1s" logs).
    // cacheTimeout -1: ethers otherwise answers a repeated eth_getTransactionCount from a 250 ms
    // cache, handing out a nonce that was just used (seen on the automining dev chain).
    super(request, network, { staticNetwork: network, batchMaxCount: 20, cacheTimeout: -1 })
  }

  /** The URL calls go to now (redact before showing it). */
  activeUrl(): string {
    return this.urls[this.active]!
  }

  private async post(url: string, payload: unknown): Promise<unknown> {
    const request = new FetchRequest(url)
    request.timeout = this.timeoutMs
    request.body = JSON.stringify(payload)
    request.setHeader('content-type', 'application/json')
    const response = await request.send()
    response.assertOk()
    return response.bodyJson
  }

  private async servesOurChain(url: string): Promise<boolean> {
    const answer = (await this.post(url, { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] })) as {
      result?: string
    }
    return typeof answer?.result === 'string' && BigInt(answer.result) === this._network.chainId
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResults> {
    let lastError: unknown
    for (let step = 0; step < this.urls.length; step++) {
      const index = (this.active + step) % this.urls.length
      const url = this.urls[index]!
      try {
        if (!this.verified.has(index)) {
          if (!(await this.servesOurChain(url))) {
            lastError ??= new Error(`fallback RPC ${redactUrl(url)} serves another chain`)
            continue
          }
          this.verified.add(index)
        }
        const body = await this.post(url, payload)
        if (index !== this.active) {
          this.onSwitch?.({
            from: redactUrl(this.urls[this.active]!),
            to: redactUrl(url),
            reason: lastError instanceof Error ? lastError.message : String(lastError),
          })
          this.active = index
        }
        return (Array.isArray(body) ? body : [body]) as JsonRpcResults
      } catch (error) {
        if (!isRpcUnreachable(error)) throw error
        lastError = error
      }
    }
    throw lastError
  }
}

/** A provider bound to one chain; `pollingInterval` is short on the dev chain (automine). */
export function createRpcProvider(
  endpoint: RpcEndpoint,
  options: { pollingIntervalMs?: number; logger?: Logger } = {},
): JsonRpcProvider {
  const urls = [endpoint.rpcUrl, ...(endpoint.fallbackRpcUrls ?? []).filter((u) => u !== endpoint.rpcUrl)]
  const network = Network.from(endpoint.chainId)
  const provider = new FailoverJsonRpcProvider(urls, endpoint.timeoutMs, network, (event) =>
    options.logger?.warn('rpc failover', { chainId: endpoint.chainId, ...event }),
  )
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
