import { Wallet } from 'ethers'
import { describe, expect, it } from 'vitest'
import { peerKeyFromNodeKey } from './node-peer-id'

describe('peer ID from the node key', () => {
  it('is stable, secp256k1 ("16Uiu2…"), and carries the node key\'s public key', () => {
    const wallet = Wallet.createRandom()
    const a = peerKeyFromNodeKey(wallet.privateKey)
    const b = peerKeyFromNodeKey(wallet.privateKey.slice(2))
    expect(a.peerId.toString()).toBe(b.peerId.toString())
    expect(a.peerId.toString()).toMatch(/^16Uiu2/)
    expect(Buffer.from(a.privateKey.publicKey.raw).toString('hex')).toBe(
      wallet.signingKey.compressedPublicKey.slice(2),
    )
    expect(peerKeyFromNodeKey(Wallet.createRandom().privateKey).peerId.toString()).not.toBe(
      a.peerId.toString(),
    )
  })

  it('refuses a key that is not 32 bytes of hex', () => {
    expect(() => peerKeyFromNodeKey('0x1234')).toThrow(/32 bytes/)
  })
})
