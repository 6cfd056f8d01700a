/**
 * The console API error catalogue (style.md §2.5). Service code throws these; the dispatcher turns
 * any error into the `{ ok: false, error }` envelope. Unknown errors become INTERNAL without their
 * message (it may hold paths or secrets); the cause is logged instead.
 */
import { C2dError } from '../c2d-error'

export const ConsoleErrorCode = {
  MethodUnknown: 'METHOD_UNKNOWN',
  RequestInvalid: 'REQUEST_INVALID',
  Unauthorized: 'UNAUTHORIZED',
  JobNotFound: 'JOB_NOT_FOUND',
  ResultNotFound: 'RESULT_NOT_FOUND',
  ResultTooLarge: 'RESULT_TOO_LARGE',
  EnvironmentUnknown: 'ENVIRONMENT_UNKNOWN',
  EnvironmentInUse: 'ENVIRONMENT_IN_USE',
  AssetNotFound: 'ASSET_NOT_FOUND',
  FileNotFound: 'FILE_NOT_FOUND',
  WalletLocked: 'WALLET_LOCKED',
  WalletExists: 'WALLET_EXISTS',
  PasswordWrong: 'PASSWORD_WRONG',
  NotAvailable: 'NOT_AVAILABLE',
  AccessRequestNotFound: 'ACCESS_REQUEST_NOT_FOUND',
  JobNotHeld: 'JOB_NOT_HELD',
  KubeContextFailing: 'KUBE_CONTEXT_FAILING',
  AlgorithmNotPublished: 'ALGORITHM_NOT_PUBLISHED',
  AccessRequestDecided: 'ACCESS_REQUEST_DECIDED',
  AssetPublishedElsewhere: 'ASSET_PUBLISHED_ELSEWHERE',
  AssetNotOnChain: 'ASSET_NOT_ON_CHAIN',
  PublishInProgress: 'PUBLISH_IN_PROGRESS',
  Internal: 'INTERNAL',
} as const
export type ConsoleErrorCode = (typeof ConsoleErrorCode)[keyof typeof ConsoleErrorCode]

const STATUS: Record<ConsoleErrorCode, number> = {
  METHOD_UNKNOWN: 404,
  REQUEST_INVALID: 400,
  UNAUTHORIZED: 401,
  JOB_NOT_FOUND: 404,
  RESULT_NOT_FOUND: 404,
  RESULT_TOO_LARGE: 413,
  ENVIRONMENT_UNKNOWN: 404,
  ENVIRONMENT_IN_USE: 409,
  ASSET_NOT_FOUND: 404,
  FILE_NOT_FOUND: 404,
  WALLET_LOCKED: 423,
  WALLET_EXISTS: 409,
  PASSWORD_WRONG: 401,
  NOT_AVAILABLE: 503,
  ACCESS_REQUEST_NOT_FOUND: 404,
  JOB_NOT_HELD: 409,
  KUBE_CONTEXT_FAILING: 409,
  ALGORITHM_NOT_PUBLISHED: 409,
  ACCESS_REQUEST_DECIDED: 409,
  ASSET_PUBLISHED_ELSEWHERE: 409,
  ASSET_NOT_ON_CHAIN: 409,
  PUBLISH_IN_PROGRESS: 409,
  INTERNAL: 500,
}

export function consoleError(code: ConsoleErrorCode, message: string, details?: unknown): C2dError {
  return new C2dError(code, STATUS[code], message, details === undefined ? undefined : { details })
}
