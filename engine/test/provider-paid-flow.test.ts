/**
 * Issue 3, paid flow (spec §8 "Paid") with unmodified ocean.js 8.6.2 against the core as `npm run
 * serve` starts it: initializeCompute → escrow deposit + authorize (ocean.js EscrowContract) →
 * startOrder on both datatokens naming the node as consumer → computeStart (the node validates the
 * orders and locks escrow) → status until 70 → the node claimed the actual cost. Then order reuse
 * (initializeCompute returns validOrder and no new fee) and the order-bound refusals.
 */
import { Aquarius, ProviderInstance, type ComputeAsset } from '@oceanprotocol/lib'
import {
  Contract,
  Wallet,
  hexlify,
  solidityPackedKeccak256,
  toBeArray,
  toUtf8Bytes,
  type Signer,
} from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadAbi } from '../chain/contracts'
import { DEV_ACCOUNTS } from '../chain/dev-chain/dev-accounts'
import {
  firstJob,
  fundEscrow,
  paidEnvironment,
  startOceanTestbed,
  startOrder,
  waitForStatus,
  type OceanTestbed,
} from './ocean-consumer'

let bed: OceanTestbed
let assets: ComputeAsset[]
let algorithm: ComputeAsset
let envId: string
let payee: string
let orders: { dataset: string; algorithm: string }

const RESOURCES = [{ id: 'cpu', amount: 1 }]
const MAX_JOB_DURATION_SEC = 60

beforeAll(async () => {
  // The consumer is also an admin here, for collectFees (admin directCommands).
  bed = await startOceanTestbed('c2d-paid-flow-', {
    provider: { port: 0, allowedAdmins: [new Wallet(DEV_ACCOUNTS.consumer.privateKey).address] },
  })
  const { samples } = bed.devChain
  assets = [{ documentId: samples.dataset.did, serviceId: samples.dataset.serviceId }]
  algorithm = { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId }
  ;({ envId, payee } = await paidEnvironment(bed))
}, 60_000)
afterAll(async () => {
  await bed?.core.stop()
  bed?.rpc.destroy()
})

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

/** ocean.js computeStart on the sample pair, presenting `datasetOrder` for the dataset. */
function start(signer: Signer, datasetOrder: string) {
  const { contracts, chainId } = bed.devChain
  return ProviderInstance.computeStart(
    bed.url,
    signer,
    envId,
    assets.map((a) => ({ ...a, transferTxId: datasetOrder })),
    { ...algorithm, transferTxId: orders.algorithm },
    MAX_JOB_DURATION_SEC,
    contracts.Ocean!,
    RESOURCES,
    chainId,
  )
}

describe('paid compute with ocean.js', () => {
  it('initializes, pays escrow, orders, starts, finishes and the node claims the actual cost', async () => {
    const { url, consumer } = bed
    const init = await initialize(consumer)
    expect(init.payment?.payee).toBe(payee)
    expect(BigInt(init.payment!.amount)).toBeGreaterThan(0n)
    expect(init.algorithm?.providerFee).toBeDefined()
    expect(init.datasets![0]?.validOrder).toBeFalsy()
    await fundEscrow(bed, payee, init.payment!)
    orders = {
      algorithm: await startOrder(bed, init.algorithm!.datatoken!, payee, init.algorithm!.providerFee!),
      dataset: await startOrder(bed, init.datasets![0]!.datatoken!, payee, init.datasets![0]!.providerFee!),
    }
    const started = firstJob(await start(consumer, orders.dataset))
    expect(started.agreementId).toMatch(/^0x[0-9a-f]{64}$/)
    const finished = await waitForStatus(url, consumer, started.jobId, (j) => j.status === 70).catch(
      (error: unknown) => {
        throw new Error(
          `${String(error)}\n${bed.logger.lines
            .filter((l) => l.level !== 'info' && l.level !== 'debug')
            .map((l) => `${l.msg} ${JSON.stringify(l.meta)}`)
            .join('\n')}`,
        )
      },
    )
    expect(finished.terminationDetails?.exitCode).toBe(0)
    const payment = (finished as unknown as { payment: { lockTx: string; claimTx?: string; cost: string } })
      .payment
    expect(payment.lockTx).toBe(started.agreementId)
    expect(payment.claimTx).toMatch(/^0x[0-9a-f]{64}$/)
    // The claim is on chain and the lock is gone.
    const escrow = new Contract(init.payment!.escrowAddress, loadAbi('Escrow'), bed.rpc)
    const receipt = await bed.rpc.getTransactionReceipt(payment.claimTx!)
    expect(receipt?.status).toBe(1)
    const locks = (await escrow.getFunction('getLocks')(
      bed.devChain.contracts.Ocean,
      consumer.address,
      payee,
    )) as unknown[]
    expect(locks).toHaveLength(0)
  }, 120_000)

  it("runs a free job on the same environment, computeEnvs[0], as ocean.js' own tests take it", async () => {
    const { url, consumer } = bed
    const [first, ...others] = await ProviderInstance.getComputeEnvironments(url)
    // Ocean Node's layout: one environment with a free tier and fees per chain.
    expect(others).toEqual([])
    expect(first!.id).toBe(envId)
    expect(first!.free).toBeDefined()
    expect(first!.fees[String(bed.devChain.chainId)]?.[0]?.feeToken).toBe(bed.devChain.contracts.Ocean)
    const started = firstJob(
      await ProviderInstance.freeComputeStart(url, consumer, first!.id, assets, algorithm),
    )
    const finished = await waitForStatus(url, consumer, started.jobId, (j) => j.status === 70)
    expect(finished.terminationDetails?.exitCode).toBe(0)
    expect((finished as unknown as { isFree?: boolean }).isFree).toBe(true)
  }, 120_000)

  it('reuses a still-valid order: initializeCompute answers validOrder and no new fee, and a second start works', async () => {
    const { url, consumer } = bed
    const again = await initialize(consumer, orders)
    expect(again.datasets![0]?.validOrder).toBe(orders.dataset)
    expect(again.datasets![0]?.providerFee).toBeUndefined()
    expect(again.algorithm?.validOrder).toBe(orders.algorithm)
    // Each start locks escrow anew: the consumer tops it up as ocean.js' flow does before starting.
    await fundEscrow(bed, payee, again.payment!)
    const started = firstJob(await start(consumer, orders.dataset))
    await waitForStatus(url, consumer, started.jobId, (j) => j.status === 70)
  }, 120_000)

  it('refuses an order used for another asset', async () => {
    const { consumer } = bed
    const before = bed.core.operatorService.countJobs({})
    // The algorithm's order presented as the dataset's.
    await expect(start(consumer, orders.algorithm)).rejects.toThrow(/order/i)
    expect(bed.core.operatorService.countJobs({})).toBe(before)
  }, 60_000)

  it('refuses an order paid by another consumer, before any escrow is touched', async () => {
    const stranger = Wallet.createRandom()
    const before = bed.core.operatorService.countJobs({})
    await expect(start(stranger, orders.dataset)).rejects.toThrow(/paid by another consumer/)
    expect(bed.core.operatorService.countJobs({})).toBe(before)
  }, 60_000)

  it('refuses a start without escrow funds with the reason, and registers nothing', async () => {
    const { consumer } = bed
    // Every earlier lock was claimed or is held; drain what is available so the next lock cannot be made.
    const escrow = new Contract(
      (await initialize(consumer)).payment!.escrowAddress,
      loadAbi('Escrow'),
      bed.payer,
    )
    const [available] = (await escrow.getFunction('getUserFunds')(
      consumer.address,
      bed.devChain.contracts.Ocean,
    )) as [bigint]
    if (available > 0n)
      await (await escrow.getFunction('withdraw')([bed.devChain.contracts.Ocean], [available])).wait()
    const before = bed.core.operatorService.countJobs({})
    await expect(start(consumer, orders.dataset)).rejects.toThrow(/does not have enough funds/)
    expect(bed.core.operatorService.countJobs({})).toBe(before)
  }, 60_000)

  it("serves the datatoken's active dispenser in the DDO's indexedMetadata.stats[].prices (Aquarius' shape)", async () => {
    const { samples, contracts } = bed.devChain
    const aquarius = new Aquarius(bed.url)
    type Indexed = { indexedMetadata: { stats: Array<{ prices: unknown[] }> } }
    // The dev chain gives the samples' datatokens a dispenser (consumers take their datatokens there).
    const withDispenser = (await aquarius.resolve(samples.algorithm.did)) as unknown as Indexed
    expect(withDispenser.indexedMetadata.stats[0]!.prices).toEqual([
      { type: 'dispenser', price: '0', contract: contracts.Dispenser, token: samples.algorithm.datatoken },
    ])
    // The publisher (the dev deployer owns the samples' NFTs) deactivates it: the price is gone.
    const publisher = new Wallet(DEV_ACCOUNTS.deployer.privateKey, bed.rpc)
    const dispenser = new Contract(contracts.Dispenser!, loadAbi('Dispenser'), publisher)
    await (await dispenser.getFunction('deactivate')(samples.algorithm.datatoken)).wait()
    const deactivated = (await aquarius.resolve(samples.algorithm.did)) as unknown as Indexed
    expect(deactivated.indexedMetadata.stats[0]!.prices).toEqual([])
  }, 60_000)

  it("collectFees (admin directCommand) moves the node's claimed OCEAN to the admin's address", async () => {
    const { contracts, chainId } = bed.devChain
    const ocean = new Contract(
      contracts.Ocean!,
      ['function balanceOf(address) view returns (uint256)'],
      bed.rpc,
    )
    const before = (await ocean.getFunction('balanceOf')(bed.consumer.address)) as bigint
    const nonce = Number(await ProviderInstance.getNonce(bed.url, bed.consumer.address)) + 1
    const hash = solidityPackedKeccak256(
      ['bytes'],
      [hexlify(toUtf8Bytes(bed.consumer.address + nonce + 'collectFees'))],
    )
    const signature = await bed.consumer.signMessage(toBeArray(hash))
    const res = await fetch(`${bed.url}/directCommand`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        command: 'collectFees',
        address: bed.consumer.address,
        nonce: String(nonce),
        signature,
        chainId,
        tokenAddress: contracts.Ocean,
        tokenAmount: '0.5',
        destinationAddress: bed.consumer.address,
      }),
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const body = (await res.json()) as { tx: string }
    expect((await bed.rpc.getTransactionReceipt(body.tx))?.status).toBe(1)
    expect((await ocean.getFunction('balanceOf')(bed.consumer.address)) as bigint).toBe(
      before + 5n * 10n ** 17n,
    )
  }, 60_000)
})
