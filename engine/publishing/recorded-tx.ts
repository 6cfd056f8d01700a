/**
 * Sends one on-chain publishing step so that a crash at any point leaves a recoverable record:
 * the tx is signed locally, its hash and raw bytes are written to the asset's `publish_json`
 * (through `persist`) *before* it is broadcast, and marked mined after the receipt. On a resume,
 * a recorded step is looked up by hash (mined → reuse the receipt; known to the node → wait;
 * unknown → rebroadcast the same raw tx, or re-sign if its nonce was used by something else).
 */
import {
  Transaction,
  getAddress,
  type BaseWallet,
  type Log,
  type TransactionReceipt,
  type TransactionRequest,
} from 'ethers'
import { isC2dError } from '../c2d-error'
import type { Logger } from '../logging'
import { chainError } from '../chain/chain-errors'
import { toChainError } from '../chain/rpc'
import type { PublishProgress, PublishStep } from './asset-registry'
import { publishingError } from './publishing-errors'

export type StepName = keyof PublishProgress['steps']

/** What the console UI shows while publishing: one event per step change, with the tx hash. */
export interface PublishEvent {
  step: StepName | 'encrypt' | 'registry'
  status: 'started' | 'sent' | 'mined' | 'done' | 'failed'
  txHash?: string
  did?: string
  message?: string
}
export type OnPublishEvent = (event: PublishEvent) => void

export interface RecordedTxContext {
  signer: BaseWallet
  chainId: number
  rpcUrlForErrors: string
  progress: PublishProgress
  persist: (progress: PublishProgress) => void
  onEvent: OnPublishEvent
  logger: Logger
  waitTimeoutMs: number
}

/**
 * What a step's receipt must show besides status 1: an event log from the contract the tx was
 * meant to change. A call to an address without code (a redeployed dev chain) is mined with status
 * 1 and no logs; without this check it would read as a success (issue 11).
 */
export interface ExpectedEffect {
  /** In words, for the error message: "a MetadataState event from the data NFT". */
  label: string
  /** The contract that must have emitted it. */
  address: string
  /** topic0 of the acceptable events (any one). */
  topics: string[]
  /** Further checks on a candidate log (e.g. a mint's `to`). */
  matches?: (log: Log) => boolean
}

/** True when `receipt` holds a log that satisfies `effect`. */
export function receiptShowsEffect(
  receipt: Pick<TransactionReceipt, 'logs'>,
  effect: ExpectedEffect,
): boolean {
  const address = getAddress(effect.address)
  return receipt.logs.some(
    (log) =>
      getAddress(log.address) === address &&
      log.topics[0] !== undefined &&
      effect.topics.includes(log.topics[0]) &&
      (effect.matches?.(log) ?? true),
  )
}

async function waitMined(
  ctx: RecordedTxContext,
  name: StepName,
  step: PublishStep,
  effect?: ExpectedEffect,
): Promise<TransactionReceipt> {
  const provider = ctx.signer.provider
  if (!provider) throw chainError('CHAIN_NOT_CONFIGURED', 'The publisher wallet is not connected to a chain')
  const receipt = await provider.waitForTransaction(step.hash, 1, ctx.waitTimeoutMs)
  if (!receipt)
    throw chainError(
      'CHAIN_UNAVAILABLE',
      `No receipt for ${name} tx ${step.hash} after ${ctx.waitTimeoutMs} ms`,
    )
  if (receipt.status !== 1) {
    ctx.progress.steps[name] = { hash: step.hash, status: 'failed' }
    ctx.persist(ctx.progress)
    ctx.onEvent({ step: name, status: 'failed', txHash: step.hash })
    throw chainError('TRANSACTION_FAILED', `The ${name} transaction ${step.hash} reverted`, {
      details: { step: name, txHash: step.hash },
    })
  }
  if (effect && !receiptShowsEffect(receipt, effect)) {
    ctx.progress.steps[name] = { hash: step.hash, status: 'failed' }
    ctx.persist(ctx.progress)
    ctx.onEvent({ step: name, status: 'failed', txHash: step.hash })
    throw publishingError(
      'EFFECT_NOT_CONFIRMED',
      `The ${name} transaction ${step.hash} was mined but its receipt shows no ${effect.label} (${receipt.logs.length} logs): nothing changed on chain`,
      { details: { step: name, txHash: step.hash, expected: effect.label, address: effect.address } },
    )
  }
  ctx.progress.steps[name] = { hash: step.hash, status: 'mined' }
  ctx.persist(ctx.progress)
  ctx.onEvent({ step: name, status: 'mined', txHash: step.hash })
  return receipt
}

/** Runs step `name` (or finishes it after a crash) and returns its receipt. */
export async function sendRecordedTx(
  ctx: RecordedTxContext,
  name: StepName,
  request: () => Promise<TransactionRequest>,
  effect?: ExpectedEffect,
): Promise<TransactionReceipt> {
  const provider = ctx.signer.provider
  if (!provider) throw chainError('CHAIN_NOT_CONFIGURED', 'The publisher wallet is not connected to a chain')
  try {
    const recorded = ctx.progress.steps[name]
    if (recorded && recorded.status !== 'failed') {
      const receipt = await provider.getTransactionReceipt(recorded.hash)
      if (receipt) return await waitMined(ctx, name, recorded, effect)
      if (await provider.getTransaction(recorded.hash)) return await waitMined(ctx, name, recorded, effect)
      if (recorded.raw) {
        const tx = Transaction.from(recorded.raw)
        const nonceNow = await provider.getTransactionCount(ctx.signer.address, 'pending')
        if (tx.nonce >= nonceNow) {
          ctx.logger.info('publish: rebroadcasting a recorded tx', { step: name, txHash: recorded.hash })
          await provider.broadcastTransaction(recorded.raw)
          ctx.onEvent({ step: name, status: 'sent', txHash: recorded.hash })
          return await waitMined(ctx, name, recorded, effect)
        }
      }
      // The recorded tx never reached the chain and its nonce is gone: sign the step afresh.
    }
    ctx.onEvent({ step: name, status: 'started' })
    const populated = await ctx.signer.populateTransaction({ ...(await request()), chainId: ctx.chainId })
    const raw = await ctx.signer.signTransaction(populated)
    const hash = Transaction.from(raw).hash
    if (!hash) throw new Error('signed transaction has no hash')
    const step: PublishStep = { hash, raw, status: 'signed' }
    ctx.progress.steps[name] = step
    ctx.persist(ctx.progress) // written before the broadcast: the crash-safety point
    await provider.broadcastTransaction(raw)
    ctx.onEvent({ step: name, status: 'sent', txHash: hash })
    return await waitMined(ctx, name, step, effect)
  } catch (error) {
    throw mapSendError(error, ctx)
  }
}

function mapSendError(error: unknown, ctx: RecordedTxContext): unknown {
  if (isC2dError(error)) return error
  const e = error as { code?: string; shortMessage?: string; reason?: string }
  if (e.code === 'INSUFFICIENT_FUNDS') {
    return chainError(
      'INSUFFICIENT_FUNDS',
      `The publisher ${ctx.signer.address} has not enough native coin for gas on chain ${ctx.chainId}`,
      { cause: error },
    )
  }
  if (e.code === 'CALL_EXCEPTION') {
    return chainError(
      'TRANSACTION_FAILED',
      `The transaction would revert: ${e.reason ?? e.shortMessage ?? 'no reason given'}`,
      { cause: error },
    )
  }
  return toChainError(error, { chainId: ctx.chainId, rpcUrl: ctx.rpcUrlForErrors })
}
