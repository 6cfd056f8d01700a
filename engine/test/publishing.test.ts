/**
 * Publishing against the real dev chain: a fresh publisher wallet publishes an algorithm and a
 * dataset that trusts it; the chain holds NFT + datatoken, `setMetaData`'s event decrypts back to
 * the DDO with the node key; ocean.js resolves both through the Aquarius routes; state, edit,
 * datatoken distribution, an order on the published datatoken, and crash resume.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Aquarius, Datatoken } from '@oceanprotocol/lib'
import { validateDDO } from '@oceanprotocol/ddo-js'
import { Contract, Interface, SigningKey, Wallet, parseUnits, type TransactionReceipt } from 'ethers'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isC2dError } from '../c2d-error'
import { FakeClock } from '../clock'
import { MemoryLogger } from '../logging'
import { loadAbi } from '../chain/contracts'
import { startDevChain, type DevChain } from '../chain/dev-chain/dev-chain'
import { encodeProviderData, signProviderFee } from '../chain/provider-fees'
import { PublisherWallet } from '../chain/wallet'
import { AssetRegistry, PENDING_PREFIX, type AssetRecord } from '../publishing/asset-registry'
import { sha256Hex } from '../publishing/algorithm-checksums'
import { DatatokenDistribution } from '../publishing/datatoken-distribution'
import type { AssetDraft } from '../publishing/ddo'
import { decryptWithNodeKey } from '../publishing/ddo-encryption'
import { Publisher, type PublisherOptions } from '../publishing/publish'
import type { PublishEvent } from '../publishing/recorded-tx'
import { registerAquariusRoutes } from '../provider/routes/aquarius'
import { openDatabase, type Database } from '../store/database'

const dataDir = mkdtempSync(join(tmpdir(), 'c2d-publishing-'))
const repoAssets = join(import.meta.dirname, '..', '..', 'assets')
const algorithmFile = join(repoAssets, 'algorithms', 'weather-stats.js')
const datasetFile = join(repoAssets, 'sample-data', 'weather.csv')
const providerUrl = 'http://127.0.0.1:8030'
const clock = new FakeClock()
const nftAbi = new Interface(loadAbi('ERC721Template'))

let chain: DevChain
let db: Database
let registry: AssetRegistry
let wallet: PublisherWallet
let publisher: Publisher
let publisherOptions: PublisherOptions
let app: FastifyInstance
let aquarius: Aquarius
let algorithm: AssetRecord
let dataset: AssetRecord

const algorithmDraft: AssetDraft = {
  kind: 'algorithm',
  name: 'Weather statistics',
  description: 'Mean temperature per station',
  author: 'test',
  license: 'MIT',
  container: { entrypoint: 'node $ALGO', image: 'node', tag: '20', checksum: '' },
  service: { files: [{ type: 'local', path: algorithmFile }] },
}

async function metadataEvent(receiptHash: string, name: 'MetadataCreated' | 'MetadataUpdated') {
  const receipt = (await chain.rpc.getTransactionReceipt(receiptHash)) as TransactionReceipt
  const log = receipt.logs.map((l) => nftAbi.parseLog(l)).find((l) => l?.name === name)
  if (!log) throw new Error(`no ${name} in ${receiptHash}`)
  return log.args
}

beforeAll(async () => {
  wallet = new PublisherWallet({ dataDir, logger: new MemoryLogger(), scryptN: 1024 })
  const { address } = await wallet.create('long enough')
  chain = await startDevChain({ dataDir, port: 0, logger: new MemoryLogger(), fundAddresses: [address!] })
  db = openDatabase({ file: join(dataDir, 'console.db') })
  registry = new AssetRegistry(db, clock)
  publisherOptions = {
    registry,
    clock,
    logger: new MemoryLogger(),
    chainId: chain.chainId,
    contracts: chain.contracts,
    signer: () => wallet.signer(chain.rpc),
    nodePublicKey: new SigningKey(chain.accounts.provider.privateKey).publicKey,
    nodeAddress: chain.accounts.provider.address,
    providerUrl,
  }
  publisher = new Publisher(publisherOptions)
  app = Fastify()
  registerAquariusRoutes(app, { registry })
  aquarius = new Aquarius(await app.listen({ host: '127.0.0.1', port: 0 }))

  algorithm = await publisher.publish(algorithmDraft)
  const trusted = {
    did: algorithm.did,
    filesChecksum: sha256Hex(readFileSync(algorithmFile)),
    containerSectionChecksum: sha256Hex('node $ALGO'),
  }
  dataset = await publisher.publish({
    kind: 'dataset',
    name: 'Weather',
    service: { files: [{ type: 'local', path: datasetFile }], publisherTrustedAlgorithms: [trusted] },
  })
})
afterAll(async () => {
  await app?.close()
  await chain?.stop()
  db?.close()
})

describe('publishing on the dev chain', () => {
  it('creates the data NFT and datatoken on chain, owned by the publisher', async () => {
    for (const asset of [algorithm, dataset]) {
      const nft = new Contract(asset.nftAddress, loadAbi('ERC721Template'), chain.rpc)
      expect(await nft.getFunction('ownerOf')(1n)).toBe(wallet.address())
      const dt = new Contract(asset.datatokenAddress, loadAbi('ERC20TemplateEnterprise'), chain.rpc)
      expect(await dt.getFunction('getERC721Address')()).toBe(asset.nftAddress)
      expect(asset.did).toBe(
        `did:op:${createHash('sha256')
          .update(asset.nftAddress + '8996')
          .digest('hex')}`,
      )
      const [, , state, hasMetadata] = (await nft.getFunction('getMetaData')()) as [
        string,
        string,
        bigint,
        boolean,
      ]
      expect([Number(state), hasMetadata]).toEqual([0, true])
    }
  })

  it('setMetaData carries the DDO encrypted for the node key, flags 0x02 and sha256(ddo)', async () => {
    for (const asset of [algorithm, dataset]) {
      const args = await metadataEvent(asset.publish!.steps.metadata!.hash, 'MetadataCreated')
      const decrypted = decryptWithNodeKey(
        chain.accounts.provider.privateKey,
        args.getValue('data') as string,
      )
      expect(JSON.parse(decrypted)).toEqual(asset.ddo)
      expect(args.getValue('metaDataHash')).toBe(`0x${sha256Hex(decrypted)}`)
      expect(args.getValue('flags')).toBe('0x02')
      expect(args.getValue('decryptorUrl')).toBe(providerUrl)
      // Someone else's key cannot read it.
      expect(() =>
        decryptWithNodeKey(chain.accounts.consumer.privateKey, args.getValue('data') as string),
      ).toThrow()
    }
  })

  it('builds DDOs that Ocean validates, with the algorithm trusted by checksum', async () => {
    expect(await validateDDO(algorithm.ddo as never)).toEqual([true, {}])
    expect(await validateDDO(dataset.ddo as never)).toEqual([true, {}])
    const service = dataset.ddo.services[0]!
    expect(service).toMatchObject({
      type: 'compute',
      serviceEndpoint: providerUrl,
      datatokenAddress: dataset.datatokenAddress,
      timeout: 0,
    })
    expect(service.compute.publisherTrustedAlgorithms).toEqual([
      {
        did: algorithm.did,
        filesChecksum: sha256Hex(readFileSync(algorithmFile)),
        containerSectionChecksum: sha256Hex('node $ALGO'),
      },
    ])
    expect(algorithm.ddo.metadata.algorithm?.container).toEqual({
      entrypoint: 'node $ALGO',
      image: 'node',
      tag: '20',
      checksum: '',
    })
    // The service's files are encrypted for the node too and name this asset.
    const files = JSON.parse(decryptWithNodeKey(chain.accounts.provider.privateKey, service.files)) as Record<
      string,
      unknown
    >
    expect(files).toEqual({
      nftAddress: dataset.nftAddress,
      datatokenAddress: dataset.datatokenAddress,
      files: [{ type: 'local', path: datasetFile }],
    })
  })

  it('ocean.js Aquarius resolves both through the routes, without the plain file sources', async () => {
    for (const asset of [algorithm, dataset]) {
      const resolved = (await aquarius.resolve(asset.did)) as unknown as Record<string, unknown>
      expect(resolved).toMatchObject(asset.ddo as unknown as Record<string, unknown>)
      expect(resolved).toMatchObject({
        datatokens: [{ address: asset.datatokenAddress, serviceId: asset.ddo.services[0]!.id }],
        indexedMetadata: { nft: { state: 0 } },
      })
      expect(JSON.stringify(resolved)).not.toContain(repoAssets)
      expect(await aquarius.getAssetMetadata(asset.did)).toEqual(asset.ddo.metadata)
    }
    await expect(aquarius.resolve(`did:op:${'0'.repeat(64)}`)).rejects.toThrow()
    const bad = await app.inject({ method: 'GET', url: '/api/aquarius/assets/ddo/not-a-did' })
    expect([bad.statusCode, bad.headers['x-c2d-error-code']]).toEqual([400, 'REQUEST_INVALID'])
  })

  it('gives consumers datatokens (mint, dispenser, fixed rate) and the datatoken takes an order', async () => {
    const distribution = new DatatokenDistribution(publisherOptions)
    const consumer = new Wallet(chain.accounts.consumer.privateKey, chain.rpc)
    const events: PublishEvent[] = []
    const mintTx = await distribution.mint(dataset.did, consumer.address, parseUnits('3', 18), (e) =>
      events.push(e),
    )
    expect(events.map((e) => `${e.step}:${e.status}`)).toEqual(['mint:started', 'mint:sent', 'mint:mined'])
    expect(events[1]!.txHash).toBe(mintTx)
    expect(await distribution.balanceOf(dataset.did, consumer.address)).toBe(parseUnits('3', 18))
    expect(await distribution.createDispenser(dataset.did)).toMatch(/^0x[0-9a-f]{64}$/)
    expect(await distribution.createFixedRate(algorithm.did, { price: '2' })).toMatch(/^0x[0-9a-f]{64}$/)

    // An order on the published (enterprise) datatoken, as the provider's paid flow will do (spec §6).
    const fee = await signProviderFee(new Wallet(chain.accounts.provider.privateKey), {
      providerFeeToken: chain.contracts.Ocean,
      providerFeeAmount: '0',
      providerData: encodeProviderData(dataset.datatokenAddress, dataset.ddo.services[0]!.id),
      validUntil: 0,
    })
    const datatoken = new Datatoken(consumer, 8996, {
      chainId: 8996,
      oceanTokenAddress: chain.contracts.Ocean,
      nftFactoryAddress: chain.contracts.ERC721Factory,
      gasFeeMultiplier: 1,
    } as never)
    const order = await datatoken.startOrder(dataset.datatokenAddress, chain.accounts.provider.address, 0, {
      ...fee,
      v: String(fee.v),
      validUntil: String(fee.validUntil),
    })
    const receipt = await (order as unknown as { wait(): Promise<TransactionReceipt> }).wait()
    expect(receipt.status).toBe(1)
    expect(await distribution.balanceOf(dataset.did, consumer.address)).toBe(parseUnits('2', 18))
  })

  it('edits the DDO with setMetaData again (same DID) and revokes the asset', async () => {
    const edited = await publisher.edit(dataset.did, {
      kind: 'dataset',
      name: 'Weather (edited)',
      service: {
        files: [{ type: 'local', path: datasetFile }],
        publisherTrustedAlgorithms: dataset.ddo.services[0]!.compute.publisherTrustedAlgorithms,
      },
    })
    expect(edited.did).toBe(dataset.did)
    expect(edited.ddo.services[0]!.id).toBe(dataset.ddo.services[0]!.id)
    const args = await metadataEvent(edited.publish!.steps.metadata!.hash, 'MetadataUpdated')
    expect(
      JSON.parse(decryptWithNodeKey(chain.accounts.provider.privateKey, args.getValue('data') as string)),
    ).toEqual(edited.ddo)
    expect(
      ((await aquarius.resolve(dataset.did)) as unknown as { metadata: { name: string } }).metadata.name,
    ).toBe('Weather (edited)')

    const events: PublishEvent[] = []
    const revoked = await publisher.setState(dataset.did, 3, (e) => events.push(e))
    expect(revoked.state).toBe(3)
    expect(await publisher.readState(dataset.did)).toBe(3)
    expect(registry.get(dataset.did)?.state).toBe(3)
    expect(events.find((e) => e.status === 'mined')?.txHash).toMatch(/^0x[0-9a-f]{64}$/)
    expect(
      ((await aquarius.resolve(dataset.did)) as unknown as { indexedMetadata: { nft: { state: number } } })
        .indexedMetadata.nft.state,
    ).toBe(3)
  })

  it('refuses a locked wallet and an invalid draft without writing anything', async () => {
    const before = registry.list({ includeUnfinished: true }).length
    const locked = new Publisher({ ...publisherOptions, signer: () => undefined })
    const lockedError = await locked.publish(algorithmDraft).catch((e: unknown) => e)
    expect(isC2dError(lockedError) && lockedError.code).toBe('WALLET_LOCKED')
    const invalid = await publisher
      .publish({ ...algorithmDraft, container: { ...algorithmDraft.container!, entrypoint: 'node main.js' } })
      .catch((e: unknown) => e)
    expect(isC2dError(invalid) && invalid.code).toBe('ASSET_INVALID')
    expect(isC2dError(invalid) && JSON.stringify(invalid.details)).toContain(
      'metadata.algorithm.container.entrypoint',
    )
    expect(registry.list({ includeUnfinished: true }).length).toBe(before)
  })

  it('resumes a publish interrupted after the create tx was sent, and one interrupted before a broadcast', async () => {
    // Crash 1: the process dies right after broadcasting createNftWithErc20.
    const crash = await publisher
      .publish({ ...algorithmDraft, name: 'Interrupted 1' }, (e) => {
        if (e.step === 'create' && e.status === 'sent') throw new Error('simulated crash')
      })
      .catch((e: unknown) => e)
    expect((crash as Error).message).toBe('simulated crash')
    const pending = registry.list({ includeUnfinished: true }).filter((r) => r.did.startsWith(PENDING_PREFIX))
    expect(pending).toHaveLength(1)

    // Crash 2: the setMetaData tx is recorded (signed) but never broadcast.
    class CrashingRegistry extends AssetRegistry {
      crashOnSignedMetadata = true
      override setPublishProgress(did: string, progress: Parameters<AssetRegistry['setPublishProgress']>[1]) {
        super.setPublishProgress(did, progress)
        if (this.crashOnSignedMetadata && progress?.steps.metadata?.status === 'signed') {
          this.crashOnSignedMetadata = false
          throw new Error('simulated crash before broadcast')
        }
      }
    }
    const crashing = new CrashingRegistry(db, clock)
    const crash2 = await new Publisher({ ...publisherOptions, registry: crashing })
      .publish({ ...algorithmDraft, name: 'Interrupted 2' })
      .catch((e: unknown) => e)
    expect((crash2 as Error).message).toBe('simulated crash before broadcast')
    const unfinished = registry
      .list({ includeUnfinished: true })
      .filter((r) => r.publish && !r.publish.done && r.publish.op === 'publish')
    expect(unfinished).toHaveLength(2)
    expect(unfinished.every((r) => registry.get(r.did) === undefined)).toBe(true)

    const outcomes = await publisher.resumeUnfinished()
    expect(outcomes.map((o) => o.outcome)).toEqual(['resumed', 'resumed'])
    for (const o of outcomes) {
      const record = registry.get(o.did!)!
      expect(record.publish?.done).toBe(true)
      expect(await publisher.readState(record.did)).toBe(0)
      const args = await metadataEvent(record.publish!.steps.metadata!.hash, 'MetadataCreated')
      expect(
        JSON.parse(decryptWithNodeKey(chain.accounts.provider.privateKey, args.getValue('data') as string)),
      ).toEqual(record.ddo)
    }
    expect(
      registry.list({ includeUnfinished: true }).filter((r) => r.did.startsWith(PENDING_PREFIX)),
    ).toHaveLength(0)
  })
})
