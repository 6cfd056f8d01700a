/**
 * Publishes the sample dataset and algorithm of `assets/samples.json` on a fresh dev chain, so a
 * new console has something a consumer can compute on at once: the algorithm first (the dataset
 * must name its DID), then the dataset with that algorithm trusted (checksums as Ocean computes
 * them), datatokens for both minted to the dev consumer, and a free Dispenser on each (so
 * ocean.js `orderAsset` works too). Both land in the console's registry.
 *
 * Determinism matters (dev-chain.ts): the same transactions in the same order on every start give
 * the same NFT/datatoken addresses and DIDs. Passed to `startDevChain` as its `seedSamples`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NonceManager, SigningKey, Wallet, parseUnits } from 'ethers'
import type { Clock } from '../clock'
import type { DevSampleSeeder, DevSamples } from '../chain/dev-chain/dev-chain'
import type { AssetRegistry } from './asset-registry'
import { trustedAlgorithmEntry } from './algorithm-checksums'
import { DatatokenDistribution } from './datatoken-distribution'
import type { AssetDraft } from './ddo'
import { Publisher } from './publish'

export const DEFAULT_ASSETS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'assets')
export const DEV_PROVIDER_URL_FALLBACK = 'http://127.0.0.1:8030'
const SAMPLE_DATATOKENS_FOR_CONSUMER = parseUnits('100', 18)

interface SamplesFile {
  dataset: { name: string; description?: string; file: string; contentType?: string }
  algorithms: Array<{
    name: string
    description?: string
    file: string
    container: { entrypoint: string; image: string; tag: string; checksum?: string }
  }>
}

export function readSamplesFile(assetsDir: string): SamplesFile {
  const path = join(assetsDir, 'samples.json')
  if (!existsSync(path)) throw new Error(`no ${path}: the sample assets are not installed`)
  const file = JSON.parse(readFileSync(path, 'utf8')) as SamplesFile
  const algorithm = file.algorithms?.[0]
  if (!file.dataset?.file || !algorithm?.file) throw new Error(`${path} lists no dataset or no algorithm`)
  for (const f of [file.dataset.file, algorithm.file]) {
    if (!existsSync(join(assetsDir, f))) throw new Error(`sample file ${join(assetsDir, f)} is missing`)
  }
  return file
}

export function createDevSampleSeeder(options: {
  registry: AssetRegistry
  clock: Clock
  assetsDir?: string
}): DevSampleSeeder {
  return async (chain, context): Promise<DevSamples> => {
    const assetsDir = options.assetsDir ?? DEFAULT_ASSETS_DIR
    const samples = readSamplesFile(assetsDir)
    const algorithmSample = samples.algorithms[0]!
    const providerUrl = context.providerUrl ?? DEV_PROVIDER_URL_FALLBACK
    if (!context.providerUrl)
      context.logger.warn('dev samples: no Provider URL given, using the default', { providerUrl })

    // A plain Wallet (not the deployer's NonceManager): recorded txs are signed before broadcast.
    if (chain.deployerSigner instanceof NonceManager) chain.deployerSigner.reset()
    const wallet = new Wallet(chain.accounts.deployer.privateKey, chain.rpc)
    const common = {
      registry: options.registry,
      clock: options.clock,
      logger: context.logger,
      chainId: chain.chainId,
      contracts: chain.contracts,
      signer: () => wallet,
      txTimeoutMs: 30_000,
    }
    const publisher = new Publisher({
      ...common,
      nodePublicKey: new SigningKey(chain.accounts.provider.privateKey).publicKey,
      nodeAddress: chain.accounts.provider.address,
      providerUrl,
    })
    const distribution = new DatatokenDistribution(common)

    const algorithmDraft: AssetDraft = {
      kind: 'algorithm',
      name: algorithmSample.name,
      description: algorithmSample.description ?? '',
      author: 'C2D console samples',
      license: 'MIT',
      language: algorithmSample.file.endsWith('.py') ? 'python' : 'javascript',
      container: { ...algorithmSample.container, checksum: algorithmSample.container.checksum ?? '' },
      service: { files: [{ type: 'local', path: join(assetsDir, algorithmSample.file) }], timeoutSec: 0 },
    }
    const algorithm = await publisher.publish(algorithmDraft)
    const trusted = await trustedAlgorithmEntry({ ddo: algorithm.ddo, files: algorithmDraft.service.files })

    const dataset = await publisher.publish({
      kind: 'dataset',
      name: samples.dataset.name,
      description: samples.dataset.description ?? '',
      author: 'C2D console samples',
      license: 'MIT',
      service: {
        files: [{ type: 'local', path: join(assetsDir, samples.dataset.file) }],
        timeoutSec: 0,
        allowRawAlgorithm: false,
        allowNetworkAccess: false,
        publisherTrustedAlgorithms: [trusted],
        publisherTrustedAlgorithmPublishers: [],
      },
    })

    for (const asset of [algorithm, dataset]) {
      await distribution.mint(asset.did, chain.accounts.consumer.address, SAMPLE_DATATOKENS_FOR_CONSUMER)
      await distribution.createDispenser(asset.did)
    }
    const sample = (a: typeof dataset) => ({
      did: a.did,
      serviceId: a.ddo.services[0]!.id,
      datatoken: a.datatokenAddress,
    })
    return { dataset: sample(dataset), algorithm: sample(algorithm) }
  }
}
