// Issue 11, "a redeployed dev chain gives a false success": publish a dataset by hand on the embedded
// dev chain, restart the core on the same data dir (EDR keeps no state: the chain is redeployed, the
// registry keeps the asset), and check that the console marks it stale, refuses every on-chain action
// with ASSET_NOT_ON_CHAIN before signing, and that Balances answers with a per-token message. A tx
// to an address without code is mined with status 1 and no logs: the receipt check refuses it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Wallet, ZeroAddress } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isC2dError } from '../c2d-error'
import { jobCoreConfig } from './job-core-config'
import { FakeDriver } from './fake-driver'
import { startCore, type Core } from '../index'
import { createConsoleClient, type ConsoleClient } from '../console-api/contract'
import { createHttpClientTransport, type HttpClientTransport } from '../console-api/http-client-transport'
import { MemoryLogger } from '../logging'
import type { PublishProgress } from '../publishing/asset-registry'
import { sendRecordedTx } from '../publishing/recorded-tx'
import { errorOf } from '../console-api/contract-suite'

const PASSWORD = 'correct horse battery'

describe('assets of a redeployed dev chain', () => {
  let dataDir: string
  let core: Core | undefined
  let transport: HttpClientTransport | undefined
  let client: ConsoleClient
  let handDid: string
  let sampleDid: string

  const start = async () => {
    const config = jobCoreConfig(dataDir, { overrides: { chain: { mode: 'dev', devChainPort: 0 } } })
    core = await startCore(config, { driver: new FakeDriver() })
    transport = createHttpClientTransport(core.consoleUrl, core.consoleToken)
    client = createConsoleClient(transport)
    await transport.ready()
  }
  const stop = async () => {
    transport?.close()
    await core?.stop()
    transport = undefined
    core = undefined
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'c2d-not-on-chain-'))
    await start()
    await client.createWallet({ password: PASSWORD, confirm: true })
    const { asset } = await client.publishAsset({
      draft: {
        kind: 'dataset',
        name: 'Published by hand',
        service: { files: [{ type: 'url', url: 'https://data.example/hand.csv' }], timeoutSec: 600 },
      },
    })
    handDid = asset.did
    const before = (await client.listAssets({})).assets
    expect(before.find((a) => a.did === handDid)?.notOnChain).toBeUndefined()
    sampleDid = before.find((a) => a.did !== handDid)!.did
    // The restart: the same data dir, a fresh EDR (redeployed from genesis; the samples are republished).
    await stop()
    await start()
    await client.unlockWallet({ password: PASSWORD })
  }, 180_000)
  afterAll(async () => {
    await stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('marks the asset published by hand as not on this chain, and not the republished samples', async () => {
    await expect
      .poll(async () => (await client.listAssets({})).assets.find((a) => a.did === handDid)?.notOnChain, {
        timeout: 20_000,
      })
      .toMatchObject({ missing: ['data NFT', 'datatoken'] })
    const assets = (await client.listAssets({})).assets
    expect(assets.find((a) => a.did === handDid)!.notOnChain!.message).toMatch(/not on chain 8996/)
    expect(assets.find((a) => a.did === sampleDid)!.notOnChain).toBeUndefined()
    expect((await client.getAsset({ did: handDid })).asset.notOnChain).toBeDefined()
  }, 30_000)

  it('refuses change state, mint, dispenser, fixed rate, edit and reading prices with ASSET_NOT_ON_CHAIN, sending nothing', async () => {
    const address = core!.chain!.wallet.address()!
    const nonceBefore = await core!.chain!.rpc.getTransactionCount(address, 'latest')
    const refusals = await Promise.all([
      errorOf(client.setAssetState({ did: handDid, state: 'deprecated', confirm: true })),
      errorOf(
        client.mintDatatokens({
          did: handDid,
          to: Wallet.createRandom().address,
          amount: '1',
          confirm: true,
        }),
      ),
      errorOf(client.createDispenser({ did: handDid, maxTokens: '1', maxBalance: '1', confirm: true })),
      errorOf(client.createFixedRate({ did: handDid, price: '1', confirm: true })),
      errorOf(client.editAsset({ did: handDid, changes: { name: 'renamed' }, confirm: true })),
      // A read too: the datatoken has no code to answer, so "no price" would be a false answer.
      errorOf(client.getAssetPrices({ did: handDid })),
    ])
    for (const error of refusals) {
      expect(error.code).toBe('ASSET_NOT_ON_CHAIN')
      expect(error.message).toMatch(/Publish the asset again/)
    }
    expect(await core!.chain!.rpc.getTransactionCount(address, 'latest')).toBe(nonceBefore)
    expect(core!.assets.get(handDid)?.state).toBe(0)
    // The samples still work: the check refuses only what the chain lacks.
    const done = await client.setAssetState({ did: sampleDid, state: 'deprecated', confirm: true })
    expect(done.asset.state).toBe(2)
  }, 60_000)

  it('the publishing port itself checks the chain before signing (no cached flag needed)', async () => {
    const port = core!.chain!.assetPort(core!.providerUrl)
    const error = await port.mint(handDid, Wallet.createRandom().address, '1').catch((e: unknown) => e)
    expect(isC2dError(error) && error.code).toBe('ASSET_NOT_ON_CHAIN')
    expect(isC2dError(error) && error.status).toBe(409)
    const read = await port.prices(handDid).catch((e: unknown) => e)
    expect(isC2dError(read) && read.code).toBe('ASSET_NOT_ON_CHAIN')
  }, 30_000)

  it('answers Balances with a per-token message instead of an internal error', async () => {
    const balances = await client.getBalances()
    const hand = balances.datatokens.find((d) => d.did === handDid)!
    expect(hand.unavailable).toMatch(/Not on chain 8996/)
    expect(hand.balanceWei).toBe('0')
    expect(balances.datatokens.find((d) => d.did === sampleDid)!.unavailable).toBeUndefined()
  }, 30_000)

  it('a tx to an address without code is mined with status 1 and no logs: the receipt check refuses it', async () => {
    const record = core!.assets.get(handDid)!
    const signer = core!.chain!.wallet.signer(core!.chain!.rpc)!
    const progress: PublishProgress = { op: 'state', startedAtMs: 0, steps: {}, done: false }
    const events: string[] = []
    const error = await sendRecordedTx(
      {
        signer,
        chainId: 8996,
        rpcUrlForErrors: '',
        progress,
        persist: () => {},
        onEvent: (e) => events.push(e.status),
        logger: new MemoryLogger(),
        waitTimeoutMs: 30_000,
      },
      'state',
      async () => ({ to: record.nftAddress, data: '0x' + 'ab'.repeat(36) }),
      { label: 'a MetadataState event from the data NFT', address: record.nftAddress, topics: [ZeroAddress] },
    ).catch((e: unknown) => e)
    expect(isC2dError(error) && error.code).toBe('EFFECT_NOT_CONFIRMED')
    expect(progress.steps.state?.status).toBe('failed')
    expect(events).toContain('failed')
    expect(events).not.toContain('mined')
    const receipt = await core!.chain!.rpc.getTransactionReceipt(progress.steps.state!.hash)
    expect([receipt?.status, receipt?.logs.length]).toEqual([1, 0])
  }, 60_000)
})
