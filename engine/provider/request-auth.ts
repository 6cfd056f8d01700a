/**
 * Who is calling: every signed Provider command goes through `authenticate` (spec §3). Either a
 * bare `Authorization: <jwt>` from generateAuthToken, or `consumerAddress` + `nonce` + `signature`
 * over `consumerAddress + nonce + command`. The nonce is stored only after the signature verified,
 * in one statement that refuses anything not strictly greater (a replay racing the genuine request
 * cannot both pass).
 */
import { hashMessage, isAddress } from 'ethers'
import type { SmartAccountCheck } from '../chain/smart-accounts'
import type { Clock } from '../clock'
import type { NoncesRepo } from '../store/nonces-repo'
import type { AuthTokens } from './auth-tokens'
import { providerError } from './errors'
import { RequestSignatures, requestMessage, requestMessageHash } from './request-signature'

export interface SignedFields {
  consumerAddress?: unknown
  nonce?: unknown
  signature?: unknown
  /** The chain the request is about (ERC-1271 asks the wallet there); absent: the default chain. */
  chainId?: unknown
}

const NONCE_PATTERN = /^\d{1,78}$/
/** What an ERC-1271 wallet can be handed as `bytes`: even-length hex, at most 8 KiB. */
const SIGNATURE_BYTES = /^0x(?:[0-9a-fA-F]{2}){1,8192}$/

const ADDRESS_SHAPE = /^0x[0-9a-fA-F]{40}$/
const checkedAddresses = new Map<string, boolean>()
const CHECKED_ADDRESSES_MAX = 4096

/**
 * Shape first (cheap), then the EIP-55 checksum only for mixed-case addresses, remembered: the
 * check costs tens of microseconds and every status poll carries the same address (bench/provider).
 */
function isValidAddress(value: string): boolean {
  if (!ADDRESS_SHAPE.test(value)) return false
  const digits = value.slice(2)
  if (digits === digits.toLowerCase() || digits === digits.toUpperCase()) return true
  let ok = checkedAddresses.get(value)
  if (ok === undefined) {
    ok = isAddress(value)
    if (checkedAddresses.size >= CHECKED_ADDRESSES_MAX) checkedAddresses.clear()
    checkedAddresses.set(value, ok)
  }
  return ok
}

export function requireAddress(value: unknown, field = 'consumerAddress'): string {
  if (typeof value !== 'string' || !isValidAddress(value)) {
    throw providerError('ADDRESS_INVALID', `Parameter : "${field}" is not a valid web3 address`)
  }
  return value
}

export class RequestAuth {
  private readonly signatures = new RequestSignatures()

  constructor(
    private readonly options: {
      nonces: NoncesRepo
      tokens: AuthTokens
      clock: Clock
      /** ERC-1271 smart accounts (Ocean Node's isERC1271Valid); absent (no chain): EOAs only. */
      smartAccounts?: SmartAccountCheck
    },
  ) {}

  /** The stored nonce as ocean.js reads it (0 for an address never seen). */
  currentNonce(address: string): string {
    return (this.options.nonces.get(address) ?? 0n).toString()
  }

  /**
   * Authenticates one command and returns the caller's address as sent. `authorization` is the raw
   * header: ocean.js sends the JWT without "Bearer " (spec §3.3); we accept both. The literal
   * "undefined" ocean.js puts on some calls (spec §2) counts as absent.
   */
  async authenticate(command: string, fields: SignedFields, authorization?: string): Promise<string> {
    const token = bearer(authorization)
    if (token !== undefined && (fields.signature === undefined || fields.signature === '')) {
      const { address } = await this.options.tokens.verify(token)
      if (fields.consumerAddress !== undefined && fields.consumerAddress !== '') {
        const claimed = requireAddress(fields.consumerAddress)
        if (claimed.toLowerCase() !== address.toLowerCase())
          throw providerError('AUTH_TOKEN_INVALID', 'The auth token belongs to another address')
        return claimed
      }
      return address
    }
    return this.authenticateAny([command], fields)
  }

  /** Like `authenticate`, trying each accepted command text (for ocean.js' command-less invalidate). */
  async authenticateAny(commands: string[], fields: SignedFields): Promise<string> {
    const consumerAddress = requireAddress(fields.consumerAddress)
    const nonce = typeof fields.nonce === 'number' ? String(fields.nonce) : fields.nonce
    if (typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce))
      throw providerError('NONCE_NOT_INCREASING', `nonce: ${String(nonce)} is not a valid nonce`)
    if (typeof fields.signature !== 'string' || fields.signature === '')
      throw providerError('SIGNATURE_INVALID', 'consumer address and nonce signature mismatch')
    const signature = fields.signature
    const ok =
      commands.some((command) => this.signatures.verify({ consumerAddress, nonce, command, signature }).ok) ||
      (await this.smartAccountSigned(commands, consumerAddress, nonce, signature, fields.chainId))
    if (!ok) throw providerError('SIGNATURE_INVALID', 'consumer address and nonce signature mismatch')
    if (!(await this.options.nonces.accept(consumerAddress, BigInt(nonce), this.options.clock.nowMs()))) {
      throw providerError('NONCE_NOT_INCREASING', `nonce: ${nonce} is not a valid nonce`)
    }
    return consumerAddress
  }

  /**
   * ERC-1271, as Ocean Node does when recovery does not give the claimed address: if the address
   * has code, `isValidSignature(hash, signature)` with the plain keccak of the message first (the
   * hash a wallet that applies the EIP-191 prefix itself checks, so ocean.js' own signing works),
   * then the EIP-191 hash of the message text.
   */
  private async smartAccountSigned(
    commands: string[],
    consumerAddress: string,
    nonce: string,
    signature: string,
    chainId: unknown,
  ): Promise<boolean> {
    const smartAccounts = this.options.smartAccounts
    if (!smartAccounts || !SIGNATURE_BYTES.test(signature)) return false
    const hashes = commands.flatMap((command) => [
      requestMessageHash(consumerAddress, nonce, command),
      hashMessage(requestMessage(consumerAddress, nonce, command)),
    ])
    const chain = Number(chainId)
    return smartAccounts.isValidSignature({
      address: consumerAddress,
      hashes,
      signature,
      ...(Number.isSafeInteger(chain) && chain > 0 ? { chainId: chain } : {}),
    })
  }
}

function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const value = header.replace(/^Bearer\s+/i, '').trim()
  return value === '' || value === 'undefined' || value === 'null' ? undefined : value
}
