/**
 * The settlement's arithmetic and its mapping of escrow outcomes to the job's tx fields. The escrow
 * is a recording fake with EscrowClient's contract (claim → settledAs, findSettlementTx); the real
 * contract behaviour is proven on the dev chain in engine/test/chain-orders-escrow.test.ts.
 */
import { parseEther, type Provider } from 'ethers'
import { describe, expect, it } from 'vitest'
import type { EscrowClaim, EscrowClient } from '../chain/escrow'
import { computeEnvironmentSchema } from '../config/schema'
import { MemoryLogger } from '../logging'
import type { JobRecord } from '../operator-service/job-record'
import { actualCostWei, createEscrowSettlement } from './escrow-settlement'

const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const env = computeEnvironmentSchema.parse({
  id: 'paid',
  cpu: { total: 4, max: 4, min: 1 },
  ramGb: { total: 8, max: 8, min: 1 },
  diskGb: { total: 10, max: 10, min: 1 },
  minJobDurationSec: 60,
})

function job(over: Partial<JobRecord> = {}): JobRecord {
  return {
    jobId: 'job-1',
    owner: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    environmentId: 'paid',
    algoStartMs: 1_000_000,
    algoStopMs: 1_090_000,
    finishedAtMs: 1_095_000,
    resources: [{ id: 'cpu', amount: 1, price: 1 }],
    payment: { chainId: 8996, token: TOKEN, costWei: parseEther('100').toString(), lockTx: '0xlock' },
    ...over,
  } as JobRecord
}

describe('actualCostWei', () => {
  it('charges price × amount per started minute actually run (spec §5: ceil)', () => {
    expect(actualCostWei(job(), env)).toBe(parseEther('2')) // 90 s → 2 minutes
    expect(actualCostWei(job({ algoStopMs: 1_120_000 }), env)).toBe(parseEther('2')) // exactly 120 s
    expect(actualCostWei(job({ algoStopMs: 1_120_001 }), env)).toBe(parseEther('3'))
  })

  it("charges at least the environment's minimum duration", () => {
    expect(actualCostWei(job({ algoStopMs: 1_005_000 }), env)).toBe(parseEther('1'))
    expect(actualCostWei(job({ algoStopMs: 1_005_000 }), { ...env, minJobDurationSec: 300 })).toBe(
      parseEther('5'),
    )
  })

  it('sums every resource with exact decimal prices', () => {
    const resources = [
      { id: 'cpu', amount: 2, price: 0.1 },
      { id: 'ram', amount: 3, price: 0.05 },
    ]
    // (0.2 + 0.15) per minute × 2 minutes; floats would give 0.7000000000000001.
    expect(actualCostWei(job({ resources }), env)).toBe(parseEther('0.7'))
  })

  it('uses the finish time when the algorithm stop was not recorded', () => {
    expect(actualCostWei(job({ algoStopMs: null, finishedAtMs: 1_150_000 }), env)).toBe(parseEther('3'))
  })

  it('is 0 when the algorithm never started or the environment is gone, and never exceeds the lock', () => {
    expect(actualCostWei(job({ algoStartMs: null }), env)).toBe(0n)
    expect(actualCostWei(job(), undefined)).toBe(0n)
    const locked = job({ payment: { chainId: 8996, token: TOKEN, costWei: parseEther('1.5').toString() } })
    expect(actualCostWei(locked, env)).toBe(parseEther('1.5'))
  })
})

class FakeEscrow {
  readonly claims: Array<{ jobId: string; payer: string; amountWei: bigint }> = []
  readonly searches: Array<{ jobId: string; fromBlock: number }> = []
  next: EscrowClaim | undefined
  found: { claimTx?: string; cancelTx?: string } | undefined

  async claim(
    jobId: string,
    _token: string,
    payer: string,
    amountWei: bigint,
  ): Promise<EscrowClaim | undefined> {
    this.claims.push({ jobId, payer, amountWei })
    return this.next
  }

  async findSettlementTx(jobId: string, fromBlock: number) {
    this.searches.push({ jobId, fromBlock })
    return this.found
  }
}

function settlementWith(escrow: FakeEscrow, others: Record<number, FakeEscrow> = {}) {
  const rpc = {
    getTransactionReceipt: async (hash: string) => (hash === '0xlock' ? { blockNumber: 42 } : null),
  } as unknown as Provider
  const chains = new Map([
    [8996, escrow],
    ...Object.entries(others).map(([id, e]) => [Number(id), e] as const),
  ])
  return createEscrowSettlement({
    chainOf: (chainId) => {
      const on = chains.get(chainId)
      return on ? { escrow: () => on as unknown as EscrowClient, rpc } : undefined
    },
    environment: (id) => (id === 'paid' ? env : undefined),
    logger: new MemoryLogger(),
  })
}

describe('createEscrowSettlement', () => {
  it('settles on the chain persisted with the payment: a job paid on another chain is refused (retried later), nothing claimed', async () => {
    const escrow = new FakeEscrow()
    escrow.next = { claimTx: '0xclaim', settledAs: 'claimed', amountWei: parseEther('2') }
    const elsewhere = job({ payment: { ...job().payment!, chainId: 137 } })
    await expect(settlementWith(escrow).settle(elsewhere)).rejects.toThrow(
      'paid on chain 137, which this console does not serve',
    )
    expect(escrow.claims).toEqual([])
    expect(escrow.searches).toEqual([])
  })

  it('claims on the chain the job was paid on when several are served, never on another', async () => {
    const primary = new FakeEscrow()
    const second = new FakeEscrow()
    second.next = { claimTx: '0xclaim8997', settledAs: 'claimed', amountWei: parseEther('2') }
    const paidOnSecond = job({ payment: { ...job().payment!, chainId: 8997 } })
    expect(await settlementWith(primary, { 8997: second }).settle(paidOnSecond)).toEqual({
      claimTx: '0xclaim8997',
      claimedWei: parseEther('2').toString(),
    })
    expect(second.claims).toEqual([{ jobId: 'job-1', payer: job().owner, amountWei: parseEther('2') }])
    expect(primary.claims).toEqual([])
  })

  it('claims the actual cost from the job owner and records the claim', async () => {
    const escrow = new FakeEscrow()
    escrow.next = { claimTx: '0xclaim', settledAs: 'claimed', amountWei: parseEther('2') }
    expect(await settlementWith(escrow).settle(job())).toEqual({
      claimTx: '0xclaim',
      claimedWei: parseEther('2').toString(),
    })
    expect(escrow.claims).toEqual([{ jobId: 'job-1', payer: job().owner, amountWei: parseEther('2') }])
  })

  it('releases the lock of a job whose outputs the publisher rejected, or charges if they chose to', async () => {
    const escrow = new FakeEscrow()
    escrow.next = { claimTx: '0xrelease', settledAs: 'claimed', amountWei: 0n }
    const rejected = job({ review: { windowSec: 60, state: 'rejected', reason: 'leak' } })
    expect(await settlementWith(escrow).settle(rejected)).toEqual({ cancelTx: '0xrelease' })
    expect(escrow.claims[0]?.amountWei).toBe(0n)
    escrow.next = { claimTx: '0xclaim', settledAs: 'claimed', amountWei: parseEther('2') }
    const charged = job({ review: { windowSec: 60, state: 'rejected', chargeForCompute: true } })
    expect(await settlementWith(escrow).settle(charged)).toMatchObject({ claimTx: '0xclaim' })
    expect(escrow.claims[1]?.amountWei).toBeGreaterThan(0n)
  })

  it('records a zero claim (never ran) and a refunded expired lock as cancels', async () => {
    const escrow = new FakeEscrow()
    escrow.next = { claimTx: '0xrelease', settledAs: 'claimed', amountWei: 0n }
    expect(await settlementWith(escrow).settle(job({ algoStartMs: null }))).toEqual({ cancelTx: '0xrelease' })
    expect(escrow.claims[0]?.amountWei).toBe(0n)
    escrow.next = { claimTx: '0xrefund', settledAs: 'canceled', amountWei: 0n }
    expect(await settlementWith(escrow).settle(job())).toEqual({ cancelTx: '0xrefund' })
  })

  it("finds the earlier settlement from the lock's block when the lock is gone", async () => {
    const escrow = new FakeEscrow()
    escrow.found = { claimTx: '0xearlier' }
    expect(await settlementWith(escrow).settle(job())).toEqual({ claimTx: '0xearlier' })
    expect(escrow.searches).toEqual([{ jobId: 'job-1', fromBlock: 42 }])
  })

  it('does nothing for a job without payment', async () => {
    const escrow = new FakeEscrow()
    expect(await settlementWith(escrow).settle(job({ payment: null }))).toEqual({})
    expect(escrow.claims).toEqual([])
  })
})
