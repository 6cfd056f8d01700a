/**
 * The API double's URL space: which kinds it serves under which group/version, how a path splits
 * into resource/namespace/name/subresource, and the discovery documents (`/api`, `/apis`,
 * `/api/v1`, `/apis/<group>/<version>`) reduced to the kinds served here — enough for kubectl-style
 * discovery and client-node's KubernetesObjectApi to resolve a kind to its path.
 */

export interface KindInfo {
  kind: string
  apiVersion: string
  group: string
  singular: string
  verbs: string[]
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']

/** Namespaced kinds served (namespaces themselves are cluster-scoped and handled apart). */
export const KINDS: Record<string, KindInfo> = {
  pods: { kind: 'Pod', apiVersion: 'v1', group: '', singular: 'pod', verbs: RW },
  secrets: { kind: 'Secret', apiVersion: 'v1', group: '', singular: 'secret', verbs: RW },
  configmaps: { kind: 'ConfigMap', apiVersion: 'v1', group: '', singular: 'configmap', verbs: RW },
  persistentvolumeclaims: {
    kind: 'PersistentVolumeClaim',
    apiVersion: 'v1',
    group: '',
    singular: 'persistentvolumeclaim',
    verbs: RW,
  },
  events: { kind: 'Event', apiVersion: 'v1', group: '', singular: 'event', verbs: RW },
  // Read by the double's create admission (namespace-admission.ts).
  resourcequotas: {
    kind: 'ResourceQuota',
    apiVersion: 'v1',
    group: '',
    singular: 'resourcequota',
    verbs: RW,
  },
  limitranges: { kind: 'LimitRange', apiVersion: 'v1', group: '', singular: 'limitrange', verbs: RW },
  networkpolicies: {
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    group: 'networking.k8s.io',
    singular: 'networkpolicy',
    verbs: RW,
  },
}

/**
 * Cluster-scoped kinds served besides namespaces (storage.ts fills them: the cluster's
 * StorageClasses and the PersistentVolumes its provisioner made).
 */
export const CLUSTER_KINDS: Record<string, KindInfo> = {
  persistentvolumes: {
    kind: 'PersistentVolume',
    apiVersion: 'v1',
    group: '',
    singular: 'persistentvolume',
    verbs: RW,
  },
  storageclasses: {
    kind: 'StorageClass',
    apiVersion: 'storage.k8s.io/v1',
    group: 'storage.k8s.io',
    singular: 'storageclass',
    verbs: RW,
  },
}

export interface Route {
  resource: string
  namespace?: string
  name?: string
  sub?: string
  /** A namespaced kind asked for across namespaces (no namespace segment). */
  allNamespaces?: boolean
}

/** /api/v1/namespaces/{ns}/{resource}[/{name}[/{sub}]], /apis/{g}/{v}/namespaces/..., /api/v1/namespaces[/{name}]. */
export function route(pathname: string): Route | undefined {
  const m =
    /^\/(?:api\/v1|apis\/([^/]+)\/v1)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?$/.exec(
      pathname,
    )
  if (m) {
    const info = KINDS[m[3]!]
    // A kind asked for under the wrong group is unknown, as on a real server.
    if (info && info.group !== (m[1] ?? '')) return undefined
    return {
      namespace: decodeURIComponent(m[2]!),
      resource: m[3]!,
      ...(m[4] ? { name: decodeURIComponent(m[4]) } : {}),
      ...(m[5] ? { sub: m[5] } : {}),
    }
  }
  const ns = /^\/api\/v1\/namespaces(?:\/([^/]+))?$/.exec(pathname)
  if (ns) return { resource: 'namespaces', ...(ns[1] ? { name: decodeURIComponent(ns[1]) } : {}) }
  const cluster = /^\/(?:api\/v1|apis\/([^/]+)\/v1)\/([^/]+)(?:\/([^/]+))?$/.exec(pathname)
  if (cluster && CLUSTER_KINDS[cluster[2]!]?.group === (cluster[1] ?? ''))
    return { resource: cluster[2]!, ...(cluster[3] ? { name: decodeURIComponent(cluster[3]) } : {}) }
  // All namespaces at once (list/watch only): /api/v1/pods, /apis/networking.k8s.io/v1/networkpolicies.
  const all = /^\/(?:api\/v1|apis\/([^/]+)\/v1)\/([^/]+)$/.exec(pathname)
  if (all && KINDS[all[2]!]?.group === (all[1] ?? '')) return { resource: all[2]!, allNamespaces: true }
  return undefined
}

function resourceList(group: string, groupVersion: string) {
  const resources = Object.entries(KINDS)
    .filter(([, k]) => k.group === group)
    .map(([name, k]) => ({ name, singularName: k.singular, namespaced: true, kind: k.kind, verbs: k.verbs }))
  for (const [name, k] of Object.entries(CLUSTER_KINDS))
    if (k.group === group)
      resources.push({ name, singularName: k.singular, namespaced: false, kind: k.kind, verbs: k.verbs })
  if (group === '') {
    resources.push({
      name: 'namespaces',
      singularName: 'namespace',
      namespaced: false,
      kind: 'Namespace',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    })
    resources.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] })
    resources.push({
      name: 'pods/exec',
      singularName: '',
      namespaced: true,
      kind: 'PodExecOptions',
      verbs: ['create', 'get'],
    })
  }
  if (group === 'authorization.k8s.io')
    resources.push({
      name: 'selfsubjectaccessreviews',
      singularName: 'selfsubjectaccessreview',
      namespaced: false,
      kind: 'SelfSubjectAccessReview',
      verbs: ['create'],
    })
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources }
}

const GROUPS = ['networking.k8s.io', 'authorization.k8s.io', 'storage.k8s.io']

/** The discovery document for `path`, or undefined when it is not a discovery path. */
export function discovery(path: string): unknown {
  if (path === '/api')
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
    }
  if (path === '/api/v1') return resourceList('', 'v1')
  if (path === '/apis') {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: GROUPS.map((name) => ({
        name,
        versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
        preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
      })),
    }
  }
  const m = /^\/apis\/([^/]+)\/v1$/.exec(path)
  if (m && GROUPS.includes(m[1]!)) return resourceList(m[1]!, `${m[1]}/v1`)
  return undefined
}
