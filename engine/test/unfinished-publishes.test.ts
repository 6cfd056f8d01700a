/**
 * Unfinished publishes in the console (issue 11): a publish the app stopped mid-way is listed by
 * the console API with its DID if known, its name, the step it stopped at and when, and is resumed
 * (resumePublish) or forgotten (discardUnfinishedPublish) from there. Through the console service
 * over the real chain + publishing stack (dev chain, SQLite), as publish-environments.test.ts:
 * - stopped after the NFT: listed with its DID, resumed by a new engine on the same data dir with
 *   no second create tx, its recorded environments kept;
 * - stopped before the DID was stored (create sent, or mined): listed without a DID, resumed by
 *   its local id with the recorded create tx, not a new one;
 * - discarded: gone from the list and the registry, the NFT left on chain, audited;
 * - a publish that is running is marked so, and refused both.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { consoleConfigSchema } from '../config/schema'
import { MemoryLogger } from '../logging'
import type { ConsoleService, MethodParsedInput } from '../console-api/contract'
import { createFakePorts } from '../console-api/fake-ports'
import { createConsoleService } from '../console-api/service'
import { PENDING_PREFIX } from '../publishing/asset-registry'
import type { PublishEvent } from '../publishing/recorded-tx'
import { startChainPublishing, type ChainPublishing } from '../publishing/start-publishing'
import { AuditRepo, type AuditEventInput } from '../store/audit-repo'
import { openDatabase, type Database } from '../store/database'
import { DatasetPoliciesRepo } from '../store/dataset-policies-repo'

const dataDir = mkdtempSync(join(tmpdir(), 'c2d-unfinished-publishes-'))
const providerUrl = 'http://127.0.0.1:18032'
const walletPassword = 'unfinished publishes password'
/** The fake environment store's one environment. */
const ALLOWED = 'free-local'
const clock = new FakeClock()

/** One engine on the data dir: its own SQLite handle, chain + publishing stack and console service. */
interface Engine {
  db: Database
  stack: ChainPublishing
  service: ConsoleService
  /** The asset port the service publishes through (its progress listeners are its own). */
  port: ReturnType<ChainPublishing['assetPort']>
  policies: DatasetPoliciesRepo
  audit: AuditRepo
  /** Throws from inside the publish (as a crash would stop it) when `crashAt` matches an event. */
  crashAt?: (event: PublishEvent) => boolean
  events: PublishEvent[]
}

let first: Engine
const engines: Engine[] = []

async function startEngine(chain: 'dev' | ChainPublishing): Promise<Engine> {
  const db = openDatabase({ file: join(dataDir, 'console.db') })
  const config = consoleConfigSchema.parse({
    dataDir,
    // A second engine talks to the first one's dev chain (it keeps the NFTs); same keystore, same DB.
    ...(chain === 'dev'
      ? {}
      : {
          chain: {
            mode: 'rpc',
            rpcUrl: chain.rpcUrl,
            chainId: chain.chainId,
            contracts: chain.contracts as unknown as Record<string, string>,
          },
        }),
  })
  const stack = await startChainPublishing({
    config,
    db,
    logger: new MemoryLogger(),
    clock,
    ...(chain === 'dev' ? {} : { secrets: { walletPassword } }),
  })
  if (chain === 'dev') await stack.wallet.create(walletPassword)
  const policies = new DatasetPoliciesRepo(db)
  const audit = new AuditRepo(db)
  const ports = createFakePorts()
  const port = stack.assetPort(providerUrl)
  const engine: Engine = { db, stack, port, service: undefined as never, policies, audit, events: [] }
  port.onPublishProgress((event) => {
    engine.events.push(event)
    if (engine.crashAt?.(event)) {
      engine.crashAt = undefined
      throw new Error('simulated crash')
    }
  })
  engine.service = createConsoleService({
    ...ports,
    assets: port,
    review: {
      getPolicy: (did) => policies.get(did),
      setPolicy: (did, policy) => policies.set(did, policy, clock.nowMs()),
      hasDataset: (did) => stack.registry.get(did)?.kind === 'dataset',
      listHeld: () => [],
      inspect: () => Promise.reject(new Error('not in this test')),
      release: () => {
        throw new Error('not in this test')
      },
      reject: () => {
        throw new Error('not in this test')
      },
    },
    audit: {
      list: (filter) => audit.list(filter),
      head: () => audit.head(),
      verify: () => audit.verify(),
      record: (event) => void audit.append(event as AuditEventInput, clock.nowMs()),
      signMessage: async () => undefined,
    },
  })
  // The service's wallet gate (the fake wallet port); the stack's real keystore signs.
  await engine.service.createWallet({ password: walletPassword, confirm: true })
  engines.push(engine)
  return engine
}

const draft = (name: string): MethodParsedInput<'publishAsset'>['draft'] => ({
  kind: 'dataset',
  name,
  description: '',
  author: 'test',
  license: 'MIT',
  service: {
    files: [{ type: 'url', url: 'https://example.org/weather.csv', method: 'get', headers: {} }],
    timeoutSec: 3600,
    allowRawAlgorithm: false,
    allowNetworkAccess: false,
    publisherTrustedAlgorithmPublishers: [],
    publisherTrustedAlgorithms: [],
  },
})

const policyChanges = (engine: Engine, did: string) =>
  engine.audit
    .list({ type: 'config.changed', subject: did })
    .filter((e) => (e.details as { setting?: string }).setting === 'dataset-policy')

const unfinishedNamed = async (engine: Engine, name: string) =>
  (await engine.service.listUnfinishedPublishes({})).publishes.filter((p) => p.name === name)

/** The data NFTs the factory created so far (each createNftWithErc20 adds one). */
const nftCount = async () => {
  const { Contract } = await import('ethers')
  const factory = new Contract(
    first.stack.contracts.ERC721Factory,
    ['function getCurrentNFTCount() view returns (uint256)'],
    first.stack.rpc,
  )
  return Number(await factory.getFunction('getCurrentNFTCount')())
}

beforeAll(async () => {
  first = await startEngine('dev')
}, 120_000)
afterAll(async () => {
  // The first engine runs the dev chain: stopped last.
  for (const engine of engines.reverse()) {
    await engine.stack.stop()
    engine.db.close()
  }
})

describe('unfinished publishes through the console API', () => {
  it('lists one stopped after the NFT with its DID and step; a new engine resumes it, no second NFT', async () => {
    expect(await first.service.listUnfinishedPublishes({})).toEqual({ publishes: [] })
    first.crashAt = (e) => e.step === 'metadata' && e.status === 'sent'
    const startedAtMs = clock.nowMs()
    await expect(
      first.service.publishAsset({ draft: draft('Stopped after the NFT'), environments: [ALLOWED] }),
    ).rejects.toThrow('simulated crash')
    const did = first.events.findLast((e) => e.step === 'encrypt')!.did!
    const metadataTx = first.events.findLast((e) => e.step === 'metadata' && e.status === 'sent')!.txHash

    const second = await startEngine(first.stack)
    expect(await unfinishedNamed(second, 'Stopped after the NFT')).toEqual([
      {
        id: did,
        did,
        kind: 'dataset',
        name: 'Stopped after the NFT',
        chainId: first.stack.chainId,
        stoppedAt: 'metadata',
        txStatus: 'signed',
        txHash: metadataTx,
        error: 'simulated crash',
        startedAtMs,
        updatedAtMs: expect.any(Number),
        inProgress: false,
        notResumable: null,
      },
    ])
    // Not an asset yet: listAssets (what consumers' lookups mirror) does not show it.
    expect((await second.service.listAssets({})).assets.map((a) => a.did)).not.toContain(did)

    const nftsBefore = await nftCount()
    second.events.length = 0
    const { asset } = await second.service.resumePublish({ id: did })
    expect(asset).toMatchObject({ did, name: 'Stopped after the NFT' })
    expect(await nftCount()).toBe(nftsBefore)
    // The recorded create receipt is read again ("mined"); nothing is signed or sent for it.
    expect(second.events.filter((e) => e.step === 'create' && e.status !== 'mined')).toEqual([])
    expect(await unfinishedNamed(second, 'Stopped after the NFT')).toEqual([])
    expect((await second.service.listAssets({})).assets.map((a) => a.did)).toContain(did)
    expect(second.policies.get(did).environments).toEqual([ALLOWED])
  })

  it('lists one stopped while its create tx was out, without a DID; resumes it by its id with that tx', async () => {
    first.crashAt = (e) => e.step === 'create' && e.status === 'sent'
    await expect(first.service.publishAsset({ draft: draft('Stopped at the create tx') })).rejects.toThrow(
      'simulated crash',
    )
    const createTx = first.events.findLast((e) => e.step === 'create' && e.status === 'sent')!.txHash
    const [row] = await unfinishedNamed(first, 'Stopped at the create tx')
    expect(row).toMatchObject({ did: null, stoppedAt: 'create', txStatus: 'signed', txHash: createTx })
    expect(row!.id.startsWith(PENDING_PREFIX)).toBe(true)

    const nftsBefore = await nftCount()
    first.events.length = 0
    const { asset } = await first.service.resumePublish({ id: row!.id })
    expect(asset.did).toMatch(/^did:op:[0-9a-f]{64}$/)
    // The recorded create tx was waited for (or re-sent), never signed again: one NFT, not two.
    expect(first.events.filter((e) => e.step === 'create' && e.status === 'started')).toEqual([])
    expect(first.events.find((e) => e.step === 'create' && e.status === 'mined')?.txHash).toBe(createTx)
    expect(await nftCount()).toBe(nftsBefore)
    expect(await unfinishedNamed(first, 'Stopped at the create tx')).toEqual([])
    expect(first.stack.registry.get(asset.did)?.publish?.done).toBe(true)
  })

  it('lists one stopped once the create tx was mined, before the DID was stored, as at "metadata"; its environments are applied on resume', async () => {
    first.crashAt = (e) => e.step === 'create' && e.status === 'mined'
    await expect(
      first.service.publishAsset({ draft: draft('Stopped at the NFT'), environments: [ALLOWED] }),
    ).rejects.toThrow('simulated crash')
    const [row] = await unfinishedNamed(first, 'Stopped at the NFT')
    expect(row).toMatchObject({ did: null, stoppedAt: 'metadata', txStatus: 'none', txHash: null })
    const nftsBefore = await nftCount()
    // The recorded choice was never stored (no DID then): resumePublish stores it before setMetaData.
    const atMetadata: string[][] = []
    const stop = first.port.onPublishProgress((e) => {
      if (e.step === 'metadata' && e.status === 'started' && e.did)
        atMetadata.push(first.policies.get(e.did).environments)
    })
    const { asset } = await first.service.resumePublish({ id: row!.id })
    stop()
    expect(await nftCount()).toBe(nftsBefore)
    expect(asset.name).toBe('Stopped at the NFT')
    expect(atMetadata).toEqual([[ALLOWED]])
    expect(policyChanges(first, asset.did)).toHaveLength(1)
  })

  it('discards one: forgotten here (and audited), while the NFT it created stays on chain', async () => {
    first.crashAt = (e) => e.step === 'metadata' && e.status === 'started'
    await expect(first.service.publishAsset({ draft: draft('Given up') })).rejects.toThrow('simulated crash')
    const [row] = await unfinishedNamed(first, 'Given up')
    expect(row?.did).toMatch(/^did:op:/)
    const nftAddress = first.stack.registry.get(row!.id, { includeUnfinished: true })!.nftAddress

    await expect(
      first.service.discardUnfinishedPublish({ id: 'pending:nothing', confirm: true }),
    ).rejects.toMatchObject({ code: 'ASSET_NOT_FOUND' })
    expect(await first.service.discardUnfinishedPublish({ id: row!.id, confirm: true })).toEqual({ ok: true })
    expect(await unfinishedNamed(first, 'Given up')).toEqual([])
    expect(first.stack.registry.get(row!.id, { includeUnfinished: true })).toBeUndefined()
    expect(await first.stack.rpc.getCode(nftAddress)).not.toBe('0x')
    expect(first.audit.list({ type: 'config.changed', subject: row!.did! })).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({
          what: 'unfinished-publish',
          action: 'discarded',
          onChainUnchanged: true,
        }),
      }),
    ])
    await expect(first.service.resumePublish({ id: row!.id })).rejects.toMatchObject({
      code: 'ASSET_NOT_FOUND',
    })
  })

  it('marks the publish that is running as in progress and refuses to resume or discard it', async () => {
    let seen: Awaited<ReturnType<typeof unfinishedNamed>> = []
    let discard: Promise<unknown> | undefined
    let resume: Promise<unknown> | undefined
    const stop = first.port.onPublishProgress((e) => {
      if (e.step !== 'create' || e.status !== 'sent' || discard) return
      const service = first.service
      // Asked while the create tx is out: the row exists, this publish is working on it.
      void service.listUnfinishedPublishes({}).then((r) => {
        seen = r.publishes.filter((p) => p.name === 'Running now')
      })
      const id = first.stack.registry
        .list({ includeUnfinished: true })
        .find((r) => r.publish?.draft?.name === 'Running now')!.did
      discard = service.discardUnfinishedPublish({ id, confirm: true }).catch((error: unknown) => error)
      resume = service.resumePublish({ id }).catch((error: unknown) => error)
    })
    const { asset } = await first.service.publishAsset({ draft: draft('Running now') })
    stop()
    expect(seen).toEqual([expect.objectContaining({ inProgress: true, did: null, stoppedAt: 'create' })])
    expect(await discard).toMatchObject({ code: 'PUBLISH_IN_PROGRESS' })
    expect(await resume).toMatchObject({ code: 'PUBLISH_IN_PROGRESS' })
    expect(first.stack.registry.get(asset.did)?.publish?.done).toBe(true)
    expect(await unfinishedNamed(first, 'Running now')).toEqual([])
  })
})
