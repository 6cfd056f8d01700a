/**
 * Fallback RPCs (Ocean Node's fallbackRPCs) against two in-process EDR chains: a dead primary, a
 * primary that dies mid-run (a proxy in front of EDR, closed), and a fallback that serves another
 * chain (skipped). Transactions go through the fallback and land on the right chain.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Wallet, parseEther } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isC2dError } from '../c2d-error'
import { MemoryLogger } from '../logging'
import { startEdrServer, type EdrServer } from './dev-chain/edr-server'
import { checkChain, createRpcProvider, FailoverJsonRpcProvider } from './rpc'

const payer = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
let chainA: EdrServer
let chainB: EdrServer
const logger = new MemoryLogger()

async function deadUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((r) => server.close(() => r()))
  return `http://127.0.0.1:${port}/key`
}

/** A pass-through HTTP proxy to `target`, closable to play a primary RPC going down. */
async function proxyTo(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const to = new URL(target)
  const server: Server = createServer((req, res) => {
    const upstream = httpRequest(
      { host: to.hostname, port: to.port, path: to.pathname, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    req.pipe(upstream)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

beforeAll(async () => {
  const balances = [{ address: payer.address, balanceWei: parseEther('10') }]
  chainA = await startEdrServer({ chainId: 8996, port: 0, balances, logger })
  chainB = await startEdrServer({ chainId: 8997, port: 0, balances, logger })
}, 60_000)
afterAll(async () => {
  await chainA?.close()
  await chainB?.close()
})

describe('fallback RPCs', () => {
  it('starts on a fallback when the primary is dead, and sends transactions through it', async () => {
    const endpoint = {
      chainId: 8996,
      rpcUrl: await deadUrl(),
      fallbackRpcUrls: [chainA.rpcUrl],
      timeoutMs: 3000,
    }
    const provider = createRpcProvider(endpoint, { logger, pollingIntervalMs: 50 })
    await expect(checkChain(provider, endpoint)).resolves.toMatchObject({ blockNumber: expect.any(Number) })
    const to = Wallet.createRandom().address
    const tx = await payer.connect(provider).sendTransaction({ to, value: 1234n })
    await tx.wait()
    expect(await chainA.request('eth_getBalance', [to, 'latest'])).toBe('0x4d2')
    expect((provider as FailoverJsonRpcProvider).activeUrl()).toBe(chainA.rpcUrl)
    const switched = logger.lines.find((e) => e.msg === 'rpc failover')
    expect(switched?.meta).toMatchObject({ chainId: 8996, to: new URL(chainA.rpcUrl).origin })
    expect(JSON.stringify(switched)).not.toContain('/key')
    provider.destroy()
  })

  it('moves to the fallback when the primary dies mid-run, and skips a fallback that serves another chain', async () => {
    const primary = await proxyTo(chainA.rpcUrl)
    const endpoint = {
      chainId: 8996,
      rpcUrl: primary.url,
      fallbackRpcUrls: [chainB.rpcUrl, chainA.rpcUrl],
      timeoutMs: 3000,
    }
    const provider = createRpcProvider(endpoint, { pollingIntervalMs: 50 })
    const before = await provider.getBlockNumber()
    expect((provider as FailoverJsonRpcProvider).activeUrl()).toBe(primary.url)
    await primary.close()
    const to = Wallet.createRandom().address
    await (await payer.connect(provider).sendTransaction({ to, value: 99n })).wait()
    expect((provider as FailoverJsonRpcProvider).activeUrl()).toBe(chainA.rpcUrl)
    expect(await provider.getBlockNumber()).toBeGreaterThan(before)
    // Landed on chain 8996 only: the chain-8997 fallback was never used.
    expect(await chainA.request('eth_getBalance', [to, 'latest'])).toBe('0x63')
    expect(await chainB.request('eth_getBalance', [to, 'latest'])).toBe('0x0')
    provider.destroy()
  })

  it('says CHAIN_UNAVAILABLE when every URL is down', async () => {
    const endpoint = {
      chainId: 8996,
      rpcUrl: await deadUrl(),
      fallbackRpcUrls: [await deadUrl()],
      timeoutMs: 2000,
    }
    const provider = createRpcProvider(endpoint)
    const error = await checkChain(provider, endpoint).catch((e: unknown) => e)
    provider.destroy()
    expect(isC2dError(error) && error.code).toBe('CHAIN_UNAVAILABLE')
  })
})
