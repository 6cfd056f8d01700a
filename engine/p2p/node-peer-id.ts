/**
 * The node's libp2p identity, derived from the node (Provider) key exactly as Ocean Node derives
 * it: the raw 32-byte secp256k1 private key becomes a libp2p secp256k1 key, and the peer ID is that
 * key's identity multihash ("16Uiu2…"). The peer ID is therefore stable across restarts and tied to
 * the Provider address: whoever knows the address's key owns the peer ID, nobody else.
 */
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'

export interface NodePeerKey {
  privateKey: PrivateKey
  peerId: PeerId
}

/** `nodeKeyHex` is the node signer's private key, with or without 0x. */
export function peerKeyFromNodeKey(nodeKeyHex: string): NodePeerKey {
  const hex = nodeKeyHex.startsWith('0x') ? nodeKeyHex.slice(2) : nodeKeyHex
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('The node key must be 32 bytes of hex')
  const privateKey = privateKeyFromRaw(Buffer.from(hex, 'hex'))
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey) }
}
