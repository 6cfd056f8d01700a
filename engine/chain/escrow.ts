/**
 * The node's side of Ocean's Escrow contract (C2D v2, spec §6 "Escrow"): check a payer's funds and
 * authorization before locking (a clear 400 instead of a revert), lock at start, claim the actual
 * cost when the job ends (the rest returns to the payer), release with a zero claim when nothing ran.
 * Every call is keyed by the console's job id, so a repeat after a crash finds the first one's
 * effect on chain instead of doing it twice.
 *
 * Chain layer: ethers and the contract ABIs only (the job settlement glue is in escrow-settlement.ts).
 */
import { createHash } from 'node:crypto'
import { Contract, ZeroAddress, type Provider, type Signer, type TransactionReceipt } from 'ethers'
import type { Logger } from '../logging'
import { chainError } from './chain-errors'
import { loadAbi } from './contracts'
import { isRpcUnreachable } from './rpc'

export interface EscrowLockInfo {
  jobId: bigint
  payer: string
  payee: string
  amount: bigint
  expiry: bigint
  token: string
}

/** What a claim did on chain: `canceled` when the lock had expired (the contract refunds instead). */
export interface EscrowClaim {
  claimTx: string
  settledAs: 'claimed' | 'canceled'
  /** What the node was paid before the OPC fee; 0 for a release or a cancel. */
  amountWei: bigint
}

export type FundsCheck =
  | { ok: true }
  | {
      ok: false
      code:
        | 'payer-is-payee'
        | 'no-funds'
        | 'no-authorization'
        | 'lock-too-long'
        | 'over-authorized-amount'
        | 'too-many-locks'
      message: string
    }

interface AuthTuple {
  payee: string
  maxLockedAmount: bigint
  currentLockedAmount: bigint
  maxLockSeconds: bigint
  maxLockCounts: bigint
  currentLocks: bigint
}

const MAX_SEND_ATTEMPTS = 4

/** ethers' codes (and node messages) for "this nonce is taken": the tx was not accepted. */
function isNonceConflict(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined
  if (e?.code === 'NONCE_EXPIRED' || e?.code === 'REPLACEMENT_UNDERPRICED') return true
  return /nonce too low|nonce has already been used|replacement transaction underpriced/i.test(
    String(e?.message ?? ''),
  )
}

export class EscrowClient {
  private readonly contract: Contract
  /** The tail of this client's send queue (see `send`). */
  private sending: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: { signer: Signer; escrowAddress: string; logger: Logger }) {
    this.contract = new Contract(options.escrowAddress, loadAbi('Escrow'), options.signer)
  }

  /** spec §6: Ocean Node's lock id, uint256(sha256(jobId)). */
  static escrowJobId(jobId: string): bigint {
    return BigInt(`0x${createHash('sha256').update(jobId).digest('hex')}`)
  }

  private async payee(): Promise<string> {
    return this.options.signer.getAddress()
  }

  /** The same checks createLock makes, read first so the consumer gets words instead of a revert. */
  async checkFunds(
    payer: string,
    token: string,
    amountWei: bigint,
    lockSeconds: number,
  ): Promise<FundsCheck> {
    return this.guard('reading escrow funds', async () => {
      const payee = await this.payee()
      // contracts 2.6.0 createLock: require(payer != msg.sender) — the node cannot lock its own funds.
      if (payer.toLowerCase() === payee.toLowerCase())
        return {
          ok: false,
          code: 'payer-is-payee',
          message: `The payer ${payer} is this node: it cannot pay itself through escrow`,
        }
      const [available] = (await this.contract.getFunction('getUserFunds')(payer, token)) as [bigint, bigint]
      if (available < amountWei)
        return {
          ok: false,
          code: 'no-funds',
          message: `User ${payer} does not have enough funds in escrow: ${available} available, ${amountWei} needed`,
        }
      const auths = (await this.contract.getFunction('getAuthorizations')(token, payer, payee)) as AuthTuple[]
      const auth = auths.find((a) => a.payee.toLowerCase() === payee.toLowerCase())
      if (!auth)
        return {
          ok: false,
          code: 'no-authorization',
          message: `No valid escrow auths found: ${payer} has not authorized ${payee} for this token`,
        }
      if (BigInt(lockSeconds) > auth.maxLockSeconds)
        return {
          ok: false,
          code: 'lock-too-long',
          message: `The escrow authorization allows locks of ${auth.maxLockSeconds} s; this job needs ${lockSeconds} s`,
        }
      if (auth.currentLockedAmount + amountWei > auth.maxLockedAmount)
        return {
          ok: false,
          code: 'over-authorized-amount',
          message: `The escrow authorization caps locked funds at ${auth.maxLockedAmount}; ${auth.currentLockedAmount} are locked, ${amountWei} more needed`,
        }
      if (auth.currentLocks >= auth.maxLockCounts)
        return {
          ok: false,
          code: 'too-many-locks',
          message: `The escrow authorization allows ${auth.maxLockCounts} concurrent locks`,
        }
      return { ok: true }
    })
  }

  /** The lock of this job, if it is still on chain (`getLocks` may return others: filter again here). */
  async findLock(jobId: string, token: string, payer: string): Promise<EscrowLockInfo | undefined> {
    return this.guard('reading escrow locks', async () => {
      const payee = await this.payee()
      const id = EscrowClient.escrowJobId(jobId)
      // contracts 2.6.0: the returned lock struct has no payee field; the query is per payee already.
      const locks = (await this.contract.getFunction('getLocks')(token, payer, payee)) as Array<
        Omit<EscrowLockInfo, 'payee'>
      >
      const lock = locks.find(
        (l) =>
          l.jobId === id &&
          l.payer.toLowerCase() === payer.toLowerCase() &&
          l.token.toLowerCase() === token.toLowerCase(),
      )
      return lock
        ? {
            jobId: lock.jobId,
            payer: lock.payer,
            payee,
            amount: lock.amount,
            expiry: lock.expiry,
            token: lock.token,
          }
        : undefined
    })
  }

  /** createLock; `expirySec` is a duration (the contract adds block.timestamp). */
  async lock(
    jobId: string,
    token: string,
    payer: string,
    amountWei: bigint,
    expirySec: number,
  ): Promise<{ lockTx: string }> {
    return this.guard('creating an escrow lock', async () => {
      const receipt = await this.send('createLock', [
        EscrowClient.escrowJobId(jobId),
        token,
        payer,
        amountWei,
        expirySec,
      ])
      this.options.logger.info('escrow lock created', {
        jobId,
        amountWei: amountWei.toString(),
        tx: receipt.hash,
      })
      return { lockTx: receipt.hash }
    })
  }

  /**
   * Claims `actualWei` (≤ the lock) and withdraws the node's balance; the rest returns to the payer.
   * A zero claim releases the whole lock (the job never ran). Undefined when no lock is left
   * (already claimed or cancelled: a repeat after a crash).
   *
   * contracts 2.6.0 `_claimLock`: a lock past its expiry is not claimed but cancelled (Canceled
   * event, everything back to the payer) and the tx still succeeds. `settledAs` says which
   * happened, read from the receipt, so a caller never records a cancel as a payment.
   */
  async claim(
    jobId: string,
    token: string,
    payer: string,
    actualWei: bigint,
    proof = '0x',
  ): Promise<EscrowClaim | undefined> {
    return this.guard('claiming an escrow lock', async () => {
      const lock = await this.findLock(jobId, token, payer)
      if (!lock) return undefined
      const amount = actualWei > lock.amount ? lock.amount : actualWei
      // A zero claim has nothing to withdraw; claimLock alone releases the funds to the payer.
      const method = amount > 0n ? 'claimLockAndWithdraw' : 'claimLock'
      const receipt = await this.send(method, [lock.jobId, token, payer, amount, proof])
      const settled = this.settlementIn(receipt, lock.jobId)
      const claim: EscrowClaim = {
        claimTx: receipt.hash,
        settledAs: settled?.name === 'Claimed' ? 'claimed' : 'canceled',
        amountWei: settled?.name === 'Claimed' ? amount : 0n,
      }
      if (claim.settledAs === 'canceled')
        this.options.logger.warn('escrow lock had expired: released to the payer instead of claimed', {
          jobId,
          tx: receipt.hash,
        })
      else
        this.options.logger.info('escrow lock claimed', {
          jobId,
          amountWei: amount.toString(),
          tx: receipt.hash,
        })
      return claim
    })
  }

  /** The Claimed or Canceled event of this escrow job id in `receipt`, if any. */
  private settlementIn(
    receipt: TransactionReceipt,
    escrowJobId: bigint,
  ): { name: 'Claimed' | 'Canceled' } | undefined {
    const escrowAddress = this.options.escrowAddress.toLowerCase()
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== escrowAddress) continue
      const event = this.contract.interface.parseLog({ topics: [...log.topics], data: log.data })
      if (
        (event?.name === 'Claimed' || event?.name === 'Canceled') &&
        (event.args.jobId as bigint) === escrowJobId
      )
        return { name: event.name }
    }
    return undefined
  }

  /**
   * The Claimed/Canceled tx of this job, searched from `fromBlock` (the lock's block): after a crash
   * between a claim and recording it, the job still learns its tx hash.
   */
  async findSettlementTx(
    jobId: string,
    fromBlock: number,
  ): Promise<{ claimTx?: string; cancelTx?: string } | undefined> {
    return this.guard('searching escrow events', async () => {
      const id = EscrowClient.escrowJobId(jobId)
      const payee = await this.payee()
      for (const name of ['Claimed', 'Canceled'] as const) {
        // payee is indexed in both events: only this node's settlements, not every node's on the chain.
        const events = await this.contract.queryFilter(this.contract.getEvent(name)(payee), fromBlock)
        const match = events.find((e) => 'args' in e && (e.args as unknown as { jobId: bigint }).jobId === id)
        if (!match || !('args' in match)) continue
        // A zero claim is how a job that never ran releases its lock: a cancel, as `claim` reported it.
        const paid = name === 'Claimed' && (match.args as unknown as { amount: bigint }).amount > 0n
        return paid ? { claimTx: match.transactionHash } : { cancelTx: match.transactionHash }
      }
      return undefined
    })
  }

  /**
   * Releases an expired lock (anyone may; the node does it for its own jobs). Undefined when there
   * is no lock or it has not expired: `cancelExpiredLock` succeeds silently on a live lock, so
   * both the expiry (chain time) and the receipt's Canceled event are checked.
   */
  async cancelExpired(
    jobId: string,
    token: string,
    payer: string,
  ): Promise<{ cancelTx: string } | undefined> {
    return this.guard('cancelling an escrow lock', async () => {
      const lock = await this.findLock(jobId, token, payer)
      if (!lock) return undefined
      const latest = await this.requireProvider().getBlock('latest')
      // The contract cancels when expiry < block.timestamp of the cancelling block (≥ latest + 1).
      if (!latest || lock.expiry >= BigInt(latest.timestamp) + 1n) return undefined
      const receipt = await this.send('cancelExpiredLock', [lock.jobId, token, payer, lock.payee])
      if (this.settlementIn(receipt, lock.jobId)?.name !== 'Canceled') return undefined
      this.options.logger.info('escrow lock cancelled after expiry', { jobId, tx: receipt.hash })
      return { cancelTx: receipt.hash }
    })
  }

  /**
   * Releases every expired lock of this node, whoever the payer (one `cancelExpiredLock(0, 0x0,
   * 0x0, node)`: 0 matches any job, token and payer). For a start-up sweep: a lock created just
   * before a crash, whose job was never recorded, would otherwise hold the payer's funds until
   * someone else cancels it. Undefined when nothing has expired (no tx is sent).
   */
  async cancelAllExpired(): Promise<{ cancelTx: string; escrowJobIds: bigint[] } | undefined> {
    return this.guard('cancelling expired escrow locks', async () => {
      const payee = await this.payee()
      const locks = (await this.contract.getFunction('getLocks')(ZeroAddress, ZeroAddress, payee)) as Array<
        Omit<EscrowLockInfo, 'payee'>
      >
      const latest = await this.requireProvider().getBlock('latest')
      if (!latest || !locks.some((l) => l.expiry < BigInt(latest.timestamp) + 1n)) return undefined
      const receipt = await this.send('cancelExpiredLock', [0n, ZeroAddress, ZeroAddress, payee])
      const escrowJobIds: bigint[] = []
      for (const log of receipt.logs) {
        if (log.address.toLowerCase() !== this.options.escrowAddress.toLowerCase()) continue
        const event = this.contract.interface.parseLog({ topics: [...log.topics], data: log.data })
        if (event?.name === 'Canceled') escrowJobIds.push(event.args.jobId as bigint)
      }
      if (escrowJobIds.length === 0) return undefined
      this.options.logger.info('expired escrow locks released', {
        count: escrowJobIds.length,
        tx: receipt.hash,
      })
      return { cancelTx: receipt.hash, escrowJobIds }
    })
  }

  /**
   * Sends one node transaction and waits for it. Sends of this client run one at a time (each
   * wallet call reads the pending nonce afresh), and a send that lost a nonce race with another
   * sender of the same key (another client instance, publishing) is retried: a nonce conflict
   * means the node never accepted that tx, so sending again cannot lock or claim twice.
   */
  private send(method: string, args: unknown[]): Promise<TransactionReceipt> {
    const run = async (): Promise<TransactionReceipt> => {
      for (let attempt = 1; ; attempt++) {
        try {
          const tx = await this.contract.getFunction(method)(...args)
          const receipt = (await tx.wait()) as TransactionReceipt | null
          if (!receipt) throw new Error(`${method} was dropped before it was mined`)
          return receipt
        } catch (error) {
          if (attempt >= MAX_SEND_ATTEMPTS || !isNonceConflict(error)) throw error
          this.options.logger.debug('escrow tx lost a nonce race; sending again', { method, attempt })
        }
      }
    }
    const result = this.sending.then(run, run)
    this.sending = result.catch(() => undefined)
    return result
  }

  /** An RPC that does not answer becomes CHAIN_UNAVAILABLE (502); reverts and the rest pass through. */
  private async guard<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (isRpcUnreachable(error))
        throw chainError('CHAIN_UNAVAILABLE', `The chain RPC did not answer while ${what}`, { cause: error })
      throw error
    }
  }

  private requireProvider(): Provider {
    const provider = this.options.signer.provider
    if (!provider) throw new Error('The escrow signer has no provider')
    return provider
  }
}
