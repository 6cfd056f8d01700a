/**
 * Issue 14, found by ocean.js 8.6.2's own ComputeFlow ("by paying the assets providerFees
 * (reuseOrder)"): an order whose service timeout has passed is expired, counted from the order's
 * block to now, also when the chain has mined no block since. The embedded chain mines only on
 * transactions, so its latest block's time stood still and the order looked valid forever; Ocean
 * Node compares with the current time. initializeCompute then answers `validOrder: false` with a
 * new provider fee, and ocean.js orders again.
 */
import { join, resolve } from 'node:path'
import { ProviderInstance } from '@oceanprotocol/lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { paidEnvironment, startOceanTestbed, startOrder, type OceanTestbed } from './ocean-consumer'

const REPO = resolve(import.meta.dirname, '..', '..')
const TIMEOUT_SEC = 120
const clock = new FakeClock(Date.now())
let bed: OceanTestbed
let dataset: { documentId: string; serviceId: string }
let algorithm: { documentId: string; serviceId: string }

beforeAll(async () => {
  bed = await startOceanTestbed('c2d-order-expiry-', {}, { clock })
  const console_ = bed.core.consoleService
  await console_.createWallet({ password: 'test wallet password', confirm: true })
  const { samples } = bed.devChain
  algorithm = { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId }
  const data = await console_.publishAsset({
    draft: {
      kind: 'dataset',
      name: 'Expiring orders (test)',
      description: '',
      author: 'test',
      license: 'MIT',
      service: {
        files: [{ type: 'local', path: join(REPO, 'assets', 'sample-data', 'weather.csv') }],
        timeoutSec: TIMEOUT_SEC,
        allowRawAlgorithm: false,
        allowNetworkAccess: false,
        publisherTrustedAlgorithmPublishers: [],
        publisherTrustedAlgorithms: [
          { did: samples.algorithm.did, filesChecksum: '', containerSectionChecksum: '' },
        ],
      },
    },
  })
  dataset = { documentId: data.asset.did, serviceId: data.asset.serviceIds[0]! }
  const { distribution } = bed.core.chain!.publisher(bed.url)
  await distribution.mint(dataset.documentId, bed.consumer.address, 10n * 10n ** 18n)
}, 120_000)
afterAll(async () => {
  await bed?.core.stop()
  bed?.rpc.destroy()
})

async function initialize(datasetOrder?: string) {
  const { envId } = await paidEnvironment(bed)
  const { chainId, contracts } = bed.devChain
  return ProviderInstance.initializeCompute(
    [{ ...dataset, ...(datasetOrder ? { transferTxId: datasetOrder } : {}) }],
    algorithm,
    envId,
    contracts.Ocean!,
    60,
    bed.url,
    bed.consumer.address,
    [{ id: 'cpu', amount: 1 }],
    chainId,
  )
}

describe('order expiry by the current time (no block mined since the order)', () => {
  it('answers validOrder false and a new provider fee once the service timeout has passed', async () => {
    const first = await initialize()
    const { payee } = await paidEnvironment(bed)
    const order = await startOrder(
      bed,
      first.datasets![0]!.datatoken!,
      payee,
      first.datasets![0]!.providerFee!,
    )
    expect((await initialize(order)).datasets![0]!.validOrder).toBe(order)

    // The clock moves past the service timeout, counted from the order's block; no transaction, so
    // the chain mines no block and its latest block keeps the order's time.
    const orderBlock = (await bed.rpc.getTransactionReceipt(order))!.blockNumber
    const orderTimeSec = (await bed.rpc.getBlock(orderBlock))!.timestamp
    clock.advance((orderTimeSec + TIMEOUT_SEC + 1) * 1000 - clock.nowMs())
    // Asked raw: ethers answers a repeated getBlock('latest') from its 250 ms request cache.
    expect(Number(await bed.rpc.send('eth_blockNumber', []))).toBe(orderBlock)
    const expired = (await initialize(order)).datasets![0]!
    expect(expired.validOrder).toBe(false)
    expect(expired.providerFee).toBeDefined()
  }, 60_000)
})
