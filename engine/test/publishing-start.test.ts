/**
 * The chain + publishing composition engine/index.ts uses: dev mode starts the embedded chain,
 * publishes the samples once the Provider URL is known, and the console's asset port lists,
 * publishes, edits and removes through the registry.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isC2dError } from '../c2d-error'
import { FakeClock } from '../clock'
import { consoleConfigSchema } from '../config/schema'
import { MemoryLogger } from '../logging'
import { Contract } from 'ethers'
import { DEV_ACCOUNTS } from '../chain/dev-chain/dev-accounts'
import { loadAbi } from '../chain/contracts'
import { startChainPublishing, type ChainPublishing } from '../publishing/start-publishing'
import { openDatabase, type Database } from '../store/database'

const dataDir = mkdtempSync(join(tmpdir(), 'c2d-start-publishing-'))
const providerUrl = 'http://127.0.0.1:18030'
let db: Database
let stack: ChainPublishing

beforeAll(async () => {
  db = openDatabase({ file: join(dataDir, 'console.db') })
  stack = await startChainPublishing({
    config: consoleConfigSchema.parse({ dataDir }),
    db,
    logger: new MemoryLogger(),
    clock: new FakeClock(),
  })
})
afterAll(async () => {
  await stack?.stop()
  db?.close()
})

describe('startChainPublishing (dev mode)', () => {
  it('runs the dev chain with OCEAN as the fee token and the dev provider as node key', () => {
    expect(stack.chainId).toBe(8996)
    expect(stack.feeToken).toEqual({ chainId: 8996, feeToken: stack.contracts.Ocean })
    expect(stack.nodeSigner()?.address).toBe(DEV_ACCOUNTS.provider.address)
  })

  it('publishes the samples for the Provider URL and lists them as console summaries', async () => {
    const samples = await stack.publishDevSamples(providerUrl)
    expect(samples).toBeDefined()
    const file = JSON.parse(readFileSync(join(dataDir, 'dev-chain.json'), 'utf8')) as { samples: unknown }
    expect(file.samples).toEqual(samples)
    const port = stack.assetPort(providerUrl)
    const summaries = port.list()
    expect(summaries.map((s) => s.did).sort()).toEqual([samples!.algorithm.did, samples!.dataset.did].sort())
    expect(port.list('algorithm')).toEqual([
      expect.objectContaining({
        did: samples!.algorithm.did,
        kind: 'algorithm',
        state: 0,
        serviceIds: [samples!.algorithm.serviceId],
      }),
    ])
    expect(stack.registry.get(samples!.dataset.did)?.ddo.services[0]?.serviceEndpoint).toBe(providerUrl)
  })

  it('publishes, edits and removes through the asset port; concurrent publishes do not collide', async () => {
    const port = stack.assetPort(providerUrl)
    const draft = (name: string) => ({
      kind: 'dataset' as const,
      name,
      service: {
        files: [
          { type: 'url' as const, url: 'https://example.org/data.csv', method: 'get' as const, headers: {} },
        ],
      },
    })
    // The publisher wallet signs (never the dev deployer): without one, nothing is published.
    const refused = await port.publish(draft('No wallet')).catch((e: unknown) => e)
    expect(isC2dError(refused) && refused.code).toBe('WALLET_LOCKED')
    // A wallet created after the dev chain started holds nothing there: the first publish funds it.
    const { address } = await stack.wallet.create('long enough password')
    expect(await stack.rpc.getBalance(address!)).toBe(0n)
    const [a, b] = await Promise.all([port.publish(draft('A')), port.publish(draft('B'))])
    expect(await stack.rpc.getBalance(address!)).toBeGreaterThan(0n)
    const nft = new Contract(a.nftAddress, loadAbi('ERC721Template'), stack.rpc)
    expect(await nft.getFunction('ownerOf')(1n)).toBe(address)
    expect(a.did).not.toBe(b.did)
    const edited = await port.publish(draft('A2'), a.did)
    expect([edited.did, edited.name]).toEqual([a.did, 'A2'])
    port.remove(b.did)
    expect(port.list().map((s) => s.name)).toEqual(expect.arrayContaining(['A2']))
    expect(port.list().some((s) => s.did === b.did)).toBe(false)
    const invalid = await port.publish({ ...draft(''), name: '' }).catch((e: unknown) => e)
    expect(isC2dError(invalid) && invalid.code).toBe('ASSET_INVALID')
  }, 60_000)
})
