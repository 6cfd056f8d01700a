/**
 * Signs each finished job's receipt (issue 12) with the Provider key and writes `receipt.json` into
 * the job's results folder; the Operator-Service then lists it after the driver's files, so
 * ocean.js indices are unchanged. The receipt states every file the consumer can download (their
 * sha256 and size), so `verify-receipt` can check them; a rejected job's withheld outputs are not
 * in it. Dataset and algorithm `filesChecksum`: Ocean's content checksum (sha256 of each file,
 * concatenated) for local files; for remote sources, `sources:` + sha256 of the source list as
 * registered (no URL or header is written). The receipt's EIP-712 domain names the chain the job was
 * paid or ordered on (issue 14: several chains at once), never simply the primary chain.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { signJobReceipt, type JobReceiptMessage } from '../chain/job-receipt'
import type { FileSource } from '../file-source'
import type { JobReceipts, JobRecord } from '../operator-service/job-record'
import { containerSectionChecksum } from '../publishing/algorithm-checksums'
import { canonicalJson } from '../store/audit-repo'
import type { NodeIdentity } from './server'

export const RECEIPT_FILENAME = 'receipt.json'

async function sha256OfFile(path: string): Promise<{ hex: string; sizeBytes: number }> {
  const hash = createHash('sha256')
  let sizeBytes = 0
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer)
    sizeBytes += (chunk as Buffer).length
  }
  return { hex: hash.digest('hex'), sizeBytes }
}

async function filesChecksumOf(files: readonly FileSource[]): Promise<string> {
  if (files.length > 0 && files.every((f) => f.type === 'local')) {
    try {
      const sums: string[] = []
      for (const f of files) sums.push((await sha256OfFile((f as { path: string }).path)).hex)
      return sums.join('')
    } catch {
      // The file moved since the job ran: fall back to the commitment to the source list.
    }
  }
  return 'sources:' + createHash('sha256').update(canonicalJson(files)).digest('hex')
}

/** The receipt's statement of `job` (pure but for hashing the files). */
export async function receiptMessage(
  job: JobRecord,
  resultsDir: string,
  provider: string,
): Promise<JobReceiptMessage> {
  const { spec } = job
  const source = spec.algorithm.source
  const rawCodeHash = 'code' in source ? createHash('sha256').update(source.code).digest('hex') : ''
  const files: JobReceiptMessage['files'] = []
  for (const result of job.results) {
    if (result.type === 'receipt') continue
    const { hex, sizeBytes } = await sha256OfFile(join(resultsDir, result.filename))
    files.push({ name: result.filename, sha256: '0x' + hex, sizeBytes: String(sizeBytes) })
  }
  return {
    provider,
    jobId: job.jobId,
    consumer: job.owner,
    datasets: await Promise.all(
      job.datasets.map(async (d, i) => ({
        did: d.did,
        serviceId: d.serviceId,
        filesChecksum: await filesChecksumOf(spec.datasets[i]?.files ?? []),
      })),
    ),
    algorithm: {
      did: job.algorithm.did ?? '',
      rawCodeHash,
      filesChecksum: 'code' in source ? rawCodeHash : await filesChecksumOf([source]),
      containerChecksum: containerSectionChecksum(spec.algorithm.container),
      image: spec.algorithm.container.image,
      tag: spec.algorithm.container.tag,
    },
    environment: job.environmentId,
    resources: JSON.stringify(job.resources.map((r) => ({ id: r.id, amount: r.amount }))),
    startedAtSec: Math.floor((job.algoStartMs ?? job.createdAtMs) / 1000),
    endedAtSec: Math.floor((job.finishedAtMs ?? job.updatedAtMs) / 1000),
    outcome: job.outcome?.kind ?? 'unknown',
    files,
    payment: {
      token: job.payment?.token ?? '',
      amountWei: job.payment?.claimedWei ?? '0',
      lockTx: job.payment?.lockTx ?? '',
      claimTx: job.payment?.claimTx ?? '',
    },
  }
}

function chainIdOf(value: unknown): number | undefined {
  const id = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined
}

/**
 * The chain a job's receipt names: the chain of its payment (escrow lock and claim) for a paid job,
 * else the chain of its first dataset's DDO (then the algorithm's), else the primary chain (a job
 * on raw code and persistent-storage files only touches no chain).
 */
export function receiptChainId(job: Pick<JobRecord, 'payment' | 'spec'>, primaryChainId: number): number {
  const paid = chainIdOf(job.payment?.chainId)
  if (paid !== undefined) return paid
  for (const ddo of [...job.spec.datasets.map((d) => d.ddo), job.spec.algorithm.ddo]) {
    const named = chainIdOf((ddo as { chainId?: unknown } | null | undefined)?.chainId)
    if (named !== undefined) return named
  }
  return primaryChainId
}

export function createJobReceipts(deps: {
  node(): NodeIdentity | undefined
  /** The primary chain: the receipt's chain when neither the payment nor a DDO names one. */
  primaryChainId: number
}): JobReceipts {
  return {
    async seal(job, resultsDir) {
      const identity = deps.node()
      if (!identity) return undefined
      const message = await receiptMessage(job, resultsDir, identity.address)
      const signed = await signJobReceipt(identity.signer, receiptChainId(job, deps.primaryChainId), message)
      const bytes = Buffer.from(JSON.stringify(signed, null, 2) + '\n', 'utf8')
      await writeFile(join(resultsDir, RECEIPT_FILENAME), bytes)
      return { filename: RECEIPT_FILENAME, filesizeBytes: bytes.length }
    },
  }
}
