/**
 * Settings → Chain → Check: tries a chain the publisher is about to pick, before anything is saved.
 * For an RPC URL: it answers (and how high its chain is), it serves the chain id typed beside it,
 * and Ocean's contracts have code at the addresses the console would use there (Ocean's address
 * file + config.chain.contracts). Every check is listed, with its cause and a fix; nothing throws.
 *
 * Chain layer: ethers, config-free inputs, no publishing or console-api imports.
 */
import { isC2dError } from '../c2d-error'
import { createRpcProvider, isRpcUnreachable, redactUrl } from './rpc'
import { resolveOceanAddresses, type OceanAddresses } from './contracts'

export interface ChainCheckItem {
  id: string
  label: string
  ok: boolean
  message: string
  fix?: string
}

export interface ChainCheckResult {
  ok: boolean
  checks: ChainCheckItem[]
  /** The block height the RPC answered (null when it did not). */
  blockNumber: number | null
}

export type ChainCheckInput =
  | { mode: 'off' }
  | { mode: 'dev'; running?: { rpcUrl: string } }
  | {
      mode: 'rpc'
      rpcUrl: string
      chainId: number
      /** config.chain.contracts: the publisher's own addresses, over Ocean's file. */
      overrides?: Record<string, string>
      timeoutMs?: number
    }

/** The contracts the console needs, with what each is for (Escrow: paid compute only). */
const CONTRACTS: Array<{ name: keyof OceanAddresses; what: string; required: boolean }> = [
  { name: 'Ocean', what: 'the OCEAN token (fees, prices)', required: true },
  { name: 'ERC721Factory', what: 'the data NFT factory (publishing)', required: true },
  { name: 'Router', what: 'the factory router', required: true },
  { name: 'Escrow', what: 'the compute escrow (paid compute)', required: false },
]

function reason(error: unknown): string {
  const e = error as { code?: string; message?: string; shortMessage?: string; cause?: unknown }
  const cause = (e?.cause as { message?: string } | undefined)?.message
  const text = e?.shortMessage ?? e?.message ?? String(error)
  return cause && !text.includes(cause) ? `${text} (${cause})` : text
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s (timeout)`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

export async function checkChainChoice(input: ChainCheckInput): Promise<ChainCheckResult> {
  if (input.mode === 'off')
    return {
      ok: true,
      blockNumber: null,
      checks: [
        {
          id: 'chain-off',
          label: 'No chain',
          ok: true,
          message:
            'Nothing to reach: free compute runs on the assets already here; publishing and paid jobs are off.',
        },
      ],
    }
  if (input.mode === 'dev') {
    const checks: ChainCheckItem[] = []
    let blockNumber: number | null = null
    if (input.running) {
      const rpc = createRpcProvider({ chainId: 8996, rpcUrl: input.running.rpcUrl, timeoutMs: 5_000 })
      try {
        blockNumber = await withTimeout(rpc.getBlockNumber(), 5_000, 'The dev chain')
        checks.push({
          id: 'dev-running',
          label: 'Embedded dev chain',
          ok: true,
          message: `Running now at block ${blockNumber} (chain id 8996), with Ocean's contracts deployed.`,
        })
      } catch (error) {
        checks.push({
          id: 'dev-running',
          label: 'Embedded dev chain',
          ok: false,
          message: `The running dev chain does not answer: ${reason(error)}`,
          fix: 'Restart the console; its log says why the dev chain stopped.',
        })
      } finally {
        rpc.destroy()
      }
    } else
      checks.push({
        id: 'dev-next-start',
        label: 'Embedded dev chain',
        ok: true,
        message:
          'Starts inside the console at the next start (chain id 8996) and deploys Ocean’s contracts; its data is throwaway.',
      })
    return { ok: checks.every((c) => c.ok), checks, blockNumber }
  }

  const where = redactUrl(input.rpcUrl)
  const timeoutMs = input.timeoutMs ?? 10_000
  const checks: ChainCheckItem[] = []
  const done = (blockNumber: number | null) => ({ ok: checks.every((c) => c.ok), checks, blockNumber })
  let url: URL
  try {
    url = new URL(input.rpcUrl)
    if (!/^https?:$/.test(url.protocol)) throw new Error('not http(s)')
  } catch {
    checks.push({
      id: 'rpc-reachable',
      label: 'RPC answers',
      ok: false,
      message: `${input.rpcUrl} is not an http(s) URL.`,
      fix: 'Paste the RPC URL your provider gives you, such as https://sepolia.infura.io/v3/<key>.',
    })
    return done(null)
  }
  const rpc = createRpcProvider({ chainId: input.chainId, rpcUrl: input.rpcUrl, timeoutMs })
  try {
    let served: number
    let blockNumber: number
    try {
      served = Number(BigInt((await withTimeout(rpc.send('eth_chainId', []), timeoutMs, where)) as string))
      blockNumber = await withTimeout(rpc.getBlockNumber(), timeoutMs, where)
    } catch (error) {
      const unreachable = isRpcUnreachable(error) || /timeout/i.test(reason(error))
      checks.push({
        id: 'rpc-reachable',
        label: 'RPC answers',
        ok: false,
        message: `No answer from ${where}: ${reason(error)}`,
        fix: unreachable
          ? 'Check the URL (and its API key), that the node is up, and that this computer can reach it (proxy, firewall).'
          : 'The URL answers but not as an Ethereum JSON-RPC endpoint: check that it is the RPC URL, not a website.',
      })
      return done(null)
    }
    checks.push({
      id: 'rpc-reachable',
      label: 'RPC answers',
      ok: true,
      message: `${where} answered at block ${blockNumber.toLocaleString('en-US')}.`,
    })
    if (served !== input.chainId) {
      checks.push({
        id: 'chain-id',
        label: 'Chain id matches',
        ok: false,
        message: `The RPC serves chain ${served}, but chain ${input.chainId} is typed.`,
        fix: `Type chain id ${served}, or use an RPC URL of chain ${input.chainId}.`,
      })
      return done(blockNumber)
    }
    checks.push({ id: 'chain-id', label: 'Chain id matches', ok: true, message: `Chain ${served}.` })

    let addresses: OceanAddresses
    try {
      addresses = resolveOceanAddresses(input.chainId, { overrides: input.overrides })
    } catch (error) {
      checks.push({
        id: 'contracts',
        label: 'Ocean contracts',
        ok: false,
        message: isC2dError(error) ? error.message : reason(error),
        fix: 'Ocean has no published deployment on this chain: put its addresses in chain.contracts of config.json (Ocean, Router, ERC721Factory, Escrow).',
      })
      return done(blockNumber)
    }
    for (const contract of CONTRACTS) {
      const at = addresses[contract.name]
      const id = `contract-${contract.name}`
      const label = `${contract.name}: ${contract.what}`
      if (!at) {
        checks.push({
          id,
          label,
          ok: !contract.required,
          message: contract.required
            ? `No address known for ${contract.name} on chain ${input.chainId}.`
            : `No ${contract.name} address on chain ${input.chainId}: only free compute will run there.`,
          ...(contract.required ? { fix: `Set chain.contracts.${contract.name} in config.json.` } : {}),
        })
        continue
      }
      try {
        const code = await withTimeout(rpc.getCode(at), timeoutMs, where)
        const found = code !== '0x'
        checks.push({
          id,
          label,
          ok: found,
          message: found
            ? `Found at ${at}.`
            : `No contract code at ${at} on this chain (block ${blockNumber}).`,
          ...(found
            ? {}
            : {
                fix: `The address is wrong for chain ${input.chainId}, or the chain was reset: correct chain.contracts.${contract.name} in config.json.`,
              }),
        })
      } catch (error) {
        checks.push({
          id,
          label,
          ok: false,
          message: `Could not read code at ${at}: ${reason(error)}`,
          fix: 'Try the check again; if it keeps failing, the RPC limits or blocks eth_getCode.',
        })
      }
    }
    return done(blockNumber)
  } finally {
    rpc.destroy()
  }
}
