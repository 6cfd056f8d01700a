import { describe, expect, it } from 'vitest'
import { bindAddressWarning, exposureWarnings, parseAnnounceAddresses } from './network-exposure'

const off = { p2pEnabled: false, publicUrl: null, announceAddresses: [] }

describe('exposureWarnings', () => {
  it('says what P2P opens and that the DDOs move, before it is switched on', () => {
    const w = exposureWarnings(off, { ...off, p2pEnabled: true }, 2)
    expect(w[0]).toMatch(/anyone on Ocean's P2P network can reach this Provider by its peer ID/)
    expect(w.at(-1)).toMatch(/2 assets will be re-published, one on-chain transaction each/)
  })

  it('names the public URL, and does not move the DDOs for a P2P switch while a URL wins', () => {
    const withUrl = { ...off, publicUrl: 'https://p.example' }
    expect(exposureWarnings(off, withUrl, 1).join(' ')).toMatch(/https:\/\/p\.example.*1 asset will/)
    const w = exposureWarnings(withUrl, { ...withUrl, p2pEnabled: true }, 1)
    expect(w.join(' ')).not.toMatch(/re-published/)
  })

  it('is empty when nothing changes', () => {
    expect(exposureWarnings(off, off, 3)).toEqual([])
  })
})

describe('parseAnnounceAddresses', () => {
  it('takes one multiaddr per line and drops blanks', () => {
    expect(parseAnnounceAddresses(' /ip4/203.0.113.7/tcp/9000 \n\n/dns4/x.example/tcp/9001/ws\n')).toEqual([
      '/ip4/203.0.113.7/tcp/9000',
      '/dns4/x.example/tcp/9001/ws',
    ])
  })
})

describe('bindAddressWarning', () => {
  it('is silent for loopback and says who can reach a wider bind address', () => {
    expect(bindAddressWarning('127.0.0.1')).toBeUndefined()
    expect(bindAddressWarning('::1')).toBeUndefined()
    expect(bindAddressWarning('0.0.0.0')).toMatch(/anyone on every network this machine is on/)
    expect(bindAddressWarning('192.168.1.20')).toMatch(/the network of 192\.168\.1\.20/)
  })
})

describe('one bind-address warning for Settings → Provider and → Network', () => {
  it('gives the Provider section the same words for every non-loopback address', async () => {
    const { exposureWarnings: providerWarnings } = await import('./provider-section')
    for (const host of ['0.0.0.0', '::', '[::]', '192.168.1.20', ' 0.0.0.0 '])
      expect(providerWarnings(host, 'https://p.example')).toEqual([bindAddressWarning(host)])
    expect(providerWarnings('127.0.0.1', 'https://p.example')).toEqual([])
    expect(bindAddressWarning('[::1]')).toBeUndefined()
  })
})
