/**
 * The approval inbox's enforcement point (issue 12). When the DDO's trust list refuses an algorithm,
 * `compute-plan.ts` asks this gate before answering: a node-only approval (an off-chain policy for
 * one consumer or all, until a date) lets the request through; otherwise the attempt is recorded as
 * an access request (collapsed per dataset, service, algorithm and checksums) and the consumer gets
 * Ocean's 403 naming it, or, once the publisher denied it, the publisher's reason.
 */
import { createHash } from 'node:crypto'
import type { Clock } from '../clock'
import type { AlgorithmContainer, FileSource } from '../file-source'
import { computeFilesChecksum, containerSectionChecksum } from '../publishing/algorithm-checksums'
import type { AccessRequestsRepo, AlgorithmOnService } from '../store/access-requests-repo'
import { providerError } from './errors'

/** What compute-plan knows about one refused (dataset, algorithm) pair. */
export interface UntrustedAlgorithm {
  datasetDid: string
  serviceId: string
  consumer: string
  /** Present for a published algorithm; absent for raw code. */
  algorithmDid?: string
  algorithmFiles?: FileSource[]
  rawCode?: string
  container: AlgorithmContainer
  /** The Provider's refusal (e.g. "Algorithm X is not trusted by dataset Y"). */
  reason: string
}

export interface AlgorithmApprovalGate {
  /** Resolves when a node-only approval allows it; throws the Provider error otherwise. */
  admit(untrusted: UntrustedAlgorithm, readFile?: (source: FileSource) => Promise<Uint8Array>): Promise<void>
}

export class AlgorithmApprovals implements AlgorithmApprovalGate {
  constructor(
    private readonly deps: {
      requests: AccessRequestsRepo
      clock: Clock
    },
  ) {}

  async admit(u: UntrustedAlgorithm, readFile?: (source: FileSource) => Promise<Uint8Array>): Promise<void> {
    const key = await identify(u, readFile)
    const nowMs = this.deps.clock.nowMs()
    const policy = this.deps.requests.allowingPolicy(key, u.consumer, nowMs)
    if (policy) return
    const request = this.deps.requests.recordAttempt(key, u.consumer, u.reason, nowMs)
    if (request.status === 'denied') {
      throw providerError(
        'ALGORITHM_DENIED',
        `The publisher denied this algorithm on dataset ${u.datasetDid}: ${request.denyReason ?? 'no reason given'} (request ${request.id})`,
        { details: { requestId: request.id } },
      )
    }
    throw providerError(
      'ALGORITHM_NOT_TRUSTED',
      `${u.reason}: awaiting the publisher's approval, request ${request.id}`,
      { details: { requestId: request.id } },
    )
  }
}

/** The collapse key: dataset + service + algorithm (DID or raw-code hash) + both checksums. */
async function identify(
  u: UntrustedAlgorithm,
  readFile?: (source: FileSource) => Promise<Uint8Array>,
): Promise<AlgorithmOnService> {
  const rawCodeHash =
    u.rawCode !== undefined ? createHash('sha256').update(u.rawCode).digest('hex') : undefined
  let filesChecksum: string | null = rawCodeHash ?? null
  if (u.algorithmFiles) {
    try {
      filesChecksum = await computeFilesChecksum(u.algorithmFiles, readFile)
    } catch {
      filesChecksum = null
    }
  }
  return {
    datasetDid: u.datasetDid,
    serviceId: u.serviceId,
    algorithmKey: u.algorithmDid ?? `raw:${rawCodeHash}`,
    ...(u.algorithmDid ? { algorithmDid: u.algorithmDid } : {}),
    ...(rawCodeHash ? { rawCodeHash } : {}),
    container: {
      ...(u.container.image ? { image: u.container.image } : {}),
      ...(u.container.tag ? { tag: u.container.tag } : {}),
      ...(u.container.checksum ? { checksum: u.container.checksum } : {}),
      ...(u.container.entrypoint ? { entrypoint: u.container.entrypoint } : {}),
    },
    containerChecksum: containerSectionChecksum(u.container),
    filesChecksum,
    ...(u.rawCode !== undefined ? { rawCode: u.rawCode } : {}),
  }
}
