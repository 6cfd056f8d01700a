/**
 * A test double of the Kubernetes API server that speaks the real protocol as
 * @kubernetes/client-node uses it: REST paths for the kinds the driver touches, `Status` error
 * bodies, one resourceVersion counter, watch streams (newline-delimited JSON, synthetic ADDED
 * without a resourceVersion, BOOKMARKs, 410 Gone for a compacted one), pod logs and exec
 * (pod-subresources.ts), RBAC denials (access-rules.ts) and a simulated kubelet (kubelet.ts).
 * Faults: unreachable, dropped watches, image pull errors, OOM, node loss. It counts requests per
 * verb and resource (the bench's "API requests per job"). README.md lists what is not simulated.
 *
 * Plain HTTP on 127.0.0.1 with a bearer token. Test code only: nothing in engine/ may import it.
 */
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { WebSocketServer } from 'ws'
import { AccessRules, type AccessDenial, type AccessRequest } from './access-rules'
import { CLUSTER_KINDS, discovery, KINDS, route, type Route } from './api-routes'
import { defaultKnownImage, SimulatedKubelet, type SimNode } from './kubelet'
import { jsonPatch, mergePatch, PatchError } from './merge-patch'
import {
  FieldSelectorError,
  matchesFieldSelector,
  matchesSelector,
  ObjectStore,
  type KubeObject,
} from './object-store'
import { admitPod } from './admission'
import { admitCreate } from './namespace-admission'
import { injectSidecar, SIDECAR_IMAGE, type SidecarInjectorOptions } from './sidecar-injector'
import { EXEC_PROTOCOLS, serveExec, servePodLog, statusBody } from './pod-subresources'
import { serveWatch, type OpenWatch } from './watch-stream'
import { SimulatedStorage, type SimStorageClass } from './storage'
import type { NodePressure } from './evictions'
import type { ImageTraits } from './image-contents'

export interface ApiDoubleOptions {
  token?: string
  /** Namespaces that exist at start (default: ["default"]). */
  namespaces?: string[]
  bwrapPath?: string
  /** Images that run (default: node, python, busybox, alpine, ubuntu, debian, oceanprotocol/*). */
  knownImage?: (image: string) => boolean
  kubeletStepMs?: number
  /** Watch events kept for replay; older resourceVersions answer 410. */
  historyMax?: number
  /** RBAC denials from the start (SelfSubjectAccessReview says no, the request gets 403). */
  denials?: AccessDenial[]
  /**
   * BOOKMARK interval for watches that allow them: 60 s by default, as a real server sends them.
   * Scale it together with the client's idle timeout (watch-timing.ts) to play long idle times.
   */
  bookmarkIntervalMs?: number
  /** The cluster's nodes (default: one linux node in zone-a, no GPU, no taints). */
  nodes?: SimNode[]
  /**
   * The Istio-style sidecar injector (sidecar-injector.ts) on namespaces labelled
   * `istio-injection=enabled`; it honours the pods' opt-outs unless `ignoreOptOut`.
   */
  sidecarInjector?: SidecarInjectorOptions
  /**
   * The cluster's StorageClasses (storage.ts; default: one default class `standard`,
   * WaitForFirstConsumer, no topology, no delays). `[]`: a cluster with no StorageClass at all.
   */
  storageClasses?: SimStorageClass[]
}

export interface KubernetesApiDouble {
  url: string
  token: string
  store: ObjectStore
  kubelet: SimulatedKubelet
  /** StorageClasses, PersistentVolumes, binding and attachments (storage.ts). */
  storage: SimulatedStorage
  /** A KubeConfig for client-node pointing here (context "double", namespace `namespace`). */
  kubeConfig(namespace?: string): KubeConfig
  kubeconfigYaml(namespace?: string): string
  /** Requests by "verb resource[/subresource]" (e.g. "create pods", "watch pods", "get pods/log"). */
  requests: Map<string, number>
  /** Pods ("namespace/name") the sidecar injector added its container to. */
  sidecarsInjected: string[]
  /** Each watch request as it came: its path and the resourceVersion it asked to start after. */
  watchLog: Array<{ path: string; resourceVersion: string | undefined }>
  requestCount(): number
  /** Every object labelled with `selector`, any namespaced kind but events (e.g. to assert nothing is orphaned). */
  objects(selector?: string, namespace?: string): KubeObject[]
  faults: {
    setUnreachable(on: boolean): void
    /** Ends every open watch; with `gone`, sends 410 first and forgets the history. */
    dropWatches(options?: { gone?: boolean }): void
    /** Pulls of `image` fail: for good, or only the next `times` (a 429 that passes), with `message`. */
    failImagePull(image: string, options?: { times?: number; message?: string }): void
    /** Pulls of `image` take `ms`: the pod is scheduled (StartTime set) while its container waits. */
    slowPull(image: string, ms: number): void
    /** A node joins (a cluster autoscaler): pods the scheduler could not place are tried again. */
    addNode(node: SimNode): void
    /** A StorageClass appears (or is replaced): claims without a class get a new default one. */
    addStorageClass(storageClass: SimStorageClass): void
    /** What `image` lacks (distroless: no `sh`) or the one CPU it is built for (image-contents.ts). */
    imageTraits(image: string, traits: ImageTraits): void
    /** Node pressure: the node is tainted and its running pods (or only `pod`) are evicted. */
    nodePressure(node: string, pressure: NodePressure, pod?: string): string[]
    relievePressure(node: string): void
    /** The kubelet evicts the pod (node pressure, emptyDir over its sizeLimit) with `message`. */
    evict(namespace: string, pod: string, message: string): boolean
    oomKill(namespace: string, pod: string, container: string): void
    loseNode(): void
    /** Reconfigures the sidecar injector from now on (`{ ignoreOptOut: true }`, or `{}` to honour them). */
    sidecarInjector(options: SidecarInjectorOptions): void
    /** Play a CNI that does not enforce NetworkPolicy: denied pods keep their network. */
    ignoreNetworkPolicy(on: boolean): void
    /** RBAC: refuse a verb on a resource from now on (both the review and the request). */
    deny(denial: AccessDenial): void
    /** RBAC: allow everything again. */
    allowAll(): void
    /**
     * Execs whose command line contains `match` hang from now on: the command never ends nor
     * prints (it is `sleep 3600`, killed when the client closes the stream). undefined: none.
     */
    stallExec(match: string | undefined): void
    /**
     * The next `times` requests matching "verb resource[/subresource]" (e.g. "deletecollection
     * secrets") answer `status` (429, 500, 503…) with a Status body, and Retry-After when given;
     * status 0 drops the connection instead (no answer).
     */
    failRequests(
      key: string,
      fault: { status: number; times: number; retryAfterSec?: number; message?: string },
    ): void
  }
  close(): Promise<void>
}

function sendStatus(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): void {
  res.writeHead(code, { 'content-type': 'application/json' })
  res.end(JSON.stringify(statusBody(code, reason, message, details)))
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text ? (JSON.parse(text) as unknown) : undefined
}

/** RBAC verb of a request, as the API server's request-info resolver names it. */
function verbOf(method: string, r: Route, isWatch: boolean): string {
  if (r.sub === 'exec') return 'create'
  if (method === 'GET') return isWatch ? 'watch' : r.name ? 'get' : 'list'
  if (method === 'POST') return 'create'
  if (method === 'PUT') return 'update'
  if (method === 'PATCH') return 'patch'
  if (method === 'DELETE') return r.name ? 'delete' : 'deletecollection'
  return method.toLowerCase()
}

export async function startKubernetesApiDouble(options: ApiDoubleOptions = {}): Promise<KubernetesApiDouble> {
  const token = options.token ?? 'double-token'
  const store = new ObjectStore(options.historyMax ?? 5000)
  const rootDir = mkdtempSync(join(tmpdir(), 'k8s-double-'))
  const kubelet = new SimulatedKubelet({
    store,
    rootDir,
    bwrapPath: options.bwrapPath ?? '/usr/bin/bwrap',
    // The injected sidecar's image "pulls" like the known ones.
    knownImage: (image) => image === SIDECAR_IMAGE || (options.knownImage ?? defaultKnownImage)(image),
    stepMs: options.kubeletStepMs,
  })
  if (options.nodes) kubelet.nodes.splice(0, kubelet.nodes.length, ...options.nodes)
  const storage = new SimulatedStorage(
    store,
    () => kubelet.nodes,
    () => kubelet.retryScheduling(),
    options.storageClasses,
  )
  kubelet.storage = storage
  const access = new AccessRules(options.denials)
  for (const ns of options.namespaces ?? ['default'])
    store.create('namespaces', '', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
      status: { phase: 'Active' },
    })
  const requests = new Map<string, number>()
  const watchLog: KubernetesApiDouble['watchLog'] = []
  const sidecarsInjected: string[] = []
  let sidecarInjector: SidecarInjectorOptions = options.sidecarInjector ?? {}
  const count = (key: string) => requests.set(key, (requests.get(key) ?? 0) + 1)
  let unreachable = false
  const failures = new Map<
    string,
    { status: number; times: number; retryAfterSec?: number; message?: string }
  >()
  const sockets = new Set<Socket>()
  const watches = new Set<OpenWatch>()

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy()
      if (error instanceof SyntaxError)
        return sendStatus(res, 400, 'BadRequest', `the request body is not JSON: ${error.message}`)
      if (error instanceof FieldSelectorError) return sendStatus(res, 400, 'BadRequest', error.message)
      if (error instanceof PatchError) return sendStatus(res, 422, 'Invalid', error.message)
      sendStatus(res, 500, 'InternalError', String(error))
    })
  })
  server.on('connection', (socket) => {
    if (unreachable) return socket.destroy()
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })

  const list = (r: Route, url: URL) => {
    const labels = url.searchParams.get('labelSelector') ?? undefined
    const fields = url.searchParams.get('fieldSelector') ?? undefined
    return store
      .list(r.resource, r.namespace)
      .filter((o) => matchesSelector(o.metadata.labels, labels) && matchesFieldSelector(o, fields))
  }

  /**
   * DELETE of a pod with a grace period while its containers run: the pod is marked
   * (deletionTimestamp), the kubelet stops its containers (SIGTERM, SIGKILL after the grace), and
   * only then does the object go. gracePeriodSeconds=0 is a force delete: gone at once.
   */
  function deletePod(
    ns: string,
    pod: KubeObject,
    url: URL,
    body: { gracePeriodSeconds?: number },
    propagation: string,
  ): KubeObject | undefined {
    const spec = pod.spec as { terminationGracePeriodSeconds?: number } | undefined
    const graceSec = Number(
      url.searchParams.get('gracePeriodSeconds') ??
        body.gracePeriodSeconds ??
        spec?.terminationGracePeriodSeconds ??
        30,
    )
    if (graceSec > 0 && pod.metadata.deletionTimestamp) return pod
    const ending = graceSec > 0 ? kubelet.terminatePod(ns, pod.metadata.name, graceSec) : undefined
    if (!ending) return remove('pods', ns, pod.metadata.name, propagation)
    const marked = store.update('pods', ns, pod.metadata.name, (o) => {
      o.metadata.deletionTimestamp = new Date(Date.now() + graceSec * 1000).toISOString()
      o.metadata.deletionGracePeriodSeconds = graceSec
    })
    void ending.then(() => remove('pods', ns, pod.metadata.name, propagation))
    return marked
  }

  /** Deletes one object and, in the background, its dependents (ownerReferences), unless orphaned. */
  function remove(resource: string, ns: string, name: string, propagation: string): KubeObject | undefined {
    if (resource === 'pods') kubelet.podDeleted(ns, name)
    const deleted = store.delete(resource, ns, name)
    if (!deleted) return undefined
    if (resource === 'persistentvolumeclaims') storage.claimDeleted(deleted)
    if (resource === 'namespaces') {
      for (const kind of Object.keys(KINDS))
        for (const o of store.list(kind, name)) remove(kind, name, o.metadata.name, 'Background')
    } else if (propagation !== 'Orphan') {
      for (const kind of Object.keys(KINDS)) {
        for (const o of store.list(kind, ns)) {
          const owners = (o.metadata.ownerReferences as Array<{ uid?: string }> | undefined) ?? []
          if (owners.some((ref) => ref.uid === deleted.metadata.uid))
            remove(kind, ns, o.metadata.name, propagation)
        }
      }
    }
    return deleted
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (unreachable) return void req.socket.destroy()
    const url = new URL(req.url ?? '/', 'http://double')
    if (req.headers.authorization !== `Bearer ${token}`)
      return sendStatus(res, 401, 'Unauthorized', 'Unauthorized')
    const path = url.pathname
    const method = req.method ?? 'GET'
    if (path === '/version') {
      count('get version')
      return sendJson(res, 200, {
        major: '1',
        minor: '31',
        gitVersion: 'v1.31.0-double',
        gitCommit: '0000000',
        platform: 'linux/amd64',
      })
    }
    if (path === '/readyz' || path === '/livez' || path === '/healthz') return void res.end('ok')
    const found = discovery(path)
    if (found) {
      count('get discovery')
      return sendJson(res, 200, found)
    }
    if (path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews' && method === 'POST') {
      count('create selfsubjectaccessreviews')
      const body = (await readBody(req)) as KubeObject & {
        spec?: { resourceAttributes?: Partial<AccessRequest> }
      }
      const attributes = body?.spec?.resourceAttributes
      const denial =
        attributes?.verb && attributes.resource
          ? access.denialFor({
              verb: attributes.verb,
              resource: attributes.resource,
              subresource: attributes.subresource,
              group: attributes.group ?? '',
              namespace: attributes.namespace,
            })
          : undefined
      return sendJson(res, 201, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        metadata: { creationTimestamp: null },
        spec: body?.spec ?? {},
        status: denial
          ? { allowed: false, reason: 'no RBAC policy matched' }
          : { allowed: true, reason: 'RBAC: allowed by the API double' },
      })
    }
    const r = route(path)
    if (!r) return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource')
    const meta =
      KINDS[r.resource] ??
      CLUSTER_KINDS[r.resource] ??
      (r.resource === 'namespaces' ? { kind: 'Namespace', apiVersion: 'v1', group: '' } : undefined)
    if (!meta) return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource')
    const ns = r.namespace ?? ''
    const isWatch =
      method === 'GET' &&
      !r.name &&
      (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1')
    const request: AccessRequest = {
      verb: verbOf(method, r, isWatch),
      resource: r.resource,
      subresource: r.sub,
      group: meta.group,
      namespace: r.namespace,
    }
    const countKey = `${request.verb} ${r.resource}${r.sub ? `/${r.sub}` : ''}`
    count(countKey)
    const injected = failures.get(countKey)
    if (injected && injected.times > 0) {
      injected.times -= 1
      // Status 0: no answer at all (the connection drops, as in an outage or a load balancer reset).
      if (injected.status === 0) return void req.socket.destroy()
      if (injected.retryAfterSec !== undefined) res.setHeader('retry-after', String(injected.retryAfterSec))
      const reason =
        injected.status === 403
          ? 'Forbidden'
          : injected.status === 429
            ? 'TooManyRequests'
            : injected.status === 503
              ? 'ServiceUnavailable'
              : injected.status === 504
                ? 'Timeout'
                : 'InternalError'
      return sendStatus(
        res,
        injected.status,
        reason,
        injected.message ?? `injected ${injected.status} for ${countKey}`,
        {
          ...(injected.retryAfterSec !== undefined ? { retryAfterSeconds: injected.retryAfterSec } : {}),
        },
      )
    }
    if (access.denialFor(request))
      return sendStatus(res, 403, 'Forbidden', AccessRules.forbiddenMessage(request, r.name), {
        ...(r.name ? { name: r.name } : {}),
        kind: r.resource,
      })
    if (r.namespace && !store.get('namespaces', '', r.namespace) && (method === 'POST' || r.name)) {
      return sendStatus(res, 404, 'NotFound', `namespaces "${r.namespace}" not found`, {
        name: r.namespace,
        kind: 'namespaces',
      })
    }

    if (r.allNamespaces && method !== 'GET')
      return sendStatus(
        res,
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      )
    if (r.sub === 'log' && method === 'GET') return servePodLog(store, kubelet, ns, r.name!, url, res)
    if (r.sub === 'exec') return sendStatus(res, 400, 'BadRequest', 'Upgrade request required')
    if (r.sub) return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource')

    if (isWatch) {
      watchLog.push({ path, resourceVersion: url.searchParams.get('resourceVersion') ?? undefined })
      return serveWatch(store, r, url, res, watches, options.bookmarkIntervalMs ?? 60_000)
    }
    if (method === 'GET' && !r.name) {
      // List items carry no apiVersion/kind on the wire; the list does.
      return sendJson(res, 200, {
        apiVersion: meta.apiVersion,
        kind: `${meta.kind}List`,
        metadata: { resourceVersion: String(store.currentRv()) },
        items: list(r, url).map(({ apiVersion: _a, kind: _k, ...item }) => item),
      })
    }
    const notFound = () =>
      sendStatus(res, 404, 'NotFound', `${r.resource} "${r.name}" not found`, {
        name: r.name,
        kind: r.resource,
      })
    if (method === 'GET') {
      const object = store.get(r.resource, ns, r.name!)
      return object ? sendJson(res, 200, object) : notFound()
    }
    if (method === 'POST' && !r.name) {
      const body = (await readBody(req)) as KubeObject
      if (!body?.metadata?.name && body?.metadata?.generateName)
        body.metadata.name = `${String(body.metadata.generateName)}${Math.random().toString(36).slice(2, 7)}`
      if (!body?.metadata?.name)
        return sendStatus(
          res,
          422,
          'Invalid',
          `${meta.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
          { kind: r.resource, causes: [{ reason: 'FieldValueRequired', field: 'metadata.name' }] },
        )
      if (body.metadata.namespace && r.namespace && body.metadata.namespace !== r.namespace)
        return sendStatus(
          res,
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        )
      if (store.get(r.resource, ns, body.metadata.name))
        return sendStatus(res, 409, 'AlreadyExists', `${r.resource} "${body.metadata.name}" already exists`, {
          name: body.metadata.name,
          kind: r.resource,
        })
      // Mutating webhooks run before validation: Pod Security sees the injected container too.
      if (r.resource === 'pods' && injectSidecar(store.get('namespaces', '', ns), body, sidecarInjector))
        sidecarsInjected.push(`${ns}/${body.metadata.name}`)
      if (r.resource === 'pods') {
        const verdict = admitPod(store.get('namespaces', '', ns), body)
        if (!verdict.ok)
          return sendStatus(res, 403, 'Forbidden', verdict.message, {
            name: body.metadata.name,
            kind: 'pods',
          })
      }
      const admitted = admitCreate(store, r.resource, ns, body)
      if (!admitted.ok)
        return sendStatus(res, admitted.code, admitted.reason, admitted.message, {
          name: body.metadata.name,
          kind: r.resource,
        })
      // The API server stores a new pod as Pending (status is the kubelet's to fill in later).
      const initial =
        r.resource === 'pods'
          ? { status: { phase: 'Pending', qosClass: 'Burstable' } }
          : r.resource === 'namespaces'
            ? { status: { phase: 'Active' } }
            : {}
      // The DefaultStorageClass admission plugin: a claim without a class gets the default one.
      if (r.resource === 'persistentvolumeclaims') storage.admitClaim(body)
      const created = store.create(r.resource, ns, {
        ...body,
        ...initial,
        apiVersion: meta.apiVersion,
        kind: meta.kind,
      })
      if (r.resource === 'pods') kubelet.podCreated(created)
      if (r.resource === 'persistentvolumeclaims') storage.claimCreated(created)
      return sendJson(res, 201, created)
    }
    if ((method === 'PUT' || method === 'PATCH') && r.name) {
      const existing = store.get(r.resource, ns, r.name)
      if (!existing) return notFound()
      const body = await readBody(req)
      const type = String(req.headers['content-type'] ?? '')
      const next = (
        method === 'PUT'
          ? body
          : type.includes('json-patch')
            ? jsonPatch(existing, body)
            : mergePatch(existing, body)
      ) as KubeObject
      const sentRv = next?.metadata?.resourceVersion
      if (method === 'PUT' && sentRv && sentRv !== existing.metadata.resourceVersion) {
        return sendStatus(
          res,
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${r.resource} "${r.name}": the object has been modified; please apply your changes to the latest version and try again`,
          { name: r.name, kind: r.resource },
        )
      }
      if (next?.metadata?.name !== r.name)
        return sendStatus(res, 400, 'BadRequest', 'the name of the object does not match the name on the URL')
      const updated = store.update(r.resource, ns, r.name, (o) => {
        // uid, creation time and the status of a pod are the server's and the kubelet's, not the client's.
        const keep = {
          uid: o.metadata.uid,
          creationTimestamp: o.metadata.creationTimestamp,
          ...(ns ? { namespace: ns } : {}),
        }
        for (const key of Object.keys(o)) if (key !== 'status' || r.resource !== 'pods') delete o[key]
        Object.assign(o, r.resource === 'pods' ? { ...next, status: o.status } : next)
        o.metadata = { ...next.metadata, ...keep, name: r.name! }
      })
      return sendJson(res, 200, updated)
    }
    if (method === 'DELETE') {
      const body = ((await readBody(req)) ?? {}) as {
        propagationPolicy?: string
        gracePeriodSeconds?: number
      }
      const propagation = url.searchParams.get('propagationPolicy') ?? body.propagationPolicy ?? 'Background'
      const removeOne = (o: KubeObject) =>
        r.resource === 'pods'
          ? deletePod(ns, o, url, body, propagation)
          : remove(r.resource, ns, o.metadata.name, propagation)
      if (r.name) {
        const existing = store.get(r.resource, ns, r.name)
        const deleted = existing && removeOne(existing)
        return deleted ? sendJson(res, 200, deleted) : notFound()
      }
      // deletecollection answers the list of what it deleted, as kube-apiserver does.
      const deleted = list(r, url)
        .map(removeOne)
        .filter((o): o is KubeObject => o !== undefined)
      return sendJson(res, 200, {
        apiVersion: meta.apiVersion,
        kind: `${meta.kind}List`,
        metadata: { resourceVersion: String(store.currentRv()) },
        items: deleted,
      })
    }
    return sendStatus(
      res,
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource`,
    )
  }

  // exec: a WebSocket upgrade (pod-subresources.ts); everything else upgrading is refused.
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  })
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (unreachable) return void socket.destroy()
    const url = new URL(req.url ?? '/', 'http://double')
    const r = route(url.pathname)
    const refuse = (code: number, reason: string, message: string) => {
      const json = JSON.stringify(statusBody(code, reason, message))
      socket.end(
        `HTTP/1.1 ${code} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(json)}\r\nconnection: close\r\n\r\n${json}`,
      )
    }
    if (req.headers.authorization !== `Bearer ${token}`) return refuse(401, 'Unauthorized', 'Unauthorized')
    if (!r || r.resource !== 'pods' || r.sub !== 'exec' || !r.name)
      return refuse(404, 'NotFound', 'the server could not find the requested resource')
    count('create pods/exec')
    // The WebSocket upgrade is a GET: authorized as `get pods/exec`, and since Kubernetes 1.35
    // (AuthorizePodWebsocketUpgradeCreatePermission) as `create pods/exec` too. The double applies
    // the stricter rule whatever version it reports, so a Role that passes here passes everywhere.
    for (const verb of ['get', 'create']) {
      const request: AccessRequest = {
        verb,
        resource: 'pods',
        subresource: 'exec',
        group: '',
        namespace: r.namespace,
      }
      if (access.denialFor(request))
        return refuse(403, 'Forbidden', AccessRules.forbiddenMessage(request, r.name))
    }
    serveExec(store, kubelet, wss, r.namespace!, r.name, url, req, socket, head)
  })

  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as { port: number }).port
  const url = `http://127.0.0.1:${port}`
  // As a kubelet does for the `kubernetes` Service: where pods find the API server.
  kubelet.serviceEnv = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(port) }

  const kubeconfigYaml = (namespace = 'default') =>
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: double',
      '  cluster:',
      `    server: ${url}`,
      // client-node refuses plain http unless TLS verification is off; the double is loopback-only.
      '    insecure-skip-tls-verify: true',
      'users:',
      '- name: double',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      '- name: double',
      '  context:',
      '    cluster: double',
      '    user: double',
      `    namespace: ${namespace}`,
      'current-context: double',
      '',
    ].join('\n')

  return {
    url,
    token,
    store,
    kubelet,
    storage,
    kubeConfig(namespace) {
      const kc = new KubeConfig()
      kc.loadFromString(kubeconfigYaml(namespace))
      return kc
    },
    kubeconfigYaml,
    requests,
    watchLog,
    sidecarsInjected,
    requestCount: () => [...requests.values()].reduce((a, b) => a + b, 0),
    objects(selector, namespace) {
      // Events are left out: a real cluster expires them on its own, so they are never orphans.
      return Object.keys(KINDS)
        .filter((resource) => resource !== 'events')
        .flatMap((resource) =>
          store.list(resource, namespace).filter((o) => matchesSelector(o.metadata.labels, selector)),
        )
    },
    faults: {
      setUnreachable(on) {
        unreachable = on
        if (on) {
          for (const w of [...watches]) w.res.destroy()
          for (const s of sockets) s.destroy()
        }
      },
      dropWatches({ gone = false } = {}) {
        if (gone) store.compact()
        for (const w of [...watches]) w.end(gone)
      },
      failImagePull: (image, options) => kubelet.failImagePull(image, options),
      slowPull: (image, ms) => kubelet.slowPull(image, ms),
      addNode: (node) => kubelet.addNode(node),
      addStorageClass: (storageClass) => storage.addClass(storageClass),
      imageTraits: (image, traits) => kubelet.setImageTraits(image, traits),
      nodePressure: (node, pressure, pod) => kubelet.nodePressure(node, pressure, pod),
      relievePressure: (node) => kubelet.relievePressure(node),
      evict: (namespace, pod, message) => kubelet.evict(namespace, pod, message),
      oomKill: (namespace, pod, container) => kubelet.oomKill(namespace, pod, container),
      loseNode: () => kubelet.loseNode(),
      ignoreNetworkPolicy: (on) => (kubelet.ignoreNetworkPolicy = on),
      sidecarInjector: (next) => (sidecarInjector = next),
      deny: (denial) => access.deny(denial),
      allowAll: () => access.reset(),
      stallExec: (match) => (kubelet.stallExecMatching = match),
      failRequests: (key, fault) => failures.set(key, { ...fault }),
    },
    async close() {
      await kubelet.closeAll()
      storage.close()
      for (const w of [...watches]) w.res.destroy()
      for (const s of sockets) s.destroy()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(rootDir, { recursive: true, force: true })
    },
  }
}

/** Writes the double's kubeconfig to a file (for code that loads kubeconfigs from disk). */
export function writeKubeconfig(double: KubernetesApiDouble, path: string, namespace?: string): void {
  writeFileSync(path, double.kubeconfigYaml(namespace), { mode: 0o600 })
}
