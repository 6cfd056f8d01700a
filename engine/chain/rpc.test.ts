import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isC2dError } from '../c2d-error'
import { checkChain, createRpcProvider } from './rpc'

// A JSON-RPC fake that speaks the protocol (ids echoed, batches answered) and serves chain 1.
let server: Server
let url: string
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const parsed = JSON.parse(body) as
        Array<{ id: number; method: string }> | { id: number; method: string }
      const answer = (m: { id: number; method: string }) => ({
        jsonrpc: '2.0',
        id: m.id,
        result: m.method === 'eth_chainId' ? '0x1' : '0x10',
      })
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(Array.isArray(parsed) ? parsed.map(answer) : answer(parsed)))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

describe('rpc', () => {
  it('says CHAIN_UNAVAILABLE (502) when nothing listens, without the URL path', async () => {
    const dead = createServer()
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()))
    const port = (dead.address() as AddressInfo).port
    await new Promise<void>((r) => dead.close(() => r()))
    const endpoint = { chainId: 8996, rpcUrl: `http://127.0.0.1:${port}/secret-api-key`, timeoutMs: 2000 }
    const provider = createRpcProvider(endpoint)
    const error = await checkChain(provider, endpoint).catch((e: unknown) => e)
    provider.destroy()
    expect(isC2dError(error) && [error.code, error.status]).toEqual(['CHAIN_UNAVAILABLE', 502])
    expect(isC2dError(error) && error.message).toMatch(/RPC unreachable for chain 8996/)
    expect(isC2dError(error) && error.message).not.toContain('secret-api-key')
  })

  it('says CHAIN_ID_MISMATCH when the RPC serves another chain', async () => {
    const endpoint = { chainId: 8996, rpcUrl: url, timeoutMs: 2000 }
    const provider = createRpcProvider(endpoint)
    const error = await checkChain(provider, endpoint).catch((e: unknown) => e)
    provider.destroy()
    expect(isC2dError(error) && error.code).toBe('CHAIN_ID_MISMATCH')
    expect(isC2dError(error) && error.details).toEqual({ expected: 8996, actual: 1 })
  })

  it('passes when the chain id matches', async () => {
    const endpoint = { chainId: 1, rpcUrl: url, timeoutMs: 2000 }
    const provider = createRpcProvider(endpoint)
    await expect(checkChain(provider, endpoint)).resolves.toEqual({ blockNumber: 16 })
    provider.destroy()
  })
})
