/**
 * Kubernetes driver: cluster health the console can show (DriverHealth of driver.ts): API reachable
 * and its version, namespace exists, and one SelfSubjectAccessReview per verb/resource the driver
 * needs, with a message per missing permission. Must not import operator-service, store or provider.
 */
import { randomBytes } from 'node:crypto'
import {
  AuthorizationV1Api,
  CoreV1Api,
  Health,
  type KubeConfig,
  NetworkingV1Api,
  VersionApi,
} from '@kubernetes/client-node'
import type { DriverHealth } from '../../driver'
import {
  DEFAULT_MANIFEST_OPTIONS,
  EGRESS_CANARY,
  LABELS,
  MANAGED_BY,
  OPENSHIFT_UID_RANGE,
  egressCanaryObjects,
  type ManifestOptions,
} from './manifests'

/**
 * Every permission the driver uses; a missing one makes jobs fail later, so health names it now.
 * `deletecollection` is its own RBAC verb (cleanup deletes a job's objects by label), and exec
 * needs both `get` (client-node's WebSocket upgrade is a GET, authorized as `get` before 1.35) and
 * `create` (1.35+ checks it for WebSocket upgrades too: AuthorizePodWebsocketUpgradeCreatePermission).
 */
export const requiredPermissions = [
  // The namespace check, and OpenShift's UID range on it (kubernetes-driver.ts); a Role in the
  // namespace can grant it, as namespace requests are authorized in the namespace they name.
  { verb: 'get', resource: 'namespaces' },
  ...['create', 'get', 'list', 'watch', 'delete', 'deletecollection'].map((verb) => ({
    verb,
    resource: 'pods',
  })),
  { verb: 'get', resource: 'pods', subresource: 'log' },
  { verb: 'get', resource: 'pods', subresource: 'exec' },
  { verb: 'create', resource: 'pods', subresource: 'exec' },
  // list: the start sweep finds Secrets of jobs the console does not know.
  ...['create', 'get', 'list', 'delete', 'deletecollection'].map((verb) => ({ verb, resource: 'secrets' })),
  // The reason a pod waits (FailedScheduling, FailedMount…) is in its Events.
  { verb: 'list', resource: 'events' },
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

/**
 * Cluster-scoped and optional (a namespaced Role cannot grant it): with it the later pods of a job
 * are pinned to the job volume's zone (the PV's node affinity); without it they follow the
 * configure pod's node only. Checked, never failed.
 */
export const optionalPermissions = [{ verb: 'get', resource: 'persistentvolumes' }] as const

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

export interface EgressCanaryOptions {
  /** Helper image and security context of the canary pod (the configure image runs it). */
  manifests?: Omit<ManifestOptions, 'namespace'>
  /** How long the canary may take to be scheduled, pulled and finished. */
  timeoutMs?: number
  pollMs?: number
  sleep?: (ms: number) => Promise<void>
  /** Skip the canary (health then has no `egress` check). */
  skip?: boolean
}

/** What the egress canary proved: `blocked` is the only outcome that lets a no-network job run. */
export type EgressProof =
  { outcome: 'blocked'; message: string } | { outcome: 'reached' | 'unknown'; message: string; fix: string }

/** Per cluster kind, how to make the CNI enforce NetworkPolicy (README: "Cluster kinds"). */
export const EGRESS_FIX =
  'Enable NetworkPolicy enforcement in the cluster network plugin: EKS: VPC CNI with enableNetworkPolicy=true ' +
  '(or Calico/Cilium); GKE: Dataplane V2 or --enable-network-policy; AKS: --network-policy azure|calico|cilium; ' +
  'k3s: do not start it with --disable-network-policy; kind >= v0.24 (kindnet) enforces; OpenShift: OVN-Kubernetes enforces.'

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Runs the egress canary once: a deny-all egress NetworkPolicy and a pod under it that must fail
 * to connect to the API server's service address. Both are deleted afterwards, whatever happened.
 */
export async function runEgressCanary(
  kubeConfig: KubeConfig,
  namespace: string,
  options: EgressCanaryOptions = {},
): Promise<EgressProof> {
  const core = kubeConfig.makeApiClient(CoreV1Api)
  const net = kubeConfig.makeApiClient(NetworkingV1Api)
  const sleep = options.sleep ?? defaultSleep
  const timeoutMs = options.timeoutMs ?? 120_000
  const pollMs = options.pollMs ?? 500
  const name = `${EGRESS_CANARY.name}-${randomBytes(4).toString('hex')}`
  // On OpenShift the platform assigns UIDs (as for job pods): a fixed one would be refused.
  const uidRange = await core
    .readNamespace({ name: namespace })
    .then((ns) => ns.metadata?.annotations?.[OPENSHIFT_UID_RANGE])
    .catch(() => undefined)
  const { policy, pod } = egressCanaryObjects(
    {
      ...DEFAULT_MANIFEST_OPTIONS,
      ...options.manifests,
      ...(uidRange ? { runAsUser: undefined } : {}),
      namespace,
    },
    name,
  )
  const unknown = (message: string): EgressProof => ({
    outcome: 'unknown',
    message: `Egress denial could not be proven: ${message}`,
    fix: `Check that pods can run in ${namespace} (kubectl describe pod ${name}) and that the image ${String((pod.spec as { containers: Array<{ image: string }> }).containers[0]!.image)} can be pulled.`,
  })
  try {
    await net.createNamespacedNetworkPolicy({ namespace, body: policy as never })
    await core.createNamespacedPod({ namespace, body: pod as never })
    for (let waitedMs = 0; ; waitedMs += pollMs) {
      const current = await core.readNamespacedPod({ name, namespace })
      const phase = current.status?.phase
      if (phase === 'Succeeded' || phase === 'Failed') {
        const exitCode = current.status?.containerStatuses?.[0]?.state?.terminated?.exitCode
        if (exitCode === 0)
          return {
            outcome: 'blocked',
            message:
              'Egress denial proven: a canary pod under a deny-all NetworkPolicy could not connect out',
          }
        if (exitCode === EGRESS_CANARY.reachedExit)
          return {
            outcome: 'reached',
            message:
              'A canary pod under a deny-all egress NetworkPolicy connected to the API server: this cluster does not ' +
              'enforce NetworkPolicy, so environments without network would give algorithms full network access',
            fix: EGRESS_FIX,
          }
        let log = ''
        try {
          log = (await core.readNamespacedPodLog({ name, namespace })).trim().split('\n').pop() ?? ''
        } catch {
          log = ''
        }
        return unknown(`the canary pod ended with exit code ${String(exitCode)}${log ? ` (${log})` : ''}`)
      }
      if (waitedMs >= timeoutMs) {
        const waiting = current.status?.containerStatuses?.[0]?.state?.waiting
        return unknown(
          `the canary pod did not finish within ${Math.round(timeoutMs / 1000)} s (${phase ?? 'no phase'}${waiting?.reason ? `, ${waiting.reason}` : ''})`,
        )
      }
      await sleep(pollMs)
    }
  } catch (error) {
    return unknown(errorMessage(error))
  } finally {
    await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined)
    await net.deleteNamespacedNetworkPolicy({ name, namespace }).catch(() => undefined)
  }
}

export async function checkClusterHealth(
  kubeConfig: KubeConfig,
  namespace: string,
  canary: EgressCanaryOptions & { onProof?: (proof: EgressProof) => void } = {},
): Promise<DriverHealth> {
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
  for (const permission of optionalPermissions) {
    const label = `${permission.verb} ${permission.resource}`
    const allowed = await authorization
      .createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { ...permission } },
        },
      })
      .then((review) => review.status?.allowed === true)
      .catch(() => false)
    checks.push({
      name: `rbac:${label}`,
      ok: true,
      message: allowed
        ? `may ${label}: a job's later pods are pinned to its volume's zone`
        : `may not ${label} (optional): a job's later pods follow the configure pod's node only`,
      fix: allowed
        ? undefined
        : `Optional: a ClusterRole with "${label}", bound to this user (ClusterRoleBinding).`,
    })
  }
  // The canary needs pods and network policies; without them its failure would only repeat RBAC's.
  if (!canary.skip && checks.every((check) => check.ok)) {
    const proof = await runEgressCanary(kubeConfig, namespace, canary)
    canary.onProof?.(proof)
    checks.push({
      name: 'egress',
      ok: proof.outcome === 'blocked',
      message: proof.message,
      fix: proof.outcome === 'blocked' ? undefined : proof.fix,
    })
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
