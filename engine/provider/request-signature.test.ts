import { Signature, Wallet, getBytes, toBeArray } from 'ethers'
import { describe, expect, it } from 'vitest'
import { RequestSignatures, requestMessageHash, verifyRequestSignature } from './request-signature'

// Hardhat account #1 (0x7099…79C8), the wallet of the spec §3.2 observation.
const wallet = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')

// What ocean.js 8.x signRequest does (spec §3.2): signMessage(toBeArray(hash)).
async function oceanSign(address: string, nonce: number, command: string): Promise<string> {
  return wallet.signMessage(toBeArray(requestMessageHash(address, nonce, command)))
}

describe('verifyRequestSignature', () => {
  it('accepts a genuine signature and compares the recovered address case-insensitively', async () => {
    const signature = await oceanSign(wallet.address, 5, 'startCompute')
    const check = verifyRequestSignature({
      consumerAddress: wallet.address,
      nonce: 5,
      command: 'startCompute',
      signature,
    })
    expect(check).toEqual({ ok: true, signer: wallet.address })
  })

  it('accepts a hash with a leading zero byte signed as 31 bytes (spec §3.2, nonce 206)', async () => {
    const hash = requestMessageHash(wallet.address, 206, 'freeStartCompute')
    expect(hash.startsWith('0x00')).toBe(true)
    const signature = await oceanSign(wallet.address, 206, 'freeStartCompute')
    expect(
      verifyRequestSignature({
        consumerAddress: wallet.address,
        nonce: 206,
        command: 'freeStartCompute',
        signature,
      }).ok,
    ).toBe(true)
  })

  it('rejects another command, another nonce, a lowercased address in the message, and another signer', async () => {
    const signature = await oceanSign(wallet.address, 7, 'stopCompute')
    const base = { consumerAddress: wallet.address, nonce: 7, command: 'stopCompute', signature }
    expect(verifyRequestSignature({ ...base, command: 'getComputeResult' })).toEqual({
      ok: false,
      reason: 'mismatch',
    })
    expect(verifyRequestSignature({ ...base, nonce: 8 }).ok).toBe(false)
    expect(verifyRequestSignature({ ...base, consumerAddress: wallet.address.toLowerCase() }).ok).toBe(false)
    const other = Wallet.createRandom()
    expect(verifyRequestSignature({ ...base, consumerAddress: other.address }).ok).toBe(false)
    expect(verifyRequestSignature({ ...base, signature: '0x1234' })).toEqual({
      ok: false,
      reason: 'malformed',
    })
  })
})

describe.each([
  { path: RequestSignatures.fastPath(), useNative: true },
  { path: '@noble/curves', useNative: false },
])('RequestSignatures (the public-key cache, $path)', ({ useNative }) => {
  it('gives the same answers as recovery once the key is cached, for every digest form', async () => {
    const signatures = new RequestSignatures({ useNative })
    const first = await oceanSign(wallet.address, 1, 'getComputeResult')
    expect(
      signatures.verify({
        consumerAddress: wallet.address,
        nonce: 1,
        command: 'getComputeResult',
        signature: first,
      }),
    ).toEqual({ ok: true, signer: wallet.address })
    // Cached now: a leading-zero hash (31 bytes signed), the full 32 bytes, and the hex form.
    const hash206 = requestMessageHash(wallet.address, 206, 'freeStartCompute')
    for (const message of [toBeArray(hash206), getBytes(hash206), hash206]) {
      const signature = await wallet.signMessage(message)
      expect(
        signatures.verify({
          consumerAddress: wallet.address,
          nonce: 206,
          command: 'freeStartCompute',
          signature,
        }),
      ).toEqual({ ok: true, signer: wallet.address })
    }
    // Still refused with the key cached: another nonce, another signer, a flipped recovery bit.
    const base = { consumerAddress: wallet.address, nonce: 2, command: 'getComputeResult' }
    const genuine = await oceanSign(wallet.address, 2, 'getComputeResult')
    expect(signatures.verify({ ...base, nonce: 3, signature: genuine }).ok).toBe(false)
    const other = Wallet.createRandom()
    const byOther = await other.signMessage(
      toBeArray(requestMessageHash(wallet.address, 2, 'getComputeResult')),
    )
    expect(signatures.verify({ ...base, signature: byOther })).toEqual({ ok: false, reason: 'mismatch' })
    const sig = Signature.from(genuine)
    const flipped = Signature.from({ r: sig.r, s: sig.s, v: sig.v === 27 ? 28 : 27 }).serialized
    expect(signatures.verify({ ...base, signature: flipped }).ok).toBe(false)
    expect(signatures.verify({ ...base, signature: genuine }).ok).toBe(true)
    expect(signatures.verify({ ...base, signature: '0x1234' })).toEqual({ ok: false, reason: 'malformed' })
  })
})

describe.each([
  { path: RequestSignatures.fastPath(), useNative: true },
  { path: '@noble/curves', useNative: false },
])(
  'RequestSignatures reads every v byte and length as ethers Signature.from does ($path)',
  ({ useNative }) => {
    /** The genuine signature with its last byte replaced. */
    function withV(signature: string, v: number): string {
      return signature.slice(0, 130) + v.toString(16).padStart(2, '0')
    }
    function ethersAnswer(signature: string): 'ok' | 'other key' | 'malformed' {
      let parsed: Signature
      try {
        parsed = Signature.from(signature)
      } catch {
        return 'malformed'
      }
      return parsed.v === Signature.from(genuineSignature).v ? 'ok' : 'other key'
    }
    let genuineSignature = ''

    it.each([0, 1, 2, 26, 27, 28, 29, 34, 35, 36, 37, 38, 255])('v byte %i', async (v) => {
      genuineSignature = await oceanSign(wallet.address, 9, 'getComputeResult')
      const base = { consumerAddress: wallet.address, nonce: 9, command: 'getComputeResult' }
      // Cold (full recovery) and warm (key cached): both must agree with ethers' reading.
      const cold = new RequestSignatures({ useNative })
      const warm = new RequestSignatures({ useNative })
      expect(warm.verify({ ...base, signature: genuineSignature }).ok).toBe(true)
      const signature = withV(genuineSignature, v)
      const expected = ethersAnswer(signature)
      for (const signatures of [cold, warm]) {
        const check = signatures.verify({ ...base, signature })
        if (expected === 'ok') expect(check).toEqual({ ok: true, signer: wallet.address })
        else if (expected === 'malformed') expect(check).toEqual({ ok: false, reason: 'malformed' })
        else expect(check.ok).toBe(false)
      }
    })

    it('takes the 64-byte EIP-2098 form too, cold and warm', async () => {
      const genuine = await oceanSign(wallet.address, 10, 'getComputeResult')
      const compact = Signature.from(genuine).compactSerialized
      const base = { consumerAddress: wallet.address, nonce: 10, command: 'getComputeResult' }
      const signatures = new RequestSignatures({ useNative })
      expect(signatures.verify({ ...base, signature: compact })).toEqual({ ok: true, signer: wallet.address })
      expect(signatures.verify({ ...base, signature: compact })).toEqual({ ok: true, signer: wallet.address })
      expect(signatures.verify({ ...base, signature: compact.slice(0, -2) })).toEqual({
        ok: false,
        reason: 'malformed',
      })
    })
  },
)

it('uses libsecp256k1 on this machine (linux-x64 has a prebuilt binding)', () => {
  if (process.platform === 'linux' && process.arch === 'x64')
    expect(RequestSignatures.fastPath()).toBe('libsecp256k1')
  else expect(['libsecp256k1', '@noble/curves']).toContain(RequestSignatures.fastPath())
})
