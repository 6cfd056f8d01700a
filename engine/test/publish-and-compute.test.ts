/**
 * Issue 6 end to end on the embedded dev chain: the publisher publishes an algorithm and a dataset
 * that trusts it through the console API; ocean.js resolves both through the Provider's Aquarius
 * routes and runs a paid job on them; then the compute checks that depend on the DDO refuse an
 * untrusted algorithm, a changed algorithm (checksum mismatch) and a revoked dataset — each with
 * a clear error and no job registered.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Aquarius, ProviderInstance } from '@oceanprotocol/lib'
import { Contract, Wallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ASSET_STATE } from '../publishing/asset-registry'
import {
  fundEscrow,
  paidEnvironment,
  runPaidStart,
  startOceanTestbed,
  startOrder,
  waitForStatus,
  type OceanTestbed,
} from './ocean-consumer'

const REPO = resolve(import.meta.dirname, '..', '..')
let bed: OceanTestbed
let algorithmFile: string
let algorithm: { did: string; serviceId: string }
let dataset: { did: string; serviceId: string }
let trustsPublisher: { did: string; serviceId: string }
let trustsOther: { did: string; serviceId: string }
let algoPublisher: string

beforeAll(async () => {
  bed = await startOceanTestbed('c2d-publish-compute-')
  // The algorithm's file lives where the test can change it later (the checksum-mismatch case).
  algorithmFile = join(mkdtempSync(join(tmpdir(), 'c2d-algo-')), 'weather-stats.js')
  copyFileSync(join(REPO, 'assets', 'algorithms', 'weather-stats.js'), algorithmFile)
  const console_ = bed.core.consoleService
  // As in Settings: the publisher's wallet (an encrypted keystore) must exist and be unlocked.
  await console_.createWallet({ password: 'test wallet password', confirm: true })
  const algo = await console_.publishAsset({
    draft: {
      kind: 'algorithm',
      name: 'Weather statistics (test)',
      description: '',
      author: 'test',
      license: 'MIT',
      container: { image: 'node', tag: '20', entrypoint: 'node $ALGO', checksum: '' },
      service: {
        files: [{ type: 'local', path: algorithmFile }],
        timeoutSec: 0,
        allowRawAlgorithm: false,
        allowNetworkAccess: false,
        publisherTrustedAlgorithmPublishers: [],
        publisherTrustedAlgorithms: [],
      },
    },
  })
  algorithm = { did: algo.asset.did, serviceId: algo.asset.serviceIds[0]! }
  const data = await console_.publishAsset({
    draft: {
      kind: 'dataset',
      name: 'Weather stations (test)',
      description: '',
      author: 'test',
      license: 'MIT',
      service: {
        files: [{ type: 'local', path: join(REPO, 'assets', 'sample-data', 'weather.csv') }],
        timeoutSec: 3600,
        allowRawAlgorithm: false,
        allowNetworkAccess: false,
        publisherTrustedAlgorithmPublishers: [],
        // By DID only: the console pins the checksums at publish time.
        publisherTrustedAlgorithms: [{ did: algorithm.did, filesChecksum: '', containerSectionChecksum: '' }],
      },
    },
  })
  dataset = { did: data.asset.did, serviceId: data.asset.serviceIds[0]! }
  // Trust by publisher: the algorithm's NFT owner on chain (the dev deployer publishes on the dev chain).
  const algoRecord = bed.core.assets.get(algorithm.did)!
  algoPublisher = (await new Contract(
    algoRecord.nftAddress,
    ['function ownerOf(uint256) view returns (address)'],
    bed.rpc,
  ).getFunction('ownerOf')(1n)) as string
  const byPublisher = (name: string, publishers: string[]) =>
    console_.publishAsset({
      draft: {
        kind: 'dataset',
        name,
        description: '',
        author: 'test',
        license: 'MIT',
        service: {
          files: [{ type: 'local', path: join(REPO, 'assets', 'sample-data', 'weather.csv') }],
          timeoutSec: 3600,
          allowRawAlgorithm: false,
          allowNetworkAccess: false,
          publisherTrustedAlgorithmPublishers: publishers,
          publisherTrustedAlgorithms: [],
        },
      },
    })
  const trusting = await byPublisher('Trusts the publisher (test)', [algoPublisher])
  trustsPublisher = { did: trusting.asset.did, serviceId: trusting.asset.serviceIds[0]! }
  const other = await byPublisher('Trusts someone else (test)', [Wallet.createRandom().address])
  trustsOther = { did: other.asset.did, serviceId: other.asset.serviceIds[0]! }
  const { distribution } = bed.core.chain!.publisher(bed.url)
  for (const did of [algorithm.did, dataset.did])
    await distribution.mint(did, bed.consumer.address, 10n * 10n ** 18n)
}, 120_000)
afterAll(async () => {
  await bed?.core.stop()
  bed?.rpc.destroy()
})

async function refusal(start: () => Promise<unknown>): Promise<string> {
  const before = bed.core.operatorService.countJobs({})
  const error = await start().then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error, 'the Provider accepted the job').toBeInstanceOf(Error)
  expect(bed.core.operatorService.countJobs({})).toBe(before)
  return (error as Error).message
}

describe('publish through the console, compute with ocean.js', () => {
  it('resolves both assets with ocean.js Aquarius, the dataset pinning the algorithm by checksums', async () => {
    const aquarius = new Aquarius(bed.url)
    const ddo = (await aquarius.resolve(dataset.did)) as unknown as {
      services: Array<{
        type: string
        serviceEndpoint: string
        compute: { publisherTrustedAlgorithms: Array<{ did: string; filesChecksum: string }> }
      }>
    }
    expect(ddo.services[0]?.type).toBe('compute')
    expect(ddo.services[0]?.serviceEndpoint).toBe(bed.url)
    const trusted = ddo.services[0]?.compute.publisherTrustedAlgorithms[0]
    expect(trusted?.did).toBe(algorithm.did)
    expect(trusted?.filesChecksum).toMatch(/^[0-9a-f]{64}$/)
    const algo = (await aquarius.resolve(algorithm.did)) as unknown as {
      metadata: { algorithm: { container: { image: string } } }
    }
    expect(algo.metadata.algorithm.container.image).toBe('node')
    // nft.owner as Ocean's indexer fills it: the data NFT's owner on chain.
    const indexed = (await aquarius.resolve(algorithm.did)) as unknown as {
      indexedMetadata: { nft: { owner: string } }
    }
    expect(indexed.indexedMetadata.nft.owner).toBe(algoPublisher)
  }, 60_000)

  it('runs a paid job on them to status 70 with the results', async () => {
    const job = await runPaidStart(bed, {
      datasets: [{ documentId: dataset.did, serviceId: dataset.serviceId }],
      algorithm: { documentId: algorithm.did, serviceId: algorithm.serviceId },
    })
    const done = await waitForStatus(bed.url, bed.consumer, job.jobId, (j) => j.status === 70)
    expect(done.terminationDetails?.exitCode).toBe(0)
    expect(done.results.map((r) => r.filename)).toContain('outputs.tar')
  }, 120_000)

  it('refuses an algorithm the dataset does not trust', async () => {
    const free = (await ProviderInstance.getComputeEnvironments(bed.url)).find((e) => e.free)!
    const sample = bed.devChain.samples.algorithm
    const message = await refusal(() =>
      ProviderInstance.freeComputeStart(
        bed.url,
        bed.consumer,
        free.id,
        [{ documentId: dataset.did, serviceId: dataset.serviceId }],
        { documentId: sample.did, serviceId: sample.serviceId },
      ),
    )
    expect(message).toContain(`Algorithm ${sample.did} is not trusted by dataset ${dataset.did}`)
  }, 60_000)

  it('trusts an algorithm by its publisher on chain (publisherTrustedAlgorithmPublishers, the NFT owner)', async () => {
    const free = (await ProviderInstance.getComputeEnvironments(bed.url)).find((e) => e.free)!
    const started = (await ProviderInstance.freeComputeStart(
      bed.url,
      bed.consumer,
      free.id,
      [{ documentId: trustsPublisher.did, serviceId: trustsPublisher.serviceId }],
      { documentId: algorithm.did, serviceId: algorithm.serviceId },
    )) as unknown as Array<{ jobId: string }>
    const done = await waitForStatus(bed.url, bed.consumer, started[0]!.jobId, (j) => j.status === 70)
    expect(done.terminationDetails?.exitCode).toBe(0)
    const message = await refusal(() =>
      ProviderInstance.freeComputeStart(
        bed.url,
        bed.consumer,
        free.id,
        [{ documentId: trustsOther.did, serviceId: trustsOther.serviceId }],
        { documentId: algorithm.did, serviceId: algorithm.serviceId },
      ),
    )
    expect(message).toContain(`is not trusted by dataset ${trustsOther.did}`)
  }, 120_000)

  it('refuses the trusted algorithm once its file changed (checksum mismatch)', async () => {
    const free = (await ProviderInstance.getComputeEnvironments(bed.url)).find((e) => e.free)!
    writeFileSync(algorithmFile, "console.log('not the reviewed algorithm')\n")
    const message = await refusal(() =>
      ProviderInstance.freeComputeStart(
        bed.url,
        bed.consumer,
        free.id,
        [{ documentId: dataset.did, serviceId: dataset.serviceId }],
        { documentId: algorithm.did, serviceId: algorithm.serviceId },
      ),
    )
    expect(message).toContain('checksum mismatch')
    copyFileSync(join(REPO, 'assets', 'algorithms', 'weather-stats.js'), algorithmFile)
  }, 60_000)

  it('refuses an order older than the service timeout (chain time), registering nothing', async () => {
    const { envId, payee } = await paidEnvironment(bed)
    const { chainId, contracts } = bed.devChain
    const datasets = [{ documentId: dataset.did, serviceId: dataset.serviceId }]
    const algo = { documentId: algorithm.did, serviceId: algorithm.serviceId }
    const init = await ProviderInstance.initializeCompute(
      datasets,
      algo,
      envId,
      contracts.Ocean!,
      60,
      bed.url,
      bed.consumer.address,
      [{ id: 'cpu', amount: 1 }],
      chainId,
    )
    await fundEscrow(bed, payee, init.payment!)
    const algoTx = await startOrder(bed, init.algorithm!.datatoken!, payee, init.algorithm!.providerFee!)
    const dataTx = await startOrder(
      bed,
      init.datasets![0]!.datatoken!,
      payee,
      init.datasets![0]!.providerFee!,
    )
    // The dataset's service timeout is 3600 s: move the chain past it.
    await bed.rpc.send('evm_increaseTime', [3700])
    await bed.rpc.send('evm_mine', [])
    const message = await refusal(() =>
      ProviderInstance.computeStart(
        bed.url,
        bed.consumer,
        envId,
        datasets.map((d) => ({ ...d, transferTxId: dataTx })),
        { ...algo, transferTxId: algoTx },
        60,
        contracts.Ocean!,
        [{ id: 'cpu', amount: 1 }],
        chainId,
      ),
    )
    expect(message).toContain('expired')
  }, 60_000)

  it('refuses a revoked dataset', async () => {
    const { publisher } = bed.core.chain!.publisher(bed.url)
    await publisher.setState(dataset.did, ASSET_STATE.revoked)
    expect(await publisher.readState(dataset.did)).toBe(ASSET_STATE.revoked)
    const free = (await ProviderInstance.getComputeEnvironments(bed.url)).find((e) => e.free)!
    const message = await refusal(() =>
      ProviderInstance.freeComputeStart(
        bed.url,
        bed.consumer,
        free.id,
        [{ documentId: dataset.did, serviceId: dataset.serviceId }],
        { documentId: algorithm.did, serviceId: algorithm.serviceId },
      ),
    )
    expect(message).toContain('is not active')
  }, 60_000)
})
