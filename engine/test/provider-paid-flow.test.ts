/**
 * Issue 3, paid flow (spec §8 "Paid") with unmodified ocean.js 8.6.2 against the core as `npm run
 * serve` starts it: initializeCompute → escrow deposit + authorize (ocean.js EscrowContract) →
 * startOrder on both datatokens naming the node as consumer → computeStart (the node validates the
 * orders and locks escrow) → status until 70 → the node claimed the actual cost. Then order reuse
 * (initializeCompute returns validOrder and no new fee) and the order-bound refusals.
 */
import { Datatoken, EscrowContract, ProviderInstance, type ComputeAsset, type ProviderFees } from '@oceanprotocol/lib'
import { Contract, NonceManager, Wallet, formatEther, type Signer } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadAbi } from '../chain/contracts'
import { firstJob, startOceanTestbed, waitForStatus, type OceanTestbed } from './ocean-consumer'

let bed: OceanTestbed
let assets: ComputeAsset[]
let algorithm: ComputeAsset
let envId: string
let payee: string

const RESOURCES = [{ id: 'cpu', amount: 1 }]
const MAX_JOB_DURATION_SEC = 60

beforeAll(async () => {
  bed = await startOceanTestbed('c2d-paid-flow-')
  const { samples } = bed.devChain
  assets = [{ documentId: samples.dataset.did, serviceId: samples.dataset.serviceId }]
  algorithm = { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId }
  const env = (await ProviderInstance.getComputeEnvironments(bed.url)).find((e) => Object.keys(e.fees ?? {}).length > 0)!
  envId = env.id
  payee = env.consumerAddress
  payer = new NonceManager(bed.consumer)
}, 60_000)
afterAll(async () => {
  await bed?.core.stop()
  bed?.rpc.destroy()
})

/** spec §10: one key sending several transactions quickly needs a NonceManager. */
let payer: Signer

function datatoken(signer: Signer): Datatoken {
  const { chainId, contracts } = bed.devChain
  return new Datatoken(signer, chainId, { chainId, oceanTokenAddress: contracts.Ocean, nftFactoryAddress: contracts.ERC721Factory, gasFeeMultiplier: 1 } as never)
}

async function initialize(signer: Wallet, withOrders?: { dataset: string; algorithm: string }) {
  const { chainId, contracts } = bed.devChain
  return ProviderInstance.initializeCompute(
    assets.map((a) => ({ ...a, ...(withOrders ? { transferTxId: withOrders.dataset } : {}) })),
    { ...algorithm, ...(withOrders ? { transferTxId: withOrders.algorithm } : {}) },
    envId,
    contracts.Ocean!,
    MAX_JOB_DURATION_SEC,
    bed.url,
    signer.address,
    RESOURCES,
    chainId,
  )
}

/** What ocean.js' own tests do (handleComputeOrder): a new order naming the node as consumer. */
async function order(signer: Signer, token: string, fee: ProviderFees): Promise<string> {
  const tx = (await datatoken(signer).startOrder(token, payee, 0, fee)) as unknown as { hash: string }
  return tx.hash
}

async function fundEscrow(signer: Signer, payment: { escrowAddress: string; amount: number | string; minLockSeconds: number }) {
  const escrow = new EscrowContract(payment.escrowAddress, signer, bed.devChain.chainId)
  // spec §6 quirk: ocean.js scales every argument by 1e18; the deposit is given in whole tokens.
  const deposit = String(Math.ceil(Number(formatEther(BigInt(payment.amount))) * 3))
  const result = await escrow.verifyFundsForEscrowPayment(bed.devChain.contracts.Ocean!, payee, deposit, String(payment.amount), String(payment.minLockSeconds), '10')
  expect(result.isValid, result.message).toBe(true)
}

describe('paid compute with ocean.js', () => {
  let orders: { dataset: string; algorithm: string }

  it('initializes, pays escrow, orders, starts, finishes and the node claims the actual cost', async () => {
    const { url, consumer } = bed
    const init = await initialize(consumer)
    expect(init.payment?.payee).toBe(payee)
    expect(BigInt(init.payment!.amount)).toBeGreaterThan(0n)
    expect(init.algorithm?.providerFee).toBeDefined()
    expect(init.datasets![0]?.validOrder).toBeFalsy()
    await fundEscrow(payer, init.payment!)
    orders = {
      algorithm: await order(payer, init.algorithm!.datatoken!, init.algorithm!.providerFee!),
      dataset: await order(payer, init.datasets![0]!.datatoken!, init.datasets![0]!.providerFee!),
    }
    const started = firstJob(
      await ProviderInstance.computeStart(url, consumer, envId, assets.map((a) => ({ ...a, transferTxId: orders.dataset })), { ...algorithm, transferTxId: orders.algorithm }, MAX_JOB_DURATION_SEC, bed.devChain.contracts.Ocean!, RESOURCES, bed.devChain.chainId),
    )
    expect(started.agreementId).toMatch(/^0x[0-9a-f]{64}$/)
    const finished = await waitForStatus(url, consumer, started.jobId, (j) => j.status === 70).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${bed.logger.lines.filter((l) => l.level !== 'info' && l.level !== 'debug').map((l) => `${l.msg} ${JSON.stringify(l.meta)}`).join('\n')}`)
    })
    expect(finished.terminationDetails?.exitCode).toBe(0)
    const payment = (finished as unknown as { payment: { lockTx: string; claimTx?: string; cost: string } }).payment
    expect(payment.lockTx).toBe(started.agreementId)
    expect(payment.claimTx).toMatch(/^0x[0-9a-f]{64}$/)
    // The claim is on chain and the lock is gone.
    const escrow = new Contract(init.payment!.escrowAddress, loadAbi('Escrow'), bed.rpc)
    const receipt = await bed.rpc.getTransactionReceipt(payment.claimTx!)
    expect(receipt?.status).toBe(1)
    const locks = (await escrow.getFunction('getLocks')(bed.devChain.contracts.Ocean, consumer.address, payee)) as unknown[]
    expect(locks).toHaveLength(0)
  }, 120_000)

  it('reuses a still-valid order: initializeCompute answers validOrder and no new fee, and a second start works', async () => {
    const { url, consumer } = bed
    const again = await initialize(consumer, orders)
    expect(again.datasets![0]?.validOrder).toBe(orders.dataset)
    expect(again.datasets![0]?.providerFee).toBeUndefined()
    expect(again.algorithm?.validOrder).toBe(orders.algorithm)
    // Each start locks escrow anew: the consumer tops it up as ocean.js' flow does before starting.
    await fundEscrow(payer, again.payment!)
    const started = firstJob(
      await ProviderInstance.computeStart(url, consumer, envId, assets.map((a) => ({ ...a, transferTxId: orders.dataset })), { ...algorithm, transferTxId: orders.algorithm }, MAX_JOB_DURATION_SEC, bed.devChain.contracts.Ocean!, RESOURCES, bed.devChain.chainId),
    )
    await waitForStatus(url, consumer, started.jobId, (j) => j.status === 70)
  }, 120_000)

  it('refuses an order used for another asset', async () => {
    const { url, consumer } = bed
    const before = bed.core.operatorService.countJobs({})
    // The algorithm's order presented as the dataset's.
    await expect(
      ProviderInstance.computeStart(url, consumer, envId, assets.map((a) => ({ ...a, transferTxId: orders.algorithm })), { ...algorithm, transferTxId: orders.algorithm }, MAX_JOB_DURATION_SEC, bed.devChain.contracts.Ocean!, RESOURCES, bed.devChain.chainId),
    ).rejects.toThrow(/order/i)
    expect(bed.core.operatorService.countJobs({})).toBe(before)
  }, 60_000)

  it('refuses an order paid by another consumer, before any escrow is touched', async () => {
    const { url } = bed
    const stranger = Wallet.createRandom()
    const before = bed.core.operatorService.countJobs({})
    await expect(
      ProviderInstance.computeStart(url, stranger, envId, assets.map((a) => ({ ...a, transferTxId: orders.dataset })), { ...algorithm, transferTxId: orders.algorithm }, MAX_JOB_DURATION_SEC, bed.devChain.contracts.Ocean!, RESOURCES, bed.devChain.chainId),
    ).rejects.toThrow(/paid by another consumer/)
    expect(bed.core.operatorService.countJobs({})).toBe(before)
  }, 60_000)

  it('refuses a start without escrow funds with the reason, and registers nothing', async () => {
    const { url, consumer } = bed
    // Every earlier lock was claimed or is held; drain what is available so the next lock cannot be made.
    const escrow = new Contract((await initialize(consumer)).payment!.escrowAddress, loadAbi('Escrow'), payer)
    const [available] = (await escrow.getFunction('getUserFunds')(consumer.address, bed.devChain.contracts.Ocean)) as [bigint]
    if (available > 0n) await (await escrow.getFunction('withdraw')([bed.devChain.contracts.Ocean], [available])).wait()
    const before = bed.core.operatorService.countJobs({})
    await expect(
      ProviderInstance.computeStart(url, consumer, envId, assets.map((a) => ({ ...a, transferTxId: orders.dataset })), { ...algorithm, transferTxId: orders.algorithm }, MAX_JOB_DURATION_SEC, bed.devChain.contracts.Ocean!, RESOURCES, bed.devChain.chainId),
    ).rejects.toThrow(/does not have enough funds/)
    expect(bed.core.operatorService.countJobs({})).toBe(before)
  }, 60_000)
})
