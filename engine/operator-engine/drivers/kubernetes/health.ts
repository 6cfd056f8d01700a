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
  networkDiagnosis,
  probeConnection,
  probeCredentials,
  requestDiagnosis,
  type Diagnosis,
} from './connection-diagnosis'
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
  /** The clock that tells a stale canary (left by a crash mid check) from a running one. */
  nowMs?: () => number
}

/**
 * Deletes the egress canary pods and policies a crashed check left behind (found by the canary
 * label): those older than `EGRESS_CANARY.staleAfterMs`, or the check's own timeout plus a minute
 * when that is longer, so a check running at the same time (the Compute backend screen beside the
 * driver's) keeps its canary. Returns the names deleted; a failure to list is thrown.
 */
export async function sweepEgressCanaries(
  kubeConfig: KubeConfig,
  namespace: string,
  options: Pick<EgressCanaryOptions, 'timeoutMs' | 'sleep' | 'nowMs'> = {},
): Promise<string[]> {
  const core = kubeConfig.makeApiClient(CoreV1Api)
  const net = kubeConfig.makeApiClient(NetworkingV1Api)
  const sleep = options.sleep ?? defaultSleep
  const nowMs = (options.nowMs ?? Date.now)()
  const staleAfterMs = Math.max(EGRESS_CANARY.staleAfterMs, (options.timeoutMs ?? 120_000) + 60_000)
  const labelSelector = EGRESS_CANARY.label
  const [pods, policies] = await Promise.all([
    core.listNamespacedPod({ namespace, labelSelector }),
    net.listNamespacedNetworkPolicy({ namespace, labelSelector }),
  ])
  const stale = (created: Date | string | undefined) =>
    created !== undefined && nowMs - new Date(created).getTime() >= staleAfterMs
  const swept: string[] = []
  for (const pod of pods.items) {
    const name = pod.metadata?.name
    if (!name || !stale(pod.metadata?.creationTimestamp)) continue
    await deleteCanaryPart(() => core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }), sleep)
    swept.push(`pod/${name}`)
  }
  for (const policy of policies.items) {
    const name = policy.metadata?.name
    if (!name || !stale(policy.metadata?.creationTimestamp)) continue
    await deleteCanaryPart(() => net.deleteNamespacedNetworkPolicy({ name, namespace }), sleep)
    swept.push(`networkpolicy/${name}`)
  }
  return swept
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
 * Deletes one of the canary's objects: 404 is done; no answer, 429 or 5xx is tried again (after the
 * answer's Retry-After, else 0.5, 1, 2, 4 s), up to five times; anything else is left as it is.
 */
async function deleteCanaryPart(remove: () => Promise<unknown>, sleep: (ms: number) => Promise<void>) {
  for (let attempt = 0, delayMs = 500; attempt < 5; attempt++, delayMs *= 2) {
    try {
      await remove()
      return
    } catch (error) {
      const e = error as { code?: number; headers?: Record<string, string> }
      const code = typeof e?.code === 'number' ? e.code : undefined
      if (code !== undefined && code !== 429 && code < 500) return
      const retryAfterSec = Number(e?.headers?.['retry-after'])
      await sleep(
        Number.isFinite(retryAfterSec) && retryAfterSec >= 0 ? Math.min(30, retryAfterSec) * 1000 : delayMs,
      )
    }
  }
}

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
  // What a check that crashed mid-way left behind; a cluster that refuses the list is told below.
  await sweepEgressCanaries(kubeConfig, namespace, options).catch(() => [])
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
      // Its own container, by name: an injected sidecar may come first and keep the pod Running.
      const canary = current.status?.containerStatuses?.find((c) => c.name === 'canary')
      if (phase === 'Succeeded' || phase === 'Failed' || canary?.state?.terminated) {
        const exitCode = canary?.state?.terminated?.exitCode
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
          log =
            (await core.readNamespacedPodLog({ name, namespace, container: 'canary' }))
              .trim()
              .split('\n')
              .pop() ?? ''
        } catch {
          log = ''
        }
        return unknown(`the canary pod ended with exit code ${String(exitCode)}${log ? ` (${log})` : ''}`)
      }
      if (waitedMs >= timeoutMs) {
        const waiting = canary?.state?.waiting
        return unknown(
          `the canary pod did not finish within ${Math.round(timeoutMs / 1000)} s (${phase ?? 'no phase'}${waiting?.reason ? `, ${waiting.reason}` : ''})`,
        )
      }
      await sleep(pollMs)
    }
  } catch (error) {
    return unknown(errorMessage(error))
  } finally {
    // A throttled delete is tried again; what still stays is swept by the next check or start.
    await deleteCanaryPart(() => core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }), sleep)
    await deleteCanaryPart(() => net.deleteNamespacedNetworkPolicy({ name, namespace }), sleep)
  }
}

export interface HealthCheckOptions {
  /** Connect (DNS + TCP + TLS) timeout of the connection check (default 10 s). */
  connectTimeoutMs?: number
  /** Each API request's timeout (default 15 s). */
  requestTimeoutMs?: number
  /** How long an exec credential plugin may run (default 30 s). */
  execTimeoutMs?: number
}

/** Rejects with a `timeout` error when `promise` takes longer than `ms` (the request is left to end). */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'timeout' })),
        ms,
      )
    }),
  ]).finally(() => clearTimeout(timer))
}

/**
 * Every check a context needs, each listed whatever happens to the others: the connection (DNS,
 * TCP, TLS), the credentials (an exec plugin runs), the API (authenticated), the namespace, one
 * SelfSubjectAccessReview per permission, and the egress canary. A check that cannot run because an
 * earlier one failed is listed as skipped, with the reason. Each failure carries its cause and fix.
 */
export async function checkClusterHealth(
  kubeConfig: KubeConfig,
  namespace: string,
  canary: EgressCanaryOptions & { onProof?: (proof: EgressProof) => void } = {},
  options: HealthCheckOptions = {},
): Promise<DriverHealth> {
  const checks: Check[] = []
  const cluster = kubeConfig.getCurrentCluster()
  const user = kubeConfig.getCurrentUser()
  const server = cluster?.server ?? ''
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000
  const skip = (name: string, reason: string): Check => ({
    name,
    ok: false,
    skipped: true,
    message: `Not checked: ${reason}`,
  })
  const fail = (name: string, d: Diagnosis): Check => ({
    name,
    ok: false,
    message: d.message,
    fix: d.fix,
    cause: d.cause,
  })
  const rbacLabel = (permission: (typeof requiredPermissions)[number]) =>
    `${permission.verb} ${permission.resource}${'subresource' in permission ? `/${permission.subresource}` : ''}`
  const context = kubeConfig.getCurrentContext()

  // 1. connection and 2. credentials: independent of each other, both listed.
  const connection = cluster
    ? await probeConnection(cluster, { timeoutMs: options.connectTimeoutMs })
    : ({
        ok: false,
        cause: 'kubeconfig',
        message: `Context ${context} names a cluster the kubeconfig does not define`,
        fix: 'Add the cluster to the kubeconfig (clusters:) or pick another context.',
      } as const)
  if (connection)
    checks.push(
      connection.ok
        ? { name: 'connection', ok: true, message: connection.message }
        : fail('connection', connection),
    )
  const credentials = await probeCredentials(user, { timeoutMs: options.execTimeoutMs })
  checks.push(
    credentials.ok
      ? { name: 'credentials', ok: true, message: credentials.message }
      : fail('credentials', credentials),
  )
  const who = { user: user?.name ?? '?', exec: credentials.ok && credentials.exec }

  // 3. the API, authenticated.
  let version = ''
  let apiOk = false
  const blocked =
    connection && !connection.ok
      ? `the connection to ${server || 'the API server'} failed`
      : !credentials.ok
        ? 'the credentials could not be obtained'
        : undefined
  if (blocked) checks.push(skip('api', blocked))
  else {
    try {
      const info = await withTimeout(kubeConfig.makeApiClient(VersionApi).getCode(), requestTimeoutMs)
      version = info.gitVersion
      apiOk = true
      checks.push({ name: 'api', ok: true, message: `API server ${server} reachable (${version})` })
    } catch (error) {
      const code = (error as { code?: unknown }).code
      // client-node's Health tries readyz → livez → healthz; a server without /version may still be up.
      let live = false
      if (code !== 401 && code !== 403 && !networkDiagnosis(error, server)) {
        try {
          live = await withTimeout(new Health(kubeConfig).readyz({}), requestTimeoutMs)
        } catch {
          live = false
        }
      }
      apiOk = live
      checks.push(
        live
          ? { name: 'api', ok: true, message: `API server ${server} reachable (version unknown)` }
          : fail('api', requestDiagnosis(error, server, who)),
      )
    }
  }
  const later = apiOk ? undefined : (blocked ?? 'the API server did not answer the console')
  if (later) {
    checks.push(skip('namespace', later))
    for (const permission of requiredPermissions) checks.push(skip(`rbac:${rbacLabel(permission)}`, later))
  } else {
    try {
      await withTimeout(
        kubeConfig.makeApiClient(CoreV1Api).readNamespace({ name: namespace }),
        requestTimeoutMs,
      )
      checks.push({ name: 'namespace', ok: true, message: `Namespace ${namespace} exists` })
    } catch (error) {
      const missing = (error as { code?: unknown }).code === 404
      checks.push(
        missing
          ? {
              name: 'namespace',
              ok: false,
              cause: 'namespace-missing',
              message: `Namespace ${namespace} does not exist`,
              fix: `Create it on the Compute backend screen, or: kubectl create namespace ${namespace}`,
            }
          : fail('namespace', {
              ...requestDiagnosis(error, server, who),
              ...((error as { code?: unknown }).code === 403
                ? {
                    message: `Namespace ${namespace} could not be read: ${errorMessage(error)}`,
                    fix: `Grant "get namespaces" to this user in namespace ${namespace} (Role + RoleBinding), or pick an existing namespace you may read.`,
                  }
                : {}),
            }),
      )
    }
    const authorization = kubeConfig.makeApiClient(AuthorizationV1Api)
    for (const permission of requiredPermissions) {
      const label = rbacLabel(permission)
      try {
        const review = await withTimeout(
          authorization.createSelfSubjectAccessReview({
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: { resourceAttributes: { namespace, ...permission } },
            },
          }),
          requestTimeoutMs,
        )
        const allowed = review.status?.allowed === true
        const resource = `${permission.resource}${'subresource' in permission ? `/${permission.subresource}` : ''}`
        checks.push(
          allowed
            ? { name: `rbac:${label}`, ok: true, message: `may ${label}` }
            : {
                name: `rbac:${label}`,
                ok: false,
                cause: 'forbidden',
                message: `not allowed to ${label} in ${namespace} (RBAC: verb ${permission.verb}, resource ${resource}${'group' in permission ? `, API group ${permission.group}` : ''})`,
                fix:
                  `Grant "${label}" to this user in namespace ${namespace} (Role + RoleBinding): kubectl create role ` +
                  `c2d-console-${permission.verb} -n ${namespace} --verb=${permission.verb} --resource=${resource}${'group' in permission ? `.${permission.group}` : ''}` +
                  `, then kubectl create rolebinding … --role=c2d-console-${permission.verb}; or apply the Role in engine/operator-engine/drivers/kubernetes/README.md.`,
              },
        )
      } catch (error) {
        const d = requestDiagnosis(error, server, who)
        checks.push({
          name: `rbac:${label}`,
          ok: false,
          cause: d.cause,
          message: `could not check ${label}: ${d.message}`,
          fix: d.fix,
        })
      }
    }
    for (const permission of optionalPermissions) {
      const label = `${permission.verb} ${permission.resource}`
      const allowed = await withTimeout(
        authorization.createSelfSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { ...permission } },
          },
        }),
        requestTimeoutMs,
      )
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
  }
  // The canary needs pods and network policies; without them its failure would only repeat RBAC's.
  if (!canary.skip) {
    if (checks.every((check) => check.ok)) {
      const proof = await runEgressCanary(kubeConfig, namespace, canary)
      canary.onProof?.(proof)
      checks.push({
        name: 'egress',
        ok: proof.outcome === 'blocked',
        message: proof.message,
        ...(proof.outcome === 'blocked'
          ? {}
          : { fix: proof.fix, cause: proof.outcome === 'reached' ? 'egress-open' : 'egress-unproven' }),
      })
    } else checks.push(skip('egress', 'it runs a pod, once every check above passed'))
  }
  const ok = checks.every((check) => check.ok)
  const failedCount = checks.filter((check) => !check.ok && !check.skipped).length
  return {
    ok,
    summary: apiOk
      ? `${context} / ${namespace}${version ? ` (${version})` : ''}`
      : `${context}: ${checks.find((c) => !c.ok && !c.skipped)?.cause ?? 'unreachable'}${failedCount > 1 ? ` (+${failedCount - 1})` : ''}`,
    checks,
    ...(server ? { apiServer: server } : {}),
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
