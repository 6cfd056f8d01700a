/**
 * The publishing area's error catalogue (style.md §2.5). Pure data: no ethers, no store.
 */
import { C2dError } from '../c2d-error'

export const PUBLISHING_ERRORS = {
  ASSET_INVALID: { status: 400, message: 'The asset is invalid' },
  ASSET_NOT_FOUND: { status: 404, message: 'Asset not found' },
  ALGORITHM_FILES_UNREADABLE: {
    status: 502,
    message: "The algorithm's files could not be read to compute its checksums",
  },
  ASSET_NOT_ON_CHAIN: {
    status: 409,
    message: "The asset's data NFT or datatoken has no code on the chain in use",
  },
  EFFECT_NOT_CONFIRMED: {
    status: 502,
    message: 'The transaction was mined but its receipt does not show the expected effect',
  },
  PUBLISH_NOT_RESUMABLE: { status: 409, message: 'The interrupted publish cannot be resumed' },
  TRUST_NOT_CONFIRMED: {
    status: 502,
    message: 'The setMetaData receipt does not show the algorithm trusted on chain',
  },
} as const satisfies Record<string, { status: number; message: string }>

export type PublishingErrorCode = keyof typeof PUBLISHING_ERRORS

export function publishingError(
  code: PublishingErrorCode,
  message?: string,
  options?: { details?: unknown; cause?: unknown },
): C2dError {
  const entry = PUBLISHING_ERRORS[code]
  return new C2dError(code, entry.status, message ?? entry.message, options)
}
