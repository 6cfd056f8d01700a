import { describe, expect, it } from 'vitest'
import { httpStatus, natStatus, reachabilityFixes, type Reachability } from './reachability-fixes'

const base: Reachability = {
  p2p: {
    enabled: true,
    peerId: '16Uiu2HAmPeer',
    direct: ['/ip4/10.0.0.2/tcp/9000/p2p/16Uiu2HAmPeer'],
    relayed: ['/ip4/198.51.100.1/tcp/9000/p2p/16Uiu2HAmRelay/p2p-circuit/p2p/16Uiu2HAmPeer'],
    connections: 3,
    isReachable: true,
  },
  http: { bindHost: '127.0.0.1', publicUrl: 'https://p.example', selfCheck: { state: 'ok' } },
}

describe('reachability in words', () => {
  it('needs no fix when the public URL answers as this node and a relay holds a reservation', () => {
    expect(reachabilityFixes(base)).toEqual([])
    expect(natStatus(base)).toBe('Behind NAT, reachable through a relay')
    expect(httpStatus(base)).toBe('https://p.example answers as this node')
  })

  it('explains a public URL that points at another node, or does not answer', () => {
    const mismatch = {
      ...base,
      http: { ...base.http, selfCheck: { state: 'mismatch' as const, seenProviderAddress: '0xabc' } },
    }
    expect(reachabilityFixes(mismatch)[0]).toMatch(/answers with provider address 0xabc/)
    const down = {
      ...base,
      http: { ...base.http, selfCheck: { state: 'unreachable' as const, detail: 'ECONNREFUSED' } },
    }
    expect(reachabilityFixes(down)[0]).toMatch(/failed \(ECONNREFUSED\)/)
  })

  it('tells a console behind NAT without a relay what to do, and one with P2P off to switch it on', () => {
    const stuck = { ...base, p2p: { ...base.p2p, relayed: [], isReachable: false } }
    expect(natStatus(stuck)).toBe('Not reachable from outside yet')
    expect(reachabilityFixes(stuck)).toEqual([expect.stringMatching(/No relay reservation/)])
    const off = {
      ...base,
      p2p: { ...base.p2p, enabled: false, peerId: null, relayed: [], isReachable: false },
    }
    expect(reachabilityFixes(off)).toEqual([expect.stringMatching(/P2P is off/)])
    const alone = { ...stuck, p2p: { ...stuck.p2p, connections: 0 } }
    expect(reachabilityFixes(alone)).toEqual([expect.stringMatching(/No P2P peers connected/)])
  })
})
