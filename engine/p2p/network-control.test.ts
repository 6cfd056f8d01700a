import { describe, expect, it } from 'vitest'
import { MemoryLogger } from '../logging'
import { NetworkControl, serviceEndpointFor, type NetworkState } from './network-control'
import type { RunningP2pNode } from './p2p-node'

const LOCAL = 'http://127.0.0.1:8001'

/** A stand-in libp2p node: only its peer ID and whether it was stopped matter here. */
function fakeNode(peerId: string) {
  const node = {
    peerId: { toString: () => peerId },
    stopped: false,
    stop: async () => void (node.stopped = true),
  }
  return node as unknown as RunningP2pNode & { stopped: boolean }
}

function setup(
  initial: Partial<NetworkState>,
  options: { peerIds?: string[]; failRepublish?: number; identity?: () => string | undefined } = {},
) {
  const peerIds = [...(options.peerIds ?? ['16Uiu2HAmPeerA'])]
  const started: Array<RunningP2pNode & { stopped: boolean }> = []
  const persisted: NetworkState[] = []
  const republished: string[] = []
  let failures = options.failRepublish ?? 0
  let last: string | undefined
  const control = new NetworkControl({
    initial: { p2pEnabled: false, publicUrl: null, announceAddresses: [], ...initial },
    localUrl: LOCAL,
    startP2p: async () => {
      const node = fakeNode(peerIds.shift() ?? 'none-left')
      started.push(node)
      return node
    },
    identity: options.identity ?? (() => '0xnode'),
    persist: (state) => persisted.push(state),
    lastEndpoint: { get: () => last, set: (e) => void (last = e) },
    republish: async (endpoint) => {
      if (failures-- > 0) throw new Error('wallet locked')
      republished.push(endpoint)
      return [{ did: 'did:op:1', txHash: '0xabc' }]
    },
    logger: new MemoryLogger(),
  })
  return {
    control,
    started,
    persisted,
    republished,
    last: () => last,
    setLast: (e: string) => void (last = e),
  }
}

describe('serviceEndpointFor', () => {
  it('prefers the public URL, then the peer ID while P2P is on, then the local URL', () => {
    const base = { p2pEnabled: true, publicUrl: 'https://p.example', announceAddresses: [] }
    expect(serviceEndpointFor(base, '16Uiu2HAmX', LOCAL)).toBe('https://p.example')
    expect(serviceEndpointFor({ ...base, publicUrl: null }, '16Uiu2HAmX', LOCAL)).toBe('16Uiu2HAmX')
    expect(serviceEndpointFor({ ...base, publicUrl: null }, undefined, LOCAL)).toBe(LOCAL)
    expect(serviceEndpointFor({ ...base, publicUrl: null, p2pEnabled: false }, '16Uiu2HAmX', LOCAL)).toBe(
      LOCAL,
    )
  })
})

describe('NetworkControl', () => {
  it('re-publishes at start when the peer ID changed (a new node key), once', async () => {
    const t = setup({ p2pEnabled: true }, { peerIds: ['16Uiu2HAmNewKey'] })
    t.setLast('16Uiu2HAmOldKey')
    await t.control.start()
    expect(await t.control.followEndpoint()).toMatchObject({ state: 'done', endpoint: '16Uiu2HAmNewKey' })
    expect(t.republished).toEqual(['16Uiu2HAmNewKey'])
    expect(t.last()).toBe('16Uiu2HAmNewKey')
    expect(await t.control.followEndpoint()).toMatchObject({ state: 'not-needed' })
    expect(t.republished).toHaveLength(1)
  })

  it('restarts libp2p and moves the DDOs when the node key changes while running, not otherwise', async () => {
    let key = '0xold'
    const t = setup(
      { p2pEnabled: true },
      { peerIds: ['16Uiu2HAmOldKey', '16Uiu2HAmNewKey'], identity: () => key },
    )
    await t.control.start()
    t.setLast('16Uiu2HAmOldKey')
    key = '0xnew' // e.g. another wallet imported in rpc mode
    expect(await t.control.refreshIdentity()).toMatchObject({ state: 'done', endpoint: '16Uiu2HAmNewKey' })
    expect(t.republished).toEqual(['16Uiu2HAmNewKey'])
    expect(t.started).toHaveLength(2)
    expect(t.started[0]!.stopped).toBe(true)
    expect(await t.control.refreshIdentity()).toMatchObject({ state: 'not-needed' })
    expect(t.started).toHaveLength(2)
  })

  it('switches P2P on and off at runtime, persisting it and moving the DDOs each time', async () => {
    const t = setup({})
    t.setLast(LOCAL)
    const on = await t.control.apply({ p2pEnabled: true })
    expect(t.started).toHaveLength(1)
    expect(on.republish).toEqual({
      state: 'done',
      endpoint: '16Uiu2HAmPeerA',
      assets: [{ did: 'did:op:1', txHash: '0xabc' }],
    })
    expect(t.persisted.at(-1)).toEqual({ p2pEnabled: true, publicUrl: null, announceAddresses: [] })
    const off = await t.control.apply({ p2pEnabled: false })
    expect(t.started[0]!.stopped).toBe(true)
    expect(t.control.p2p()).toBeUndefined()
    expect(off.republish).toMatchObject({ state: 'done', endpoint: LOCAL })
    expect(t.republished).toEqual(['16Uiu2HAmPeerA', LOCAL])
  })

  it('a public URL wins over the peer ID; removing it falls back; a trailing slash is not a move', async () => {
    const t = setup({ p2pEnabled: true })
    await t.control.start()
    t.setLast('16Uiu2HAmPeerA')
    expect((await t.control.apply({ publicUrl: 'https://p.example/' })).republish.endpoint).toBe(
      'https://p.example',
    )
    expect((await t.control.apply({ publicUrl: 'https://p.example' })).republish.state).toBe('not-needed')
    expect((await t.control.apply({ publicUrl: null })).republish.endpoint).toBe('16Uiu2HAmPeerA')
    // The URL alone never restarts libp2p.
    expect(t.started).toHaveLength(1)
  })

  it('restarts libp2p when the announce addresses change while P2P is on', async () => {
    const t = setup({ p2pEnabled: true }, { peerIds: ['16Uiu2HAmPeerA', '16Uiu2HAmPeerA'] })
    await t.control.start()
    await t.control.apply({ announceAddresses: ['/ip4/203.0.113.7/tcp/9000'] })
    expect(t.started).toHaveLength(2)
    expect(t.started[0]!.stopped).toBe(true)
    expect(t.control.state().announceAddresses).toEqual(['/ip4/203.0.113.7/tcp/9000'])
  })

  it('a failed re-publish records nothing, so the next change or start retries it', async () => {
    const t = setup({}, { failRepublish: 1 })
    t.setLast(LOCAL)
    const failed = await t.control.apply({ publicUrl: 'https://p.example' })
    expect(failed.republish).toMatchObject({ state: 'failed', error: 'wallet locked' })
    expect(t.last()).toBe(LOCAL)
    expect(await t.control.followEndpoint()).toMatchObject({ state: 'done', endpoint: 'https://p.example' })
  })
})
