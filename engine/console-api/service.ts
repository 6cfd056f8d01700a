/**
 * The console service: implements the contract over the operator-service, environments, asset
 * registry/publishing, chain, driver health, wallet and provider status. Every dependency is an
 * explicit interface passed to the constructor and may be absent (e.g. no wallet yet): an absent
 * part answers with a clear error code, never a crash. Inputs arrive already validated by dispatch.
 * Must not import electron, react, main/ or renderer/. Never returns a key or a JobSpec.
 */
import type { LogLineWindow } from './log-line-index'
import { isC2dError } from '../c2d-error'
import type { Clock } from '../clock'
import type { Logger } from '../logging'
import { isTerminalStatus, type JobStatus } from '../operator-service/job-status'
import type {
  AccessRequestAlgorithm,
  AccessRequestSummary,
  AuditEventSummary,
  AssetSummary,
  ConsoleEnvironment,
  ConsoleEventName,
  ConsoleService,
  EventPayload,
  JobCounts,
  JobSummary,
  MethodOutput,
  MethodParsedInput,
  ServedChain,
  UnfinishedPublish,
} from './contract'
import { ASSET_STATES, assetDraftSchema, assetStateName, JOB_CURSOR_PREFIX, type JobSort } from './contract'
import type { JobsAfter } from '../store/jobs-repo'
import { consoleError, ConsoleErrorCode } from './errors'
import { auditHeadMessage, auditToCsv, auditToJsonl } from '../store/audit-export'
import { createPublisherControlMethods, type ConsoleReviewPort } from './publisher-control'

export type { ConsoleReviewPort } from './publisher-control'
import { utf8CompleteLength } from '../operator-service/log-streams'

/** What the console filters jobs by (engine/store/jobs-repo.ts answers each from an index). */
export interface ConsoleJobFilter {
  statuses?: JobStatus[]
  owner?: string
  did?: string
  environmentId?: string
  outcome?: 'succeeded' | 'failed' | 'stopped' | 'expired'
  /** Any of these substrings (case-insensitive) in job id, consumer or a DID. */
  searchTerms?: string[]
  /** Keyset paging: the jobs after this one in the list's order (with the sort column's value). */
  after?: JobsAfter
  /** Sort column (default created) and direction ('newest' = descending, the default). */
  sort?: JobSort['column']
  order?: 'newest' | 'oldest'
}

/** The slice of OperatorService (engine/operator-service/operator-service.ts) the console reads. */
export interface ConsoleJobSource {
  getJob(jobId: string): JobSummary | undefined
  listJobs(filter: ConsoleJobFilter & { limit?: number; offset?: number }): Array<JobSummary>
  countJobs(filter: ConsoleJobFilter): number
  /** The job's value in a sort's leading column as the store orders it (for keyset cursors). */
  jobSortValue(jobId: string, sort: 'duration' | 'assetName'): number | string | undefined
  jobEvents(
    jobId: string,
  ): Array<{ seq: number; from: JobStatus | null; to: JobStatus; cause: string; atMs: number }>
  stopJob(jobId: string): Promise<JobSummary>
  openResult(
    jobId: string,
    index: number,
  ): { path: string; sizeBytes: number; filename: string; contentType: string }
  isAlgorithmRunning(jobId: string): boolean
  /** Where the running algorithm writes its log (absent: only published logs can be read). */
  algorithmLogPath?(jobId: string): string
  environmentLoad(environmentId: string): { running: number; queued: number }
  onDidChangeJob(
    listener: (change: {
      seq: number
      job: JobSummary
      from: JobStatus | null
      to: JobStatus
      cause: string
    }) => void,
  ): () => void
  onJobLog(
    listener: (e: { jobId: string; chunk: string; offsetBytes?: number; nextByte?: number }) => void,
  ): () => void
}
export interface ConsoleEnvironmentStore {
  listEnvironments(): ConsoleEnvironment[]
  getEnvironment(id: string): ConsoleEnvironment | undefined
  saveEnvironment(env: ConsoleEnvironment): void
  deleteEnvironment(id: string): void
}
export interface ConsoleAssetPort {
  list(kind?: 'dataset' | 'algorithm'): AssetSummary[]
  /**
   * A new asset; with `existingDid`, its unfinished publish resumed from the recorded progress, else
   * an edit of that asset. A dataset's `options.environments` are recorded with the publish and
   * stored through `options.applyEnvironments` as soon as the DID exists and before setMetaData
   * is signed (a resume without them applies the recorded ones if not yet done); after an edit.
   */
  publish(
    draft: MethodParsedInput<'publishAsset'>['draft'],
    existingDid?: string,
    options?: {
      environments?: string[]
      applyEnvironments?: (did: string, environments: string[]) => void
    },
  ): Promise<AssetSummary>
  remove(did: string): void
  /** The stored asset's public facts (absent port: NOT_AVAILABLE; unknown DID: undefined). */
  details?(did: string): MethodOutput<'getAsset'> | undefined
  /** setMetaData again with the changes applied; resolves once mined. */
  edit?(did: string, changes: MethodParsedInput<'editAsset'>['changes']): Promise<MethodOutput<'editAsset'>>
  /** The checksums publishing would pin for this console's algorithm `did` (absent: NOT_AVAILABLE). */
  trustedAlgorithm?(did: string): Promise<MethodOutput<'getTrustedAlgorithmChecksums'>>
  /** ERC-20 symbol and decimals, cached per token by the port. */
  tokenInfo?(token: string): Promise<MethodOutput<'getTokenInfo'>['tokens'][number]>
  /** On-chain actions (absent: NOT_AVAILABLE). Each resolves once its tx is mined. */
  setState?(did: string, state: number): Promise<{ asset: AssetSummary; txHash: string }>
  readState?(did: string): Promise<number>
  /** `amount` is a decimal token string (18 decimals). */
  mint?(did: string, to: string, amount: string): Promise<string>
  createDispenser?(did: string, limits: { maxTokens: string; maxBalance: string }): Promise<string>
  createFixedRate?(did: string, price: { price: string; baseToken?: string }): Promise<string>
  /** The datatoken's fixed rates and dispensers, read on chain (RPC failure → CHAIN_UNAVAILABLE). */
  prices?(did: string): Promise<MethodOutput<'getAssetPrices'>>
  balances?(): Promise<MethodOutput<'getBalances'>>
  /** Native coin and OCEAN on every served chain; a chain that fails is told in its own row. */
  chainBalances?(): Promise<MethodOutput<'getChainBalances'>>
  onPublishProgress?(listener: (event: EventPayload<'onPublishProgress'>) => void): () => void
  /** First publishes that stopped before the asset was live (absent: this port keeps none). */
  listUnfinished?(): UnfinishedPublish[]
  /**
   * Finishes one from its recorded progress (`id`: DID or pending id); the recorded environments
   * go through `options.applyEnvironments` before setMetaData if they had not yet.
   */
  resumeUnfinished?(
    id: string,
    options: { applyEnvironments?: (did: string, environments: string[]) => void },
  ): Promise<AssetSummary>
  /** Forgets its local record; nothing on chain changes. */
  discardUnfinished?(id: string): void
}
export interface ConsoleWalletPort {
  status(): MethodOutput<'getWallet'>
  /** The recovery phrase, when the key has one, is returned here once and never again. */
  create(password: string): Promise<MethodOutput<'createWallet'>>
  importKey(privateKey: string, password: string): Promise<MethodOutput<'getWallet'>>
  importMnemonic?(mnemonic: string, password: string): Promise<MethodOutput<'getWallet'>>
  unlock(password: string): Promise<MethodOutput<'getWallet'>>
  lock?(): MethodOutput<'getWallet'>
  /** The encrypted keystore JSON; null when there is no wallet. */
  keystoreJson?(): string | null
}
export interface ConsoleHealthPort {
  check(): Promise<MethodOutput<'checkHealth'>>
  backend(): MethodOutput<'getComputeBackend'> | Promise<MethodOutput<'getComputeBackend'>>
  /** Kubernetes contexts other than the running one (absent: this console cannot reach kubeconfigs). */
  checkContext?(context: string, namespace: string): Promise<MethodOutput<'checkHealth'>>
  createNamespace?(context: string, namespace: string): Promise<void>
  select?(
    choice: MethodParsedInput<'selectComputeBackend'>,
  ): MethodOutput<'selectComputeBackend'> | Promise<MethodOutput<'selectComputeBackend'>>
  onDidChange?(listener: (health: MethodOutput<'checkHealth'>) => void): () => void
}
export interface ConsoleSettingsPort {
  get(): Omit<MethodOutput<'getSettings'>, 'walletAddress'>
  save(patch: MethodParsedInput<'saveSettings'>): Omit<MethodOutput<'getSettings'>, 'walletAddress'>
}
export interface ConsoleNotificationPreferencePort {
  /** undefined: never chosen (off: the browser asks its permission only when the user turns it on). */
  get(): boolean | undefined
  set(isOn: boolean): void
}
export interface ConsoleProviderStatus {
  /** Read on every getOverview: the Provider URL to share may change while running (Settings → Network). */
  readonly url: string
  address(): string | null
  /** `feeToken`: the token environments' paid tier takes on this chain (OCEAN), when known. */
  chain(): { chainId: number; name: string; feeToken?: string } | null
  /**
   * Every chain served (issue 14), the primary (`chain()`) first; absent: the primary chain only.
   * Fixed for the run (chain.additionalChains is read at start).
   */
  chains?(): Array<{ chainId: number; name: string; feeToken?: string }>
  /** A served chain's latest block number (eth_blockNumber); no chain id: the primary chain. */
  blockNumber?(chainId?: number): Promise<number>
  /** The chain's start failure (the console then runs without a chain); null when none. */
  chainError?(): { code?: string; message: string } | null
  onProviderRequest?(listener: (e: EventPayload<'onProviderRequest'>) => void): () => void
}
/** Settings → Chain → Check (engine/chain/chain-check.ts). */
export interface ConsoleChainCheckPort {
  check(choice: MethodParsedInput<'checkChain'>): Promise<MethodOutput<'checkChain'>>
}
/** Reachability (P2P and the public URL); absent = P2P off and no public URL known. */
export interface ConsoleReachabilityPort {
  reachability(): Promise<MethodOutput<'getReachability'>>
}
/** Settings → Network (engine/p2p/network-control.ts): applied at once, kept for the next start. */
export interface ConsoleNetworkPort {
  get(): MethodOutput<'getNetworkSettings'>
  save(
    patch: Omit<MethodParsedInput<'saveNetworkSettings'>, 'confirm'>,
  ): Promise<MethodOutput<'saveNetworkSettings'>>
}
/**
 * The audit trail (engine/store/audit-repo.ts) plus the Provider key's signature for exports.
 * `record` is also how the service writes configuration and wallet events.
 */
export interface ConsoleAuditPort {
  list(filter: {
    type?: string
    actor?: string
    subject?: string
    afterSeq?: number
    limit?: number
  }): AuditEventSummary[]
  head(): { seq: number; hash: string }
  verify(): MethodOutput<'verifyAudit'>
  record(event: {
    type: string
    actor?: string | null
    subject?: string | null
    details?: Record<string, unknown>
  }): void
  /** EIP-191 signature by the Provider key; undefined while the wallet is locked. */
  signMessage(message: string): Promise<{ signature: string; address: string } | undefined>
}
/** The approval inbox (engine/store/access-requests-repo.ts). */
export interface ConsoleApprovalsPort {
  list(filter: { status?: AccessRequestSummary['status']; datasetDid?: string }): AccessRequestSummary[]
  get(id: string): AccessRequestSummary | undefined
  approve(id: string, grant: { consumer: string | null; untilMs: number | null }): AccessRequestSummary
  deny(id: string, reason: string): AccessRequestSummary
  /** Removes a node-only approval; undefined when there is none with this id. */
  revokePolicy?(policyId: string): AccessRequestSummary | undefined
  /** Marks it approved on chain with the confirmed setMetaData tx. */
  approveOnChain?(id: string, txHash: string): AccessRequestSummary
  /** Written before the setMetaData is sent: the intent a restart finishes (approval-recovery.ts). */
  beginOnChain?(
    id: string,
    entry: { did: string; filesChecksum: string; containerSectionChecksum: string },
  ): AccessRequestSummary
  /** The approval's tx hash as soon as it is known. */
  recordOnChainTx?(id: string, txHash: string): void
  /** The approval did not happen: the request stays pending, with why. */
  dropOnChain?(id: string, reason: string): AccessRequestSummary
  /** The algorithm's DDO and code as far as this console holds them. */
  algorithmOf?(id: string): Promise<AccessRequestAlgorithm>
  /**
   * Approval on chain: the dataset's DDO trusts the algorithm with these checksums (setMetaData
   * through the asset port's edit path), confirmed on the receipt; progress on onPublishProgress.
   */
  trustOnChain?(
    datasetDid: string,
    serviceId: string,
    entry: { did: string; filesChecksum: string; containerSectionChecksum: string },
    onTx?: (txHash: string) => void,
  ): Promise<{ txHash: string; blockNumber: number }>
}
/**
 * How long getOverview reuses the last health result. A check runs the driver's whole health (on
 * Kubernetes a TCP/TLS probe, maybe an exec credential plugin, an API call per permission), too
 * much for a screen that polls; checkHealth (the Compute backend screen asking) always runs it and
 * refreshes what the Overview shows.
 */
export const OVERVIEW_HEALTH_MAX_AGE_MS = 15_000

export interface ConsoleServiceDeps {
  /** Publisher control: dataset policies and output review (absent: NOT_AVAILABLE). */
  review?: ConsoleReviewPort
  /** Publisher control: the approval inbox (absent: NOT_AVAILABLE). */
  approvals?: ConsoleApprovalsPort
  /** Publisher control: the audit trail (absent: NOT_AVAILABLE; nothing recorded). */
  audit?: ConsoleAuditPort
  logger: Logger
  clock: Clock
  jobs?: ConsoleJobSource
  environments?: ConsoleEnvironmentStore
  assets?: ConsoleAssetPort
  wallet?: ConsoleWalletPort
  health?: ConsoleHealthPort
  settings?: ConsoleSettingsPort
  /**
   * The browser console's desktop-notifications choice (the settings table, kept across starts);
   * absent: kept in memory for this run. The desktop app answers these calls in main/ instead.
   */
  notificationPreference?: ConsoleNotificationPreferencePort
  provider?: ConsoleProviderStatus
  reachability?: ConsoleReachabilityPort
  network?: ConsoleNetworkPort
  chainCheck?: ConsoleChainCheckPort
  /** The wizard's test fetch of a file source (engine/console-api/file-check.ts; absent: NOT_AVAILABLE). */
  checkFile?: (source: MethodParsedInput<'checkFile'>['source']) => Promise<MethodOutput<'checkFile'>>
  /** Results bigger than this go through the HTTP download route instead of readResult. */
  maxInlineResultBytes?: number
  readFile?: (path: string) => Promise<Uint8Array>
  /** The desktop Save dialog (absent: saveResult answers NOT_AVAILABLE); null = cancelled. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>
  /** Streams a file to another path, reporting bytes written (never the whole file in memory). */
  copyFile?: (from: string, to: string, onProgress: (copiedBytes: number) => void) => Promise<void>
  /** Up to maxBytes from fromByte, and the file's size now; a missing file is empty (size 0). */
  readFileRange?: (
    path: string,
    fromByte: number,
    maxBytes: number,
  ) => Promise<{ bytes: Uint8Array; sizeBytes: number }>
  /** Windows of lines and search over log files, from a cached incremental line index. */
  logLines?: ConsoleLogLinePort
}

/** engine/console-api/log-line-index.ts (createLogLineCache) implements it over real files. */
export interface ConsoleLogLinePort {
  readLines(path: string, fromLine: number, maxLines: number): Promise<LogLineWindow>
  search(
    path: string,
    input: {
      query: string
      isCaseSensitive: boolean
      fromLine: number
      direction: 'forward' | 'backward'
      limit: number
    },
  ): Promise<{
    matches: Array<{ line: number; column: number }>
    nextCursor: number | null
    lineCount: number
  }>
}

const LOG_RESULT_TYPE = {
  algorithm: 'algorithmLog',
  configuration: 'configurationLog',
  publish: 'publishLog',
} as const

/** Project a JobRecord onto what the console may see: the spec (dataset URLs, secrets) stays behind. */
export function toJobSummary(job: JobSummary): JobSummary {
  const {
    jobId,
    owner,
    environmentId,
    datasets,
    algorithm,
    status,
    outcome,
    stopRequested,
    createdAtMs,
    updatedAtMs,
    finishedAtMs,
    algoStartMs,
    algoStopMs,
    maxJobDurationSec,
    isFree,
    results,
    terminationDetails,
    payment,
    review,
    waiting,
  } = job
  return {
    jobId,
    owner,
    environmentId,
    datasets,
    algorithm,
    status,
    outcome,
    stopRequested,
    createdAtMs,
    updatedAtMs,
    finishedAtMs,
    algoStartMs,
    algoStopMs,
    maxJobDurationSec,
    isFree,
    results,
    terminationDetails,
    payment,
    ...(review ? { review } : {}),
    ...(waiting ? { waiting } : {}),
  }
}

const RUNNING: JobStatus[] = [0, 10, 12, 20, 30, 40, 50, 60, 71]
const QUEUED: JobStatus[] = [1]

/** Jobs per list filter: running, queued and the four outcomes of finished jobs partition `all`. */
export function countJobsByList(jobs: ConsoleJobSource, base: ConsoleJobFilter): JobCounts {
  const finished = (outcome: NonNullable<ConsoleJobFilter['outcome']>) =>
    jobs.countJobs({ ...base, statuses: [70], outcome })
  return {
    all: jobs.countJobs(base),
    running: jobs.countJobs({ ...base, statuses: RUNNING }),
    queued: jobs.countJobs({ ...base, statuses: QUEUED }),
    succeeded: finished('succeeded'),
    failed: finished('failed'),
    stopped: finished('stopped'),
    expired: finished('expired'),
  }
}

/** The UTC start of the day, ISO week (Monday) or month holding `atMs`. */
export function periodStartMs(atMs: number, period: 'day' | 'week' | 'month'): number {
  const d = new Date(atMs)
  if (period === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
  if (period === 'day') return day
  return day - ((d.getUTCDay() + 6) % 7) * 86_400_000
}

/**
 * "<createdAtMs>:<jobId>", or with the sort's value in front (JOB_CURSOR_PREFIX): "s<status>:",
 * "d<durationSortMs>:", "a<uri-encoded asset sort name>:". The contract checked the shape.
 */
function parseJobCursor(cursor: string): JobsAfter {
  const prefix = cursor[0]
  if (prefix === 's' || prefix === 'd' || prefix === 'a') {
    const colon = cursor.indexOf(':')
    const value = cursor.slice(1, colon)
    const rest = parseJobCursor(cursor.slice(colon + 1))
    if (prefix === 's') return { status: Number(value), ...rest }
    if (prefix === 'd') return { durationSortMs: Number(value), ...rest }
    return { assetSort: decodeURIComponent(value), ...rest }
  }
  const colon = cursor.indexOf(':')
  return { createdAtMs: Number(cursor.slice(0, colon)), jobId: cursor.slice(colon + 1) }
}

/** The cursor after `job`; the duration and asset values come from the store (as it sorts them). */
function jobCursor(job: JobSummary, sort: JobSort['column'], jobs: ConsoleJobSource): string {
  const tail = `${job.createdAtMs}:${job.jobId}`
  if (sort === 'created') return tail
  if (sort === 'status') return `s${job.status}:${tail}`
  const value = jobs.jobSortValue(job.jobId, sort)
  if (value === undefined) throw new Error(`Job ${job.jobId} left the store while its page was read`)
  return `${JOB_CURSOR_PREFIX[sort]}${sort === 'assetName' ? encodeURIComponent(String(value)) : value}:${tail}`
}

const BLOCK_NUMBER_TIMEOUT_MS = 2_000

/** Every served chain, the primary first (a port without `chains` serves its one chain). */
function servedChains(provider: ConsoleProviderStatus | undefined): ServedChain[] {
  const primary = provider?.chain() ?? null
  const all = provider?.chains?.() ?? (primary ? [primary] : [])
  return all.map((c, i) => ({
    chainId: c.chainId,
    name: c.name,
    primary: primary ? c.chainId === primary.chainId : i === 0,
    feeToken: c.feeToken ?? null,
  }))
}

/**
 * An environment's fees may name only served chains (Ocean Node lists `fees` per chain it serves).
 * Prices the stored environment already has, unchanged, for a chain no longer served (the chain was
 * changed in Settings) are kept as they are: they are not listed to consumers nor paid with, and an
 * edit of the rest of the environment must not be refused for them.
 */
function unservedFeeIssues(
  env: ConsoleEnvironment,
  stored: ConsoleEnvironment | undefined,
  served: readonly ServedChain[],
): Array<{ path: string; message: string }> {
  const ids = served.map((c) => c.chainId)
  const list = ids.length > 0 ? `it serves ${ids.join(', ')}` : 'it serves no chain now'
  return Object.entries(env.fees)
    .filter(([chainId]) => !ids.includes(Number(chainId)))
    .filter(([chainId, fees]) => JSON.stringify(stored?.fees[chainId]) !== JSON.stringify(fees))
    .map(([chainId]) => ({
      path: `environment.fees.${chainId}`,
      message: `chain ${chainId} is not served by this console (${list}): no consumer could pay there`,
    }))
}

/** The chain's block height for the status bar; null when the RPC fails or is slow (the overview still answers). */
async function latestBlock(
  provider: ConsoleProviderStatus | undefined,
  chainId?: number,
): Promise<number | null> {
  if (!provider?.blockNumber) return null
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([
      chainId === undefined ? provider.blockNumber() : provider.blockNumber(chainId),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), BLOCK_NUMBER_TIMEOUT_MS))),
    ])
  } catch {
    return null
  } finally {
    clearTimeout(timer)
  }
}

export function createConsoleService(deps: ConsoleServiceDeps): ConsoleService {
  const maxInline = deps.maxInlineResultBytes ?? 5 * 1024 * 1024
  let lastSeq = 0
  const resultSaveListeners = new Set<(p: EventPayload<'onResultSaveProgress'>) => void>()
  const need = <T>(part: T | undefined, what: string): T => {
    if (part === undefined)
      throw consoleError(
        ConsoleErrorCode.NotAvailable,
        `${what} is not available in this run of the console.`,
      )
    return part
  }
  const jobOrThrow = (jobId: string) => {
    const job = need(deps.jobs, 'The job service').getJob(jobId)
    if (!job) throw consoleError(ConsoleErrorCode.JobNotFound, `No job with id ${jobId}.`)
    return job
  }
  /** Where one of a job's logs is: its published result, else the running algorithm's file. */
  const logFile = (jobId: string, log: keyof typeof LOG_RESULT_TYPE) => {
    const job = jobOrThrow(jobId)
    const jobs = need(deps.jobs, 'The job service')
    const isRunning = jobs.isAlgorithmRunning(jobId)
    const published = job.results.find((r) => r.type === LOG_RESULT_TYPE[log])
    let path: string | undefined
    try {
      if (published) path = jobs.openResult(jobId, published.index).path
      else if (log === 'algorithm' && jobs.algorithmLogPath) path = jobs.algorithmLogPath(jobId)
    } catch {
      path = undefined // a result no longer on disk reads as no log
    }
    return { path, published, isRunning }
  }
  /** The asset port, after checking the DID is one of this console's assets (else nothing is sent). */
  const requireAsset = (did: string): ConsoleAssetPort => {
    const assets = need(deps.assets, 'Publishing')
    if (!assets.list().some((a) => a.did === did))
      throw consoleError(ConsoleErrorCode.AssetNotFound, `No asset ${did} in this console.`)
    return assets
  }
  /**
   * The last health check, shared by calls while it runs and reused by getOverview for
   * OVERVIEW_HEALTH_MAX_AGE_MS after it settles. A check that throws is not kept.
   */
  let lastHealth: { result: Promise<MethodOutput<'checkHealth'>>; settledAtMs?: number } | undefined
  const runHealthCheck = (port: ConsoleHealthPort) => {
    const entry: NonNullable<typeof lastHealth> = { result: port.check() }
    lastHealth = entry
    entry.result.then(
      () => {
        entry.settledAtMs = deps.clock.nowMs()
      },
      () => {
        if (lastHealth === entry) lastHealth = undefined
      },
    )
    return entry.result
  }
  const recentHealth = (port: ConsoleHealthPort) => {
    const last = lastHealth
    if (
      last &&
      (last.settledAtMs === undefined || deps.clock.nowMs() - last.settledAtMs < OVERVIEW_HEALTH_MAX_AGE_MS)
    )
      return last.result
    return runHealthCheck(port)
  }
  /** A dataset's allowed environments must each name a configured one (an algorithm has none). */
  const checkAllowedEnvironments = (kind: 'dataset' | 'algorithm', ids: readonly string[]): void => {
    if (ids.length === 0) return
    if (kind !== 'dataset')
      throw consoleError(ConsoleErrorCode.RequestInvalid, 'Only a dataset has allowed environments.', [
        { path: 'environments', message: 'only for datasets' },
      ])
    const store = need(deps.environments, 'Environments')
    const unknown = ids.filter((id) => !store.getEnvironment(id))
    if (unknown.length > 0)
      throw consoleError(
        ConsoleErrorCode.RequestInvalid,
        `No compute environment ${unknown.join(', ')} in this console (Compute backend → Environments).`,
        unknown.map((id) => ({ path: `environments.${ids.indexOf(id)}`, message: `no environment ${id}` })),
      )
  }
  /** An asset the console itself published: the chain indexer's (published elsewhere) are not the wallet's NFTs. */
  const requireOwnAsset = (did: string, action: string): ConsoleAssetPort => {
    const assets = requireAsset(did)
    const summary = assets.list().find((a) => a.did === did)
    const elsewhere = summary?.publishedElsewhere
    if (elsewhere)
      throw consoleError(
        ConsoleErrorCode.AssetPublishedElsewhere,
        `${action}: ${did} was published elsewhere, by ${elsewhere.publisher}; its data NFT is not this console's wallet's, so only its publisher can sign that.`,
      )
    // The cached flag (issue 11); the port re-checks on chain before it signs anything.
    if (summary?.notOnChain)
      throw consoleError(
        ConsoleErrorCode.AssetNotOnChain,
        `${action}: ${summary.notOnChain.message}`,
        summary.notOnChain,
      )
    return assets
  }
  /** Writes one publisher action to the audit trail (when there is one); never a secret. */
  const audit = (type: string, subject: string | null, details: Record<string, unknown> = {}) =>
    deps.audit?.record({ type, actor: 'publisher', subject, details })
  /**
   * Stores a dataset's allowed environments in its policy, with its audit entry. The publisher
   * calls it once the DID exists (the NFT), before setMetaData: consumers never see the DDO with
   * every environment allowed. Undefined without a dataset policy store.
   */
  const environmentsHook = (review: ConsoleReviewPort | undefined) =>
    review
      ? (datasetDid: string, ids: string[]) => {
          const policy = review.setPolicy(datasetDid, { ...review.getPolicy(datasetDid), environments: ids })
          audit('config.changed', datasetDid, { setting: 'dataset-policy', policy })
        }
      : undefined
  /** The unfinished publish `id`, refused when unknown or while a publish of it is running. */
  const requireIdle = (assets: ConsoleAssetPort, id: string, what: 'resumed' | 'discarded') => {
    const found = assets.listUnfinished?.().find((p) => p.id === id)
    if (!found)
      throw consoleError(ConsoleErrorCode.AssetNotFound, `No unfinished publish ${id} in this console.`)
    if (found.inProgress)
      throw consoleError(
        ConsoleErrorCode.PublishInProgress,
        `The publish of ${found.name} is running now; it cannot be ${what} until it stops.`,
      )
    return found
  }
  /** The keystore's address, known while locked too (issue 11: one address on every screen). */
  const walletAddress = () => deps.wallet?.status().address ?? null
  const isWalletUnlocked = () => deps.wallet?.status().state === 'unlocked'

  let notificationsInMemory: boolean | undefined
  const notificationSettingsListeners = new Set<
    (p: EventPayload<'onDidChangeNotificationSettings'>) => void
  >()
  /** The engine serves the browser console: the page shows them, so "supported" is the page's to tell. */
  const notificationSettings = (): MethodOutput<'getNotificationSettings'> => ({
    desktopNotifications: (deps.notificationPreference?.get() ?? notificationsInMemory) === true,
    surface: 'browser',
    isSupported: true,
  })

  const service: ConsoleService = {
    async getReachability() {
      if (deps.reachability) return deps.reachability.reachability()
      return {
        p2p: { enabled: false, peerId: null, direct: [], relayed: [], connections: 0, isReachable: false },
        http: { bindHost: '', publicUrl: null, selfCheck: { state: 'not-configured' as const } },
      }
    },
    async getNetworkSettings() {
      return need(deps.network, 'Network settings').get()
    },
    async saveNetworkSettings({ confirm: _confirm, ...patch }) {
      const saved = await need(deps.network, 'Network settings').save(patch)
      audit('config.changed', 'network', {
        what: 'network',
        fields: Object.keys(patch).sort(),
        serviceEndpoint: saved.settings.serviceEndpoint,
        republish: saved.republish.state,
        txs: saved.republish.assets.map((a) => a.txHash),
      })
      return saved
    },
    async getOverview() {
      const jobs = deps.jobs
      // The same counts the Jobs list shows (one query per bucket, each from an index).
      const counts = jobs ? countJobsByList(jobs, {}) : undefined
      const chain = deps.provider?.chain() ?? null
      // Every served chain asked at once, each within the same short timeout.
      const chains = await Promise.all(
        servedChains(deps.provider).map(async (c) => {
          const blockNumber = await latestBlock(deps.provider, c.primary ? undefined : c.chainId)
          return { ...c, blockNumber, reachable: blockNumber !== null }
        }),
      )
      return {
        providerUrl: deps.provider?.url ?? '',
        providerAddress: deps.provider?.address() ?? null,
        chainId: chain?.chainId ?? null,
        chainName: chain?.name ?? null,
        blockNumber: chain ? (chains.find((c) => c.primary)?.blockNumber ?? null) : null,
        chainError: deps.provider?.chainError?.() ?? null,
        chains,
        health: deps.health ? await recentHealth(deps.health) : null,
        jobCounts: {
          running: counts?.running ?? 0,
          queued: counts?.queued ?? 0,
          finished: counts ? counts.succeeded + counts.stopped + counts.expired : 0,
          succeeded: counts?.succeeded ?? 0,
          failed: counts?.failed ?? 0,
          stopped: counts?.stopped ?? 0,
          expired: counts?.expired ?? 0,
        },
        recentJobs: (jobs?.listJobs({ limit: 10, offset: 0 }) ?? []).map(toJobSummary),
      }
    },
    async listJobs(input) {
      const jobs = need(deps.jobs, 'The job service')
      const seq = lastSeq
      const search = input.search?.trim() ?? ''
      // An asset's name finds the jobs on it: the names resolve to DIDs, searched beside the text.
      const nameDids = search
        ? (deps.assets?.list() ?? [])
            .filter((a) => a.name.toLowerCase().includes(search.toLowerCase()))
            .map((a) => a.did)
        : []
      const base: ConsoleJobFilter = {
        owner: input.owner,
        did: input.did,
        environmentId: input.environmentId,
        ...(search ? { searchTerms: [search, ...nameDids] } : {}),
      }
      const filter: ConsoleJobFilter = {
        ...base,
        // An outcome is final only once the job is done (status 70): settling jobs count as running.
        statuses: input.statuses ?? (input.outcome ? [70] : undefined),
        outcome: input.outcome,
      }
      const after = input.cursor ? parseJobCursor(input.cursor) : undefined
      const sort = input.sort?.column ?? 'created'
      const order = input.sort?.direction === 'asc' ? 'oldest' : 'newest'
      const page = jobs
        .listJobs({ ...filter, sort, order, after, limit: input.limit, offset: after ? 0 : input.offset })
        .map(toJobSummary)
      const last = page.at(-1)
      return {
        jobs: page,
        total: jobs.countJobs(filter),
        seq,
        counts: countJobsByList(jobs, base),
        nextCursor: page.length === input.limit && last ? jobCursor(last, sort, jobs) : null,
      }
    },
    async getJob({ jobId }) {
      const job = jobOrThrow(jobId)
      return { job: toJobSummary(job), events: need(deps.jobs, 'The job service').jobEvents(jobId) }
    },
    async stopJob({ jobId }) {
      const job = jobOrThrow(jobId)
      if (isTerminalStatus(job.status)) return { job: toJobSummary(job) }
      return { job: toJobSummary(await need(deps.jobs, 'The job service').stopJob(jobId)) }
    },
    async getJobLogTail({ jobId, maxBytes }) {
      const job = jobOrThrow(jobId)
      const jobs = need(deps.jobs, 'The job service')
      const log = job.results.find((r) => r.type === 'algorithmLog')
      // While the algorithm runs, its log is not a result yet: read it where it is being written.
      const path = log ? jobs.openResult(jobId, log.index).path : jobs.algorithmLogPath?.(jobId)
      if (!path || !deps.readFile) return { text: '', isRunning: jobs.isAlgorithmRunning(jobId) }
      let bytes: Uint8Array
      try {
        bytes = await deps.readFile(path)
      } catch {
        bytes = new Uint8Array(0) // not written yet
      }
      return {
        text: new TextDecoder().decode(bytes.subarray(Math.max(0, bytes.length - maxBytes))),
        isRunning: jobs.isAlgorithmRunning(jobId),
      }
    },
    async readJobLog({ jobId, log, fromByte, maxBytes }) {
      const { path, published, isRunning } = logFile(jobId, log)
      const none = { text: '', fromByte, nextByte: fromByte, sizeBytes: 0, isRunning, isAvailable: false }
      if (!path || !deps.readFileRange) return none
      const { bytes, sizeBytes } = await deps.readFileRange(path, fromByte, maxBytes)
      if (sizeBytes === 0 && !published && !isRunning) return none
      // A character cut by maxBytes waits for the next read; at the end of a finished log, keep all.
      const atEnd = fromByte + bytes.length >= sizeBytes && !isRunning
      const length = atEnd ? bytes.length : utf8CompleteLength(bytes)
      return {
        text: new TextDecoder().decode(bytes.subarray(0, length)),
        fromByte,
        nextByte: fromByte + length,
        sizeBytes,
        isRunning,
        isAvailable: true,
      }
    },
    async readJobLogLines({ jobId, log, fromLine, maxLines }) {
      const { path, published, isRunning } = logFile(jobId, log)
      const none = {
        lines: [],
        hasTimes: false,
        fromLine,
        lineCount: 0,
        sizeBytes: 0,
        isRunning,
        isAvailable: false,
      }
      if (!path || !deps.logLines) return none
      const window = await deps.logLines.readLines(path, fromLine, maxLines)
      if (window.sizeBytes === 0 && !published && !isRunning) return none
      return { ...window, isRunning, isAvailable: true }
    },
    async searchJobLog({ jobId, log, ...input }) {
      const { path, published, isRunning } = logFile(jobId, log)
      if (!path || !deps.logLines)
        return { matches: [], nextCursor: null, lineCount: 0, isRunning, isAvailable: false }
      const found = await deps.logLines.search(path, input)
      return { ...found, isRunning, isAvailable: found.lineCount > 0 || !!published || isRunning }
    },
    async getEarnings({ period }) {
      const jobs = need(deps.jobs, 'The job service')
      type Row = MethodOutput<'getEarnings'>['rows'][number]
      type Total = MethodOutput<'getEarnings'>['totals'][number]
      const rows = new Map<string, Row>()
      const totals = new Map<string, Total>()
      const empty = () => ({ claimedWei: '0', claimedJobs: 0, lockedWei: '0', lockedJobs: 0, orders: 0 })
      const rowFor = (did: string, startMs: number, token: string | null): Row => {
        const key = `${did}|${startMs}|${token?.toLowerCase() ?? ''}`
        let row = rows.get(key)
        if (!row) rows.set(key, (row = { datasetDid: did, periodStartMs: startMs, token, ...empty() }))
        return row
      }
      const totalFor = (startMs: number, token: string | null): Total => {
        const key = `${startMs}|${token?.toLowerCase() ?? ''}`
        let total = totals.get(key)
        if (!total) totals.set(key, (total = { periodStartMs: startMs, token, ...empty() }))
        return total
      }
      const add = (sum: Row | Total, claimed: boolean, wei: bigint, jobsCounted: number) => {
        if (claimed) {
          sum.claimedWei = (BigInt(sum.claimedWei) + wei).toString()
          sum.claimedJobs += jobsCounted
        } else {
          sum.lockedWei = (BigInt(sum.lockedWei) + wei).toString()
          sum.lockedJobs += jobsCounted
        }
      }
      const seenOrders = new Set<string>()
      // Every job once, a page at a time by cursor (no whole-store list in memory).
      let after: ConsoleJobFilter['after']
      for (;;) {
        const page = jobs.listJobs({ after, limit: 1000 })
        for (const job of page) {
          const p = job.payment
          // Released to the consumer: no escrow earned (its orders still count).
          const earning = p && !p.cancelTx ? p : undefined
          const token = earning?.token ?? null
          const startMs = periodStartMs(job.finishedAtMs ?? job.createdAtMs, period)
          const datasets = job.datasets
          if (earning && datasets.length > 0) {
            // Split between the job's datasets: each gets its share, the first the remainder wei.
            const cost = BigInt(earning.costWei)
            const share = cost / BigInt(datasets.length)
            const claimed = Boolean(earning.claimTx)
            datasets.forEach(({ did }, i) => {
              const wei = i === 0 ? cost - share * BigInt(datasets.length - 1) : share
              add(rowFor(did, startMs, token), claimed, wei, 1)
            })
            add(totalFor(startMs, token), claimed, cost, 1)
          }
          const ordered = [...datasets, ...(job.algorithm?.did ? [job.algorithm] : [])]
          for (const asset of ordered) {
            const tx = 'transferTxId' in asset ? asset.transferTxId : undefined
            if (!tx || !asset.did || seenOrders.has(`${asset.did}|${tx}`)) continue
            seenOrders.add(`${asset.did}|${tx}`)
            rowFor(asset.did, startMs, token).orders += 1
            totalFor(startMs, token).orders += 1
          }
        }
        const last = page.at(-1)
        if (page.length < 1000 || !last) break
        after = { createdAtMs: last.createdAtMs, jobId: last.jobId }
      }
      return {
        rows: [...rows.values()].sort(
          (a, b) => b.periodStartMs - a.periodStartMs || a.datasetDid.localeCompare(b.datasetDid),
        ),
        totals: [...totals.values()].sort(
          (a, b) => b.periodStartMs - a.periodStartMs || (a.token ?? '').localeCompare(b.token ?? ''),
        ),
      }
    },
    async saveResult({ jobId, index }) {
      jobOrThrow(jobId)
      const choose = need(deps.chooseSavePath, 'A Save dialog')
      const copy = need(deps.copyFile, 'Saving files')
      let file: ReturnType<ConsoleJobSource['openResult']>
      try {
        file = need(deps.jobs, 'The job service').openResult(jobId, index)
      } catch {
        throw consoleError(ConsoleErrorCode.ResultNotFound, `Job ${jobId} has no result number ${index}.`)
      }
      const target = await choose(file.filename)
      if (target === null) return { savedTo: null, sizeBytes: file.sizeBytes }
      const progress = (savedBytes: number, isDone: boolean) =>
        resultSaveListeners.forEach((l) =>
          l({ jobId, index, savedBytes, totalBytes: file.sizeBytes, isDone }),
        )
      await copy(file.path, target, (copied) => progress(copied, false))
      progress(file.sizeBytes, true)
      audit('result.saved', jobId, { index, filename: file.filename })
      return { savedTo: target, sizeBytes: file.sizeBytes }
    },
    async readResult({ jobId, index }) {
      jobOrThrow(jobId)
      let file: ReturnType<ConsoleJobSource['openResult']>
      try {
        file = need(deps.jobs, 'The job service').openResult(jobId, index)
      } catch {
        throw consoleError(ConsoleErrorCode.ResultNotFound, `Job ${jobId} has no result number ${index}.`)
      }
      if (file.sizeBytes > maxInline)
        throw consoleError(
          ConsoleErrorCode.ResultTooLarge,
          `${file.filename} is ${file.sizeBytes} bytes; download it through the results link instead.`,
          { sizeBytes: file.sizeBytes },
        )
      const bytes = await need(deps.readFile, 'Reading results')(file.path)
      return {
        filename: file.filename,
        contentType: file.contentType,
        sizeBytes: file.sizeBytes,
        base64: Buffer.from(bytes).toString('base64'),
      }
    },
    async listEnvironments() {
      const envs = need(deps.environments, 'Environments').listEnvironments()
      const chain = deps.provider?.chain() ?? null
      return {
        environments: envs
          .map((env) => ({ ...env, ...(deps.jobs?.environmentLoad(env.id) ?? { running: 0, queued: 0 }) }))
          .map(({ running, queued, ...env }) => ({ ...env, running, queued })),
        feeToken: chain?.feeToken ? { chainId: chain.chainId, token: chain.feeToken } : null,
        chains: servedChains(deps.provider),
      }
    },
    async saveEnvironment({ environment }) {
      const store = need(deps.environments, 'Environments')
      // Which chains are served is known only with the Provider's status port.
      const issues = deps.provider
        ? unservedFeeIssues(environment, store.getEnvironment(environment.id), servedChains(deps.provider))
        : []
      if (issues.length > 0)
        throw consoleError(
          ConsoleErrorCode.RequestInvalid,
          `Prices for a chain this console does not serve: ${issues.map((i) => i.message).join('; ')}.`,
          issues,
        )
      store.saveEnvironment(environment)
      audit('config.changed', environment.id, { what: 'environment', action: 'saved', environment })
      return { environment }
    },
    async deleteEnvironment({ id }) {
      const store = need(deps.environments, 'Environments')
      if (!store.getEnvironment(id))
        throw consoleError(ConsoleErrorCode.EnvironmentUnknown, `No environment with id ${id}.`)
      const load = deps.jobs?.environmentLoad(id)
      if (load && load.running + load.queued > 0)
        throw consoleError(
          ConsoleErrorCode.EnvironmentInUse,
          `Environment ${id} has ${load.running} running and ${load.queued} queued jobs; stop them first.`,
        )
      store.deleteEnvironment(id)
      audit('config.changed', id, { what: 'environment', action: 'deleted' })
      return { ok: true as const }
    },
    async getComputeBackend() {
      return need(deps.health, 'The compute backend').backend()
    },
    async checkHealth() {
      return runHealthCheck(need(deps.health, 'The compute backend'))
    },
    async checkKubeContext({ context, namespace }) {
      const port = need(deps.health?.checkContext ? deps.health : undefined, 'Kubernetes')
      return port.checkContext!(context, namespace)
    },
    async createKubeNamespace({ context, namespace }) {
      const port = need(deps.health?.createNamespace ? deps.health : undefined, 'Kubernetes')
      await port.createNamespace!(context, namespace)
      return { ok: true as const }
    },
    async selectComputeBackend(choice) {
      const port = need(deps.health?.select ? deps.health : undefined, 'Choosing the compute backend')
      // A Kubernetes context is checked before it is saved: a failing one only with saveAnyway.
      let failing: string[] = []
      if (choice.driver === 'kubernetes') {
        const where = `${choice.context} / ${choice.namespace}`
        const health = port.checkContext
          ? await port.checkContext(choice.context, choice.namespace)
          : undefined
        const failed = health ? health.checks.filter((c) => !c.ok) : []
        failing = failed.map((c) => c.label)
        if (!choice.saveAnyway && !health)
          throw consoleError(
            ConsoleErrorCode.KubeContextFailing,
            `${where} cannot be checked by this console; save it anyway to use it unchecked.`,
          )
        if (!choice.saveAnyway && health && !health.ok) {
          const ran = failed.filter((c) => !c.skipped)
          throw consoleError(
            ConsoleErrorCode.KubeContextFailing,
            `${where} fails ${ran.length} check${ran.length === 1 ? '' : 's'} (${ran.map((c) => c.label).join(', ')}); jobs would fail there. Fix them, or save anyway to use it regardless.`,
            failed.map((c) => ({
              path: c.label,
              message: c.message,
              ...(c.cause ? { cause: c.cause } : {}),
              ...(c.skipped ? { skipped: true } : {}),
            })),
          )
        }
      }
      const selected = await port.select!(choice)
      audit('config.changed', 'compute-backend', {
        what: 'compute-backend',
        choice,
        ...(choice.driver === 'kubernetes' && choice.saveAnyway ? { savedAnywayWithFailing: failing } : {}),
      })
      return selected
    },
    async listAssets({ kind }) {
      return { assets: need(deps.assets, 'Publishing').list(kind) }
    },
    async validateAsset({ draft }) {
      const parsed = assetDraftSchema.safeParse(draft)
      const issues = parsed.success
        ? []
        : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
      if (parsed.success && parsed.data.kind === 'algorithm' && !parsed.data.container)
        issues.push({ path: 'container', message: 'an algorithm needs a container (image, tag, entrypoint)' })
      return { valid: issues.length === 0, issues }
    },
    async checkFile({ source }) {
      return need(deps.checkFile, 'Checking files')(source)
    },
    async publishAsset({ draft, did, environments }) {
      if (draft.kind === 'algorithm' && !draft.container)
        throw consoleError(
          ConsoleErrorCode.RequestInvalid,
          'An algorithm needs a container (image, tag, entrypoint).',
          [{ path: 'draft.container', message: 'required for algorithms' }],
        )
      const allowed = environments ? [...new Set(environments)] : undefined
      if (allowed) checkAllowedEnvironments(draft.kind, allowed)
      if (!isWalletUnlocked())
        throw consoleError(
          ConsoleErrorCode.WalletLocked,
          'Unlock or create the provider wallet before publishing (Settings → Wallet).',
        )
      const assets = need(deps.assets, 'Publishing')
      // Refused before anything is signed: the choice would have nowhere to go.
      const review = allowed && draft.kind === 'dataset' ? need(deps.review, 'Dataset policies') : deps.review
      const applyEnvironments = environmentsHook(review)
      const asset = await assets.publish(draft, did, {
        ...(allowed && draft.kind === 'dataset' ? { environments: allowed } : {}),
        ...(applyEnvironments ? { applyEnvironments } : {}),
      })
      return { asset }
    },
    async listUnfinishedPublishes() {
      const assets = need(deps.assets, 'Publishing')
      return { publishes: assets.listUnfinished?.() ?? [] }
    },
    async resumePublish({ id }) {
      const assets = need(deps.assets, 'Publishing')
      const port = need(assets.resumeUnfinished ? assets : undefined, 'Resuming publishes')
      requireIdle(assets, id, 'resumed')
      if (!isWalletUnlocked())
        throw consoleError(
          ConsoleErrorCode.WalletLocked,
          'Unlock or create the provider wallet before resuming the publish (Settings → Wallet).',
        )
      const applyEnvironments = environmentsHook(deps.review)
      const asset = await port.resumeUnfinished!(id, applyEnvironments ? { applyEnvironments } : {})
      deps.logger.info('unfinished publish resumed', { id, did: asset.did })
      return { asset }
    },
    async discardUnfinishedPublish({ id }) {
      const assets = need(deps.assets, 'Publishing')
      const port = need(assets.discardUnfinished ? assets : undefined, 'Discarding publishes')
      const found = requireIdle(assets, id, 'discarded')
      port.discardUnfinished!(id)
      // Only the local record goes; an NFT it created stays on chain (said in the audit too).
      audit('config.changed', found.did ?? id, {
        what: 'unfinished-publish',
        action: 'discarded',
        name: found.name,
        stoppedAt: found.stoppedAt,
        onChainUnchanged: true,
      })
      return { ok: true as const }
    },
    async deleteAsset({ did }) {
      const assets = need(deps.assets, 'Publishing')
      if (!assets.list().some((a) => a.did === did))
        throw consoleError(ConsoleErrorCode.AssetNotFound, `No asset ${did}.`)
      assets.remove(did)
      return { ok: true as const }
    },
    async setAssetState({ did, state }) {
      const assets = requireOwnAsset(did, 'Changing the state')
      const port = need(assets.setState ? assets : undefined, 'Changing asset state')
      const { asset, txHash } = await port.setState!(did, ASSET_STATES[state])
      deps.logger.info('asset state changed', { did, state, txHash })
      return { did, txHash, asset }
    },
    async getAssetState({ did }) {
      const assets = requireAsset(did)
      const port = need(assets.readState ? assets : undefined, 'Reading asset state from chain')
      const state = await port.readState!(did)
      return {
        did,
        state,
        stateName: assetStateName(state),
        recordedState: assets.list().find((a) => a.did === did)!.state,
      }
    },
    async mintDatatokens({ did, to, amount }) {
      const assets = requireOwnAsset(did, 'Minting datatokens')
      const txHash = await need(assets.mint ? assets : undefined, 'Minting datatokens').mint!(did, to, amount)
      return { did, txHash }
    },
    async createDispenser({ did, maxTokens, maxBalance }) {
      const assets = requireOwnAsset(did, 'Creating a dispenser')
      const txHash = await need(assets.createDispenser ? assets : undefined, 'Dispensers').createDispenser!(
        did,
        { maxTokens, maxBalance },
      )
      return { did, txHash }
    },
    async createFixedRate({ did, price, baseToken }) {
      const assets = requireOwnAsset(did, 'Fixed-rate pricing')
      const txHash = await need(assets.createFixedRate ? assets : undefined, 'Fixed-rate pricing')
        .createFixedRate!(did, { price, ...(baseToken ? { baseToken } : {}) })
      return { did, txHash }
    },
    async getAssetPrices({ did }) {
      const assets = requireAsset(did)
      const port = need(assets.prices ? assets : undefined, 'Reading prices from chain')
      // A read, so an asset published elsewhere is fine; one the chain lost has no datatoken to read.
      const notOnChain = assets.list().find((a) => a.did === did)?.notOnChain
      if (notOnChain)
        throw consoleError(
          ConsoleErrorCode.AssetNotOnChain,
          `Reading prices: ${notOnChain.message}`,
          notOnChain,
        )
      return port.prices!(did)
    },
    async getBalances() {
      const assets = need(deps.assets, 'Publishing')
      return need(assets.balances ? assets : undefined, 'Balances').balances!()
    },
    async getChainBalances() {
      const assets = need(deps.assets, 'Publishing')
      return need(assets.chainBalances ? assets : undefined, 'Balances per chain').chainBalances!()
    },
    async getSettings() {
      return { ...need(deps.settings, 'Settings').get(), walletAddress: walletAddress() }
    },
    async saveSettings(patch) {
      const saved = need(deps.settings, 'Settings').save(patch)
      audit('config.changed', 'settings', { what: 'settings', fields: Object.keys(patch).sort() })
      return { ...saved, walletAddress: walletAddress() }
    },
    async getNotificationSettings() {
      return notificationSettings()
    },
    async setNotificationSettings({ desktopNotifications }) {
      // Written first; the answer is read back from where it was kept.
      if (deps.notificationPreference) deps.notificationPreference.set(desktopNotifications)
      else notificationsInMemory = desktopNotifications
      audit('config.changed', 'notifications', { what: 'notifications', desktopNotifications })
      const answer = notificationSettings()
      // Every window's switch follows (another tab's Settings open on the same console).
      notificationSettingsListeners.forEach((l) => l({ ...answer }))
      return answer
    },
    async checkChain(choice) {
      return need(deps.chainCheck, 'The chain check').check(choice)
    },
    async getWallet() {
      return deps.wallet?.status() ?? { state: 'none', address: null }
    },
    async createWallet({ password }) {
      const wallet = need(deps.wallet, 'The wallet')
      if (wallet.status().state !== 'none')
        throw consoleError(ConsoleErrorCode.WalletExists, 'A wallet already exists; unlock it instead.')
      const status = await wallet.create(password)
      audit('wallet.event', status.address, { action: 'created' })
      return status
    },
    async importWallet({ privateKey, password }) {
      const wallet = need(deps.wallet, 'The wallet')
      if (wallet.status().state !== 'none')
        throw consoleError(ConsoleErrorCode.WalletExists, 'A wallet already exists; unlock it instead.')
      const status = await wallet.importKey(privateKey, password)
      audit('wallet.event', status.address, { action: 'imported-key' })
      return status
    },
    async importMnemonic({ mnemonic, password }) {
      const wallet = need(deps.wallet, 'The wallet')
      const port = need(wallet.importMnemonic ? wallet : undefined, 'Importing a mnemonic')
      if (wallet.status().state !== 'none')
        throw consoleError(ConsoleErrorCode.WalletExists, 'A wallet already exists; unlock it instead.')
      return port.importMnemonic!(mnemonic, password)
    },
    async unlockWallet({ password }) {
      const status = await need(deps.wallet, 'The wallet').unlock(password)
      audit('wallet.event', status.address, { action: 'unlocked' })
      return status
    },
    // ---- console UI (issue 11) ----
    async getAsset({ did }) {
      const assets = requireAsset(did)
      const port = need(assets.details ? assets : undefined, 'Asset details')
      const details = port.details!(did)
      if (!details) throw consoleError(ConsoleErrorCode.AssetNotFound, `No asset ${did} in this console.`)
      return details
    },
    async editAsset({ did, changes }) {
      const assets = requireOwnAsset(did, 'Editing the asset')
      const port = need(assets.edit ? assets : undefined, 'Editing assets')
      if (!isWalletUnlocked())
        throw consoleError(
          ConsoleErrorCode.WalletLocked,
          'Unlock the provider wallet before editing (Settings → Wallet).',
        )
      const details = await port.edit!(did, changes)
      audit('config.changed', did, { what: 'asset', action: 'edited', fields: Object.keys(changes).sort() })
      return details
    },
    async getTrustedAlgorithmChecksums({ did }) {
      const assets = need(deps.assets, 'Publishing')
      const port = need(assets.trustedAlgorithm ? assets : undefined, 'Algorithm checksums')
      if (!assets.list('algorithm').some((a) => a.did === did))
        throw consoleError(ConsoleErrorCode.AssetNotFound, `No algorithm ${did} in this console.`)
      return port.trustedAlgorithm!(did)
    },
    async getTokenInfo({ tokens }) {
      const assets = need(deps.assets, 'Reading tokens from chain')
      const port = need(assets.tokenInfo ? assets : undefined, 'Reading tokens from chain')
      return { tokens: await Promise.all(tokens.map((t) => port.tokenInfo!(t))) }
    },
    async lockWallet() {
      const wallet = need(deps.wallet, 'The wallet')
      const status = need(wallet.lock ? wallet : undefined, 'Locking the wallet').lock!()
      audit('wallet.event', status.address, { action: 'locked' })
      return status
    },
    async exportWallet() {
      const wallet = need(deps.wallet, 'The wallet')
      const json = need(wallet.keystoreJson ? wallet : undefined, 'Exporting the wallet').keystoreJson!()
      const address = wallet.status().address
      if (json === null || address === null)
        throw consoleError(
          ConsoleErrorCode.NotAvailable,
          'There is no wallet to export yet; create one first.',
        )
      audit('wallet.event', address, { action: 'exported' })
      return { address, keystoreJson: json }
    },
    // ---- publisher control: approval inbox (issue 12) ----
    async listAccessRequests(filter) {
      return { requests: need(deps.approvals, 'The approval inbox').list(filter) }
    },
    async approveAccessRequest({ requestId, consumer, untilMs }) {
      const port = need(deps.approvals, 'The approval inbox')
      if (!port.get(requestId))
        throw consoleError(ConsoleErrorCode.AccessRequestNotFound, `No access request ${requestId}.`)
      if (untilMs !== undefined && untilMs <= deps.clock.nowMs())
        throw consoleError(ConsoleErrorCode.RequestInvalid, 'untilMs must be in the future.')
      const request = port.approve(requestId, { consumer: consumer ?? null, untilMs: untilMs ?? null })
      audit('approval.granted', request.datasetDid, {
        requestId,
        algorithm: request.algorithmKey,
        serviceId: request.serviceId,
        scope: 'node-only',
        consumer: consumer?.toLowerCase() ?? 'all',
        untilMs: untilMs ?? null,
      })
      return { request }
    },
    async getAccessRequest({ requestId }) {
      const port = need(deps.approvals, 'The approval inbox')
      const request = port.get(requestId)
      if (!request)
        throw consoleError(ConsoleErrorCode.AccessRequestNotFound, `No access request ${requestId}.`)
      const algorithm = port.algorithmOf
        ? await port.algorithmOf(requestId)
        : { ddo: null, name: null, author: null, code: [], filesChecksumNow: null, matchesRequest: false }
      return { request, algorithm }
    },
    async approveAccessRequestOnChain({ requestId }) {
      const port = need(deps.approvals, 'The approval inbox')
      const onChain = need(
        port.trustOnChain && port.approveOnChain ? port : undefined,
        'Approving on chain (no chain connected)',
      )
      const request = port.get(requestId)
      if (!request)
        throw consoleError(ConsoleErrorCode.AccessRequestNotFound, `No access request ${requestId}.`)
      if (!request.algorithmDid)
        throw consoleError(
          ConsoleErrorCode.AlgorithmNotPublished,
          'Raw code has no DID a DDO can trust: approve it on this node instead.',
        )
      if (!request.filesChecksum)
        throw consoleError(
          ConsoleErrorCode.AlgorithmNotPublished,
          "The algorithm's files could not be read when it was refused, so there is no files checksum to pin: approve it on this node instead.",
        )
      if (request.approvedTx)
        throw consoleError(
          ConsoleErrorCode.AccessRequestDecided,
          `Request ${requestId} is already approved on chain (tx ${request.approvedTx}).`,
        )
      if (!isWalletUnlocked())
        throw consoleError(
          ConsoleErrorCode.WalletLocked,
          'Unlock the provider wallet before approving on chain (Settings → Wallet).',
        )
      requireAsset(request.datasetDid)
      const entry = {
        did: request.algorithmDid,
        filesChecksum: request.filesChecksum,
        containerSectionChecksum: request.containerChecksum,
      }
      // Written before acting: a stop from here on is finished from the chain at the next start.
      onChain.beginOnChain?.(requestId, entry)
      let sentTx: string | undefined
      let confirmed: { txHash: string; blockNumber: number }
      try {
        confirmed = await onChain.trustOnChain!(request.datasetDid, request.serviceId, entry, (hash) => {
          sentTx = hash
          onChain.recordOnChainTx?.(requestId, hash)
        })
      } catch (error) {
        // A tx that may still land (chain unreachable, no receipt yet) stays `approving` for the
        // next start to confirm; anything else did not change the trust list: pending, with why.
        const unsettled = sentTx !== undefined && !(isC2dError(error) && error.code === 'TRUST_NOT_CONFIRMED')
        if (!unsettled)
          onChain.dropOnChain?.(requestId, error instanceof Error ? error.message : String(error))
        throw error
      }
      const { txHash, blockNumber } = confirmed
      const approved = onChain.approveOnChain!(requestId, txHash)
      audit('approval.granted', request.datasetDid, {
        requestId,
        algorithm: request.algorithmKey,
        serviceId: request.serviceId,
        scope: 'on-chain',
        filesChecksum: request.filesChecksum,
        containerSectionChecksum: request.containerChecksum,
        txHash,
        blockNumber,
      })
      return { request: approved, txHash, blockNumber }
    },
    async revokeNodeApproval({ policyId }) {
      const port = need(deps.approvals, 'The approval inbox')
      const revoke = need(port.revokePolicy ? port : undefined, 'Revoking approvals').revokePolicy!
      const request = revoke(policyId)
      if (!request)
        throw consoleError(ConsoleErrorCode.AccessRequestNotFound, `No node-only approval ${policyId}.`)
      audit('approval.revoked', request.datasetDid, {
        requestId: request.id,
        policyId,
        algorithm: request.algorithmKey,
        serviceId: request.serviceId,
      })
      return { request }
    },
    async denyAccessRequest({ requestId, reason }) {
      const port = need(deps.approvals, 'The approval inbox')
      const existing = port.get(requestId)
      if (!existing)
        throw consoleError(ConsoleErrorCode.AccessRequestNotFound, `No access request ${requestId}.`)
      if (existing.approvedTx)
        throw consoleError(
          ConsoleErrorCode.AccessRequestDecided,
          `Request ${requestId} was approved on chain (tx ${existing.approvedTx}): the DDO trusts it. Remove it from the dataset's trusted algorithms on the asset page instead.`,
        )
      const request = port.deny(requestId, reason)
      audit('approval.denied', request.datasetDid, {
        requestId,
        algorithm: request.algorithmKey,
        serviceId: request.serviceId,
        reason,
      })
      return { request }
    },
    ...createPublisherControlMethods({ port: deps.review, need, audit, jobOrThrow }),
    // ---- publisher control: audit trail (issue 12) ----
    async listAuditEvents(filter) {
      const port = need(deps.audit, 'The audit trail')
      return { events: port.list(filter), head: port.head() }
    },
    async verifyAudit() {
      return need(deps.audit, 'The audit trail').verify()
    },
    async exportAudit({ format, ...filter }) {
      const port = need(deps.audit, 'The audit trail')
      const events: AuditEventSummary[] = []
      for (let afterSeq = 0; ;) {
        const page = port.list({ ...filter, afterSeq, limit: 10_000 })
        if (page.length === 0) break
        events.push(...page)
        afterSeq = page[page.length - 1]!.seq
      }
      const head = port.head()
      const message = auditHeadMessage(head)
      const signed = await port.signMessage(message)
      if (!signed)
        throw consoleError(
          ConsoleErrorCode.NotAvailable,
          'The Provider key is locked: unlock the wallet to sign the audit export.',
        )
      return {
        format,
        text: format === 'csv' ? auditToCsv(events) : auditToJsonl(events),
        head,
        message,
        signature: signed.signature,
        signer: signed.address,
      }
    },
    subscribe<E extends ConsoleEventName>(
      event: E,
      listener: (payload: EventPayload<E>) => void,
    ): () => void {
      const emit = listener as (payload: unknown) => void
      switch (event) {
        case 'onDidChangeJob':
          return (
            deps.jobs?.onDidChangeJob((change) => {
              lastSeq = Math.max(lastSeq, change.seq)
              emit({
                seq: change.seq,
                job: toJobSummary(change.job),
                from: change.from,
                to: change.to,
                cause: change.cause,
              })
            }) ?? (() => {})
          )
        case 'onJobLog':
          return deps.jobs?.onJobLog(emit) ?? (() => {})
        case 'onDidChangeClusterHealth':
          return deps.health?.onDidChange?.(emit) ?? (() => {})
        case 'onProviderRequest':
          return deps.provider?.onProviderRequest?.(emit) ?? (() => {})
        case 'onPublishProgress':
          return deps.assets?.onPublishProgress?.(emit) ?? (() => {})
        case 'onDidChangeNotificationSettings': {
          const l = emit as (p: EventPayload<'onDidChangeNotificationSettings'>) => void
          notificationSettingsListeners.add(l)
          return () => void notificationSettingsListeners.delete(l)
        }
        case 'onResultSaveProgress': {
          const l = emit as (p: EventPayload<'onResultSaveProgress'>) => void
          resultSaveListeners.add(l)
          return () => void resultSaveListeners.delete(l)
        }
        default:
          return () => {}
      }
    },
  }
  // Track the highest seq even when nobody subscribed, so listJobs can tell the UI where it stands.
  deps.jobs?.onDidChangeJob((change) => {
    lastSeq = Math.max(lastSeq, change.seq)
  })
  void deps.clock
  return service
}
