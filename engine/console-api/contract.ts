/**
 * The console API contract: every method (query or command) and every event, with its zod schemas.
 * One table, three transports (in-process, HTTP, IPC): the typed client and both server sides are
 * derived from it mechanically (style.md §2.3).
 *
 * Pure "common" layer: imports zod and job-status only. The renderer imports this file, so it must
 * never import node:*, anything with I/O, or engine/config (the environment schema is duplicated
 * here on purpose; console-api-contract.test.ts keeps the two in step).
 */
import { z } from 'zod'
import { ALL_JOB_STATUSES, type JobStatus } from '../operator-service/job-status'

export * from '../operator-service/job-status'

const jobStatus = z
  .number()
  .refine(
    (n): n is JobStatus => (ALL_JOB_STATUSES as readonly number[]).includes(n),
    'unknown job status',
  ) as unknown as z.ZodType<JobStatus>
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an 0x address of 40 hex digits')
const did = z.string().regex(/^did:op:[0-9a-f]{64}$/, 'a did:op: followed by 64 hex digits')
const empty = z.object({}).strict()
const ok = z.object({ ok: z.literal(true) })

// ---- environments (mirror of engine/config/schema.ts computeEnvironmentSchema) ----
/** chain id → ERC721 access-list contracts (Ocean Node's AccessList). */
const accessListMap = z.record(
  z.string().regex(/^\d+$/, 'a chain id'),
  z.array(z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a contract address')),
)
const range = z.object({ total: z.number().positive(), max: z.number().positive(), min: z.number().min(0) })
/** Kubernetes node affinity of an environment (duplicated from engine/config/schema.ts, as the rest). */
const nodeSelectorTermSchema = z
  .object({
    matchExpressions: z
      .array(
        z.object({
          key: z.string().min(1),
          operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']),
          values: z.array(z.string()).optional(),
        }),
      )
      .optional(),
    matchFields: z
      .array(
        z.object({
          key: z.literal('metadata.name'),
          operator: z.enum(['In', 'NotIn']),
          values: z.array(z.string()),
        }),
      )
      .optional(),
  })
  .strict()
const nodeAffinitySchema = z
  .object({
    requiredDuringSchedulingIgnoredDuringExecution: z
      .object({ nodeSelectorTerms: z.array(nodeSelectorTermSchema).min(1) })
      .strict()
      .optional(),
    preferredDuringSchedulingIgnoredDuringExecution: z
      .array(
        z.object({ weight: z.number().int().min(1).max(100), preference: nodeSelectorTermSchema }).strict(),
      )
      .optional(),
  })
  .strict()

export const environmentSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash, underscore'),
  description: z.string().default(''),
  cpu: range,
  ramGb: range,
  diskGb: range,
  gpu: z.object({ total: z.number().min(0), max: z.number().min(0), min: z.number().min(0) }).optional(),
  minJobDurationSec: z.number().int().min(1).default(60),
  maxJobDurationSec: z.number().int().min(1).default(3600),
  maxJobs: z.number().int().min(1).default(2),
  queueMaxWaitTimeSec: z.number().int().min(0).default(0),
  storageExpirySec: z.number().int().min(0).default(604800),
  allowNetwork: z.boolean().default(false),
  accessAddresses: z.array(z.string()).default([]),
  accessLists: z.array(accessListMap).optional(),
  fees: z
    .record(
      z.string(),
      z.array(
        z.object({
          feeToken: z.string(),
          prices: z.array(z.object({ id: z.string(), price: z.number().min(0) })),
        }),
      ),
    )
    .default({}),
  free: z
    .object({
      maxJobDurationSec: z.number().int().min(1).default(60),
      maxJobs: z.number().int().min(1).default(1),
      maxJobsPerConsumer: z.number().int().min(1).default(1),
      cpu: z.number().positive().default(1),
      ramGb: z.number().positive().default(1),
      diskGb: z.number().positive().default(1),
      accessAddresses: z.array(z.string()).default([]),
      accessLists: z.array(accessListMap).optional(),
    })
    .optional(),
  /** Kubernetes: each step's pending timeout; unset = the driver's `driver.pendingTimeoutSec`. */
  pendingTimeoutSec: z.number().int().positive().optional(),
  nodeSelector: z.record(z.string(), z.string()).optional(),
  nodeAffinity: nodeAffinitySchema.optional(),
  tolerations: z
    .array(
      z.object({
        key: z.string(),
        operator: z.string().optional(),
        value: z.string().optional(),
        effect: z.string().optional(),
      }),
    )
    .optional(),
})
export type ConsoleEnvironment = z.output<typeof environmentSchema>

// ---- jobs ----
export const jobOutcomeKindSchema = z.enum(['succeeded', 'failed', 'stopped', 'expired'])
export const jobOutcomeSchema = z.object({
  kind: jobOutcomeKindSchema,
  failureStatus: jobStatus.optional(),
  reason: z.string().optional(),
})
export const jobPaymentSchema = z.object({
  chainId: z.number().int(),
  token: z.string(),
  costWei: z.string(),
  lockTx: z.string().optional(),
  claimTx: z.string().optional(),
  claimedWei: z.string().optional(),
  cancelTx: z.string().optional(),
  escrowJobId: z.string().optional(),
})
/** The logs a job page shows in tabs. */
export const jobLogKindSchema = z.enum(['algorithm', 'configuration', 'publish'])
export type JobLogKind = z.infer<typeof jobLogKindSchema>
export const jobResultFileSchema = z.object({
  filename: z.string(),
  filesizeBytes: z.number().int().min(0),
  /** 'receipt': receipt.json, the signed job receipt (issue 12), listed after the driver's files. */
  type: z.enum(['imageLog', 'configurationLog', 'algorithmLog', 'output', 'publishLog', 'receipt']),
  index: z.number().int().min(0),
})
export type JobResultFile = z.infer<typeof jobResultFileSchema>
/** A job as the console sees it: never the JobSpec (it holds secrets such as dataset URLs). */
export const jobSummarySchema = z.object({
  jobId: z.string(),
  owner: z.string(),
  environmentId: z.string(),
  datasets: z.array(
    z.object({ did: z.string(), serviceId: z.string(), transferTxId: z.string().optional() }),
  ),
  algorithm: z.object({
    did: z.string().optional(),
    serviceId: z.string().optional(),
    transferTxId: z.string().optional(),
    isRawCode: z.boolean(),
  }),
  status: jobStatus,
  outcome: jobOutcomeSchema.nullable(),
  stopRequested: z.boolean(),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
  finishedAtMs: z.number().nullable(),
  algoStartMs: z.number().nullable(),
  algoStopMs: z.number().nullable(),
  maxJobDurationSec: z.number(),
  isFree: z.boolean(),
  results: z.array(jobResultFileSchema),
  terminationDetails: z.object({ exitCode: z.number().nullable(), oomKilled: z.boolean() }),
  payment: jobPaymentSchema.nullable(),
  /** Live: why the running job waits now (e.g. a Kubernetes pod that cannot be scheduled), since when. */
  waiting: z.object({ reason: z.string(), sinceMs: z.number() }).optional(),
  /** Publisher review of the outputs (issue 12); absent: released automatically. */
  review: z
    .object({
      windowSec: z.number().int(),
      state: z.enum(['armed', 'held', 'released', 'rejected']),
      heldAtMs: z.number().optional(),
      deadlineMs: z.number().optional(),
      decidedAtMs: z.number().optional(),
      decidedBy: z.enum(['publisher', 'window']).optional(),
      reason: z.string().optional(),
      chargeForCompute: z.boolean().optional(),
    })
    .optional(),
})
export type JobSummary = z.infer<typeof jobSummarySchema>
export const jobEventSchema = z.object({
  seq: z.number().int(),
  from: jobStatus.nullable(),
  to: jobStatus,
  cause: z.string(),
  atMs: z.number(),
})
/**
 * The Jobs table's server-side sort (engine/store/jobs-repo.ts JobsSort): by created time, status,
 * duration (as the job page shows it; a job not finished yet has none and sorts as the shortest) or
 * the dataset's asset name (case-insensitive; a dataset this console does not know sorts by its DID).
 * Ties break by created time, then job id, in the same direction.
 */
export const JOB_SORT_COLUMNS = ['created', 'status', 'duration', 'assetName'] as const
export const jobSortSchema = z
  .object({ column: z.enum(JOB_SORT_COLUMNS), direction: z.enum(['asc', 'desc']) })
  .strict()
export type JobSort = z.infer<typeof jobSortSchema>
/** A listJobs cursor's first character per sort: "s<status>:", "d<durationMs>:", "a<uri-encoded name>:". */
export const JOB_CURSOR_PREFIX: Record<JobSort['column'], string> = {
  created: '',
  status: 's',
  duration: 'd',
  assetName: 'a',
}
export const jobFilterSchema = z
  .object({
    statuses: z.array(jobStatus).optional(),
    /** Coarse filter for the table: running = not terminal. */
    owner: z.string().optional(),
    did: z.string().optional(),
    environmentId: z.string().optional(),
    /**
     * Substring search, case-insensitive, over job id, consumer address, dataset and algorithm DIDs,
     * and the names of this console's assets (a name match finds the jobs on that asset).
     */
    search: z.string().trim().max(200).optional(),
    /** Finished jobs (status 70) that ended this way. */
    outcome: jobOutcomeKindSchema.optional(),
    /**
     * The list's order, answered by the store from an index (keyset pages stay bounded at 100k jobs):
     * by created time, status, duration or asset name (then created time, then job id), either
     * direction. Default: created, newest first.
     */
    sort: jobSortSchema.optional(),
    /**
     * `nextCursor` of the previous page, asked with the same sort: the page after it (keyset paging;
     * offset is ignored). Cursors of the other sorts start with their JOB_CURSOR_PREFIX and value.
     */
    cursor: z
      .string()
      .regex(
        /^(s\d{1,3}:|d-?\d{1,15}:|a[^\s:]{0,1200}:)?\d{1,15}:[^\s]{1,200}$/,
        'a nextCursor from a previous listJobs answer',
      )
      .optional(),
    limit: z.number().int().min(1).max(1000).default(200),
    offset: z.number().int().min(0).default(0),
  })
  .superRefine((f, ctx) => {
    if (f.cursor === undefined) return
    const prefix = /^[sda]/.exec(f.cursor)?.[0] ?? ''
    if (prefix !== JOB_CURSOR_PREFIX[f.sort?.column ?? 'created'] || !isDecodableCursor(f.cursor))
      ctx.addIssue({
        code: 'custom',
        path: ['cursor'],
        message: 'a nextCursor from a previous listJobs answer with the same sort',
      })
  })
export type JobFilterInput = z.input<typeof jobFilterSchema>
function isDecodableCursor(cursor: string): boolean {
  if (!cursor.startsWith('a')) return true
  try {
    decodeURIComponent(cursor.slice(1, cursor.indexOf(':')))
    return true
  } catch {
    return false
  }
}
/**
 * Jobs per list filter under the same search (not narrowed by status or outcome): running, queued
 * and the four outcomes partition `all`. The Overview's counts are these without a search.
 */
export const jobCountsSchema = z.object({
  all: z.number().int(),
  running: z.number().int(),
  queued: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  stopped: z.number().int(),
  expired: z.number().int(),
})
export type JobCounts = z.infer<typeof jobCountsSchema>

// ---- assets ----
export const fileSourceSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('url'),
    url: z.string().url('a full http(s) URL'),
    method: z.enum(['get', 'post']).default('get'),
    headers: z.record(z.string(), z.string()).default({}),
  }),
  z.object({ type: z.literal('local'), path: z.string().min(1, 'a file path on this machine') }),
  z.object({ type: z.literal('ipfs'), hash: z.string().min(1) }),
  z.object({ type: z.literal('arweave'), transactionId: z.string().min(1) }),
])
export const computeServiceSchema = z.object({
  serviceId: z.string().min(1).optional(),
  files: z.array(fileSourceSchema).min(1, 'add at least one file'),
  timeoutSec: z.number().int().min(0).default(0),
  allowRawAlgorithm: z.boolean().default(false),
  allowNetworkAccess: z.boolean().default(false),
  publisherTrustedAlgorithmPublishers: z.array(address).default([]),
  publisherTrustedAlgorithms: z
    .array(z.object({ did, filesChecksum: z.string(), containerSectionChecksum: z.string() }))
    .default([]),
})
export const assetDraftSchema = z.object({
  kind: z.enum(['dataset', 'algorithm']),
  name: z.string().min(1, 'give the asset a name').max(256),
  description: z.string().default(''),
  author: z.string().default(''),
  license: z.string().default('MIT'),
  /** Algorithms only: the container the job runs in. */
  container: z
    .object({
      image: z.string().min(1),
      tag: z.string().min(1),
      entrypoint: z.string().min(1),
      checksum: z.string().default(''),
    })
    .optional(),
  service: computeServiceSchema,
})
export type AssetDraft = z.input<typeof assetDraftSchema>
export const assetSummarySchema = z.object({
  did: z.string(),
  kind: z.enum(['dataset', 'algorithm']),
  name: z.string(),
  chainId: z.number().int(),
  nftAddress: z.string(),
  datatokenAddress: z.string(),
  state: z.number().int(),
  serviceIds: z.array(z.string()),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
  /**
   * Found by the chain indexer: published outside the console (ocean.js, Ocean Market) with this node
   * as its endpoint. Its NFT is not the console wallet's, so the console offers no edits; absent for
   * the console's own assets.
   */
  publishedElsewhere: z.object({ publisher: z.string() }).optional(),
  /**
   * Stale: the chain in use has no code at the asset's data NFT or datatoken (the dev chain is
   * redeployed at every start; an asset published on it by hand is gone). Checked at start, cached,
   * re-checked in the background; on-chain actions on it are refused with ASSET_NOT_ON_CHAIN.
   */
  notOnChain: z
    .object({ missing: z.array(z.enum(['data NFT', 'datatoken'])), message: z.string() })
    .optional(),
})
export type AssetSummary = z.infer<typeof assetSummarySchema>
/**
 * A first publish this console started that has not reached the chain (the app was closed or
 * crashed mid-publish, or a transaction failed): listUnfinishedPublishes. Publishing the draft
 * again would mint a second NFT; resumePublish finishes this one from its recorded progress.
 */
export const unfinishedPublishSchema = z.object({
  /** What resumePublish and discardUnfinishedPublish take: the DID, or a local id (`pending:…`) while none is known. */
  id: z.string(),
  /** Known once the data NFT exists and this console has read it from the create receipt. */
  did: z.string().nullable(),
  kind: z.enum(['dataset', 'algorithm']),
  name: z.string(),
  chainId: z.number().int(),
  /**
   * The on-chain step it stopped at: `create` (data NFT + datatoken: not sent, sent and not
   * confirmed, or reverted) or `metadata` (the NFT exists; the DDO is not on chain, or it is and
   * this console has not recorded it yet).
   */
  stoppedAt: z.enum(['create', 'metadata']),
  /** That step's recorded tx: none yet, signed (maybe sent, not confirmed), mined, or failed. */
  txStatus: z.enum(['none', 'signed', 'mined', 'failed']),
  txHash: z.string().nullable(),
  /** The error that stopped it, when one was caught (a crash leaves none). */
  error: z.string().nullable(),
  startedAtMs: z.number(),
  /** Last time its progress was written. */
  updatedAtMs: z.number(),
  /** A publish or resume of it is running right now: neither resume nor discard it. */
  inProgress: z.boolean(),
  /** Why this console cannot resume it (recorded on another chain); null: it can. */
  notResumable: z.string().nullable(),
})
export type UnfinishedPublish = z.infer<typeof unfinishedPublishSchema>
/** nft.state as Ocean's ERC721Template defines it (0 active; every other state refuses compute). */
export const ASSET_STATES = {
  active: 0,
  endOfLife: 1,
  deprecated: 2,
  revoked: 3,
  orderingDisabled: 4,
  unlisted: 5,
} as const
export type AssetStateName = keyof typeof ASSET_STATES
export const assetStateNames = Object.keys(ASSET_STATES) as [AssetStateName, ...AssetStateName[]]
export function assetStateName(state: number): AssetStateName | 'unknown' {
  return assetStateNames.find((name) => ASSET_STATES[name] === state) ?? 'unknown'
}
/** Token amounts travel as decimal strings (18 decimals): a float would round wei away. */
export const tokenAmountSchema = z
  .string()
  .trim()
  .regex(/^\d{1,30}(\.\d{1,18})?$/, 'a number of tokens such as "10" or "0.5" (at most 18 decimals)')
  .refine((s) => /[1-9]/.test(s), 'must be more than 0')
/** One signed transaction's outcome: the hash the UI links to. */
export const txResultSchema = z.object({ did, txHash: z.string().regex(/^0x[0-9a-f]{64}$/i) })
export const balancesSchema = z.object({
  /** The account that signs publishing transactions (on the dev chain: the funded dev publisher). */
  address,
  chainId: z.number().int(),
  nativeWei: z.string(),
  /**
   * The native coin's symbol ("ETH" on the dev chain): `chain.nativeSymbol` from config, else a
   * default for well-known chain ids, else "native coin" (words, never a guessed ticker).
   */
  nativeSymbol: z.string().min(1),
  /** null when OCEAN has no known address on this chain. */
  oceanWei: z.string().nullable(),
  datatokens: z.array(
    z.object({
      did: z.string(),
      name: z.string(),
      datatokenAddress: z.string(),
      balanceWei: z.string(),
      /** Set (in words) when the balance could not be read: the datatoken is not on this chain. balanceWei is then "0". */
      unavailable: z.string().optional(),
    }),
  ),
  /** False when the account has no native coin: every transaction would fail for gas. */
  canPayGas: z.boolean(),
})
export type ConsoleBalances = z.infer<typeof balancesSchema>
/**
 * A chain this console serves (issue 14: the primary chain first, then `chain.additionalChains`),
 * with the token its environments' paid tier takes there (its OCEAN; null when none is known).
 */
export const servedChainSchema = z.object({
  chainId: z.number().int(),
  name: z.string(),
  primary: z.boolean(),
  feeToken: address.nullable(),
})
export type ServedChain = z.infer<typeof servedChainSchema>
/** A served chain as the Overview and the status bar show it: reachable now, at which block. */
export const chainStatusSchema = servedChainSchema.extend({
  /** eth_blockNumber now; null when the RPC did not answer in time. */
  blockNumber: z.number().int().nonnegative().nullable(),
  reachable: z.boolean(),
})
export type ChainStatus = z.infer<typeof chainStatusSchema>
/** Native coin and OCEAN of the publishing account on one served chain (Settings → Balances per chain). */
export const chainBalanceSchema = z.object({
  chainId: z.number().int(),
  name: z.string(),
  primary: z.boolean(),
  /** The chain's native coin ("ETH", "POL"; configured or known, else "native coin"). */
  nativeSymbol: z.string(),
  /** null with `error`: the chain could not be read. */
  nativeWei: z.string().nullable(),
  /** null when OCEAN has no known address on this chain, or with `error`. */
  oceanWei: z.string().nullable(),
  oceanToken: address.nullable(),
  /** Why this chain's balances could not be read (RPC down, wrong chain), in words. */
  error: z.object({ code: z.string().optional(), message: z.string() }).nullable(),
})
export type ChainBalance = z.infer<typeof chainBalanceSchema>
export const validationIssueSchema = z.object({ path: z.string(), message: z.string() })

// ---- health, backend, settings ----
export const healthCheckSchema = z.object({
  id: z.string(),
  label: z.string(),
  ok: z.boolean(),
  message: z.string(),
  /** What to do when it failed, in words. */
  fix: z.string().optional(),
  /**
   * Why it failed, one word. Kubernetes: kubeconfig, dns, refused, timeout, unreachable, reset,
   * tls-unknown-ca, tls-hostname-mismatch, tls-expired, tls, exec-not-found, exec-failed,
   * exec-bad-output, exec-timeout, unauthorized, forbidden, namespace-missing, http-error,
   * egress-open, egress-unproven, unknown.
   */
  cause: z.string().optional(),
  /** Not run because an earlier check failed (ok is then false: nothing was proven). */
  skipped: z.boolean().optional(),
})
export const clusterHealthSchema = z.object({
  driver: z.enum(['local', 'kubernetes']),
  ok: z.boolean(),
  checks: z.array(healthCheckSchema),
  checkedAtMs: z.number(),
  /** Kubernetes: the API server URL the checks talked to. */
  apiServer: z.string().optional(),
})
export const kubeContextSchema = z.object({
  name: z.string(),
  cluster: z.string(),
  /** The kubeconfig file that defines it. */
  source: z.string(),
  user: z.string().optional(),
  namespace: z.string().nullable().optional(),
  /** The cluster's API server URL. */
  server: z.string().optional(),
  /** The file's current-context. */
  current: z.boolean().optional(),
  /** An earlier KUBECONFIG file has a context of this name, which kubectl and the console use. */
  shadowed: z.boolean().optional(),
})
/** One kubeconfig file where the console looks (the configured one, each KUBECONFIG file, or ~/.kube/config). */
export const kubeconfigFileSchema = z.object({
  path: z.string(),
  source: z.enum(['configured', 'KUBECONFIG', 'default']),
  state: z.enum(['loaded', 'missing', 'invalid']),
  /** Why an invalid file could not be read. */
  error: z.string().optional(),
  currentContext: z.string().optional(),
  contexts: z.array(kubeContextSchema),
})
export type KubeconfigFile = z.output<typeof kubeconfigFileSchema>
export const computeBackendSchema = z.object({
  driver: z.enum(['local', 'kubernetes']),
  /** Every usable context (shadowed ones left out), `source` its file. */
  kubeContexts: z.array(kubeContextSchema),
  /** The kubeconfig files looked at, in kubectl's order, each with its contexts. */
  kubeconfigs: z.array(kubeconfigFileSchema).optional(),
  currentContext: z.string().nullable(),
  namespace: z.string().nullable(),
  /** The backend saved for the next start, when it differs from the running one. */
  next: z
    .object({
      driver: z.enum(['local', 'kubernetes']),
      context: z.string().nullable(),
      namespace: z.string().nullable(),
    })
    .nullable()
    .optional(),
})
export type ComputeBackend = z.output<typeof computeBackendSchema>
const kubeNamespace = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name: lowercase letters, digits and dashes')
export const backendChoiceSchema = z.discriminatedUnion('driver', [
  z.object({ driver: z.literal('local') }),
  z.object({
    driver: z.literal('kubernetes'),
    context: z.string().min(1, 'pick a kubeconfig context'),
    namespace: kubeNamespace,
    /**
     * Save although the context's checks fail (the publisher confirmed it). Without it a failing
     * context is refused with KUBE_CONTEXT_FAILING and the failed checks.
     */
    saveAnyway: z.boolean().optional(),
  }),
])
/**
 * Desktop notifications (failed jobs, refused requests, payments claimed: DESKTOP_NOTIFICATION_KINDS).
 * Who keeps the choice depends on who shows them: the desktop app's main process keeps its own
 * preference (desktop-preferences.json, also in its File menu) and answers these calls itself over
 * IPC; in the browser console the engine keeps it (settings table) and the page shows them through
 * the browser's Notification API, after the browser's permission.
 */
export const notificationSettingsSchema = z.object({
  desktopNotifications: z.boolean(),
  /** 'desktop-app': Electron shows them; 'browser': this page does, when the browser allows it. */
  surface: z.enum(['desktop-app', 'browser']),
  /** desktop-app: false where the desktop has no notification service (nothing would show). */
  isSupported: z.boolean(),
})
export const settingsSchema = z.object({
  providerHost: z.string(),
  providerPort: z.number().int().min(0).max(65535),
  rpcEndpoints: z.record(z.string(), z.string()),
  dataDir: z.string(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']),
  /** The provider's address only: the console never sees a key. Known while locked (read from the keystore). */
  walletAddress: address.nullable(),
  /**
   * The base URL consumers use for the Provider (written into every DDO's serviceEndpoint); null =
   * the bound address, which is only reachable from this machine when it is 127.0.0.1.
   */
  publicUrl: z.string().url('a full URL such as https://provider.example.com').nullable().optional(),
  /** Which chain the next start connects to. */
  chain: z
    .object({
      mode: z.enum(['dev', 'rpc', 'off']),
      rpcUrl: z.string().url('a full http(s) URL').nullable(),
      chainId: z.number().int().positive('a chain id above 0').nullable(),
    })
    .optional(),
})
/** Settings → Chain → Check: the chain the publisher is about to pick, tried before saving. */
export const chainChoiceSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('dev') }),
  z.object({ mode: z.literal('off') }),
  z.object({
    mode: z.literal('rpc'),
    rpcUrl: z.string().url('a full http(s) URL'),
    chainId: z.number().int().positive('a chain id above 0'),
  }),
])
export const chainCheckSchema = z.object({
  ok: z.boolean(),
  /** Every check, in order: the RPC answers, the chain id matches, each Ocean contract has code. */
  checks: z.array(healthCheckSchema),
  blockNumber: z.number().int().nullable(),
})
export const walletStatusSchema = z.object({
  state: z.enum(['none', 'locked', 'unlocked']),
  /**
   * The Provider's signing key, the one address shown everywhere (issue 11): the wallet's; on the
   * dev chain with no wallet yet (`devKey: true`, state 'none'), the throwaway dev provider key's.
   */
  address: address.nullable(),
  /** Dev chain, no wallet yet: the Provider signs with the fixed dev key until one is created or imported. */
  devKey: z.boolean().optional(),
})
/** How consumers can reach this console: P2P (peer ID, direct and relayed addresses) and the public URL. */
export const reachabilitySchema = z.object({
  p2p: z.object({
    enabled: z.boolean(),
    /** Derived from the node key (as Ocean Node does); null while P2P is off or the key is locked. */
    peerId: z.string().nullable(),
    direct: z.array(z.string()),
    /** `/p2p-circuit` addresses on relays where this node holds a reservation. */
    relayed: z.array(z.string()),
    connections: z.number().int(),
    isReachable: z.boolean(),
  }),
  http: z.object({
    bindHost: z.string(),
    publicUrl: z.string().nullable(),
    /** GET <publicUrl>/ answered with this node's providerAddress ("ok"), another one, or nothing. */
    selfCheck: z.object({
      state: z.enum(['not-configured', 'ok', 'mismatch', 'unreachable']),
      detail: z.string().optional(),
      seenProviderAddress: z.string().nullable().optional(),
    }),
  }),
})
/** Settings → Network: how the console is exposed, applied at once and kept for the next start. */
export const networkSettingsSchema = z.object({
  p2pEnabled: z.boolean(),
  publicUrl: z.string().nullable(),
  announceAddresses: z.array(z.string()),
  /** What every DDO's serviceEndpoint names now: the public URL, else the peer ID (P2P on), else the local URL. */
  serviceEndpoint: z.string(),
})
const multiaddr = z
  .string()
  .regex(/^\/(ip4|ip6|dns4|dns6|dns)\/\S+$/, 'a multiaddr such as /ip4/203.0.113.7/tcp/9000')
export const networkSettingsPatchSchema = z.object({
  p2pEnabled: z.boolean().optional(),
  /** null removes the public URL. */
  publicUrl: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'an http:// or https:// URL')
    .nullable()
    .optional(),
  announceAddresses: z.array(multiaddr).max(16).optional(),
  /** Exposing the Provider (or moving every DDO) is confirmed by the publisher. */
  confirm: z.literal(true, { error: 'this action needs confirm: true' }),
})
/** Whether the DDOs were re-published for the new endpoint: one mined setMetaData tx per asset. */
export const republishOutcomeSchema = z.object({
  state: z.enum(['not-needed', 'no-chain', 'done', 'failed']),
  endpoint: z.string(),
  assets: z.array(z.object({ did: z.string(), txHash: z.string().nullable() })),
  error: z.string().optional(),
})
const password = z.string().min(8, 'at least 8 characters')
const confirmed = z.literal(true, { error: 'this action needs confirm: true' })

// ---- approval inbox (issue 12) ----
export const accessRequestSchema = z.object({
  id: z.string(),
  datasetDid: z.string(),
  serviceId: z.string(),
  algorithmKey: z.string(),
  algorithmDid: z.string().optional(),
  rawCodeHash: z.string().optional(),
  container: z.object({
    image: z.string().optional(),
    tag: z.string().optional(),
    checksum: z.string().optional(),
    entrypoint: z.string().optional(),
  }),
  containerChecksum: z.string(),
  filesChecksum: z.string().nullable(),
  reason: z.string(),
  status: z.enum(['pending', 'approved', 'denied']),
  denyReason: z.string().nullable(),
  /** The setMetaData tx of an approval on chain (the algorithm is in the dataset's trust list). */
  approvedTx: z.string().nullable(),
  /**
   * The latest approval on chain not (yet) confirmed, written before its tx is sent: `approving`
   * (a restart confirms it from the chain), or `not-landed` with why (the request is pending).
   */
  onChain: z
    .object({
      state: z.enum(['approving', 'not-landed']),
      entry: z.object({ did: z.string(), filesChecksum: z.string(), containerSectionChecksum: z.string() }),
      startedAtMs: z.number().int(),
      txHash: z.string().nullable(),
      reason: z.string().nullable(),
    })
    .nullable(),
  createdAtMs: z.number().int(),
  updatedAtMs: z.number().int(),
  consumers: z.array(
    z.object({ consumer: z.string(), attempts: z.number().int(), lastAtMs: z.number().int() }),
  ),
  policies: z.array(
    z.object({
      id: z.string(),
      requestId: z.string(),
      consumer: z.string().nullable(),
      untilMs: z.number().int().nullable(),
      createdAtMs: z.number().int(),
    }),
  ),
})
export type AccessRequestSummary = z.output<typeof accessRequestSchema>
/** What the inbox shows of a request's algorithm: its DDO and code when this console holds them. */
export const accessRequestAlgorithmSchema = z.object({
  /** The algorithm's DDO from this console's registry (published here or indexed); null for raw code or an unknown DID. */
  ddo: z.record(z.string(), z.unknown()).nullable(),
  name: z.string().nullable(),
  /** Who published it: the DDO's author field. */
  author: z.string().nullable(),
  /** The code: the raw code as sent, or each algorithm file this console can read (first 64 KiB as text). */
  code: z.array(
    z.object({
      name: z.string(),
      sizeBytes: z.number().int().min(0),
      sha256: z.string(),
      text: z.string().nullable(),
      truncated: z.boolean(),
      /** Why there is no text (binary, unreadable, not held here). */
      note: z.string().optional(),
    }),
  ),
  /** filesChecksum of the files read now; null when they could not all be read. */
  filesChecksumNow: z.string().nullable(),
  /** The code shown is the code the request was refused with (same files checksum). */
  matchesRequest: z.boolean(),
})
export type AccessRequestAlgorithm = z.output<typeof accessRequestAlgorithmSchema>

// ---- per-dataset policy and output review (issue 12) ----
const quota = z.number().int().min(1).max(1_000_000)
/** Per-consumer quotas over a rolling 24 hours; an absent one is no limit. */
export const quotasSchema = z.object({
  jobsPerDay: quota.optional(),
  computeMinutesPerDay: quota.optional(),
  concurrentJobs: quota.optional(),
})
export type QuotasSummary = z.output<typeof quotasSchema>
/**
 * A dataset's publisher control: output release, the console's consumer allow/deny lists and
 * per-consumer quotas (rolling 24 hours), plus the review screen's guards. Anything else is refused
 * when it is set (REQUEST_INVALID), never at job time.
 */
export const datasetPolicySchema = z.object({
  outputRelease: z.enum(['automatic', 'publisher-review']).default('automatic'),
  /** 1 minute to 30 days; the escrow lock of a paid job covers its duration plus this window. */
  reviewWindowSec: z
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(24 * 3600),
  consumers: z
    .object({ allow: z.array(address).max(1000).default([]), deny: z.array(address).max(1000).default([]) })
    .default({ allow: [], deny: [] }),
  quotas: quotasSchema.default({}),
  reviewGuards: z
    .object({
      outputBytesMax: z.number().int().min(1).optional(),
      fileCountMax: z.number().int().min(1).optional(),
      allowedPatterns: z.array(z.string().min(1).max(200)).max(50).default([]),
    })
    .default({ allowedPatterns: [] }),
  /**
   * The compute environments consumers may run jobs on this dataset in (the publish wizard's and
   * the asset page's pick). Empty: every environment. Any other is refused at initializeCompute and
   * every start with ENVIRONMENT_NOT_ALLOWED; ids must name a configured environment when set.
   */
  environments: z.array(z.string().min(1).max(200)).max(100).default([]),
})
export type DatasetPolicyInput = z.input<typeof datasetPolicySchema>
export type DatasetPolicySummary = z.output<typeof datasetPolicySchema>
export const reviewGuardSchema = z.object({
  id: z.enum(['output-size', 'file-count', 'file-patterns', 'output-leak', 'log-leak']),
  status: z.enum(['pass', 'flag', 'skipped']),
  message: z.string(),
  examples: z.array(z.string()).optional(),
})
export const outputReviewSchema = z.object({
  files: z.array(
    z.object({
      path: z.string(),
      sizeBytes: z.number().int().min(0),
      kind: z.enum(['text', 'csv', 'json', 'image', 'binary']),
      previewLines: z.array(z.string()).optional(),
      imageDataUrl: z.string().optional(),
    }),
  ),
  totalBytes: z.number().int().min(0),
  algorithmLog: z.object({ sizeBytes: z.number().int(), previewLines: z.array(z.string()) }).optional(),
  guards: z.array(reviewGuardSchema),
})
export type OutputReviewSummary = z.output<typeof outputReviewSchema>

// ---- audit trail (issue 12) ----
const auditHeadSchema = z.object({ seq: z.number().int(), hash: z.string() })
export const auditEventSchema = z.object({
  seq: z.number().int(),
  atMs: z.number().int(),
  type: z.string(),
  actor: z.string().nullable(),
  subject: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
})
export type AuditEventSummary = z.output<typeof auditEventSchema>
const auditFilterSchema = z.object({
  type: z.string().min(1).max(64).optional(),
  actor: z.string().min(1).max(64).optional(),
  subject: z.string().min(1).max(200).optional(),
  afterSeq: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(10_000).default(500),
})

// ---- console UI (issue 11): asset details, edit, token symbols ----
/** One trusted algorithm as the asset page shows it: its DID, pinned checksums and name when known here. */
export const trustedAlgorithmSchema = z.object({
  did,
  filesChecksum: z.string(),
  containerSectionChecksum: z.string(),
})
/** An asset's public facts (the DDO's compute service, never its file URLs). */
export const assetDetailsSchema = z.object({
  asset: assetSummarySchema,
  description: z.string(),
  author: z.string(),
  license: z.string(),
  serviceId: z.string().nullable(),
  serviceEndpoint: z.string().nullable(),
  timeoutSec: z.number().int(),
  fileCount: z.number().int(),
  allowRawAlgorithm: z.boolean(),
  allowNetworkAccess: z.boolean(),
  publisherTrustedAlgorithmPublishers: z.array(z.string()),
  publisherTrustedAlgorithms: z.array(trustedAlgorithmSchema),
  container: z
    .object({ image: z.string(), tag: z.string(), entrypoint: z.string(), checksum: z.string() })
    .nullable(),
  /** The DDO as on chain and served to consumers (its files are encrypted for the Provider). */
  ddo: z.record(z.string(), z.unknown()).optional(),
})
export type AssetDetails = z.output<typeof assetDetailsSchema>
/** What editAsset may change; the files stay as published (their URLs never cross the console API). */
export const assetChangesSchema = z
  .object({
    name: z.string().min(1, 'give the asset a name').max(256),
    description: z.string(),
    timeoutSec: z.number().int().min(0),
    allowRawAlgorithm: z.boolean(),
    allowNetworkAccess: z.boolean(),
    publisherTrustedAlgorithmPublishers: z.array(address),
    /** DIDs only: the engine pins each algorithm's checksums from its own DDO. */
    publisherTrustedAlgorithms: z.array(did),
  })
  .partial()
export type AssetChanges = z.input<typeof assetChangesSchema>
export const tokenInfoSchema = z.object({
  address,
  symbol: z.string(),
  decimals: z.number().int().min(0).max(36),
})
export type TokenInfo = z.output<typeof tokenInfoSchema>
/**
 * How consumers get an asset's datatoken, read on chain (issue 11: the asset page's prices): every
 * fixed-rate exchange (rate in base-token units, exact decimal text) and every dispenser, active
 * or not. ocean.js orders through the first active one (spec §10).
 */
export const assetPricesSchema = z.object({
  did,
  datatokenAddress: address,
  fixedRates: z.array(
    z.object({
      exchangeContract: address,
      exchangeId: z.string(),
      baseToken: address,
      /** Base tokens per datatoken ("1.5"); the symbol comes from getTokenInfo. */
      rate: z.string(),
      active: z.boolean(),
    }),
  ),
  dispensers: z.array(
    z.object({
      contract: address,
      active: z.boolean(),
      /** Most datatokens per request, and most a consumer may hold, decimal text. */
      maxTokens: z.string(),
      maxBalance: z.string(),
    }),
  ),
})
export type AssetPrices = z.output<typeof assetPricesSchema>

function query<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { kind: 'query' as const, input, output }
}
function command<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { kind: 'command' as const, input, output }
}

/** Every console method. Names are verbs; the HTTP path is `/console/v1/<name>`. */
export const consoleMethods = {
  getOverview: query(
    empty,
    z.object({
      providerUrl: z.string(),
      providerAddress: z.string().nullable(),
      chainId: z.number().int().nullable(),
      chainName: z.string().nullable(),
      /** The chain's latest block (eth_blockNumber); null without a chain or when it did not answer in time. */
      blockNumber: z.number().int().nonnegative().nullable(),
      /** Why the chain is not connected when it failed to start (e.g. EDR's binding missing), with its fix. */
      chainError: z.object({ code: z.string().optional(), message: z.string() }).nullable(),
      /** Every served chain (the primary first; issue 14), each asked for its block now. */
      chains: z.array(chainStatusSchema),
      health: clusterHealthSchema.nullable(),
      /**
       * The Jobs list's buckets and names (jobCountsSchema without a search): each Overview count
       * opens the Jobs list with that filter. `finished` = succeeded + stopped + expired (kept for
       * older readers; the Overview no longer shows it).
       */
      jobCounts: z.object({
        running: z.number(),
        queued: z.number(),
        finished: z.number(),
        succeeded: z.number(),
        failed: z.number(),
        stopped: z.number(),
        expired: z.number(),
      }),
      recentJobs: z.array(jobSummarySchema),
    }),
  ),
  /** One page, newest first; `total` matches the whole filter, `nextCursor` is null on the last page. */
  listJobs: query(
    jobFilterSchema,
    z.object({
      jobs: z.array(jobSummarySchema),
      total: z.number().int(),
      seq: z.number().int(),
      counts: jobCountsSchema,
      nextCursor: z.string().nullable(),
    }),
  ),
  getJob: query(
    z.object({ jobId: z.string().min(1) }),
    z.object({ job: jobSummarySchema, events: z.array(jobEventSchema) }),
  ),
  stopJob: command(z.object({ jobId: z.string().min(1) }), z.object({ job: jobSummarySchema })),
  getJobLogTail: query(
    z.object({ jobId: z.string().min(1), maxBytes: z.number().int().min(1).max(1_048_576).default(65_536) }),
    z.object({ text: z.string(), isRunning: z.boolean() }),
  ),
  /**
   * A byte range of one of a job's logs, from the first line: the algorithm log while it runs (and
   * after), the configuration and publish logs once written. `nextByte` is where the next read (or
   * the next onJobLog chunk) starts; the text never ends inside a UTF-8 character.
   */
  readJobLog: query(
    z.object({
      jobId: z.string().min(1),
      log: jobLogKindSchema.default('algorithm'),
      fromByte: z.number().int().min(0).default(0),
      maxBytes: z.number().int().min(1).max(4_194_304).default(1_048_576),
    }),
    z.object({
      text: z.string(),
      fromByte: z.number().int(),
      nextByte: z.number().int(),
      sizeBytes: z.number().int(),
      /** The algorithm is running: more lines may come (onJobLog). */
      isRunning: z.boolean(),
      /** False when this log does not exist (yet) for the job. */
      isAvailable: z.boolean(),
    }),
  ),
  /**
   * A window of lines of one of a job's logs (what the windowed log viewer shows): the engine keeps
   * a line index per file, built incrementally, so any window of a 51 MB log is one seek. Lines
   * come without their "\n" (and a CRLF's "\r"); `lineCount` includes an unfinished last line of
   * a running log. `maxLines: 0` answers only the counts. `times` (beside `lines`, one per line):
   * when the engine received each line (epoch ms; the local runner: when the algorithm's output
   * arrived; Kubernetes: the kubelet's time), null for a line before the first recorded time;
   * absent, and `hasTimes` false, for a log written before the engine kept times.
   */
  readJobLogLines: query(
    z.object({
      jobId: z.string().min(1),
      log: jobLogKindSchema.default('algorithm'),
      fromLine: z.number().int().min(0).default(0),
      maxLines: z.number().int().min(0).max(5000).default(500),
    }),
    z.object({
      lines: z.array(z.string()),
      times: z.array(z.number().nullable()).optional(),
      hasTimes: z.boolean(),
      fromLine: z.number().int(),
      lineCount: z.number().int(),
      sizeBytes: z.number().int(),
      isRunning: z.boolean(),
      isAvailable: z.boolean(),
    }),
  ),
  /**
   * Searches a job's log on the engine, streamed over the file: the lines (0-based) holding `query`
   * from `fromLine` on (forward) or before it (backward), at most `limit`. `nextCursor` is the
   * `fromLine` of the next search in the same direction; null when there is nothing further.
   */
  searchJobLog: query(
    z.object({
      jobId: z.string().min(1),
      log: jobLogKindSchema.default('algorithm'),
      query: z.string().min(1).max(1000),
      isCaseSensitive: z.boolean().default(false),
      fromLine: z.number().int().min(0).default(0),
      direction: z.enum(['forward', 'backward']).default('forward'),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    z.object({
      matches: z.array(z.object({ line: z.number().int(), column: z.number().int() })),
      nextCursor: z.number().int().nullable(),
      lineCount: z.number().int(),
      isRunning: z.boolean(),
      isAvailable: z.boolean(),
    }),
  ),
  /** Small results over any transport; larger ones via the HTTP route GET /console/v1/jobs/<id>/results/<index>. */
  readResult: query(
    z.object({ jobId: z.string().min(1), index: z.number().int().min(0) }),
    z.object({
      filename: z.string(),
      contentType: z.string(),
      sizeBytes: z.number().int(),
      base64: z.string(),
    }),
  ),
  /**
   * Saves a result to a file this machine's user picks (the desktop app's Save dialog), streamed
   * from disk to disk with onResultSaveProgress; `savedTo` null = the dialog was cancelled.
   * NOT_AVAILABLE without a dialog (the browser console streams GET /console/v1/jobs/<id>/results/<i>).
   */
  saveResult: command(
    z.object({ jobId: z.string().min(1), index: z.number().int().min(0) }),
    z.object({ savedTo: z.string().nullable(), sizeBytes: z.number().int() }),
  ),
  /**
   * What jobs earned, per asset and period (UTC day, ISO week from Monday, or month): escrow claimed
   * (claimTx) and still locked (no claim or release yet), summed per payment token in wei, and the
   * datatoken orders (distinct order txs) on each asset, free jobs' too. A job on several datasets
   * splits its escrow between them (the remainder wei to the first); an algorithm's orders get a row
   * of their own. `totals`: the same sums per period and token over every asset.
   */
  getEarnings: query(
    z.object({ period: z.enum(['day', 'week', 'month']).default('month') }),
    z.object({
      rows: z.array(
        z.object({
          /** The asset's DID (a dataset, or the algorithm of a row that only counts its orders). */
          datasetDid: z.string(),
          periodStartMs: z.number().int(),
          /** The escrow payment token; null for a row of free jobs (orders only). */
          token: z.string().nullable(),
          claimedWei: z.string(),
          claimedJobs: z.number().int(),
          lockedWei: z.string(),
          lockedJobs: z.number().int(),
          /** Datatoken orders (startOrder txs) on this asset in the period. */
          orders: z.number().int(),
        }),
      ),
      totals: z.array(
        z.object({
          periodStartMs: z.number().int(),
          token: z.string().nullable(),
          claimedWei: z.string(),
          claimedJobs: z.number().int(),
          lockedWei: z.string(),
          lockedJobs: z.number().int(),
          orders: z.number().int(),
        }),
      ),
    }),
  ),
  listEnvironments: query(
    empty,
    z.object({
      environments: z.array(environmentSchema.extend({ running: z.number(), queued: z.number() })),
      /** The token a paid tier takes on the connected chain (OCEAN); null without a chain. */
      feeToken: z.object({ chainId: z.number().int(), token: address }).nullable(),
      /**
       * Every chain this console serves (the primary first): an environment's `fees` may name only
       * these (saveEnvironment refuses others with REQUEST_INVALID at `environment.fees.<chainId>`).
       */
      chains: z.array(servedChainSchema),
    }),
  ),
  saveEnvironment: command(
    z.object({ environment: environmentSchema }),
    z.object({ environment: environmentSchema }),
  ),
  deleteEnvironment: command(z.object({ id: z.string().min(1), confirm: confirmed }), ok),
  getComputeBackend: query(empty, computeBackendSchema),
  checkHealth: query(empty, clusterHealthSchema),
  /** Health of a Kubernetes context that is not (yet) in use: reachability, namespace, permissions. */
  checkKubeContext: query(
    z.object({ context: z.string().min(1), namespace: kubeNamespace }),
    clusterHealthSchema,
  ),
  createKubeNamespace: command(
    z.object({ context: z.string().min(1), namespace: kubeNamespace, confirm: confirmed }),
    ok,
  ),
  /** Saves the compute backend for the next start (config.json); the running one keeps its jobs. */
  selectComputeBackend: command(backendChoiceSchema, computeBackendSchema),
  listAssets: query(
    z.object({ kind: z.enum(['dataset', 'algorithm']).optional() }),
    z.object({ assets: z.array(assetSummarySchema) }),
  ),
  validateAsset: query(
    z.object({ draft: z.unknown() }),
    z.object({ valid: z.boolean(), issues: z.array(validationIssueSchema) }),
  ),
  /**
   * The publish wizard's test fetch of one file source: headers only (HEAD or the first byte),
   * through the Provider's SSRF guard; unreachable is an answer with the reason in words.
   */
  checkFile: query(
    z.object({ source: fileSourceSchema }),
    z.object({
      reachable: z.boolean(),
      sizeBytes: z.number().int().nonnegative().optional(),
      contentType: z.string().optional(),
      reason: z.string().optional(),
    }),
  ),
  /**
   * `environments` (datasets only): the compute environments consumers may use on it, recorded
   * with the publish and stored in its dataset policy as soon as the NFT exists, before the DDO is
   * set on chain (absent: a new dataset allows every environment, a re-publish keeps its list).
   * Unknown ids are refused (REQUEST_INVALID) before anything is signed. `did`: the DID of an
   * interrupted publish resumes it from its recorded draft and environments (given ones replace
   * them); the DID of a published asset edits it.
   */
  publishAsset: command(
    z.object({
      draft: assetDraftSchema,
      did: did.optional(),
      environments: z.array(z.string().min(1).max(200)).max(100).optional(),
    }),
    z.object({ asset: assetSummarySchema }),
  ),
  deleteAsset: command(z.object({ did, confirm: confirmed }), ok),
  /** First publishes that stopped before the asset was live, oldest first (see unfinishedPublishSchema). */
  listUnfinishedPublishes: query(empty, z.object({ publishes: z.array(unfinishedPublishSchema) })),
  /**
   * Finishes an unfinished publish (`id` from listUnfinishedPublishes: its DID, or its local id
   * before the NFT's DID is known) from its recorded draft and allowed environments: a recorded tx
   * is looked up by hash and re-sent as is, never signed twice, so no second NFT is minted.
   * Progress on onPublishProgress. Unknown id: ASSET_NOT_FOUND; running now: PUBLISH_IN_PROGRESS.
   */
  resumePublish: command(
    z.object({ id: z.string().min(1).max(200) }),
    z.object({ asset: assetSummarySchema }),
  ),
  /**
   * Forgets an unfinished publish in this console (its record, draft and progress). It undoes
   * nothing on chain: an NFT already created stays there, unused. Running now: PUBLISH_IN_PROGRESS.
   */
  discardUnfinishedPublish: command(z.object({ id: z.string().min(1).max(200), confirm: confirmed }), ok),
  /** Peer ID, direct and relayed multiaddrs, whether reachable, and the public URL self-check. */
  getReachability: query(empty, reachabilitySchema),
  getNetworkSettings: query(empty, networkSettingsSchema),
  /** Applies now (P2P started/stopped) and for the next start; resolves once the DDOs' re-publish is mined. */
  saveNetworkSettings: command(
    networkSettingsPatchSchema,
    z.object({ settings: networkSettingsSchema, republish: republishOutcomeSchema }),
  ),
  getSettings: query(empty, settingsSchema),
  /** Desktop notifications on or off (and who shows them); see notificationSettingsSchema. */
  getNotificationSettings: query(empty, notificationSettingsSchema),
  /** Kept for the next start; applies to the next event. */
  setNotificationSettings: command(
    z.object({ desktopNotifications: z.boolean() }).strict(),
    notificationSettingsSchema,
  ),
  saveSettings: command(
    settingsSchema
      .pick({
        providerHost: true,
        providerPort: true,
        rpcEndpoints: true,
        logLevel: true,
        publicUrl: true,
        chain: true,
      })
      .partial(),
    settingsSchema,
  ),
  /**
   * Tries a chain choice without saving it: reachable (block height), chain id, Ocean's contracts
   * found at the addresses the console would use. Failures are checks with a fix, never an error.
   */
  checkChain: query(chainChoiceSchema, chainCheckSchema),
  getWallet: query(empty, walletStatusSchema),
  /**
   * A new random key in an encrypted keystore. The answer carries its BIP-39 recovery phrase once,
   * for the publisher to write down; the console never shows or returns it again.
   */
  createWallet: command(
    z.object({ password, confirm: confirmed }),
    walletStatusSchema.extend({ recoveryPhrase: z.string().optional() }),
  ),
  importWallet: command(
    z.object({
      privateKey: z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, '64 hex digits'),
      password,
      confirm: confirmed,
    }),
    walletStatusSchema,
  ),
  unlockWallet: command(z.object({ password: z.string().min(1) }), walletStatusSchema),
  /** A BIP-39 phrase (first account, m/44'/60'/0'/0/0); stored only as the encrypted keystore. */
  importMnemonic: command(
    z.object({
      mnemonic: z
        .string()
        .trim()
        .refine((s) => [12, 15, 18, 21, 24].includes(s.split(/\s+/).length), '12, 15, 18, 21 or 24 words'),
      password,
      confirm: confirmed,
    }),
    walletStatusSchema,
  ),
  /** Native coin, OCEAN and this console's datatokens of the publishing account, read from chain. */
  getBalances: query(empty, balancesSchema),
  /** Native coin and OCEAN of the same account on every served chain (issue 14), each read on its own. */
  getChainBalances: query(empty, z.object({ address, chains: z.array(chainBalanceSchema) })),
  /** nft.state on chain (setMetaDataState); non-active assets refuse compute at the Provider. */
  setAssetState: command(
    z.object({ did, state: z.enum(assetStateNames), confirm: confirmed }),
    txResultSchema.extend({ asset: assetSummarySchema }),
  ),
  /** The state as the NFT holds it now (the chain's truth), beside the console's record. */
  getAssetState: query(
    z.object({ did }),
    z.object({ did, state: z.number().int(), stateName: z.string(), recordedState: z.number().int() }),
  ),
  mintDatatokens: command(
    z.object({ did, to: address, amount: tokenAmountSchema, confirm: confirmed }),
    txResultSchema,
  ),
  /** A free dispenser (ocean.js "free" orders): up to maxTokens per request while holding ≤ maxBalance. */
  createDispenser: command(
    z.object({
      did,
      maxTokens: tokenAmountSchema.default('1'),
      maxBalance: tokenAmountSchema.default('1'),
      confirm: confirmed,
    }),
    txResultSchema,
  ),
  /** A fixed price in baseToken (default OCEAN) per datatoken, minted on purchase. */
  createFixedRate: command(
    z.object({ did, price: tokenAmountSchema, baseToken: address.optional(), confirm: confirmed }),
    txResultSchema,
  ),
  /**
   * The datatoken's fixed prices and dispensers as the chain holds them now. An asset the chain no
   * longer has is refused with ASSET_NOT_ON_CHAIN; an unreachable RPC with CHAIN_UNAVAILABLE.
   */
  getAssetPrices: query(z.object({ did }), assetPricesSchema),
  // ---- publisher control: approval inbox (issue 12) ----
  /** Algorithms the Provider refused as untrusted, collapsed per dataset, service, algorithm and checksums. */
  listAccessRequests: query(
    z.object({ status: z.enum(['pending', 'approved', 'denied']).optional(), datasetDid: did.optional() }),
    z.object({ requests: z.array(accessRequestSchema) }),
  ),
  /** One request with everything known about its algorithm (DDO, code, container and checksums). */
  getAccessRequest: query(
    z.object({ requestId: z.string().min(1).max(64) }),
    z.object({ request: accessRequestSchema, algorithm: accessRequestAlgorithmSchema }),
  ),
  /**
   * Node-only approval: an off-chain policy the Provider enforces (the DDO is not changed), for one
   * consumer or every consumer (`consumer` omitted), until `untilMs` or with no end.
   */
  approveAccessRequest: command(
    z.object({
      requestId: z.string().min(1).max(64),
      consumer: address.optional(),
      untilMs: z.number().int().positive().optional(),
      confirm: confirmed,
    }),
    z.object({ request: accessRequestSchema }),
  ),
  /**
   * Approval on chain: puts the algorithm, with the request's checksums, in the dataset's compute
   * service trust list (publisherTrustedAlgorithms) and sends setMetaData (progress and tx on
   * onPublishProgress, step "metadata"). Resolves once the receipt's MetadataUpdated event carries
   * a DDO that trusts it; the request is then approved with that tx. Raw code has no DID to trust
   * (ALGORITHM_NOT_PUBLISHED: approve it on this node instead).
   */
  approveAccessRequestOnChain: command(
    z.object({ requestId: z.string().min(1).max(64), confirm: confirmed }),
    z.object({ request: accessRequestSchema, txHash: z.string(), blockNumber: z.number().int() }),
  ),
  /**
   * Removes one node-only approval (the Provider refuses the next attempt it covered); the request
   * is pending again when it was its last approval and the DDO does not trust the algorithm.
   */
  revokeNodeApproval: command(
    z.object({ policyId: z.string().min(1).max(64), confirm: confirmed }),
    z.object({ request: accessRequestSchema }),
  ),
  /** Denies with a reason; the consumer's next attempt gets ALGORITHM_DENIED with that reason. */
  denyAccessRequest: command(
    z.object({ requestId: z.string().min(1).max(64), reason: z.string().trim().min(1).max(500) }),
    z.object({ request: accessRequestSchema }),
  ),
  // ---- publisher control: dataset policy and output review (issue 12) ----
  /** The dataset's policy (the defaults when none was set: automatic release, no lists, no quota). */
  getDatasetPolicy: query(z.object({ did }), z.object({ did: z.string(), policy: datasetPolicySchema })),
  /** Replaces the dataset's policy; applies to the next request (running jobs keep their review setting). */
  setDatasetPolicy: command(
    z.object({ did, policy: datasetPolicySchema }),
    z.object({ did: z.string(), policy: datasetPolicySchema }),
  ),
  /** Per-consumer quotas of each compute environment (over every dataset); environments without any are listed empty. */
  listEnvironmentQuotas: query(
    empty,
    z.object({ environments: z.array(z.object({ environmentId: z.string(), quotas: quotasSchema })) }),
  ),
  /** Replaces an environment's per-consumer quotas (`{}`: no limit); applies to the next request. */
  setEnvironmentQuotas: command(
    z.object({ environmentId: z.string().min(1).max(128), quotas: quotasSchema }),
    z.object({ environmentId: z.string(), quotas: quotasSchema }),
  ),
  /** Jobs whose outputs wait for the publisher (status 60, review held), oldest first. */
  listReviews: query(empty, z.object({ jobs: z.array(jobSummarySchema) })),
  /** A held job's outputs: files with previews, and the automated guards (the leak check may take seconds). */
  getReview: query(
    z.object({ jobId: z.string().min(1).max(128) }),
    z.object({ job: jobSummarySchema, review: outputReviewSchema }),
  ),
  /** Releases a held job: it ends 70 succeeded, the consumer downloads as usual, a paid job is claimed. */
  releaseJob: command(
    z.object({ jobId: z.string().min(1).max(128), confirm: confirmed }),
    z.object({ job: jobSummarySchema }),
  ),
  /**
   * Rejects a held job with a reason: it ends 70 failed with it; only its configuration log is
   * served; a paid job's lock is released, or claimed for the compute used with `chargeForCompute`.
   */
  rejectJob: command(
    z.object({
      jobId: z.string().min(1).max(128),
      reason: z.string().trim().min(1).max(500),
      chargeForCompute: z.boolean().default(false),
    }),
    z.object({ job: jobSummarySchema }),
  ),
  // ---- publisher control: audit trail (issue 12) ----
  /** Audit events in seq order, filtered by type, actor (address or 'publisher') and subject (DID, job id). */
  listAuditEvents: query(
    auditFilterSchema,
    z.object({ events: z.array(auditEventSchema), head: auditHeadSchema }),
  ),
  /** Walks the whole hash chain; names the first row that does not match. */
  verifyAudit: query(
    empty,
    z.object({
      ok: z.boolean(),
      rows: z.number().int(),
      headHash: z.string().optional(),
      firstBadSeq: z.number().int().optional(),
      reason: z.string().optional(),
    }),
  ),
  /**
   * The trail as JSONL or CSV, with the head hash signed by the Provider key (EIP-191 over
   * `message`, i.e. `c2d-audit-head:<seq>:<hash>`); NOT_AVAILABLE while the wallet is locked.
   */
  exportAudit: query(
    auditFilterSchema
      .omit({ afterSeq: true, limit: true })
      .extend({ format: z.enum(['jsonl', 'csv']).default('jsonl') }),
    z.object({
      format: z.enum(['jsonl', 'csv']),
      text: z.string(),
      head: auditHeadSchema,
      message: z.string(),
      signature: z.string(),
      signer: address,
    }),
  ),
  // ---- console UI (issue 11) ----
  /** One asset's public facts: compute settings, trusted algorithms, endpoint (no file URLs). */
  getAsset: query(z.object({ did }), assetDetailsSchema),
  /**
   * Changes an asset after publishing (trusted algorithms, raw code, network, name…): the engine
   * rebuilds the DDO from the stored one plus these changes and sends setMetaData again
   * (progress on onPublishProgress, step "metadata").
   */
  editAsset: command(z.object({ did, changes: assetChangesSchema, confirm: confirmed }), assetDetailsSchema),
  /**
   * The checksums (filesChecksum, containerSectionChecksum) a dataset that trusts this console's
   * algorithm `did` gets pinned when it is published: the publish path's own computation, from the
   * algorithm's DDO and files, shown in the wizard before anything is signed. Not an algorithm of
   * this console: ASSET_NOT_FOUND; its files unreadable: ALGORITHM_FILES_UNREADABLE.
   */
  getTrustedAlgorithmChecksums: query(z.object({ did }), trustedAlgorithmSchema),
  /** ERC-20 symbol and decimals, read on chain once per token and cached by the engine. */
  getTokenInfo: query(
    z.object({ tokens: z.array(address).min(1).max(50) }),
    z.object({ tokens: z.array(tokenInfoSchema) }),
  ),
  /** Forgets the decrypted key; the address stays known. */
  lockWallet: command(empty, walletStatusSchema),
  /** The encrypted keystore (ethers JSON v3, scrypt): a backup only the password opens. */
  exportWallet: query(z.object({ confirm: confirmed }), z.object({ address, keystoreJson: z.string() })),
} as const

/** Events pushed to subscribers; `on` + capital so one proxy can route them mechanically. */
export const consoleEvents = {
  onDidChangeJob: z.object({
    seq: z.number().int(),
    job: jobSummarySchema,
    from: jobStatus.nullable(),
    to: jobStatus,
    cause: z.string(),
  }),
  /** New algorithm-log text; `offsetBytes`/`nextByte` place it in the file (readJobLog's bytes). */
  onJobLog: z.object({
    jobId: z.string(),
    chunk: z.string(),
    offsetBytes: z.number().int().min(0).optional(),
    nextByte: z.number().int().min(0).optional(),
  }),
  onDidChangeClusterHealth: clusterHealthSchema,
  /**
   * Desktop notifications turned on or off, by whoever changed them (Settings, or the desktop app's
   * File menu): the new answer of getNotificationSettings, so every window's switch follows at once.
   */
  onDidChangeNotificationSettings: notificationSettingsSchema,
  /** A saveResult copy under way: bytes written so far of the whole. */
  onResultSaveProgress: z.object({
    jobId: z.string(),
    index: z.number().int(),
    savedBytes: z.number().int(),
    totalBytes: z.number().int(),
    isDone: z.boolean(),
  }),
  onProviderRequest: z.object({
    method: z.string(),
    path: z.string(),
    status: z.number().int(),
    elapsedMs: z.number(),
    atMs: z.number(),
    errorCode: z.string().optional(),
  }),
  /** One on-chain step of a publish, edit, state change or datatoken action, with its tx hash once signed. */
  onPublishProgress: z.object({
    did: z.string().optional(),
    step: z.enum(['create', 'metadata', 'state', 'mint', 'dispenser', 'fixedRate', 'encrypt', 'registry']),
    status: z.enum(['started', 'sent', 'mined', 'done', 'failed']),
    txHash: z.string().optional(),
    message: z.string().optional(),
  }),
} as const

export type ConsoleMethods = typeof consoleMethods
export type ConsoleMethodName = keyof ConsoleMethods
export type ConsoleEventName = keyof typeof consoleEvents
export type MethodInput<M extends ConsoleMethodName> = z.input<ConsoleMethods[M]['input']>
export type MethodParsedInput<M extends ConsoleMethodName> = z.output<ConsoleMethods[M]['input']>
export type MethodOutput<M extends ConsoleMethodName> = z.output<ConsoleMethods[M]['output']>
export type EventPayload<E extends ConsoleEventName> = z.output<(typeof consoleEvents)[E]>
export type JobChangeEvent = EventPayload<'onDidChangeJob'>

export function isConsoleMethod(name: string): name is ConsoleMethodName {
  return Object.prototype.hasOwnProperty.call(consoleMethods, name)
}
export function isConsoleEvent(name: string): name is ConsoleEventName {
  return Object.prototype.hasOwnProperty.call(consoleEvents, name)
}

/** The service the server sides call after validating input with the schemas above. */
export type ConsoleService = {
  [M in ConsoleMethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>>
} & {
  subscribe<E extends ConsoleEventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

// ---- transport + envelope ----
export interface ConsoleErrorBody {
  code: string
  message: string
  details?: unknown
}
export type ConsoleEnvelope<T = unknown> = { ok: true; value: T } | { ok: false; error: ConsoleErrorBody }
/** Modelled on VS Code's IChannel. `call` resolves the envelope; the client unwraps it. */
export interface ConsoleTransport {
  call(method: string, input: unknown): Promise<unknown>
  subscribe(event: string, listener: (payload: unknown) => void): () => void
}

/** A failure that crossed a transport; branch on `code`, never on instanceof or message text. */
export class ConsoleApiError extends Error {
  readonly code: string
  readonly details?: unknown
  constructor(body: ConsoleErrorBody) {
    super(body.message)
    this.name = 'ConsoleApiError'
    this.code = body.code
    this.details = body.details
  }
}

export type ConsoleClient = {
  [M in ConsoleMethodName]: (
    ...args: Record<never, never> extends MethodInput<M> ? [input?: MethodInput<M>] : [input: MethodInput<M>]
  ) => Promise<MethodOutput<M>>
} & {
  subscribe<E extends ConsoleEventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

function isEnvelope(value: unknown): value is ConsoleEnvelope {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean'
}

/** A typed proxy over any transport: `client.listJobs({ limit: 50 })`. */
export function createConsoleClient(transport: ConsoleTransport): ConsoleClient {
  const client: Record<string, unknown> = {
    subscribe: (event: string, listener: (payload: unknown) => void) => transport.subscribe(event, listener),
  }
  for (const name of Object.keys(consoleMethods)) {
    client[name] = async (input: unknown = {}) => {
      const envelope = await transport.call(name, input)
      if (!isEnvelope(envelope))
        throw new ConsoleApiError({
          code: 'TRANSPORT_INVALID',
          message: 'The console answered with something that is not an envelope.',
        })
      if (!envelope.ok) throw new ConsoleApiError(envelope.error)
      return envelope.value
    }
  }
  return client as unknown as ConsoleClient
}

// ---------------------------------------------------------------------------------------------
// Notification wording: one source for the renderer's in-app notifications and main/'s desktop
// ones (both may import only this file). Pure: decides whether an event is worth telling and how.

export interface ConsoleNotification {
  id: string
  title: string
  message: string
  color: 'green' | 'red' | 'orange' | 'violet'
  /** The job it is about, when there is one (a click opens it). */
  jobId?: string
  /** What happened, so a surface can pick which kinds it shows (desktop: failed, refused, claimed). */
  kind: 'job-failed' | 'job-stopped' | 'job-expired' | 'job-succeeded' | 'payment-claimed' | 'request-refused'
}

/**
 * The one way a DID, address, job id or tx hash is shortened for people (the renderer's AddressLabel,
 * its option labels, these notifications and the e2e page objects all use it). Keeps the prefix
 * ("did:op:", "0x") plus the first 6 and the last 4 characters of the rest: the prefix alone never
 * counts as the start (a short "did:op:8…0011" told two DIDs apart by one character). URLs are read
 * by their host and port, so they are never cut; values short enough to read whole stay whole.
 */
export function shortenValue(value: string): string {
  if (value.includes('/')) return value
  const prefix = /^(did:op:|0x)/.exec(value)?.[0] ?? ''
  const body = value.slice(prefix.length)
  return body.length > 12 ? `${prefix}${body.slice(0, 6)}…${body.slice(-4)}` : value
}

/**
 * The kinds told outside the app (Electron's desktop notifications, the browser's Notification API);
 * the rest (a job finished, stopped, expired) stay in-app only.
 */
export const DESKTOP_NOTIFICATION_KINDS: ReadonlySet<ConsoleNotification['kind']> = new Set([
  'job-failed',
  'request-refused',
  'payment-claimed',
])

/** At most one notification per job change: the end of a job, or its escrow claimed. */
export function notificationForJobChange(event: JobChangeEvent): ConsoleNotification | null {
  const { job } = event
  if (event.to !== 70 || event.from === 70) return null
  const outcome = job.outcome?.kind ?? 'succeeded'
  const reason = job.outcome?.reason ? `: ${job.outcome.reason}` : ''
  const base = { id: `job-${job.jobId}`, jobId: job.jobId }
  if (outcome === 'failed')
    return {
      ...base,
      kind: 'job-failed',
      title: 'Job failed',
      message: `Job ${shortenValue(job.jobId)} failed${reason}.`,
      color: 'red',
    }
  if (outcome === 'stopped')
    return {
      ...base,
      kind: 'job-stopped',
      title: 'Job stopped',
      message: `Job ${shortenValue(job.jobId)} was stopped.`,
      color: 'orange',
    }
  if (outcome === 'expired')
    return {
      ...base,
      kind: 'job-expired',
      title: 'Job expired',
      message: `Job ${shortenValue(job.jobId)} waited too long in the queue.`,
      color: 'orange',
    }
  const claimed = Boolean(job.payment?.claimTx)
  return {
    ...base,
    kind: claimed ? 'payment-claimed' : 'job-succeeded',
    title: claimed ? 'Job finished, payment claimed' : 'Job finished',
    message: `Job ${shortenValue(job.jobId)} succeeded; its results are ready.`,
    color: 'green',
  }
}

/** Error codes that mean the Provider refused a consumer (not a bad request or an outage). */
const REFUSALS: Record<string, string> = {
  ALGORITHM_NOT_TRUSTED: 'an algorithm this dataset does not trust',
  ALGORITHM_DENIED: 'an algorithm you denied',
  ASSET_NOT_ACTIVE: 'a dataset that is not active',
  ENVIRONMENT_ACCESS_DENIED: 'an environment its address may not use',
}

export function notificationForProviderRequest(
  request: EventPayload<'onProviderRequest'>,
): ConsoleNotification | null {
  const what = request.errorCode ? REFUSALS[request.errorCode] : undefined
  if (!what) return null
  return {
    id: `refused-${request.atMs}-${request.path}`,
    kind: 'request-refused',
    title: 'A consumer was refused',
    message: `${request.method} ${request.path} asked for ${what} (${request.errorCode}).${
      request.errorCode === 'ALGORITHM_NOT_TRUSTED' ? ' See Jobs → Refused requests to approve it.' : ''
    }`,
    color: 'violet',
  }
}
