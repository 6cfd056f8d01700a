/**
 * One load: defaults → <data-dir>/config.json → C2D_* environment → flags (or Electron settings).
 * Validates once, lists every invalid field, and deep-freezes the result. The only place in the
 * engine that reads process.env.
 */
import { existsSync, readFileSync } from 'node:fs'
import { homedir, platform } from 'node:os'
import { join } from 'node:path'
import { consoleConfigSchema, type ConsoleConfig } from './schema'

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** The OS's per-user app-data folder, as Electron's app.getPath('userData') would pick. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const name = 'c2d-publisher-console'
  switch (platform()) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', name)
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name)
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), name)
  }
}

type Json = Record<string, unknown>

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function merge(base: Json, over: Json): Json {
  const out: Json = { ...base }
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue
    out[k] = isObject(v) && isObject(out[k]) ? merge(out[k] as Json, v) : v
  }
  return out
}

function setPath(target: Json, path: string[], value: unknown) {
  let node = target
  for (const key of path.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {}
    node = node[key] as Json
  }
  node[path[path.length - 1]!] = value
}

/** Environment variables understood, and where they land. */
export const ENV_VARS: Record<string, { path: string[]; type: 'string' | 'number' | 'boolean' }> = {
  C2D_DATA_DIR: { path: ['dataDir'], type: 'string' },
  C2D_LOG_LEVEL: { path: ['logLevel'], type: 'string' },
  C2D_PROVIDER_HOST: { path: ['provider', 'host'], type: 'string' },
  C2D_PROVIDER_PORT: { path: ['provider', 'port'], type: 'number' },
  C2D_PROVIDER_PUBLIC_URL: { path: ['provider', 'publicUrl'], type: 'string' },
  C2D_P2P_ENABLED: { path: ['p2p', 'enabled'], type: 'boolean' },
  C2D_CONSOLE_PORT: { path: ['console', 'port'], type: 'number' },
  C2D_CHAIN_MODE: { path: ['chain', 'mode'], type: 'string' },
  C2D_RPC_URL: { path: ['chain', 'rpcUrl'], type: 'string' },
  C2D_CHAIN_ID: { path: ['chain', 'chainId'], type: 'number' },
  C2D_DRIVER: { path: ['driver', 'kind'], type: 'string' },
  C2D_ALLOW_UNSANDBOXED: { path: ['driver', 'allowUnsandboxed'], type: 'boolean' },
  C2D_KUBE_CONTEXT: { path: ['driver', 'kubeContext'], type: 'string' },
  C2D_KUBE_NAMESPACE: { path: ['driver', 'namespace'], type: 'string' },
  C2D_IPFS_GATEWAY: { path: ['driver', 'ipfsGateway'], type: 'string' },
  C2D_ARWEAVE_GATEWAY: { path: ['driver', 'arweaveGateway'], type: 'string' },
  // kubectl's own variable: the kubeconfig files to merge (the Kubernetes driver must not read env).
  KUBECONFIG: { path: ['driver', 'kubeconfigSearchPath'], type: 'string' },
}

function fromEnv(env: NodeJS.ProcessEnv, problems: string[]): Json {
  const out: Json = {}
  for (const [name, spec] of Object.entries(ENV_VARS)) {
    const raw = env[name]
    if (raw === undefined || raw === '') continue
    let value: unknown = raw
    if (spec.type === 'number') {
      value = Number(raw)
      if (!Number.isFinite(value)) problems.push(`${name}: "${raw}" is not a number`)
    } else if (spec.type === 'boolean') {
      if (!['true', 'false', '1', '0'].includes(raw)) problems.push(`${name}: "${raw}" is not true/false`)
      value = raw === 'true' || raw === '1'
    }
    setPath(out, spec.path, value)
  }
  // RPC given without a mode means the user wants that chain, not the dev chain.
  if (env.C2D_RPC_URL && !env.C2D_CHAIN_MODE) setPath(out, ['chain', 'mode'], 'rpc')
  return out
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

export interface LoadConfigOptions {
  /** Highest precedence: CLI flags or Electron settings, same shape as the file. */
  overrides?: Json
  env?: NodeJS.ProcessEnv
}

export function loadConfig(options: LoadConfigOptions = {}): ConsoleConfig {
  const env = options.env ?? process.env
  const problems: string[] = []
  const envLayer = fromEnv(env, problems)
  const overrides = options.overrides ?? {}
  const dataDir =
    (overrides.dataDir as string | undefined) ??
    (envLayer.dataDir as string | undefined) ??
    defaultDataDir(env)

  let fileLayer: Json = {}
  const file = join(dataDir, 'config.json')
  if (existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
      if (!isObject(parsed)) problems.push(`${file}: must hold a JSON object`)
      else fileLayer = parsed
    } catch (e) {
      problems.push(`${file}: not valid JSON (${(e as Error).message})`)
    }
  }

  const merged = merge(merge(merge({ dataDir }, fileLayer), envLayer), overrides)
  if (merged.chain && isObject(merged.chain) && merged.chain.rpcUrl && !isObject(overrides.chain)) {
    // A configured RPC URL selects the real chain unless a mode was set explicitly somewhere.
    if (!('mode' in ((fileLayer.chain as Json | undefined) ?? {})) && !env.C2D_CHAIN_MODE)
      merged.chain.mode = 'rpc'
  }
  const result = consoleConfigSchema.safeParse(merged)
  if (!result.success) {
    for (const issue of result.error.issues)
      problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  if (result.success && result.data.chain.mode === 'rpc' && !result.data.chain.rpcUrl) {
    problems.push('chain.rpcUrl: required when chain.mode is "rpc"')
  }
  if (result.success) problems.push(...additionalChainProblems(result.data.chain))
  if (problems.length > 0 || !result.success) throw new ConfigError(problems)
  return deepFreeze(result.data)
}

/** The effective config for `serve --print-config`: secrets masked (none are stored here today). */
export function printableConfig(config: ConsoleConfig): string {
  const masked = JSON.parse(JSON.stringify(config)) as Json
  const chain = masked.chain as Json
  if (typeof chain.rpcUrl === 'string') chain.rpcUrl = chain.rpcUrl.replace(/\/\/([^@/]+)@/, '//***@')
  return JSON.stringify(masked, null, 2)
}

/** Problems with `chain.additionalChains` (Ocean Node's supportedNetworks beside the primary chain). */
function additionalChainProblems(chain: ConsoleConfig['chain']): string[] {
  const extra = chain.additionalChains
  if (extra.length === 0) return []
  const problems: string[] = []
  if (chain.mode === 'off')
    problems.push('chain.additionalChains: needs a primary chain (chain.mode "dev" or "rpc")')
  const seen = new Set<number>()
  extra.forEach((c, i) => {
    if (seen.has(c.chainId))
      problems.push(`chain.additionalChains.${i}.chainId: ${c.chainId} is listed twice`)
    seen.add(c.chainId)
    // The embedded dev chain is always chain 8996 (chain/dev-chain/dev-accounts.ts DEV_CHAIN_ID).
    const primaryChainId = chain.mode === 'dev' ? 8996 : chain.chainId
    if (primaryChainId !== undefined && c.chainId === primaryChainId)
      problems.push(
        `chain.additionalChains.${i}.chainId: ${c.chainId} is the primary chain (${chain.mode === 'dev' ? 'the dev chain' : 'chain.chainId'})`,
      )
    for (const name of ['Router', 'Escrow'])
      if (!c.contracts[name]) problems.push(`chain.additionalChains.${i}.contracts.${name}: required`)
  })
  return problems
}
