/**
 * Several chains at once (issue 14, Ocean Node's supportedNetworks): the console serves the embedded
 * dev chain (8996) and a second in-process EDR chain (8997, Ocean's contracts deployed on it) given
 * as `chain.additionalChains`. Unmodified ocean.js publishes a dataset and an algorithm on 8997 (the
 * chain indexer of 8997 finds them) and runs a paid compute on each chain: orders, escrow lock and
 * claim land on the asset's own chain, fees are priced in each chain's OCEAN, and a DDO naming a
 * chain not served is refused before any chain call. Each job's signed receipt names the chain it
 * was paid (or, free, ordered) on and `verify-receipt` checks it against that chain; an environment's
 * prices for a chain not served are neither listed by computeEnvironments nor accepted by the console.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Datatoken, ProviderInstance } from '@oceanprotocol/lib'
import { Contract, JsonRpcProvider, NonceManager, Wallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadAbi, type OceanAddresses } from '../chain/contracts'
import {
  DEV_ACCOUNTS,
  DEV_NATIVE_BALANCE_WEI,
  DEV_OCEAN_FOR_CONSUMER_WEI,
  DEV_OCEAN_FOR_DEPLOYER_WEI,
} from '../chain/dev-chain/dev-accounts'
import { deployOceanContracts } from '../chain/dev-chain/deploy-ocean'
import { startEdrServer, type EdrServer } from '../chain/dev-chain/edr-server'
import { dispatchConsoleCall } from '../console-api/dispatch'
import { MemoryLogger } from '../logging'
import { runVerifyReceipt } from '../cli/verify-receipt'
import { didOf } from '../publishing/chain-indexer'
import {
  firstJob,
  runPaidStart,
  startOceanTestbed,
  waitForStatus,
  type OceanConsumer,
  type OceanTestbed,
} from './ocean-consumer'
import { publishWithOceanJs, until } from './ocean-js-publish'

const DATA = 'city,temp\nOslo,4\nLima,19\n'
const ALGORITHM =
  "const fs = require('fs'); const dir = '/data/inputs/' + fs.readdirSync('/data/inputs')[0]; for (const f of fs.readdirSync(dir)) console.log(fs.readFileSync(dir + '/' + f, 'utf8'))"
const SECOND = 8997
let bed: OceanTestbed
let second: EdrServer
let secondContracts: OceanAddresses
let onSecond: OceanConsumer
let files: Server
let filesUrl: string

beforeAll(async () => {
  files = createServer((req, res) =>
    req.url === '/algo.js'
      ? res.writeHead(200, { 'content-type': 'text/javascript' }).end(ALGORITHM)
      : res.writeHead(200, { 'content-type': 'text/csv' }).end(DATA),
  )
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve))
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/weather.csv`
  // The second chain: its own chain id, Ocean's contracts deployed by the dev deployer, OCEAN for the consumer.
  const logger = new MemoryLogger()
  second = await startEdrServer({
    chainId: SECOND,
    port: 0,
    logger,
    balances: [DEV_ACCOUNTS.deployer, DEV_ACCOUNTS.consumer, DEV_ACCOUNTS.provider].map((a) => ({
      address: a.address,
      balanceWei: DEV_NATIVE_BALANCE_WEI,
    })),
  })
  const rpc = new JsonRpcProvider(second.rpcUrl, SECOND, { staticNetwork: true, cacheTimeout: -1 })
  rpc.pollingInterval = 50
  const deployer = new NonceManager(new Wallet(DEV_ACCOUNTS.deployer.privateKey, rpc))
  secondContracts = await deployOceanContracts(deployer, logger, { mintOceanWei: DEV_OCEAN_FOR_DEPLOYER_WEI })
  const ocean = new Contract(secondContracts.Ocean, loadAbi('OceanToken'), deployer)
  await (
    await ocean.getFunction('transfer')(DEV_ACCOUNTS.consumer.address, DEV_OCEAN_FOR_CONSUMER_WEI)
  ).wait()
  rpc.destroy()

  bed = await startOceanTestbed('c2d-multi-chain-', {
    chain: {
      indexer: { intervalMs: 100 },
      additionalChains: [
        {
          chainId: SECOND,
          network: 'second',
          rpcUrl: second.rpcUrl,
          contracts: secondContracts as unknown as Record<string, string>,
        },
      ],
    },
  })
  const secondRpc = new JsonRpcProvider(second.rpcUrl, SECOND, { staticNetwork: true, cacheTimeout: -1 })
  secondRpc.pollingInterval = 50
  const consumer = new Wallet(DEV_ACCOUNTS.consumer.privateKey, secondRpc)
  onSecond = {
    url: bed.url,
    devChain: {
      ...bed.devChain,
      rpcUrl: second.rpcUrl,
      chainId: SECOND,
      contracts: secondContracts as unknown as Record<string, string>,
    },
    rpc: secondRpc,
    consumer,
    payer: new NonceManager(consumer),
  }
}, 180_000)
afterAll(async () => {
  await bed?.core.stop()
  bed?.rpc.destroy()
  onSecond?.rpc.destroy()
  await second?.close()
  files?.close()
})

interface Receipt {
  domain: { chainId: number }
  message: { payment: { lockTx: string } }
}
/** The job's receipt.json, downloaded as a consumer does (ocean.js getComputeResultUrl). */
async function receiptOf(jobId: string): Promise<Receipt> {
  const done = await waitForStatus(
    bed.url,
    bed.consumer,
    jobId,
    (j) => j.status === 70 && j.results.some((r) => (r.type as string) === 'receipt'),
  )
  const entry = done.results.find((r) => (r.type as string) === 'receipt')!
  const url = await ProviderInstance.getComputeResultUrl(bed.url, bed.consumer, jobId, entry.index!)
  return (await (await fetch(url)).json()) as Receipt
}
/** `npm run verify-receipt -- receipt.json --provider <url>`, against the running Provider's root document. */
async function verifyReceipt(receipt: Receipt, extra: string[] = []) {
  const path = join(mkdtempSync(join(tmpdir(), 'multi-chain-receipt-')), 'receipt.json')
  writeFileSync(path, JSON.stringify(receipt))
  const out: string[] = []
  const err: string[] = []
  const code = await runVerifyReceipt([path, '--provider', bed.url, ...extra], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  })
  return { code, out: out.join('\n'), err: err.join('\n') }
}
const dispatchConsole = (method: string, input: unknown) =>
  dispatchConsoleCall(bed.core.consoleService, method, input)

describe('several chains at once', () => {
  it('GET / lists both chains and their provider address; environments price each chain in its own OCEAN', async () => {
    const root = (await (await fetch(`${bed.url}/`)).json()) as {
      chainIds: string[]
      providerAddress: string
      providerAddresses: Record<string, string>
    }
    expect(root.chainIds).toEqual(['8996', String(SECOND)])
    expect(root.providerAddresses).toEqual({ 8996: root.providerAddress, [SECOND]: root.providerAddress })
    const [env] = await ProviderInstance.getComputeEnvironments(bed.url)
    const fees = env!.fees as Record<string, Array<{ feeToken: string }>>
    expect(fees['8996']!.map((f) => f.feeToken)).toEqual([bed.devChain.contracts.Ocean])
    expect(fees[String(SECOND)]!.map((f) => f.feeToken)).toEqual([secondContracts.Ocean])
    expect(secondContracts.Ocean).not.toBe(undefined)
  })

  it('lists fees only for served chains; the console refuses prices for another chain', async () => {
    const [env] = await ProviderInstance.getComputeEnvironments(bed.url)
    const stored = bed.core.environments.getEnvironment(env!.id)!
    const prices = [{ id: 'cpu', price: 1 }]
    // Prices kept for a chain not served (a config file's, or from before the chain changed).
    bed.core.environments.saveEnvironment({
      ...stored,
      id: 'three-chains',
      fees: { ...stored.fees, '4242': [{ feeToken: bed.devChain.contracts.Ocean!, prices }] },
    })
    try {
      const listed = (await ProviderInstance.getComputeEnvironments(bed.url)).find(
        (e) => e.id === 'three-chains',
      )
      expect(Object.keys(listed!.fees).sort()).toEqual(['8996', String(SECOND)])
      // The console API: prices for chain 4242 are refused and change nothing.
      const refused = await dispatchConsole('saveEnvironment', {
        environment: {
          ...stored,
          fees: { ...stored.fees, '4243': [{ feeToken: bed.devChain.contracts.Ocean!, prices }] },
        },
      })
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'REQUEST_INVALID', details: [{ path: 'environment.fees.4243' }] },
      })
      expect(bed.core.environments.getEnvironment(env!.id)).toEqual(stored)
      const chains = (await bed.core.consoleService.listEnvironments({})).chains
      expect(chains.map((c) => [c.chainId, c.feeToken])).toEqual([
        [8996, bed.devChain.contracts.Ocean],
        [SECOND, secondContracts.Ocean],
      ])
    } finally {
      bed.core.environments.deleteEnvironment('three-chains')
    }
  })

  it("runs a paid compute on each chain: orders, escrow lock and claim on the asset's own chain", async () => {
    // Chain 8996: the dev samples the console published.
    const { samples } = bed.devChain
    const first = await runPaidStart(bed, {
      datasets: [{ documentId: samples.dataset.did, serviceId: samples.dataset.serviceId }],
      algorithm: { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId },
    })
    // Chain 8997: published with ocean.js there, found by that chain's indexer.
    // Trusted by publisher: the algorithm's NFT owner, read on chain 8997 (where its NFT is).
    const dataset = await publishWithOceanJs(onSecond, 'On the second chain', bed.url, {
      fileUrl: filesUrl,
      service: {
        compute: {
          allowRawAlgorithm: false,
          allowNetworkAccess: false,
          publisherTrustedAlgorithmPublishers: [onSecond.consumer.address],
          publisherTrustedAlgorithms: [],
        },
      },
    })
    const algorithm = await publishWithOceanJs(onSecond, 'Algorithm on the second chain', bed.url, {
      kind: 'algorithm',
      fileUrl: filesUrl.replace('weather.csv', 'algo.js'),
    })
    await until(
      async () => bed.core.assets.get(algorithm.did) && bed.core.assets.get(dataset.did),
      'the 8997 assets',
    )
    expect(bed.core.assets.get(dataset.did)?.chainId).toBe(SECOND)
    // The consumer (their minter) mints itself a datatoken of each to order with, as ocean.js' tests do.
    const datatokens = new Datatoken(onSecond.payer, SECOND)
    for (const did of [dataset.did, algorithm.did])
      await datatokens.mint(bed.core.assets.get(did)!.datatokenAddress, onSecond.consumer.address, '10')
    const secondJob = await runPaidStart(onSecond, {
      datasets: [{ documentId: dataset.did, serviceId: 'compute-1' }],
      algorithm: { documentId: algorithm.did, serviceId: 'compute-1' },
    })
    for (const [job, chainRpc, escrowAddress] of [
      [first, bed.rpc, bed.devChain.contracts.Escrow!],
      [secondJob, onSecond.rpc, secondContracts.Escrow!],
    ] as const) {
      const finished = await waitForStatus(bed.url, bed.consumer, job.jobId, (j) => j.status === 70)
      const payment = (
        finished as unknown as { payment: { chainId: number; lockTx: string; claimTx?: string } }
      ).payment
      expect(payment.lockTx).toBe(job.agreementId)
      expect(payment.claimTx).toMatch(/^0x[0-9a-f]{64}$/)
      // Lock and claim were mined on this chain, by its own Escrow contract.
      const lock = await chainRpc.getTransactionReceipt(payment.lockTx)
      const claim = await chainRpc.getTransactionReceipt(payment.claimTx!)
      expect(lock?.to?.toLowerCase()).toBe(escrowAddress.toLowerCase())
      expect(claim?.to?.toLowerCase()).toBe(escrowAddress.toLowerCase())
      expect(lock?.status).toBe(1)
    }
    // And not on the other one.
    const secondPayment = (
      (await waitForStatus(bed.url, bed.consumer, secondJob.jobId, (j) => j.status === 70)) as unknown as {
        payment: { chainId: number; lockTx: string }
      }
    ).payment
    expect(Number(secondPayment.chainId)).toBe(SECOND)
    expect(await bed.rpc.getTransactionReceipt(secondPayment.lockTx)).toBeNull()

    // Each receipt names the chain its job was paid on; verify-receipt checks it against that chain.
    const first8996 = await receiptOf(first.jobId)
    expect(first8996.domain.chainId).toBe(8996)
    const paid8997 = await receiptOf(secondJob.jobId)
    expect(paid8997.domain.chainId).toBe(SECOND)
    expect(paid8997.message.payment.lockTx).toBe(secondPayment.lockTx)
    for (const receipt of [first8996, paid8997]) expect((await verifyReceipt(receipt)).code).toBe(0)
    expect((await verifyReceipt(paid8997)).out).toContain(`on chain ${SECOND}`)
    expect((await verifyReceipt(paid8997, ['--chain-id', String(SECOND)])).code).toBe(0)
    // The chain id altered: the signature covers it, so the Provider's key no longer recovers.
    const moved = await verifyReceipt({ ...paid8997, domain: { ...paid8997.domain, chainId: 8996 } })
    expect(moved).toMatchObject({
      code: 1,
      err: expect.stringMatching(/receipt REFUSED: signed by .*not by the Provider/),
    })
    const unserved = await verifyReceipt({ ...paid8997, domain: { ...paid8997.domain, chainId: 4242 } })
    expect(unserved).toMatchObject({
      code: 1,
      err: expect.stringContaining('names chain 4242, which the Provider does not serve'),
    })
    expect((await verifyReceipt(paid8997, ['--chain-id', '8996'])).code).toBe(1)

    // A free job on the 8997 dataset: no payment, so the receipt names its DDO's chain.
    const freeEnv = (await ProviderInstance.getComputeEnvironments(bed.url)).find((e) => e.free)!
    const free = firstJob(
      await ProviderInstance.freeComputeStart(
        bed.url,
        bed.consumer,
        freeEnv.id,
        [{ documentId: dataset.did, serviceId: 'compute-1' }],
        { documentId: algorithm.did, serviceId: 'compute-1' },
      ),
    )
    const freeReceipt = await receiptOf(free.jobId)
    expect(freeReceipt.domain.chainId).toBe(SECOND)
    expect(freeReceipt.message.payment.lockTx).toBe('')
    expect((await verifyReceipt(freeReceipt)).code).toBe(0)
  }, 300_000)

  it('reads the publishing account on every served chain, and each chain on the Overview', async () => {
    const { address, chains } = await bed.core.consoleService.getChainBalances({})
    expect(chains.map((c) => [c.chainId, c.primary, c.error])).toEqual([
      [8996, true, null],
      [SECOND, false, null],
    ])
    // Each row is that chain's own balance of the same account, in that chain's OCEAN.
    for (const [row, rpc, ocean] of [
      [chains[0]!, bed.rpc, bed.devChain.contracts.Ocean!],
      [chains[1]!, onSecond.rpc, secondContracts.Ocean!],
    ] as const) {
      expect(row.nativeWei).toBe((await rpc.getBalance(address)).toString())
      // Neither chain configures a symbol: 8996 is the dev chain's ETH, the second chain is unknown.
      expect(row.nativeSymbol).toBe(row.chainId === 8996 ? 'ETH' : 'native coin')
      const token = new Contract(ocean, loadAbi('OceanToken'), rpc)
      expect(row.oceanWei).toBe(String(await token.getFunction('balanceOf')(address)))
      expect(row.oceanToken?.toLowerCase()).toBe(ocean.toLowerCase())
    }
    const overview = await bed.core.consoleService.getOverview({})
    expect(overview.chains.map((c) => [c.chainId, c.name, c.reachable])).toEqual([
      [8996, 'Ocean dev chain (embedded)', true],
      [SECOND, 'second', true],
    ])
    expect(overview.chains[1]!.blockNumber).toBe(await onSecond.rpc.getBlockNumber())
  })

  it('refuses a DDO whose chainId is not served, before any chain call', async () => {
    const { samples } = bed.devChain
    const record = bed.core.assets.get(samples.dataset.did)!
    const elsewhere = { ...record, chainId: 4242, did: didOf(record.nftAddress, 4242) }
    elsewhere.ddo = { ...record.ddo, id: elsewhere.did, chainId: 4242 }
    bed.core.assets.upsert(elsewhere)
    const [env] = await ProviderInstance.getComputeEnvironments(bed.url)
    const res = await fetch(`${bed.url}/api/services/initializeCompute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        datasets: [{ documentId: elsewhere.did, serviceId: samples.dataset.serviceId }],
        algorithm: { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId },
        environment: env!.id,
        payment: {
          chainId: 8996,
          token: bed.devChain.contracts.Ocean,
          resources: [{ id: 'cpu', amount: 1 }],
        },
        maxJobDuration: 60,
        consumerAddress: bed.consumer.address,
      }),
    })
    expect(res.status).toBe(400)
    expect(res.headers.get('x-c2d-error-code')).toBe('CHAIN_NOT_SERVED')
    expect(String(await res.json())).toContain('chain 4242')
  })
})
