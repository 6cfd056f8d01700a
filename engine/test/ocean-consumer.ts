/**
 * What the ocean.js integration tests share: a core started with its embedded defaults (dev chain,
 * real local runner) and the dev chain's funded consumer, as a newcomer gets them from `npm run serve`.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  Datatoken,
  EscrowContract,
  ProviderInstance,
  type ComputeAsset,
  type ComputeJob,
  type ProviderFees,
} from '@oceanprotocol/lib'
import { JsonRpcProvider, NonceManager, Wallet, formatEther, type Signer } from 'ethers'
import { consoleConfigSchema, type ConsoleConfigInput } from '../config/schema'
import { startCore, type Core } from '../index'
import { MemoryLogger } from '../logging'
import type { Clock } from '../clock'

export interface DevChainFile {
  rpcUrl: string
  chainId: number
  contracts: Record<string, string>
  accounts: { consumer: { address: string; privateKey: string } }
  samples: {
    dataset: { did: string; serviceId: string; datatoken: string }
    algorithm: { did: string; serviceId: string; datatoken: string }
  }
}

/** A consumer as Ocean's users are: unmodified ocean.js with the dev chain's funded account. */
export interface OceanConsumer {
  /** The Provider's URL. */
  url: string
  devChain: DevChainFile
  rpc: JsonRpcProvider
  consumer: Wallet
  /** The consumer for transactions (spec §10: one key sending several txs quickly needs a NonceManager). */
  payer: Signer
}

/** The consumer of a running console (`npm run serve` or a test core) from its `<data-dir>/dev-chain.json`. */
export function oceanConsumer(url: string, dataDir: string): OceanConsumer {
  const devChain = JSON.parse(readFileSync(join(dataDir, 'dev-chain.json'), 'utf8')) as DevChainFile
  const rpc = new JsonRpcProvider(devChain.rpcUrl, devChain.chainId, { staticNetwork: true })
  const consumer = new Wallet(devChain.accounts.consumer.privateKey, rpc)
  return { url: url.replace(/\/+$/, ''), devChain, rpc, consumer, payer: new NonceManager(consumer) }
}

export interface OceanTestbed extends OceanConsumer {
  core: Core
  logger: MemoryLogger
}

export async function startOceanTestbed(
  prefix: string,
  overrides: Partial<ConsoleConfigInput> = {},
  options: { clock?: Clock } = {},
): Promise<OceanTestbed> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix))
  const config = consoleConfigSchema.parse({
    dataDir,
    logLevel: 'silent',
    provider: { port: 0 },
    operatorApi: { enabled: false },
    ...overrides,
  })
  const logger = new MemoryLogger()
  const core = await startCore(config, { logger, listenConsole: false, ...options })
  return { ...oceanConsumer(core.providerUrl, dataDir), core, logger }
}

export function firstJob(jobs: ComputeJob | ComputeJob[]): ComputeJob {
  const job = Array.isArray(jobs) ? jobs[0] : jobs
  if (!job) throw new Error('the Provider answered an empty job list')
  return job
}

/** Polls computeStatus (as ocean.js users do) until `done` holds; gives up after `attempts`. */
export async function waitForStatus(
  url: string,
  signer: Wallet | string,
  jobId: string,
  done: (job: ComputeJob) => boolean,
  attempts = 300,
): Promise<ComputeJob> {
  let last: ComputeJob | undefined
  for (let i = 0; i < attempts; i++) {
    last = firstJob(await ProviderInstance.computeStatus(url, signer, jobId))
    if (done(last)) return last
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(
    `job ${jobId} never reached the expected state; last status ${last?.status} ${last?.statusText}`,
  )
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}

/** The paid environment (one with fees) and the node address orders must name (spec §6). */
export async function paidEnvironment(bed: OceanConsumer): Promise<{ envId: string; payee: string }> {
  const env = (await ProviderInstance.getComputeEnvironments(bed.url)).find(
    (e) => Object.keys(e.fees ?? {}).length > 0,
  )
  if (!env) throw new Error('no paid environment')
  return { envId: env.id, payee: env.consumerAddress }
}

/** What ocean.js' own tests do (handleComputeOrder): a new order naming the node as consumer. */
export async function startOrder(
  bed: OceanConsumer,
  datatoken: string,
  payee: string,
  fee: ProviderFees,
): Promise<string> {
  const { chainId, contracts } = bed.devChain
  const dt = new Datatoken(bed.payer, chainId, {
    chainId,
    oceanTokenAddress: contracts.Ocean,
    nftFactoryAddress: contracts.ERC721Factory,
    gasFeeMultiplier: 1,
  } as never)
  const tx = (await dt.startOrder(datatoken, payee, 0, fee)) as unknown as { hash: string } | null
  if (!tx) throw new Error(`startOrder on ${datatoken} failed (ocean.js logged why)`)
  return tx.hash
}

/** ocean.js EscrowContract.verifyFundsForEscrowPayment: approve, deposit and authorize (spec §8 step 3). */
export async function fundEscrow(
  bed: OceanConsumer,
  payee: string,
  payment: { escrowAddress: string; amount: number | string; minLockSeconds: number },
): Promise<void> {
  const escrow = new EscrowContract(payment.escrowAddress, bed.payer, bed.devChain.chainId)
  // spec §6 quirk: ocean.js scales every argument by 1e18; the deposit is given in whole tokens.
  const deposit = String(Math.ceil(Number(formatEther(BigInt(payment.amount))) * 3))
  const result = await escrow.verifyFundsForEscrowPayment(
    bed.devChain.contracts.Ocean!,
    payee,
    deposit,
    String(payment.amount),
    String(payment.minLockSeconds),
    '10',
  )
  if (!result.isValid) throw new Error(`escrow funding failed: ${result.message}`)
}

/** initializeCompute → escrow → orders → computeStart, as a paying ocean.js consumer does; returns the job. */
export async function runPaidStart(
  bed: OceanConsumer,
  input: {
    datasets: ComputeAsset[]
    algorithm: ComputeAsset
    resources?: Array<{ id: string; amount: number }>
    maxJobDurationSec?: number
  },
): Promise<ComputeJob> {
  const { envId, payee } = await paidEnvironment(bed)
  const { chainId, contracts } = bed.devChain
  const resources = input.resources ?? [{ id: 'cpu', amount: 1 }]
  const duration = input.maxJobDurationSec ?? 60
  const init = await ProviderInstance.initializeCompute(
    input.datasets,
    input.algorithm,
    envId,
    contracts.Ocean!,
    duration,
    bed.url,
    bed.consumer.address,
    resources,
    chainId,
  )
  await fundEscrow(bed, payee, init.payment!)
  const algoTx = await startOrder(bed, init.algorithm!.datatoken!, payee, init.algorithm!.providerFee!)
  const datasetTxs: string[] = []
  for (const d of init.datasets ?? [])
    datasetTxs.push(await startOrder(bed, d.datatoken!, payee, d.providerFee!))
  return firstJob(
    await ProviderInstance.computeStart(
      bed.url,
      bed.consumer,
      envId,
      input.datasets.map((d, i) => ({ ...d, transferTxId: datasetTxs[i] })),
      { ...input.algorithm, transferTxId: algoTx },
      duration,
      contracts.Ocean!,
      resources,
      chainId,
    ),
  )
}
