/**
 * Settles a paid job's escrow when it ends (the Operator-Service's `JobSettlement`, status 71 → 70):
 * claim the actual cost if the algorithm ran — price per minute × minutes actually run, at least the
 * environment's minimum, never more than the lock — otherwise release the whole lock. Idempotent:
 * a repeat after a crash finds the lock gone and reports the tx that settled it.
 */
import type { Provider } from 'ethers'
import type { EscrowClient } from '../chain/escrow'
import type { ComputeEnvironmentConfig } from '../config/schema'
import type { Logger } from '../logging'
import type { JobRecord, JobSettlement } from '../operator-service/job-record'
import { costWei } from './environment-view'

/** The actual cost of a finished job; 0 when the algorithm never started. */
export function actualCostWei(job: JobRecord, env: ComputeEnvironmentConfig | undefined): bigint {
  if (job.algoStartMs === null || !env) return 0n
  const ranSec = Math.max(
    0,
    ((job.algoStopMs ?? job.finishedAtMs ?? job.algoStartMs) - job.algoStartMs) / 1000,
  )
  const prices = job.resources.map((r) => ({ id: r.id, price: r.price ?? 0 }))
  const cost = costWei(env, prices, job.resources, ranSec)
  const locked = BigInt(job.payment?.costWei ?? '0')
  return cost > locked ? locked : cost
}

/** One served chain's escrow, as settlement needs it. */
export interface SettlementChain {
  escrow: () => EscrowClient
  rpc: Provider
}

export function createEscrowSettlement(deps: {
  /**
   * The served chain `chainId` (Ocean Node's supportedNetworks); undefined: not served here, and a
   * job paid there is never settled on another chain.
   */
  chainOf(chainId: number): SettlementChain | undefined
  environment(id: string): ComputeEnvironmentConfig | undefined
  logger: Logger
}): JobSettlement {
  return {
    async settle(job) {
      const payment = job.payment
      if (!payment) return {}
      // The chain id persisted with the payment decides where to settle (also after a restart with
      // another chain configured): refuse, so the job stays pending and is retried, not mis-claimed.
      const chain = deps.chainOf(payment.chainId)
      if (!chain)
        throw new Error(
          `job ${job.jobId} was paid on chain ${payment.chainId}, which this console does not serve`,
        )
      const escrow = chain.escrow()
      // Issue 12: outputs the publisher rejected are not paid for, unless they chose to charge.
      const rejectedFree = job.review?.state === 'rejected' && !job.review.chargeForCompute
      const amount = rejectedFree ? 0n : actualCostWei(job, deps.environment(job.environmentId))
      const done = await escrow.claim(job.jobId, payment.token, job.owner, amount)
      // An expired lock is refunded by the contract instead of paid (settledAs), and a zero claim
      // releases it: both are recorded as cancels, never as payments.
      if (done)
        return done.settledAs === 'claimed' && amount > 0n
          ? { claimTx: done.claimTx, claimedWei: amount.toString() }
          : { cancelTx: done.claimTx }
      // No lock left: settled before a crash (or expired and cancelled by someone). Find the tx.
      const lockBlock = payment.lockTx
        ? (await chain.rpc.getTransactionReceipt(payment.lockTx))?.blockNumber
        : undefined
      const found = await escrow.findSettlementTx(job.jobId, lockBlock ?? 0)
      deps.logger.info('escrow already settled', {
        jobId: job.jobId,
        found: found ? Object.keys(found)[0] : 'none',
      })
      return found ?? {}
    },
  }
}
