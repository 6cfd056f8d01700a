/**
 * Provider error catalogue (style.md §2.5, binding). Routes throw these; exactly one handler renders
 * them: Ocean wire routes as a JSON *string* body plus an `x-c2d-error-code` header (spec §13).
 * This module must not import fastify, ethers or the store: it is pure data so docs/errors.md can
 * be checked against it (errors.test.ts).
 */
import { C2dError } from '../c2d-error'

export const PROVIDER_ERRORS = {
  REQUEST_MALFORMED_JSON: { status: 400, message: 'Request body is not valid JSON' },
  REQUEST_INVALID: { status: 400, message: 'Request is invalid' },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request body is too large' },
  REQUEST_HEADERS_TOO_LARGE: { status: 431, message: 'Request headers are too large' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such Provider route' },
  ADDRESS_INVALID: { status: 400, message: 'consumerAddress is not a valid address' },
  ENVIRONMENT_UNKNOWN: { status: 404, message: 'Compute environment not found' },
  RESOURCES_OVER_LIMIT: { status: 400, message: 'Requested resources exceed the environment limits' },
  FILE_NAME_INVALID: { status: 400, message: 'Invalid file name or path' },
  SIGNATURE_INVALID: { status: 401, message: 'Invalid signature' },
  NONCE_NOT_INCREASING: { status: 401, message: 'Invalid nonce' },
  AUTH_TOKEN_INVALID: { status: 401, message: 'Invalid or expired auth token' },
  ENVIRONMENT_ACCESS_DENIED: { status: 403, message: 'Access to this compute environment is denied' },
  ENVIRONMENT_ACCESS_LIST_DENIED: {
    status: 403,
    message: "The consumer holds no token of the environment's access lists",
  },
  ENVIRONMENT_NOT_ALLOWED: {
    status: 403,
    message: 'The dataset does not allow jobs in this compute environment',
  },
  ALGORITHM_NOT_TRUSTED: { status: 403, message: 'Algorithm is not trusted for this dataset' },
  ALGORITHM_DENIED: { status: 403, message: 'The publisher denied this algorithm on this dataset' },
  CREDENTIALS_DENIED: { status: 403, message: "The consumer is on the asset's credentials deny list" },
  CREDENTIALS_NOT_ALLOWED: {
    status: 403,
    message: "The consumer is not on the asset's credentials allow list",
  },
  CONSUMER_DENIED: { status: 403, message: "The consumer is on the dataset's deny list in this console" },
  CONSUMER_NOT_ALLOWED: {
    status: 403,
    message: "The consumer is not on the dataset's allow list in this console",
  },
  QUOTA_JOBS_PER_DAY: { status: 429, message: 'Daily job quota for this dataset reached' },
  QUOTA_COMPUTE_MINUTES: { status: 429, message: 'Daily compute-minutes quota for this dataset reached' },
  QUOTA_CONCURRENT_JOBS: { status: 429, message: 'Concurrent job quota for this dataset reached' },
  QUOTA_ENV_JOBS_PER_DAY: { status: 429, message: 'Daily job quota for this compute environment reached' },
  QUOTA_ENV_COMPUTE_MINUTES: {
    status: 429,
    message: 'Daily compute-minutes quota for this compute environment reached',
  },
  QUOTA_ENV_CONCURRENT_JOBS: {
    status: 429,
    message: 'Concurrent job quota for this compute environment reached',
  },
  ASSET_NOT_ACTIVE: { status: 403, message: 'Asset is not active' },
  ASSET_NOT_FOUND: { status: 404, message: 'Asset not found' },
  SERVICE_INVALID: { status: 400, message: 'Service is not a compute service of this asset' },
  FILE_INFO_URL_OFF: { status: 403, message: 'fileInfo does not probe URLs on this node' },
  FILE_INFO_URL_REFUSED: { status: 403, message: 'fileInfo does not reach non-public addresses' },
  STORAGE_DISABLED: { status: 404, message: 'Persistent storage is not enabled on this node' },
  STORAGE_CREATE_DENIED: { status: 403, message: 'You are not allowed to create new buckets' },
  STORAGE_LIMIT_REACHED: { status: 403, message: 'The owner keeps as many buckets as this node allows' },
  STORAGE_QUOTA_EXCEEDED: { status: 413, message: 'The upload exceeds the persistent-storage limits' },
  BUCKET_NOT_FOUND: { status: 404, message: 'Bucket not found' },
  BUCKET_ACCESS_DENIED: { status: 403, message: 'You are not allowed to access this bucket' },
  STORAGE_FILE_NOT_FOUND: { status: 404, message: 'File not found in the bucket' },
  OUTPUT_BUCKET_UNDER_REVIEW: {
    status: 403,
    message: "The datasets' outputs wait for the publisher's review: they cannot go to a bucket",
  },
  NETWORK_NOT_ALLOWED: { status: 403, message: 'Network access is not allowed for this dataset' },
  FREE_LIMIT_REACHED: { status: 429, message: 'Free compute limit reached' },
  JOB_INPUTS_TOO_LARGE: { status: 413, message: "The job's inputs are too large for the compute backend" },
  PAYMENT_INVALID: { status: 400, message: 'Payment is invalid' },
  CHAIN_NOT_SERVED: { status: 400, message: "The asset's chain is not served by this node" },
  ORDER_INVALID: { status: 400, message: 'Order is invalid' },
  ESCROW_INSUFFICIENT: { status: 400, message: 'Escrow lock cannot be created' },
  JOB_NOT_FOUND: { status: 404, message: 'Job not found' },
  RESULT_NOT_FOUND: { status: 404, message: 'Result not found' },
  RESULT_AWAITING_REVIEW: { status: 403, message: "The job's outputs await the publisher's review" },
  LOGS_WITHHELD: { status: 403, message: 'Live logs are not streamed for jobs under publisher review' },
  LOGS_NOT_STREAMING: { status: 404, message: 'Job is not running' },
  RANGE_NOT_SATISFIABLE: { status: 416, message: 'Range not satisfiable' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  CLIENT_DENIED: { status: 403, message: 'Unauthorized request' },
  ADMIN_DENIED: { status: 403, message: 'Not an allowed admin' },
  CHAIN_UNAVAILABLE: { status: 502, message: 'Chain RPC is unavailable' },
  ENGINE_UNAVAILABLE: { status: 503, message: 'Compute engine is unavailable' },
  PROVIDER_KEY_UNAVAILABLE: { status: 503, message: 'The provider key is locked' },
  // The message never includes the cause (style.md §2.5); the handler adds a request id.
  INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>

export type ProviderErrorCode = keyof typeof PROVIDER_ERRORS

export function providerError(
  code: ProviderErrorCode,
  message?: string,
  options?: { details?: unknown; cause?: unknown },
): C2dError {
  const entry = PROVIDER_ERRORS[code]
  return new C2dError(code, entry.status, message ?? entry.message, options)
}
