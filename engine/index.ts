/**
 * The engine's composition root: the one entry that Electron's main process and the headless
 * `serve` command import. It builds every part from the configuration, in dependency order, and
 * returns a `Core` whose `stop()` shuts them down in reverse order.
 *
 * Everything else in engine/ receives its collaborators through constructors; only this file
 * decides which concrete ones (driver, settlement, chain) are used. Nothing may import it from
 * inside engine/.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { systemClock, type Clock } from './clock'
import type { ConsoleService } from './console-api/contract'
import { startConsole } from './console-api/start-console'
import type { ConsoleConfig } from './config/schema'
import { createLogger, type Logger } from './logging'
import type { ComputeDriver } from './operator-engine/driver'
import { Environments, defaultEnvironments } from './operator-service/environments'
import { createOperatorHttpApi, operatorApiToken } from './operator-service/http-api'
import { SqliteOperatorService } from './operator-service/operator-service'
import { AuthTokens, loadAuthTokenSecret } from './provider/auth-tokens'
import { ChainPaidCompute, ServedChainsPaidCompute } from './provider/chain-paid-compute'
import type { ServedChains } from './chain/served-chains'
import { createNftOwnerLookup } from './chain/nft-owner'
import { createSmartAccountCheck } from './chain/smart-accounts'
import { createAccessListCheck } from './chain/access-lists'
import { createPriceLookup } from './chain/datatoken-prices'
import { ChainIndexer } from './publishing/chain-indexer'
import { createEscrowSettlement } from './provider/escrow-settlement'
import { checkPublicUrl } from './provider/public-url-check'
import { RequestAuth } from './provider/request-auth'
import type { ProbeNetwork } from './provider/file-url-probe'
import { PersistentStorage, onAnAccessList, type OnAccessList } from './provider/persistent-storage'
import { startProvider, type NodeIdentity, type ProviderRequestEvent } from './provider/server'
import { AssetRegistry } from './publishing/asset-registry'
import { startChainPublishing, type ChainPublishing } from './publishing/start-publishing'
import { AuthTokensRepo } from './store/auth-tokens-repo'
import { prepareDataDir } from './store/data-dir'
import { openDatabase } from './store/database'
import { resumeApprovalsOnChain, type ApprovalRecoveryOutcome } from './publishing/approval-recovery'
import { NoncesRepo } from './store/nonces-repo'
import { AuditRepo, GroupedAuditAppends, type AuditEventInput } from './store/audit-repo'
import { AccessRequestsRepo } from './store/access-requests-repo'
import { AlgorithmApprovals } from './provider/access-policy'
import { SettingsRepo } from './store/settings-repo'
import { DatasetPoliciesRepo } from './store/dataset-policies-repo'
import { EnvironmentQuotasRepo } from './store/environment-quotas-repo'
import { QuotaHoldsRepo } from './store/quota-holds-repo'
import { inspectAlgorithm } from './publishing/algorithm-inspection'
import { DatasetPolicies } from './provider/dataset-policy'
import { createJobReceipts } from './provider/job-receipts'
import { filesUnder, reviewOutputs } from './operator-service/output-review'
import { HELD_STATUSES, isHeldForReview } from './operator-service/operator-service'
import { resultsDirOf } from './operator-service/results'
import { toJobSummary } from './console-api/service'
import type { ConsoleReviewPort } from './console-api/publisher-control'
import type { JobRecord } from './operator-service/job-record'
import { SigningKey } from 'ethers'
import type { RunningP2pNode } from './p2p/p2p-node'
import { NetworkControl, type RepublishedAsset } from './p2p/network-control'
import { updateConfigFile } from './config/config-file'
import type { PublisherWallet } from './chain/wallet'
import { checkChainChoice } from './chain/chain-check'

export type { ConsoleConfig } from './config/schema'
// For the Electron shell, which may import this file and the contract only (style.md §2.2): it loads
// the config from userData, logs to its own rotating file and answers IPC through the shared dispatch.
export { loadConfig, ConfigError } from './config/load'
export { createLogger, type Logger, type LogLevel } from './logging'
export { dispatchConsoleCall } from './console-api/dispatch'

/** What `startCore` returns: the running engine, for Electron's main process or `serve`. */
export interface Core {
  config: ConsoleConfig
  operatorService: SqliteOperatorService
  environments: Environments
  settings: SettingsRepo
  driver: ComputeDriver
  /** The asset registry: DID → NFT, datatoken, DDO, plain files (what the Provider serves compute on). */
  assets: AssetRegistry
  /** The chain and publisher tool; undefined when `chain.mode` is "off". */
  chain: ChainPublishing | undefined
  /** The console API service (engine/console-api/service.ts): what the HTTP and IPC transports call. */
  consoleService: ConsoleService
  /** Base URL consumers use for the Provider endpoint (config.provider.publicUrl, else the bound address). */
  providerUrl: string
  /** The Operator-Service HTTP API on 127.0.0.1 ('' when disabled); its token is in `<dataDir>/operator-api.token`. */
  operatorApiUrl: string
  /** Base URL of the console API/UI (headless); empty until the console transport is wired. */
  consoleUrl: string
  /** Per-launch bearer token of the console API. */
  consoleToken: string
  /** The P2P interface (`/ocean/nodes/1.0.0`); undefined when `p2p.enabled` is false or the node key is locked. */
  p2p: RunningP2pNode | undefined
  /** What the start did with approvals on chain a stop interrupted (approval-recovery.ts). */
  approvalsResumed: Promise<ApprovalRecoveryOutcome[]>
  /** Settles approvals on chain still `approving` (run once at start; needs the node key unlocked). */
  resumeApprovalsOnChain(): Promise<ApprovalRecoveryOutcome[]>
  /** Stops accepting requests, lets committed transitions stand, closes the driver and the DB. Idempotent. */
  stop(): Promise<void>
}

export interface StartCoreOptions {
  logger?: Logger
  clock?: Clock
  /** Secrets that never live in the config (e.g. the keystore password); used by the chain wiring. */
  secrets?: Record<string, string>
  /** Tests and benches only: replace the compute driver. */
  driver?: ComputeDriver
  /** Built renderer served by the console's HTTP transport; default `<repo>/dist/renderer`. */
  rendererDir?: string
  /** false: build the console service without its HTTP listener (Electron uses IPC). Default true. */
  listenConsole?: boolean
  /** better-sqlite3's native binding for this runtime (Electron's ABI copy); default: Node's. */
  sqliteNativeBinding?: string
  /** The desktop Save dialog: lets saveResult stream a result to the file the user picks. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>
  /** Each start step as it begins and ends (the desktop app's "starting" window shows them). */
  onProgress?: (progress: StartProgress) => void
  /** Tests only: a fake network (DNS names, routes) for fileInfo's URL probes; default: the OS. */
  fileProbeNetwork?: ProbeNetwork
}

/** The steps of startCore, in order. */
export const START_STEPS = ['store', 'chain', 'driver', 'jobs', 'provider', 'samples', 'console'] as const
export type StartStep = (typeof START_STEPS)[number]
export interface StartProgress {
  step: StartStep
  /** 'failed' on 'chain' is not fatal: the console starts without a chain and shows the error. */
  state: 'running' | 'done' | 'failed' | 'skipped'
  error?: { code?: string; message: string }
}

function describeError(error: unknown): { code?: string; message: string } {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? { code, message } : { message }
}

/**
 * The configured compute driver. Loaded on demand so that a local console never loads the
 * Kubernetes client, and the other way round.
 */
async function createDriver(config: ConsoleConfig, logger: Logger, clock: Clock): Promise<ComputeDriver> {
  if (config.driver.kind === 'kubernetes') {
    const { loadKubeConfig, resolveNamespace } =
      await import('./operator-engine/drivers/kubernetes/kubeconfig')
    const { KubernetesDriver } = await import('./operator-engine/drivers/kubernetes/kubernetes-driver')
    const { kubernetesDriverOptions } = await import('./operator-engine/drivers/kubernetes/driver-config')
    const kubeConfig = loadKubeConfig({ ...kubeconfigSearch(config), context: config.driver.kubeContext })
    const driver = new KubernetesDriver({
      logger: logger.child({ component: 'driver.kubernetes' }),
      clock,
      kubeConfig,
      namespace: resolveNamespace(kubeConfig, config.driver.namespace),
      ...kubernetesDriverOptions(config.driver),
    })
    // Retained failed jobs whose time ran out while the console was down: delete them now, in the
    // background (an unreachable cluster must not stop the console from starting).
    void driver.sweepExpired().catch((error: unknown) =>
      logger.warn('could not sweep expired Kubernetes jobs', {
        error: error instanceof Error ? error.message : String(error),
      }),
    )
    return driver
  }
  const { LocalDriver } = await import('./operator-engine/drivers/local/local-driver')
  return new LocalDriver({
    logger: logger.child({ component: 'local-driver' }),
    clock,
    allowUnsandboxed: config.driver.allowUnsandboxed,
    ipfsGateway: config.driver.ipfsGateway,
    arweaveGateway: config.driver.arweaveGateway,
  })
}

/** Where the Kubernetes driver looks for kubeconfigs: the configured file, KUBECONFIG, ~/.kube/config. */
function kubeconfigSearch(config: ConsoleConfig) {
  return {
    kubeconfigPath: config.driver.kubeconfigPath,
    kubeconfigSearchPath: config.driver.kubeconfigSearchPath,
    kubeconfigDefaultPath: config.driver.kubeconfigDefaultPath,
  }
}

/**
 * The compute-backend screen's view of kubeconfigs (contexts, a context's health, creating a
 * namespace). The Kubernetes client is loaded only when the screen asks.
 */
function kubernetesPorts(config: ConsoleConfig) {
  const load = async (context?: string) => {
    const kubeconfig = await import('./operator-engine/drivers/kubernetes/kubeconfig')
    return {
      kubeconfig,
      kubeConfig: kubeconfig.loadKubeConfig({ ...kubeconfigSearch(config), context }),
    }
  }
  return {
    kubeconfigFiles: async () => {
      const kubeconfig = await import('./operator-engine/drivers/kubernetes/kubeconfig')
      return kubeconfig.readKubeconfigFiles(kubeconfigSearch(config))
    },
    kube: {
      async check(context: string, namespace: string) {
        const { kubeConfig } = await load(context)
        const { checkClusterHealth } = await import('./operator-engine/drivers/kubernetes/health')
        return checkClusterHealth(kubeConfig, namespace)
      },
      async createNamespace(context: string, namespace: string) {
        const { kubeConfig } = await load(context)
        const { createNamespace } = await import('./operator-engine/drivers/kubernetes/health')
        await createNamespace(kubeConfig, namespace)
      },
    },
  }
}

/** The serviceEndpoint the DDOs were last (completely) re-published with. */
const SERVICE_ENDPOINT_KEY = 'publishing.serviceEndpoint'

/** Re-publishes every DDO naming another endpoint; each asset with its mined setMetaData tx. */
async function republishCollectingTxs(port: {
  republishEndpoints(): Promise<string[]>
  onPublishProgress(
    listener: (e: { did?: string; step: string; status: string; txHash?: string }) => void,
  ): () => void
}): Promise<RepublishedAsset[]> {
  const mined = new Map<string, string>()
  const off = port.onPublishProgress((e) => {
    if (e.did && e.step === 'metadata' && e.status === 'mined' && e.txHash) mined.set(e.did, e.txHash)
  })
  try {
    const dids = await port.republishEndpoints()
    return dids.map((did) => ({ did, txHash: mined.get(did) ?? null }))
  } finally {
    off()
  }
}

/**
 * The publisher wallet as the console drives it: in rpc mode it is also the node key, so after a
 * create, import or unlock the peer ID may be new (libp2p restarts, the DDOs follow).
 */
function refreshingIdentity(
  wallet: PublisherWallet,
  /** Dev chain with no wallet yet: the dev provider key the Provider signs with, shown as such. */
  devKey: () => string | undefined,
  changed: () => void,
  /** Dev chain: the new or imported wallet gets ETH and OCEAN from the dev deployer, mined first. */
  fund: () => Promise<unknown>,
  logger: Logger,
) {
  const after = <T>(status: T): T => (changed(), status)
  const funded = async <T>(status: T): Promise<T> => {
    await fund().catch((error: unknown) =>
      logger.warn('dev chain: the publisher wallet could not be funded', {
        error: error instanceof Error ? error.message : String(error),
      }),
    )
    return after(status)
  }
  return {
    status: () => {
      const status = wallet.status()
      const dev = status.state === 'none' ? devKey() : undefined
      return dev ? { ...status, address: dev, devKey: true } : status
    },
    create: async (password: string) => funded(await wallet.create(password)),
    importKey: async (key: string, password: string) => funded(await wallet.importKey(key, password)),
    importMnemonic: async (phrase: string, password: string) =>
      funded(await wallet.importMnemonic(phrase, password)),
    unlock: async (password: string) => after(await wallet.unlock(password)),
    // Locking drops the node key: the peer ID and `GET /` follow it (no dev key stands in).
    lock: () => after(wallet.lock()),
    keystoreJson: () => wallet.keystoreJson(),
  }
}

/**
 * The P2P interface over the running Provider. Its peer ID derives from the node key, so without
 * an unlocked key there is no P2P identity: the console says so and serves HTTP only.
 */
async function startP2p(
  p2pConfig: ConsoleConfig['p2p'],
  app: Parameters<typeof import('./p2p/provider-inject').injectInto>[0],
  identity: NodeIdentity | undefined,
  logger: Logger,
): Promise<RunningP2pNode | undefined> {
  if (!identity) {
    logger.warn('p2p is enabled but the node key is locked: P2P stays off')
    return undefined
  }
  const { peerKeyFromNodeKey } = await import('./p2p/node-peer-id')
  const { startP2pNode } = await import('./p2p/p2p-node')
  const { injectInto } = await import('./p2p/provider-inject')
  return startP2pNode({
    config: p2pConfig,
    privateKey: peerKeyFromNodeKey(identity.signer.privateKey).privateKey,
    logger,
    inject: injectInto(app),
  })
}

/**
 * Starts the engine: data dir, SQLite store (`<dataDir>/console.db`), chain, environments, the
 * compute driver, the Operator-Service (with crash recovery: every non-terminal job is resumed,
 * requeued or failed with a reason), then the Provider and console endpoints.
 * Rejects (having closed what it opened) if any part fails to start.
 */
export async function startCore(config: ConsoleConfig, options: StartCoreOptions = {}): Promise<Core> {
  const logger = options.logger ?? createLogger({ level: config.logLevel })
  const clock = options.clock ?? systemClock
  /** The step under way, so a throw from the try below is reported against it. */
  let running: StartStep | null = null
  const report = (step: StartStep, state: StartProgress['state'], error?: unknown) => {
    running = state === 'running' ? step : null
    try {
      options.onProgress?.({ step, state, ...(error === undefined ? {} : { error: describeError(error) }) })
    } catch {
      // A progress listener never stops the start.
    }
  }
  /** Runs one step, reporting it; a throw is reported as 'failed' and rethrown. */
  const step = async <T>(name: StartStep, run: () => T | Promise<T>): Promise<T> => {
    report(name, 'running')
    try {
      const result = await run()
      report(name, 'done')
      return result
    } catch (error) {
      if (running === name) report(name, 'failed', error)
      throw error
    }
  }
  const db = await step('store', () => {
    prepareDataDir(config.dataDir)
    return openDatabase({
      file: join(config.dataDir, 'console.db'),
      ...(options.sqliteNativeBinding ? { nativeBinding: options.sqliteNativeBinding } : {}),
    })
  })
  /** Shutdown steps of the outer layers (servers, chain), run first and in reverse order. */
  const stops: Array<() => Promise<void>> = []
  try {
    const settings = new SettingsRepo(db)
    // Publisher control (issue 12): one hash-chained trail for the Provider and the console.
    const auditRepo = new AuditRepo(db)
    const recordAudit = (event: AuditEventInput) => {
      auditRepo.append(event, clock.nowMs())
    }
    const providerAudit = new GroupedAuditAppends(auditRepo, db, () => clock.nowMs())
    const accessRequests = new AccessRequestsRepo(db)
    const datasetPolicies = new DatasetPoliciesRepo(db)
    const environmentQuotas = new EnvironmentQuotasRepo(db)
    const quotaHolds = new QuotaHoldsRepo(db)
    // A hold belongs to a start in flight; none is in flight before the Provider listens.
    quotaHolds.clear()

    // Chain first: environments' paid tier needs the fee token, the Provider needs the node key.
    // A chain that cannot start (EDR's native binding missing, a keystore that does not open) must
    // not stop the console: it starts without a chain and Overview/Settings show the error and fix.
    let chainError: { code?: string; message: string } | null = null
    let chain: ChainPublishing | undefined
    if (config.chain.mode === 'off') report('chain', 'skipped')
    else {
      report('chain', 'running')
      try {
        chain = await startChainPublishing({ config, db, logger, clock, secrets: options.secrets })
        report('chain', 'done')
      } catch (error) {
        chainError = describeError(error)
        report('chain', 'failed', error)
        logger.error('the chain did not start; the console runs without it', { ...chainError })
      }
    }
    if (chain) stops.push(() => chain.stop())
    // Every served chain prices the default environment in its own fee token (Ocean Node's fees per chain).
    const feeTokens = chain?.served.feeTokens()
    const assets = chain?.registry ?? new AssetRegistry(db, clock)

    const environments = new Environments(db)
    if (environments.seed(config.environments ?? defaultEnvironments(feeTokens))) {
      logger.info('compute environments seeded', { count: environments.listEnvironments().length })
    }
    // Prices for a chain not served are kept but neither listed to consumers nor paid with.
    const servedIds = chain?.served.chainIds() ?? []
    for (const env of environments.listEnvironments()) {
      const unserved = Object.keys(env.fees).filter((id) => !servedIds.includes(Number(id)))
      if (unserved.length > 0)
        logger.warn('an environment prices chains this console does not serve: not offered there', {
          environment: env.id,
          chainIds: unserved,
        })
    }

    const driver = await step(
      'driver',
      async () => options.driver ?? (await createDriver(config, logger, clock)),
    )
    report('jobs', 'running')

    // Consumers' buckets (provider.persistentStorage). Made before the jobs resume: a job with an
    // output bucket writes its outputs there when it finishes. Access lists are read on chain once
    // the chain is up (bound below); until then only a bucket's owner is admitted.
    let storageAccessLists: OnAccessList = async () => false
    const persistentStorage = config.provider.persistentStorage.enabled
      ? new PersistentStorage(config.dataDir, {
          limits: config.provider.persistentStorage,
          onAccessList: (lists, address) => storageAccessLists(lists, address),
          nowMs: () => clock.nowMs(),
        })
      : undefined

    const operatorService = new SqliteOperatorService({
      db,
      driver,
      environments,
      dataDir: config.dataDir,
      logger: logger.child({ component: 'operator-service' }),
      clock,
      ...(persistentStorage
        ? {
            outputDelivery: {
              deliver: async (job, tarPath) => {
                const { written, skipped } = await persistentStorage.writeOutputs(
                  job.outputBucketId!,
                  job.owner,
                  tarPath,
                )
                return { written: written.map((f) => f.name), skipped }
              },
            },
          }
        : {}),
      // Paid jobs' settlement is bound below, once the Provider's chain access exists.
    })
    await operatorService.start()
    report('jobs', 'done')
    recordReviewEvents(operatorService, recordAudit)
    // Every job the console knows is resumed now: the backend may sweep what belongs to none of
    // them. In the background: an unreachable cluster must not stop the console from starting.
    void driver.sweepUnknownJobs?.().catch((error: unknown) =>
      logger.warn('could not sweep objects of unknown jobs', {
        error: error instanceof Error ? error.message : String(error),
      }),
    )

    // The Operator-Service's own HTTP API (loopback + bearer token from the data dir).
    let operatorApiUrl = ''
    if (config.operatorApi.enabled) {
      const api = createOperatorHttpApi(
        {
          operatorService,
          listEnvironments: () => environments.listEnvironments(),
          logger,
          dataDir: config.dataDir,
        },
        { token: operatorApiToken(config.dataDir) },
      )
      operatorApiUrl = await api.listen({ host: '127.0.0.1', port: config.operatorApi.port })
      stops.push(() => api.close())
    }

    // The Provider endpoint (Ocean's wire contract) over the same Operator-Service and registry.
    const providerRequests = new Set<(event: ProviderRequestEvent) => void>()
    // One identity per node key (the chain layer keeps the key object while it is unchanged): the
    // compressed public key costs an EC operation, and `GET /` reads it on every request.
    let nodeIdentity: NodeIdentity | undefined
    const node = (): NodeIdentity | undefined => {
      const signer = chain?.nodeSigner()
      if (!signer) return (nodeIdentity = undefined)
      if (nodeIdentity?.signer !== signer)
        nodeIdentity = {
          address: signer.address,
          publicKey: SigningKey.computePublicKey(signer.signingKey.publicKey, true),
          signer,
        }
      return nodeIdentity
    }
    const tokens = new AuthTokens({
      secret: loadAuthTokenSecret(config.dataDir),
      repo: new AuthTokensRepo(db),
      clock,
      ttlSec: config.provider.authTokenTtlSec,
    })
    // Paid compute needs the Escrow contract on each chain (Ocean's address file, the dev deployment
    // or chain.additionalChains[].contracts); each served chain gets its own escrow client and fees.
    const paidChains = new Map<number, ChainPaidCompute>()
    for (const served of chain?.served.all ?? []) {
      if (!served.contracts.Escrow) continue
      paidChains.set(
        served.chainId,
        new ChainPaidCompute({
          chainId: served.chainId,
          rpc: served.rpc,
          escrowAddress: served.contracts.Escrow,
          feeToken: served.feeToken,
          node,
          logger: logger.child({ component: 'escrow', chainId: served.chainId }),
          clock,
        }),
      )
    }
    const paid = paidChains.size > 0 ? new ServedChainsPaidCompute(paidChains) : undefined
    if (chain && paid) {
      operatorService.setSettlement(
        createEscrowSettlement({
          // The chain stored with the job's payment: claimed there, never on another served chain.
          chainOf: (chainId) => {
            const on = paid.on(chainId)
            const served = chain.served.get(chainId)
            return on && served ? { escrow: () => on.escrow(), rpc: served.rpc } : undefined
          },
          environment: (id) => environments.getEnvironment(id),
          logger: logger.child({ component: 'escrow' }),
        }),
      )
      // A crash between a lock and its job's registration leaves a lock no job will settle: once it
      // expires, give the payer's funds back. In the background; a dead RPC must not block the start.
      if (node()) {
        for (const [chainId, onChain] of paidChains)
          void onChain
            .escrow()
            .cancelAllExpired()
            .then(
              (done) =>
                done &&
                logger.info('expired escrow locks released', {
                  chainId,
                  count: done.escrowJobIds.length,
                  tx: done.cancelTx,
                }),
            )
            .catch((error: unknown) =>
              logger.warn('could not release expired escrow locks', {
                chainId,
                error: error instanceof Error ? error.message : String(error),
              }),
            )
      }
    }
    // Signed job receipts (issue 12): with the node key, on every chain mode but 'off'; each names
    // the chain its job was paid or ordered on.
    if (chain) operatorService.setReceipts(createJobReceipts({ node, primaryChainId: chain.chainId }))
    for (const served of chain?.served.all ?? [])
      if (!paidChains.has(served.chainId))
        logger.warn('paid compute is off on a chain: no Escrow contract is known there', {
          chainId: served.chainId,
        })
    /** A served chain's provider, for access lists and ERC-1271 (undefined: not served → admits no one). */
    const rpcOn = (chainId: number | undefined) => {
      const served = chain?.served.get(chainId ?? chain.chainId)
      return served ? { provider: served.rpc, chainId: served.chainId, rpcUrl: served.rpcUrl } : undefined
    }
    // Environments' and buckets' access-list contracts (Ocean Node's accessLists), each on its own chain.
    const accessLists = chain ? createAccessListCheck((chainId) => rpcOn(chainId)) : undefined
    storageAccessLists = onAnAccessList(accessLists)
    report('provider', 'running')
    const provider = await startProvider({
      config,
      logger: logger.child({ component: 'provider' }),
      clock,
      operatorService,
      environments,
      assets,
      auth: new RequestAuth({
        nonces: new NoncesRepo(db),
        tokens,
        clock,
        // ERC-1271 smart accounts: asked on the request's chain (none given: the primary chain).
        ...(chain ? { smartAccounts: createSmartAccountCheck(rpcOn) } : {}),
      }),
      tokens,
      node,
      chainIds: chain ? chain.served.chainIds() : [],
      ...(paid ? { paid } : {}),
      // Environments' access-list contracts (Ocean Node's access.accessLists), on this console's chain.
      ...(accessLists ? { accessLists } : {}),
      // Trust by publisher (publisherTrustedAlgorithmPublishers): the algorithm's NFT owner on chain.
      ...(chain ? { planOptions: { publisherOf: publisherOnChain(chain.served) } } : {}),
      // Aquarius' stats[].prices: the datatoken's active dispensers and fixed rates on chain.
      ...(chain ? { datatokenPrices: pricesOnChain(chain.served) } : {}),
      ...(options.fileProbeNetwork ? { fileProbeNetwork: options.fileProbeNetwork } : {}),
      storageGateways: { ipfs: config.driver.ipfsGateway, arweave: config.driver.arweaveGateway },
      ...(persistentStorage ? { persistentStorage } : {}),
      onRequest: (event) => {
        for (const listener of providerRequests) listener(event)
      },
      // Group commit: one fsync per batch of answers, not one per served download (bench/provider).
      audit: { record: (event) => providerAudit.append(event) },
      approvals: new AlgorithmApprovals({ requests: accessRequests, clock }),
      datasetPolicies: new DatasetPolicies({
        policies: datasetPolicies,
        jobs: operatorService,
        clock,
        environmentQuotas,
        holds: quotaHolds,
      }),
    })
    stops.push(() => provider.close())
    const providerUrl = (config.provider.publicUrl ?? provider.url).replace(/\/+$/, '')
    // Exposure (P2P switch, public URL, announce addresses) can change from Settings while running;
    // the DDOs' serviceEndpoint follows it (and the peer ID, should the node key change).
    const assetPort = chain?.assetPort(() => network.endpoint())
    const network: NetworkControl = new NetworkControl({
      initial: {
        p2pEnabled: config.p2p.enabled,
        publicUrl: config.provider.publicUrl ?? null,
        announceAddresses: config.p2p.announceAddresses,
      },
      localUrl: provider.url.replace(/\/+$/, ''),
      identity: () => node()?.address,
      startP2p: (state) =>
        startP2p(
          { ...config.p2p, enabled: true, announceAddresses: state.announceAddresses },
          provider.app,
          node(),
          logger,
        ),
      persist: (state) =>
        updateConfigFile(config.dataDir, {
          p2p: { enabled: state.p2pEnabled, announceAddresses: state.announceAddresses },
          provider: { publicUrl: state.publicUrl ?? undefined },
        }),
      lastEndpoint: {
        get: () => settings.get<string>(SERVICE_ENDPOINT_KEY),
        set: (endpoint) => settings.set(SERVICE_ENDPOINT_KEY, endpoint),
      },
      ...(assetPort ? { republish: () => republishCollectingTxs(assetPort) } : {}),
      logger,
    })
    await network.start()
    stops.push(() => network.stop())
    report('provider', 'done')
    if (chain?.devChain) {
      const devChain = chain
      await step('samples', () => devChain.publishDevSamples(network.endpoint()))
    } else report('samples', 'skipped')
    // Assets that ocean.js or a market published with this node as their endpoint: one indexer per
    // served chain, each with its own cursor (settings `chainIndexer.<chainId>`: its resume block).
    for (const served of config.chain.indexer.enabled && chain ? chain.served.all : []) {
      if (!chain || !served.contracts.ERC721Factory) continue
      const isPrimary = served.chainId === chain.chainId
      const indexer = new ChainIndexer({
        rpc: served.rpc,
        chainId: served.chainId,
        factory: served.contracts.ERC721Factory,
        registry: chain.registry,
        settings,
        nodeKey: () => chain.nodeSigner(),
        formerNodeKeys: () => chain.formerNodeKeys(),
        ownEndpoints: () => [network.endpoint(), providerUrl, provider.url],
        clock,
        logger: logger.child({ component: 'chain-indexer', chainId: served.chainId }),
        reorgDepth: config.chain.indexer.reorgDepth,
        // indexer.startBlock names a block of the primary chain; the others start at their head.
        startBlock: isPrimary ? (config.chain.indexer.startBlock ?? (chain.devChain ? 0 : 'head')) : 'head',
      })
      indexer.start(config.chain.indexer.intervalMs)
      stops.push(() => indexer.stop())
    }

    // In the background: a locked wallet or a dead RPC must not block the start (retried later).
    void network.followEndpoint()

    // Approvals on chain a stop interrupted (their intent was written before the tx was sent) are
    // settled from the chain: approved with their tx, or pending again with why (issue 12).
    const resumeApprovals = async (): Promise<ApprovalRecoveryOutcome[]> => {
      const key = chain?.nodeSigner()
      if (!chain || !key) return []
      return resumeApprovalsOnChain({
        requests: accessRequests,
        registry: chain.registry,
        rpc: chain.rpc,
        nodeKey: key,
        clock,
        logger: logger.child({ component: 'approval-recovery' }),
        onApproved: (request, txHash, blockNumber) =>
          recordAudit({
            type: 'approval.granted',
            actor: 'publisher',
            subject: request.datasetDid,
            details: {
              requestId: request.id,
              algorithm: request.algorithmKey,
              serviceId: request.serviceId,
              scope: 'on-chain',
              filesChecksum: request.filesChecksum,
              containerSectionChecksum: request.containerChecksum,
              txHash,
              blockNumber,
              resumedAfterRestart: true,
            },
          }),
      })
    }
    const approvalsResumed = resumeApprovals().catch((error: unknown) => {
      logger.warn('approvals on chain not resumed', { error: String(error) })
      return []
    })

    // Console API: service over the parts above + HTTP transport on 127.0.0.1 with a per-launch token.
    report('console', 'running')
    const console_ = await startConsole({
      ...(options.chooseSavePath ? { chooseSavePath: options.chooseSavePath } : {}),
      config,
      logger,
      clock,
      jobs: operatorService,
      review: {
        ...reviewPort(operatorService, datasetPolicies, assets, clock),
        environmentQuotas: {
          list: () =>
            environments.listEnvironments().map((env) => ({
              environmentId: env.id,
              quotas: environmentQuotas.get(env.id),
            })),
          set: (id, quotas) => environmentQuotas.set(id, quotas, clock.nowMs()),
          hasEnvironment: (id) => environments.getEnvironment(id) !== undefined,
        },
      },
      approvals: {
        list: (filter) => accessRequests.list(filter),
        get: (id) => accessRequests.get(id),
        approve: (id, grant) => accessRequests.approve(id, grant, clock.nowMs()),
        deny: (id, reason) => accessRequests.deny(id, reason, clock.nowMs()),
        approveOnChain: (id, txHash) => accessRequests.approveOnChain(id, txHash, clock.nowMs()),
        beginOnChain: (id, entry) => accessRequests.beginOnChain(id, entry, clock.nowMs()),
        recordOnChainTx: (id, txHash) => accessRequests.recordOnChainTx(id, txHash),
        dropOnChain: (id, reason) => accessRequests.dropOnChain(id, reason, clock.nowMs()),
        revokePolicy: (policyId) => accessRequests.revokePolicy(policyId, clock.nowMs()),
        async algorithmOf(id) {
          const request = accessRequests.get(id)!
          return inspectAlgorithm({
            record: request.algorithmDid ? assets.get(request.algorithmDid) : undefined,
            rawCode: accessRequests.rawCodeOf(id),
            requestFilesChecksum: request.filesChecksum,
          })
        },
        ...(assetPort
          ? {
              async trustOnChain(datasetDid, serviceId, entry, onTx) {
                const { txHash, blockNumber } = await assetPort.trustAlgorithm(
                  datasetDid,
                  serviceId,
                  entry,
                  onTx,
                )
                return { txHash, blockNumber }
              },
            }
          : {}),
      },
      audit: {
        list: (filter) => auditRepo.list(filter),
        head: () => auditRepo.head(),
        verify: () => auditRepo.verify(),
        record: (event) => recordAudit(event as AuditEventInput),
        async signMessage(message) {
          const identity = node()
          if (!identity) return undefined
          return { signature: await identity.signer.signMessage(message), address: identity.address }
        },
      },
      environments,
      settings,
      driver,
      rendererDir:
        options.rendererDir ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'renderer'),
      listen: options.listenConsole ?? true,
      ...kubernetesPorts(config),
      chainCheck: {
        check: (choice) =>
          checkChainChoice(
            choice.mode === 'rpc'
              ? { ...choice, overrides: config.chain.contracts, timeoutMs: config.chain.rpcTimeoutMs }
              : choice.mode === 'dev'
                ? { mode: 'dev', running: chain?.devChain ? { rpcUrl: chain.rpcUrl } : undefined }
                : choice,
          ),
      },
      ...(assetPort && chain
        ? {
            assets: assetPort,
            wallet: refreshingIdentity(
              chain.wallet,
              () => (chain.usesDevKey() ? chain.nodeSigner()?.address : undefined),
              () => void network.refreshIdentity(),
              () => chain.fundPublisherWallet(),
              logger,
            ),
          }
        : {}),
      network: {
        get: () => ({ ...network.state(), serviceEndpoint: network.endpoint() }),
        async save(patch) {
          const { state, republish } = await network.apply(patch)
          return {
            settings: { ...state, serviceEndpoint: network.endpoint() },
            republish: { assets: [], ...republish },
          }
        },
      },
      reachability: {
        async reachability() {
          const r = network.p2p()?.reachability()
          const { p2pEnabled, publicUrl } = network.state()
          return {
            p2p: {
              enabled: p2pEnabled,
              peerId: r?.peerId ?? null,
              direct: r?.direct ?? [],
              relayed: r?.relayed ?? [],
              connections: r?.connections ?? 0,
              isReachable: r?.isReachable ?? false,
            },
            http: {
              bindHost: config.provider.host,
              publicUrl,
              selfCheck: await checkPublicUrl(publicUrl ?? undefined, node()?.address ?? null),
            },
          }
        },
      },
      provider: {
        // What consumers are told now: the DDOs' serviceEndpoint, which follows Settings → Network
        // (public URL, P2P peer ID, else the bound address), not the URL computed at start.
        get url() {
          return network.endpoint()
        },
        address: () => node()?.address ?? null,
        chain: () =>
          chain
            ? {
                chainId: chain.chainId,
                name: chain.chainName(chain.chainId),
                feeToken: chain.feeToken.feeToken,
              }
            : null,
        // Every served chain (the primary first), each with its own fee token.
        chains: () =>
          (chain?.served.all ?? []).map((c) => ({
            chainId: c.chainId,
            name: chain!.chainName(c.chainId),
            feeToken: c.feeToken,
          })),
        blockNumber: async (chainId?: number) => {
          const served = chain?.served.get(chainId ?? chain.chainId)
          if (!served) throw new Error(`chain ${chainId} is not served`)
          return served.rpc.getBlockNumber()
        },
        chainError: () => chainError,
        onProviderRequest(listener) {
          providerRequests.add(listener)
          return () => providerRequests.delete(listener)
        },
      },
    })
    stops.push(() => console_.close())
    report('console', 'done')
    const consoleService: ConsoleService = console_.service
    const consoleUrl = console_.url
    const consoleToken = console_.token

    let stopping: Promise<void> | undefined
    const stop = () =>
      (stopping ??= (async () => {
        for (const s of [...stops].reverse())
          await s().catch((error: unknown) => logger.warn('shutdown step failed', { error: String(error) }))
        // Transitions are synchronous SQLite transactions: by now every started one has committed.
        await operatorService.close()
        db.close()
        logger.info('core stopped')
      })())
    logger.info('core started', { dataDir: config.dataDir, driver: driver.kind })
    return {
      config,
      operatorService,
      environments,
      settings,
      driver,
      assets,
      chain,
      consoleService,
      providerUrl,
      operatorApiUrl,
      consoleUrl,
      consoleToken,
      get p2p() {
        return network.p2p()
      },
      approvalsResumed,
      resumeApprovalsOnChain: resumeApprovals,
      stop,
    }
  } catch (error) {
    if (running) report(running, 'failed', error)
    for (const s of [...stops].reverse()) await s().catch(() => undefined)
    db.close()
    throw error
  }
}

/** Aquarius' stats[].prices, read on the asset's own chain ([] on a chain not served). */
function pricesOnChain(served: ServedChains) {
  const lookups = new Map(served.all.map((c) => [c.chainId, createPriceLookup(c.rpc)]))
  return async (record: { chainId: number; datatokenAddress: string }) =>
    (await lookups.get(record.chainId)?.(record.datatokenAddress)) ?? []
}

/** Trust by publisher: the NFT owner on the asset's own chain (undefined on a chain not served). */
function publisherOnChain(served: ServedChains) {
  const lookups = new Map(served.all.map((c) => [c.chainId, createNftOwnerLookup(c.rpc)]))
  return async (record: { chainId: number; nftAddress: string }) =>
    lookups.get(record.chainId)?.(record.nftAddress)
}

/**
 * Output review for the console (issue 12). The leak check reads the staged inputs where the local
 * driver leaves them until the job is cleaned up (`<jobDir>/data/inputs`), else the dataset's
 * local files; with neither (a Kubernetes job over remote files) it is skipped with the reason.
 */
function reviewPort(
  operatorService: SqliteOperatorService,
  policies: DatasetPoliciesRepo,
  assets: AssetRegistry,
  clock: Clock,
): ConsoleReviewPort {
  const inputsOf = (job: JobRecord): string[] => {
    const staged = filesUnder(join(job.spec.jobDir, 'data', 'inputs'))
    if (staged.length > 0) return staged
    return job.spec.datasets.flatMap((d) => d.files.flatMap((f) => (f.type === 'local' ? [f.path] : [])))
  }
  return {
    getPolicy: (did) => policies.get(did),
    setPolicy: (did, policy) => policies.set(did, policy, clock.nowMs()),
    hasDataset: (did) => assets.get(did)?.kind === 'dataset',
    listHeld: () =>
      operatorService.listJobs({ statuses: HELD_STATUSES }).filter(isHeldForReview).map(toJobSummary),
    async inspect(jobId) {
      const job = operatorService.getJob(jobId)!
      return reviewOutputs({
        resultsDir: resultsDirOf(job.spec.jobDir),
        inputFiles: inputsOf(job),
        guards: policies.get(job.datasets[0]?.did ?? '').reviewGuards,
        clock,
      })
    },
    release: (jobId) => toJobSummary(operatorService.releaseJob(jobId)),
    reject: (jobId, decision) => toJobSummary(operatorService.rejectJob(jobId, decision)),
  }
}

/** Held jobs and the window's automatic rejections go to the audit trail (publisher decisions are written by the console service). */
function recordReviewEvents(
  operatorService: SqliteOperatorService,
  record: (event: AuditEventInput) => void,
): void {
  operatorService.onDidHoldForReview((job) =>
    record({
      type: 'review.held',
      actor: 'system',
      subject: job.jobId,
      details: {
        datasets: job.datasets.map((d) => d.did),
        consumer: job.owner,
        deadlineMs: job.review?.deadlineMs,
      },
    }),
  )
  operatorService.onDidChangeJob((change) => {
    const { job } = change
    if (change.cause === 'review: rejected (window)')
      record({
        type: 'review.rejected',
        actor: 'system',
        subject: job.jobId,
        details: {
          datasets: job.datasets.map((d) => d.did),
          consumer: job.owner,
          reason: job.review?.reason,
        },
      })
  })
}
