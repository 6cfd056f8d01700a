/**
 * Order validation (spec §6 "Validating an order") and the node's escrow side (spec §6 "Escrow")
 * against the embedded dev chain with Ocean's real contracts. Orders and escrow funds are made the
 * way a consumer makes them: ocean.js `Datatoken.startOrder`/`reuseOrder` naming the node as
 * consumer, ocean.js `EscrowContract.verifyFundsForEscrowPayment` for deposit + authorize; plain
 * ethers only where a consumer with its own tooling sets limits ocean.js cannot express.
 * One chain for the file; the tests run in order (chain time only moves forward).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Datatoken, EscrowContract, type ProviderFees } from '@oceanprotocol/lib'
import {
  AbiCoder,
  Contract,
  Interface,
  NonceManager,
  Wallet,
  hexlify,
  parseEther,
  randomBytes,
  type Signer,
  type TransactionReceipt,
} from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { computeEnvironmentSchema } from '../config/schema'
import { MemoryLogger } from '../logging'
import { loadAbi } from '../chain/contracts'
import { startDevChain, type DevChain } from '../chain/dev-chain/dev-chain'
import { EscrowClient } from '../chain/escrow'
import { validateOrder, type OrderExpectation } from '../chain/orders'
import { encodeProviderData, signProviderFee, type ProviderFee } from '../chain/provider-fees'
import type { JobRecord } from '../operator-service/job-record'
import { createEscrowSettlement } from '../provider/escrow-settlement'
import { AssetRegistry, type AssetRecord } from '../publishing/asset-registry'
import { createDevSampleSeeder } from '../publishing/dev-samples'
import { openDatabase, type Database } from '../store/database'

const dataDir = mkdtempSync(join(tmpdir(), 'c2d-orders-escrow-'))
const escrowInterface = new Interface(loadAbi('Escrow'))
/** Solidity's Error(string) selector: what `require(cond, "reason")` reverts with. */
const ERROR_STRING_SELECTOR = '0x08c379a0'
/** Missing receipts are missing here (automine): skip validateOrder's second look after 1 s. */
const NO_RECEIPT_WAIT = { receiptRetryDelayMs: 0 }

let chain: DevChain
let db: Database
let dataset: AssetRecord
let algorithm: AssetRecord
let node: Wallet
let consumer: Signer
let consumerAddress: string
let ocean: string
let escrowAddress: string
let escrow: EscrowClient

beforeAll(async () => {
  db = openDatabase({ file: join(dataDir, 'console.db') })
  const registry = new AssetRegistry(db, new FakeClock())
  chain = await startDevChain({
    dataDir,
    port: 0,
    logger: new MemoryLogger(),
    seedSamples: createDevSampleSeeder({ registry, clock: new FakeClock() }),
  })
  if (!chain.samples || !chain.contracts.Escrow) throw new Error('the dev chain has no samples or no Escrow')
  dataset = registry.get(chain.samples.dataset.did)!
  algorithm = registry.get(chain.samples.algorithm.did)!
  node = new Wallet(chain.accounts.provider.privateKey, chain.rpc)
  consumer = new NonceManager(new Wallet(chain.accounts.consumer.privateKey, chain.rpc))
  consumerAddress = chain.accounts.consumer.address
  ocean = chain.contracts.Ocean
  escrowAddress = chain.contracts.Escrow
  // A plain Wallet, as the Provider passes (BaseWallet): EscrowClient queues its own sends, and a
  // NonceManager would skip a nonce after a tx that fails in estimateGas.
  escrow = new EscrowClient({ signer: node, escrowAddress, logger: new MemoryLogger() })
})
afterAll(async () => {
  await chain?.stop()
  db?.close()
})

// ---------------------------------------------------------------------------------------------
// Consumer-side steps, as ocean.js does them.

function datatokenClient(signer: Signer): Datatoken {
  const { chainId, contracts } = chain
  return new Datatoken(signer, chainId, {
    chainId,
    oceanTokenAddress: contracts.Ocean,
    nftFactoryAddress: contracts.ERC721Factory,
    gasFeeMultiplier: 1,
  } as never)
}

/** The fee initializeCompute hands out (spec §6): amount 0 under escrow, signed by `signer`. */
async function fee(
  asset: AssetRecord,
  options: { signer?: Signer; validUntil?: number; serviceId?: string } = {},
): Promise<ProviderFee> {
  return signProviderFee(options.signer ?? node, {
    providerFeeToken: ocean,
    providerFeeAmount: '0',
    providerData: encodeProviderData(asset.datatokenAddress, options.serviceId ?? serviceId(asset)),
    validUntil: options.validUntil ?? 0,
  })
}

function wire(f: ProviderFee): ProviderFees {
  return { ...f, v: String(f.v), validUntil: String(f.validUntil) }
}

function serviceId(asset: AssetRecord): string {
  return asset.ddo.services[0]!.id
}

/** ocean.js startOrder naming the node as consumer (spec §8 step 4). */
async function startOrder(
  asset: AssetRecord,
  providerFee: ProviderFee,
  orderConsumer = node.address,
  serviceIndex = 0,
): Promise<string> {
  const tx = (await datatokenClient(consumer).startOrder(
    asset.datatokenAddress,
    orderConsumer,
    serviceIndex,
    wire(providerFee),
  )) as unknown as { hash: string } | null
  if (!tx) throw new Error('startOrder failed (ocean.js logged why)')
  return tx.hash
}

async function reuseOrder(asset: AssetRecord, orderTxId: string, providerFee: ProviderFee): Promise<string> {
  const tx = (await datatokenClient(consumer).reuseOrder(
    asset.datatokenAddress,
    orderTxId,
    wire(providerFee),
  )) as unknown as { hash: string } | null
  if (!tx) throw new Error('reuseOrder failed (ocean.js logged why)')
  return tx.hash
}

function expectation(
  asset: AssetRecord,
  transferTxId: string,
  over: Partial<OrderExpectation> = {},
): OrderExpectation {
  return {
    transferTxId,
    consumerAddress: node.address,
    datatoken: asset.datatokenAddress,
    nftAddress: asset.nftAddress,
    serviceIndex: 0,
    serviceTimeoutSec: 0,
    providerAddress: node.address,
    serviceId: serviceId(asset),
    ...over,
  }
}

async function chainNowSec(): Promise<number> {
  return (await chain.rpc.getBlock('latest'))!.timestamp
}

/** EDR's time travel (Hardhat's evm_increaseTime + evm_mine). */
async function advanceChainSec(seconds: number): Promise<void> {
  await chain.rpc.send('evm_increaseTime', [seconds])
  await chain.rpc.send('evm_mine', [])
}

async function eventsIn(txHash: string, name: string) {
  const receipt = (await chain.rpc.getTransactionReceipt(txHash)) as TransactionReceipt
  return receipt.logs
    .filter((l) => l.address.toLowerCase() === escrowAddress.toLowerCase())
    .map((l) => escrowInterface.parseLog(l))
    .filter((e) => e?.name === name)
}

// ---------------------------------------------------------------------------------------------

describe('validateOrder on the dev chain (spec §6 steps 1–7)', () => {
  let datasetOrder: string
  let algorithmOrder: string

  it('accepts a real startOrder naming the node, with a fee signed by this node', async () => {
    datasetOrder = await startOrder(dataset, await fee(dataset))
    algorithmOrder = await startOrder(algorithm, await fee(algorithm))
    const check = await validateOrder(chain.rpc, expectation(dataset, datasetOrder), await chainNowSec())
    const block = await chain.rpc.getBlock((await chain.rpc.getTransactionReceipt(datasetOrder))!.blockNumber)
    expect(check).toEqual({
      ok: true,
      orderTxId: datasetOrder,
      orderBlockTimestampSec: block!.timestamp,
      payer: consumerAddress,
      providerFeeValid: true,
    })
    expect(
      (await validateOrder(chain.rpc, expectation(algorithm, algorithmOrder), await chainNowSec())).ok,
    ).toBe(true)
  })

  it('matches the payer when the order names someone else as consumer (consumer OR payer)', async () => {
    const tx = await startOrder(dataset, await fee(dataset), Wallet.createRandom().address)
    const check = await validateOrder(
      chain.rpc,
      expectation(dataset, tx, { consumerAddress }),
      await chainNowSec(),
    )
    expect(check).toMatchObject({ ok: true, orderTxId: tx, payer: consumerAddress })
  })

  it('follows a reuseOrder to the original order, and judges the fee of the reuse tx', async () => {
    const reuse = await reuseOrder(dataset, datasetOrder, await fee(dataset))
    const check = await validateOrder(chain.rpc, expectation(dataset, reuse), await chainNowSec())
    const original = await chain.rpc.getBlock(
      (await chain.rpc.getTransactionReceipt(datasetOrder))!.blockNumber,
    )
    expect(check).toEqual({
      ok: true,
      orderTxId: datasetOrder,
      orderBlockTimestampSec: original!.timestamp,
      payer: consumerAddress,
      providerFeeValid: true,
    })
  })

  it('refuses an order made for another consumer', async () => {
    const check = await validateOrder(
      chain.rpc,
      expectation(dataset, datasetOrder, { consumerAddress: Wallet.createRandom().address }),
      await chainNowSec(),
    )
    expect(check).toMatchObject({ ok: false, code: 'order-wrong-consumer' })
  })

  it("refuses another asset's order, and a datatoken of another NFT", async () => {
    // The algorithm's order presented for the dataset: the tx targets another datatoken.
    expect(
      await validateOrder(chain.rpc, expectation(dataset, algorithmOrder), await chainNowSec()),
    ).toMatchObject({ ok: false, code: 'order-wrong-datatoken' })
    // The right datatoken claimed to belong to the algorithm's NFT.
    expect(
      await validateOrder(
        chain.rpc,
        expectation(dataset, datasetOrder, { nftAddress: algorithm.nftAddress }),
        await chainNowSec(),
      ),
    ).toMatchObject({ ok: false, code: 'order-wrong-datatoken' })
  })

  it("refuses a reuse that points at another datatoken's order, or at nothing", async () => {
    const crossReuse = await reuseOrder(dataset, algorithmOrder, await fee(dataset))
    expect(
      await validateOrder(chain.rpc, expectation(dataset, crossReuse), await chainNowSec()),
    ).toMatchObject({ ok: false, code: 'order-wrong-datatoken' })
    const danglingReuse = await reuseOrder(dataset, hexlify(randomBytes(32)), await fee(dataset))
    expect(
      await validateOrder(
        chain.rpc,
        expectation(dataset, danglingReuse),
        await chainNowSec(),
        NO_RECEIPT_WAIT,
      ),
    ).toMatchObject({ ok: false, code: 'order-not-found' })
  })

  it('refuses an order for another service index', async () => {
    expect(
      await validateOrder(
        chain.rpc,
        expectation(dataset, datasetOrder, { serviceIndex: 1 }),
        await chainNowSec(),
      ),
    ).toMatchObject({ ok: false, code: 'order-wrong-service' })
    // An order placed for index 1 does not serve index 0 either.
    const other = await startOrder(dataset, await fee(dataset), node.address, 1)
    expect(await validateOrder(chain.rpc, expectation(dataset, other), await chainNowSec())).toMatchObject({
      ok: false,
      code: 'order-wrong-service',
    })
  })

  it('refuses a missing tx, a malformed id and a datatoken tx that is no order', async () => {
    expect(
      await validateOrder(
        chain.rpc,
        expectation(dataset, hexlify(randomBytes(32))),
        await chainNowSec(),
        NO_RECEIPT_WAIT,
      ),
    ).toMatchObject({ ok: false, code: 'order-not-found' })
    expect(
      await validateOrder(chain.rpc, expectation(dataset, 'not-a-tx'), await chainNowSec()),
    ).toMatchObject({ ok: false, code: 'order-not-found' })
    const dt = new Contract(dataset.datatokenAddress, loadAbi('ERC20Template'), consumer)
    const transfer = await (await dt.getFunction('transfer')(Wallet.createRandom().address, 1n)).wait()
    expect(
      await validateOrder(chain.rpc, expectation(dataset, transfer.hash as string), await chainNowSec()),
    ).toMatchObject({ ok: false, code: 'order-not-found' })
  })

  it('reports the fee as not valid when another key signed it or it is for another service', async () => {
    const deployer = new Wallet(chain.accounts.deployer.privateKey)
    const strangerFee = await startOrder(dataset, await fee(dataset, { signer: deployer }))
    expect(
      await validateOrder(chain.rpc, expectation(dataset, strangerFee), await chainNowSec()),
    ).toMatchObject({ ok: true, providerFeeValid: false })
    const otherService = await startOrder(dataset, await fee(dataset, { serviceId: 'another-service' }))
    expect(
      await validateOrder(chain.rpc, expectation(dataset, otherService), await chainNowSec()),
    ).toMatchObject({ ok: true, providerFeeValid: false })
  })

  it('expires the order after the service timeout and the fee after validUntil, by chain time', async () => {
    const tx = await startOrder(dataset, await fee(dataset, { validUntil: 600 }))
    const fresh = await validateOrder(
      chain.rpc,
      expectation(dataset, tx, { serviceTimeoutSec: 3600 }),
      await chainNowSec(),
    )
    expect(fresh).toMatchObject({ ok: true, providerFeeValid: true })
    await advanceChainSec(601)
    // The order (timeout 3600 s) still stands; its fee (600 s) does not: the client must reuse.
    expect(
      await validateOrder(
        chain.rpc,
        expectation(dataset, tx, { serviceTimeoutSec: 3600 }),
        await chainNowSec(),
      ),
    ).toMatchObject({ ok: true, providerFeeValid: false })
    await advanceChainSec(3000)
    expect(
      await validateOrder(
        chain.rpc,
        expectation(dataset, tx, { serviceTimeoutSec: 3600 }),
        await chainNowSec(),
      ),
    ).toMatchObject({ ok: false, code: 'order-expired' })
    // A reuse brings a new fee but not a new order: expiry counts from the original order.
    const reuse = await reuseOrder(dataset, tx, await fee(dataset))
    expect(
      await validateOrder(
        chain.rpc,
        expectation(dataset, reuse, { serviceTimeoutSec: 3600 }),
        await chainNowSec(),
      ),
    ).toMatchObject({ ok: false, code: 'order-expired' })
    // Timeout 0 = the order never expires.
    expect(
      await validateOrder(
        chain.rpc,
        expectation(dataset, reuse, { serviceTimeoutSec: 0 }),
        await chainNowSec(),
      ),
    ).toMatchObject({ ok: true, orderTxId: tx, providerFeeValid: true })
  })
})

// ---------------------------------------------------------------------------------------------

describe('EscrowClient on the dev chain (spec §6 "Escrow", contracts 2.6.0)', () => {
  const escrowRead = () => new Contract(escrowAddress, loadAbi('Escrow'), chain.rpc)
  const escrowAsConsumer = () => new Contract(escrowAddress, loadAbi('Escrow'), consumer)
  const escrowAsNode = () => new Contract(escrowAddress, loadAbi('Escrow'), node)
  const oceanToken = () => new Contract(ocean, loadAbi('OceanToken'), chain.rpc)
  const funds = async (payer = consumerAddress) => {
    const [available, locked] = (await escrowRead().getFunction('getUserFunds')(payer, ocean)) as [
      bigint,
      bigint,
    ]
    return { available, locked }
  }
  const balance = async (address: string) => (await oceanToken().getFunction('balanceOf')(address)) as bigint
  /** What the contract would say to createLock right now (its revert reason), without sending. */
  const createLockRevert = async (
    jobId: string,
    payer: string,
    amountWei: bigint,
    expirySec: number,
  ): Promise<string | undefined> => {
    try {
      await escrowAsNode()
        .getFunction('createLock')
        .staticCall(EscrowClient.escrowJobId(jobId), ocean, payer, amountWei, expirySec)
      return undefined
    } catch (error) {
      const e = error as { reason?: string | null; data?: string | null; value?: string }
      if (e.reason) return e.reason
      // The dev chain (EDR, bailOnCallFailure: false) answers a reverting eth_call with the revert
      // data as its result; ethers then fails to decode it as the return value (BAD_DATA, `value`).
      const data = e.data ?? e.value
      if (data?.startsWith(ERROR_STRING_SELECTOR))
        return String(AbiCoder.defaultAbiCoder().decode(['string'], `0x${data.slice(10)}`)[0])
      return String(error)
    }
  }
  const authorize = async (maxLockedWei: bigint, maxLockSeconds: number, maxLockCounts: number) => {
    await (
      await escrowAsConsumer().getFunction('authorize')(
        ocean,
        node.address,
        maxLockedWei,
        maxLockSeconds,
        maxLockCounts,
      )
    ).wait()
  }

  it('checkFunds accepts a payer who deposited and authorized the node with ocean.js', async () => {
    const client = new EscrowContract(escrowAddress, consumer, chain.chainId)
    // spec §8 step 3: amounts as ocean.js passes them (the wei amount of payment.amount as "ether").
    const result = await client.verifyFundsForEscrowPayment(
      ocean,
      node.address,
      '100',
      parseEther('10').toString(),
      '3600',
      '10',
    )
    expect(result).toMatchObject({ isValid: true })
    // ocean.js deposits maxLockedAmount when the wallet holds more than amountToDeposit.
    expect(await funds()).toEqual({ available: parseEther('10'), locked: 0n })
    expect(await escrow.checkFunds(consumerAddress, ocean, parseEther('10'), 3600)).toEqual({ ok: true })
    expect(await createLockRevert('probe', consumerAddress, parseEther('10'), 3600)).toBeUndefined()
  })

  it('refuses more than the deposit, an unauthorized payer and the node itself, as createLock would', async () => {
    expect(await escrow.checkFunds(consumerAddress, ocean, parseEther('11'), 3600)).toMatchObject({
      ok: false,
      code: 'no-funds',
    })
    expect(await createLockRevert('probe', consumerAddress, parseEther('11'), 3600)).toMatch(
      /not have enough funds/,
    )
    // A top-up (approve + ocean.js deposit) lifts the refusal.
    await (
      await new Contract(ocean, loadAbi('OceanToken'), consumer).getFunction('approve')(
        escrowAddress,
        parseEther('90'),
      )
    ).wait()
    await new EscrowContract(escrowAddress, consumer, chain.chainId).deposit(ocean, '90')
    expect(await escrow.checkFunds(consumerAddress, ocean, parseEther('11'), 3600)).toEqual({ ok: true })

    // Another payer with funds in escrow who never authorized this node.
    const other = new NonceManager(new Wallet(chain.accounts.deployer.privateKey, chain.rpc))
    await (
      await new Contract(ocean, loadAbi('OceanToken'), other).getFunction('approve')(
        escrowAddress,
        parseEther('10'),
      )
    ).wait()
    await new EscrowContract(escrowAddress, other, chain.chainId).deposit(ocean, '10')
    const otherAddress = chain.accounts.deployer.address
    expect(await escrow.checkFunds(otherAddress, ocean, parseEther('1'), 60)).toMatchObject({
      ok: false,
      code: 'no-authorization',
    })
    expect(await createLockRevert('probe', otherAddress, parseEther('1'), 60)).toMatch(/No auth found/)

    expect(await escrow.checkFunds(node.address, ocean, 1n, 60)).toMatchObject({
      ok: false,
      code: 'payer-is-payee',
    })
  })

  it("enforces the authorization's lock seconds, locked amount and lock count before createLock", async () => {
    await authorize(parseEther('10'), 600, 1)
    expect(await escrow.checkFunds(consumerAddress, ocean, parseEther('5'), 601)).toMatchObject({
      ok: false,
      code: 'lock-too-long',
    })
    expect(await createLockRevert('probe', consumerAddress, parseEther('5'), 601)).toMatch(/Expiry too high/)
    expect(await escrow.checkFunds(consumerAddress, ocean, parseEther('11'), 600)).toMatchObject({
      ok: false,
      code: 'over-authorized-amount',
    })
    expect(await createLockRevert('probe', consumerAddress, parseEther('11'), 600)).toMatch(
      /Exceeds maxLockedAmount/,
    )

    await escrow.lock('job-limits', ocean, consumerAddress, parseEther('5'), 600)
    expect(await escrow.checkFunds(consumerAddress, ocean, parseEther('1'), 600)).toMatchObject({
      ok: false,
      code: 'too-many-locks',
    })
    expect(await createLockRevert('probe', consumerAddress, parseEther('1'), 600)).toMatch(
      /Exceeds maxLockCounts/,
    )
    await escrow.claim('job-limits', ocean, consumerAddress, 0n)
    await authorize(parseEther('50'), 3600, 10)
  })

  it('lock → partial claim: the node receives the actual cost minus the OPC fee, the payer gets the rest back', async () => {
    const router = new Contract(chain.contracts.Router, loadAbi('FactoryRouter'), chain.rpc)
    const opcFeeRate = (await router.getFunction('getOPCFee')(ocean)) as bigint
    const collector = (await router.getFunction('getOPCCollector')()) as string
    expect(opcFeeRate).toBeGreaterThan(0n) // otherwise this test could not tell fee from no fee

    const before = {
      payer: await funds(),
      node: await balance(node.address),
      collector: await balance(collector),
    }
    const { lockTx } = await escrow.lock('job-partial', ocean, consumerAddress, parseEther('5'), 3600)
    const [lockEvent] = await eventsIn(lockTx, 'Lock')
    expect(lockEvent?.args.jobId).toBe(EscrowClient.escrowJobId('job-partial'))
    expect(await funds()).toEqual({
      available: before.payer.available - parseEther('5'),
      locked: before.payer.locked + parseEther('5'),
    })
    expect(await escrow.findLock('job-partial', ocean, consumerAddress)).toMatchObject({
      amount: parseEther('5'),
      payer: consumerAddress,
      payee: node.address,
    })

    const actual = parseEther('2')
    const claim = await escrow.claim('job-partial', ocean, consumerAddress, actual)
    expect(claim).toMatchObject({ settledAs: 'claimed', amountWei: actual })
    const [claimed] = await eventsIn(claim!.claimTx, 'Claimed')
    expect(claimed?.args.amount).toBe(actual)
    const opcFee = (actual * opcFeeRate) / 10n ** 18n
    expect(await balance(node.address)).toBe(before.node + actual - opcFee)
    expect(await balance(collector)).toBe(before.collector + opcFee)
    expect(await funds()).toEqual({ available: before.payer.available - actual, locked: before.payer.locked })
    expect(await escrow.findLock('job-partial', ocean, consumerAddress)).toBeUndefined()
  })

  it('a claim above the lock is clamped to the lock', async () => {
    const before = await funds()
    await escrow.lock('job-over', ocean, consumerAddress, parseEther('1'), 3600)
    const claim = await escrow.claim('job-over', ocean, consumerAddress, parseEther('9'))
    expect(claim).toMatchObject({ settledAs: 'claimed', amountWei: parseEther('1') })
    expect(await funds()).toEqual({ available: before.available - parseEther('1'), locked: before.locked })
  })

  it('a zero claim releases the whole lock to the payer and pays the node nothing', async () => {
    const before = { payer: await funds(), node: await balance(node.address) }
    await escrow.lock('job-never-ran', ocean, consumerAddress, parseEther('3'), 3600)
    const claim = await escrow.claim('job-never-ran', ocean, consumerAddress, 0n)
    expect(claim).toMatchObject({ settledAs: 'claimed', amountWei: 0n })
    expect((await eventsIn(claim!.claimTx, 'Claimed'))[0]?.args.amount).toBe(0n)
    expect(await funds()).toEqual(before.payer)
    expect(await balance(node.address)).toBe(before.node)
    expect(await escrow.claim('job-never-ran', ocean, consumerAddress, 0n)).toBeUndefined()
    // After a crash, the release is found again as what it was: a cancel, not a payment.
    expect(await escrow.findSettlementTx('job-never-ran', 0)).toEqual({ cancelTx: claim!.claimTx })
  })

  it('cancels a lock only after its expiry; findSettlementTx then reports the cancel', async () => {
    const before = await funds()
    const { lockTx } = await escrow.lock('job-expiring', ocean, consumerAddress, parseEther('2'), 60)
    expect(await escrow.cancelExpired('job-expiring', ocean, consumerAddress)).toBeUndefined()
    expect(await escrow.findLock('job-expiring', ocean, consumerAddress)).toBeDefined()
    await advanceChainSec(61)
    const cancel = await escrow.cancelExpired('job-expiring', ocean, consumerAddress)
    expect(cancel?.cancelTx).toMatch(/^0x[0-9a-f]{64}$/)
    expect((await eventsIn(cancel!.cancelTx, 'Canceled'))[0]?.args.jobId).toBe(
      EscrowClient.escrowJobId('job-expiring'),
    )
    expect(await escrow.findLock('job-expiring', ocean, consumerAddress)).toBeUndefined()
    expect(await funds()).toEqual(before)
    const lockBlock = (await chain.rpc.getTransactionReceipt(lockTx))!.blockNumber
    expect(await escrow.findSettlementTx('job-expiring', lockBlock)).toEqual({ cancelTx: cancel!.cancelTx })
  })

  it('a claim on an expired lock is reported as a cancel (the contract refunds instead of paying)', async () => {
    const before = { payer: await funds(), node: await balance(node.address) }
    await escrow.lock('job-claimed-late', ocean, consumerAddress, parseEther('2'), 60)
    await advanceChainSec(61)
    const claim = await escrow.claim('job-claimed-late', ocean, consumerAddress, parseEther('1'))
    expect(claim).toMatchObject({ settledAs: 'canceled', amountWei: 0n })
    expect(await eventsIn(claim!.claimTx, 'Claimed')).toHaveLength(0)
    expect(await eventsIn(claim!.claimTx, 'Canceled')).toHaveLength(1)
    expect(await funds()).toEqual(before.payer)
    expect(await balance(node.address)).toBe(before.node)
  })

  it('settling a job twice (a crash before recording the claim) claims once and reports the same tx', async () => {
    const environment = computeEnvironmentSchema.parse({
      id: 'paid',
      cpu: { total: 4, max: 4, min: 1 },
      ramGb: { total: 8, max: 8, min: 1 },
      diskGb: { total: 10, max: 10, min: 1 },
      minJobDurationSec: 60,
      fees: { '8996': [{ feeToken: ocean, prices: [{ id: 'cpu', price: 1 }] }] },
    })
    const { lockTx } = await escrow.lock('job-settle', ocean, consumerAddress, parseEther('5'), 3600)
    const job = {
      jobId: 'job-settle',
      owner: consumerAddress,
      environmentId: 'paid',
      algoStartMs: 1_000_000,
      algoStopMs: 1_090_000, // 90 s → 2 started minutes × 1 cpu × 1 OCEAN
      finishedAtMs: 1_095_000,
      resources: [{ id: 'cpu', amount: 1, price: 1 }],
      payment: { chainId: chain.chainId, token: ocean, costWei: parseEther('5').toString(), lockTx },
    } as unknown as JobRecord
    const settlement = createEscrowSettlement({
      chainOf: (chainId) =>
        chainId === chain.chainId ? { escrow: () => escrow, rpc: chain.rpc } : undefined,
      environment: (id) => (id === 'paid' ? environment : undefined),
      logger: new MemoryLogger(),
    })
    const nodeBefore = await balance(node.address)

    const first = await settlement.settle(job)
    expect(first.claimTx).toMatch(/^0x[0-9a-f]{64}$/)
    expect((await eventsIn(first.claimTx!, 'Claimed'))[0]?.args.amount).toBe(parseEther('2'))
    const afterFirst = await balance(node.address)
    expect(afterFirst).toBeGreaterThan(nodeBefore)

    const second = await settlement.settle(job)
    expect(second).toEqual({ claimTx: first.claimTx })
    expect(await balance(node.address)).toBe(afterFirst)
    const lockBlock = (await chain.rpc.getTransactionReceipt(lockTx))!.blockNumber
    const claims = await escrowRead().queryFilter(escrowRead().getEvent('Claimed')(node.address), lockBlock)
    expect(
      claims.filter((e) => 'args' in e && e.args.jobId === EscrowClient.escrowJobId('job-settle')),
    ).toHaveLength(1)

    // A job settled after its lock expired: the contract refunds, and the job records a cancel.
    const late = await escrow.lock('job-settle-late', ocean, consumerAddress, parseEther('5'), 60)
    await advanceChainSec(61)
    const lateJob = {
      ...job,
      jobId: 'job-settle-late',
      payment: { ...job.payment!, lockTx: late.lockTx },
    } as JobRecord
    const lateSettled = await settlement.settle(lateJob)
    expect(lateSettled).toEqual({ cancelTx: expect.stringMatching(/^0x[0-9a-f]{64}$/) })
    expect(await settlement.settle(lateJob)).toEqual(lateSettled)
  })

  it('a start-up sweep releases every expired lock of this node and leaves live ones', async () => {
    const before = await funds()
    await escrow.lock('orphan-1', ocean, consumerAddress, parseEther('1'), 60)
    await escrow.lock('orphan-2', ocean, consumerAddress, parseEther('2'), 60)
    await escrow.lock('live', ocean, consumerAddress, parseEther('3'), 3600)
    expect(await escrow.cancelAllExpired()).toBeUndefined()
    await advanceChainSec(61)
    const swept = await escrow.cancelAllExpired()
    expect(swept?.escrowJobIds.sort()).toEqual(
      [EscrowClient.escrowJobId('orphan-1'), EscrowClient.escrowJobId('orphan-2')].sort(),
    )
    expect(await escrow.findLock('live', ocean, consumerAddress)).toMatchObject({ amount: parseEther('3') })
    expect(await funds()).toEqual({
      available: before.available - parseEther('3'),
      locked: before.locked + parseEther('3'),
    })
    expect(await escrow.cancelAllExpired()).toBeUndefined()
    await escrow.claim('live', ocean, consumerAddress, 0n)
  })

  it('concurrent locks and claims through one client do not collide on the node nonce', async () => {
    const before = await funds()
    const ids = ['c-1', 'c-2', 'c-3']
    const locks = await Promise.all(
      ids.map((id) => escrow.lock(id, ocean, consumerAddress, parseEther('1'), 3600)),
    )
    expect(new Set(locks.map((l) => l.lockTx)).size).toBe(3)
    const claims = await Promise.all(ids.map((id) => escrow.claim(id, ocean, consumerAddress, 0n)))
    expect(claims.map((c) => c?.settledAs)).toEqual(['claimed', 'claimed', 'claimed'])
    expect(await funds()).toEqual(before)
  })

  it('concurrent locks through separate clients of the same key (as the Provider makes them) all land', async () => {
    const before = await funds()
    const clients = [0, 1, 2].map(
      () =>
        new EscrowClient({
          signer: new Wallet(chain.accounts.provider.privateKey, chain.rpc),
          escrowAddress,
          logger: new MemoryLogger(),
        }),
    )
    const locks = await Promise.all(
      clients.map((client, i) => client.lock(`s-${i}`, ocean, consumerAddress, parseEther('1'), 3600)),
    )
    expect(new Set(locks.map((l) => l.lockTx)).size).toBe(3)
    expect(await funds()).toEqual({
      available: before.available - parseEther('3'),
      locked: before.locked + parseEther('3'),
    })
    for (const i of [0, 1, 2]) await escrow.claim(`s-${i}`, ocean, consumerAddress, 0n)
  })
})
