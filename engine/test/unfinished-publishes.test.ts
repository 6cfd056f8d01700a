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
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PENDING_PREFIX } from '../publishing/asset-registry'
import { ALLOWED, draft, policyChanges, publishEngineBed, type Engine } from './publish-engine-bed'

const providerUrl = 'http://127.0.0.1:18032'
const bed = publishEngineBed({
  name: 'unfinished-publishes',
  providerUrl,
  walletPassword: 'unfinished publishes password',
})
const { clock, startEngine } = bed

let first: Engine

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
afterAll(() => bed.stopAll())

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
