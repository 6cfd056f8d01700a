/**
 * Signed job receipts (issue 12): an EIP-712 statement, signed with the Provider key when a job
 * ends, of what ran on which data for whom, and the sha256 and size of every file released.
 * A consumer checks it with `verifyJobReceipt` (or `npm run verify-receipt`) against the Provider's
 * root document `providerAddress` and the files it downloaded. Chain layer: ethers and node:crypto.
 */
import { createHash } from 'node:crypto'
import { TypedDataEncoder, verifyTypedData, type Signer } from 'ethers'

export const RECEIPT_DOMAIN_NAME = 'C2D Job Receipt'
export const RECEIPT_DOMAIN_VERSION = '1'

/** The EIP-712 types; changing them is a new domain version. */
export const RECEIPT_TYPES = {
  Receipt: [
    { name: 'provider', type: 'address' },
    { name: 'jobId', type: 'string' },
    { name: 'consumer', type: 'address' },
    { name: 'datasets', type: 'Dataset[]' },
    { name: 'algorithm', type: 'Algorithm' },
    { name: 'environment', type: 'string' },
    { name: 'resources', type: 'string' },
    { name: 'startedAtSec', type: 'uint64' },
    { name: 'endedAtSec', type: 'uint64' },
    { name: 'outcome', type: 'string' },
    { name: 'files', type: 'File[]' },
    { name: 'payment', type: 'Payment' },
  ],
  Dataset: [
    { name: 'did', type: 'string' },
    { name: 'serviceId', type: 'string' },
    { name: 'filesChecksum', type: 'string' },
  ],
  Algorithm: [
    { name: 'did', type: 'string' },
    { name: 'rawCodeHash', type: 'string' },
    { name: 'filesChecksum', type: 'string' },
    { name: 'containerChecksum', type: 'string' },
    { name: 'image', type: 'string' },
    { name: 'tag', type: 'string' },
  ],
  File: [
    { name: 'name', type: 'string' },
    { name: 'sha256', type: 'bytes32' },
    { name: 'sizeBytes', type: 'uint256' },
  ],
  Payment: [
    { name: 'token', type: 'string' },
    { name: 'amountWei', type: 'uint256' },
    { name: 'lockTx', type: 'string' },
    { name: 'claimTx', type: 'string' },
  ],
} as const

export interface JobReceiptMessage {
  provider: string
  jobId: string
  consumer: string
  datasets: Array<{ did: string; serviceId: string; filesChecksum: string }>
  algorithm: {
    did: string
    rawCodeHash: string
    filesChecksum: string
    containerChecksum: string
    image: string
    tag: string
  }
  /** JSON of the resources the job had ({cpu, ramGb, diskGb, ...}). */
  environment: string
  resources: string
  startedAtSec: number
  endedAtSec: number
  outcome: string
  /** Every released file; sha256 as 0x + 64 hex digits. */
  files: Array<{ name: string; sha256: string; sizeBytes: string }>
  /** Free jobs: token '' and amount '0'. */
  payment: { token: string; amountWei: string; lockTx: string; claimTx: string }
}

/** The file `receipt.json` as served: domain, message, signature. */
export interface SignedJobReceipt {
  kind: 'c2d-job-receipt'
  domain: { name: string; version: string; chainId: number }
  message: JobReceiptMessage
  signature: string
}

export function receiptDomain(chainId: number) {
  return { name: RECEIPT_DOMAIN_NAME, version: RECEIPT_DOMAIN_VERSION, chainId }
}

export function sha256Hex0x(bytes: Uint8Array): string {
  return '0x' + createHash('sha256').update(bytes).digest('hex')
}

export async function signJobReceipt(
  signer: Pick<Signer, 'signTypedData'>,
  chainId: number,
  message: JobReceiptMessage,
): Promise<SignedJobReceipt> {
  const domain = receiptDomain(chainId)
  const signature = await signer.signTypedData(domain, RECEIPT_TYPES as never, message)
  return { kind: 'c2d-job-receipt', domain, message, signature }
}

export type ReceiptVerification = { ok: true; signer: string } | { ok: false; reason: string }

/**
 * Checks a receipt: its shape, that it names a chain the Provider serves (`chainIds`, from its root
 * document, when given) and the chain expected (`chainId`, when given), that the EIP-712 signature
 * (over the domain, so over the chain id too) recovers to `providerAddress` (from the Provider's
 * root document) and to the receipt's own provider field, and that each given file (by name) has
 * the size and sha256 the receipt states. Files not given are not checked.
 */
export function verifyJobReceipt(
  receipt: unknown,
  expected: {
    providerAddress: string
    files?: Array<{ name: string; bytes: Uint8Array }>
    /** The chains the Provider serves (its root document's `chainIds`); absent: not checked. */
    chainIds?: readonly number[]
    /** The chain the job was paid or ordered on, when the caller knows it; absent: not checked. */
    chainId?: number
  },
): ReceiptVerification {
  const r = receipt as Partial<SignedJobReceipt> | null
  if (!r || r.kind !== 'c2d-job-receipt' || !r.domain || !r.message || typeof r.signature !== 'string')
    return { ok: false, reason: 'not a c2d job receipt (kind, domain, message, signature)' }
  if (r.domain.name !== RECEIPT_DOMAIN_NAME || r.domain.version !== RECEIPT_DOMAIN_VERSION)
    return { ok: false, reason: `unknown receipt domain ${r.domain.name} v${r.domain.version}` }
  const chainId = r.domain.chainId
  if (typeof chainId !== 'number' || !Number.isSafeInteger(chainId) || chainId <= 0)
    return { ok: false, reason: `the receipt names no chain (domain chainId ${String(chainId)})` }
  if (expected.chainIds && !expected.chainIds.includes(chainId))
    return {
      ok: false,
      reason: `the receipt names chain ${chainId}, which the Provider does not serve (${expected.chainIds.join(', ')})`,
    }
  if (expected.chainId !== undefined && expected.chainId !== chainId)
    return { ok: false, reason: `the receipt names chain ${chainId}, not chain ${expected.chainId}` }
  let signer: string
  try {
    TypedDataEncoder.hash(r.domain, RECEIPT_TYPES as never, r.message)
    signer = verifyTypedData(r.domain, RECEIPT_TYPES as never, r.message, r.signature)
  } catch (error) {
    return { ok: false, reason: `signature or message malformed: ${(error as Error).message}` }
  }
  if (signer.toLowerCase() !== expected.providerAddress.toLowerCase())
    return { ok: false, reason: `signed by ${signer}, not by the Provider ${expected.providerAddress}` }
  if (signer.toLowerCase() !== r.message.provider.toLowerCase())
    return { ok: false, reason: `signed by ${signer}, but the receipt names provider ${r.message.provider}` }
  for (const file of expected.files ?? []) {
    const stated = r.message.files.find((f) => f.name === file.name)
    if (!stated) return { ok: false, reason: `${file.name} is not a file of this receipt` }
    if (BigInt(stated.sizeBytes) !== BigInt(file.bytes.length))
      return {
        ok: false,
        reason: `${file.name}: ${file.bytes.length} bytes, the receipt states ${stated.sizeBytes}`,
      }
    const actual = sha256Hex0x(file.bytes)
    if (actual.toLowerCase() !== stated.sha256.toLowerCase())
      return {
        ok: false,
        reason: `${file.name}: sha256 ${actual} differs from the receipt's ${stated.sha256}`,
      }
  }
  return { ok: true, signer }
}
