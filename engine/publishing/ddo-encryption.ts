/**
 * ECIES with the node (Provider) key, as Ocean Node's `encrypt`/`decrypt` handlers do it
 * (eciesjs, secp256k1): used for a service's `files` and for the DDO bytes that `setMetaData`
 * stores on chain (flags 0x02 = encrypted). Only the node key can read them back; consumers
 * never need to.
 */
import { decrypt, encrypt } from 'eciesjs'
import { SigningKey, getBytes, hexlify, toUtf8Bytes, toUtf8String } from 'ethers'

/** Encrypts UTF-8 text for the node's public key; "0x…" hex, as Ocean's encrypt endpoint answers. */
export function encryptForNode(nodePublicKey: string, text: string): string {
  // eciesjs wants the raw 65-byte (or 33-byte compressed) secp256k1 key without 0x.
  const key = SigningKey.computePublicKey(nodePublicKey, false).slice(2)
  return hexlify(encrypt(key, toUtf8Bytes(text)))
}

/** Inverse of `encryptForNode`, with the node's private key. Throws if the key does not match. */
export function decryptWithNodeKey(nodePrivateKey: string, hexData: string): string {
  return toUtf8String(decrypt(nodePrivateKey.replace(/^0x/, ''), getBytes(hexData)))
}
