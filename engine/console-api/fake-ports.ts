/**
 * In-memory ports for the console service, seeded with a few jobs and one environment. Used by the
 * contract suite (every transport) and by main/'s IPC tests; they behave like the real parts at the
 * interface (ids, seq ordering, not-found), nothing more.
 */
import type { JobStatus } from '../operator-service/job-status'
import type {
  AssetSummary,
  ConsoleEnvironment,
  EventPayload,
  JobSummary,
  UnfinishedPublish,
} from './contract'
import type { JobsAfter } from '../store/jobs-repo'
import type {
  ConsoleAssetPort,
  ConsoleEnvironmentStore,
  ConsoleHealthPort,
  ConsoleJobFilter,
  ConsoleJobSource,
  ConsoleServiceDeps,
  ConsoleSettingsPort,
  ConsoleNetworkPort,
  ConsoleWalletPort,
} from './service'

type Listener<T> = (payload: T) => void

export function seedJob(jobId: string, status: JobStatus, overrides: Partial<JobSummary> = {}): JobSummary {
  return {
    jobId,
    owner: '0x1111111111111111111111111111111111111111',
    environmentId: 'free-local',
    datasets: [{ did: 'did:op:' + 'a'.repeat(64), serviceId: 'compute' }],
    algorithm: { did: 'did:op:' + 'b'.repeat(64), serviceId: 'compute', isRawCode: false },
    status,
    outcome: status === 70 ? { kind: 'succeeded' } : null,
    stopRequested: false,
    createdAtMs: 1_000,
    updatedAtMs: 1_000,
    finishedAtMs: status === 70 ? 2_000 : null,
    algoStartMs: null,
    algoStopMs: null,
    maxJobDurationSec: 60,
    isFree: true,
    results: status === 70 ? [{ filename: 'out.txt', filesizeBytes: 5, type: 'output', index: 0 }] : [],
    terminationDetails: { exitCode: status === 70 ? 0 : null, oomKilled: false },
    payment: null,
    ...overrides,
  }
}

export interface FakePorts extends ConsoleServiceDeps {
  jobs: ConsoleJobSource
  /** Drive a job transition as the operator-service would (bumps seq, fires onDidChangeJob). */
  transition(jobId: string, to: JobStatus, cause: string, changes?: Partial<JobSummary>): void
  emitLog(jobId: string, chunk: string): void
  emitProviderRequest(e: EventPayload<'onProviderRequest'>): void
  /** Private data the console must never leak (a dataset URL inside the spec). */
  secretMarker: string
  /** Every on-chain action the fake asset port performed, in order (empty = nothing was sent). */
  chainActions: Array<
    { kind: 'state' | 'mint' | 'dispenser' | 'fixedRate'; did: string; txHash: string } & Record<
      string,
      unknown
    >
  >
  /** The last private key or mnemonic handed to the wallet port (it must never come back out). */
  importedSecret(): string
  /** Make getBalances fail as the chain would (e.g. a CHAIN_ID_MISMATCH C2dError). */
  failBalances(error: Error | undefined): void
  lockWallet(): void
  /**
   * Unfinished publishes the fake asset port lists (seed with push). resumePublish finishes one as
   * the publisher would (create + metadata reported, the asset listed, the row gone).
   */
  unfinished: UnfinishedPublish[]
}

export function createFakePorts(): FakePorts {
  const secretMarker = 'https://secret.example/dataset.csv'
  const jobs = new Map<string, JobSummary & { spec: unknown }>()
  const events = new Map<
    string,
    Array<{ seq: number; from: JobStatus | null; to: JobStatus; cause: string; atMs: number }>
  >()
  let seq = 0
  const jobListeners = new Set<
    Listener<{ seq: number; job: JobSummary; from: JobStatus | null; to: JobStatus; cause: string }>
  >()
  const logListeners = new Set<Listener<{ jobId: string; chunk: string }>>()
  const requestListeners = new Set<Listener<EventPayload<'onProviderRequest'>>>()
  const add = (job: JobSummary) => {
    jobs.set(job.jobId, { ...job, spec: { datasets: [{ url: secretMarker }] } })
    events.set(job.jobId, [{ seq: ++seq, from: null, to: 1, cause: 'registered', atMs: job.createdAtMs }])
  }
  add(seedJob('job-finished', 70))
  add(seedJob('job-running', 40, { algoStartMs: 1_500 }))
  add(seedJob('job-queued', 1))

  const envs = new Map<string, ConsoleEnvironment>()
  envs.set('free-local', {
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
  })
  // The store's semantics (engine/store/jobs-repo.ts, 009-job-sort.sql): sort key (column?,
  // created, id) in `order`, keyset `after`, any search term.
  const durationSortMs = (j: JobSummary) =>
    j.finishedAtMs === null
      ? -1
      : j.algoStartMs !== null
        ? (j.algoStopMs ?? j.finishedAtMs) - j.algoStartMs
        : j.finishedAtMs - j.createdAtMs
  const assetSort = (j: JobSummary) => (j.datasets[0]?.did ?? '').toLowerCase()
  const sortValue = (f: ConsoleJobFilter, j: JobSummary): JobsAfter => ({
    createdAtMs: j.createdAtMs,
    jobId: j.jobId,
    status: j.status,
    durationSortMs: durationSortMs(j),
    assetSort: assetSort(j),
  })
  const compareKeys = (f: ConsoleJobFilter, a: JobsAfter, b: JobsAfter) => {
    const lead =
      f.sort === 'status'
        ? a.status! - b.status!
        : f.sort === 'duration'
          ? a.durationSortMs! - b.durationSortMs!
          : f.sort === 'assetName'
            ? a.assetSort! < b.assetSort!
              ? -1
              : a.assetSort! > b.assetSort!
                ? 1
                : 0
            : 0
    const asc = lead || a.createdAtMs - b.createdAtMs || (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0)
    return f.order === 'oldest' ? asc : -asc
  }
  const compareJobs = (f: ConsoleJobFilter, a: JobSummary, b: JobSummary) =>
    compareKeys(f, sortValue(f, a), sortValue(f, b))
  const filterJobs = (f: ConsoleJobFilter) =>
    [...jobs.values()]
      .filter(
        (j) =>
          (!f.statuses || f.statuses.includes(j.status)) &&
          (!f.owner || j.owner.toLowerCase() === f.owner.toLowerCase()) &&
          (!f.environmentId || j.environmentId === f.environmentId) &&
          (!f.did || j.datasets.some((d) => d.did === f.did) || j.algorithm.did === f.did) &&
          (!f.outcome || j.outcome?.kind === f.outcome) &&
          (!f.searchTerms ||
            f.searchTerms.some((t) =>
              [j.jobId, j.owner, j.algorithm.did ?? '', ...j.datasets.map((d) => d.did)].some((v) =>
                v.toLowerCase().includes(t.toLowerCase()),
              ),
            )) &&
          (!f.after || compareKeys(f, sortValue(f, j), f.after) > 0),
      )
      .sort((a, b) => compareJobs(f, a, b))

  const jobSource: ConsoleJobSource = {
    getJob: (id) => jobs.get(id),
    listJobs: (f) => filterJobs(f).slice(f.offset ?? 0, (f.offset ?? 0) + (f.limit ?? 1000)),
    countJobs: (f) => filterJobs(f).length,
    jobSortValue: (id, sort) => {
      const job = jobs.get(id)
      return job && (sort === 'duration' ? durationSortMs(job) : assetSort(job))
    },
    jobEvents: (id) => events.get(id) ?? [],
    stopJob: async (id) => {
      const job = jobs.get(id)!
      const next = {
        ...job,
        stopRequested: true,
        status: (job.status === 1 ? 70 : 60) as JobStatus,
        outcome: job.status === 1 ? { kind: 'stopped' as const } : job.outcome,
      }
      jobs.set(id, next)
      return next
    },
    openResult: (id, index) => {
      const file = jobs.get(id)?.results[index]
      if (!file) throw new Error('no result')
      return {
        path: `/results/${id}/${file.filename}`,
        sizeBytes: file.filesizeBytes,
        filename: file.filename,
        contentType: 'text/plain',
      }
    },
    isAlgorithmRunning: (id) => jobs.get(id)?.status === 40,
    environmentLoad: (id) => ({
      running: filterJobs({ environmentId: id, statuses: [40] }).length,
      queued: filterJobs({ environmentId: id, statuses: [1] }).length,
    }),
    onDidChangeJob: (l) => (jobListeners.add(l), () => jobListeners.delete(l)),
    onJobLog: (l) => (logListeners.add(l), () => logListeners.delete(l)),
  }
  const environments: ConsoleEnvironmentStore = {
    listEnvironments: () => [...envs.values()],
    getEnvironment: (id) => envs.get(id),
    saveEnvironment: (env) => void envs.set(env.id, env),
    deleteEnvironment: (id) => void envs.delete(id),
  }
  const assetList: AssetSummary[] = []
  const progressListeners = new Set<Listener<EventPayload<'onPublishProgress'>>>()
  let txCount = 0
  /** A fake tx: needs the wallet (as the real signer does), reports sent + mined, records the action. */
  const sendTx = (
    did: string,
    step: 'create' | 'metadata' | 'state' | 'mint' | 'dispenser' | 'fixedRate',
    effect: () => void,
  ): string => {
    if (wallet.state !== 'unlocked')
      throw Object.assign(new Error('Unlock the publisher wallet first'), {
        name: 'C2dError',
        code: 'WALLET_LOCKED',
        status: 423,
      })
    const txHash = '0x' + (++txCount).toString(16).padStart(64, '0')
    progressListeners.forEach((l) => l({ did, step, status: 'sent', txHash }))
    effect()
    progressListeners.forEach((l) => l({ did, step, status: 'mined', txHash }))
    return txHash
  }
  const chainActions: FakePorts['chainActions'] = []
  const assets: ConsoleAssetPort = {
    list: (kind) => assetList.filter((a) => !kind || a.kind === kind),
    publish: async (draft, _existingDid, options = {}) => {
      const asset: AssetSummary = {
        did: 'did:op:' + String(assetList.length).padStart(64, 'c'),
        kind: draft.kind,
        name: draft.name,
        chainId: 8996,
        nftAddress: '0x' + '2'.repeat(40),
        datatokenAddress: '0x' + '3'.repeat(40),
        state: 0,
        serviceIds: ['compute'],
        createdAtMs: 1,
        updatedAtMs: 1,
      }
      // As the real publisher: the DID is known, the policy is stored, then the asset is listed.
      if (options.environments) options.applyEnvironments?.(asset.did, options.environments)
      assetList.push(asset)
      return asset
    },
    remove: (did) =>
      void assetList.splice(
        assetList.findIndex((a) => a.did === did),
        1,
      ),
    setState: async (did, state) => {
      const asset = assetList.find((a) => a.did === did)!
      const txHash = sendTx(did, 'state', () =>
        Object.assign(asset, { state, updatedAtMs: asset.updatedAtMs + 1 }),
      )
      chainActions.push({ kind: 'state', did, state, txHash })
      return { asset: { ...asset }, txHash }
    },
    readState: async (did) => assetList.find((a) => a.did === did)!.state,
    mint: async (did, to, amount) => {
      const txHash = sendTx(did, 'mint', () => {})
      chainActions.push({ kind: 'mint', did, to, amount, txHash })
      return txHash
    },
    createDispenser: async (did, limits) => {
      const txHash = sendTx(did, 'dispenser', () => {})
      chainActions.push({ kind: 'dispenser', did, ...limits, txHash })
      return txHash
    },
    createFixedRate: async (did, price) => {
      const txHash = sendTx(did, 'fixedRate', () => {})
      chainActions.push({ kind: 'fixedRate', did, ...price, txHash })
      return txHash
    },
    // The chain as this fake's own actions left it: each dispenser and fixed rate it created, active.
    prices: async (did) => {
      const asset = assetList.find((a) => a.did === did)!
      const mine = chainActions.filter((c) => c.did === did)
      return {
        did,
        datatokenAddress: asset.datatokenAddress,
        fixedRates: mine
          .filter((c) => c.kind === 'fixedRate')
          .map((c, i) => ({
            exchangeContract: '0x' + 'f'.repeat(40),
            exchangeId: '0x' + String(i + 1).padStart(64, '0'),
            baseToken: typeof c.baseToken === 'string' ? c.baseToken : '0x' + '0c'.repeat(20),
            rate: String(c.price),
            active: true,
          })),
        dispensers: mine
          .filter((c) => c.kind === 'dispenser')
          .map((c) => ({
            contract: '0x' + 'd'.repeat(40),
            active: true,
            maxTokens: String(c.maxTokens),
            maxBalance: String(c.maxBalance),
          })),
      }
    },
    balances: async () => {
      if (!wallet.address)
        throw Object.assign(new Error('Create or import the publisher wallet first'), {
          name: 'C2dError',
          code: 'WALLET_NOT_FOUND',
          status: 404,
        })
      if (balanceFailure) throw balanceFailure
      return {
        address: wallet.address,
        chainId: 8996,
        nativeWei: '1000000000000000000',
        nativeSymbol: 'ETH',
        oceanWei: '0',
        datatokens: assetList.map((a) => ({
          did: a.did,
          name: a.name,
          datatokenAddress: a.datatokenAddress,
          balanceWei: '0',
        })),
        canPayGas: true,
      }
    },
    onPublishProgress: (l) => (progressListeners.add(l), () => progressListeners.delete(l)),
    listUnfinished: () => unfinished.map((u) => ({ ...u })),
    resumeUnfinished: async (id) => {
      const i = unfinished.findIndex((u) => u.id === id)
      if (i < 0)
        throw Object.assign(new Error(`${id} has no unfinished publish to resume`), {
          name: 'C2dError',
          code: 'PUBLISH_NOT_RESUMABLE',
          status: 409,
        })
      const found = unfinished[i]!
      const did = found.did ?? 'did:op:' + String(assetList.length).padStart(64, 'e')
      // From the step it stopped at: a mined create is not sent again.
      if (found.stoppedAt === 'create') sendTx(did, 'create', () => {})
      sendTx(did, 'metadata', () => {})
      const asset: AssetSummary = {
        did,
        kind: found.kind,
        name: found.name,
        chainId: found.chainId,
        nftAddress: '0x' + '2'.repeat(40),
        datatokenAddress: '0x' + '3'.repeat(40),
        state: 0,
        serviceIds: ['compute'],
        createdAtMs: found.startedAtMs,
        updatedAtMs: found.updatedAtMs + 1,
      }
      unfinished.splice(i, 1)
      assetList.push(asset)
      return asset
    },
    discardUnfinished: (id) =>
      void unfinished.splice(
        unfinished.findIndex((u) => u.id === id),
        1,
      ),
  }
  const unfinished: UnfinishedPublish[] = []
  let balanceFailure: Error | undefined
  let importedSecret = ''
  let wallet: { state: 'none' | 'locked' | 'unlocked'; address: string | null; password: string } = {
    state: 'none',
    address: null,
    password: '',
  }
  const walletPort: ConsoleWalletPort = {
    status: () => ({ state: wallet.state, address: wallet.address }),
    create: async (password) => (
      (wallet = { state: 'unlocked', address: '0x' + '4'.repeat(40), password }),
      walletPort.status()
    ),
    importKey: async (key, password) => (
      (wallet = { state: 'unlocked', address: '0x' + '5'.repeat(40), password }),
      (importedSecret = key),
      walletPort.status()
    ),
    importMnemonic: async (phrase, password) => (
      (wallet = { state: 'unlocked', address: '0x' + '9'.repeat(40), password }),
      (importedSecret = phrase),
      walletPort.status()
    ),
    unlock: async (password) => {
      if (wallet.state === 'none')
        throw Object.assign(new Error('no wallet'), { name: 'C2dError', code: 'WALLET_LOCKED', status: 423 })
      if (password !== wallet.password)
        throw Object.assign(new Error('That password does not unlock the wallet.'), {
          name: 'C2dError',
          code: 'PASSWORD_WRONG',
          status: 401,
        })
      wallet.state = 'unlocked'
      return walletPort.status()
    },
    lock: () => {
      if (wallet.state === 'unlocked') wallet.state = 'locked'
      return walletPort.status()
    },
    keystoreJson: () =>
      wallet.address ? JSON.stringify({ address: wallet.address.slice(2).toLowerCase(), crypto: {} }) : null,
  }
  const health: ConsoleHealthPort = {
    check: async () => ({
      driver: 'local',
      ok: true,
      checks: [{ id: 'bwrap', label: 'bubblewrap installed', ok: true, message: '/usr/bin/bwrap' }],
      checkedAtMs: 1,
    }),
    backend: () => ({ driver: 'local', kubeContexts: [], currentContext: null, namespace: null }),
  }
  let stored = {
    providerHost: '127.0.0.1',
    providerPort: 8001,
    rpcEndpoints: { '8996': 'http://127.0.0.1:8545' },
    dataDir: '/data',
    logLevel: 'info' as const,
  }
  const settings: ConsoleSettingsPort = {
    get: () => stored,
    save: (patch) => (stored = { ...stored, ...patch } as typeof stored),
  }
  // Exposure as engine/p2p/network-control.ts applies it: public URL > peer ID (P2P on) > local URL.
  let networkState = {
    p2pEnabled: false,
    publicUrl: null as string | null,
    announceAddresses: [] as string[],
  }
  const endpointOf = (n: typeof networkState) =>
    n.publicUrl ?? (n.p2pEnabled ? '16Uiu2HAmFakePeer' : 'http://127.0.0.1:8001')
  const network: ConsoleNetworkPort = {
    get: () => ({ ...networkState, serviceEndpoint: endpointOf(networkState) }),
    async save(patch) {
      const before = endpointOf(networkState)
      networkState = { ...networkState, ...patch }
      const endpoint = endpointOf(networkState)
      return {
        settings: { ...networkState, serviceEndpoint: endpoint },
        republish: { state: endpoint === before ? 'not-needed' : 'done', endpoint, assets: [] },
      }
    },
  }

  return {
    logger: {
      debug() {},
      info() {},
      warn() {},
      error() {},
      child() {
        return this
      },
    },
    clock: { nowMs: () => 1_000, setTimer: () => () => {}, sleep: async () => {} },
    jobs: jobSource,
    environments,
    assets,
    wallet: walletPort,
    health,
    settings,
    network,
    provider: {
      url: 'http://127.0.0.1:8001',
      address: () => '0x' + '6'.repeat(40),
      chain: () => ({ chainId: 8996, name: 'dev chain' }),
      onProviderRequest: (l) => (requestListeners.add(l), () => requestListeners.delete(l)),
    },
    readFile: async () => new TextEncoder().encode('hello'),
    secretMarker,
    chainActions,
    unfinished,
    importedSecret: () => importedSecret,
    failBalances: (error) => void (balanceFailure = error),
    lockWallet: () => void (wallet.state = 'locked'),
    transition(jobId, to, cause, changes = {}) {
      const job = jobs.get(jobId)!
      const from = job.status
      const next = { ...job, ...changes, status: to, updatedAtMs: job.updatedAtMs + 1 }
      jobs.set(jobId, next)
      const change = { seq: ++seq, job: next, from, to, cause }
      events.get(jobId)!.push({ seq, from, to, cause, atMs: next.updatedAtMs })
      jobListeners.forEach((l) => l(change))
    },
    emitLog: (jobId, chunk) => logListeners.forEach((l) => l({ jobId, chunk })),
    emitProviderRequest: (e) => requestListeners.forEach((l) => l(e)),
  }
}
