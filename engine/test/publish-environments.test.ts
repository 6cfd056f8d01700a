/**
 * Issue 11, publish as a wizard: a dataset's allowed environments are state written before it is
 * acted on. Through the console service over the real chain + publishing stack (dev chain, SQLite):
 * - the choice is recorded with the publish, and stored in the dataset policy once the NFT exists
 *   and before setMetaData is signed, so no consumer can find the DDO with every environment open;
 * - a publish interrupted after the NFT step leaves both behind for a new engine instance on the
 *   same data dir, which resumes it (publishAsset with the DID, no environments) with that choice;
 * - a publish interrupted before the DID was stored is resumed with the recorded choice too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PENDING_PREFIX } from '../publishing/asset-registry'
import { ALLOWED, draft, policyChanges, publishEngineBed, type Engine } from './publish-engine-bed'

const providerUrl = 'http://127.0.0.1:18031'
const bed = publishEngineBed({
  name: 'publish-environments',
  providerUrl,
  walletPassword: 'environments resume password',
})
const { clock, startEngine } = bed

let first: Engine

beforeAll(async () => {
  first = await startEngine('dev')
}, 120_000)
afterAll(() => bed.stopAll())

describe("a dataset's allowed environments while it is published", () => {
  it('are in its dataset policy when setMetaData is signed, before the asset is live', async () => {
    const seen: Array<{ step: string; environments: string[]; isLive: boolean }> = []
    const stop = first.port.onPublishProgress((event) => {
      if (event.step === 'metadata' && (event.status === 'started' || event.status === 'sent') && event.did)
        seen.push({
          step: `metadata ${event.status}`,
          environments: first.policies.get(event.did).environments,
          isLive: first.stack.registry.get(event.did) !== undefined,
        })
    })
    const { asset } = await first.service.publishAsset({
      draft: draft('Policy first'),
      environments: [ALLOWED],
    })
    stop()
    expect(seen).toEqual([
      { step: 'metadata started', environments: [ALLOWED], isLive: false },
      { step: 'metadata sent', environments: [ALLOWED], isLive: false },
    ])
    expect(first.policies.get(asset.did).environments).toEqual([ALLOWED])
    expect(policyChanges(first, asset.did)).toHaveLength(1)
    expect(policyChanges(first, asset.did)[0]).toMatchObject({
      actor: 'publisher',
      details: { setting: 'dataset-policy', policy: { environments: [ALLOWED] } },
    })
  })

  it('survive a crash after the NFT step; a new engine on the same data dir resumes with them', async () => {
    // The process dies right after setMetaData went out (the NFT was made before).
    first.crashAt = (e) => e.step === 'metadata' && e.status === 'sent'
    const crash = await first.service
      .publishAsset({ draft: draft('Interrupted after the NFT'), environments: [ALLOWED] })
      .catch((e: unknown) => e)
    expect((crash as Error).message).toBe('simulated crash')
    const did = first.events.findLast((e) => e.step === 'encrypt')?.did
    expect(did).toMatch(/^did:op:/)
    expect(first.stack.registry.get(did!)).toBeUndefined() // not live: no consumer is served it

    const second = await startEngine(first.stack)
    // What the second engine finds in the data dir, before it does anything.
    expect(second.policies.get(did!).environments).toEqual([ALLOWED])
    const recorded = second.stack.registry.get(did!, { includeUnfinished: true })!.publish!
    expect(recorded).toMatchObject({ op: 'publish', done: false, environments: [ALLOWED] })
    expect(recorded.environmentsApplied).toBe(true)

    // The wizard's retry: the same DID, no environments (the recorded ones hold).
    const { asset } = await second.service.publishAsset({
      draft: draft('Interrupted after the NFT'),
      did: did!,
    })
    expect(asset.did).toBe(did)
    expect(second.stack.registry.get(did!)?.publish?.done).toBe(true)
    expect(second.policies.get(did!).environments).toEqual([ALLOWED])
    // Applied once, before the crash; the resume did not write it again.
    expect(policyChanges(second, did!)).toHaveLength(1)
  })

  it('are applied on resume when the crash came before the DID was stored', async () => {
    // The process dies as soon as createNftWithErc20 is mined: the row is still under its pending key.
    first.crashAt = (e) => e.step === 'create' && e.status === 'mined'
    await expect(
      first.service.publishAsset({ draft: draft('Interrupted at the NFT'), environments: [ALLOWED] }),
    ).rejects.toThrow('simulated crash')

    const third = await startEngine(first.stack)
    const pending = third.stack.registry
      .list({ includeUnfinished: true })
      .filter((r) => r.did.startsWith(PENDING_PREFIX))
    expect(pending).toHaveLength(1)
    expect(pending[0]!.publish).toMatchObject({ environments: [ALLOWED] })
    expect(pending[0]!.publish?.environmentsApplied).toBeFalsy()

    const { publisher } = third.stack.publisher(providerUrl)
    const atMetadata: string[][] = []
    let did: string | undefined
    const outcomes = await publisher.resumeUnfinished(
      (e) => {
        did = e.did ?? did // told with the "encrypt" step, once the NFT is known
        if (e.step === 'metadata' && e.status === 'started')
          atMetadata.push(third.policies.get(did!).environments)
      },
      {
        applyEnvironments: (did, environments) =>
          void third.policies.set(did, { ...third.policies.get(did), environments }, clock.nowMs()),
      },
    )
    expect(outcomes).toEqual([expect.objectContaining({ outcome: 'resumed' })])
    expect(atMetadata).toEqual([[ALLOWED]])
    expect(third.policies.get(outcomes[0]!.did!).environments).toEqual([ALLOWED])
  })

  it('given again on resume, replace the recorded ones before setMetaData', async () => {
    first.crashAt = (e) => e.step === 'metadata' && e.status === 'started'
    await expect(
      first.service.publishAsset({ draft: draft('Choice changed on resume'), environments: [ALLOWED] }),
    ).rejects.toThrow('simulated crash')
    const did = first.events.findLast((e) => e.step === 'encrypt')!.did!
    expect(first.policies.get(did).environments).toEqual([ALLOWED])

    const fourth = await startEngine(first.stack)
    const atMetadata: string[][] = []
    const stop = fourth.port.onPublishProgress((e) => {
      if (e.step === 'metadata' && e.status === 'started')
        atMetadata.push(fourth.policies.get(did).environments)
    })
    // [] = every environment: the publisher changed their mind before retrying.
    await fourth.service.publishAsset({ draft: draft('Choice changed on resume'), did, environments: [] })
    stop()
    expect(atMetadata).toEqual([[]])
    expect(fourth.stack.registry.get(did)?.publish).toMatchObject({ done: true, environments: [] })
    expect(
      policyChanges(fourth, did).map(
        (e) => (e.details as { policy: { environments: string[] } }).policy.environments,
      ),
    ).toEqual([[ALLOWED], []])
  })

  it('are refused before anything is written when the publisher has nowhere to store them', async () => {
    const { publisher } = first.stack.publisher(providerUrl)
    const before = first.stack.registry.list({ includeUnfinished: true }).length
    await expect(
      publisher.publish(draft('No policy store'), undefined, { environments: [ALLOWED] }),
    ).rejects.toMatchObject({ code: 'ASSET_INVALID' })
    expect(first.stack.registry.list({ includeUnfinished: true })).toHaveLength(before)
  })
})
