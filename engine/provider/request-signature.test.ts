import { Wallet, toBeArray } from 'ethers'
import { describe, expect, it } from 'vitest'
import { requestMessageHash, verifyRequestSignature } from './request-signature'

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
