import { describe, expect, it } from 'vitest'
import { Wallet } from 'ethers'
import { sha256Hex0x, signJobReceipt, verifyJobReceipt, type JobReceiptMessage } from './job-receipt'

const provider = new Wallet('0x' + '11'.repeat(32))
const output = new TextEncoder().encode('station,mean\nA,12.5\n')
const log = new TextEncoder().encode('done\n')

function message(): JobReceiptMessage {
  return {
    provider: provider.address,
    jobId: 'job0001',
    consumer: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    datasets: [{ did: 'did:op:' + 'a'.repeat(64), serviceId: 's1', filesChecksum: 'f'.repeat(64) }],
    algorithm: {
      did: 'did:op:' + 'b'.repeat(64),
      rawCodeHash: '',
      filesChecksum: 'c'.repeat(64),
      containerChecksum: 'd'.repeat(64),
      image: 'node',
      tag: '20',
    },
    environment: 'local-sandbox',
    resources: JSON.stringify({ cpu: 1, ramGb: 1, diskGb: 1 }),
    startedAtSec: 1_700_000_000,
    endedAtSec: 1_700_000_042,
    outcome: 'succeeded',
    files: [
      { name: 'outputs.tar', sha256: sha256Hex0x(output), sizeBytes: String(output.length) },
      { name: 'algorithm.log', sha256: sha256Hex0x(log), sizeBytes: String(log.length) },
    ],
    payment: { token: '', amountWei: '0', lockTx: '', claimTx: '' },
  }
}

describe('job receipts', () => {
  it('verifies a receipt and its files, and refuses after one byte of an output changes', async () => {
    const receipt = JSON.parse(JSON.stringify(await signJobReceipt(provider, 8996, message())))
    const files = [
      { name: 'outputs.tar', bytes: output },
      { name: 'algorithm.log', bytes: log },
    ]
    expect(verifyJobReceipt(receipt, { providerAddress: provider.address, files })).toEqual({
      ok: true,
      signer: provider.address,
    })

    const tampered = Uint8Array.from(output)
    tampered[3] = tampered[3]! ^ 1
    const bad = verifyJobReceipt(receipt, {
      providerAddress: provider.address,
      files: [{ name: 'outputs.tar', bytes: tampered }],
    })
    expect(bad).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^outputs\.tar: sha256 0x[0-9a-f]{64} differs/),
    })
  })

  it('refuses another signer, an edited message, a wrong size and a file it does not list', async () => {
    const receipt = await signJobReceipt(provider, 8996, message())
    const other = Wallet.createRandom().address
    expect(verifyJobReceipt(receipt, { providerAddress: other })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not by the Provider/),
    })
    const edited = { ...receipt, message: { ...receipt.message, outcome: 'failed' } }
    expect(verifyJobReceipt(edited, { providerAddress: provider.address }).ok).toBe(false)
    expect(
      verifyJobReceipt(receipt, {
        providerAddress: provider.address,
        files: [{ name: 'outputs.tar', bytes: output.subarray(1) }],
      }),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/bytes, the receipt states/) })
    expect(
      verifyJobReceipt(receipt, {
        providerAddress: provider.address,
        files: [{ name: 'x.bin', bytes: output }],
      }).ok,
    ).toBe(false)
    expect(verifyJobReceipt({ kind: 'other' }, { providerAddress: provider.address }).ok).toBe(false)
  })

  it('names its chain in the signed domain: another chain id, an unserved or unexpected chain is refused', async () => {
    const receipt = await signJobReceipt(provider, 8997, message())
    expect(receipt.domain.chainId).toBe(8997)
    const served = { providerAddress: provider.address, chainIds: [8996, 8997] }
    expect(verifyJobReceipt(receipt, { ...served, chainId: 8997 })).toEqual({
      ok: true,
      signer: provider.address,
    })
    // The chain id is under the signature: moved to the other served chain, it recovers another signer.
    const moved = { ...receipt, domain: { ...receipt.domain, chainId: 8996 } }
    expect(verifyJobReceipt(moved, served)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not by the Provider/),
    })
    expect(verifyJobReceipt(receipt, { ...served, chainIds: [8996] })).toMatchObject({
      ok: false,
      reason: 'the receipt names chain 8997, which the Provider does not serve (8996)',
    })
    expect(verifyJobReceipt(receipt, { ...served, chainId: 8996 })).toMatchObject({
      ok: false,
      reason: 'the receipt names chain 8997, not chain 8996',
    })
    const unnamed = { ...receipt, domain: { ...receipt.domain, chainId: '8997' } }
    expect(verifyJobReceipt(unnamed, served)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/names no chain/),
    })
  })
})
