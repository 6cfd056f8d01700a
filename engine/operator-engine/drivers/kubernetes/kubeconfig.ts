/**
 * Kubernetes driver: cluster connection. Finds kubeconfig files the way kubectl does: the file the
 * publisher configured (as `kubectl --kubeconfig`), else every file KUBECONFIG lists (merged, the
 * first to set a name or the current-context wins; missing files are skipped), else
 * ~/.kube/config. Each file is read by client-node's own loader, so exec auth plugins and client
 * certificates keep working exactly as in kubectl.
 *
 * Not client-node's loadFromDefault: with no kubeconfig at all it invents a context
 * ("loaded-context", http://localhost:8080), which the Compute backend screen then listed as if it
 * existed. Here no file means no context, and an error that says where we looked.
 * Must not import operator-service, store or provider (layer rules); must not read process.env
 * itself: KUBECONFIG arrives through the config (config/load.ts).
 */
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, join } from 'node:path'
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node'

export interface KubeContextInfo {
  name: string
  cluster: string
  user: string
  namespace: string | undefined
  current: boolean
  /** The cluster's API server URL (empty when the context names a cluster no file defines). */
  server: string
  /** The kubeconfig file that defines this context. */
  file: string
  /** An earlier file defines a context of the same name, which kubectl and the console use instead. */
  shadowed: boolean
}

/** Where to look for kubeconfigs (driver.kubeconfigPath, KUBECONFIG, the home folder). */
export interface KubeconfigSearch {
  /** A kubeconfig file the publisher picked: only it is read. */
  kubeconfigPath?: string
  /** KUBECONFIG as the console was given it: files separated by the OS path delimiter. */
  kubeconfigSearchPath?: string
  /** The default file (default: ~/.kube/config). */
  kubeconfigDefaultPath?: string
}

export interface KubeConnectionOptions extends KubeconfigSearch {
  /** Context to use; absent → the kubeconfig's current-context. */
  context?: string
}

export type KubeconfigSource = 'configured' | 'KUBECONFIG' | 'default'

/** One kubeconfig file as the Compute backend screen shows it. */
export interface KubeconfigFile {
  path: string
  source: KubeconfigSource
  state: 'loaded' | 'missing' | 'invalid'
  /** Why the file could not be read (state invalid). */
  error?: string
  currentContext?: string
  contexts: KubeContextInfo[]
}

/** No kubeconfig file exists where kubectl would look. `searched` lists the places, in order. */
export class NoKubeconfigError extends Error {
  readonly code = 'NO_KUBECONFIG'
  constructor(readonly searched: Array<{ path: string; source: KubeconfigSource }>) {
    super(
      `No kubeconfig found (looked at ${searched.map((s) => `${s.path} (${s.source === 'KUBECONFIG' ? 'from KUBECONFIG' : s.source})`).join(', ') || 'nothing'}): ` +
        'put one at ~/.kube/config, start the console with KUBECONFIG=<file>, or set driver.kubeconfigPath',
    )
    this.name = 'NoKubeconfigError'
  }
}

/** The files kubectl would read, in order. */
export function kubeconfigPaths(
  search: KubeconfigSearch = {},
): Array<{ path: string; source: KubeconfigSource }> {
  if (search.kubeconfigPath) return [{ path: search.kubeconfigPath, source: 'configured' }]
  const listed = (search.kubeconfigSearchPath ?? '').split(delimiter).filter((p) => p !== '')
  if (listed.length > 0) return [...new Set(listed)].map((path) => ({ path, source: 'KUBECONFIG' as const }))
  return [{ path: search.kubeconfigDefaultPath ?? join(homedir(), '.kube', 'config'), source: 'default' }]
}

function readFile(path: string): KubeConfig {
  const kubeConfig = new KubeConfig()
  kubeConfig.loadFromFile(path)
  return kubeConfig
}

/** Every kubeconfig file where kubectl would look, with its contexts (or why it has none). */
export function readKubeconfigFiles(search: KubeconfigSearch = {}): KubeconfigFile[] {
  const seen = new Set<string>()
  return kubeconfigPaths(search).map(({ path, source }) => {
    if (!existsSync(path)) return { path, source, state: 'missing' as const, contexts: [] }
    let kubeConfig: KubeConfig
    try {
      kubeConfig = readFile(path)
    } catch (error) {
      return {
        path,
        source,
        state: 'invalid' as const,
        error: (error instanceof Error ? error.message : String(error)).split('\n')[0],
        contexts: [],
      }
    }
    const current = kubeConfig.getCurrentContext() || undefined
    const contexts = kubeConfig.getContexts().map((context) => {
      const shadowed = seen.has(context.name)
      seen.add(context.name)
      return {
        name: context.name,
        cluster: context.cluster,
        user: context.user,
        namespace: context.namespace,
        current: context.name === current,
        server: kubeConfig.getCluster(context.cluster)?.server ?? '',
        file: path,
        shadowed,
      }
    })
    return {
      path,
      source,
      state: 'loaded' as const,
      ...(current ? { currentContext: current } : {}),
      contexts,
    }
  })
}

/** kubectl's merge of several files: the first file to define a name, or a current-context, wins. */
function merge(configs: KubeConfig[]): KubeConfig {
  const clusters = new Map<string, Cluster>()
  const users = new Map<string, User>()
  const contexts = new Map<string, Context>()
  let currentContext = ''
  for (const config of configs) {
    for (const c of config.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c)
    for (const u of config.getUsers()) if (!users.has(u.name)) users.set(u.name, u)
    for (const c of config.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c)
    currentContext ||= config.getCurrentContext() ?? ''
  }
  const merged = new KubeConfig()
  merged.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  })
  return merged
}

/**
 * Load the kubeconfig kubectl would use and select the context. Throws NoKubeconfigError when no
 * file exists, and an Error naming the file when one cannot be read or the context does not exist.
 */
export function loadKubeConfig(options: KubeConnectionOptions = {}): KubeConfig {
  const paths = kubeconfigPaths(options)
  const present = paths.filter(({ path }) => existsSync(path))
  if (present.length === 0) throw new NoKubeconfigError(paths)
  const configs = present.map(({ path }) => {
    try {
      return readFile(path)
    } catch (error) {
      throw new Error(
        `kubeconfig ${path} cannot be read: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`,
      )
    }
  })
  const kubeConfig = configs.length === 1 ? configs[0]! : merge(configs)
  if (options.context !== undefined) {
    if (kubeConfig.getContextObject(options.context) === null) {
      throw new Error(`kubeconfig has no context "${options.context}"`)
    }
    kubeConfig.setCurrentContext(options.context)
  } else if (
    !kubeConfig.getCurrentContext() ||
    !kubeConfig.getContextObject(kubeConfig.getCurrentContext())
  ) {
    throw new Error(
      `kubeconfig ${present.map((p) => p.path).join(', ')} has no current-context: pick a context (kubectl config use-context <name>)`,
    )
  }
  return kubeConfig
}

/** The contexts a picker can show; `current` marks the one in use. */
export function listContexts(kubeConfig: KubeConfig): Array<Omit<KubeContextInfo, 'file' | 'shadowed'>> {
  const current = kubeConfig.getCurrentContext()
  return kubeConfig.getContexts().map((context) => ({
    name: context.name,
    cluster: context.cluster,
    user: context.user,
    namespace: context.namespace,
    current: context.name === current,
    server: kubeConfig.getCluster(context.cluster)?.server ?? '',
  }))
}

/** Namespace for jobs: explicit choice, else the context's namespace, else "default" (kubectl's rule). */
export function resolveNamespace(kubeConfig: KubeConfig, chosen?: string): string {
  if (chosen !== undefined && chosen !== '') return chosen
  const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext())
  return context?.namespace ?? 'default'
}
