// Issue 6 through the one console API, against the real core on the embedded dev chain: publish a
// dataset and an algorithm over the HTTP transport, mint datatokens to the dev consumer, create a
// dispenser and a fixed rate, revoke the dataset and read the state back from the NFT — each step
// with its tx hash pushed as onPublishProgress — and prove the wallet key never leaves the engine.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FixedRateExchange, approve } from '@oceanprotocol/lib'
import { Contract, NonceManager, Wallet, parseUnits } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobCoreConfig } from './job-core-config'
import { FakeDriver } from './fake-driver'
import { startCore, type Core } from '../index'
import {
  createConsoleClient,
  type AssetDraft,
  type ConsoleClient,
  type EventPayload,
} from '../console-api/contract'
import { createHttpClientTransport, type HttpClientTransport } from '../console-api/http-client-transport'
import { DEV_ACCOUNTS, DEV_CHAIN_ID } from '../chain/dev-chain/dev-accounts'
import { loadAbi } from '../chain/contracts'
import { PublisherWallet, WALLET_FILE } from '../chain/wallet'
import { FakeClock } from '../clock'
import { dispatchConsoleCall } from '../console-api/dispatch'
import { createConsoleService } from '../console-api/service'
import { MemoryLogger } from '../logging'
import { startChainPublishing } from '../publishing/start-publishing'
import { openDatabase } from '../store/database'
import { errorOf } from '../console-api/contract-suite'

const PASSWORD = 'correct horse battery'
const datasetDraft: AssetDraft = {
  kind: 'dataset',
  name: 'Console weather',
  service: { files: [{ type: 'url', url: 'https://data.example/private-weather.csv' }], timeoutSec: 3600 },
}
const algorithmDraft: AssetDraft = {
  kind: 'algorithm',
  name: 'Console mean',
  container: { image: 'python', tag: '3.11-slim', entrypoint: 'python $ALGO' },
  service: { files: [{ type: 'url', url: 'https://data.example/mean.py' }] },
}

describe('publishing through the console API on the dev chain', () => {
  let dataDir: string
  let core: Core
  let transport: HttpClientTransport
  let client: ConsoleClient
  const progress: Array<EventPayload<'onPublishProgress'>> = []
  const waiters: Array<() => void> = []
  /** Events arrive over SSE after the command's answer: wait for the one expected, by content. */
  const progressEvent = (expected: EventPayload<'onPublishProgress'>) =>
    new Promise<EventPayload<'onPublishProgress'>>((resolve) => {
      const check = () => {
        const canonical = (e: object) =>
          JSON.stringify(Object.entries(e).sort(([a], [b]) => a.localeCompare(b)))
        const found = progress.find((e) => canonical(e) === canonical(expected))
        if (found) resolve(found)
        return found !== undefined
      }
      if (!check()) waiters.push(() => void check())
    })
  const outputs: unknown[] = []
  let dataset: { did: string; datatokenAddress: string }
  let algorithm: { did: string }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'c2d-console-publishing-'))
    const config = jobCoreConfig(dataDir, { overrides: { chain: { mode: 'dev', devChainPort: 0 } } })
    core = await startCore(config, { driver: new FakeDriver() })
    transport = createHttpClientTransport(core.consoleUrl, core.consoleToken)
    client = createConsoleClient(transport)
    client.subscribe('onPublishProgress', (event) => {
      progress.push(event)
      waiters.forEach((w) => w())
    })
    await transport.ready()
    outputs.push(await client.createWallet({ password: PASSWORD, confirm: true }))
  }, 120_000)
  afterAll(async () => {
    transport?.close()
    await core?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('publishes a dataset and an algorithm, pushing every step with its tx hash', async () => {
    const published = await client.publishAsset({ draft: datasetDraft })
    const algo = await client.publishAsset({ draft: algorithmDraft })
    outputs.push(published, algo)
    dataset = published.asset
    algorithm = algo.asset
    expect([published.asset.kind, algo.asset.kind]).toEqual(['dataset', 'algorithm'])
    const listed = await client.listAssets({})
    expect(listed.assets.map((a) => a.did)).toEqual(expect.arrayContaining([dataset.did, algorithm.did]))
    // The create step runs before the DID exists (it is derived from the new NFT), so it carries none.
    const metadataTx = core.assets.get(dataset.did)!.publish!.steps.metadata!.hash
    const createTx = core.assets.get(dataset.did)!.publish!.steps.create!.hash
    await progressEvent({ did: dataset.did, step: 'metadata', status: 'mined', txHash: metadataTx })
    await progressEvent({ step: 'create', status: 'mined', txHash: createTx })
    expect(createTx).toMatch(/^0x[0-9a-f]{64}$/)
    expect(JSON.stringify(listed)).not.toContain('private-weather.csv')
  }, 60_000)

  it('publishes with the publisher wallet: the NFT owner is the one address the console shows', async () => {
    const shown = (await client.getWallet()).address
    expect(shown).toBe(core.chain!.wallet.address())
    expect(shown).not.toBe(DEV_ACCOUNTS.deployer.address)
    for (const did of [dataset.did, algorithm.did]) {
      const nft = new Contract(core.assets.get(did)!.nftAddress, loadAbi('ERC721Template'), core.chain!.rpc)
      expect(await nft.getFunction('ownerOf')(1n)).toBe(shown)
      // The create tx was signed (and its gas paid) by that wallet, not by the dev deployer.
      const createTx = core.assets.get(did)!.publish!.steps.create!.hash!
      expect((await core.chain!.rpc.getTransaction(createTx))?.from).toBe(shown)
    }
    // The dev chain's samples still belong to the dev deployer, which keeps signing for them.
    const sample = core.assets.list({ kind: 'dataset' }).find((a) => a.did !== dataset.did)!
    const sampleNft = new Contract(sample.nftAddress, loadAbi('ERC721Template'), core.chain!.rpc)
    expect(await sampleNft.getFunction('ownerOf')(1n)).toBe(DEV_ACCOUNTS.deployer.address)
  }, 30_000)

  it('edits the trusted algorithms after publishing: setMetaData again, checksums pinned, files kept', async () => {
    const filesBefore = core.assets.get(dataset.did)!.files
    // The dev chain's sample algorithm: its files are on this machine, so the engine can pin their checksum.
    const sample = core.assets.list({ kind: 'algorithm' }).find((a) => a.did !== algorithm.did)!
    const edited = await client.editAsset({
      did: dataset.did,
      changes: { publisherTrustedAlgorithms: [sample.did], allowRawAlgorithm: false },
      confirm: true,
    })
    outputs.push(edited)
    expect(edited.publisherTrustedAlgorithms.map((t) => t.did)).toEqual([sample.did])
    expect(edited.publisherTrustedAlgorithms[0]!.filesChecksum).toMatch(/^[0-9a-f]{64}$/)
    expect(edited.publisherTrustedAlgorithms[0]!.containerSectionChecksum).toMatch(/^[0-9a-f]{64}$/)
    const record = core.assets.get(dataset.did)!
    expect(record.ddo.services[0]!.compute.publisherTrustedAlgorithms).toEqual(
      edited.publisherTrustedAlgorithms,
    )
    expect(record.files).toEqual(filesBefore)
    expect(await client.getAsset({ did: dataset.did })).toEqual(edited)
    const metadataTx = record.publish!.steps.metadata!.hash
    await progressEvent({ did: dataset.did, step: 'metadata', status: 'mined', txHash: metadataTx })
    expect((await core.chain!.rpc.getTransactionReceipt(metadataTx))?.status).toBe(1)
    expect(JSON.stringify(edited)).not.toContain('private-weather.csv')
  }, 60_000)

  it("names the dev chain's OCEAN as the environments' fee token", async () => {
    expect((await client.listEnvironments()).feeToken).toEqual({
      chainId: 8996,
      token: core.chain!.contracts.Ocean,
    })
  })

  it('reads token symbols on chain: OCEAN and the datatoken', async () => {
    const { tokens } = await client.getTokenInfo({
      tokens: [core.chain!.contracts.Ocean, dataset.datatokenAddress],
    })
    expect(tokens.map((t) => [t.symbol, t.decimals])).toEqual([
      ['OCEAN', 18],
      [expect.any(String), 18],
    ])
    expect(tokens[1]!.symbol.length).toBeGreaterThan(0)
  }, 30_000)

  it('mints datatokens to the dev consumer: the balance on chain grows by the amount', async () => {
    const consumer = DEV_ACCOUNTS.consumer.address
    const datatoken = new Contract(
      dataset.datatokenAddress,
      loadAbi('ERC20TemplateEnterprise'),
      core.chain!.rpc,
    )
    const before = (await datatoken.getFunction('balanceOf')(consumer)) as bigint
    const { txHash } = await client.mintDatatokens({
      did: dataset.did,
      to: consumer,
      amount: '2.5',
      confirm: true,
    })
    expect((await datatoken.getFunction('balanceOf')(consumer)) as bigint).toBe(
      before + parseUnits('2.5', 18),
    )
    await progressEvent({ did: dataset.did, step: 'mint', status: 'mined', txHash })
    const receipt = await core.chain!.rpc.getTransactionReceipt(txHash)
    expect(receipt?.status).toBe(1)
  }, 60_000)

  it('refuses a mint with a bad amount or address before anything is signed', async () => {
    const nonce = await core.chain!.rpc.getTransactionCount(DEV_ACCOUNTS.deployer.address)
    expect(
      (await errorOf(client.mintDatatokens({ did: dataset.did, to: '0x12', amount: '1', confirm: true })))
        .code,
    ).toBe('REQUEST_INVALID')
    expect(
      (
        await errorOf(
          client.mintDatatokens({
            did: dataset.did,
            to: DEV_ACCOUNTS.consumer.address,
            amount: '0',
            confirm: true,
          }),
        )
      ).code,
    ).toBe('REQUEST_INVALID')
    expect(
      (
        await errorOf(
          client.mintDatatokens({
            did: 'did:op:' + '0'.repeat(64),
            to: DEV_ACCOUNTS.consumer.address,
            amount: '1',
            confirm: true,
          }),
        )
      ).code,
    ).toBe('ASSET_NOT_FOUND')
    expect(await core.chain!.rpc.getTransactionCount(DEV_ACCOUNTS.deployer.address)).toBe(nonce)
  })

  it('creates a free dispenser and a fixed rate on the datatoken', async () => {
    const dispenser = await client.createDispenser({
      did: dataset.did,
      maxTokens: '1',
      maxBalance: '1',
      confirm: true,
    })
    const fixed = await client.createFixedRate({ did: algorithm.did, price: '2', confirm: true })
    const datatoken = (address: string) =>
      new Contract(address, loadAbi('ERC20TemplateEnterprise'), core.chain!.rpc)
    expect((await datatoken(dataset.datatokenAddress).getFunction('getDispensers')()) as string[]).toEqual([
      core.chain!.contracts.Dispenser,
    ])
    const algoRecord = core.assets.get(algorithm.did)!
    expect(
      ((await datatoken(algoRecord.datatokenAddress).getFunction('getFixedRates')()) as unknown[]).length,
    ).toBe(1)
    await progressEvent({ did: dataset.did, step: 'dispenser', status: 'mined', txHash: dispenser.txHash })
    await progressEvent({ did: algorithm.did, step: 'fixedRate', status: 'mined', txHash: fixed.txHash })
    // The asset page's prices, read back from the chain: the dispenser's limits, the rate in OCEAN.
    const datasetPrices = await client.getAssetPrices({ did: dataset.did })
    expect(datasetPrices.fixedRates).toEqual([])
    expect(datasetPrices.dispensers).toEqual([
      { contract: core.chain!.contracts.Dispenser, active: true, maxTokens: '1', maxBalance: '1' },
    ])
    const algorithmPrices = await client.getAssetPrices({ did: algorithm.did })
    expect(algorithmPrices.dispensers).toEqual([])
    expect(algorithmPrices.fixedRates).toMatchObject([
      {
        exchangeContract: core.chain!.contracts.FixedPrice,
        baseToken: core.chain!.contracts.Ocean,
        rate: '2',
        active: true,
      },
    ])
  }, 60_000)

  it('sells the fixed-rate datatoken to a consumer with unmodified ocean.js (buyDatatokens)', async () => {
    // An ERC20TemplateEnterprise datatoken would revert here ("This address is not allowed to swap").
    const algoRecord = core.assets.get(algorithm.did)!
    const dt = new Contract(algoRecord.datatokenAddress, loadAbi('ERC20TemplateEnterprise'), core.chain!.rpc)
    const rates = (await dt.getFunction('getFixedRates')()) as Array<[string, string]>
    expect(rates).toHaveLength(1)
    const [contract, exchangeId] = rates[0]!
    const { rpc, contracts } = core.chain!
    const chainId = DEV_CHAIN_ID
    const payer = new NonceManager(new Wallet(DEV_ACCOUNTS.consumer.privateKey, rpc))
    const config = {
      chainId,
      oceanTokenAddress: contracts.Ocean,
      fixedRateExchangeAddress: contract,
    } as never
    await approve(payer, config, DEV_ACCOUNTS.consumer.address, contracts.Ocean!, contract, '10')
    const exchange = new FixedRateExchange(contract, payer, chainId)
    const tx = (await exchange.buyDatatokens(exchangeId, '1', '10')) as unknown as {
      wait: () => Promise<{ status: number } | null>
    }
    expect((await tx.wait())?.status).toBe(1)
    expect(await dt.getFunction('balanceOf')(DEV_ACCOUNTS.consumer.address)).toBe(parseUnits('1', 18))
  }, 60_000)

  it('revokes the dataset on chain (with confirmation) and reads the state back from the NFT', async () => {
    expect((await errorOf(client.setAssetState({ did: dataset.did, state: 'revoked' } as never))).code).toBe(
      'REQUEST_INVALID',
    )
    expect(await client.getAssetState({ did: dataset.did })).toMatchObject({ state: 0, stateName: 'active' })
    const revoked = await client.setAssetState({ did: dataset.did, state: 'revoked', confirm: true })
    outputs.push(revoked)
    expect(revoked.asset.state).toBe(3)
    await progressEvent({ did: dataset.did, step: 'state', status: 'mined', txHash: revoked.txHash })
    expect(await client.getAssetState({ did: dataset.did })).toEqual({
      did: dataset.did,
      state: 3,
      stateName: 'revoked',
      recordedState: 3,
    })
    expect(await core.chain!.publisher(core.providerUrl).publisher.readState(dataset.did)).toBe(3)
    expect(core.assets.get(dataset.did)?.state).toBe(3)
  }, 60_000)

  it('reads balances of the publishing account: native coin, OCEAN and each asset datatoken', async () => {
    const balances = await client.getBalances()
    outputs.push(balances)
    // One address everywhere: the publisher's wallet, which signs and pays the gas.
    expect(balances.address).toBe(core.chain!.wallet.address())
    expect(balances.chainId).toBe(8996)
    // No chain.nativeSymbol configured: the dev chain's default (engine/chain/native-symbol.ts).
    expect(balances.nativeSymbol).toBe('ETH')
    // Created after the dev chain started, it was funded from the dev deployer at creation.
    expect(balances.canPayGas).toBe(true)
    expect(BigInt(balances.nativeWei)).toBeGreaterThan(0n)
    expect(BigInt(balances.oceanWei!)).toBeGreaterThan(0n)
    expect(balances.datatokens.map((d) => d.did)).toEqual(
      expect.arrayContaining([dataset.did, algorithm.did]),
    )
  }, 30_000)

  it('tells a wrong chain, an unreachable RPC and an account without coin apart in getBalances', async () => {
    // A second console on the same data (its wallet file), pointed at the dev chain's RPC the ways a user can get wrong.
    const consoleOn = async (chain: Record<string, unknown>) => {
      const dir = mkdtempSync(join(tmpdir(), 'c2d-console-balances-'))
      copyFileSync(join(unfundedWalletDir, WALLET_FILE), join(dir, WALLET_FILE))
      const db = openDatabase({ file: join(dir, 'console.db') })
      const config = jobCoreConfig(dir, {
        overrides: {
          chain: { mode: 'rpc', contracts: { ...core.chain!.contracts }, rpcTimeoutMs: 5_000, ...chain },
        },
      })
      const stack = await startChainPublishing({
        config,
        db,
        logger: new MemoryLogger(),
        clock: new FakeClock(),
      })
      const service = createConsoleService({
        logger: new MemoryLogger(),
        clock: new FakeClock(),
        assets: stack.assetPort(core.providerUrl),
        wallet: stack.wallet,
      })
      const envelope = await dispatchConsoleCall(service, 'getBalances', {})
      await stack.stop()
      db.close()
      rmSync(dir, { recursive: true, force: true })
      return envelope
    }
    // A wallet this dev chain never funded (the console's own one was funded at creation).
    const unfundedWalletDir = mkdtempSync(join(tmpdir(), 'c2d-console-unfunded-'))
    const unfunded_ = new PublisherWallet({
      dataDir: unfundedWalletDir,
      logger: new MemoryLogger(),
      scryptN: 1024,
    })
    const { address: unfundedAddress } = await unfunded_.create(PASSWORD)
    const wrongChain = await consoleOn({ rpcUrl: core.chain!.rpcUrl, chainId: 1 })
    expect(wrongChain).toMatchObject({ ok: false, error: { code: 'CHAIN_ID_MISMATCH' } })
    expect(!wrongChain.ok && wrongChain.error.message).toContain(
      'serves chain 8996, but chain 1 is configured',
    )
    const unreachable = await consoleOn({ rpcUrl: 'http://127.0.0.1:1', chainId: 8996 })
    expect(unreachable).toMatchObject({ ok: false, error: { code: 'CHAIN_UNAVAILABLE' } })
    const unfunded = await consoleOn({ rpcUrl: core.chain!.rpcUrl, chainId: 8996 })
    expect(unfunded).toMatchObject({
      ok: true,
      value: { address: unfundedAddress, nativeWei: '0', canPayGas: false },
    })
    rmSync(unfundedWalletDir, { recursive: true, force: true })
  }, 60_000)

  it('never lets the wallet key cross the API', async () => {
    const key = core.chain!.wallet.signer()!.privateKey
    outputs.push(
      await client.getWallet(),
      await client.getSettings(),
      await client.getOverview(),
      await client.listAssets({}),
    )
    for (const output of outputs)
      expect(JSON.stringify(output).toLowerCase()).not.toContain(key.slice(2).toLowerCase())
  })
})
