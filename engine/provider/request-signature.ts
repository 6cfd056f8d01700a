/**
 * Verifies ocean.js 8.x request signatures (spec §3.2). Pure: no I/O, no nonce state (nonces.ts
 * stores the nonce only after this says ok). Failure is an expected value, so it returns a result.
 *
 * Speed (bench/provider, computeResult at 64 connections): recovering the signer with ethers costs
 * one to three milliseconds per request and dominated a signed download. `RequestSignatures`
 * remembers each address's public key after the first recovery and checks later signatures against
 * it: with libsecp256k1 (the `secp256k1` package's prebuilt N-API binding: recover, compare the
 * key; ~0.1 ms) where it loads, else an ECDSA verify with a precomputed table of the key
 * (@noble/curves; ~3× cheaper than recovery). A check that does not pass falls back to the full
 * recovery, so the answer is always the recovery's. The digests are computed lazily, ocean.js's
 * form first (one keccak for the message, one for its EIP-191 digest, where all three forms cost
 * four), on bytes with js-sha3's keccak-256 (about 3× faster than @noble/hashes', which ethers'
 * keccak256 wraps in hex conversions both ways), and a 65-byte signature is split with Buffer
 * rather than ethers' Signature.from: together about a third of a signed request's verification
 * once the key is cached (bench/provider).
 */
import { createRequire } from 'node:module'
import { secp256k1 } from '@noble/curves/secp256k1'
import { invert, mod } from '@noble/curves/abstract/modular'
import jsSha3 from 'js-sha3'
import { Signature, SigningKey, computeAddress, keccak256, toUtf8Bytes } from 'ethers'

export type SignatureCheck = { ok: true; signer: string } | { ok: false; reason: 'mismatch' | 'malformed' }

export interface SignedRequest {
  consumerAddress: string
  nonce: string | number
  command: string
  signature: string
}

/** spec §3.2: message = consumerAddress exactly as sent + decimal nonce + command (case-sensitive). */
export function requestMessage(consumerAddress: string, nonce: string | number, command: string): string {
  return String(consumerAddress) + String(nonce) + String(command)
}

/** keccak256 of `requestMessage` (Ocean Node's `consumerMessage`). */
export function requestMessageHash(consumerAddress: string, nonce: string | number, command: string): string {
  return keccak256(toUtf8Bytes(requestMessage(consumerAddress, nonce, command)))
}

/** A 0x-prefixed hex string as bytes (Buffer's parser: ethers' getBytes validates char by char). */
function hexBytes(hex: string): Buffer {
  return Buffer.from(hex.slice(2), 'hex')
}

/** keccak-256 (Ethereum's, not SHA3-256) of `bytes`. */
function keccak_256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(jsSha3.keccak256.arrayBuffer(bytes))
}

const EIP191_PREFIX = '\x19Ethereum Signed Message:\n'

/** EIP-191 personal-message digest of `message` (ethers' hashMessage, on bytes). */
function eip191Digest(message: Uint8Array): Uint8Array {
  return keccak_256(Buffer.concat([Buffer.from(EIP191_PREFIX + String(message.length)), message]))
}

/**
 * The EIP-191 digests an EOA may have signed for one request, computed only when asked for (each
 * costs a keccak): spec §3.2, toBeArray drops leading zero bytes and ocean.js signs that (tried
 * first); then the full 32 bytes (a different digest only when the hash starts with a zero byte),
 * then the hex string (Ocean Node's form), or ~0.4 % of genuine requests fail.
 */
class SignedDigests {
  private readonly digests: Uint8Array[] = []
  private readonly hash: Uint8Array

  constructor(input: SignedRequest) {
    this.hash = keccak_256(
      Buffer.from(requestMessage(input.consumerAddress, input.nonce, input.command), 'utf8'),
    )
  }

  private make(index: number): Uint8Array | undefined {
    if (index === 0) {
      let start = 0
      while (start < this.hash.length && this.hash[start] === 0) start++
      return eip191Digest(this.hash.subarray(start))
    }
    if (index === 1) return this.hash[0] === 0 ? eip191Digest(this.hash) : undefined
    if (index === 2) return eip191Digest(Buffer.from('0x' + Buffer.from(this.hash).toString('hex'), 'utf8'))
    return undefined
  }

  *[Symbol.iterator](): Generator<Uint8Array> {
    for (let i = 0; i < 3; i++) {
      if (!(i in this.digests)) {
        const digest = this.make(i)
        if (digest) this.digests[i] = digest
      }
      const digest = this.digests[i]
      if (digest) yield digest
    }
  }
}

/** r, s and the recovery bit of a signature; what ethers' Signature gives, for both paths below. */
interface ParsedSignature {
  r: string
  s: string
  yParity: 0 | 1
  /** The ethers form, made only for a full recovery. */
  ethers(): Signature
}

const SIGNATURE_65 = /^0x[0-9a-fA-F]{130}$/

/** ethers' Signature.getNormalizedV: 0/27 → 27, 1/28 → 28, EIP-155 v (≥ 35) by its parity. */
function normalizedV(v: number): 27 | 28 {
  if (v === 0 || v === 27) return 27
  if (v === 1 || v === 28) return 28
  if (v < 35) throw new Error('invalid v')
  return v & 1 ? 27 : 28
}

/**
 * A 65-byte `r ‖ s ‖ v` signature split with Buffer, as ethers' Signature.from splits it (same v
 * rules); any other form (EIP-2098's 64 bytes) through Signature.from. Throws on a malformed
 * signature, as Signature.from does.
 */
function parseSignature(signature: string): ParsedSignature {
  if (SIGNATURE_65.test(signature)) {
    const bytes = hexBytes(signature)
    const v = normalizedV(bytes[64]!)
    const r = '0x' + bytes.subarray(0, 32).toString('hex')
    const s = '0x' + bytes.subarray(32, 64).toString('hex')
    let made: Signature | undefined
    return { r, s, yParity: v === 27 ? 0 : 1, ethers: () => (made ??= Signature.from(signature)) }
  }
  const parsed = Signature.from(signature)
  return { r: parsed.r, s: parsed.s, yParity: parsed.yParity, ethers: () => parsed }
}

interface NativeSecp256k1 {
  ecdsaRecover(signature: Uint8Array, recid: number, message: Uint8Array, compressed: boolean): Uint8Array
}

/** libsecp256k1 through the prebuilt binding only (never the package's pure-JS fallback); undefined where none loads. */
function loadNativeSecp256k1(): NativeSecp256k1 | undefined {
  try {
    return createRequire(import.meta.url)('secp256k1/bindings') as NativeSecp256k1
  } catch {
    return undefined
  }
}
const native = loadNativeSecp256k1()

/** The uncompressed key libsecp256k1 recovers, as 65 bytes; undefined when it cannot. */
function nativeRecover(
  lib: NativeSecp256k1,
  digest: Uint8Array,
  signature: ParsedSignature,
): Buffer | undefined {
  try {
    const rs = Buffer.concat([hexBytes(signature.r), hexBytes(signature.s)])
    return Buffer.from(lib.ecdsaRecover(rs, signature.yParity, digest, false))
  } catch {
    return undefined
  }
}

const CURVE_N = secp256k1.CURVE.n
const Point = secp256k1.ProjectivePoint
type CurvePoint = InstanceType<typeof Point>
/** wNAF window of a cached key's table: 4 keeps a key's table near 80 KB and halves a verify. */
const KEY_WINDOW = 4
const KEYS_MAX = 256

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt('0x' + Buffer.from(bytes).toString('hex'))
}

/**
 * ECDSA verify of `digest` against `key`, with the recovery bit checked too (a recovery with
 * another v gives another key): true only when recovery would give this key.
 */
function verifiesWith(key: CurvePoint, digest: Uint8Array, signature: ParsedSignature): boolean {
  const r = BigInt(signature.r)
  const s = BigInt(signature.s)
  if (r <= 0n || r >= CURVE_N || s <= 0n || s >= CURVE_N) return false
  const w = invert(s, CURVE_N)
  const h = mod(toBigInt(digest), CURVE_N)
  const point = Point.BASE.multiplyAndAddUnsafe(key, mod(h * w, CURVE_N), mod(r * w, CURVE_N))
  if (!point) return false
  const { x, y } = point.toAffine()
  // x ≥ n (odds 2^-128) would need recovery bit 2: leave it to the recovery.
  return x === r && Number(y & 1n) === signature.yParity
}

/** Verifies request signatures, remembering each signer's public key (see the file comment). */
export class RequestSignatures {
  /** Lowercased address → its public key with a precomputed table; oldest first (bounded). */
  private readonly keys = new Map<string, { key: CurvePoint; publicKey: Buffer; signer: string }>()

  private readonly lib: NativeSecp256k1 | undefined

  /** `useNative: false` keeps to the JS path (tests compare both). */
  constructor(options: { useNative?: boolean } = {}) {
    this.lib = options.useNative === false ? undefined : native
  }

  /** Which fast path this process uses (the bench notes it). */
  static fastPath(): 'libsecp256k1' | '@noble/curves' {
    return native ? 'libsecp256k1' : '@noble/curves'
  }

  private matchesKnown(
    known: { key: CurvePoint; publicKey: Buffer },
    digest: Uint8Array,
    signature: ParsedSignature,
  ): boolean {
    if (!this.lib) return verifiesWith(known.key, digest, signature)
    const recovered = nativeRecover(this.lib, digest, signature)
    return recovered !== undefined && recovered.equals(known.publicKey)
  }

  verify(input: SignedRequest): SignatureCheck {
    let signature: ParsedSignature
    try {
      signature = parseSignature(input.signature)
    } catch {
      return { ok: false, reason: 'malformed' }
    }
    const digests = new SignedDigests(input)
    const address = input.consumerAddress.toLowerCase()
    const known = this.keys.get(address)
    if (known) {
      for (const digest of digests)
        if (this.matchesKnown(known, digest, signature)) return { ok: true, signer: known.signer }
    }
    let sawRecoverable = false
    for (const digest of digests) {
      let publicKey: string
      try {
        publicKey = SigningKey.recoverPublicKey(digest, signature.ethers())
      } catch {
        continue
      }
      sawRecoverable = true
      const recovered = computeAddress(publicKey)
      if (recovered.toLowerCase() === address) {
        if (!known) this.remember(address, recovered, publicKey)
        return { ok: true, signer: recovered }
      }
    }
    return { ok: false, reason: sawRecoverable ? 'mismatch' : 'malformed' }
  }

  private remember(address: string, signer: string, publicKey: string): void {
    if (this.keys.size >= KEYS_MAX) {
      const oldest = this.keys.keys().next().value
      if (oldest !== undefined) this.keys.delete(oldest)
    }
    const key = Point.fromHex(publicKey.slice(2))
    // The table only serves the JS path; libsecp256k1 needs none.
    if (!this.lib) key.precompute(KEY_WINDOW)
    this.keys.set(address, { key, publicKey: hexBytes(publicKey), signer })
  }
}

/** One verification without a key cache (tests, one-off checks). */
export function verifyRequestSignature(input: SignedRequest): SignatureCheck {
  return new RequestSignatures().verify(input)
}
