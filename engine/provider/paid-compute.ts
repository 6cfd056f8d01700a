/**
 * What paid compute needs from the chain (spec §6), as the Provider's routes see it: per-asset order
 * terms for initializeCompute, the escrow payment terms, order validation at start, and the escrow
 * lock. Implemented over engine/chain (orders.ts, escrow.ts, provider-fees.ts) by `chain-paid-compute.ts`;
 * routes depend on this interface only, so free compute runs without any chain.
 */
import type { ProviderFee } from '../chain/provider-fees'
import type { ResolvedAsset } from './compute-plan'

export interface PaymentTerms {
  escrowAddress: string
  payee: string
  chainId: number
  minLockSeconds: number
  token: string
  amount: string
}

export interface PaidCompute {
  /** The chains served (Ocean Node's supportedNetworks); each asset's calls go to its own chain. */
  readonly chainIds: readonly number[]
  /** Refuses (CHAIN_NOT_SERVED) an asset whose DDO's chain is not served, before any chain call. */
  assertServed(assets: ResolvedAsset[]): void
  /** initializeCompute `R` fields for one asset: `validOrder` and, when a (re)order is needed, a signed `providerFee`. */
  assetTerms(
    asset: ResolvedAsset,
    requester: string,
  ): Promise<{ validOrder: string | false; providerFee?: ProviderFee }>
  /** The escrow on the payment's chain. */
  paymentTerms(input: {
    chainId: number
    token: string
    amountWei: bigint
    minLockSeconds: number
  }): PaymentTerms
  /** computeStart: every asset carries a valid order of `requester` on its chain (ORDER_INVALID otherwise). */
  assertOrders(assets: ResolvedAsset[], requester: string): Promise<void>
  /** Escrow funds and authorization suffice (ESCROW_INSUFFICIENT otherwise), checked before any tx. */
  assertFunds(input: {
    chainId: number
    payer: string
    token: string
    amountWei: bigint
    lockSeconds: number
  }): Promise<void>
  lock(input: {
    chainId: number
    jobId: string
    token: string
    payer: string
    amountWei: bigint
    expirySec: number
  }): Promise<{ lockTx: string; escrowJobId: string }>
  /** Gives back a lock whose job could not be registered (best effort; the lock also expires). */
  release(input: { chainId: number; jobId: string; token: string; payer: string }): Promise<void>
  /** `initialize` (download side): a signed provider fee for a service, valid until `validUntilSec` (a Unix time; 0 = forever). */
  downloadFee(asset: ResolvedAsset, validUntilSec: number): Promise<ProviderFee>
}
