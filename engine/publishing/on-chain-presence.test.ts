import type { Provider } from 'ethers'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { MemoryLogger } from '../logging'
import { PresenceCache, assertAssetOnChain, missingContracts } from './on-chain-presence'
import { receiptShowsEffect } from './recorded-tx'

const NFT = '0x1111111111111111111111111111111111111111'
const DT = '0x2222222222222222222222222222222222222222'
const asset = { did: 'did:op:1', chainId: 8996, nftAddress: NFT, datatokenAddress: DT }

/** A chain with code at `deployed` only; counts getCode calls. */
function fakeChain(deployed: string[]) {
  const calls: string[] = []
  const provider = {
    getCode: async (address: string) => {
      calls.push(address)
      return deployed.includes(address) ? '0x6080' : '0x'
    },
  } as unknown as Provider
  return { provider, calls }
}

describe('on-chain presence', () => {
  it('names the contracts without code', async () => {
    expect(await missingContracts(fakeChain([NFT, DT]).provider, asset)).toEqual([])
    expect(await missingContracts(fakeChain([NFT]).provider, asset)).toEqual(['datatoken'])
    expect(await missingContracts(fakeChain([]).provider, asset)).toEqual(['data NFT', 'datatoken'])
  })

  it('refuses with ASSET_NOT_ON_CHAIN (409) and a message that says what to do', async () => {
    const error = await assertAssetOnChain(fakeChain([]).provider, asset).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ASSET_NOT_ON_CHAIN', status: 409 })
    expect((error as Error).message).toMatch(/data NFT and datatoken have no code.*Publish the asset again/)
    await expect(assertAssetOnChain(fakeChain([NFT, DT]).provider, asset)).resolves.toBeUndefined()
  })

  it('caches the answer and re-checks once it is older than maxAgeMs', async () => {
    const clock = new FakeClock()
    const chain = fakeChain([])
    const cache = new PresenceCache({
      provider: () => chain.provider,
      clock,
      logger: new MemoryLogger(),
      maxAgeMs: 1000,
    })
    expect(cache.isStale(asset)).toBe(false) // unknown reads as present, and starts a check
    await cache.checkAll([asset])
    expect(cache.isStale(asset)).toBe(true)
    const callsAfterCheck = chain.calls.length
    cache.isStale(asset)
    expect(chain.calls.length).toBe(callsAfterCheck)
    clock.advance(1001)
    cache.isStale(asset)
    await cache.checkAll([asset])
    expect(chain.calls.length).toBeGreaterThan(callsAfterCheck)
  })

  it('accepts a receipt only with the expected event from the expected contract', () => {
    const topic = '0x' + 'aa'.repeat(32)
    const effect = { label: 'x', address: NFT, topics: [topic] }
    expect(receiptShowsEffect({ logs: [] }, effect)).toBe(false)
    expect(receiptShowsEffect({ logs: [{ address: DT, topics: [topic] }] } as never, effect)).toBe(false)
    expect(
      receiptShowsEffect({ logs: [{ address: NFT, topics: ['0x' + 'bb'.repeat(32)] }] } as never, effect),
    ).toBe(false)
    expect(
      receiptShowsEffect(
        { logs: [{ address: NFT.toUpperCase().replace('0X', '0x'), topics: [topic] }] } as never,
        effect,
      ),
    ).toBe(true)
  })
})
