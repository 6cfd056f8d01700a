/**
 * Composes the console for engine/index.ts: adapts the engine's parts to the service's ports and
 * starts the HTTP transport on 127.0.0.1 with a per-launch token. Parts not built yet (publishing,
 * wallet, provider) are simply absent and answer NOT_AVAILABLE / WALLET_LOCKED.
 * Must not import electron, react, main/ or renderer/, nor the drivers (their health arrives as a port;
 * only its type comes from operator-engine/driver.ts).
 */
import { readFile } from 'node:fs/promises'
import type { DriverHealth } from '../operator-engine/driver'
import { copyFileStreamed, readFileRange } from './file-access'
import { createLogLineCache } from './log-line-index'
import type { Clock } from '../clock'
import type { ConsoleConfig } from '../config/schema'
import type { Logger } from '../logging'
import type { ConsoleService } from './contract'
import { consoleError, ConsoleErrorCode } from './errors'
import { startConsoleHttp } from './http-transport'
import { readConfigFile, updateConfigFile } from '../config/config-file'
import { checkFileSource } from './file-check'
import {
  createConsoleService,
  type ConsoleAssetPort,
  type ConsoleEnvironmentStore,
  type ConsoleHealthPort,
  type ConsoleApprovalsPort,
  type ConsoleReviewPort,
  type ConsoleAuditPort,
  type ConsoleJobSource,
  type ConsoleProviderStatus,
  type ConsoleNetworkPort,
  type ConsoleChainCheckPort,
  type ConsoleReachabilityPort,
  type ConsoleSettingsPort,
  type ConsoleWalletPort,
} from './service'

/** What the driver exposes (ComputeDriver.health()); only its health type is shared. */
export interface DriverHealthSource {
  readonly kind: 'local' | 'kubernetes'
  health(): Promise<DriverHealth>
}
/** The settings-table key of the browser console's desktop-notifications choice. */
export const DESKTOP_NOTIFICATIONS_KEY = 'console.desktopNotifications'

export interface KeyValueSettings {
  get<T>(key: string): T | undefined
  set(key: string, value: unknown): void
}

export interface StartConsoleOptions {
  /** The desktop app's Save dialog, for saveResult (absent in `serve`: the browser streams a GET). */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>
  config: ConsoleConfig
  logger: Logger
  clock: Clock
  jobs: ConsoleJobSource
  /** Publisher control: the audit trail (issue 12). */
  audit?: ConsoleAuditPort
  approvals?: ConsoleApprovalsPort
  /** Publisher control: dataset policies and output review (issue 12). */
  review?: ConsoleReviewPort
  environments: {
    listEnvironments(): unknown[]
    getEnvironment(id: string): unknown
    saveEnvironment(env: unknown): unknown
    deleteEnvironment(id: string): void
  }
  settings: KeyValueSettings
  driver: DriverHealthSource
  /** The kubeconfig files where the Kubernetes driver looks, each with its contexts (kubeconfig.ts). */
  kubeconfigFiles?: () => Promise<
    Array<{
      path: string
      source: 'configured' | 'KUBECONFIG' | 'default'
      state: 'loaded' | 'missing' | 'invalid'
      error?: string
      currentContext?: string
      contexts: Array<{
        name: string
        cluster: string
        user: string
        namespace: string | undefined
        server: string
        current: boolean
        shadowed: boolean
      }>
    }>
  >
  /** Kubernetes contexts other than the running driver's (built by engine/index.ts over the driver module). */
  kube?: {
    check(context: string, namespace: string): Promise<DriverHealth>
    createNamespace(context: string, namespace: string): Promise<void>
  }
  assets?: ConsoleAssetPort
  wallet?: ConsoleWalletPort
  provider?: ConsoleProviderStatus
  reachability?: ConsoleReachabilityPort
  network?: ConsoleNetworkPort
  chainCheck?: ConsoleChainCheckPort
  /** dist/renderer; served at / when it holds an index.html. */
  rendererDir?: string
  /** false = build the service only (Electron serves the UI itself and talks over IPC). */
  listen?: boolean
}

export interface RunningConsole {
  service: ConsoleService
  url: string
  token: string
  close(): Promise<void>
}

export async function startConsole(options: StartConsoleOptions): Promise<RunningConsole> {
  const { config, logger, clock, driver } = options
  const toClusterHealth = (
    driverKind: 'local' | 'kubernetes',
    h: Awaited<ReturnType<DriverHealthSource['health']>>,
  ) => ({
    driver: driverKind,
    ok: h.ok,
    checks: h.checks.map((c, i) => ({
      id: `${i}-${c.name}`,
      label: c.name,
      ok: c.ok,
      message: c.message,
      ...(c.fix ? { fix: c.fix } : {}),
      ...(c.cause ? { cause: c.cause } : {}),
      ...(c.skipped ? { skipped: true } : {}),
    })),
    checkedAtMs: clock.nowMs(),
    ...(h.apiServer ? { apiServer: h.apiServer } : {}),
  })
  /** config.json for the next start; an invalid result is the caller's error, with its fields. */
  const writeConfig = (patch: Record<string, unknown>) => {
    try {
      updateConfigFile(config.dataDir, patch)
    } catch (error) {
      const details = (error as { details?: Array<{ field: string; reason: string }> }).details
      throw consoleError(
        ConsoleErrorCode.RequestInvalid,
        error instanceof Error ? error.message : String(error),
        details?.map((d) => ({ path: d.field, message: d.reason })),
      )
    }
  }
  /** The backend config.json holds for the next start, when it differs from the running one. */
  const nextBackend = () => {
    let file: { driver?: { kind?: 'local' | 'kubernetes'; kubeContext?: string; namespace?: string } }
    try {
      file = readConfigFile(config.dataDir)
    } catch {
      return null
    }
    const kind = file.driver?.kind ?? config.driver.kind
    const context = kind === 'kubernetes' ? (file.driver?.kubeContext ?? null) : null
    const namespace = kind === 'kubernetes' ? (file.driver?.namespace ?? config.driver.namespace) : null
    const running = {
      kind: driver.kind,
      context: driver.kind === 'kubernetes' ? (config.driver.kubeContext ?? null) : null,
      namespace: driver.kind === 'kubernetes' ? config.driver.namespace : null,
    }
    return kind === running.kind && context === running.context && namespace === running.namespace
      ? null
      : { driver: kind, context, namespace }
  }
  const backend = async () => {
    const files = (await options.kubeconfigFiles?.().catch(() => [])) ?? []
    const kubeconfigs = files.map((file) => ({
      ...file,
      contexts: file.contexts.map((c) => ({
        name: c.name,
        cluster: c.cluster,
        source: file.path,
        user: c.user,
        namespace: c.namespace ?? null,
        server: c.server,
        current: c.current,
        shadowed: c.shadowed,
      })),
    }))
    return {
      driver: driver.kind,
      kubeContexts: kubeconfigs.flatMap((file) => file.contexts.filter((c) => !c.shadowed)),
      kubeconfigs,
      currentContext: driver.kind === 'kubernetes' ? (config.driver.kubeContext ?? null) : null,
      namespace: driver.kind === 'kubernetes' ? config.driver.namespace : null,
      next: nextBackend(),
    }
  }
  const kube = options.kube
  const health: ConsoleHealthPort = {
    check: async () => toClusterHealth(driver.kind, await driver.health()),
    backend,
    ...(kube
      ? {
          async checkContext(context: string, namespace: string) {
            try {
              return toClusterHealth('kubernetes', await kube.check(context, namespace))
            } catch (error) {
              // An unknown context or an unreadable kubeconfig is a failed check, said in words.
              const message = error instanceof Error ? error.message : String(error)
              return toClusterHealth('kubernetes', {
                ok: false,
                summary: message,
                checks: [
                  {
                    name: 'kubeconfig',
                    ok: false,
                    cause: 'kubeconfig',
                    message,
                    fix:
                      (error as { code?: unknown }).code === 'NO_KUBECONFIG'
                        ? 'Point the console at a kubeconfig: set KUBECONFIG before starting it, put the file at ~/.kube/config, or set driver.kubeconfigPath in config.json.'
                        : 'Pick a context from the list (kubectl config get-contexts) or fix the kubeconfig file.',
                  },
                ],
              })
            }
          },
          async createNamespace(context: string, namespace: string) {
            try {
              await kube.createNamespace(context, namespace)
            } catch (error) {
              throw consoleError(
                ConsoleErrorCode.NotAvailable,
                `Could not create namespace ${namespace} in ${context}: ${error instanceof Error ? error.message : String(error)}`,
              )
            }
          },
        }
      : {}),
    select(choice) {
      // Takes effect at the next start: running jobs stay on the driver that started them.
      writeConfig({
        driver:
          choice.driver === 'local'
            ? { kind: 'local' }
            : { kind: 'kubernetes', kubeContext: choice.context, namespace: choice.namespace },
      })
      logger.info('compute backend saved for the next start', { driver: choice.driver })
      return backend()
    },
  }
  /** Settings as they will be after the next start: config.json over the running configuration. */
  const current = () => {
    let file: {
      provider?: { host?: string; port?: number; publicUrl?: string }
      chain?: { mode?: 'dev' | 'rpc' | 'off'; rpcUrl?: string; chainId?: number }
      logLevel?: string
    } = {}
    try {
      file = readConfigFile(config.dataDir)
    } catch {
      // An unreadable config.json is reported when saving; show the running values meanwhile.
    }
    const rpcUrl = file.chain?.rpcUrl ?? config.chain.rpcUrl
    const chainId = file.chain?.chainId ?? config.chain.chainId
    const level = (file.logLevel ?? config.logLevel) as ConsoleConfig['logLevel']
    return {
      providerHost: file.provider?.host ?? config.provider.host,
      providerPort: file.provider?.port ?? config.provider.port,
      rpcEndpoints: rpcUrl ? { [String(chainId ?? 'default')]: rpcUrl } : {},
      dataDir: config.dataDir,
      logLevel: level === 'silent' ? ('error' as const) : level,
      publicUrl: file.provider?.publicUrl ?? config.provider.publicUrl ?? null,
      chain: {
        mode: file.chain?.mode ?? config.chain.mode,
        rpcUrl: rpcUrl ?? null,
        chainId: chainId ?? null,
      },
    }
  }
  const settings: ConsoleSettingsPort = {
    get: current,
    // Written to config.json for the next start (flags and C2D_* variables still take precedence).
    save: (patch) => {
      const endpoints = patch.rpcEndpoints ? Object.entries(patch.rpcEndpoints) : undefined
      if (endpoints && endpoints.length > 1)
        throw consoleError(
          ConsoleErrorCode.RequestInvalid,
          'This console serves one chain at a time: give one RPC endpoint',
          [{ path: 'rpcEndpoints', message: 'one chain id → RPC URL' }],
        )
      const [chainKey, rpcUrl] = endpoints?.[0] ?? []
      if (chainKey !== undefined && !/^\d+$/.test(chainKey))
        throw consoleError(ConsoleErrorCode.RequestInvalid, 'RPC endpoints are keyed by chain id (digits)', [
          { path: 'rpcEndpoints', message: `"${chainKey}" is not a chain id` },
        ])
      const chain = patch.chain
      if (chain?.mode === 'rpc' && (!chain.rpcUrl || !chain.chainId))
        throw consoleError(ConsoleErrorCode.RequestInvalid, 'An RPC chain needs its URL and chain id', [
          ...(chain.rpcUrl ? [] : [{ path: 'chain.rpcUrl', message: 'the RPC URL of the chain' }]),
          ...(chain.chainId ? [] : [{ path: 'chain.chainId', message: 'the chain id the RPC serves' }]),
        ])
      writeConfig({
        ...(patch.providerHost !== undefined ||
        patch.providerPort !== undefined ||
        patch.publicUrl !== undefined
          ? {
              provider: {
                ...(patch.providerHost !== undefined ? { host: patch.providerHost } : {}),
                ...(patch.providerPort !== undefined ? { port: patch.providerPort } : {}),
                // null = forget it (the bound address is used again).
                ...(patch.publicUrl !== undefined ? { publicUrl: patch.publicUrl ?? undefined } : {}),
              },
            }
          : {}),
        ...(patch.logLevel !== undefined ? { logLevel: patch.logLevel } : {}),
        ...(rpcUrl !== undefined ? { chain: { mode: 'rpc', rpcUrl, chainId: Number(chainKey) } } : {}),
        ...(chain
          ? {
              chain:
                chain.mode === 'rpc'
                  ? { mode: 'rpc', rpcUrl: chain.rpcUrl, chainId: chain.chainId }
                  : { mode: chain.mode },
            }
          : {}),
      })
      return current()
    },
  }
  const service = createConsoleService({
    logger: logger.child({ component: 'console-api' }),
    clock,
    jobs: options.jobs,
    environments: options.environments as ConsoleEnvironmentStore,
    assets: options.assets,
    wallet: options.wallet,
    health,
    settings,
    // The browser console's choice; the desktop app's main/ answers these calls from its own file.
    notificationPreference: {
      get: () => {
        const kept = options.settings.get<unknown>(DESKTOP_NOTIFICATIONS_KEY)
        return typeof kept === 'boolean' ? kept : undefined
      },
      set: (isOn) => options.settings.set(DESKTOP_NOTIFICATIONS_KEY, isOn),
    },
    provider: options.provider,
    ...(options.reachability ? { reachability: options.reachability } : {}),
    ...(options.network ? { network: options.network } : {}),
    ...(options.chainCheck ? { chainCheck: options.chainCheck } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.approvals ? { approvals: options.approvals } : {}),
    ...(options.review ? { review: options.review } : {}),
    checkFile: (source) =>
      checkFileSource(source, {
        mode: config.provider.fileInfoUrls,
        gateways: { ipfs: config.driver.ipfsGateway, arweave: config.driver.arweaveGateway },
      }),
    readFile: (path) => readFile(path),
    ...(options.chooseSavePath ? { chooseSavePath: options.chooseSavePath } : {}),
    copyFile: copyFileStreamed,
    readFileRange,
    logLines: createLogLineCache(),
  })
  if (options.listen === false) return { service, url: '', token: '', close: async () => {} }
  const server = await startConsoleHttp({
    service,
    logger,
    port: config.console.port,
    rendererDir: options.rendererDir,
    results: options.jobs,
  })
  return { service, url: server.url, token: server.token, close: server.close }
}
