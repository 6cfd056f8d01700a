/**
 * `fileInfo` for a URL storage object (ocean.js' `getFileInfo({type: 'url', url, method})`, Ocean
 * Node's UrlStorage), through the Provider over HTTP, with the SSRF guard of `provider.fileInfoUrls`.
 * A fake network (names → addresses, and a route from a "public" test address to loopback) stands
 * in for DNS, so the file server of these tests runs on 127.0.0.1.
 */
import { mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProviderInstance } from '@oceanprotocol/lib'
import { afterEach, describe, expect, it } from 'vitest'
import { startCore, type Core } from '../index'
import { MemoryLogger } from '../logging'
import type { ProbeNetwork } from '../provider/file-url-probe'
import { jobCoreConfig } from './job-core-config'

const BODY = 'hello, compute-to-data\n'.repeat(100)
/** TEST-NET-2 (RFC 5737): a public-looking address the fake network routes to loopback. */
const PUBLIC_TEST_ADDRESS = '198.51.100.7'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A file server that counts every request it gets, and can redirect. */
async function fileServer(): Promise<{ port: number; requests: string[] }> {
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.range ?? ''}`.trim())
    if (req.url?.startsWith('/redirect-to/')) {
      res.writeHead(302, { location: decodeURIComponent(req.url.slice('/redirect-to/'.length)) })
      return res.end()
    }
    if (req.url === '/no-head' && req.method === 'HEAD') {
      res.writeHead(405)
      return res.end()
    }
    if (req.method === 'GET' && req.headers.range === 'bytes=0-0') {
      res.writeHead(206, {
        'content-type': 'text/plain',
        'content-range': `bytes 0-0/${Buffer.byteLength(BODY)}`,
        'content-length': '1',
      })
      return res.end(BODY.slice(0, 1))
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(BODY)) })
    res.end(req.method === 'HEAD' ? undefined : BODY)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
  return { port: (server.address() as AddressInfo).port, requests }
}

async function start(mode: 'public' | 'any' | 'off', network: ProbeNetwork): Promise<Core> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provider-file-info-'))
  const config = jobCoreConfig(dataDir, { overrides: { provider: { port: 0, fileInfoUrls: mode } } })
  const core = await startCore(config, { logger: new MemoryLogger(), fileProbeNetwork: network })
  cleanups.push(() => core.stop())
  return core
}

const NETWORK: ProbeNetwork = {
  resolve: async (hostname) => {
    if (hostname === 'files.example.test') return [{ address: '127.0.0.1', family: 4 }]
    if (hostname === 'cdn.example.test') return [{ address: PUBLIC_TEST_ADDRESS, family: 4 }]
    if (hostname === 'dual.example.test')
      return [
        { address: PUBLIC_TEST_ADDRESS, family: 4 },
        { address: 'fd00::1', family: 6 },
      ]
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
  },
  route: (address) => (address === PUBLIC_TEST_ADDRESS ? '127.0.0.1' : address),
}

async function fileInfo(core: Core, body: unknown): Promise<Response> {
  return fetch(`${core.providerUrl}/api/services/fileInfo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

async function expectError(res: Response, status: number, code: string): Promise<string> {
  expect({ status: res.status, code: res.headers.get('x-c2d-error-code') }).toEqual({ status, code })
  const message = JSON.parse(await res.text()) as unknown
  expect(typeof message).toBe('string')
  return message as string
}

describe('fileInfo for URL storage objects (provider.fileInfoUrls)', () => {
  it('ocean.js getFileInfo of a public URL: valid, contentLength and contentType, read from headers only', async () => {
    const files = await fileServer()
    const core = await start('public', NETWORK)
    const info = await ProviderInstance.getFileInfo(
      { type: 'url', url: `http://cdn.example.test:${files.port}/data/shs_dataset_test.txt`, method: 'GET' },
      core.providerUrl,
    )
    expect(info).toEqual([
      {
        type: 'url',
        index: 0,
        name: 'shs_dataset_test.txt',
        valid: true,
        contentLength: String(Buffer.byteLength(BODY)),
        contentType: 'text/plain',
      },
    ])
    expect(files.requests).toEqual(['HEAD /data/shs_dataset_test.txt'])
  })

  it('a server that refuses HEAD is probed with a one-byte range GET; a host that does not resolve is valid: false', async () => {
    const files = await fileServer()
    const core = await start('public', NETWORK)
    const res = await fileInfo(core, { type: 'url', url: `http://cdn.example.test:${files.port}/no-head` })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject([
      { type: 'url', valid: true, contentLength: String(Buffer.byteLength(BODY)) },
    ])
    expect(files.requests).toEqual(['HEAD /no-head', 'GET /no-head bytes=0-0'])
    const missing = await ProviderInstance.getFileInfo(
      { type: 'url', url: `http://no-such-host.example.test:${files.port}/x`, method: 'GET' },
      core.providerUrl,
    )
    expect(missing).toEqual([{ type: 'url', index: 0, name: 'x', valid: false }])
  })

  it('"public": a host name that resolves to 127.0.0.1 is refused, nothing reaches it; "any" probes it', async () => {
    const files = await fileServer()
    const url = `http://files.example.test:${files.port}/secret.txt`
    const guarded = await start('public', NETWORK)
    const message = await expectError(
      await fileInfo(guarded, { type: 'url', url }),
      403,
      'FILE_INFO_URL_REFUSED',
    )
    expect(message).toContain('127.0.0.1')
    await expect(
      ProviderInstance.getFileInfo({ type: 'url', url, method: 'GET' }, guarded.providerUrl),
    ).rejects.toBeDefined()
    // A literal private address, an IPv6 loopback, a v4-mapped one and a name with one ULA answer.
    for (const literal of [
      `http://127.0.0.1:${files.port}/`,
      `http://[::1]:${files.port}/`,
      `http://[::ffff:127.0.0.1]:${files.port}/`,
      `http://10.1.2.3/`,
      `http://169.254.169.254/latest/meta-data/`,
      `http://100.64.0.1/`,
      `http://dual.example.test:${files.port}/`,
    ])
      await expectError(await fileInfo(guarded, { type: 'url', url: literal }), 403, 'FILE_INFO_URL_REFUSED')
    expect(files.requests).toEqual([])

    const open = await start('any', NETWORK)
    const info = await ProviderInstance.getFileInfo({ type: 'url', url, method: 'GET' }, open.providerUrl)
    expect(info[0]).toMatchObject({ valid: true, contentLength: String(Buffer.byteLength(BODY)) })
    expect(files.requests).toEqual(['HEAD /secret.txt'])
  })

  it('"public": a redirect from a public host to a private address is refused before it is followed', async () => {
    const files = await fileServer()
    const core = await start('public', NETWORK)
    const inside = `http://files.example.test:${files.port}/secret.txt`
    const url = `http://cdn.example.test:${files.port}/redirect-to/${encodeURIComponent(inside)}`
    await expectError(await fileInfo(core, { type: 'url', url }), 403, 'FILE_INFO_URL_REFUSED')
    // The first hop was asked; the private target never was.
    expect(files.requests).toEqual([`HEAD /redirect-to/${encodeURIComponent(inside)}`])
    // A redirect to another public name is followed.
    const ok = `http://cdn.example.test:${files.port}/redirect-to/${encodeURIComponent(`http://cdn.example.test:${files.port}/f.txt`)}`
    expect(await (await fileInfo(core, { type: 'url', url: ok })).json()).toMatchObject([{ valid: true }])
  })

  it('"off" refuses storage objects; other storage types, bad URLs and bad headers are 400s, nothing fetched', async () => {
    const files = await fileServer()
    const off = await start('off', NETWORK)
    await expectError(
      await fileInfo(off, { type: 'url', url: `http://cdn.example.test:${files.port}/x` }),
      403,
      'FILE_INFO_URL_OFF',
    )
    await expectError(
      await fileInfo(off, { type: 'arweave', transactionId: 'abc' }),
      403,
      'FILE_INFO_URL_OFF',
    )
    const core = await start('public', NETWORK)
    await expectError(
      await fileInfo(core, { type: 's3', bucket: 'b', objectKey: 'k' }),
      400,
      'REQUEST_INVALID',
    )
    await expectError(
      await fileInfo(core, { type: 'url', url: 'file:///etc/passwd' }),
      400,
      'REQUEST_INVALID',
    )
    await expectError(
      await fileInfo(core, { type: 'url', url: 'http://cdn.example.test/', headers: { a: 1 } }),
      400,
      'REQUEST_INVALID',
    )
    expect(files.requests).toEqual([])
  })
})
