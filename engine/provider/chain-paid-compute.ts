/**
 * `PaidCompute` over the chain (spec §6): order validation and provider fees from
 * engine/chain/orders.ts, the escrow lock from engine/chain/escrow.ts, always with the node key.
 * Adds what only the Provider knows: which consumer is asking (an order paid by someone else is not
 * theirs to use) and the wire shape of the answers.
 *
 * `ChainPaidCompute` acts on one chain; `ServedChainsPaidCompute` is what the routes get: it sends
 * each asset's order check and fee to the asset's own chain (its DDO's chainId) and each escrow
 * call to the payment's chain, as Ocean Node picks `supportedNetworks[ddo.chainId]`.
 */
import type { JsonRpcProvider } from 'ethers'
import { isC2dError } from '../c2d-error'
import type { Clock } from '../clock'
import { EscrowClient } from '../chain/escrow'
import { validateOrder, type OrderCheck } from '../chain/orders'
import { encodeProviderData, signProviderFee, type ProviderFee } from '../chain/provider-fees'
import type { Logger } from '../logging'
import type { ResolvedAsset } from './compute-plan'
import { providerError } from './errors'
import type { PaidCompute, PaymentTerms } from './paid-compute'
import type { NodeIdentity } from './server'

export interface ChainPaidComputeOptions {
  chainId: number
  rpc: JsonRpcProvider
  escrowAddress: string
  /** The fee token of provider fees (OCEAN on this chain); fees are 0 under escrow. */
  feeToken: string
  node(): NodeIdentity | undefined
  logger: Logger
  clock: Clock
}

export class ChainPaidCompute implements PaidCompute {
  readonly chainId: number
  readonly chainIds: readonly number[]

  constructor(private readonly options: ChainPaidComputeOptions) {
    this.chainId = options.chainId
    this.chainIds = [options.chainId]
  }

  private node(): NodeIdentity {
    const node = this.options.node()
    if (!node)
      throw providerError(
        'PROVIDER_KEY_UNAVAILABLE',
        'The provider key is locked: unlock the publisher wallet in the console',
      )
    return node
  }

  private client: { address: string; escrow: EscrowClient } | undefined

  /** One EscrowClient per node key, so its transactions are sent one after the other. */
  escrow(): EscrowClient {
    const node = this.node()
    if (this.client?.address !== node.address) {
      this.client = {
        address: node.address,
        escrow: new EscrowClient({
          signer: node.signer.connect(this.options.rpc),
          escrowAddress: this.options.escrowAddress,
          logger: this.options.logger,
        }),
      }
    }
    return this.client.escrow
  }

  /** Expiry is judged by chain time (the order's block is chain time too), never the console's clock. */
  /**
   * "Now" for order and fee expiry: the later of the latest block's time and the clock. A chain that
   * mines only on transactions (the embedded one, barge's) keeps an old latest block while idle, and
   * Ocean Node compares with the current time; a chain moved ahead (evm_increaseTime) is ahead of both.
   */
  private async chainNowSec(): Promise<number> {
    const latest = await this.options.rpc.getBlock('latest').catch(() => null)
    const clockSec = Math.floor(this.options.clock.nowMs() / 1000)
    return Math.max(latest?.timestamp ?? 0, clockSec)
  }

  assertServed(assets: ResolvedAsset[]): void {
    for (const asset of assets)
      if (asset.record.chainId !== this.chainId)
        throw providerError(
          'CHAIN_NOT_SERVED',
          `DDO ${asset.record.did} is on chain ${asset.record.chainId}, which this node does not serve (chainIds: ${this.chainId})`,
          { details: { did: asset.record.did, chainId: asset.record.chainId, chainIds: this.chainIds } },
        )
  }

  private async check(asset: ResolvedAsset, transferTxId: string): Promise<OrderCheck> {
    return validateOrder(
      this.options.rpc,
      {
        transferTxId,
        consumerAddress: this.node().address,
        datatoken: asset.service.datatokenAddress,
        nftAddress: asset.record.nftAddress,
        serviceIndex: asset.serviceIndex,
        serviceTimeoutSec: asset.service.timeout,
        providerAddress: this.node().address,
        serviceId: asset.service.id,
      },
      await this.chainNowSec(),
    )
  }

  /**
   * A fee of 0 (compute is paid through escrow). spec §6: `validUntil` is the service timeout in
   * seconds counted from the order's block (0 = forever), not a timestamp.
   */
  private fee(asset: ResolvedAsset, validUntilSec = asset.service.timeout): Promise<ProviderFee> {
    return signProviderFee(this.node().signer, {
      providerFeeToken: this.options.feeToken,
      providerFeeAmount: '0',
      providerData: encodeProviderData(asset.service.datatokenAddress, asset.service.id),
      validUntil: validUntilSec,
    })
  }

  async assetTerms(
    asset: ResolvedAsset,
    requester: string,
  ): Promise<{ validOrder: string | false; providerFee?: ProviderFee }> {
    if (!asset.transferTxId) return { validOrder: false, providerFee: await this.fee(asset) }
    const check = await this.check(asset, asset.transferTxId)
    if (!check.ok || !samePayer(check, requester))
      return { validOrder: false, providerFee: await this.fee(asset) }
    // spec §8 step 7: a still-valid fee means no new fee; otherwise the client calls reuseOrder.
    return check.providerFeeValid
      ? { validOrder: asset.transferTxId }
      : { validOrder: asset.transferTxId, providerFee: await this.fee(asset) }
  }

  paymentTerms(input: { token: string; amountWei: bigint; minLockSeconds: number }): PaymentTerms {
    return {
      escrowAddress: this.options.escrowAddress,
      payee: this.node().address,
      chainId: this.chainId,
      minLockSeconds: input.minLockSeconds,
      token: input.token,
      amount: input.amountWei.toString(),
    }
  }

  async assertOrders(assets: ResolvedAsset[], requester: string): Promise<void> {
    for (const asset of assets) {
      const check = await this.check(asset, asset.transferTxId ?? '')
      if (!check.ok)
        throw providerError(
          'ORDER_INVALID',
          `TxId Service ${asset.transferTxId} is not valid for DDO ${asset.record.did}: ${check.message}`,
          { details: { reason: check.code, did: asset.record.did } },
        )
      if (!samePayer(check, requester)) {
        throw providerError('ORDER_INVALID', `Order ${asset.transferTxId} was paid by another consumer`, {
          details: { reason: 'order-wrong-payer', did: asset.record.did },
        })
      }
      if (!check.providerFeeValid) {
        throw providerError(
          'ORDER_INVALID',
          `The provider fee of order ${asset.transferTxId} expired: call initializeCompute again and reuse the order`,
          { details: { reason: 'fee-expired', did: asset.record.did } },
        )
      }
    }
  }

  async assertFunds(input: {
    payer: string
    token: string
    amountWei: bigint
    lockSeconds: number
  }): Promise<void> {
    const funds = await this.escrow().checkFunds(input.payer, input.token, input.amountWei, input.lockSeconds)
    if (!funds.ok)
      throw providerError('ESCROW_INSUFFICIENT', funds.message, { details: { reason: funds.code } })
  }

  async lock(input: {
    jobId: string
    token: string
    payer: string
    amountWei: bigint
    expirySec: number
  }): Promise<{ lockTx: string; escrowJobId: string }> {
    try {
      const { lockTx } = await this.escrow().lock(
        input.jobId,
        input.token,
        input.payer,
        input.amountWei,
        input.expirySec,
      )
      return { lockTx, escrowJobId: EscrowClient.escrowJobId(input.jobId).toString() }
    } catch (error) {
      // An unreachable chain stays a 502 (CHAIN_UNAVAILABLE from the escrow client); a revert is the consumer's 400.
      if (isC2dError(error)) throw error
      throw providerError(
        'ESCROW_INSUFFICIENT',
        `Escrow lock failed: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`,
        { cause: error },
      )
    }
  }

  async release(input: { jobId: string; token: string; payer: string }): Promise<void> {
    await this.escrow().claim(input.jobId, input.token, input.payer, 0n)
  }

  downloadFee(asset: ResolvedAsset, validUntilSec: number): Promise<ProviderFee> {
    return this.fee(asset, validUntilSec)
  }
}

/** The consumer presenting an order must be the one who paid it (spec §6 names the node as `consumer`). */
function samePayer(check: Extract<OrderCheck, { ok: true }>, requester: string): boolean {
  return check.payer.toLowerCase() === requester.toLowerCase()
}

/**
 * The routes' `PaidCompute` over every served chain. An asset on a chain not served is refused with
 * CHAIN_NOT_SERVED before any chain call; a payment on one with PAYMENT_INVALID.
 */
export class ServedChainsPaidCompute implements PaidCompute {
  readonly chainIds: readonly number[]

  constructor(private readonly chains: ReadonlyMap<number, ChainPaidCompute>) {
    this.chainIds = [...chains.keys()]
  }

  /** The chain `chainId`'s paid compute (escrow of its settlement, cancelAllExpired at start). */
  on(chainId: number): ChainPaidCompute | undefined {
    return this.chains.get(Number(chainId))
  }

  private assetChain(asset: ResolvedAsset): ChainPaidCompute {
    const chain = this.on(asset.record.chainId)
    if (!chain)
      throw providerError(
        'CHAIN_NOT_SERVED',
        `DDO ${asset.record.did} is on chain ${asset.record.chainId}, which this node does not serve (chainIds: ${this.chainIds.join(', ')})`,
        { details: { did: asset.record.did, chainId: asset.record.chainId, chainIds: this.chainIds } },
      )
    return chain
  }

  private paymentChain(chainId: number): ChainPaidCompute {
    const chain = this.on(chainId)
    if (!chain)
      throw providerError(
        'PAYMENT_INVALID',
        `Chain ${chainId} is not supported by this node (chainIds: ${this.chainIds.join(', ')})`,
      )
    return chain
  }

  /** Refuses (CHAIN_NOT_SERVED) the first asset whose chain is not served: call before any chain call. */
  assertServed(assets: ResolvedAsset[]): void {
    for (const asset of assets) this.assetChain(asset)
  }

  assetTerms(asset: ResolvedAsset, requester: string) {
    return this.assetChain(asset).assetTerms(asset, requester)
  }

  paymentTerms(input: { chainId: number; token: string; amountWei: bigint; minLockSeconds: number }) {
    return this.paymentChain(input.chainId).paymentTerms(input)
  }

  async assertOrders(assets: ResolvedAsset[], requester: string): Promise<void> {
    this.assertServed(assets)
    for (const asset of assets) await this.assetChain(asset).assertOrders([asset], requester)
  }

  assertFunds(input: {
    chainId: number
    payer: string
    token: string
    amountWei: bigint
    lockSeconds: number
  }) {
    return this.paymentChain(input.chainId).assertFunds(input)
  }

  lock(input: {
    chainId: number
    jobId: string
    token: string
    payer: string
    amountWei: bigint
    expirySec: number
  }) {
    return this.paymentChain(input.chainId).lock(input)
  }

  release(input: { chainId: number; jobId: string; token: string; payer: string }) {
    return this.paymentChain(input.chainId).release(input)
  }

  downloadFee(asset: ResolvedAsset, validUntilSec: number) {
    return this.assetChain(asset).downloadFee(asset, validUntilSec)
  }
}
