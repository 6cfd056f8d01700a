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
  readonly chainId: number
  /** initializeCompute `R` fields for one asset: `validOrder` and, when a (re)order is needed, a signed `providerFee`. */
  assetTerms(
    asset: ResolvedAsset,
    requester: string,
  ): Promise<{ validOrder: string | false; providerFee?: ProviderFee }>
  paymentTerms(input: { token: string; amountWei: bigint; minLockSeconds: number }): PaymentTerms
  /** computeStart: every asset carries a valid order of `requester` (ORDER_INVALID otherwise). */
  assertOrders(assets: ResolvedAsset[], requester: string): Promise<void>
  /** Escrow funds and authorization suffice (ESCROW_INSUFFICIENT otherwise), checked before any tx. */
  assertFunds(input: { payer: string; token: string; amountWei: bigint; lockSeconds: number }): Promise<void>
  lock(input: {
    jobId: string
    token: string
    payer: string
    amountWei: bigint
    expirySec: number
  }): Promise<{ lockTx: string; escrowJobId: string }>
  /** Gives back a lock whose job could not be registered (best effort; the lock also expires). */
  release(input: { jobId: string; token: string; payer: string }): Promise<void>
  /** `initialize` (download side): a signed provider fee for a service, valid until `validUntilSec` (a Unix time; 0 = forever). */
  downloadFee(asset: ResolvedAsset, validUntilSec: number): Promise<ProviderFee>
}
