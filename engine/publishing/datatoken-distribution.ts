/**
 * How consumers get the datatokens they order with: minted to an address by the publisher, a free
 * Dispenser (ocean.js `orderAsset` "free" path), or a FixedRateExchange price in a base token
 * ("fixed" path; ocean.js refuses assets with neither: "Pricing schema not supported", spec §10).
 * Each is one recorded, progress-reporting tx on the asset's datatoken.
 */
import {
  Contract,
  Interface,
  ZeroAddress,
  getAddress,
  parseUnits,
  zeroPadValue,
  type BaseWallet,
} from 'ethers'
import type { Clock } from '../clock'
import type { Logger } from '../logging'
import { chainError } from '../chain/chain-errors'
import { loadAbi, type OceanAddresses } from '../chain/contracts'
import type { AssetRegistry, PublishProgress } from './asset-registry'
import { publishingError } from './publishing-errors'
import { assertAssetOnChain } from './on-chain-presence'
import { sendRecordedTx, type ExpectedEffect, type OnPublishEvent, type StepName } from './recorded-tx'

export interface DistributionOptions {
  registry: AssetRegistry
  clock: Clock
  logger: Logger
  chainId: number
  contracts: OceanAddresses
  signer: () => BaseWallet | undefined
  txTimeoutMs?: number
}

export class DatatokenDistribution {
  private readonly dtAbi = new Interface(loadAbi('ERC20TemplateEnterprise'))

  constructor(private readonly options: DistributionOptions) {}

  /** Mints `amountWei` datatokens of `did` to `to` (the publisher is the datatoken's minter). */
  mint(did: string, to: string, amountWei: bigint, onEvent?: OnPublishEvent): Promise<string> {
    if (amountWei <= 0n) throw publishingError('ASSET_INVALID', 'The amount to mint must be positive')
    return this.run(
      did,
      'mint',
      (dt) => ({ to: dt, data: this.dtAbi.encodeFunctionData('mint', [getAddress(to), amountWei]) }),
      onEvent,
      (dt) => ({
        label: `a Transfer (mint) of ${amountWei} wei to ${getAddress(to)} from the datatoken`,
        address: dt,
        topics: [this.dtAbi.getEvent('Transfer')!.topicHash],
        matches: (log) =>
          log.topics[1] === zeroPadValue(ZeroAddress, 32) &&
          log.topics[2]?.toLowerCase() === zeroPadValue(getAddress(to), 32).toLowerCase() &&
          BigInt(log.data) === amountWei,
      }),
    )
  }

  /** A free Dispenser: anyone gets up to `maxTokens` per request while holding at most `maxBalance`. */
  createDispenser(
    did: string,
    limits: { maxTokens: string; maxBalance: string } = { maxTokens: '1', maxBalance: '1' },
    onEvent?: OnPublishEvent,
  ): Promise<string> {
    const dispenser = this.requireContract('Dispenser')
    return this.run(
      did,
      'dispenser',
      (dt) => ({
        to: dt,
        data: this.dtAbi.encodeFunctionData('createDispenser', [
          dispenser,
          parseUnits(limits.maxTokens, 18),
          parseUnits(limits.maxBalance, 18),
          true,
          ZeroAddress,
        ]),
      }),
      onEvent,
      (dt) => ({
        label: 'a NewDispenser event from the datatoken',
        address: dt,
        topics: [this.dtAbi.getEvent('NewDispenser')!.topicHash],
      }),
    )
  }

  /**
   * A fixed price: `price` base tokens (decimal string, e.g. "1.5") per datatoken, minted on
   * purchase. Base token default: OCEAN. Sales go to the publisher.
   */
  async createFixedRate(
    did: string,
    price: { price: string; baseToken?: string; baseTokenDecimals?: number },
    onEvent?: OnPublishEvent,
  ): Promise<string> {
    const fixedRate = this.requireContract('FixedPrice')
    const baseToken = getAddress(price.baseToken ?? this.options.contracts.Ocean)
    const owner = this.wallet().address
    return this.run(
      did,
      'fixedRate',
      (dt) => ({
        to: dt,
        // addresses: [baseToken, owner, marketFeeCollector, allowedSwapper]; uints: [baseDecimals, dtDecimals, rate, marketFee, withMint]
        data: this.dtAbi.encodeFunctionData('createFixedRate', [
          fixedRate,
          [baseToken, owner, owner, ZeroAddress],
          [BigInt(price.baseTokenDecimals ?? 18), 18n, parseUnits(price.price, 18), 0n, 1n],
        ]),
      }),
      onEvent,
      (dt) => ({
        label: 'a NewFixedRate event from the datatoken',
        address: dt,
        topics: [this.dtAbi.getEvent('NewFixedRate')!.topicHash],
      }),
    )
  }

  /** The datatoken balance of `holder` for asset `did`, in wei. */
  async balanceOf(did: string, holder: string): Promise<bigint> {
    const record = this.requireAsset(did)
    const dt = new Contract(record.datatokenAddress, this.dtAbi, this.wallet().provider)
    return (await dt.getFunction('balanceOf')(getAddress(holder))) as bigint
  }

  private async run(
    did: string,
    step: StepName,
    tx: (datatoken: string) => { to: string; data: string },
    onEvent: OnPublishEvent = () => {},
    effect?: (datatoken: string) => ExpectedEffect,
  ): Promise<string> {
    const record = this.requireAsset(did)
    await assertAssetOnChain(this.wallet().provider, record)
    const progress: PublishProgress = {
      op: 'state',
      startedAtMs: this.options.clock.nowMs(),
      steps: {},
      done: false,
    }
    const receipt = await sendRecordedTx(
      {
        signer: this.wallet(),
        chainId: this.options.chainId,
        rpcUrlForErrors: '',
        progress,
        persist: (p) => this.options.registry.setPublishProgress(did, p),
        onEvent,
        logger: this.options.logger,
        waitTimeoutMs: this.options.txTimeoutMs ?? 120_000,
      },
      step,
      async () => tx(record.datatokenAddress),
      effect?.(record.datatokenAddress),
    )
    progress.done = true
    this.options.registry.setPublishProgress(did, progress)
    return receipt.hash
  }

  private wallet(): BaseWallet {
    const w = this.options.signer()
    if (!w) throw chainError('WALLET_LOCKED', 'Unlock the publisher wallet first')
    return w
  }

  private requireContract(name: 'Dispenser' | 'FixedPrice'): string {
    const address = this.options.contracts[name]
    if (!address)
      throw chainError(
        'CONTRACT_ADDRESS_UNKNOWN',
        `No ${name} contract is known on chain ${this.options.chainId}`,
      )
    return address
  }

  private requireAsset(did: string) {
    const record = this.options.registry.get(did)
    if (!record) throw publishingError('ASSET_NOT_FOUND', `No published asset ${did} in this console`)
    return record
  }
}
