import { describe, expect, it } from 'vitest'
import { checkFileSource } from './file-check'

const gateways = { ipfs: 'https://ipfs.example', arweave: 'https://arweave.example' }

describe('checkFileSource', () => {
  it('stats a local file and says in words when it is missing', async () => {
    expect(
      await checkFileSource({ type: 'local', path: __filename }, { mode: 'public', gateways }),
    ).toMatchObject({
      reachable: true,
    })
    const missing = await checkFileSource(
      { type: 'local', path: '/no/such/file.csv' },
      { mode: 'public', gateways },
    )
    expect(missing).toEqual({
      reachable: false,
      reason: 'There is no file at /no/such/file.csv on this machine.',
    })
  })
  it('refuses a loopback URL under the public guard, with the reason', async () => {
    const r = await checkFileSource(
      { type: 'url', url: 'http://127.0.0.1:9/x.csv' },
      { mode: 'public', gateways },
    )
    expect(r.reachable).toBe(false)
    expect(r.reason).toMatch(/not a public address/)
  })
  it('refuses an IPFS hash that is a path', async () => {
    const r = await checkFileSource({ type: 'ipfs', hash: '../etc' }, { mode: 'public', gateways })
    expect(r.reachable).toBe(false)
    expect(r.reason).toMatch(/one identifier/)
  })
})
