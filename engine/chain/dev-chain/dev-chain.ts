/**
 * The embedded dev chain: what `serve` runs when no RPC is configured. An in-process EVM (EDR,
 * chain id 8996) on 127.0.0.1 with Ocean's contracts deployed, a funded consumer, and (through an
 * injected seeder, see below) a sample dataset and algorithm published. It writes
 * `<dataDir>/dev-chain.json` for consumers and tests.
 *
 * Restart story — redeploy deterministically rather than persist EDR state: EDR 0.22 has no state
 * dump/load, and a replay of a recorded transaction log would be slower and fragile. Every start
 * begins from the same genesis, the fixed dev keys send the same transactions in the same order,
 * so contract, NFT and datatoken addresses (CREATE: sender + nonce) and therefore DIDs
 * (sha256(nft + chainId)) come out identical. What does not survive a restart: orders, escrow
 * balances and assets published on the dev chain by hand (the registry keeps them; republish).
 * The RPC port is reused from the last dev-chain.json when the configured port is 0, so the
 * printed URL survives too.
 *
 * Layering: this is the chain layer; it must not import publishing. The sample publisher lives
 * in engine/publishing/dev-samples.ts and is passed in as `seedSamples` by the composition root
 * (or a test).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Contract, JsonRpcProvider, NonceManager, Wallet, type Signer } from 'ethers'
import type { Logger } from '../../logging'
import { chainError } from '../chain-errors'
import { loadAbi, type OceanAddresses } from '../contracts'
import { createRpcProvider } from '../rpc'
import {
  DEV_ACCOUNTS,
  DEV_CHAIN_ID,
  DEV_NATIVE_BALANCE_WEI,
  DEV_OCEAN_FOR_CONSUMER_WEI,
  DEV_PUBLISHER_NATIVE_WEI,
  DEV_PUBLISHER_OCEAN_WEI,
  DEV_OCEAN_FOR_DEPLOYER_WEI,
  type DevAccount,
} from './dev-accounts'
import { deployOceanContracts } from './deploy-ocean'
import { loadEdr, startEdrServer, type EdrServer } from './edr-server'

export { DEV_ACCOUNTS, DEV_CHAIN_ID, type DevAccount } from './dev-accounts'

export interface DevSample {
  did: string
  serviceId: string
  datatoken: string
}
export interface DevSamples {
  dataset: DevSample
  algorithm: DevSample
}

/** The deployed chain, as a seeder sees it. */
export interface DevChainDeployment {
  rpcUrl: string
  chainId: number
  contracts: OceanAddresses
  accounts: { deployer: DevAccount; provider: DevAccount; consumer: DevAccount }
  /** An ethers provider on the chain (short polling interval: the chain automines). */
  rpc: JsonRpcProvider
  /** A nonce-managed signer of the deployer (the dev publisher). */
  deployerSigner: Signer
}

/** Publishes the samples on a fresh deployment; must send the same transactions on every start. */
export type DevSampleSeeder = (
  chain: DevChainDeployment,
  context: { providerUrl?: string; logger: Logger },
) => Promise<DevSamples>

export interface DevChain extends DevChainDeployment {
  samples: DevSamples | undefined
  /** Runs a seeder now (e.g. once the Provider's URL is known) and rewrites dev-chain.json. */
  publishSamples(seeder: DevSampleSeeder, providerUrl?: string): Promise<DevSamples | undefined>
  /**
   * Tops `address` up from the deployer to the dev balances (native coin for gas, OCEAN) where it
   * holds less than half of them; resolves once every transfer is mined (status 1), with their hashes.
   */
  fund(address: string): Promise<string[]>
  stop(): Promise<void>
}

export interface StartDevChainOptions {
  dataDir: string
  /** 0 = reuse the port of the last run if free, else any free port. */
  port: number
  logger: Logger
  /** The Provider's public URL, for the samples' serviceEndpoint. */
  providerUrl?: string
  seedSamples?: DevSampleSeeder
  /** More addresses to fund with native coin and OCEAN (e.g. the publisher's own wallet). */
  fundAddresses?: string[]
  /**
   * Let the chain sign for the deployer (eth_accounts[0]) and the consumer ([1]), as barge's
   * unlocked accounts: for clients' own test suites (`npm run test:ocean-clients`), never by default.
   */
  unlockedAccounts?: boolean
  /** Tests: how EDR is loaded (edr-server.ts `loadEdr`). */
  loadEdrModule?: () => Promise<typeof import('@nomicfoundation/edr')>
}

/** The exact content of `<dataDir>/dev-chain.json`. */
export interface DevChainFile {
  rpcUrl: string
  chainId: number
  contracts: Record<string, string>
  accounts: { consumer: DevAccount }
  samples?: DevSamples
}

export const DEV_CHAIN_FILE = 'dev-chain.json'

function previousPort(dataDir: string): number | undefined {
  try {
    const file = JSON.parse(readFileSync(join(dataDir, DEV_CHAIN_FILE), 'utf8')) as { rpcUrl?: string }
    const port = Number(new URL(file.rpcUrl ?? '').port)
    return Number.isInteger(port) && port > 0 ? port : undefined
  } catch {
    return undefined
  }
}

function writeDevChainFile(
  dataDir: string,
  chain: DevChainDeployment,
  samples: DevSamples | undefined,
): void {
  const content: DevChainFile = {
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
    contracts: { ...chain.contracts } as unknown as Record<string, string>,
    accounts: {
      consumer: { address: chain.accounts.consumer.address, privateKey: chain.accounts.consumer.privateKey },
    },
    ...(samples ? { samples } : {}),
  }
  mkdirSync(dataDir, { recursive: true })
  // Write-then-rename: a reader never sees half a file.
  const path = join(dataDir, DEV_CHAIN_FILE)
  writeFileSync(`${path}.tmp`, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 })
  renameSync(`${path}.tmp`, path)
}

async function listen(
  options: StartDevChainOptions,
  balances: Array<{ address: string; balanceWei: bigint }>,
): Promise<EdrServer> {
  const ownedAccounts = options.unlockedAccounts
    ? [DEV_ACCOUNTS.deployer.privateKey, DEV_ACCOUNTS.consumer.privateKey]
    : []
  const reuse = options.port === 0 ? previousPort(options.dataDir) : undefined
  if (reuse !== undefined) {
    try {
      return await startEdrServer({
        chainId: DEV_CHAIN_ID,
        port: reuse,
        balances,
        logger: options.logger,
        ownedAccounts,
      })
    } catch (error) {
      options.logger.info('dev chain: last port is taken, picking a new one', {
        port: reuse,
        error: String(error),
      })
    }
  }
  return startEdrServer({
    chainId: DEV_CHAIN_ID,
    port: options.port,
    balances,
    logger: options.logger,
    ownedAccounts,
  })
}

export async function startDevChain(options: StartDevChainOptions): Promise<DevChain> {
  const logger = options.logger.child({ component: 'dev-chain' })
  const startedMs = Date.now()
  const accounts = {
    deployer: DEV_ACCOUNTS.deployer,
    provider: DEV_ACCOUNTS.provider,
    consumer: DEV_ACCOUNTS.consumer,
  }
  const funded = [...Object.values(accounts).map((a) => a.address), ...(options.fundAddresses ?? [])]
  const balances = [...new Set(funded.map((a) => a.toLowerCase()))].map((address) => ({
    address,
    balanceWei: DEV_NATIVE_BALANCE_WEI,
  }))

  // A missing native binding is CHAIN_UNAVAILABLE with its reason and fix, not a listen failure.
  await loadEdr(options.loadEdrModule)
  let server: EdrServer
  try {
    server = await listen(options, balances)
  } catch (error) {
    throw chainError('DEV_CHAIN_FAILED', `The dev chain could not listen on 127.0.0.1:${options.port}`, {
      cause: error,
    })
  }
  const rpc = createRpcProvider(
    { chainId: DEV_CHAIN_ID, rpcUrl: server.rpcUrl, timeoutMs: 30_000 },
    { pollingIntervalMs: 50 },
  )
  const stop = async () => {
    rpc.destroy()
    await server.close()
  }
  try {
    const deployerSigner = new NonceManager(new Wallet(accounts.deployer.privateKey, rpc))
    const contracts = await deployOceanContracts(deployerSigner, logger, {
      mintOceanWei: DEV_OCEAN_FOR_DEPLOYER_WEI,
    })
    const ocean = new Contract(contracts.Ocean, loadAbi('OceanToken'), deployerSigner)
    const oceanRecipients = [accounts.consumer.address, ...(options.fundAddresses ?? [])]
    for (const to of oceanRecipients)
      await (await ocean.getFunction('transfer')(to, DEV_OCEAN_FOR_CONSUMER_WEI)).wait()

    const deployment: DevChainDeployment = {
      rpcUrl: server.rpcUrl,
      chainId: DEV_CHAIN_ID,
      contracts,
      accounts,
      rpc,
      deployerSigner,
    }
    let samples: DevSamples | undefined
    const publishSamples = async (seeder: DevSampleSeeder, providerUrl?: string) => {
      try {
        samples = await seeder(deployment, { providerUrl, logger })
        chain.samples = samples
        // The seeder signs with its own Wallet of the same key: the nonce cache is stale now.
        if (deployerSigner instanceof NonceManager) deployerSigner.reset()
      } catch (error) {
        // The chain stays useful without samples (tests and publishing work); say why they are missing.
        logger.warn('dev chain: sample assets were not published', {
          error: error instanceof Error ? error.message : String(error),
        })
      }
      writeDevChainFile(options.dataDir, deployment, samples)
      return samples
    }
    const fund = async (address: string): Promise<string[]> => {
      // The deployer key also signs through plain Wallets (samples, their edits): ask for the nonce afresh.
      if (deployerSigner instanceof NonceManager) deployerSigner.reset()
      const hashes: string[] = []
      const mined = async (sent: { hash: string; wait(): Promise<{ status: number | null } | null> }) => {
        const receipt = await sent.wait()
        if (receipt?.status !== 1)
          throw chainError('DEV_CHAIN_FAILED', `Funding ${address} on the dev chain failed (tx ${sent.hash})`)
        hashes.push(sent.hash)
      }
      const native = await rpc.getBalance(address)
      if (native < DEV_PUBLISHER_NATIVE_WEI / 2n)
        await mined(
          await deployerSigner.sendTransaction({ to: address, value: DEV_PUBLISHER_NATIVE_WEI - native }),
        )
      const oceanHeld = (await ocean.getFunction('balanceOf')(address)) as bigint
      if (oceanHeld < DEV_PUBLISHER_OCEAN_WEI / 2n)
        await mined(await ocean.getFunction('transfer')(address, DEV_PUBLISHER_OCEAN_WEI - oceanHeld))
      if (hashes.length > 0) logger.info('dev chain: funded the publisher wallet', { address, txs: hashes })
      return hashes
    }
    const chain: DevChain = { ...deployment, samples, publishSamples, fund, stop }
    if (options.seedSamples) await publishSamples(options.seedSamples, options.providerUrl)
    else writeDevChainFile(options.dataDir, deployment, undefined)

    logger.info('dev chain ready', {
      rpcUrl: server.rpcUrl,
      chainId: DEV_CHAIN_ID,
      contracts,
      consumer: accounts.consumer.address,
      samples: chain.samples,
      file: join(options.dataDir, DEV_CHAIN_FILE),
      elapsedMs: Date.now() - startedMs,
    })
    return chain
  } catch (error) {
    await stop().catch(() => undefined)
    throw error instanceof Error && 'code' in error
      ? error
      : chainError('DEV_CHAIN_FAILED', 'Deploying Ocean contracts on the dev chain failed', { cause: error })
  }
}

/** Reads `<dataDir>/dev-chain.json` if a dev chain ran there. */
export function readDevChainFile(dataDir: string): DevChainFile | undefined {
  const path = join(dataDir, DEV_CHAIN_FILE)
  if (!existsSync(path)) return undefined
  return JSON.parse(readFileSync(path, 'utf8')) as DevChainFile
}
