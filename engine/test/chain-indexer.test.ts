/**
 * Issue 14, assets published elsewhere: a dataset published with unmodified ocean.js by another
 * account (not the console's publisher), with this node as its service endpoint and decryptor, is
 * found on the dev chain by the indexer, resolved through the Aquarius route and computed on. The
 * indexer's cursor resumes after a restart, a state change follows the chain, and a reorg drops
 * what the replaced blocks had indexed.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Aquarius, Nft, ProviderInstance } from '@oceanprotocol/lib'
import { Wallet, getAddress } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEV_ACCOUNTS } from '../chain/dev-chain/dev-accounts'
import { systemClock } from '../clock'
import { assetSummarySchema } from '../console-api/contract'
import { MemoryLogger } from '../logging'
import { AssetRegistry } from '../publishing/asset-registry'
import { ChainIndexer } from '../publishing/chain-indexer'
import { openDatabase } from '../store/database'
import { SettingsRepo } from '../store/settings-repo'
import { firstJob, startOceanTestbed, waitForStatus, type OceanTestbed } from './ocean-consumer'
import { publishWithOceanJs, until } from './ocean-js-publish'

const DATA = 'city,temp\nOslo,4\nLima,19\n'
/** Prints every input file (the algorithm file published elsewhere). */
const ALGORITHM =
  "const fs = require('fs'); const dir = '/data/inputs/' + fs.readdirSync('/data/inputs')[0]; for (const f of fs.readdirSync(dir)) console.log(fs.readFileSync(dir + '/' + f, 'utf8'))"
let bed: OceanTestbed
let files: Server
let filesUrl: string
let did: string
let nftAddress: string

const resolved = (id: string) => async () => {
  const res = await fetch(`${bed.url}/api/aquarius/assets/ddo/${id}`)
  return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined
}

beforeAll(async () => {
  files = createServer((req, res) =>
    req.url === '/algo.js'
      ? res.writeHead(200, { 'content-type': 'text/javascript' }).end(ALGORITHM)
      : res.writeHead(200, { 'content-type': 'text/csv' }).end(DATA),
  )
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve))
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/weather.csv`
  bed = await startOceanTestbed('c2d-indexer-', { chain: { indexer: { intervalMs: 100 } } })
  ;({ did, nft: nftAddress } = await publishWithOceanJs(bed, 'Published elsewhere', bed.url, {
    fileUrl: filesUrl,
  }))
}, 90_000)
afterAll(async () => {
  await bed?.core.stop()
  bed?.rpc.destroy()
  files?.close()
})

describe('chain indexer: assets published elsewhere', () => {
  it('finds the ocean.js asset, serves it through the Aquarius route and computes on it', async () => {
    const ddo = await until(resolved(did), 'the indexed DDO')
    expect(ddo).toMatchObject({ id: did, nftAddress, metadata: { name: 'Published elsewhere' } })
    // The files stay encrypted on the wire; the registry holds the plain source.
    expect(String((ddo.services as Array<{ files: string }>)[0]!.files)).toMatch(/^0x/)
    expect(bed.core.assets.get(did)?.files['compute-1']).toEqual([
      { type: 'url', url: filesUrl, method: 'GET' },
    ])
    const aquarius = await new Aquarius(bed.url).resolve(did)
    expect(aquarius.id).toBe(did)

    const envs = await ProviderInstance.getComputeEnvironments(bed.url)
    const started = firstJob(
      await ProviderInstance.freeComputeStart(
        bed.url,
        bed.consumer,
        envs[0]!.id,
        [{ documentId: did, serviceId: 'compute-1' }],
        {
          meta: {
            rawcode:
              "const fs = require('fs'); const dir = '/data/inputs/' + fs.readdirSync('/data/inputs')[0]; for (const f of fs.readdirSync(dir)) console.log(fs.readFileSync(dir + '/' + f, 'utf8'))",
            container: { entrypoint: 'node $ALGO', image: 'node', tag: '20', checksum: '' },
          },
        } as never,
      ),
    )
    const finished = await waitForStatus(bed.url, bed.consumer, started.jobId, (j) => j.status === 70)
    expect(finished.terminationDetails?.exitCode).toBe(0)
    const log = finished.results.find((r) => r.type === 'algorithmLog')!
    const chunks: Buffer[] = []
    for await (const c of (await ProviderInstance.getComputeResult(
      bed.url,
      bed.consumer,
      started.jobId,
      log.index!,
    )) as unknown as AsyncIterable<Uint8Array>)
      chunks.push(Buffer.from(c))
    expect(Buffer.concat(chunks).toString('utf8')).toContain('Oslo,4')
  }, 120_000)

  it('lists the indexed asset in the console marked "published elsewhere" by its publisher; the console\'s own carry no mark', async () => {
    await until(resolved(did), 'the indexed DDO')
    const { assets } = await bed.core.consoleService.listAssets({})
    const listed = assets.find((a) => a.did === did)
    // Through the console API's own schema, as the renderer receives it.
    expect(assetSummarySchema.parse(listed)).toMatchObject({
      did,
      name: 'Published elsewhere',
      publishedElsewhere: { publisher: getAddress(bed.consumer.address) },
    })
    const own = assets.filter((a) => a.did !== did && !a.publishedElsewhere)
    expect(own.length).toBeGreaterThan(0) // the samples the console published itself
    const details = await bed.core.consoleService.getAsset({ did })
    expect(details.asset.publishedElsewhere).toEqual({ publisher: getAddress(bed.consumer.address) })
    // Survives a read from the store (a restart reads the same row).
    expect(bed.core.assets.get(did)?.publishedElsewhere?.publisher).toBe(getAddress(bed.consumer.address))
    // Edits the console would have to sign with a wallet that does not own the NFT: refused, nothing sent.
    const before = bed.core.assets.get(did)!
    await expect(
      bed.core.consoleService.setAssetState({ did, state: 'revoked', confirm: true }),
    ).rejects.toMatchObject({
      code: 'ASSET_PUBLISHED_ELSEWHERE',
    })
    await expect(
      bed.core.consoleService.editAsset({
        did,
        changes: { allowRawAlgorithm: false },
        confirm: true,
      } as never),
    ).rejects.toMatchObject({ code: 'ASSET_PUBLISHED_ELSEWHERE' })
    expect(bed.core.assets.get(did)).toEqual(before)
  }, 60_000)

  it('runs an algorithm published elsewhere with an access service (as ocean.js publishes it), trusted by its publisher', async () => {
    // ocean.js' ComputeFlow/ComputeExamples publish their algorithm with `type: 'access'`; Ocean Node
    // runs it. The dataset trusts the algorithm's publisher (the NFT owner on chain).
    const algo = await publishWithOceanJs(bed, 'Algorithm elsewhere', bed.url, {
      kind: 'algorithm',
      fileUrl: filesUrl.replace('/weather.csv', '/algo.js'),
      service: { id: 'access-1', type: 'access', compute: undefined },
    })
    const data = await publishWithOceanJs(bed, 'Dataset trusting a publisher', bed.url, {
      fileUrl: filesUrl,
      service: {
        compute: {
          allowRawAlgorithm: false,
          allowNetworkAccess: false,
          publisherTrustedAlgorithmPublishers: [bed.consumer.address],
          publisherTrustedAlgorithms: [],
        },
      },
    })
    await until(resolved(algo.did), 'the indexed algorithm')
    await until(resolved(data.did), 'the indexed dataset')
    const envs = await ProviderInstance.getComputeEnvironments(bed.url)
    const started = firstJob(
      await ProviderInstance.freeComputeStart(
        bed.url,
        bed.consumer,
        envs[0]!.id,
        [{ documentId: data.did, serviceId: 'compute-1' }],
        { documentId: algo.did, serviceId: 'access-1' },
      ),
    )
    const finished = await waitForStatus(bed.url, bed.consumer, started.jobId, (j) => j.status === 70)
    expect(finished.terminationDetails?.exitCode).toBe(0)
    const log = finished.results.find((r) => r.type === 'algorithmLog')!
    const chunks: Buffer[] = []
    for await (const c of (await ProviderInstance.getComputeResult(
      bed.url,
      bed.consumer,
      started.jobId,
      log.index!,
    )) as unknown as AsyncIterable<Uint8Array>)
      chunks.push(Buffer.from(c))
    expect(Buffer.concat(chunks).toString('utf8')).toContain('Oslo,4')
  }, 120_000)

  it('takes a loopback alias of its own URL as this node (ocean-cli publishes with http://localhost:8001)', async () => {
    const alias = bed.url.replace('127.0.0.1', 'localhost')
    expect(alias).not.toBe(bed.url)
    const asset = await publishWithOceanJs(bed, 'Published through localhost', alias, { fileUrl: filesUrl })
    const ddo = await until(resolved(asset.did), 'the DDO published with a localhost endpoint')
    expect((ddo.services as Array<{ serviceEndpoint: string }>)[0]!.serviceEndpoint).toBe(alias)
  }, 60_000)

  it('skips assets whose services point to another node, and follows MetadataState', async () => {
    const elsewhere = await publishWithOceanJs(
      bed,
      'Served by another node',
      'https://other-node.example.org',
      { fileUrl: filesUrl },
    )
    const nft = new Nft(bed.payer, bed.devChain.chainId)
    await (
      (await nft.setMetadataState(nftAddress, bed.consumer.address, 4)) as unknown as {
        wait(): Promise<unknown>
      }
    ).wait()
    await until(async () => (bed.core.assets.get(did)?.state === 4 ? true : undefined), 'state 4')
    expect(bed.core.assets.get(elsewhere.did)).toBeUndefined()
    expect((await fetch(`${bed.url}/api/aquarius/assets/ddo/${elsewhere.did}`)).status).toBe(404)
  }, 60_000)

  it('resumes from its cursor after a restart, and undoes a reorg within its depth', async () => {
    const db = openDatabase({ file: ':memory:' })
    const settings = new SettingsRepo(db)
    const registry = new AssetRegistry(db, systemClock)
    const logger = new MemoryLogger()
    // ethers answers a repeated request from a 250 ms cache: each round waits for it to age out.
    const poll = async () => {
      await new Promise((resolve) => setTimeout(resolve, 300))
      return make().poll()
    }
    const make = () =>
      new ChainIndexer({
        rpc: bed.rpc,
        chainId: bed.devChain.chainId,
        factory: bed.devChain.contracts.ERC721Factory!,
        registry,
        settings,
        nodeKey: () => bed.core.chain!.nodeSigner(),
        ownEndpoints: () => [bed.url],
        clock: systemClock,
        logger,
        reorgDepth: 64,
        startBlock: 0,
      })
    const firstRound = await poll()
    expect(firstRound).toContain(did)
    expect(registry.get(did)?.state).toBe(4)
    const next = make().cursor().next
    // A new instance (a restart) reads the stored cursor: nothing before it is read again.
    expect(await poll()).toEqual([])
    expect(make().cursor().next).toBeGreaterThanOrEqual(next)

    // A reorg: the chain goes back to before a new asset was published and grows other blocks.
    const snapshot = (await bed.rpc.send('evm_snapshot', [])) as string
    const reorged = await publishWithOceanJs(bed, 'Orphaned by a reorg', bed.url, { fileUrl: filesUrl })
    expect(await poll()).toContain(reorged.did)
    expect(registry.get(reorged.did)).toBeDefined()
    expect(await bed.rpc.send('evm_revert', [snapshot])).toBe(true)
    for (let i = 0; i < 8; i += 1) await bed.rpc.send('evm_mine', [])
    await poll()
    expect(registry.get(reorged.did)).toBeUndefined()
    // What the surviving blocks held is still there.
    expect(registry.get(did)).toBeDefined()
  }, 90_000)
  it('reads DDOs encrypted for a former node key (the dev key before a wallet took over), decrypt only', async () => {
    // A fresh index from block 0 whose node key is a new wallet: the ocean.js asset was encrypted for
    // the dev key, so only the former-keys ring opens it; without it the asset is another node's.
    const index = (formerNodeKeys?: () => Wallet[]) => {
      const db = openDatabase({ file: ':memory:' })
      const registry = new AssetRegistry(db, systemClock)
      const newKey = Wallet.createRandom()
      return {
        registry,
        indexer: new ChainIndexer({
          rpc: bed.rpc,
          chainId: bed.devChain.chainId,
          factory: bed.devChain.contracts.ERC721Factory!,
          registry,
          settings: new SettingsRepo(db),
          nodeKey: () => new Wallet(newKey.privateKey),
          ...(formerNodeKeys ? { formerNodeKeys } : {}),
          ownEndpoints: () => [bed.url],
          clock: systemClock,
          logger: new MemoryLogger(),
          reorgDepth: 64,
          startBlock: 0,
        }),
      }
    }
    const without = index()
    expect(await without.indexer.poll()).not.toContain(did)
    const withRing = index(() => [new Wallet(DEV_ACCOUNTS.provider.privateKey)])
    expect(await withRing.indexer.poll()).toContain(did)
    // The files (encrypted for the same key) open too: the node can serve the asset's data.
    expect(Object.values(withRing.registry.get(did)!.files).flat().length).toBeGreaterThan(0)
  }, 90_000)
})
