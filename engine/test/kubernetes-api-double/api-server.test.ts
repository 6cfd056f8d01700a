/**
 * The API double's REST and watch surface, driven by the real @kubernetes/client-node: what the
 * driver relies on must behave as a real API server does (Status bodies, selectors,
 * resourceVersion, watch replay, 410 Gone, RBAC answers, unreachable server).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ApiException,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  makeInformer,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
  VersionApi,
  Watch,
  type V1ConfigMap,
} from '@kubernetes/client-node'
import { startKubernetesApiDouble, writeKubeconfig, type KubernetesApiDouble } from './api-server'

const NS = 'double-rest'
let double: KubernetesApiDouble
let core: CoreV1Api

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NS], historyMax: 20 })
  core = double.kubeConfig(NS).makeApiClient(CoreV1Api)
})
afterAll(async () => double.close())

/** The Status body client-node attaches to its ApiException. */
async function failure(promise: Promise<unknown>): Promise<{
  code: number
  body: {
    kind: string
    status: string
    reason: string
    code: number
    message: string
    details?: { name?: string; kind?: string }
  }
}> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ApiException)
  const e = error as ApiException<unknown>
  // client-node keeps the body as text, except for codes its OpenAPI spec lists (401: no body).
  return { code: e.code, body: (typeof e.body === 'string' ? JSON.parse(e.body) : (e.body ?? {})) as never }
}

const configMap = (name: string, labels: Record<string, string> = {}): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data: { k: name },
})

describe('REST round trips', () => {
  it('creates, reads, lists by label and deletes, with uid, creationTimestamp and a growing resourceVersion', async () => {
    const a = await core.createNamespacedConfigMap({
      namespace: NS,
      body: configMap('rt-a', { app: 'x', tier: 'db' }),
    })
    const b = await core.createNamespacedConfigMap({
      namespace: NS,
      body: configMap('rt-b', { app: 'x', tier: 'web' }),
    })
    expect(a.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/)
    expect(a.metadata?.namespace).toBe(NS)
    expect(a.metadata?.creationTimestamp).toBeInstanceOf(Date)
    expect(Number(b.metadata?.resourceVersion)).toBeGreaterThan(Number(a.metadata?.resourceVersion))

    const read = await core.readNamespacedConfigMap({ name: 'rt-a', namespace: NS })
    expect(read.data).toEqual({ k: 'rt-a' })

    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (await core.listNamespacedConfigMap({ namespace: NS, labelSelector, fieldSelector })).items
        .map((i) => i.metadata?.name)
        .sort()
    expect(await names('app=x')).toEqual(['rt-a', 'rt-b'])
    expect(await names('app=x,tier!=db')).toEqual(['rt-b'])
    expect(await names('tier in (db,cache)')).toEqual(['rt-a'])
    expect(await names('app=x,tier notin (db)')).toEqual(['rt-b'])
    expect(await names('app=x,!missing')).toEqual(['rt-a', 'rt-b'])
    expect(await names('app=y')).toEqual([])
    expect(await names(undefined, 'metadata.name=rt-b')).toEqual(['rt-b'])
    const list = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'app=x' })
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(b.metadata?.resourceVersion))

    await core.deleteNamespacedConfigMap({ name: 'rt-a', namespace: NS })
    expect(await names('app=x')).toEqual(['rt-b'])
    const gone = await failure(core.readNamespacedConfigMap({ name: 'rt-a', namespace: NS }))
    expect(gone.code).toBe(404)
    expect(gone.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      details: { name: 'rt-a', kind: 'configmaps' },
    })
  })

  it('answers 409 AlreadyExists as a Status and changes nothing', async () => {
    await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 'dup' }, stringData: { a: '1' } },
    })
    const dup = await failure(
      core.createNamespacedSecret({
        namespace: NS,
        body: { metadata: { name: 'dup' }, stringData: { a: '2' } },
      }),
    )
    expect(dup.code).toBe(409)
    expect(dup.body).toMatchObject({
      kind: 'Status',
      reason: 'AlreadyExists',
      code: 409,
      message: 'secrets "dup" already exists',
      details: { name: 'dup', kind: 'secrets' },
    })
    expect((await core.readNamespacedSecret({ name: 'dup', namespace: NS })).stringData).toEqual({ a: '1' })
  })

  it('refuses a wrong token (401), a missing namespace (404) and an invalid selector (400)', async () => {
    const kc = new KubeConfig()
    kc.loadFromString(double.kubeconfigYaml(NS).replace(`token: ${double.token}`, 'token: wrong'))
    const unauthorized = await failure(kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NS }))
    expect(unauthorized.code).toBe(401)
    const raw = await fetch(`${double.url}/api/v1/namespaces/${NS}/pods`, {
      headers: { authorization: 'Bearer wrong' },
    })
    expect([raw.status, ((await raw.json()) as { reason: string }).reason]).toEqual([401, 'Unauthorized'])
    const noNamespace = await failure(
      core.createNamespacedConfigMap({ namespace: 'nowhere', body: configMap('x') }),
    )
    expect(noNamespace.body).toMatchObject({ code: 404, message: 'namespaces "nowhere" not found' })
    expect(
      (await failure(core.listNamespacedConfigMap({ namespace: NS, fieldSelector: 'spec.unknown=1' }))).code,
    ).toBe(400)
    const badWatch = await fetch(
      `${double.url}/api/v1/namespaces/${NS}/pods?watch=true&fieldSelector=spec.unknown%3D1`,
      { headers: { authorization: `Bearer ${double.token}` } },
    )
    expect(badWatch.status).toBe(400)
  })

  it('patches (merge and JSON patch) and replaces with an optimistic-concurrency 409', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: NS,
      body: configMap('patched', { a: '1' }),
    })
    const merged = await core.patchNamespacedConfigMap(
      {
        name: 'patched',
        namespace: NS,
        body: { metadata: { labels: { b: '2', a: null } }, data: { extra: 'y' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )
    expect(merged.metadata?.labels).toEqual({ b: '2' })
    expect(merged.data).toEqual({ k: 'patched', extra: 'y' })
    expect(merged.metadata?.uid).toBe(created.metadata?.uid)
    const patched = await core.patchNamespacedConfigMap(
      { name: 'patched', namespace: NS, body: [{ op: 'replace', path: '/data/k', value: 'z' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    )
    expect(patched.data?.k).toBe('z')
    const stale = await failure(
      core.replaceNamespacedConfigMap({
        name: 'patched',
        namespace: NS,
        body: { ...created, data: { k: 'old' } },
      }),
    )
    expect(stale.body).toMatchObject({ code: 409, reason: 'Conflict' })
    const fresh = await core.replaceNamespacedConfigMap({
      name: 'patched',
      namespace: NS,
      body: { ...patched, data: { k: 'new' } },
    })
    expect(fresh.data).toEqual({ k: 'new' })
  })

  it('deletes a collection by label, dependents by ownerReferences, and a namespace with its objects', async () => {
    const net = double.kubeConfig(NS).makeApiClient(NetworkingV1Api)
    await net.createNamespacedNetworkPolicy({
      namespace: NS,
      body: {
        metadata: { name: 'np', labels: { job: 'gc' } },
        spec: { podSelector: {}, policyTypes: ['Egress'] },
      },
    })
    const owner = await core.createNamespacedConfigMap({
      namespace: NS,
      body: configMap('owner', { job: 'gc' }),
    })
    await core.createNamespacedSecret({
      namespace: NS,
      body: {
        metadata: {
          name: 'owned',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! },
          ],
        },
      },
    })
    await core.deleteCollectionNamespacedConfigMap({ namespace: NS, labelSelector: 'job=gc' })
    await net.deleteCollectionNamespacedNetworkPolicy({ namespace: NS, labelSelector: 'job=gc' })
    expect(double.objects('job=gc', NS)).toEqual([])
    expect((await failure(core.readNamespacedSecret({ name: 'owned', namespace: NS }))).code).toBe(404)

    await core.createNamespace({ body: { metadata: { name: 'short-lived' } } })
    const ns = await core.readNamespace({ name: 'short-lived' })
    expect(ns.metadata?.namespace).toBeUndefined()
    expect(ns.status?.phase).toBe('Active')
    await core.createNamespacedConfigMap({ namespace: 'short-lived', body: configMap('inside') })
    await core.deleteNamespace({ name: 'short-lived' })
    expect(double.objects(undefined, 'short-lived')).toEqual([])
  })

  it('lists across namespaces', async () => {
    await core.createNamespace({ body: { metadata: { name: 'second' } } })
    await core.createNamespacedConfigMap({ namespace: 'second', body: configMap('across', { across: '1' }) })
    await core.createNamespacedConfigMap({ namespace: NS, body: configMap('across', { across: '1' }) })
    const all = await core.listConfigMapForAllNamespaces({ labelSelector: 'across=1' })
    expect(all.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`).sort()).toEqual([
      `${NS}/across`,
      'second/across',
    ])
  })

  it('writes a kubeconfig that client-node loads from disk (http server, bearer token, namespace)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'double-kubeconfig-'))
    writeKubeconfig(double, join(dir, 'config'), NS)
    const kc = new KubeConfig()
    kc.loadFromFile(join(dir, 'config'))
    expect([kc.getCurrentCluster()?.server, kc.getContextObject(kc.getCurrentContext())?.namespace]).toEqual([
      double.url,
      NS,
    ])
    expect((await kc.makeApiClient(CoreV1Api).readNamespace({ name: NS })).metadata?.name).toBe(NS)
  })

  it('serves /version and discovery', async () => {
    const version = await double.kubeConfig(NS).makeApiClient(VersionApi).getCode()
    expect(version.gitVersion).toMatch(/^v1\.\d+/)
    const res = await fetch(`${double.url}/apis/networking.k8s.io/v1`, {
      headers: { authorization: `Bearer ${double.token}` },
    })
    const body = (await res.json()) as { resources: Array<{ name: string; namespaced: boolean }> }
    expect(body.resources).toContainEqual(
      expect.objectContaining({ name: 'networkpolicies', namespaced: true }),
    )
  })
})

describe('RBAC', () => {
  it('answers SelfSubjectAccessReviews and enforces a denial with 403 until allowed again', async () => {
    const authz = double.kubeConfig(NS).makeApiClient(AuthorizationV1Api)
    const review = (verb: string, resource: string, subresource?: string) =>
      authz.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { namespace: NS, verb, resource, subresource } },
        },
      })
    expect((await review('create', 'pods')).status?.allowed).toBe(true)
    double.faults.deny({ verb: 'list', resource: 'secrets', namespace: NS })
    double.faults.deny({ verb: 'create', resource: 'pods', subresource: 'exec' })
    expect((await review('list', 'secrets')).status?.allowed).toBe(false)
    expect((await review('create', 'pods', 'exec')).status?.allowed).toBe(false)
    expect((await review('create', 'pods')).status?.allowed).toBe(true)
    const forbidden = await failure(core.listNamespacedSecret({ namespace: NS }))
    expect(forbidden.body).toMatchObject({ code: 403, reason: 'Forbidden' })
    expect(forbidden.body.message).toContain(
      `cannot list resource "secrets" in API group "" in the namespace "${NS}"`,
    )
    double.faults.allowAll()
    expect((await review('list', 'secrets')).status?.allowed).toBe(true)
    await core.listNamespacedSecret({ namespace: NS })
  })
})

type Event = { type: string; name?: string; code?: number }

/** A client-node Watch on configmaps collecting events; `ended` resolves with done's error. */
async function watchConfigMaps(resourceVersion: string | undefined, labelSelector = 'w=1') {
  const events: Event[] = []
  let end!: (error: unknown) => void
  const ended = new Promise<unknown>((resolve) => (end = resolve))
  const controller = await new Watch(double.kubeConfig(NS)).watch(
    `/api/v1/namespaces/${NS}/configmaps`,
    { labelSelector, ...(resourceVersion ? { resourceVersion } : {}) },
    (type: string, object: { metadata?: { name?: string }; code?: number }) =>
      events.push({ type, name: object.metadata?.name, code: object.code }),
    (error: unknown) => end(error),
  )
  return { events, ended, controller }
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED after a list, filtered by label, and replays from a resourceVersion', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: configMap('w-before', { w: '1' }) })
    const listed = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'w=1' })
    const rv = listed.metadata!.resourceVersion!
    const live = await watchConfigMaps(rv)
    await core.createNamespacedConfigMap({ namespace: NS, body: configMap('w-other', { w: '2' }) })
    await core.createNamespacedConfigMap({ namespace: NS, body: configMap('w-one', { w: '1' }) })
    await core.patchNamespacedConfigMap(
      { name: 'w-one', namespace: NS, body: { data: { k: 'changed' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )
    await core.deleteNamespacedConfigMap({ name: 'w-one', namespace: NS })
    const expected = [
      { type: 'ADDED', name: 'w-one' },
      { type: 'MODIFIED', name: 'w-one' },
      { type: 'DELETED', name: 'w-one' },
    ]
    await until(() => live.events.length >= 3, 'three watch events')
    expect(live.events.map(({ type, name }) => ({ type, name }))).toEqual(expected)

    // A watch started later from the same resourceVersion replays the same story.
    const replay = await watchConfigMaps(rv)
    await until(() => replay.events.length >= 3, 'the replay')
    expect(replay.events.map(({ type, name }) => ({ type, name }))).toEqual(expected)
    // Without a resourceVersion, a watch starts with synthetic ADDED for what exists.
    const fresh = await watchConfigMaps(undefined)
    await until(() => fresh.events.length >= 1, 'the synthetic ADDED')
    expect(fresh.events).toEqual([{ type: 'ADDED', name: 'w-before', code: undefined }])
    for (const w of [live, replay, fresh]) w.controller.abort()
  })

  it('answers an expired resourceVersion with an ERROR 410 event and ends the stream', async () => {
    const old = (await core.listNamespacedConfigMap({ namespace: NS })).metadata!.resourceVersion!
    for (let i = 0; i < 25; i++)
      await core.createNamespacedConfigMap({ namespace: NS, body: configMap(`churn-${i}`) })
    const w = await watchConfigMaps(old)
    expect(await w.ended).toBeNull()
    expect(w.events).toEqual([{ type: 'ERROR', name: undefined, code: 410 }])
  })

  it("dropWatches({ gone: true }) sends 410 to open watches; client-node's informer re-lists and keeps up", async () => {
    const kc = double.kubeConfig(NS)
    const informer = makeInformer(
      kc,
      `/api/v1/namespaces/${NS}/configmaps`,
      () => kc.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: NS, labelSelector: 'inf=1' }),
      'inf=1',
    )
    const added: string[] = []
    informer.on('add', (o) => added.push(o.metadata!.name!))
    await informer.start()
    await core.createNamespacedConfigMap({ namespace: NS, body: configMap('inf-a', { inf: '1' }) })
    await until(() => added.includes('inf-a'), 'the informer to see inf-a')
    const listsBefore = double.requests.get('list configmaps') ?? 0
    const open = await watchConfigMaps(undefined, 'nothing=here')
    double.faults.dropWatches({ gone: true })
    expect(await open.ended).toBeNull()
    expect(open.events).toContainEqual({ type: 'ERROR', name: undefined, code: 410 })
    await until(() => (double.requests.get('list configmaps') ?? 0) > listsBefore, 'the informer to re-list')
    await core.createNamespacedConfigMap({ namespace: NS, body: configMap('inf-b', { inf: '1' }) })
    await until(() => added.includes('inf-b'), 'the informer to see inf-b after the re-list')
    await informer.stop()
  })

  it('counts requests by verb and resource', async () => {
    const before = new Map(double.requests)
    await core.listNamespacedPod({ namespace: NS })
    await core.readNamespace({ name: NS })
    await failure(core.readNamespacedPod({ name: 'missing', namespace: NS }))
    const delta = (key: string) => (double.requests.get(key) ?? 0) - (before.get(key) ?? 0)
    expect([delta('list pods'), delta('get namespaces'), delta('get pods')]).toEqual([1, 1, 1])
  })
})

describe('unreachable API server', () => {
  it('fails requests and open watches while unreachable, and serves again after', async () => {
    const w = await watchConfigMaps(undefined, 'never=1')
    double.faults.setUnreachable(true)
    const error = await core.listNamespacedPod({ namespace: NS }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(ApiException)
    expect(await w.ended).toBeTruthy()
    double.faults.setUnreachable(false)
    expect((await core.listNamespacedPod({ namespace: NS })).items).toEqual([])
  })
})
