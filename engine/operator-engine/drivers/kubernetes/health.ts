/**
 * Kubernetes driver: cluster health the console can show (DriverHealth of driver.ts): API reachable
 * and its version, namespace exists, and one SelfSubjectAccessReview per verb/resource the driver
 * needs, with a message per missing permission. Must not import operator-service, store or provider.
 */
import { AuthorizationV1Api, CoreV1Api, Health, type KubeConfig, VersionApi } from '@kubernetes/client-node'
import type { DriverHealth } from '../../driver'
import { LABELS, MANAGED_BY } from './manifests'

/**
 * Every permission the driver uses; a missing one makes jobs fail later, so health names it now.
 * `deletecollection` is its own RBAC verb (cleanup deletes a job's objects by label), and exec
 * needs both `get` (client-node's WebSocket upgrade is a GET, authorized as `get` before 1.35) and
 * `create` (1.35+ checks it for WebSocket upgrades too: AuthorizePodWebsocketUpgradeCreatePermission).
 */
export const requiredPermissions = [
  ...['create', 'get', 'list', 'watch', 'delete', 'deletecollection'].map((verb) => ({
    verb,
    resource: 'pods',
  })),
  { verb: 'get', resource: 'pods', subresource: 'log' },
  { verb: 'get', resource: 'pods', subresource: 'exec' },
  { verb: 'create', resource: 'pods', subresource: 'exec' },
  ...['create', 'get', 'delete', 'deletecollection'].map((verb) => ({ verb, resource: 'secrets' })),
  // patch: a retained failed job's PVC records when its objects may go (kubernetes-driver.ts).
  ...['create', 'get', 'list', 'patch', 'delete', 'deletecollection'].map((verb) => ({
    verb,
    resource: 'persistentvolumeclaims',
  })),
  ...['create', 'get', 'list', 'delete', 'deletecollection'].map((verb) => ({
    verb,
    resource: 'networkpolicies',
    group: 'networking.k8s.io',
  })),
] as const satisfies ReadonlyArray<{ verb: string; resource: string; subresource?: string; group?: string }>

type Check = DriverHealth['checks'][number]

/** One line for a publisher: the API's own Status message when there is one, never a header dump. */
export function errorMessage(error: unknown): string {
  const e = error as { code?: unknown; body?: unknown; message?: unknown }
  if (typeof e?.code === 'number' && e.body !== undefined) {
    let message = ''
    try {
      const body =
        typeof e.body === 'string'
          ? (JSON.parse(e.body) as { message?: string })
          : (e.body as { message?: string })
      message = body?.message ?? ''
    } catch {
      message = typeof e.body === 'string' ? e.body.slice(0, 200) : ''
    }
    return `HTTP ${e.code}${message ? `: ${message}` : ''}`
  }
  return error instanceof Error ? error.message.split('\n')[0]! : String(error)
}

export async function checkClusterHealth(kubeConfig: KubeConfig, namespace: string): Promise<DriverHealth> {
  const checks: Check[] = []
  let version = ''
  try {
    const info = await kubeConfig.makeApiClient(VersionApi).getCode()
    version = info.gitVersion
    checks.push({
      name: 'api',
      ok: true,
      message: `API server ${kubeConfig.getCurrentCluster()?.server ?? ''} reachable (${version})`,
    })
  } catch (error) {
    // client-node's Health tries readyz → livez → healthz; a server without /version may still be up.
    let live = false
    try {
      live = await new Health(kubeConfig).readyz({})
    } catch {
      live = false
    }
    checks.push({
      name: 'api',
      ok: live,
      message: live
        ? 'API server reachable (version unknown)'
        : `API server unreachable: ${errorMessage(error)}`,
      fix: live ? undefined : 'Check the kubeconfig context, network and credentials (kubectl version).',
    })
    if (!live) return { ok: false, summary: `${kubeConfig.getCurrentContext()}: unreachable`, checks }
  }
  try {
    await kubeConfig.makeApiClient(CoreV1Api).readNamespace({ name: namespace })
    checks.push({ name: 'namespace', ok: true, message: `Namespace ${namespace} exists` })
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 404
    checks.push({
      name: 'namespace',
      ok: false,
      message: missing
        ? `Namespace ${namespace} does not exist`
        : `Namespace ${namespace} could not be read: ${errorMessage(error)}`,
      fix: missing
        ? `Create it on the Compute backend screen, or: kubectl create namespace ${namespace}`
        : 'Check that this identity may get namespaces, or pick an existing namespace.',
    })
  }
  const authorization = kubeConfig.makeApiClient(AuthorizationV1Api)
  for (const permission of requiredPermissions) {
    const label = `${permission.verb} ${permission.resource}${'subresource' in permission ? `/${permission.subresource}` : ''}`
    try {
      const review = await authorization.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { namespace, ...permission } },
        },
      })
      const allowed = review.status?.allowed === true
      checks.push({
        name: `rbac:${label}`,
        ok: allowed,
        message: allowed ? `may ${label}` : `not allowed to ${label} in ${namespace}`,
        fix: allowed
          ? undefined
          : `Grant "${label}" to this user in namespace ${namespace} (Role + RoleBinding).`,
      })
    } catch (error) {
      checks.push({
        name: `rbac:${label}`,
        ok: false,
        message: `could not check ${label}: ${errorMessage(error)}`,
      })
    }
  }
  const ok = checks.every((check) => check.ok)
  return {
    ok,
    summary: `${kubeConfig.getCurrentContext()} / ${namespace}${version ? ` (${version})` : ''}`,
    checks,
  }
}

export async function createNamespace(kubeConfig: KubeConfig, namespace: string): Promise<void> {
  await kubeConfig.makeApiClient(CoreV1Api).createNamespace({
    body: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { [LABELS.managedBy]: MANAGED_BY } },
    },
  })
}
