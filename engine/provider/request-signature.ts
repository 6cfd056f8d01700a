/**
 * Verifies ocean.js 8.x request signatures (spec §3.2). Pure: no I/O, no nonce state (nonces.ts
 * stores the nonce only after this says ok). Failure is an expected value, so it returns a result.
 */
import { getBytes, keccak256, toBeArray, toUtf8Bytes, verifyMessage } from 'ethers'

export type SignatureCheck = { ok: true; signer: string } | { ok: false; reason: 'mismatch' | 'malformed' }

/** spec §3.2: message = consumerAddress exactly as sent + decimal nonce + command (case-sensitive). */
export function requestMessageHash(consumerAddress: string, nonce: string | number, command: string): string {
  return keccak256(toUtf8Bytes(String(consumerAddress) + String(nonce) + String(command)))
}

export function verifyRequestSignature(input: {
  consumerAddress: string
  nonce: string | number
  command: string
  signature: string
}): SignatureCheck {
  const hash = requestMessageHash(input.consumerAddress, input.nonce, input.command)
  // spec §3.2: toBeArray drops leading zero bytes and ocean.js signs that; try it first, then the
  // full 32 bytes, then the hex string (Ocean Node's form), or ~0.4 % of genuine requests fail.
  const candidates: Array<Uint8Array | string> = [toBeArray(hash), getBytes(hash), hash]
  let sawRecoverable = false
  for (const message of candidates) {
    let recovered: string
    try {
      recovered = verifyMessage(message, input.signature)
    } catch {
      continue
    }
    sawRecoverable = true
    if (recovered.toLowerCase() === input.consumerAddress.toLowerCase())
      return { ok: true, signer: recovered }
  }
  return { ok: false, reason: sawRecoverable ? 'mismatch' : 'malformed' }
}
