/**
 * The chain area's error catalogue (style.md §2.5): RPC, keystore and funds. Codes that cross the
 * HTTP edge keep the statuses of the Provider catalogue (`CHAIN_UNAVAILABLE` is 502 everywhere).
 * Pure data: must not import ethers, fastify or the store.
 */
import { C2dError } from '../c2d-error'

export const CHAIN_ERRORS = {
  CHAIN_UNAVAILABLE: { status: 502, message: 'Chain RPC is unavailable' },
  CHAIN_ID_MISMATCH: { status: 502, message: 'The RPC serves a different chain than configured' },
  CHAIN_NOT_CONFIGURED: { status: 400, message: 'No chain is configured' },
  CONTRACT_ADDRESS_UNKNOWN: { status: 400, message: 'No Ocean contract address is known for this chain' },
  INSUFFICIENT_FUNDS: { status: 400, message: 'The account has not enough funds' },
  TRANSACTION_FAILED: { status: 502, message: 'The transaction failed' },
  WALLET_NOT_FOUND: { status: 404, message: 'No publisher wallet exists yet' },
  WALLET_EXISTS: { status: 409, message: 'A publisher wallet already exists' },
  WALLET_PASSWORD_WRONG: { status: 401, message: 'Wrong wallet password' },
  WALLET_LOCKED: { status: 423, message: 'The publisher wallet is locked' },
  WALLET_KEY_INVALID: { status: 400, message: 'Invalid private key or mnemonic' },
  WALLET_PASSWORD_WEAK: { status: 400, message: 'The wallet password must have at least 8 characters' },
  DEV_CHAIN_FAILED: { status: 500, message: 'The dev chain could not start' },
} as const satisfies Record<string, { status: number; message: string }>

export type ChainErrorCode = keyof typeof CHAIN_ERRORS

export function chainError(
  code: ChainErrorCode,
  message?: string,
  options?: { details?: unknown; cause?: unknown },
): C2dError {
  const entry = CHAIN_ERRORS[code]
  return new C2dError(code, entry.status, message ?? entry.message, options)
}
