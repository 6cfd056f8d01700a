/**
 * A test double of the Kubernetes API server that speaks the real protocol as
 * @kubernetes/client-node uses it: REST paths for the kinds the driver touches, `Status` error
 * bodies, one resourceVersion counter, watch streams (newline-delimited JSON, 410 Gone for a
 * compacted resourceVersion), pod logs (follow), exec over WebSocket (v4/v5.channel.k8s.io), and
 * a simulated kubelet. Faults: unreachable, dropped watches, image pull errors, OOM, node loss.
 * It counts requests per verb and resource (the bench's "API requests per job").
 *
 * Plain HTTP on 127.0.0.1 with a bearer token. Test code only.
 */
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { WebSocketServer } from 'ws'
import { SimulatedKubelet } from './kubelet'
import { ObjectStore, matchesSelector, type KubeObject } from './object-store'

const KINDS: Record<string, { kind: string; apiVersion: string }> = {
  pods: { kind: 'Pod', apiVersion: 'v1' },
  secrets: { kind: 'Secret', apiVersion: 'v1' },
  configmaps: { kind: 'ConfigMap', apiVersion: 'v1' },
  persistentvolumeclaims: { kind: 'PersistentVolumeClaim', apiVersion: 'v1' },
  networkpolicies: { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1' },
}

export interface ApiDoubleOptions {
  token?: string
  namespaces?: string[]
  bwrapPath?: string
  knownImage?: (image: string) => boolean
  kubeletStepMs?: number
  historyMax?: number
}

export interface KubernetesApiDouble {
  url: string
  token: string
  store: ObjectStore
  kubelet: SimulatedKubelet
  /** A KubeConfig for client-node pointing here (context "double", namespace `namespace`). */
  kubeConfig(namespace?: string): KubeConfig
  kubeconfigYaml(namespace?: string): string
  /** Requests by "verb resource[/subresource]" (e.g. "create pods", "watch pods", "get pods/log"). */
  requests: Map<string, number>
  requestCount(): number
  /** Every object labelled with `selector`, any kind (e.g. to assert nothing is orphaned). */
  objects(selector?: string, namespace?: string): KubeObject[]
  faults: {
    setUnreachable(on: boolean): void
    /** Ends every open watch; with `gone`, sends 410 first and forgets the history. */
    dropWatches(options?: { gone?: boolean }): void
    failImagePull(image: string): void
    oomKill(namespace: string, pod: string, container: string): void
    loseNode(): void
  }
  close(): Promise<void>
}

function status(res: ServerResponse, code: number, reason: string, message: string, details?: Record<string, unknown>): void {
  const body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details ? { details } : {}) }
  res.writeHead(code, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text ? (JSON.parse(text) as unknown) : undefined
}

interface Route {
  resource: string
  namespace?: string
  name?: string
  sub?: string
}

/** /api/v1/namespaces/{ns}/{resource}[/{name}[/{sub}]] and /apis/{g}/{v}/namespaces/... */
function route(pathname: string): Route | undefined {
  const m = /^\/(?:api\/v1|apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?$/.exec(pathname)
  if (m) return { namespace: decodeURIComponent(m[1]!), resource: m[2]!, ...(m[3] ? { name: decodeURIComponent(m[3]) } : {}), ...(m[4] ? { sub: m[4] } : {}) }
  const ns = /^\/api\/v1\/namespaces(?:\/([^/]+))?$/.exec(pathname)
  if (ns) return { resource: 'namespaces', ...(ns[1] ? { name: decodeURIComponent(ns[1]) } : {}) }
  return undefined
}

export async function startKubernetesApiDouble(options: ApiDoubleOptions = {}): Promise<KubernetesApiDouble> {
  const token = options.token ?? 'double-token'
  const store = new ObjectStore(options.historyMax ?? 1000)
  const rootDir = mkdtempSync(join(tmpdir(), 'k8s-double-'))
  const kubelet = new SimulatedKubelet({ store, rootDir, bwrapPath: options.bwrapPath ?? '/usr/bin/bwrap', knownImage: options.knownImage, stepMs: options.kubeletStepMs })
  for (const ns of options.namespaces ?? ['default']) store.create('namespaces', '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })
  const requests = new Map<string, number>()
  const count = (key: string) => requests.set(key, (requests.get(key) ?? 0) + 1)
  let unreachable = false
  const sockets = new Set<Socket>()
  const watches = new Set<{ res: ServerResponse; end(gone: boolean): void }>()

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) status(res, 500, 'InternalError', String(error))
    })
  })
  server.on('connection', (socket) => {
    if (unreachable) return socket.destroy()
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })

  const list = (r: Route, selector: string | undefined) => store.list(r.resource, r.namespace).filter((o) => matchesSelector(o.metadata.labels, selector))

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (unreachable) {
      req.socket.destroy()
      return
    }
    const url = new URL(req.url ?? '/', 'http://double')
    if (req.headers.authorization !== `Bearer ${token}`) return status(res, 401, 'Unauthorized', 'Unauthorized')
    const path = url.pathname
    if (path === '/version') {
      count('get version')
      res.writeHead(200, { 'content-type': 'application/json' })
      return void res.end(JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.0-double', platform: 'linux/amd64' }))
    }
    if (path === '/readyz' || path === '/livez' || path === '/healthz') return void res.end('ok')
    if (path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews' && req.method === 'POST') {
      count('create selfsubjectaccessreviews')
      const body = (await readJson(req)) as KubeObject
      res.writeHead(201, { 'content-type': 'application/json' })
      return void res.end(JSON.stringify({ ...body, status: { allowed: true } }))
    }
    const r = route(path)
    if (!r) return status(res, 404, 'NotFound', `the server could not find the requested resource (${path})`)
    const meta = KINDS[r.resource] ?? (r.resource === 'namespaces' ? { kind: 'Namespace', apiVersion: 'v1' } : undefined)
    if (!meta) return status(res, 404, 'NotFound', `the server could not find the requested resource (${r.resource})`)
    const ns = r.namespace ?? ''
    const selector = url.searchParams.get('labelSelector') ?? undefined

    if (r.sub === 'log') return podLog(r, url, res)
    if (r.sub) return status(res, 404, 'NotFound', `subresource ${r.sub} is not served by this double`)

    if (req.method === 'GET' && !r.name && url.searchParams.get('watch') === 'true') return watch(r, url, res, selector)
    if (req.method === 'GET' && !r.name) {
      count(`list ${r.resource}`)
      res.writeHead(200, { 'content-type': 'application/json' })
      return void res.end(JSON.stringify({ apiVersion: meta.apiVersion, kind: `${meta.kind}List`, metadata: { resourceVersion: String(store.currentRv()) }, items: list(r, selector) }))
    }
    if (req.method === 'GET') {
      count(`get ${r.resource}`)
      const object = store.get(r.resource, ns, r.name!)
      if (!object) return status(res, 404, 'NotFound', `${r.resource} "${r.name}" not found`, { name: r.name, kind: r.resource })
      res.writeHead(200, { 'content-type': 'application/json' })
      return void res.end(JSON.stringify(object))
    }
    if (req.method === 'POST' && !r.name) {
      count(`create ${r.resource}`)
      const body = (await readJson(req)) as KubeObject
      if (!body?.metadata?.name) return status(res, 422, 'Invalid', `${meta.kind} is invalid: metadata.name: Required value`)
      if (store.get(r.resource, ns, body.metadata.name)) return status(res, 409, 'AlreadyExists', `${r.resource} "${body.metadata.name}" already exists`, { name: body.metadata.name, kind: r.resource })
      const created = store.create(r.resource, ns, { ...body, apiVersion: meta.apiVersion, kind: meta.kind })
      if (r.resource === 'pods') {
        store.update('pods', ns, created.metadata.name, (p) => (p.status = { phase: 'Pending' }))
        kubelet.podCreated(store.get('pods', ns, created.metadata.name)!)
      }
      res.writeHead(201, { 'content-type': 'application/json' })
      return void res.end(JSON.stringify(store.get(r.resource, ns, created.metadata.name)))
    }
    if (req.method === 'DELETE' && r.name) {
      count(`delete ${r.resource}`)
      const existing = store.get(r.resource, ns, r.name)
      if (!existing) return status(res, 404, 'NotFound', `${r.resource} "${r.name}" not found`, { name: r.name, kind: r.resource })
      if (r.resource === 'pods') kubelet.podDeleted(ns, r.name)
      const deleted = store.delete(r.resource, ns, r.name)
      res.writeHead(200, { 'content-type': 'application/json' })
      return void res.end(JSON.stringify(deleted))
    }
    if (req.method === 'DELETE') {
      count(`deletecollection ${r.resource}`)
      const matched = list(r, selector)
      for (const o of matched) {
        if (r.resource === 'pods') kubelet.podDeleted(ns, o.metadata.name)
        store.delete(r.resource, ns, o.metadata.name)
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      return void res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' }))
    }
    return status(res, 405, 'MethodNotAllowed', `${req.method} is not supported on ${path}`)
  }

  function watch(r: Route, url: URL, res: ServerResponse, selector: string | undefined): void {
    count(`watch ${r.resource}`)
    const from = Number(url.searchParams.get('resourceVersion') ?? store.currentRv())
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })
    // The client waits for the headers before it reads events: send them now, as the API server does.
    res.flushHeaders()
    const write = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`)
    const gone = () => write('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${from} (${store.compactedRv})`, reason: 'Expired', code: 410 })
    const replay = store.since(from, r.resource)
    if (replay === 'gone') {
      gone()
      return void res.end()
    }
    const matches = (o: KubeObject) => (r.namespace === undefined || o.metadata.namespace === r.namespace) && matchesSelector(o.metadata.labels, selector)
    for (const e of replay) if (matches(e.object)) write(e.type, e.object)
    const unsubscribe = store.subscribe((e) => {
      if (e.resource === r.resource && matches(e.object)) write(e.type, e.object)
    })
    const entry = {
      res,
      end(isGone: boolean) {
        if (isGone) gone()
        unsubscribe()
        watches.delete(entry)
        res.end()
      },
    }
    watches.add(entry)
    res.once('close', () => {
      unsubscribe()
      watches.delete(entry)
    })
  }

  function podLog(r: Route, url: URL, res: ServerResponse): void {
    count('get pods/log')
    const containerName = url.searchParams.get('container') ?? undefined
    const c = kubelet.container(r.namespace!, r.name!, containerName)
    if (!store.get('pods', r.namespace!, r.name!)) return status(res, 404, 'NotFound', `pods "${r.name}" not found`)
    if (!c || c.state === 'waiting') return status(res, 400, 'BadRequest', `container "${containerName}" in pod "${r.name}" is waiting to start: ContainerCreating`)
    res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' })
    res.flushHeaders()
    for (const chunk of c.output) res.write(chunk)
    if (url.searchParams.get('follow') !== 'true' || c.state === 'terminated') return void res.end()
    const listener = (chunk: Buffer | null) => (chunk ? res.write(chunk) : res.end())
    c.listeners.add(listener)
    res.once('close', () => c.listeners.delete(listener))
  }

  // exec: WebSocket upgrade with the channel protocol (1 stdout, 2 stderr, 3 status).
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://double')
    const r = route(url.pathname)
    if (unreachable || req.headers.authorization !== `Bearer ${token}` || !r || r.resource !== 'pods' || r.sub !== 'exec') {
      socket.destroy()
      return
    }
    count('create pods/exec')
    wss.handleUpgrade(req, socket as Socket, head, (ws) => {
      const send = (channel: number, data: Buffer) => ws.send(Buffer.concat([Buffer.from([channel]), data]))
      const argv = url.searchParams.getAll('command')
      const run = kubelet.exec(r.namespace!, r.name!, url.searchParams.get('container') ?? undefined, argv, (b) => send(1, b), (b) => send(2, b))
      if (!run) {
        send(3, Buffer.from(JSON.stringify({ metadata: {}, status: 'Failure', message: `container not found or not running in pod ${r.name}`, reason: 'BadRequest', code: 400 })))
        return ws.close()
      }
      void run.then((exitCode) => {
        const result = exitCode === 0 ? { metadata: {}, status: 'Success' } : { metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: ${exitCode}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] } }
        send(3, Buffer.from(JSON.stringify(result)))
        ws.close()
      })
    })
  })

  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as { port: number }).port
  const url = `http://127.0.0.1:${port}`

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
    kubeConfig(namespace) {
      const kc = new KubeConfig()
      kc.loadFromString(kubeconfigYaml(namespace))
      return kc
    },
    kubeconfigYaml,
    requests,
    requestCount: () => [...requests.values()].reduce((a, b) => a + b, 0),
    objects(selector, namespace) {
      return Object.keys(KINDS).flatMap((resource) => store.list(resource, namespace).filter((o) => matchesSelector(o.metadata.labels, selector)))
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
      failImagePull: (image) => kubelet.failImagePull(image),
      oomKill: (namespace, pod, container) => kubelet.oomKill(namespace, pod, container),
      loseNode: () => kubelet.loseNode(),
    },
    async close() {
      await kubelet.closeAll()
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
