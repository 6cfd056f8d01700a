/**
 * Is an asset still on the chain in use? Its data NFT and datatoken are contracts: no code at their
 * addresses means the chain no longer has them. The embedded dev chain is redeployed at every start
 * (EDR keeps no state), so assets published on it by hand stay in the registry but are gone from
 * the chain; a call to them is mined with status 1 and no effect (issue 11). Every on-chain action
 * checks first (`assertAssetOnChain`), and the asset summaries carry a cached flag (`PresenceCache`).
 */
import type { Provider } from 'ethers'
import type { Clock } from '../clock'
import type { Logger } from '../logging'
import { chainError } from '../chain/chain-errors'
import { publishingError } from './publishing-errors'

export interface OnChainAsset {
  did: string
  chainId: number
  nftAddress: string
  datatokenAddress: string
  ddo?: { metadata?: { name?: string } }
}

export type MissingContract = 'data NFT' | 'datatoken'

/** The contracts of `asset` that have no code on `provider`'s chain ([] when all are there). */
export async function missingContracts(provider: Provider, asset: OnChainAsset): Promise<MissingContract[]> {
  const checks: Array<[MissingContract, string]> = [['data NFT', asset.nftAddress]]
  if (asset.datatokenAddress) checks.push(['datatoken', asset.datatokenAddress])
  const codes = await Promise.all(checks.map(([, address]) => provider.getCode(address)))
  return checks.filter((_, i) => codes[i] === '0x' || codes[i] === '').map(([what]) => what)
}

export function notOnChainMessage(asset: OnChainAsset, missing: readonly string[]): string {
  const name = asset.ddo?.metadata?.name ? `"${asset.ddo.metadata.name}" ` : ''
  return (
    `${name}(${asset.did}) is not on chain ${asset.chainId} any more: its ${missing.join(' and ')} ` +
    `${missing.length > 1 ? 'have' : 'has'} no code there. The chain was reset (the dev chain is redeployed at every start) or replaced; ` +
    `nothing was sent. Publish the asset again, or remove it from this console.`
  )
}

/** Throws ASSET_NOT_ON_CHAIN (409) unless the asset's NFT and datatoken exist on the chain. */
export async function assertAssetOnChain(provider: Provider | null, asset: OnChainAsset): Promise<void> {
  if (!provider) throw chainError('CHAIN_NOT_CONFIGURED', 'The publisher wallet is not connected to a chain')
  const missing = await missingContracts(provider, asset)
  if (missing.length > 0)
    throw publishingError('ASSET_NOT_ON_CHAIN', notOnChainMessage(asset, missing), {
      details: { did: asset.did, chainId: asset.chainId, missing },
    })
}

/**
 * The `notOnChain` flag of the asset summaries: checked for every asset at start, cached per
 * contract address, re-checked in the background when older than `maxAgeMs` (a summary never waits
 * for the chain). Unknown (not yet checked, or the RPC failed) reads as present.
 */
export class PresenceCache {
  private readonly entries = new Map<string, { missing: MissingContract[]; checkedAtMs: number }>()
  private readonly inFlight = new Map<string, Promise<void>>()

  constructor(
    private readonly options: {
      provider: () => Provider
      clock: Clock
      logger: Logger
      maxAgeMs?: number
    },
  ) {}

  /** The cached answer: the missing contracts, [] when present, undefined when never checked. */
  missing(asset: OnChainAsset): MissingContract[] | undefined {
    const entry = this.entries.get(this.key(asset))
    const maxAge = this.options.maxAgeMs ?? 30_000
    if (!entry || this.options.clock.nowMs() - entry.checkedAtMs > maxAge) void this.check(asset)
    return entry?.missing
  }

  isStale(asset: OnChainAsset): boolean {
    return (this.missing(asset)?.length ?? 0) > 0
  }

  /** Checks now (one request per asset at a time); RPC failures leave the cached answer as it was. */
  check(asset: OnChainAsset): Promise<void> {
    const key = this.key(asset)
    const running = this.inFlight.get(key)
    if (running) return running
    const run = missingContracts(this.options.provider(), asset)
      .then((missing) => {
        this.entries.set(key, { missing, checkedAtMs: this.options.clock.nowMs() })
      })
      .catch((error: unknown) =>
        this.options.logger.warn('asset presence check failed', {
          did: asset.did,
          error: error instanceof Error ? error.message : String(error),
        }),
      )
      .finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, run)
    return run
  }

  checkAll(assets: OnChainAsset[]): Promise<void> {
    return Promise.all(assets.map((a) => this.check(a))).then(() => undefined)
  }

  /** An action found out itself (assert / receipt): remember it without another request. */
  record(asset: OnChainAsset, missing: MissingContract[]): void {
    this.entries.set(this.key(asset), { missing, checkedAtMs: this.options.clock.nowMs() })
  }

  private key(asset: OnChainAsset): string {
    return `${asset.chainId}:${asset.nftAddress.toLowerCase()}:${asset.datatokenAddress.toLowerCase()}`
  }
}
