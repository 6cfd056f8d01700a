/**
 * Composes the console for engine/index.ts: adapts the engine's parts to the service's ports and
 * starts the HTTP transport on 127.0.0.1 with a per-launch token. Parts not built yet (publishing,
 * wallet, provider) are simply absent and answer NOT_AVAILABLE / WALLET_LOCKED.
 * Must not import electron, react, main/ or renderer/, nor the drivers (their health arrives as a port).
 */
import { readFile } from 'node:fs/promises'
import type { Clock } from '../clock'
import type { ConsoleConfig } from '../config/schema'
import type { Logger } from '../logging'
import type { ConsoleService } from './contract'
import { startConsoleHttp } from './http-transport'
import { createConsoleService, type ConsoleAssetPort, type ConsoleEnvironmentStore, type ConsoleHealthPort, type ConsoleJobSource, type ConsoleProviderStatus, type ConsoleSettingsPort, type ConsoleWalletPort } from './service'

/** What the driver exposes (ComputeDriver.health()), without importing the driver layer. */
export interface DriverHealthSource {
  readonly kind: 'local' | 'kubernetes'
  health(): Promise<{ ok: boolean; summary: string; checks: Array<{ name: string; ok: boolean; message: string; fix?: string }> }>
}
export interface KeyValueSettings {
  get<T>(key: string): T | undefined
  set(key: string, value: unknown): void
}

export interface StartConsoleOptions {
  config: ConsoleConfig
  logger: Logger
  clock: Clock
  jobs: ConsoleJobSource
  environments: { listEnvironments(): unknown[]; getEnvironment(id: string): unknown; saveEnvironment(env: unknown): unknown; deleteEnvironment(id: string): void }
  settings: KeyValueSettings
  driver: DriverHealthSource
  kubeContexts?: () => Array<{ name: string; cluster: string; source: string }>
  assets?: ConsoleAssetPort
  wallet?: ConsoleWalletPort
  provider?: ConsoleProviderStatus
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

const SETTINGS_KEY = 'console.settings'

export async function startConsole(options: StartConsoleOptions): Promise<RunningConsole> {
  const { config, logger, clock, driver } = options
  const health: ConsoleHealthPort = {
    async check() {
      const h = await driver.health()
      return { driver: driver.kind, ok: h.ok, checks: h.checks.map((c, i) => ({ id: `${i}-${c.name}`, label: c.name, ok: c.ok, message: c.message, ...(c.fix ? { fix: c.fix } : {}) })), checkedAtMs: clock.nowMs() }
    },
    backend: () => ({
      driver: driver.kind,
      kubeContexts: options.kubeContexts?.() ?? [],
      currentContext: driver.kind === 'kubernetes' ? (config.driver.kubeContext ?? null) : null,
      namespace: driver.kind === 'kubernetes' ? config.driver.namespace : null,
    }),
  }
  type Stored = Partial<{ providerHost: string; providerPort: number; rpcEndpoints: Record<string, string>; logLevel: 'debug' | 'info' | 'warn' | 'error' }>
  const current = () => {
    const stored = options.settings.get<Stored>(SETTINGS_KEY) ?? {}
    const rpcEndpoints: Record<string, string> = config.chain.rpcUrl ? { [String(config.chain.chainId ?? 'default')]: config.chain.rpcUrl } : {}
    return {
      providerHost: stored.providerHost ?? config.provider.host,
      providerPort: stored.providerPort ?? config.provider.port,
      rpcEndpoints: stored.rpcEndpoints ?? rpcEndpoints,
      dataDir: config.dataDir,
      logLevel: stored.logLevel ?? (config.logLevel === 'silent' ? 'error' : config.logLevel),
    }
  }
  const settings: ConsoleSettingsPort = {
    get: current,
    // Stored for the next start; the running config stays frozen (config/load.ts reads these).
    save: (patch) => {
      options.settings.set(SETTINGS_KEY, { ...(options.settings.get<Stored>(SETTINGS_KEY) ?? {}), ...patch })
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
    provider: options.provider,
    readFile: (path) => readFile(path),
  })
  if (options.listen === false) return { service, url: '', token: '', close: async () => {} }
  const server = await startConsoleHttp({ service, logger, port: config.console.port, rendererDir: options.rendererDir, results: options.jobs })
  return { service, url: server.url, token: server.token, close: server.close }
}
