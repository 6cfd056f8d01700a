/**
 * What the ocean.js integration tests share: a core started with its embedded defaults (dev chain,
 * real local runner) and the dev chain's funded consumer, as a newcomer gets them from `npm run serve`.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProviderInstance, type ComputeJob } from '@oceanprotocol/lib'
import { JsonRpcProvider, Wallet } from 'ethers'
import { consoleConfigSchema, type ConsoleConfigInput } from '../config/schema'
import { startCore, type Core } from '../index'
import { MemoryLogger } from '../logging'

export interface DevChainFile {
  rpcUrl: string
  chainId: number
  contracts: Record<string, string>
  accounts: { consumer: { address: string; privateKey: string } }
  samples: { dataset: { did: string; serviceId: string; datatoken: string }; algorithm: { did: string; serviceId: string; datatoken: string } }
}

export interface OceanTestbed {
  core: Core
  url: string
  devChain: DevChainFile
  rpc: JsonRpcProvider
  consumer: Wallet
  logger: MemoryLogger
}

export async function startOceanTestbed(prefix: string, overrides: Partial<ConsoleConfigInput> = {}): Promise<OceanTestbed> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix))
  const config = consoleConfigSchema.parse({
    dataDir,
    logLevel: 'silent',
    provider: { port: 0 },
    operatorApi: { enabled: false },
    ...overrides,
  })
  const logger = new MemoryLogger()
  const core = await startCore(config, { logger, listenConsole: false })
  const devChain = JSON.parse(readFileSync(join(dataDir, 'dev-chain.json'), 'utf8')) as DevChainFile
  const rpc = new JsonRpcProvider(devChain.rpcUrl, devChain.chainId, { staticNetwork: true })
  const consumer = new Wallet(devChain.accounts.consumer.privateKey, rpc)
  return { core, url: core.providerUrl, devChain, rpc, consumer, logger }
}

export function firstJob(jobs: ComputeJob | ComputeJob[]): ComputeJob {
  const job = Array.isArray(jobs) ? jobs[0] : jobs
  if (!job) throw new Error('the Provider answered an empty job list')
  return job
}

/** Polls computeStatus (as ocean.js users do) until `done` holds; gives up after `attempts`. */
export async function waitForStatus(url: string, signer: Wallet | string, jobId: string, done: (job: ComputeJob) => boolean, attempts = 300): Promise<ComputeJob> {
  let last: ComputeJob | undefined
  for (let i = 0; i < attempts; i++) {
    last = firstJob(await ProviderInstance.computeStatus(url, signer, jobId))
    if (done(last)) return last
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`job ${jobId} never reached the expected state; last status ${last?.status} ${last?.statusText}`)
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}
