import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, readFileSync, existsSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchToFile, FetchFailure } from './file-fetch'

let server: Server
let base = ''
const seen: IncomingMessage[] = []
const dir = mkdtempSync(join(tmpdir(), 'file-fetch-'))

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req)
    const path = (req.url ?? '/').split('?')[0]!
    if (path === '/data.csv') return res.end('a,b\n1,2\n')
    if (path === '/secret') {
      if (req.headers['x-api-key'] !== 'k3y') return res.writeHead(401).end()
      return res.end(`ok ${req.method}`)
    }
    if (path === '/big-declared')
      return res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000))
    if (path === '/big-chunked') {
      res.writeHead(200, { 'transfer-encoding': 'chunked' })
      for (let i = 0; i < 10; i++) res.write('y'.repeat(1000))
      return res.end()
    }
    if (path === '/redirect') return res.writeHead(302, { location: '/data.csv' }).end()
    if (path === '/loop') return res.writeHead(302, { location: '/loop' }).end()
    if (path.startsWith('/ipfs/')) return res.end(`ipfs ${path.slice(6)}`)
    if (path === '/tx_1') return res.end('arweave')
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => {
  server.close()
  rmSync(dir, { recursive: true, force: true })
})

const opts = () => ({ maxBytes: 2000, ipfsGateway: base + '/', arweaveGateway: base })

describe('fetchToFile', () => {
  it('streams an http file to disk', async () => {
    const dest = join(dir, 'a')
    await expect(fetchToFile({ type: 'url', url: `${base}/data.csv` }, dest, opts())).resolves.toEqual({
      sizeBytes: 8,
    })
    expect(readFileSync(dest, 'utf8')).toBe('a,b\n1,2\n')
  })

  it('sends the method and headers of the source', async () => {
    const dest = join(dir, 'b')
    await fetchToFile(
      { type: 'url', url: `${base}/secret`, method: 'POST', headers: { 'x-api-key': 'k3y' } },
      dest,
      opts(),
    )
    expect(readFileSync(dest, 'utf8')).toBe('ok POST')
  })

  it('reports an HTTP error without the URL or headers', async () => {
    const error = await fetchToFile(
      { type: 'url', url: `${base}/secret?token=abc`, headers: { 'x-api-key': 'wrong' } },
      join(dir, 'c'),
      opts(),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FetchFailure)
    expect((error as Error).message).toMatch(/HTTP 401/)
    expect((error as Error).message).not.toMatch(/127\.0\.0\.1|token|wrong|secret/)
    expect(existsSync(join(dir, 'c'))).toBe(false)
  })

  it('refuses a file larger than the limit by Content-Length and while streaming', async () => {
    await expect(
      fetchToFile({ type: 'url', url: `${base}/big-declared` }, join(dir, 'd'), opts()),
    ).rejects.toThrow(/5000 bytes, larger than the limit of 2000/)
    await expect(
      fetchToFile({ type: 'url', url: `${base}/big-chunked` }, join(dir, 'e'), opts()),
    ).rejects.toThrow(/larger than the limit of 2000/)
    expect(existsSync(join(dir, 'e'))).toBe(false)
  })

  it('follows a few redirects and stops a loop', async () => {
    await fetchToFile({ type: 'url', url: `${base}/redirect` }, join(dir, 'f'), opts())
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('a,b\n1,2\n')
    await expect(
      fetchToFile({ type: 'url', url: `${base}/loop` }, join(dir, 'g'), { ...opts(), maxRedirects: 3 }),
    ).rejects.toThrow(/too many redirects/)
  })

  it('refuses non-http URLs and reports refused connections by code only', async () => {
    await expect(
      fetchToFile({ type: 'url', url: 'file:///etc/passwd' }, join(dir, 'h'), opts()),
    ).rejects.toThrow(/only http and https/)
    const error = await fetchToFile(
      { type: 'url', url: 'http://127.0.0.1:9/x' },
      join(dir, 'i'),
      opts(),
    ).catch((e: unknown) => e as Error)
    expect((error as Error).message).toMatch(/could not be fetched/)
    expect((error as Error).message).not.toMatch(/127\.0\.0\.1/)
  })

  it('fetches ipfs and arweave sources through the configured gateways', async () => {
    await fetchToFile({ type: 'ipfs', hash: 'QmAbc123' }, join(dir, 'j'), opts())
    expect(readFileSync(join(dir, 'j'), 'utf8')).toBe('ipfs QmAbc123')
    await fetchToFile({ type: 'arweave', transactionId: 'tx_1' }, join(dir, 'k'), opts())
    expect(readFileSync(join(dir, 'k'), 'utf8')).toBe('arweave')
    await expect(fetchToFile({ type: 'ipfs', hash: '../etc' }, join(dir, 'l'), opts())).rejects.toThrow(
      /not a valid CID/,
    )
  })

  it('copies a local file and checks its size', async () => {
    const src = join(dir, 'local-src')
    writeFileSync(src, 'local data')
    await expect(fetchToFile({ type: 'local', path: src }, join(dir, 'm'), opts())).resolves.toEqual({
      sizeBytes: 10,
    })
    writeFileSync(src, 'z'.repeat(3000))
    await expect(fetchToFile({ type: 'local', path: src }, join(dir, 'n'), opts())).rejects.toThrow(
      /larger than the limit/,
    )
    await expect(
      fetchToFile({ type: 'local', path: join(dir, 'missing') }, join(dir, 'o'), opts()),
    ).rejects.toThrow(/does not exist/)
  })
})
