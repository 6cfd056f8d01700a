/**
 * validateOrder's decisions on receipts the dev chain cannot produce (a reverted order, a datatoken
 * its NFT never deployed, OrderStarted emitted by another contract, malformed providerData, the
 * exact expiry boundaries). The fake chain speaks ethers' Provider surface with real ABI-encoded
 * logs and call results, so validateOrder's parsing runs unchanged; the real-chain cases are in
 * engine/test/chain-orders-escrow.test.ts.
 */
import { createServer, type AddressInfo } from 'node:net'
import {
  Interface,
  JsonRpcProvider,
  Wallet,
  hexlify,
  randomBytes,
  toUtf8Bytes,
  type Provider,
  type Signer,
  type TransactionRequest,
} from 'ethers'
import { describe, expect, it } from 'vitest'
import { isC2dError } from '../c2d-error'
import { loadAbi } from './contracts'
import { validateOrder, type OrderExpectation } from './orders'
import { encodeProviderData, signProviderFee, type ProviderFee } from './provider-fees'

const datatokenAbi = new Interface(loadAbi('ERC20Template'))
const nftAbi = new Interface(loadAbi('ERC721Template'))
const node = new Wallet('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a')
const payer = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const DATATOKEN = '0x1111111111111111111111111111111111111111'
const NFT = '0x2222222222222222222222222222222222222222'
const SERVICE_ID = 'svc-compute'
const ORDER_BLOCK = 10
const ORDER_TIME_SEC = 1_700_000_000

interface FakeLog {
  address: string
  topics: string[]
  data: string
}
interface FakeReceipt {
  hash: string
  to: string | null
  status: number
  blockNumber: number
  logs: FakeLog[]
}

/** Just enough of an EVM node for validateOrder: receipts, block timestamps, two view calls. */
class FakeChain {
  readonly receipts = new Map<string, FakeReceipt>()
  readonly blockTimes = new Map<number, number>([[ORDER_BLOCK, ORDER_TIME_SEC]])
  nftOfDatatoken = NFT
  isDeployed = true

  provider(): Provider {
    const fake = {
      getTransactionReceipt: async (hash: string) => this.receipts.get(hash) ?? null,
      getBlock: async (n: number) =>
        this.blockTimes.has(n) ? { number: n, timestamp: this.blockTimes.get(n)! } : null,
      call: async (tx: TransactionRequest) => {
        const data = String(tx.data)
        if (
          String(tx.to).toLowerCase() === DATATOKEN.toLowerCase() &&
          data.startsWith(datatokenAbi.getFunction('getERC721Address')!.selector)
        ) {
          return datatokenAbi.encodeFunctionResult('getERC721Address', [this.nftOfDatatoken])
        }
        if (
          String(tx.to).toLowerCase() === NFT.toLowerCase() &&
          data.startsWith(nftAbi.getFunction('isDeployed')!.selector)
        ) {
          return nftAbi.encodeFunctionResult('isDeployed', [this.isDeployed])
        }
        throw new Error(`unexpected call to ${String(tx.to)}`)
      },
    }
    return fake as unknown as Provider
  }

  add(receipt: Partial<FakeReceipt> & { logs: FakeLog[] }): string {
    const hash = receipt.hash ?? hexlify(randomBytes(32))
    this.receipts.set(hash, { hash, to: DATATOKEN, status: 1, blockNumber: ORDER_BLOCK, ...receipt })
    return hash
  }
}

function log(name: string, values: unknown[], address = DATATOKEN): FakeLog {
  const { topics, data } = datatokenAbi.encodeEventLog(name, values)
  return { address, topics, data }
}

function orderStarted(
  over: { consumer?: string; payer?: string; serviceIndex?: number } = {},
  address = DATATOKEN,
): FakeLog {
  return log(
    'OrderStarted',
    [
      over.consumer ?? node.address,
      over.payer ?? payer,
      10n ** 18n,
      over.serviceIndex ?? 0,
      ORDER_TIME_SEC,
      '0x0000000000000000000000000000000000000000',
      ORDER_BLOCK,
    ],
    address,
  )
}

function providerFeeLog(fee: ProviderFee): FakeLog {
  return log('ProviderFee', [
    fee.providerFeeAddress,
    fee.providerFeeToken,
    BigInt(fee.providerFeeAmount),
    fee.providerData,
    fee.v,
    fee.r,
    fee.s,
    fee.validUntil,
  ])
}

async function fee(
  over: { validUntil?: number; providerData?: string; signer?: Signer } = {},
): Promise<ProviderFee> {
  return signProviderFee(over.signer ?? node, {
    providerFeeToken: '0x3333333333333333333333333333333333333333',
    providerFeeAmount: '0',
    providerData: over.providerData ?? encodeProviderData(DATATOKEN, SERVICE_ID),
    validUntil: over.validUntil ?? 0,
  })
}

function expectation(transferTxId: string, over: Partial<OrderExpectation> = {}): OrderExpectation {
  return {
    transferTxId,
    consumerAddress: node.address,
    datatoken: DATATOKEN,
    nftAddress: NFT,
    serviceIndex: 0,
    serviceTimeoutSec: 0,
    providerAddress: node.address,
    serviceId: SERVICE_ID,
    ...over,
  }
}

describe('validateOrder (fake chain)', () => {
  it('accepts a start order with this node’s fee, addresses compared case-insensitively', async () => {
    const chain = new FakeChain()
    const tx = chain.add({ logs: [orderStarted(), providerFeeLog(await fee())] })
    const check = await validateOrder(
      chain.provider(),
      expectation(tx, {
        datatoken: DATATOKEN.toUpperCase().replace('0X', '0x'),
        consumerAddress: node.address.toLowerCase(),
      }),
      ORDER_TIME_SEC + 5,
    )
    expect(check).toEqual({
      ok: true,
      orderTxId: tx,
      orderBlockTimestampSec: ORDER_TIME_SEC,
      payer,
      providerFeeValid: true,
    })
  })

  it('refuses a reverted order tx as not found', async () => {
    const chain = new FakeChain()
    const tx = chain.add({ status: 0, logs: [orderStarted()] })
    expect(await validateOrder(chain.provider(), expectation(tx), ORDER_TIME_SEC)).toMatchObject({
      ok: false,
      code: 'order-not-found',
    })
  })

  it('ignores an OrderStarted emitted by another contract in the same tx', async () => {
    const chain = new FakeChain()
    const tx = chain.add({ logs: [orderStarted({}, '0x4444444444444444444444444444444444444444')] })
    expect(await validateOrder(chain.provider(), expectation(tx), ORDER_TIME_SEC)).toMatchObject({
      ok: false,
      code: 'order-not-found',
    })
  })

  it('refuses a datatoken its NFT does not (or no longer) deploy', async () => {
    const chain = new FakeChain()
    chain.isDeployed = false
    const tx = chain.add({ logs: [orderStarted()] })
    expect(await validateOrder(chain.provider(), expectation(tx), ORDER_TIME_SEC)).toMatchObject({
      ok: false,
      code: 'order-not-deployed',
    })
  })

  it('refuses a datatoken that reports another NFT', async () => {
    const chain = new FakeChain()
    chain.nftOfDatatoken = '0x5555555555555555555555555555555555555555'
    const tx = chain.add({ logs: [orderStarted()] })
    expect(await validateOrder(chain.provider(), expectation(tx), ORDER_TIME_SEC)).toMatchObject({
      ok: false,
      code: 'order-wrong-datatoken',
    })
  })

  it('expires strictly after the service timeout (spec §6 step 6: now − orderBlock > timeout)', async () => {
    const chain = new FakeChain()
    const tx = chain.add({ logs: [orderStarted(), providerFeeLog(await fee())] })
    expect(
      await validateOrder(
        chain.provider(),
        expectation(tx, { serviceTimeoutSec: 100 }),
        ORDER_TIME_SEC + 100,
      ),
    ).toMatchObject({ ok: true })
    expect(
      await validateOrder(
        chain.provider(),
        expectation(tx, { serviceTimeoutSec: 100 }),
        ORDER_TIME_SEC + 101,
      ),
    ).toMatchObject({ ok: false, code: 'order-expired' })
  })

  it('counts fee validity from the given tx block, inclusive (spec §6 step 7: now − block <= validUntil)', async () => {
    const chain = new FakeChain()
    const tx = chain.add({ logs: [orderStarted(), providerFeeLog(await fee({ validUntil: 60 }))] })
    expect(await validateOrder(chain.provider(), expectation(tx), ORDER_TIME_SEC + 60)).toMatchObject({
      ok: true,
      providerFeeValid: true,
    })
    expect(await validateOrder(chain.provider(), expectation(tx), ORDER_TIME_SEC + 61)).toMatchObject({
      ok: true,
      providerFeeValid: false,
    })
  })

  it('judges the fee of the reuse tx, not of the original order', async () => {
    const chain = new FakeChain()
    chain.blockTimes.set(20, ORDER_TIME_SEC + 1000)
    const original = chain.add({ logs: [orderStarted(), providerFeeLog(await fee({ validUntil: 60 }))] })
    const reuse = chain.add({
      blockNumber: 20,
      logs: [
        log('OrderReused', [original, payer, ORDER_TIME_SEC + 1000, 20]),
        providerFeeLog(await fee({ validUntil: 60 })),
      ],
    })
    const check = await validateOrder(chain.provider(), expectation(reuse), ORDER_TIME_SEC + 1030)
    expect(check).toEqual({
      ok: true,
      orderTxId: original,
      orderBlockTimestampSec: ORDER_TIME_SEC,
      payer,
      providerFeeValid: true,
    })
    // Without a fee in the reuse tx, the original's fee does not count.
    const bareReuse = chain.add({
      blockNumber: 20,
      logs: [log('OrderReused', [original, payer, ORDER_TIME_SEC + 1000, 20])],
    })
    expect(await validateOrder(chain.provider(), expectation(bareReuse), ORDER_TIME_SEC + 10)).toMatchObject({
      ok: true,
      providerFeeValid: false,
    })
  })

  it('refuses a reuse whose original order reverted', async () => {
    const chain = new FakeChain()
    const original = chain.add({ status: 0, logs: [orderStarted()] })
    const reuse = chain.add({ logs: [log('OrderReused', [original, payer, ORDER_TIME_SEC, ORDER_BLOCK])] })
    expect(await validateOrder(chain.provider(), expectation(reuse), ORDER_TIME_SEC)).toMatchObject({
      ok: false,
      code: 'order-not-found',
    })
  })

  it('does not count a fee whose providerData is not {dt,id} JSON, names another datatoken, or whose signature is not the fee address', async () => {
    const chain = new FakeChain()
    const notJson = chain.add({
      logs: [orderStarted(), providerFeeLog(await fee({ providerData: hexlify(toUtf8Bytes('not json')) }))],
    })
    const otherDt = chain.add({
      logs: [
        orderStarted(),
        providerFeeLog(
          await fee({
            providerData: encodeProviderData('0x6666666666666666666666666666666666666666', SERVICE_ID),
          }),
        ),
      ],
    })
    // The fee address says "node", the signature is someone else's (the contract would refuse it; we must too).
    const forged = { ...(await fee({ signer: Wallet.createRandom() })), providerFeeAddress: node.address }
    const forgedTx = chain.add({ logs: [orderStarted(), providerFeeLog(forged)] })
    for (const tx of [notJson, otherDt, forgedTx]) {
      expect(await validateOrder(chain.provider(), expectation(tx), ORDER_TIME_SEC)).toMatchObject({
        ok: true,
        providerFeeValid: false,
      })
    }
  })

  it('finds the matching OrderStarted among several in one tx', async () => {
    const chain = new FakeChain()
    const someoneElse = '0x7777777777777777777777777777777777777777'
    const tx = chain.add({
      logs: [orderStarted({ consumer: someoneElse, payer: someoneElse }), orderStarted({ serviceIndex: 0 })],
    })
    expect(await validateOrder(chain.provider(), expectation(tx), ORDER_TIME_SEC)).toMatchObject({
      ok: true,
      payer,
    })
  })
})

describe('validateOrder when the RPC does not answer', () => {
  it('throws CHAIN_UNAVAILABLE (502) instead of a generic error', async () => {
    const port = await closedPort()
    const provider = new JsonRpcProvider(`http://127.0.0.1:${port}`, 8996, { staticNetwork: true })
    try {
      const error = await validateOrder(
        provider,
        expectation(hexlify(randomBytes(32))),
        ORDER_TIME_SEC,
      ).catch((e: unknown) => e)
      expect(isC2dError(error) && [error.code, error.status]).toEqual(['CHAIN_UNAVAILABLE', 502])
    } finally {
      provider.destroy()
    }
  })
})

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('validateOrder receipt lookups', () => {
  it('asks again once before "not found" (a lagging RPC node), and not more', async () => {
    const chain = new FakeChain()
    const tx = hexlify(randomBytes(32))
    const provider = chain.provider()
    const lookups: string[] = []
    const lagging = Object.assign(Object.create(provider) as Provider, {
      getTransactionReceipt: async (hash: string) => {
        lookups.push(hash)
        // The receipt shows up on this node only after the first lookup.
        if (lookups.length === 1) chain.add({ hash: tx, logs: [orderStarted(), providerFeeLog(await fee())] })
        return lookups.length === 1 ? null : provider.getTransactionReceipt(hash)
      },
    })
    expect(
      await validateOrder(lagging, expectation(tx), ORDER_TIME_SEC, { receiptRetryDelayMs: 0 }),
    ).toMatchObject({ ok: true, orderTxId: tx })
    expect(lookups).toEqual([tx, tx])

    const missing = hexlify(randomBytes(32))
    lookups.length = 0
    lookups.push('warm') // past the first-lookup trigger
    expect(
      await validateOrder(lagging, expectation(missing), ORDER_TIME_SEC, { receiptRetryDelayMs: 0 }),
    ).toMatchObject({ ok: false, code: 'order-not-found' })
    expect(lookups).toEqual(['warm', missing, missing])
  })
})
