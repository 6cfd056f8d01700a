/**
 * `fileInfo` for Arweave and IPFS storage objects (ocean.js' `getFileInfo({type: 'arweave',
 * transactionId})` / `{type: 'ipfs', hash}`; Ocean Node's ArweaveStorage / IpfsStorage), through the
 * Provider over HTTP, against a fake gateway on 127.0.0.1 that speaks the gateways' protocol:
 * `HEAD|GET /<txId>` (Arweave) and `HEAD|GET /ipfs/<cid>` (IPFS). The configured gateway is trusted
 * under the default `provider.fileInfoUrls: "public"`; a redirect it answers is not.
 */
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProviderInstance } from '@oceanprotocol/lib'
import { afterEach, describe, expect, it } from 'vitest'
import { startCore, type Core } from '../index'
import { MemoryLogger } from '../logging'
import { jobCoreConfig } from './job-core-config'

const TX_ID = 'a4qJoQZa1poIv5guEzkfgZYSAD0uYm7Vw4zm_tCswVQ'
const CID = 'QmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco'
const ARWEAVE_BODY = '{"hello":"arweave"}'
const IPFS_BODY = 'ipfs file\n'.repeat(30)

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Objects by gateway path; `/redirect/<x>` answers 302 to the decoded x. Every request is recorded. */
async function fakeGateway(): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = []
  const objects: Record<string, { body: string; type: string }> = {
    [`/${TX_ID}`]: { body: ARWEAVE_BODY, type: 'application/json' },
    [`/ipfs/${CID}`]: { body: IPFS_BODY, type: 'text/plain' },
  }
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    if (req.url?.startsWith('/redirect/')) {
      res.writeHead(302, { location: decodeURIComponent(req.url.slice('/redirect/'.length)) })
      return res.end()
    }
    const object = objects[req.url ?? '']
    if (!object) {
      res.writeHead(404, { 'content-type': 'text/plain' })
      return res.end('Not Found')
    }
    res.writeHead(200, {
      'content-type': object.type,
      'content-length': String(Buffer.byteLength(object.body)),
    })
    res.end(req.method === 'HEAD' ? undefined : object.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

async function start(
  gateways: { arweave: string; ipfs: string },
  fileInfoUrls: 'public' | 'any' | 'off' = 'public',
): Promise<Core> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provider-gateway-'))
  const config = jobCoreConfig(dataDir, {
    overrides: {
      provider: { port: 0, fileInfoUrls },
      driver: { arweaveGateway: gateways.arweave, ipfsGateway: gateways.ipfs },
    },
  })
  const core = await startCore(config, { logger: new MemoryLogger() })
  cleanups.push(() => core.stop())
  return core
}

async function fileInfo(core: Core, body: unknown): Promise<Response> {
  return fetch(`${core.providerUrl}/api/services/fileInfo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect({ status: res.status, code: res.headers.get('x-c2d-error-code') }).toEqual({ status, code })
  expect(typeof JSON.parse(await res.text())).toBe('string')
}

describe('fileInfo for Arweave and IPFS storage objects (driver.arweaveGateway / ipfsGateway)', () => {
  it("ocean.js getFileInfo of an Arweave transaction and an IPFS CID: Ocean Node's shape, headers only", async () => {
    const gateway = await fakeGateway()
    // A trailing slash on the configured gateway (Ocean Node's ARWEAVE_GATEWAY=https://arweave.net/).
    const core = await start({ arweave: `${gateway.url}/`, ipfs: gateway.url })
    const arweave = await ProviderInstance.getFileInfo(
      { type: 'arweave', transactionId: TX_ID },
      core.providerUrl,
    )
    expect(arweave).toEqual([
      {
        valid: true,
        contentLength: String(Buffer.byteLength(ARWEAVE_BODY)),
        contentType: 'application/json',
        name: '',
        type: 'arweave',
      },
    ])
    const ipfs = await ProviderInstance.getFileInfo({ type: 'ipfs', hash: CID }, core.providerUrl)
    expect(ipfs).toEqual([
      {
        valid: true,
        contentLength: String(Buffer.byteLength(IPFS_BODY)),
        contentType: 'text/plain',
        name: '',
        type: 'ipfs',
      },
    ])
    expect(gateway.requests).toEqual([`HEAD /${TX_ID}`, `HEAD /ipfs/${CID}`])
  })

  it('an object the gateway does not have is valid: false; a gateway that does not answer too', async () => {
    const gateway = await fakeGateway()
    const core = await start({ arweave: gateway.url, ipfs: 'http://127.0.0.1:9' })
    const missing = await ProviderInstance.getFileInfo(
      { type: 'arweave', transactionId: 'nope' },
      core.providerUrl,
    )
    expect(missing).toEqual([{ valid: false, name: '', type: 'arweave' }])
    const res = await fileInfo(core, { type: 'ipfs', hash: CID })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual([{ valid: false, name: '', type: 'ipfs' }])
  })

  it('ids that are URLs, paths or not strings are 400s and nothing reaches the gateway', async () => {
    const gateway = await fakeGateway()
    const core = await start({ arweave: gateway.url, ipfs: gateway.url })
    for (const body of [
      { type: 'arweave' },
      { type: 'arweave', transactionId: 42 },
      { type: 'arweave', transactionId: 'https://evil.example/x' },
      { type: 'arweave', transactionId: '../admin' },
      { type: 'arweave', transactionId: `${TX_ID}?x=1` },
      { type: 'ipfs', hash: `${CID}/secret` },
      { type: 'ipfs', hash: '%2e%2e' },
      { type: 's3', bucket: 'b' },
    ])
      await expectError(await fileInfo(core, body), 400, 'REQUEST_INVALID')
    expect(gateway.requests).toEqual([])
  })

  it('"public": a redirect from the gateway to another non-public host is refused before it is followed', async () => {
    const gateway = await fakeGateway()
    const inside = `http://localhost:${new URL(gateway.url).port}/ipfs/${CID}`
    // The gateway answers every /ipfs/<cid> under a path prefix with a redirect inside.
    const core = await start({
      arweave: gateway.url,
      ipfs: `${gateway.url}/redirect/${encodeURIComponent(inside)}?`,
    })
    const res = await fileInfo(core, { type: 'ipfs', hash: CID })
    await expectError(res, 403, 'FILE_INFO_URL_REFUSED')
    expect(gateway.requests).toHaveLength(1)
    expect(gateway.requests[0]).toMatch(/^HEAD \/redirect\//)
  })

  it('"off" refuses Arweave and IPFS objects as it refuses URLs', async () => {
    const gateway = await fakeGateway()
    const core = await start({ arweave: gateway.url, ipfs: gateway.url }, 'off')
    await expectError(
      await fileInfo(core, { type: 'arweave', transactionId: TX_ID }),
      403,
      'FILE_INFO_URL_OFF',
    )
    await expectError(await fileInfo(core, { type: 'ipfs', hash: CID }), 403, 'FILE_INFO_URL_OFF')
    expect(gateway.requests).toEqual([])
  })
})
