/**
 * Issue 15: when the Provider's public URL changes, every asset's DDO is re-published
 * (setMetaData, one mined tx each) with the new serviceEndpoint, with progress events, and the
 * registry (the Provider's Aquarius routes) serves the new DDO.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PublishEvent } from '../publishing/recorded-tx'
import { startOceanTestbed, type OceanTestbed } from './ocean-consumer'

let bed: OceanTestbed
beforeAll(async () => {
  bed = await startOceanTestbed('c2d-republish-')
}, 60_000)
afterAll(async () => {
  await bed?.core.stop()
  bed?.rpc.destroy()
})

describe('serviceEndpoint follows the public URL', () => {
  it('re-publishes every DDO with the new endpoint, once', async () => {
    const chain = bed.core.chain!
    const before = bed.core.assets.list()
    expect(before.length).toBeGreaterThan(0)
    expect(before.every((a) => a.ddo.services.every((s) => s.serviceEndpoint === bed.url))).toBe(true)

    const moved = chain.assetPort('https://provider.example.org')
    const events: PublishEvent[] = []
    moved.onPublishProgress((e) => events.push(e))
    const dids = await moved.republishEndpoints()
    expect(dids.sort()).toEqual(before.map((a) => a.did).sort())
    for (const asset of bed.core.assets.list())
      expect(asset.ddo.services.every((s) => s.serviceEndpoint === 'https://provider.example.org')).toBe(true)
    const mined = events.filter((e) => e.step === 'metadata' && e.status === 'mined')
    expect(mined.map((e) => e.did).sort()).toEqual(dids.sort())
    expect(mined.every((e) => typeof e.txHash === 'string')).toBe(true)
    const served = (await (await fetch(`${bed.url}/api/aquarius/assets/ddo/${dids[0]}`)).json()) as {
      services: Array<{ serviceEndpoint: string }>
    }
    expect(served.services[0]!.serviceEndpoint).toBe('https://provider.example.org')
    // Nothing left to change: no second round of transactions.
    expect(await moved.republishEndpoints()).toEqual([])
  }, 120_000)
})
