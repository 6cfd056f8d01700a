/**
 * Kubernetes driver: cluster connection. Finds a kubeconfig the way kubectl does (KUBECONFIG with
 * several files, then ~/.kube/config) or loads the file the publisher picked, through client-node's
 * own loader so exec auth plugins and client certificates keep working exactly as in kubectl.
 * Must not import operator-service, store or provider (layer rules); must not read process.env
 * itself: client-node's loadFromDefault does the kubectl discovery.
 */
import { KubeConfig } from '@kubernetes/client-node'

export interface KubeContextInfo {
  name: string
  cluster: string
  user: string
  namespace: string | undefined
  current: boolean
}

export interface KubeConnectionOptions {
  /** A kubeconfig file the publisher picked; absent → kubectl's discovery. */
  kubeconfigPath?: string
  /** Context to use; absent → the kubeconfig's current-context. */
  context?: string
}

/** Load a kubeconfig and select the context. Throws when the context does not exist. */
export function loadKubeConfig(options: KubeConnectionOptions = {}): KubeConfig {
  const kubeConfig = new KubeConfig()
  if (options.kubeconfigPath !== undefined) kubeConfig.loadFromFile(options.kubeconfigPath)
  else kubeConfig.loadFromDefault()
  if (options.context !== undefined) {
    if (kubeConfig.getContextObject(options.context) === null) {
      throw new Error(`kubeconfig has no context "${options.context}"`)
    }
    kubeConfig.setCurrentContext(options.context)
  }
  return kubeConfig
}

/** The contexts a picker can show; `current` marks the one in use. */
export function listContexts(kubeConfig: KubeConfig): KubeContextInfo[] {
  const current = kubeConfig.getCurrentContext()
  return kubeConfig.getContexts().map((context) => ({
    name: context.name,
    cluster: context.cluster,
    user: context.user,
    namespace: context.namespace,
    current: context.name === current,
  }))
}

/** Namespace for jobs: explicit choice, else the context's namespace, else "default" (kubectl's rule). */
export function resolveNamespace(kubeConfig: KubeConfig, chosen?: string): string {
  if (chosen !== undefined && chosen !== '') return chosen
  const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext())
  return context?.namespace ?? 'default'
}
