/**
 * An in-process EVM (`@nomicfoundation/edr`, the engine inside Hardhat 3) behind a small HTTP
 * JSON-RPC server on 127.0.0.1, so ethers, ocean.js and any wallet can talk to it like to a node.
 *
 * spec §0/§10: EDR's raw `handleRequest` replies lack `jsonrpc` and `id`; ethers matches replies
 * by id (and batches requests), so this wrapper adds both, per element of a batch.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Provider } from '@nomicfoundation/edr'
import { getBytes } from 'ethers'
import type { Logger } from '../../logging'
import { chainError } from '../chain-errors'

type EdrModule = typeof import('@nomicfoundation/edr')

/**
 * Loads EDR on demand: only the dev chain needs it, and its native binding is per platform
 * (@nomicfoundation/edr-<os>-<arch>, an optional dependency). A static import would kill the whole
 * app at start-up on a machine or package without that binding, even with chain.mode "rpc".
 * `load` is for tests (a module that is missing).
 */
/**
 * EDR answers a revert (e.g. eth_estimateGas) with `error.data = {reason, data: "0x08c379a0…"}`;
 * geth and Ocean's chains put the revert bytes themselves in `error.data`, which is what ethers reads:
 * with the object it reports "missing revert data" and no reason. Give clients the geth shape.
 */
function revertDataAsHex(reply: Record<string, unknown>): Record<string, unknown> {
  const error = reply.error as { data?: unknown } | undefined
  const inner = (error?.data as { data?: unknown } | undefined)?.data
  if (!error || typeof error.data !== 'object' || typeof inner !== 'string') return reply
  return { ...reply, error: { ...error, data: inner } }
}

export async function loadEdr(
  load: () => Promise<EdrModule> = () => import('@nomicfoundation/edr'),
): Promise<EdrModule> {
  try {
    return await load()
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw chainError(
      'CHAIN_UNAVAILABLE',
      `The embedded dev chain is unavailable on ${process.platform}-${process.arch}: EDR's native binding did not load (${reason}). ` +
        'Fix: reinstall (npm ci runs scripts/edr-binding.mjs, which installs the binding for this machine), ' +
        'or set chain.mode to "rpc" with a chain.rpcUrl in Settings.',
      { cause: error },
    )
  }
}

export interface EdrServerOptions {
  chainId: number
  port: number
  /** Accounts that start with a balance, by address. */
  balances: Array<{ address: string; balanceWei: bigint }>
  logger: Logger
  /** Private keys EDR signs for (eth_accounts / eth_sendTransaction), as barge's unlocked accounts. */
  ownedAccounts?: string[]
  /** Tests: how EDR is loaded (default: a dynamic import of @nomicfoundation/edr). */
  loadEdrModule?: () => Promise<EdrModule>
}

export interface EdrServer {
  rpcUrl: string
  /** Direct request into EDR (no HTTP): for tests and internal use. */
  request(method: string, params?: unknown[]): Promise<unknown>
  close(): Promise<void>
}

/**
 * EDR's docs: "Creates a new EdrContext instance. Should only be called once!" — so one context
 * per process, made on first use. This is the only module-level state in the chain layer, forced
 * by the native library, not a service locator.
 */
let contextPromise: Promise<InstanceType<EdrModule['EdrContext']>> | undefined
function edrContext(edr: EdrModule): Promise<InstanceType<EdrModule['EdrContext']>> {
  contextPromise ??= (async () => {
    const context = new edr.EdrContext()
    await context.registerProviderFactory(edr.L1_CHAIN_TYPE, edr.l1ProviderFactory())
    return context
  })()
  return contextPromise
}

const MAX_BODY_BYTES = 32 * 1024 * 1024

export async function startEdrServer(options: EdrServerOptions): Promise<EdrServer> {
  const edr = await loadEdr(options.loadEdrModule)
  const { ContractDecoder, L1_CHAIN_TYPE, MineOrdering } = edr
  const hardfork = edr.l1HardforkToString(edr.l1HardforkLatest())
  const context = await edrContext(edr)
  const genesis = edr.l1GenesisState(edr.l1HardforkFromString(hardfork))
  for (const b of options.balances) genesis.push({ address: getBytes(b.address), balance: b.balanceWei })

  const provider: Provider = await context.createProvider(
    L1_CHAIN_TYPE,
    {
      // As ganache (barge): a burst of blocks shares the clock's second instead of running ahead of it.
      allowBlocksWithSameTimestamp: true,
      allowUnlimitedContractSize: false,
      bailOnCallFailure: false,
      bailOnTransactionFailure: false,
      chainId: BigInt(options.chainId),
      coinbase: getBytes('0xc014ba5ec014ba5ec014ba5ec014ba5ec014ba5e'),
      defaultTransactionGasLimit: 16_000_000n,
      genesisState: genesis,
      hardfork,
      initialBaseFeePerGas: 1_000_000_000n,
      minGasPrice: 0n,
      mining: { autoMine: true, memPool: { order: MineOrdering.Priority } },
      network: { genesisBlockGasLimit: 60_000_000n },
      networkId: BigInt(options.chainId),
      observability: {},
      ownedAccounts: options.ownedAccounts ?? [],
      precompileOverrides: [],
    },
    { enable: false, decodeConsoleLogInputsCallback: () => [], printLineCallback: () => {} },
    { subscriptionCallback: () => {} },
    new ContractDecoder(),
  )

  let nextInternalId = 1
  const handleOne = async (message: unknown): Promise<Record<string, unknown>> => {
    const m = (message ?? {}) as { id?: unknown; method?: unknown; params?: unknown }
    const id = m.id ?? null
    if (typeof m.method !== 'string') {
      return { jsonrpc: '2.0', id, error: { code: -32600, message: 'Invalid request' } }
    }
    const response = await provider.handleRequest(
      JSON.stringify({ jsonrpc: '2.0', id: nextInternalId++, method: m.method, params: m.params ?? [] }),
    )
    const data = (typeof response.data === 'string' ? JSON.parse(response.data) : response.data) as Record<
      string,
      unknown
    >
    // spec §10: the reply lacks jsonrpc/id; put the caller's id back.
    return { ...revertDataAsHex(data), jsonrpc: '2.0', id }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' })
      res.end(JSON.stringify(body))
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type',
      })
      res.end()
      return
    }
    if (req.method !== 'POST')
      return reply(405, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'POST only' } })
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) req.destroy()
      else chunks.push(c)
    })
    req.on('end', () => {
      let body: unknown
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        return reply(400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } })
      }
      const work = Array.isArray(body) ? Promise.all(body.map(handleOne)) : handleOne(body)
      work.then(
        (out) => reply(200, out),
        (error: unknown) => {
          options.logger.warn('dev chain request failed', { error: String(error) })
          reply(200, { jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal error' } })
        },
      )
    })
  })
  // Keep-alive sockets would make close() wait; the dev chain is local and cheap to reconnect to.
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const rpcUrl = `http://127.0.0.1:${port}`

  return {
    rpcUrl,
    async request(method, params = []) {
      const out = await handleOne({ id: 0, method, params })
      if (out.error) throw new Error(`${method}: ${JSON.stringify(out.error)}`)
      return out.result
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
