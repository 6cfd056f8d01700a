import { describe, expect, it } from 'vitest'
import { receiptChainId } from './job-receipts'

type Job = Parameters<typeof receiptChainId>[0]
const payment = (chainId: number) => ({ chainId, token: '0x1', costWei: '1' })
function job(over: { payment?: ReturnType<typeof payment>; ddos?: unknown[]; algorithmDdo?: unknown }): Job {
  return {
    payment: over.payment ?? null,
    spec: {
      datasets: (over.ddos ?? []).map((ddo, i) => ({ did: `did:op:${i}`, ddo, files: [] })),
      algorithm: {
        ddo: over.algorithmDdo,
        container: { image: 'node', tag: '20', entrypoint: 'node $ALGO' },
      },
    },
  } as unknown as Job
}

describe("a receipt's chain", () => {
  it('is the payment chain of a paid job, even when its DDO names another', () => {
    expect(receiptChainId(job({ payment: payment(8997), ddos: [{ chainId: 8996 }] }), 8996)).toBe(8997)
  })
  it("is the first dataset DDO's chain for a free job, then the algorithm's, then the primary chain", () => {
    expect(receiptChainId(job({ ddos: [{ chainId: 8997 }], algorithmDdo: { chainId: 8996 } }), 8996)).toBe(
      8997,
    )
    expect(receiptChainId(job({ ddos: [{ chainId: '8997' }] }), 8996)).toBe(8997)
    expect(receiptChainId(job({ ddos: [{}], algorithmDdo: { chainId: 8997 } }), 8996)).toBe(8997)
    expect(receiptChainId(job({ ddos: [{ chainId: 'x' }] }), 8996)).toBe(8996)
    expect(receiptChainId(job({}), 8996)).toBe(8996)
  })
})
