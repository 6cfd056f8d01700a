import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Contract, JsonRpcProvider, ZeroAddress, parseUnits } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeClock } from '../../clock'
import { MemoryLogger } from '../../logging'
import { AssetRegistry } from '../../publishing/asset-registry'
import { createDevSampleSeeder } from '../../publishing/dev-samples'
import { openDatabase, type Database } from '../../store/database'
import { loadAbi } from '../contracts'
import { DEV_ACCOUNTS } from './dev-accounts'
import { startDevChain, type DevChain } from './dev-chain'

// One dev chain for the file, then a second start on the same data dir (the restart story).
const dataDir = mkdtempSync(join(tmpdir(), 'c2d-devchain-'))
const providerUrl = 'http://127.0.0.1:8030'
let db: Database
let registry: AssetRegistry
let first: DevChain
let firstFile: Record<string, unknown>

beforeAll(async () => {
  db = openDatabase({ file: join(dataDir, 'console.db') })
  registry = new AssetRegistry(db, new FakeClock())
  first = await startDevChain({
    dataDir,
    port: 0,
    logger: new MemoryLogger(),
    providerUrl,
    seedSamples: createDevSampleSeeder({ registry, clock: new FakeClock() }),
  })
  firstFile = JSON.parse(readFileSync(join(dataDir, 'dev-chain.json'), 'utf8')) as Record<string, unknown>
})
afterAll(async () => {
  await first?.stop()
  db?.close()
})

describe('startDevChain', () => {
  it('lets blocks mined back to back share a timestamp (as ganache does): chain time keeps with the clock', async () => {
    // Strictly increasing timestamps put each block a second after the last, so a burst of blocks
    // ran the chain's time ahead of the clock and orders were not seen to expire (issue 14).
    const before = (await first.rpc.getBlock('latest'))!
    for (let i = 0; i < 30; i++) await first.rpc.send('evm_mine', [])
    const after = (await first.rpc.getBlock('latest'))!
    expect(after.number - before.number).toBe(30)
    expect(after.timestamp - before.timestamp).toBeLessThan(30)
  })

  it('writes dev-chain.json with exactly the documented fields', () => {
    expect(Object.keys(firstFile).sort()).toEqual(['accounts', 'chainId', 'contracts', 'rpcUrl', 'samples'])
    expect(firstFile.chainId).toBe(8996)
    expect(firstFile.rpcUrl).toBe(first.rpcUrl)
    expect(firstFile.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(firstFile.accounts).toEqual({
      consumer: { address: DEV_ACCOUNTS.consumer.address, privateKey: DEV_ACCOUNTS.consumer.privateKey },
    })
    expect(Object.keys(firstFile.contracts as object).sort()).toEqual(
      [
        'Dispenser',
        'ERC20Template',
        'ERC20TemplateEnterprise',
        'ERC721Factory',
        'ERC721Template',
        'Escrow',
        'FixedPrice',
        'OPFCommunityFeeCollector',
        'Ocean',
        'Router',
      ].sort(),
    )
    const samples = firstFile.samples as Record<string, Record<string, string>>
    expect(Object.keys(samples).sort()).toEqual(['algorithm', 'dataset'])
    for (const s of Object.values(samples)) {
      expect(Object.keys(s).sort()).toEqual(['datatoken', 'did', 'serviceId'])
      expect(s.did).toMatch(/^did:op:[0-9a-f]{64}$/)
    }
  })

  it('deployed Ocean contracts wired as spec §10 says, with a funded consumer', async () => {
    for (const address of Object.values(first.contracts))
      expect(await first.rpc.getCode(address)).not.toBe('0x')
    const router = new Contract(first.contracts.Router, loadAbi('FactoryRouter'), first.rpc)
    expect(await router.getFunction('factory')()).toBe(first.contracts.ERC721Factory)
    expect(await router.getFunction('isFixedRateContract')(first.contracts.FixedPrice)).toBe(true)
    expect(await router.getFunction('isDispenserContract')(first.contracts.Dispenser)).toBe(true)
    const factory = new Contract(first.contracts.ERC721Factory, loadAbi('ERC721Factory'), first.rpc)
    expect(await factory.getFunction('getTokenTemplate')(2n)).toEqual([
      first.contracts.ERC20TemplateEnterprise,
      true,
    ])
    const escrow = new Contract(first.contracts.Escrow!, loadAbi('Escrow'), first.rpc)
    expect(await escrow.getFunction('factoryRouter')()).toBe(first.contracts.Router)

    const consumer = DEV_ACCOUNTS.consumer.address
    expect(await first.rpc.getBalance(consumer)).toBeGreaterThan(parseUnits('1000', 18))
    const ocean = new Contract(first.contracts.Ocean, loadAbi('OceanToken'), first.rpc)
    expect(await ocean.getFunction('balanceOf')(consumer)).toBe(parseUnits('100000', 18))
    for (const sample of [first.samples!.dataset, first.samples!.algorithm]) {
      const dt = new Contract(sample.datatoken, loadAbi('ERC20TemplateEnterprise'), first.rpc)
      expect(await dt.getFunction('balanceOf')(consumer)).toBe(parseUnits('100', 18))
    }
  })

  it('gives a revert reason to a plain JSON-RPC client on eth_estimateGas, as geth does', async () => {
    // ocean.js estimates gas before every tx: EDR's object-shaped error.data made ethers report
    // "missing revert data" for a buyDT revert, hiding the reason.
    const rpc = new JsonRpcProvider(first.rpcUrl, 8996, { staticNetwork: true })
    try {
      const fre = new Contract(first.contracts.FixedPrice!, loadAbi('FixedRateExchange'), rpc)
      const buy = fre
        .getFunction('buyDT')
        .estimateGas('0x' + '11'.repeat(32), parseUnits('1', 18), parseUnits('10', 18), ZeroAddress, 0n, {
          from: DEV_ACCOUNTS.consumer.address,
        })
      await expect(buy).rejects.toMatchObject({ reason: 'FixedRateExchange: Exchange does not exist!' })
    } finally {
      rpc.destroy()
    }
  })

  it('published the samples into the registry, the algorithm trusted by the dataset', () => {
    const dataset = registry.get(first.samples!.dataset.did)!
    const algorithm = registry.get(first.samples!.algorithm.did)!
    expect(dataset.kind).toBe('dataset')
    expect(algorithm.ddo.metadata.algorithm?.container.image).toBe('node')
    expect(dataset.ddo.services[0]!.serviceEndpoint).toBe(providerUrl)
    expect(dataset.ddo.services[0]!.compute.publisherTrustedAlgorithms.map((t) => t.did)).toEqual([
      algorithm.did,
    ])
    expect(dataset.ddo.services[0]!.id).toBe(first.samples!.dataset.serviceId)
    expect(Object.values(dataset.files)[0]![0]).toMatchObject({ type: 'local' })
  })

  it('a restart on the same data dir gives the same RPC URL, addresses and DIDs', async () => {
    await first.stop()
    const again = await startDevChain({
      dataDir,
      port: 0,
      logger: new MemoryLogger(),
      providerUrl,
      seedSamples: createDevSampleSeeder({ registry, clock: new FakeClock() }),
    })
    try {
      const file = JSON.parse(readFileSync(join(dataDir, 'dev-chain.json'), 'utf8')) as Record<
        string,
        unknown
      >
      expect(file).toEqual(firstFile)
      expect(await again.rpc.getCode(again.samples!.dataset.datatoken)).not.toBe('0x')
      expect(
        registry
          .list()
          .map((r) => r.did)
          .sort(),
      ).toEqual(
        [firstFile.samples as Record<string, { did: string }>]
          .flatMap((s) => [s.algorithm!.did, s.dataset!.did])
          .sort(),
      )
    } finally {
      await again.stop()
    }
  })

  it("unlocked accounts (barge's, for clients' own tests): eth_accounts signs for the deployer and the consumer", async () => {
    const unlocked = await startDevChain({
      dataDir: mkdtempSync(join(tmpdir(), 'c2d-devchain-unlocked-')),
      port: 0,
      logger: new MemoryLogger(),
      unlockedAccounts: true,
    })
    try {
      const accounts = (await unlocked.rpc.send('eth_accounts', [])) as string[]
      expect(accounts.map((a) => a.toLowerCase())).toEqual(
        [DEV_ACCOUNTS.deployer.address, DEV_ACCOUNTS.consumer.address].map((a) => a.toLowerCase()),
      )
      const signer = await unlocked.rpc.getSigner(1)
      const tx = await signer.sendTransaction({ to: DEV_ACCOUNTS.provider.address, value: 1n })
      expect((await tx.wait())?.status).toBe(1)
    } finally {
      await unlocked.stop()
    }
  })
})
