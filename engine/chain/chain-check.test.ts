import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Wallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryLogger } from '../logging'
import { startDevChain, type DevChain } from './dev-chain/dev-chain'
import { checkChainChoice } from './chain-check'

// A real RPC to check against: the embedded dev chain (chain 8996, Ocean's contracts deployed).
let chain: DevChain
let overrides: Record<string, string>
beforeAll(async () => {
  chain = await startDevChain({
    dataDir: mkdtempSync(join(tmpdir(), 'c2d-chain-check-')),
    port: 0,
    logger: new MemoryLogger(),
  })
  overrides = Object.fromEntries(Object.entries(chain.contracts).filter(([, v]) => typeof v === 'string'))
}, 60_000)
afterAll(async () => {
  await chain?.stop()
})

const byId = (r: Awaited<ReturnType<typeof checkChainChoice>>) =>
  Object.fromEntries(r.checks.map((c) => [c.id, c]))

describe('checkChainChoice', () => {
  it('passes an RPC that answers, serves the typed chain and has Ocean’s contracts at their addresses', async () => {
    const result = await checkChainChoice({ mode: 'rpc', rpcUrl: chain.rpcUrl, chainId: 8996, overrides })
    expect(result.checks.filter((c) => !c.ok)).toEqual([])
    expect(result.ok).toBe(true)
    expect(result.blockNumber).toBe(await chain.rpc.getBlockNumber())
    expect(result.checks.map((c) => c.id)).toEqual([
      'rpc-reachable',
      'chain-id',
      'contract-Ocean',
      'contract-ERC721Factory',
      'contract-Router',
      'contract-Escrow',
    ])
    expect(byId(result)['contract-Ocean']!.message).toBe(`Found at ${chain.contracts.Ocean}.`)
  })

  it('names the chain the RPC really serves when the typed id differs', async () => {
    const result = await checkChainChoice({ mode: 'rpc', rpcUrl: chain.rpcUrl, chainId: 137, overrides })
    expect(result.ok).toBe(false)
    expect(byId(result)['rpc-reachable']!.ok).toBe(true)
    expect(byId(result)['chain-id']).toMatchObject({
      ok: false,
      message: 'The RPC serves chain 8996, but chain 137 is typed.',
      fix: 'Type chain id 8996, or use an RPC URL of chain 137.',
    })
  })

  it('says an RPC does not answer, with the cause and a fix', async () => {
    const result = await checkChainChoice({
      mode: 'rpc',
      rpcUrl: 'http://127.0.0.1:1/v3/secret-key',
      chainId: 8996,
      timeoutMs: 3_000,
    })
    expect(result).toMatchObject({ ok: false, blockNumber: null })
    const reachable = byId(result)['rpc-reachable']!
    expect(reachable.ok).toBe(false)
    expect(reachable.message).toContain('No answer from http://127.0.0.1:1')
    // The API key in the URL's path is never repeated.
    expect(reachable.message).not.toContain('secret-key')
    expect(reachable.fix).toContain('Check the URL')
  })

  it('finds no contract code at a wrong address, and no addresses at all for an unknown chain', async () => {
    const wrong = Wallet.createRandom().address
    const result = await checkChainChoice({
      mode: 'rpc',
      rpcUrl: chain.rpcUrl,
      chainId: 8996,
      overrides: { ...overrides, Ocean: wrong },
    })
    expect(result.ok).toBe(false)
    expect(byId(result)['contract-Ocean']).toMatchObject({ ok: false })
    expect(byId(result)['contract-Ocean']!.message).toContain(`No contract code at ${wrong}`)
    expect(byId(result)['contract-ERC721Factory']!.ok).toBe(true)
    // Ocean's address file has no chain 8996: without chain.contracts nothing is known there.
    const unknown = await checkChainChoice({ mode: 'rpc', rpcUrl: chain.rpcUrl, chainId: 8996 })
    expect(byId(unknown)['contracts']).toMatchObject({ ok: false })
    expect(byId(unknown)['contracts']!.fix).toContain('chain.contracts')
  })

  it('reports the running dev chain’s block height, and nothing to reach when off', async () => {
    const dev = await checkChainChoice({ mode: 'dev', running: { rpcUrl: chain.rpcUrl } })
    expect(dev.ok).toBe(true)
    expect(dev.blockNumber).toBe(await chain.rpc.getBlockNumber())
    const off = await checkChainChoice({ mode: 'off' })
    expect(off).toMatchObject({ ok: true, blockNumber: null })
  })
})
