/**
 * Issue 15, Settings → Network at runtime: switching P2P on makes the peer ID every DDO's
 * serviceEndpoint (ocean.js dials a peer ID over P2P), a public URL then wins, and switching both
 * off brings the local URL back. Each move re-publishes every asset (setMetaData, mined, with
 * progress events) before the console API answers, is written to config.json for the next start,
 * and the libp2p node really starts and stops.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ProviderInstance } from '@oceanprotocol/lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleMethods, type EventPayload } from '../console-api/contract'
import { startOceanTestbed, type OceanTestbed } from './ocean-consumer'
import { setupOceanP2p, stopOceanP2p } from './ocean-p2p-consumer'

let bed: OceanTestbed
beforeAll(async () => {
  bed = await startOceanTestbed('c2d-network-settings-', {
    p2p: {
      enabled: false,
      listenAddresses: ['/ip4/127.0.0.1/tcp/0/ws'],
      bootstrapPeers: [],
      relayClient: false,
      upnp: false,
    },
  })
  await setupOceanP2p()
}, 60_000)
afterAll(async () => {
  await stopOceanP2p()
  await bed?.core.stop()
  bed?.rpc.destroy()
})

const endpoints = () => [
  ...new Set(bed.core.assets.list().flatMap((a) => a.ddo.services.map((s) => s.serviceEndpoint))),
]

describe('network settings applied at runtime', () => {
  it('refuses a change that is not confirmed, or an address that is not one', () => {
    const input = consoleMethods.saveNetworkSettings.input
    expect(input.safeParse({ p2pEnabled: true }).success).toBe(false)
    expect(input.safeParse({ publicUrl: 'ftp://x.example', confirm: true }).success).toBe(false)
    expect(input.safeParse({ announceAddresses: ['203.0.113.7:9000'], confirm: true }).success).toBe(false)
    expect(input.safeParse({ announceAddresses: ['/ip4/203.0.113.7/tcp/9000'], confirm: true }).success).toBe(
      true,
    )
  })

  it('P2P on: the peer ID becomes every serviceEndpoint, each asset re-published with a mined tx', async () => {
    const service = bed.core.consoleService
    expect(endpoints()).toEqual([bed.url])
    expect((await service.getOverview({})).providerUrl).toBe(bed.url)
    expect((await service.getReachability({})).p2p.enabled).toBe(false)
    const events: Array<EventPayload<'onPublishProgress'>> = []
    const off = service.subscribe('onPublishProgress', (e) => events.push(e))
    const saved = await service.saveNetworkSettings({ p2pEnabled: true, confirm: true })
    off()
    const peerId = bed.core.p2p!.peerId.toString()
    expect(saved.settings).toMatchObject({ p2pEnabled: true, publicUrl: null, serviceEndpoint: peerId })
    expect(saved.republish.state).toBe('done')
    const dids = bed.core.assets.list().map((a) => a.did)
    expect(saved.republish.assets.map((a) => a.did).sort()).toEqual(dids.sort())
    const mined = events.filter((e) => e.step === 'metadata' && e.status === 'mined')
    expect(saved.republish.assets.map((a) => a.txHash).sort()).toEqual(mined.map((e) => e.txHash).sort())
    for (const { txHash } of saved.republish.assets)
      expect((await bed.rpc.getTransactionReceipt(txHash!))?.status).toBe(1)
    expect(endpoints()).toEqual([peerId])
    // The overview (status bar, wizard review, "you're live", ocean.js snippet) follows at once.
    expect((await service.getOverview({})).providerUrl).toBe(peerId)
    // The node is really up: ocean.js reaches it over P2P, and the console shows it.
    const reach = await service.getReachability({})
    expect(reach.p2p).toMatchObject({ enabled: true, peerId })
    const status = await ProviderInstance.getNodeStatus(reach.p2p.direct[0]!)
    expect(status.id).toBe(peerId)
    expect(JSON.parse(readFileSync(join(bed.core.config.dataDir, 'config.json'), 'utf8'))).toMatchObject({
      p2p: { enabled: true },
    })
  }, 120_000)

  it('a public URL then wins; saving it again sends nothing; all off brings the local URL back', async () => {
    const service = bed.core.consoleService
    const url = await service.saveNetworkSettings({
      publicUrl: 'https://provider.example.org/',
      confirm: true,
    })
    expect(url.republish).toMatchObject({ state: 'done', endpoint: 'https://provider.example.org' })
    expect(endpoints()).toEqual(['https://provider.example.org'])
    expect((await service.getOverview({})).providerUrl).toBe('https://provider.example.org')
    const again = await service.saveNetworkSettings({
      publicUrl: 'https://provider.example.org',
      confirm: true,
    })
    expect(again.republish).toMatchObject({ state: 'not-needed', assets: [] })
    expect((await service.getReachability({})).http.publicUrl).toBe('https://provider.example.org')

    const back = await service.saveNetworkSettings({ p2pEnabled: false, publicUrl: null, confirm: true })
    expect(back.settings.serviceEndpoint).toBe(bed.url)
    expect(back.republish.state).toBe('done')
    expect(endpoints()).toEqual([bed.url])
    expect((await service.getOverview({})).providerUrl).toBe(bed.url)
    expect(bed.core.p2p).toBeUndefined()
    expect((await service.getReachability({})).p2p).toMatchObject({ enabled: false, peerId: null })
    const file = JSON.parse(readFileSync(join(bed.core.config.dataDir, 'config.json'), 'utf8')) as {
      p2p: { enabled: boolean }
      provider?: { publicUrl?: string }
    }
    expect(file.p2p.enabled).toBe(false)
    expect(file.provider?.publicUrl).toBeUndefined()
    expect(await service.getNetworkSettings({})).toEqual({
      p2pEnabled: false,
      publicUrl: null,
      announceAddresses: [],
      serviceEndpoint: bed.url,
    })
  }, 120_000)
})
