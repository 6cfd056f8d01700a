/**
 * The one error class that crosses boundaries (HTTP, IPC). Each area keeps its own catalogue of
 * codes (provider/errors.ts, console-api/errors.ts); callers branch on `code`, never on message
 * text or instanceof across realms.
 */
export class C2dError extends Error {
  readonly code: string
  readonly status: number
  readonly details?: unknown

  constructor(
    code: string,
    status: number,
    message: string,
    options?: { details?: unknown; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'C2dError'
    this.code = code
    this.status = status
    this.details = options?.details
  }
}

export function isC2dError(value: unknown): value is C2dError {
  return (
    value instanceof C2dError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'C2dError' &&
      typeof (value as { code?: unknown }).code === 'string')
  )
}
