/**
 * A contract-typed fake console service with seeded data, behind an in-process transport that
 * validates input and envelopes answers like the real ones (the engine's contract suite proves the
 * real service answers alike). Screens' component tests run against it.
 */
import {
  ASSET_STATES,
  assetStateName,
  consoleMethods,
  createConsoleClient,
  isConsoleMethod,
  type ConsoleClient,
  type ConsoleEnvironment,
  type ConsoleEventName,
  type ConsoleService,
  type ConsoleTransport,
  type EventPayload,
  type JobStatus,
  type JobSummary,
  JOB_CURSOR_PREFIX,
  type AssetSummary,
  type UnfinishedPublish,
  type AccessRequestSummary,
  type MethodOutput,
  type AuditEventSummary,
  type DatasetPolicySummary,
  type QuotasSummary,
  type OutputReviewSummary,
  type AssetDetails,
  type KubeconfigFile,
  type AssetPrices,
} from '../../engine/console-api/contract'

/** Two KUBECONFIG files (kind-c2d in both: the second is hidden) and one that is missing. */
export const FAKE_KUBECONFIGS: KubeconfigFile[] = [
  {
    path: '/home/me/.kube/config',
    source: 'KUBECONFIG',
    state: 'loaded',
    currentContext: 'kind-c2d',
    contexts: [
      {
        name: 'kind-c2d',
        cluster: 'kind',
        source: '/home/me/.kube/config',
        user: 'kind-c2d',
        namespace: null,
        server: 'https://127.0.0.1:6443',
        current: true,
        shadowed: false,
      },
    ],
  },
  {
    path: '/home/me/.kube/eks.yaml',
    source: 'KUBECONFIG',
    state: 'loaded',
    currentContext: 'eks-prod',
    contexts: [
      {
        name: 'eks-prod',
        cluster: 'prod',
        source: '/home/me/.kube/eks.yaml',
        user: 'aws',
        namespace: 'ocean',
        server: 'https://ABC123.gr7.eu-west-1.eks.amazonaws.com',
        current: true,
        shadowed: false,
      },
      {
        name: 'kind-c2d',
        cluster: 'kind-old',
        source: '/home/me/.kube/eks.yaml',
        user: 'kind-old',
        namespace: null,
        server: 'https://127.0.0.1:41234',
        current: false,
        shadowed: true,
      },
    ],
  },
  { path: '/home/me/.kube/gone.yaml', source: 'KUBECONFIG', state: 'missing', contexts: [] },
]

/** The review the fake answers for every held job: two files, one flagged leak (issue 12). */
export const FAKE_REVIEW: OutputReviewSummary = {
  files: [
    { path: 'summary.csv', sizeBytes: 42, kind: 'csv', previewLines: ['city,count', 'Berlin,12'] },
    { path: 'model.bin', sizeBytes: 2048, kind: 'binary' },
  ],
  totalBytes: 2090,
  algorithmLog: { sizeBytes: 12, previewLines: ['training...'] },
  guards: [
    { id: 'output-size', status: 'pass', message: '2090 bytes in outputs (no limit set)' },
    { id: 'file-count', status: 'pass', message: '2 file(s) (no limit set)' },
    { id: 'file-patterns', status: 'pass', message: 'Any file name is allowed (no pattern set)' },
    {
      id: 'output-leak',
      status: 'flag',
      message: '1 line(s) of the input dataset appear verbatim in the outputs',
      examples: ['alice@example.com,1984-02-03,Berlin'],
    },
    { id: 'log-leak', status: 'pass', message: 'No input line appears verbatim in the algorithm log' },
  ],
}

const DEFAULT_POLICY: DatasetPolicySummary = {
  outputRelease: 'automatic',
  reviewWindowSec: 86_400,
  consumers: { allow: [], deny: [] },
  quotas: {},
  reviewGuards: { allowedPatterns: [] },
  environments: [],
}

/** Symbols the fake "reads on chain": OCEAN at the fee token the seeded environments use. */
export const FAKE_OCEAN = '0x' + '0c'.repeat(20)
/** OCEAN on the second chain a multi-chain seed serves (`extraChains`), symbol "mOCEAN" to tell them apart. */
export const FAKE_OCEAN_2 = '0x' + '0d'.repeat(20)
const tokenSymbols: Record<string, string> = { [FAKE_OCEAN]: 'OCEAN', [FAKE_OCEAN_2]: 'mOCEAN' }
export const FAKE_RECOVERY_PHRASE =
  'legal winner thank year wave sausage worth useful legal winner thank yellow'

/** The checksums the fake pins for a trusted algorithm (as the engine, one function for preview and publish). */
export function fakeTrustedAlgorithm(did: string) {
  return { did, filesChecksum: 'f' + did.slice(-8), containerSectionChecksum: 'c' + did.slice(-8) }
}

/** A published asset as the console lists it: the dataset "Weather 2024" unless `overrides` says otherwise. */
export function makeAsset(overrides: Partial<AssetSummary> = {}): AssetSummary {
  return {
    did: 'did:op:' + 'd'.repeat(64),
    kind: 'dataset',
    name: 'Weather 2024',
    chainId: 8996,
    nftAddress: '0x' + '2'.repeat(40),
    datatokenAddress: '0x' + '3'.repeat(40),
    state: 0,
    serviceIds: ['compute'],
    createdAtMs: 1,
    updatedAtMs: 1,
    ...overrides,
  }
}

/** A pending approval-inbox request (published algorithm, one consumer who asked 3 times). */
export function makeAccessRequest(over: Partial<AccessRequestSummary> = {}): AccessRequestSummary {
  return {
    id: 'a1b2c3d4e5f60718',
    datasetDid: 'did:op:' + 'a'.repeat(64),
    serviceId: 'compute',
    algorithmKey: 'did:op:' + 'c'.repeat(64),
    algorithmDid: 'did:op:' + 'c'.repeat(64),
    container: { image: 'python', tag: '3.12', checksum: 'sha256:abc', entrypoint: 'python $ALGO' },
    containerChecksum: 'e'.repeat(64),
    filesChecksum: 'f'.repeat(64),
    reason: 'Algorithm is not trusted by this dataset',
    status: 'pending',
    denyReason: null,
    approvedTx: null,
    onChain: null,
    createdAtMs: 1_700_000_000_000,
    updatedAtMs: 1_700_000_000_000,
    consumers: [{ consumer: '0x' + '1'.repeat(40), attempts: 3, lastAtMs: 1_700_000_000_000 }],
    policies: [],
    ...over,
  }
}

export function makeJob(jobId: string, status: JobStatus, overrides: Partial<JobSummary> = {}): JobSummary {
  return {
    jobId,
    owner: '0x1111111111111111111111111111111111111111',
    environmentId: 'free-local',
    datasets: [{ did: 'did:op:' + 'a'.repeat(64), serviceId: 'compute' }],
    algorithm: { did: 'did:op:' + 'b'.repeat(64), serviceId: 'compute', isRawCode: false },
    status,
    outcome: status === 70 ? { kind: 'succeeded' } : null,
    stopRequested: false,
    createdAtMs: 1_700_000_000_000,
    updatedAtMs: 1_700_000_000_000,
    finishedAtMs: status === 70 ? 1_700_000_060_000 : null,
    algoStartMs: null,
    algoStopMs: null,
    maxJobDurationSec: 60,
    isFree: true,
    results: status === 70 ? [{ filename: 'out.txt', filesizeBytes: 2048, type: 'output', index: 0 }] : [],
    terminationDetails: { exitCode: status === 70 ? 0 : null, oomKilled: false },
    payment: null,
    ...overrides,
  }
}

type Listeners = { [E in ConsoleEventName]: Set<(p: EventPayload<E>) => void> }

export interface FakeConsole {
  service: ConsoleService
  client: ConsoleClient
  transport: ConsoleTransport
  jobs: JobSummary[]
  assets: AssetSummary[]
  /** The unfinished publishes as the fake holds them now (resume and discard remove them). */
  unfinishedPublishes: UnfinishedPublish[]
  environments: ConsoleEnvironment[]
  calls: Array<{ method: string; input: unknown }>
  emit<E extends ConsoleEventName>(event: E, payload: EventPayload<E>): void
  fail: Partial<Record<keyof typeof consoleMethods, { code: string; message: string }>>
}

/** A log's lines as the engine's index answers them: no "\n", no CRLF "\r", an unfinished last line kept. */
function logLinesOf(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** The dev chain's provider account (engine/chain/dev-chain/dev-accounts.ts), as getWallet names it. */
export const DEV_KEY_ADDRESS = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'

export function createFakeConsole(
  seed: {
    jobs?: JobSummary[]
    assets?: AssetSummary[]
    environments?: ConsoleEnvironment[]
    /** 'dev-key': the dev chain with no wallet yet (the Provider signs with the dev key). */
    walletState?: 'none' | 'locked' | 'unlocked' | 'dev-key'
    /** `${jobId}:${log}` → log text; default: "log of <jobId>" for the algorithm log. */
    logs?: Record<string, string>
    /** `${jobId}:${log}` → when each line was received (epoch ms); absent = a log without times. */
    logTimes?: Record<string, Array<number | null>>
    earnings?: MethodOutput<'getEarnings'>['rows']
    /** The desktop Save dialog; absent = saveResult answers NOT_AVAILABLE (the browser console). */
    saveDialog?: (suggestedName: string) => Promise<string | null>
    accessRequests?: AccessRequestSummary[]
    auditEvents?: AuditEventSummary[]
    reachability?: Awaited<ReturnType<ConsoleService['getReachability']>>
    /** The kubeconfig files the Compute backend screen lists (default FAKE_KUBECONFIGS). */
    kubeconfigs?: KubeconfigFile[]
    /** The chain's block height getOverview answers (default 1234; null: the RPC did not answer). */
    blockNumber?: number | null
    /**
     * Chains served beside the primary dev chain 8996 (default none: one chain), with their fee
     * token and block height (null: the RPC did not answer, so its balances fail too).
     */
    extraChains?: Array<{
      chainId: number
      name: string
      feeToken: string | null
      blockNumber: number | null
    }>
    /** The compute backend's health (default: failing, user namespaces off). */
    healthOk?: boolean
    /** did → the datatoken's prices on chain (default: none; createDispenser / createFixedRate add one). */
    prices?: Record<string, Pick<AssetPrices, 'fixedRates' | 'dispensers'>>
    /** getNotificationSettings' first answer (default: the browser console, off). */
    notifications?: MethodOutput<'getNotificationSettings'>
    /** The chain getBalances answers for (default the dev chain: 8996, "ETH"). */
    chain?: { chainId: number; nativeSymbol: string }
    /** Publishes that stopped before going live (listUnfinishedPublishes); resumePublish finishes one. */
    unfinishedPublishes?: UnfinishedPublish[]
    /**
     * publishAsset stops as a failed setMetaData would: the NFT is created (its DID reported), the
     * metadata step fails, the publish is left unfinished under its DID and the call fails with
     * TRANSACTION_FAILED. A resume then finishes it.
     */
    publishFailsAtMetadata?: boolean
  } = {},
): FakeConsole {
  let notificationSettings: MethodOutput<'getNotificationSettings'> = seed.notifications ?? {
    desktopNotifications: false,
    surface: 'browser',
    isSupported: true,
  }
  const accessRequests = seed.accessRequests ?? []
  const chainStatuses = () => {
    const primaryBlock = seed.blockNumber === undefined ? 1234 : seed.blockNumber
    return [
      { chainId: 8996, name: 'dev chain', feeToken: FAKE_OCEAN as string | null, blockNumber: primaryBlock },
      ...(seed.extraChains ?? []),
    ].map((c, i) => ({ ...c, primary: i === 0, reachable: c.blockNumber !== null }))
  }
  const auditEvents = seed.auditEvents ?? []
  const policies = new Map<string, DatasetPolicySummary>()
  const envQuotas = new Map<string, QuotasSummary>()
  const jobs = seed.jobs ?? [makeJob('job-1', 40), makeJob('job-2', 70), makeJob('job-3', 1)]
  const assets = seed.assets ?? []
  const unfinished = seed.unfinishedPublishes ?? []
  const prices = new Map(
    Object.entries(seed.prices ?? {}).map(([did, p]) => [
      did,
      { fixedRates: [...p.fixedRates], dispensers: [...p.dispensers] },
    ]),
  )
  const pricesOf = (did: string) => {
    if (!prices.has(did)) prices.set(did, { fixedRates: [], dispensers: [] })
    return prices.get(did)!
  }
  const environments: ConsoleEnvironment[] = seed.environments ?? [
    {
      id: 'free-local',
      description: 'Local sandbox',
      cpu: { total: 2, max: 1, min: 1 },
      ramGb: { total: 4, max: 2, min: 1 },
      diskGb: { total: 10, max: 5, min: 1 },
      minJobDurationSec: 60,
      maxJobDurationSec: 3600,
      maxJobs: 2,
      queueMaxWaitTimeSec: 0,
      storageExpirySec: 604800,
      allowNetwork: false,
      accessAddresses: [],
      fees: {},
      free: {
        maxJobDurationSec: 60,
        maxJobs: 1,
        maxJobsPerConsumer: 1,
        cpu: 1,
        ramGb: 1,
        diskGb: 1,
        accessAddresses: [],
      },
    },
  ]
  let seq = 100
  const earnings = seed.earnings ?? []
  // As the engine: the same sums per period and token over every row.
  const earningsTotals: MethodOutput<'getEarnings'>['totals'] = []
  for (const r of earnings) {
    let t = earningsTotals.find((x) => x.periodStartMs === r.periodStartMs && x.token === r.token)
    if (!t) {
      t = {
        periodStartMs: r.periodStartMs,
        token: r.token,
        claimedWei: '0',
        claimedJobs: 0,
        lockedWei: '0',
        lockedJobs: 0,
        orders: 0,
      }
      earningsTotals.push(t)
    }
    t.claimedWei = (BigInt(t.claimedWei) + BigInt(r.claimedWei)).toString()
    t.lockedWei = (BigInt(t.lockedWei) + BigInt(r.lockedWei)).toString()
    t.claimedJobs += r.claimedJobs
    t.lockedJobs += r.lockedJobs
    t.orders += r.orders
  }
  /** `${jobId}:${log}` → the whole log text (readJobLog serves byte ranges of it). */
  const logs: Record<string, string> = { ...seed.logs }
  const logTimes: Record<string, Array<number | null>> = { ...seed.logTimes }
  const saveDialog = seed.saveDialog
  let wallet = {
    state: seed.walletState === 'dev-key' ? 'none' : (seed.walletState ?? 'unlocked'),
    address:
      seed.walletState === 'none'
        ? null
        : seed.walletState === 'dev-key'
          ? DEV_KEY_ADDRESS
          : '0x' + '6'.repeat(40),
    ...(seed.walletState === 'dev-key' ? { devKey: true } : {}),
  } as { state: 'none' | 'locked' | 'unlocked'; address: string | null; devKey?: boolean }
  let settings = {
    providerHost: '127.0.0.1',
    providerPort: 8001,
    rpcEndpoints: { '8996': 'http://127.0.0.1:8545' } as Record<string, string>,
    dataDir: '/home/me/.c2d',
    logLevel: 'info' as 'debug' | 'info' | 'warn' | 'error',
    publicUrl: null as string | null | undefined,
    chain: { mode: 'dev', rpcUrl: null, chainId: null } as
      { mode: 'dev' | 'rpc' | 'off'; rpcUrl: string | null; chainId: number | null } | undefined,
  }
  /** Per DID: the compute settings the asset page shows and editAsset changes (files stay hidden). */
  const details = new Map<string, Omit<AssetDetails, 'asset'>>()
  const detailsOf = (asset: AssetSummary): AssetDetails => ({
    asset: { ...asset },
    ddo: { '@context': ['https://w3id.org/did/v1'], id: asset.did, nftAddress: asset.nftAddress },
    ...(details.get(asset.did) ?? {
      description: '',
      author: '',
      license: 'MIT',
      serviceId: 'compute',
      serviceEndpoint: 'http://127.0.0.1:8001',
      timeoutSec: 0,
      fileCount: 1,
      allowRawAlgorithm: false,
      allowNetworkAccess: false,
      publisherTrustedAlgorithmPublishers: [],
      publisherTrustedAlgorithms: [],
      container: null,
    }),
  })
  const listeners: Listeners = {
    onDidChangeJob: new Set(),
    onJobLog: new Set(),
    onDidChangeClusterHealth: new Set(),
    onDidChangeNotificationSettings: new Set(),
    onProviderRequest: new Set(),
    onPublishProgress: new Set(),
    onResultSaveProgress: new Set(),
  }
  const health = {
    driver: 'local' as const,
    ok: seed.healthOk ?? false,
    checks: [
      { id: 'bwrap', label: 'Sandbox (bubblewrap) installed', ok: true, message: 'found /usr/bin/bwrap' },
      {
        id: 'userns',
        label: 'User namespaces enabled',
        ok: false,
        message: 'unprivileged user namespaces are disabled',
        fix: 'Run: sysctl -w kernel.unprivileged_userns_clone=1',
      },
    ],
    checkedAtMs: 1_700_000_000_000,
  }
  const kubeconfigs = seed.kubeconfigs ?? FAKE_KUBECONFIGS
  const backend: Awaited<ReturnType<ConsoleService['getComputeBackend']>> = {
    driver: 'local',
    kubeContexts: kubeconfigs.flatMap((f) => f.contexts.filter((c) => !c.shadowed)),
    kubeconfigs,
    currentContext: null,
    namespace: null,
    next: null,
  }
  /** The fake's context checks: kind-c2d passes once its namespace exists; eks-prod fails twice. */
  const kubeCheck = (context: string, namespace: string): MethodOutput<'checkKubeContext'> => {
    const server = backend.kubeContexts.find((c) => c.name === context)?.server ?? 'https://127.0.0.1:6443'
    const skipped = (label: string, reason: string) => ({
      id: `s-${label}`,
      label,
      ok: false,
      skipped: true,
      message: `Not checked: ${reason}`,
    })
    const rbac = ['create pods', 'watch pods', 'deletecollection secrets']
    if (context === 'eks-prod')
      return {
        driver: 'kubernetes',
        ok: false,
        apiServer: server,
        checks: [
          {
            id: '0-connection',
            label: 'connection',
            ok: false,
            cause: 'tls-unknown-ca',
            message: `The API server's certificate at ${new URL(server).host} is signed by an authority this kubeconfig does not trust`,
            fix: "Put the cluster's CA certificate in certificate-authority-data of this cluster: aws eks update-kubeconfig.",
          },
          {
            id: '1-credentials',
            label: 'credentials',
            ok: false,
            cause: 'exec-failed',
            message:
              'The credential plugin aws eks get-token --cluster-name prod exited with code 255: Error when retrieving token from sso: Token has expired and refresh failed',
            fix: 'Run it in a terminal and do what it says; usually the login has expired: aws sso login.',
          },
          skipped('api', `the connection to ${server} failed`),
          skipped('namespace', `the connection to ${server} failed`),
          ...rbac.map((r) => skipped(`rbac:${r}`, `the connection to ${server} failed`)),
          skipped('egress', 'it runs a pod, once every check above passed'),
        ],
        checkedAtMs: 1_700_000_000_000,
      }
    const hasNamespace = namespaces.has(namespace)
    return {
      driver: 'kubernetes',
      ok: hasNamespace,
      apiServer: server,
      checks: [
        {
          id: '0-connection',
          label: 'connection',
          ok: true,
          message: `Connected to ${server} (TLS certificate verified)`,
        },
        {
          id: '1-credentials',
          label: 'credentials',
          ok: true,
          message: 'User kind-c2d presents a client certificate',
        },
        { id: '2-api', label: 'api', ok: true, message: `API server of ${context} reachable (v1.31.0)` },
        hasNamespace
          ? { id: '3-namespace', label: 'namespace', ok: true, message: `namespace ${namespace} exists` }
          : {
              id: '3-namespace',
              label: 'namespace',
              ok: false,
              cause: 'namespace-missing',
              message: `namespace ${namespace} does not exist`,
              fix: `Create it: kubectl create namespace ${namespace}`,
            },
        ...rbac.map((r, i) => ({ id: `${4 + i}-rbac`, label: `rbac:${r}`, ok: true, message: `may ${r}` })),
        hasNamespace
          ? { id: '9-egress', label: 'egress', ok: true, message: 'Egress denial proven' }
          : skipped('egress', 'it runs a pod, once every check above passed'),
      ],
      checkedAtMs: 1_700_000_000_000,
    }
  }
  const namespaces = new Set(['default'])
  const findAsset = (did: string) => {
    const asset = assets.find((a) => a.did === did)
    if (!asset)
      throw Object.assign(new Error(`No asset ${did} in this console.`), { code: 'ASSET_NOT_FOUND' })
    return asset
  }
  let txCount = 0
  /** A fake tx: reports sent and mined through onPublishProgress, as the real port does. */
  const nextTx = (did: string, step: 'state' | 'mint' | 'dispenser' | 'fixedRate') => {
    const txHash = '0x' + (++txCount).toString(16).padStart(64, 'e')
    for (const status of ['sent', 'mined'] as const)
      listeners.onPublishProgress.forEach((l) => l({ did, step, status, txHash }))
    return txHash
  }
  const find = (jobId: string) => {
    const job = jobs.find((j) => j.jobId === jobId)
    if (!job) throw Object.assign(new Error(`No job with id ${jobId}.`), { code: 'JOB_NOT_FOUND' })
    return job
  }

  let network = {
    p2pEnabled: false,
    publicUrl: null as string | null,
    announceAddresses: [] as string[],
    serviceEndpoint: 'http://127.0.0.1:8001',
  }
  const service: ConsoleService = {
    getNetworkSettings: async () => network,
    saveNetworkSettings: async ({ confirm: _confirm, ...patch }) => {
      network = { ...network, ...patch }
      const endpoint =
        network.publicUrl ?? (network.p2pEnabled ? '16Uiu2HAmFakePeer' : 'http://127.0.0.1:8001')
      const moved = endpoint !== network.serviceEndpoint
      network.serviceEndpoint = endpoint
      const republished = moved
        ? assets.map((a) => {
            const txHash = '0x' + (++txCount).toString(16).padStart(64, 'e')
            for (const status of ['sent', 'mined'] as const)
              listeners.onPublishProgress.forEach((l) => l({ did: a.did, step: 'metadata', status, txHash }))
            return { did: a.did, txHash }
          })
        : []
      return {
        settings: network,
        republish: {
          state: moved ? ('done' as const) : ('not-needed' as const),
          endpoint,
          assets: republished,
        },
      }
    },
    getOverview: async () => ({
      providerUrl: network.serviceEndpoint,
      providerAddress: wallet.address,
      chainId: 8996,
      chainName: 'dev chain',
      blockNumber: seed.blockNumber === undefined ? 1234 : seed.blockNumber,
      chainError: null,
      chains: chainStatuses(),
      health,
      jobCounts: {
        running: jobs.filter((j) => j.status !== 70 && j.status !== 1).length,
        queued: jobs.filter((j) => j.status === 1).length,
        finished: jobs.filter((j) => j.status === 70 && j.outcome?.kind !== 'failed').length,
        succeeded: jobs.filter((j) => j.status === 70 && j.outcome?.kind === 'succeeded').length,
        failed: jobs.filter((j) => j.status === 70 && j.outcome?.kind === 'failed').length,
        stopped: jobs.filter((j) => j.status === 70 && j.outcome?.kind === 'stopped').length,
        expired: jobs.filter((j) => j.status === 70 && j.outcome?.kind === 'expired').length,
      },
      recentJobs: jobs.slice(0, 5),
    }),
    listJobs: async (f) => {
      // The real service's semantics: newest first, keyset cursor, substring search (asset names
      // too), outcomes of finished jobs, counts per list filter under the same search.
      const needle = f.search?.trim().toLowerCase() ?? ''
      const nameDids = needle
        ? assets.filter((a) => a.name.toLowerCase().includes(needle)).map((a) => a.did)
        : []
      const base = jobs.filter(
        (j) =>
          (!f.owner || j.owner.toLowerCase().includes(f.owner.toLowerCase())) &&
          (!f.did || j.datasets.some((d) => d.did.includes(f.did!))) &&
          (!needle ||
            [j.jobId, j.owner, j.algorithm.did ?? '', ...j.datasets.map((d) => d.did)].some(
              (v) => v.toLowerCase().includes(needle) || nameDids.includes(v),
            )),
      )
      const statuses = f.statuses ?? (f.outcome ? [70] : undefined)
      const column = f.sort?.column ?? 'created'
      // The store's sort keys (engine/store/migrations/009-job-sort.sql).
      const durationSortMs = (j: JobSummary) =>
        j.finishedAtMs === null
          ? -1
          : j.algoStartMs !== null
            ? (j.algoStopMs ?? j.finishedAtMs) - j.algoStartMs
            : j.finishedAtMs - j.createdAtMs
      const assetSort = (j: JobSummary) => {
        const did = j.datasets[0]?.did ?? ''
        return (assets.find((a) => a.did === did)?.name ?? did).toLowerCase()
      }
      type Key = { lead: number | string; createdAtMs: number; jobId: string }
      const keyOf = (j: JobSummary): Key => ({
        lead:
          column === 'status'
            ? j.status
            : column === 'duration'
              ? durationSortMs(j)
              : column === 'assetName'
                ? assetSort(j)
                : 0,
        createdAtMs: j.createdAtMs,
        jobId: j.jobId,
      })
      const compareKeys = (a: Key, b: Key) => {
        const asc =
          (a.lead < b.lead ? -1 : a.lead > b.lead ? 1 : 0) ||
          a.createdAtMs - b.createdAtMs ||
          (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0)
        return f.sort?.direction === 'asc' ? asc : -asc
      }
      const compareJobs = (a: JobSummary, b: JobSummary) => compareKeys(keyOf(a), keyOf(b))
      const cursorLead = (j: JobSummary) => {
        if (column === 'created') return ''
        const lead = keyOf(j).lead
        return `${JOB_CURSOR_PREFIX[column]}${column === 'assetName' ? encodeURIComponent(String(lead)) : lead}:`
      }
      const matching = base
        .filter(
          (j) =>
            (!statuses || statuses.length === 0 || statuses.includes(j.status)) &&
            (!f.outcome || j.outcome?.kind === f.outcome),
        )
        .sort((a, b) => compareJobs(a, b))
      let start = f.offset
      if (f.cursor) {
        // "<createdAtMs>:<jobId>", or "s<status>:", "d<duration>:", "a<uri-encoded name>:" before it.
        const parts = f.cursor.split(':')
        const prefix = /^[sda]/.test(parts[0]!) ? parts.shift()! : ''
        const lead =
          prefix === ''
            ? 0
            : prefix[0] === 'a'
              ? decodeURIComponent(prefix.slice(1))
              : Number(prefix.slice(1))
        const [atMs, ...rest] = parts
        const key: Key = { lead, createdAtMs: Number(atMs), jobId: rest.join(':') }
        const after = matching.findIndex((j) => compareKeys(keyOf(j), key) > 0)
        start = after < 0 ? matching.length : after
      }
      const page = matching.slice(start, start + f.limit)
      const last = page.at(-1)
      const finished = (kind: string) =>
        base.filter((j) => j.status === 70 && j.outcome?.kind === kind).length
      return {
        jobs: page,
        total: matching.length,
        seq,
        counts: {
          all: base.length,
          running: base.filter((j) => j.status !== 70 && j.status !== 1).length,
          queued: base.filter((j) => j.status === 1).length,
          succeeded: finished('succeeded'),
          failed: finished('failed'),
          stopped: finished('stopped'),
          expired: finished('expired'),
        },
        nextCursor:
          last && start + f.limit < matching.length
            ? `${cursorLead(last)}${last.createdAtMs}:${last.jobId}`
            : null,
      }
    },
    getJob: async ({ jobId }) => ({
      job: find(jobId),
      events: [
        { seq: 1, from: null, to: 1, cause: 'registered', atMs: 1_700_000_000_000 },
        { seq: 2, from: 1, to: 0, cause: 'dequeued', atMs: 1_700_000_001_000 },
      ],
    }),
    stopJob: async ({ jobId }) => {
      const job = find(jobId)
      job.stopRequested = true
      return { job }
    },
    getJobLogTail: async ({ jobId }) => ({ text: `log of ${jobId}\n`, isRunning: find(jobId).status === 40 }),
    readJobLog: async ({ jobId, log, fromByte, maxBytes }) => {
      const job = find(jobId)
      const text = logs[`${jobId}:${log}`] ?? (log === 'algorithm' ? `log of ${jobId}\n` : undefined)
      const bytes = new TextEncoder().encode(text ?? '')
      const part = bytes.subarray(fromByte, fromByte + maxBytes)
      return {
        text: new TextDecoder().decode(part),
        fromByte,
        nextByte: fromByte + part.length,
        sizeBytes: bytes.length,
        isRunning: job.status === 40,
        isAvailable: text !== undefined,
      }
    },
    readJobLogLines: async ({ jobId, log, fromLine, maxLines }) => {
      const job = find(jobId)
      const text = logs[`${jobId}:${log}`] ?? (log === 'algorithm' ? `log of ${jobId}\n` : undefined)
      const lines = logLinesOf(text ?? '')
      const times = logTimes[`${jobId}:${log}`]
      return {
        lines: lines.slice(fromLine, fromLine + maxLines),
        hasTimes: times !== undefined,
        ...(times
          ? { times: lines.slice(fromLine, fromLine + maxLines).map((_, i) => times[fromLine + i] ?? null) }
          : {}),
        fromLine,
        lineCount: lines.length,
        sizeBytes: new TextEncoder().encode(text ?? '').length,
        isRunning: job.status === 40,
        isAvailable: text !== undefined,
      }
    },
    searchJobLog: async ({ jobId, log, query, isCaseSensitive, fromLine, direction, limit }) => {
      const job = find(jobId)
      const text = logs[`${jobId}:${log}`] ?? (log === 'algorithm' ? `log of ${jobId}\n` : undefined)
      const lines = logLinesOf(text ?? '')
      const needle = isCaseSensitive ? query : query.toLowerCase()
      const matches: Array<{ line: number; column: number }> = []
      const order =
        direction === 'forward'
          ? lines.map((_, i) => i).slice(fromLine)
          : lines
              .map((_, i) => i)
              .slice(0, fromLine)
              .reverse()
      let nextCursor: number | null = null
      for (const i of order) {
        const column = (isCaseSensitive ? lines[i]! : lines[i]!.toLowerCase()).indexOf(needle)
        if (column === -1) continue
        matches.push({ line: i, column })
        if (matches.length === limit) {
          nextCursor = direction === 'forward' ? i + 1 : i
          break
        }
      }
      return {
        matches,
        nextCursor,
        lineCount: lines.length,
        isRunning: job.status === 40,
        isAvailable: text !== undefined,
      }
    },
    saveResult: async ({ jobId, index }) => {
      const file = find(jobId).results[index]
      if (!file) throw Object.assign(new Error('no result'), { code: 'RESULT_NOT_FOUND' })
      if (!saveDialog)
        throw Object.assign(new Error('A Save dialog is not available in this run of the console.'), {
          code: 'NOT_AVAILABLE',
        })
      const savedTo = await saveDialog(file.filename)
      if (savedTo !== null)
        listeners.onResultSaveProgress.forEach((l) =>
          l({ jobId, index, savedBytes: file.filesizeBytes, totalBytes: file.filesizeBytes, isDone: true }),
        )
      return { savedTo, sizeBytes: file.filesizeBytes }
    },
    readResult: async ({ jobId, index }) => {
      const file = find(jobId).results[index]
      if (!file) throw Object.assign(new Error('no result'), { code: 'RESULT_NOT_FOUND' })
      return { filename: file.filename, contentType: 'text/plain', sizeBytes: 2, base64: 'aGk=' }
    },
    listEnvironments: async () => ({
      environments: environments.map((e) => ({ ...e, running: 1, queued: 0 })),
      feeToken: { chainId: 8996, token: FAKE_OCEAN },
      chains: chainStatuses().map(({ blockNumber: _b, reachable: _r, ...c }) => c),
    }),
    saveEnvironment: async ({ environment }) => {
      // As the engine: prices only for served chains (unchanged ones of the stored environment kept).
      const stored = environments.find((e) => e.id === environment.id)
      const served = chainStatuses().map((c) => String(c.chainId))
      const issues = Object.entries(environment.fees)
        .filter(
          ([id, fees]) => !served.includes(id) && JSON.stringify(stored?.fees[id]) !== JSON.stringify(fees),
        )
        .map(([id]) => ({
          path: `environment.fees.${id}`,
          message: `chain ${id} is not served by this console`,
        }))
      if (issues.length > 0)
        throw Object.assign(new Error('Prices for a chain this console does not serve.'), {
          code: 'REQUEST_INVALID',
          details: issues,
        })
      const i = environments.findIndex((e) => e.id === environment.id)
      if (i >= 0) environments[i] = environment
      else environments.push(environment)
      return { environment }
    },
    deleteEnvironment: async ({ id }) => (
      environments.splice(
        environments.findIndex((e) => e.id === id),
        1,
      ),
      { ok: true as const }
    ),
    getComputeBackend: async () => ({ ...backend }),
    checkHealth: async () => health,
    checkKubeContext: async ({ context, namespace }) => kubeCheck(context, namespace),
    createKubeNamespace: async ({ namespace }) => (namespaces.add(namespace), { ok: true as const }),
    selectComputeBackend: async (choice) => {
      if (choice.driver === 'kubernetes' && !choice.saveAnyway) {
        const health = kubeCheck(choice.context, choice.namespace)
        const failed = health.checks.filter((c) => !c.ok)
        if (!health.ok)
          throw Object.assign(
            new Error(
              `${choice.context} / ${choice.namespace} fails ${failed.filter((c) => !c.skipped).length} checks (${failed
                .filter((c) => !c.skipped)
                .map((c) => c.label)
                .join(', ')}); jobs would fail there. Fix them, or save anyway to use it regardless.`,
            ),
            {
              code: 'KUBE_CONTEXT_FAILING',
              details: failed.map((c) => ({
                path: c.label,
                message: c.message,
                ...(c.skipped ? { skipped: true } : {}),
              })),
            },
          )
      }
      backend.next =
        choice.driver === 'local'
          ? { driver: 'local', context: null, namespace: null }
          : { driver: 'kubernetes', context: choice.context, namespace: choice.namespace }
      return { ...backend }
    },
    listAssets: async ({ kind }) => ({ assets: assets.filter((a) => !kind || a.kind === kind) }),
    // The wizard's test fetch: a URL containing "unreachable" fails, anything else answers 1 KiB of CSV.
    checkFile: async ({ source }) =>
      source.type === 'url' && source.url.includes('unreachable')
        ? { reachable: false, reason: `${source.url} did not answer with the file` }
        : { reachable: true, sizeBytes: 1024, contentType: 'text/csv' },
    validateAsset: async ({ draft }) => {
      const d = draft as { name?: string; service?: { files?: unknown[] } }
      const issues = [
        ...(!d.name ? [{ path: 'name', message: 'give the asset a name' }] : []),
        ...(!d.service?.files?.length ? [{ path: 'service.files', message: 'add at least one file' }] : []),
      ]
      return { valid: issues.length === 0, issues }
    },
    getAsset: async ({ did }) => detailsOf(findAsset(did)),
    getTrustedAlgorithmChecksums: async ({ did }) => {
      const asset = findAsset(did)
      if (asset.kind !== 'algorithm')
        throw Object.assign(new Error(`No algorithm ${did} in this console.`), { code: 'ASSET_NOT_FOUND' })
      return fakeTrustedAlgorithm(did)
    },
    editAsset: async ({ did, changes }) => {
      const asset = findAsset(did)
      const { asset: _, ...before } = detailsOf(asset)
      const { publisherTrustedAlgorithms, name, ...rest } = changes
      if (name) asset.name = name
      details.set(did, {
        ...before,
        ...rest,
        ...(publisherTrustedAlgorithms
          ? {
              publisherTrustedAlgorithms: publisherTrustedAlgorithms.map((d) => ({
                did: d,
                filesChecksum: 'f' + d.slice(-8),
                containerSectionChecksum: 'c' + d.slice(-8),
              })),
            }
          : {}),
      })
      listeners.onPublishProgress.forEach((l) =>
        l({ did, step: 'metadata', status: 'mined', txHash: '0x' + 'd'.repeat(64) }),
      )
      return detailsOf(asset)
    },
    getTokenInfo: async ({ tokens }) => ({
      tokens: tokens.map((address) => ({
        address,
        symbol: tokenSymbols[address.toLowerCase()] ?? 'DT',
        decimals: 18,
      })),
    }),
    lockWallet: async () => (wallet = { ...wallet, state: wallet.state === 'none' ? 'none' : 'locked' }),
    exportWallet: async () => {
      if (!wallet.address)
        throw Object.assign(new Error('There is no wallet to export yet.'), { code: 'NOT_AVAILABLE' })
      return {
        address: wallet.address,
        keystoreJson: JSON.stringify({ address: wallet.address.slice(2), crypto: {} }),
      }
    },
    publishAsset: async ({ draft, environments: allowed }) => {
      const asset = makeAsset({
        did: 'did:op:' + String(assets.length + unfinished.length + 1).padStart(64, 'c'),
        kind: draft.kind,
        name: draft.name,
      })
      if (seed.publishFailsAtMetadata) {
        const createTx = '0x' + (++txCount).toString(16).padStart(64, 'e')
        const metadataTx = '0x' + (++txCount).toString(16).padStart(64, 'e')
        const report = (
          step: 'create' | 'encrypt' | 'metadata',
          status: 'started' | 'sent' | 'mined' | 'failed',
          txHash?: string,
        ) =>
          listeners.onPublishProgress.forEach((l) =>
            l({ did: asset.did, step, status, ...(txHash ? { txHash } : {}) }),
          )
        report('create', 'sent', createTx)
        report('create', 'mined', createTx)
        report('encrypt', 'started')
        report('metadata', 'sent', metadataTx)
        report('metadata', 'failed', metadataTx)
        const message = `The metadata transaction ${metadataTx} reverted`
        unfinished.push({
          id: asset.did,
          did: asset.did,
          kind: draft.kind,
          name: draft.name,
          chainId: 8996,
          stoppedAt: 'metadata',
          txStatus: 'failed',
          txHash: metadataTx,
          error: message,
          startedAtMs: 1,
          updatedAtMs: 2,
          inProgress: false,
          notResumable: null,
        })
        throw Object.assign(new Error(message), { code: 'TRANSACTION_FAILED' })
      }
      // The steps the engine reports, in its order (publish.ts): create, encrypt, setMetaData, registry.
      const emit = (
        step: 'create' | 'encrypt' | 'metadata' | 'registry',
        status: 'started' | 'sent' | 'mined' | 'done',
        txHash?: string,
      ) =>
        listeners.onPublishProgress.forEach((l) =>
          l({ did: asset.did, step, status, ...(txHash ? { txHash } : {}) }),
        )
      for (const step of ['create', 'metadata'] as const) {
        if (step === 'metadata') emit('encrypt', 'started')
        const txHash = '0x' + (++txCount).toString(16).padStart(64, 'e')
        emit(step, 'sent', txHash)
        emit(step, 'mined', txHash)
      }
      emit('registry', 'done')
      assets.push(asset)
      if (allowed && draft.kind === 'dataset')
        policies.set(asset.did, { ...DEFAULT_POLICY, environments: [...allowed] })
      details.set(asset.did, {
        description: draft.description ?? '',
        author: draft.author ?? '',
        license: draft.license ?? 'MIT',
        serviceId: 'compute',
        serviceEndpoint: 'http://127.0.0.1:8001',
        timeoutSec: draft.service.timeoutSec ?? 0,
        fileCount: draft.service.files.length,
        allowRawAlgorithm: draft.service.allowRawAlgorithm ?? false,
        allowNetworkAccess: draft.service.allowNetworkAccess ?? false,
        publisherTrustedAlgorithmPublishers: draft.service.publisherTrustedAlgorithmPublishers ?? [],
        publisherTrustedAlgorithms: (draft.service.publisherTrustedAlgorithms ?? []).map((t) =>
          t.filesChecksum && t.containerSectionChecksum
            ? {
                did: t.did,
                filesChecksum: t.filesChecksum,
                containerSectionChecksum: t.containerSectionChecksum,
              }
            : fakeTrustedAlgorithm(t.did),
        ),
        container: draft.container ? { ...draft.container, checksum: draft.container.checksum ?? '' } : null,
      })
      return { asset }
    },
    listUnfinishedPublishes: async () => ({ publishes: unfinished.map((u) => ({ ...u })) }),
    resumePublish: async ({ id }) => {
      const i = unfinished.findIndex((u) => u.id === id)
      if (i < 0)
        throw Object.assign(new Error(`No unfinished publish ${id} in this console.`), {
          code: 'ASSET_NOT_FOUND',
        })
      const found = unfinished[i]!
      const asset = makeAsset({
        did: found.did ?? 'did:op:' + String(assets.length + unfinished.length + 1).padStart(64, 'd'),
        kind: found.kind,
        name: found.name,
      })
      // From the step it stopped at, as the engine resumes (a mined create is not sent again).
      const report = (
        step: 'create' | 'encrypt' | 'metadata' | 'registry',
        status: 'sent' | 'mined' | 'started' | 'done',
        txHash?: string,
      ) =>
        listeners.onPublishProgress.forEach((l) =>
          l({ did: asset.did, step, status, ...(txHash ? { txHash } : {}) }),
        )
      if (found.stoppedAt === 'create') {
        const txHash = '0x' + (++txCount).toString(16).padStart(64, 'e')
        report('create', 'sent', txHash)
        report('create', 'mined', txHash)
      }
      report('encrypt', 'started')
      const txHash = '0x' + (++txCount).toString(16).padStart(64, 'e')
      report('metadata', 'sent', txHash)
      report('metadata', 'mined', txHash)
      report('registry', 'done')
      unfinished.splice(i, 1)
      assets.push(asset)
      return { asset }
    },
    discardUnfinishedPublish: async ({ id }) => {
      const i = unfinished.findIndex((u) => u.id === id)
      if (i < 0)
        throw Object.assign(new Error(`No unfinished publish ${id} in this console.`), {
          code: 'ASSET_NOT_FOUND',
        })
      unfinished.splice(i, 1)
      return { ok: true as const }
    },
    deleteAsset: async ({ did }) => (
      assets.splice(
        assets.findIndex((a) => a.did === did),
        1,
      ),
      { ok: true as const }
    ),
    getNotificationSettings: async () => ({ ...notificationSettings }),
    setNotificationSettings: async ({ desktopNotifications }) => {
      notificationSettings = { ...notificationSettings, desktopNotifications }
      // Pushed as the engine (and the desktop app's main process) push it.
      listeners.onDidChangeNotificationSettings.forEach((l) => l({ ...notificationSettings }))
      return { ...notificationSettings }
    },
    getSettings: async () => ({
      ...settings,
      walletAddress: wallet.address,
    }),
    saveSettings: async (patch) => (
      (settings = { ...settings, ...patch }),
      { ...settings, walletAddress: wallet.address }
    ),
    // A stand-in RPC world: chain 137 answers at https://polygon.example; anything "unreachable" does not.
    checkChain: async (choice) => {
      if (choice.mode !== 'rpc')
        return {
          ok: true,
          blockNumber: null,
          checks: [{ id: `chain-${choice.mode}`, label: 'Chain', ok: true, message: `Mode ${choice.mode}.` }],
        }
      if (choice.rpcUrl.includes('unreachable'))
        return {
          ok: false,
          blockNumber: null,
          checks: [
            {
              id: 'rpc-reachable',
              label: 'RPC answers',
              ok: false,
              message: `No answer from ${choice.rpcUrl}: ECONNREFUSED`,
              fix: 'Check the URL (and its API key), that the node is up.',
            },
          ],
        }
      const reachable = {
        id: 'rpc-reachable',
        label: 'RPC answers',
        ok: true,
        message: 'Answered at block 123,456.',
      }
      if (choice.chainId !== 137)
        return {
          ok: false,
          blockNumber: 123456,
          checks: [
            reachable,
            {
              id: 'chain-id',
              label: 'Chain id matches',
              ok: false,
              message: `The RPC serves chain 137, but chain ${choice.chainId} is typed.`,
              fix: 'Type chain id 137.',
            },
          ],
        }
      return {
        ok: true,
        blockNumber: 123456,
        checks: [
          reachable,
          { id: 'chain-id', label: 'Chain id matches', ok: true, message: 'Chain 137.' },
          { id: 'contract-Ocean', label: 'Ocean: the OCEAN token', ok: true, message: 'Found.' },
        ],
      }
    },
    getWallet: async () => wallet,
    getReachability: async () =>
      seed.reachability ?? {
        p2p: { enabled: false, peerId: null, direct: [], relayed: [], connections: 0, isReachable: false },
        http: { bindHost: '127.0.0.1', publicUrl: null, selfCheck: { state: 'not-configured' as const } },
      },
    createWallet: async () => {
      wallet = { state: 'unlocked', address: '0x' + '7'.repeat(40) }
      return { ...wallet, recoveryPhrase: FAKE_RECOVERY_PHRASE }
    },
    importWallet: async () => (wallet = { state: 'unlocked', address: '0x' + '8'.repeat(40) }),
    unlockWallet: async () => (wallet = { ...wallet, state: 'unlocked' }),
    // Publisher control (issue 12): the seeded inbox, trail, policies and held jobs.
    listAccessRequests: async ({ status, datasetDid }) => ({
      requests: accessRequests.filter(
        (r) => (!status || r.status === status) && (!datasetDid || r.datasetDid === datasetDid),
      ),
    }),
    approveAccessRequest: async ({ requestId, consumer, untilMs }) => {
      const request = accessRequests.find((r) => r.id === requestId)
      if (!request)
        throw Object.assign(new Error(`No access request ${requestId}.`), {
          code: 'ACCESS_REQUEST_NOT_FOUND',
        })
      request.status = 'approved'
      request.policies.push({
        id: `policy-${request.policies.length + 1}`,
        requestId,
        consumer: consumer?.toLowerCase() ?? null,
        untilMs: untilMs ?? null,
        createdAtMs: 1_700_000_100_000,
      })
      return { request: { ...request } }
    },
    getEarnings: async () => ({ rows: earnings, totals: earningsTotals }),
    getAccessRequest: async ({ requestId }) => {
      const request = accessRequests.find((r) => r.id === requestId)
      if (!request)
        throw Object.assign(new Error(`No access request ${requestId}.`), {
          code: 'ACCESS_REQUEST_NOT_FOUND',
        })
      return {
        request: { ...request },
        algorithm: request.algorithmDid
          ? {
              ddo: { id: request.algorithmDid, metadata: { name: 'Row counter', type: 'algorithm' } },
              name: 'Row counter',
              author: 'Alice',
              code: [
                {
                  name: 'file 1 (local)',
                  sizeBytes: 27,
                  sha256: 'f'.repeat(64),
                  text: 'console.log(rows.length)\n',
                  truncated: false,
                },
              ],
              filesChecksumNow: request.filesChecksum,
              matchesRequest: true,
            }
          : {
              ddo: null,
              name: null,
              author: null,
              code: [
                {
                  name: 'raw code',
                  sizeBytes: 12,
                  sha256: request.rawCodeHash ?? '',
                  text: 'print("hi")\n',
                  truncated: false,
                },
              ],
              filesChecksumNow: request.rawCodeHash ?? null,
              matchesRequest: true,
            },
      }
    },
    approveAccessRequestOnChain: async ({ requestId }) => {
      const request = accessRequests.find((r) => r.id === requestId)
      if (!request)
        throw Object.assign(new Error(`No access request ${requestId}.`), {
          code: 'ACCESS_REQUEST_NOT_FOUND',
        })
      if (!request.algorithmDid)
        throw Object.assign(new Error('Raw code has no DID a DDO can trust.'), {
          code: 'ALGORITHM_NOT_PUBLISHED',
        })
      const did = request.datasetDid
      listeners.onPublishProgress.forEach((l) => l({ did, step: 'metadata', status: 'started' }))
      const txHash = '0x' + (++txCount).toString(16).padStart(64, 'e')
      for (const status of ['sent', 'mined'] as const)
        listeners.onPublishProgress.forEach((l) => l({ did, step: 'metadata', status, txHash }))
      request.status = 'approved'
      request.approvedTx = txHash
      return { request: { ...request }, txHash, blockNumber: 42 }
    },
    listEnvironmentQuotas: async () => ({
      environments: environments.map((e) => ({ environmentId: e.id, quotas: envQuotas.get(e.id) ?? {} })),
    }),
    setEnvironmentQuotas: async ({ environmentId, quotas }) => {
      if (!environments.some((e) => e.id === environmentId))
        throw Object.assign(new Error(`No compute environment ${environmentId}.`), {
          code: 'ENVIRONMENT_UNKNOWN',
        })
      envQuotas.set(environmentId, quotas)
      return { environmentId, quotas }
    },
    revokeNodeApproval: async ({ policyId }) => {
      const request = accessRequests.find((r) => r.policies.some((p) => p.id === policyId))
      if (!request)
        throw Object.assign(new Error(`No node-only approval ${policyId}.`), {
          code: 'ACCESS_REQUEST_NOT_FOUND',
        })
      request.policies = request.policies.filter((p) => p.id !== policyId)
      if (request.policies.length === 0 && !request.approvedTx) request.status = 'pending'
      return { request: { ...request } }
    },
    denyAccessRequest: async ({ requestId, reason }) => {
      const request = accessRequests.find((r) => r.id === requestId)
      if (!request)
        throw Object.assign(new Error(`No access request ${requestId}.`), {
          code: 'ACCESS_REQUEST_NOT_FOUND',
        })
      request.status = 'denied'
      request.denyReason = reason
      return { request: { ...request } }
    },
    listAuditEvents: async ({ type, actor, subject, limit }) => {
      const events = auditEvents
        .filter(
          (e) =>
            (!type || e.type === type) &&
            (!actor || e.actor === actor) &&
            (!subject || e.subject === subject),
        )
        .slice(0, limit)
      const last = auditEvents[auditEvents.length - 1]
      return { events, head: last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: '0'.repeat(64) } }
    },
    verifyAudit: async () => ({
      ok: true,
      rows: auditEvents.length,
      headHash: auditEvents[auditEvents.length - 1]?.hash ?? '0'.repeat(64),
    }),
    exportAudit: async ({ format }) => ({
      format,
      text:
        format === 'csv'
          ? 'seq,atMs,type,actor,subject,details,prevHash,hash\r\n'
          : auditEvents.map((e) => JSON.stringify(e)).join('\n'),
      head: { seq: auditEvents.length, hash: auditEvents[auditEvents.length - 1]?.hash ?? '0'.repeat(64) },
      message: `c2d-audit-head:${auditEvents.length}:${auditEvents[auditEvents.length - 1]?.hash ?? '0'.repeat(64)}`,
      signature: '0x' + '0'.repeat(130),
      signer: wallet.address ?? '0x' + '6'.repeat(40),
    }),
    getDatasetPolicy: async ({ did }) => ({ did, policy: policies.get(did) ?? DEFAULT_POLICY }),
    setDatasetPolicy: async ({ did, policy }) => (policies.set(did, policy), { did, policy }),
    listReviews: async () => ({ jobs: jobs.filter((j) => j.review?.state === 'held') }),
    getReview: async ({ jobId }) => {
      const job = find(jobId)
      if (job.review?.state !== 'held')
        throw Object.assign(new Error(`Job ${jobId} is not awaiting review.`), { code: 'JOB_NOT_HELD' })
      return { job, review: FAKE_REVIEW }
    },
    releaseJob: async ({ jobId }) => {
      const job = find(jobId)
      job.review = { ...job.review!, state: 'released', decidedBy: 'publisher' }
      job.status = 70
      job.outcome = { kind: 'succeeded' }
      return { job: { ...job } }
    },
    rejectJob: async ({ jobId, reason, chargeForCompute }) => {
      const job = find(jobId)
      job.review = { ...job.review!, state: 'rejected', decidedBy: 'publisher', reason, chargeForCompute }
      job.status = 70
      job.outcome = { kind: 'failed', reason: `The publisher rejected the outputs: ${reason}` }
      return { job: { ...job } }
    },
    importMnemonic: async () => (wallet = { state: 'unlocked', address: '0x' + '9'.repeat(40) }),
    getChainBalances: async () => ({
      address: wallet.address ?? '0x' + '6'.repeat(40),
      chains: chainStatuses().map((c) => ({
        chainId: c.chainId,
        name: c.name,
        primary: c.primary,
        nativeSymbol: c.primary ? 'ETH' : 'xDAI',
        oceanToken: c.feeToken,
        ...(c.reachable
          ? {
              nativeWei: c.primary ? '2500000000000000000' : '700000000000000000',
              oceanWei: c.feeToken ? (c.primary ? '10000000000000000000' : '3000000000000000000') : null,
              error: null,
            }
          : {
              nativeWei: null,
              oceanWei: null,
              error: { code: 'CHAIN_UNAVAILABLE', message: `The RPC of chain ${c.chainId} did not answer.` },
            }),
      })),
    }),
    getBalances: async () => ({
      address: wallet.address ?? '0x' + '6'.repeat(40),
      chainId: seed.chain?.chainId ?? 8996,
      nativeWei: '2500000000000000000',
      nativeSymbol: seed.chain?.nativeSymbol ?? 'ETH',
      oceanWei: '10000000000000000000',
      datatokens: assets.map((a) => ({
        did: a.did,
        name: a.name,
        datatokenAddress: a.datatokenAddress,
        // As the engine: a datatoken without code on this chain is told per token, never a failure.
        ...(a.notOnChain
          ? { balanceWei: '0', unavailable: 'Not on chain 8996: the datatoken has no code here.' }
          : { balanceWei: '1000000000000000000' }),
      })),
      canPayGas: true,
    }),
    setAssetState: async ({ did, state }) => {
      const asset = findAsset(did)
      asset.state = ASSET_STATES[state]
      return { did, txHash: nextTx(did, 'state'), asset: { ...asset } }
    },
    getAssetState: async ({ did }) => ({
      did,
      state: findAsset(did).state,
      stateName: assetStateName(findAsset(did).state),
      recordedState: findAsset(did).state,
    }),
    mintDatatokens: async ({ did }) => (findAsset(did), { did, txHash: nextTx(did, 'mint') }),
    createDispenser: async ({ did, maxTokens, maxBalance }) => {
      findAsset(did)
      pricesOf(did).dispensers.push({ contract: '0x' + 'd'.repeat(40), active: true, maxTokens, maxBalance })
      return { did, txHash: nextTx(did, 'dispenser') }
    },
    createFixedRate: async ({ did, price, baseToken }) => {
      findAsset(did)
      const list = pricesOf(did).fixedRates
      list.push({
        exchangeContract: '0x' + 'f'.repeat(40),
        exchangeId: '0x' + String(list.length + 1).padStart(64, '0'),
        baseToken: baseToken ?? FAKE_OCEAN,
        rate: price,
        active: true,
      })
      return { did, txHash: nextTx(did, 'fixedRate') }
    },
    getAssetPrices: async ({ did }) => {
      const asset = findAsset(did)
      if (asset.notOnChain)
        throw Object.assign(new Error(`Reading prices: ${asset.notOnChain.message}`), {
          code: 'ASSET_NOT_ON_CHAIN',
        })
      const { fixedRates, dispensers } = pricesOf(did)
      return {
        did,
        datatokenAddress: asset.datatokenAddress,
        fixedRates: [...fixedRates],
        dispensers: [...dispensers],
      }
    },
    subscribe: (event, listener) => {
      const set = listeners[event] as Set<typeof listener>
      set.add(listener)
      return () => set.delete(listener)
    },
  }

  const fake: FakeConsole = {
    service,
    jobs,
    assets,
    unfinishedPublishes: unfinished,
    environments,
    calls: [],
    fail: {},
    emit: (event, payload) => {
      if (event === 'onDidChangeJob') seq = Math.max(seq, (payload as EventPayload<'onDidChangeJob'>).seq)
      if (event === 'onJobLog') {
        // As in the engine, a chunk is text the algorithm appended to its log file.
        const { jobId, chunk, offsetBytes } = payload as EventPayload<'onJobLog'>
        const key = `${jobId}:algorithm`
        const now = logs[key] ?? `log of ${jobId}\n`
        if (offsetBytes === undefined || offsetBytes === new TextEncoder().encode(now).length)
          logs[key] = now + chunk
      }
      ;(listeners[event] as Set<(p: unknown) => void>).forEach((l) => l(JSON.parse(JSON.stringify(payload))))
    },
    transport: {
      async call(method, input) {
        fake.calls.push({ method, input })
        if (!isConsoleMethod(method)) return { ok: false, error: { code: 'METHOD_UNKNOWN', message: method } }
        const failure = fake.fail[method]
        if (failure) return { ok: false, error: failure }
        const parsed = consoleMethods[method].input.safeParse(input ?? {})
        if (!parsed.success)
          return {
            ok: false,
            error: {
              code: 'REQUEST_INVALID',
              message: parsed.error.message,
              details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
            },
          }
        try {
          const value = await (service[method] as (i: unknown) => Promise<unknown>)(parsed.data)
          return JSON.parse(JSON.stringify({ ok: true, value }))
        } catch (error) {
          const e = error as { code?: string; message: string; details?: unknown }
          return {
            ok: false,
            error: {
              code: e.code ?? 'INTERNAL',
              message: e.message,
              ...(e.details !== undefined ? { details: e.details } : {}),
            },
          }
        }
      },
      subscribe: (event, listener) => service.subscribe(event as ConsoleEventName, listener as never),
    },
    client: undefined as unknown as ConsoleClient,
  }
  fake.client = createConsoleClient(fake.transport)
  return fake
}
