/**
 * Validates a datatoken order transaction the way Ocean Node does (spec §6 "Validating an order",
 * steps 1–7), with ethers against the chain: the receipt, OrderReused → the original OrderStarted,
 * consumer/payer, datatoken ↔ NFT, service index, deployment, expiry, and the ProviderFee event of
 * the given tx signed by this provider for this service. Read-only; a failed check is a value, not
 * an exception, so the caller chooses the wire error.
 *
 * Chain layer: ethers and the contract ABIs only.
 */
import { Contract, Interface, toUtf8String, type Log, type Provider, type TransactionReceipt } from 'ethers'
import { chainError } from './chain-errors'
import { loadAbi } from './contracts'
import { isProviderFeeSignedBy, type ProviderFee } from './provider-fees'
import { isRpcUnreachable } from './rpc'

export interface OrderExpectation {
  transferTxId: string
  /** Who the order must name as consumer or payer: for compute, the environment's consumerAddress (the node). */
  consumerAddress: string
  datatoken: string
  nftAddress: string
  serviceIndex: number
  /** The service's timeout; 0 = orders never expire. */
  serviceTimeoutSec: number
  providerAddress: string
  serviceId: string
}

export type OrderCheckCode =
  | 'order-not-found'
  | 'order-wrong-consumer'
  | 'order-wrong-datatoken'
  | 'order-wrong-service'
  | 'order-expired'
  | 'order-not-deployed'

export type OrderCheck =
  | {
      ok: true
      /** The OrderStarted tx (the given tx, or the one a reuse points to). */
      orderTxId: string
      orderBlockTimestampSec: number
      /** Who paid for the order (OrderStarted.payer). */
      payer: string
      /** A ProviderFee event in the given tx, by this provider, for this service, still valid. */
      providerFeeValid: boolean
    }
  | { ok: false; code: OrderCheckCode; message: string }

const datatokenInterface = new Interface(loadAbi('ERC20Template'))

function parse(log: Log): ReturnType<Interface['parseLog']> {
  try {
    return datatokenInterface.parseLog({ topics: [...log.topics], data: log.data })
  } catch {
    return null
  }
}

function eventsOf(receipt: TransactionReceipt, name: string, emitter: string) {
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === emitter.toLowerCase())
    .map(parse)
    .filter((event): event is NonNullable<typeof event> => event !== null && event.name === name)
}

export interface ValidateOrderOptions {
  /**
   * Receipt lookups before "not found" (default 2, as Ocean Node): behind a load-balanced RPC the
   * node asked may not have the block the consumer's wallet just saw mined.
   */
  receiptAttempts?: number
  /** Pause between lookups (default 1000 ms). */
  receiptRetryDelayMs?: number
}

function fail(code: OrderCheckCode, message: string): OrderCheck {
  return { ok: false, code, message }
}

/** The fee event of `receipt` that this provider signed for this datatoken + service, if still valid. */
function providerFeeValid(
  receipt: TransactionReceipt,
  blockTimestampSec: number,
  expect: OrderExpectation,
  nowSec: number,
): boolean {
  for (const event of eventsOf(receipt, 'ProviderFee', expect.datatoken)) {
    const fee: ProviderFee = {
      providerFeeAddress: String(event.args.providerFeeAddress),
      providerFeeToken: String(event.args.providerFeeToken),
      providerFeeAmount: (event.args.providerFeeAmount as bigint).toString(),
      providerData: String(event.args.providerData),
      v: Number(event.args.v),
      r: String(event.args.r),
      s: String(event.args.s),
      validUntil: Number(event.args.validUntil),
    }
    if (fee.providerFeeAddress.toLowerCase() !== expect.providerAddress.toLowerCase()) continue
    if (!isProviderFeeSignedBy(fee, expect.providerAddress)) continue
    let data: { dt?: unknown; id?: unknown }
    try {
      data = JSON.parse(toUtf8String(fee.providerData)) as { dt?: unknown; id?: unknown }
    } catch {
      continue
    }
    if (
      typeof data.dt !== 'string' ||
      data.dt.toLowerCase() !== expect.datatoken.toLowerCase() ||
      data.id !== expect.serviceId
    )
      continue
    // spec §6 step 7: validUntil counts seconds from the fee's block; 0 = forever.
    if (fee.validUntil === 0 || nowSec - blockTimestampSec <= fee.validUntil) return true
  }
  return false
}

/**
 * Checks `expect.transferTxId` (spec §6 steps 1–7). A failed check is a value; an RPC that does not
 * answer throws `CHAIN_UNAVAILABLE` (502), so the consumer hears "try again", not "bad order".
 */
export async function validateOrder(
  provider: Provider,
  expect: OrderExpectation,
  nowSec: number,
  options: ValidateOrderOptions = {},
): Promise<OrderCheck> {
  const receiptOf = async (hash: string): Promise<TransactionReceipt | null> => {
    const attempts = Math.max(1, options.receiptAttempts ?? 2)
    for (let attempt = 1; ; attempt++) {
      const receipt = await provider.getTransactionReceipt(hash)
      if (receipt || attempt >= attempts) return receipt
      await new Promise((resolve) => setTimeout(resolve, options.receiptRetryDelayMs ?? 1000))
    }
  }
  try {
    return await checkOrder(provider, receiptOf, expect, nowSec)
  } catch (error) {
    if (isRpcUnreachable(error))
      throw chainError(
        'CHAIN_UNAVAILABLE',
        `The chain RPC did not answer while validating order ${expect.transferTxId}`,
        { cause: error },
      )
    throw error
  }
}

async function checkOrder(
  provider: Provider,
  receiptOf: (hash: string) => Promise<TransactionReceipt | null>,
  expect: OrderExpectation,
  nowSec: number,
): Promise<OrderCheck> {
  if (!/^0x[0-9a-fA-F]{64}$/.test(expect.transferTxId))
    return fail('order-not-found', `${expect.transferTxId} is not a transaction hash`)
  const given = await receiptOf(expect.transferTxId)
  if (!given || given.status !== 1)
    return fail('order-not-found', `No successful transaction ${expect.transferTxId} on this chain`)
  // Step 1: the datatoken is the tx's target.
  if (!given.to || given.to.toLowerCase() !== expect.datatoken.toLowerCase()) {
    return fail(
      'order-wrong-datatoken',
      `Transaction ${expect.transferTxId} is not an order of datatoken ${expect.datatoken}`,
    )
  }
  const givenBlock = await provider.getBlock(given.blockNumber)
  if (!givenBlock)
    return fail('order-not-found', `Block ${given.blockNumber} of ${expect.transferTxId} is not available`)

  // Step 2: a reuse points at the original order.
  let order = given
  const reuse = eventsOf(given, 'OrderReused', expect.datatoken)[0]
  if (reuse) {
    const original = await receiptOf(String(reuse.args.orderTxId))
    if (!original || original.status !== 1)
      return fail('order-not-found', `The reused order ${String(reuse.args.orderTxId)} does not exist`)
    if (!original.to || original.to.toLowerCase() !== expect.datatoken.toLowerCase())
      return fail('order-wrong-datatoken', `The reused order belongs to another datatoken`)
    order = original
  }

  // Step 3: OrderStarted naming the expected consumer (or paid by it), on this datatoken of this NFT.
  const started = eventsOf(order, 'OrderStarted', expect.datatoken)
  if (started.length === 0)
    return fail('order-not-found', `Transaction ${order.hash} has no OrderStarted event`)
  const expected = expect.consumerAddress.toLowerCase()
  const event = started.find(
    (e) =>
      String(e.args.consumer).toLowerCase() === expected || String(e.args.payer).toLowerCase() === expected,
  )
  if (!event)
    return fail('order-wrong-consumer', `Order ${order.hash} was not made for ${expect.consumerAddress}`)
  const datatoken = new Contract(expect.datatoken, datatokenInterface, provider)
  const nft = String(await datatoken.getFunction('getERC721Address')())
  if (nft.toLowerCase() !== expect.nftAddress.toLowerCase())
    return fail(
      'order-wrong-datatoken',
      `Datatoken ${expect.datatoken} does not belong to NFT ${expect.nftAddress}`,
    )
  // Step 4.
  if (Number(event.args.serviceIndex) !== expect.serviceIndex) {
    return fail(
      'order-wrong-service',
      `Order ${order.hash} is for service index ${String(event.args.serviceIndex)}, not ${expect.serviceIndex}`,
    )
  }
  // Step 5.
  const nftContract = new Contract(expect.nftAddress, loadAbi('ERC721Template'), provider)
  if (!(await nftContract.getFunction('isDeployed')(expect.datatoken)))
    return fail(
      'order-not-deployed',
      `Datatoken ${expect.datatoken} is not deployed by NFT ${expect.nftAddress}`,
    )
  // Step 6: expiry counted from the original order's block.
  const orderBlock = order === given ? givenBlock : await provider.getBlock(order.blockNumber)
  const orderBlockTimestampSec = orderBlock?.timestamp ?? givenBlock.timestamp
  if (expect.serviceTimeoutSec !== 0 && nowSec - orderBlockTimestampSec > expect.serviceTimeoutSec) {
    return fail(
      'order-expired',
      `Order ${order.hash} expired: the service allows ${expect.serviceTimeoutSec} s after ordering`,
    )
  }
  // Step 7: the fee event of the GIVEN tx (start or reuse).
  return {
    ok: true,
    orderTxId: order.hash,
    orderBlockTimestampSec,
    payer: String(event.args.payer),
    providerFeeValid: providerFeeValid(given, givenBlock.timestamp, expect, nowSec),
  }
}
