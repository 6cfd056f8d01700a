/**
 * Create-time admission of the API double from the namespace's ResourceQuota and LimitRange
 * objects, and the Secret size validation, as kube-apiserver applies them (their wording too):
 *   - LimitRange (mutating, then validating): `default`/`defaultRequest` fill a Container's missing
 *     limits/requests; `max`/`min` per Container, per Pod, and per PersistentVolumeClaim refuse with
 *     403 `maximum cpu usage per Container is 200m, but limit is 500m` (several: `[a, b]`);
 *   - ResourceQuota (validating, last): `pods`, `secrets`, `persistentvolumeclaims` and their
 *     `count/<resource>` forms, `requests.cpu`/`cpu`, `requests.memory`/`memory`, `limits.cpu`,
 *     `limits.memory`, `requests.nvidia.com/gpu`, `requests.storage`. Usage is what the namespace
 *     holds now (pods in a terminal phase do not count, as the quota controller counts them). Over
 *     the hard limit: 403 `exceeded quota: <name>, requested: …, used: …, limited: …`; a quota on
 *     cpu/memory and a container without that request or limit: 403 `failed quota: <name>: must
 *     specify …`;
 *   - Secret: more than 1 MiB of data (`data` decoded plus `stringData`) is 422 Invalid `Secret "x"
 *     is invalid: data: Too long: must have at most 1048576 bytes`.
 */
import type { KubeObject, ObjectStore } from './object-store'

export type CreateVerdict = { ok: true } | { ok: false; code: 403 | 422; reason: string; message: string }

/** The API server's Secret limit (api.MaxSecretSize). */
export const SECRET_DATA_MAX_BYTES = 1024 * 1024

interface Container {
  name: string
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
}
interface PodSpec {
  containers?: Container[]
  initContainers?: Container[]
}

const UNITS: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
}

/** A Kubernetes quantity ("500m", "2", "128Mi", "1G") as a number (cores, bytes, a count). */
export function quantity(q: string | number | undefined): number {
  if (q === undefined) return 0
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(q))
  if (!m) return NaN
  return Number(m[1]) * (m[2] ? UNITS[m[2]]! : 1)
}

/** A number as the API server prints quantities: millicores, binary units when exact, else plain. */
function format(resource: string, value: number): string {
  if (/cpu/.test(resource)) {
    const milli = Math.round(value * 1000)
    return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`
  }
  if (/memory|storage/.test(resource)) {
    for (const unit of ['Ti', 'Gi', 'Mi', 'Ki'])
      if (value >= UNITS[unit]! && value % UNITS[unit]! === 0) return `${value / UNITS[unit]!}${unit}`
  }
  return String(value)
}

const containersOf = (spec: PodSpec) => [...(spec.initContainers ?? []), ...(spec.containers ?? [])]

/** A pod's effective request or limit of `resource`: the larger of its app containers' sum and any init container. */
function podAmount(spec: PodSpec, kind: 'requests' | 'limits', resource: string): number {
  const of = (c: Container) => quantity(c.resources?.[kind]?.[resource])
  const app = (spec.containers ?? []).reduce((sum, c) => sum + of(c), 0)
  return Math.max(app, ...(spec.initContainers ?? []).map(of))
}

function inTerminalPhase(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase
  return phase === 'Succeeded' || phase === 'Failed'
}

/** What one object uses of quota key `key` (undefined: the key does not concern this kind). */
function usage(resource: string, object: KubeObject, key: string): number | undefined {
  const counted = key.startsWith('count/') ? key.slice('count/'.length) : key
  if (counted === resource) return 1
  if (resource === 'pods') {
    const spec = (object.spec ?? {}) as PodSpec
    const m = /^(requests|limits)\.(.+)$/.exec(key)
    if (m && m[2] !== 'storage') return podAmount(spec, m[1] as 'requests' | 'limits', m[2]!)
    if (key === 'cpu' || key === 'memory') return podAmount(spec, 'requests', key)
  }
  if (resource === 'persistentvolumeclaims' && key === 'requests.storage')
    return quantity(
      (object.spec as { resources?: { requests?: { storage?: string } } } | undefined)?.resources?.requests
        ?.storage,
    )
  return undefined
}

/** Quota keys on cpu/memory that every container must state (else "must specify"). */
function mustSpecify(key: string): { kind: 'requests' | 'limits'; resource: string } | undefined {
  const m = /^(requests|limits)\.(cpu|memory)$/.exec(key)
  if (m) return { kind: m[1] as 'requests' | 'limits', resource: m[2]! }
  if (key === 'cpu' || key === 'memory') return { kind: 'requests', resource: key }
  return undefined
}

function checkQuotas(store: ObjectStore, resource: string, ns: string, object: KubeObject): CreateVerdict {
  const name = object.metadata.name
  for (const quota of store.list('resourcequotas', ns)) {
    const hard = ((quota.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {}) as Record<
      string,
      string
    >
    if (resource === 'pods') {
      const missing = Object.keys(hard)
        .map(mustSpecify)
        .filter((m): m is NonNullable<typeof m> => m !== undefined)
        .map(({ kind, resource: r }) => {
          const without = containersOf((object.spec ?? {}) as PodSpec).filter(
            (c) => c.resources?.[kind]?.[r] === undefined,
          )
          return without.length ? `${kind}.${r} for: ${without.map((c) => c.name).join(',')}` : undefined
        })
        .filter((m): m is string => m !== undefined)
      if (missing.length)
        return {
          ok: false,
          code: 403,
          reason: 'Forbidden',
          message: `${resource} "${name}" is forbidden: failed quota: ${quota.metadata.name}: must specify ${missing.join('; ')}`,
        }
    }
    const over = Object.entries(hard)
      .map(([key, limit]) => {
        const requested = usage(resource, object, key)
        if (requested === undefined || requested === 0) return undefined
        const used = store
          .list(resource, ns)
          .filter((o) => !(resource === 'pods' && inTerminalPhase(o)))
          .reduce((sum, o) => sum + (usage(resource, o, key) ?? 0), 0)
        return used + requested > quantity(limit) ? { key, requested, used, limit } : undefined
      })
      .filter((o): o is NonNullable<typeof o> => o !== undefined)
    if (over.length) {
      const list = (value: (o: (typeof over)[number]) => string) =>
        over.map((o) => `${o.key}=${value(o)}`).join(',')
      return {
        ok: false,
        code: 403,
        reason: 'Forbidden',
        message:
          `${resource} "${name}" is forbidden: exceeded quota: ${quota.metadata.name}, ` +
          `requested: ${list((o) => format(o.key, o.requested))}, used: ${list((o) => format(o.key, o.used))}, ` +
          `limited: ${list((o) => o.limit)}`,
      }
    }
  }
  return { ok: true }
}

interface LimitItem {
  type?: string
  max?: Record<string, string>
  min?: Record<string, string>
  default?: Record<string, string>
  defaultRequest?: Record<string, string>
}

function limitItems(store: ObjectStore, ns: string): LimitItem[] {
  return store
    .list('limitranges', ns)
    .flatMap((lr) => ((lr.spec as { limits?: LimitItem[] } | undefined)?.limits ?? []) as LimitItem[])
}

/** LimitRanger's mutation: a Container's missing limits and requests from the range's defaults. */
function applyDefaults(items: LimitItem[], spec: PodSpec): void {
  for (const item of items.filter((i) => i.type === 'Container')) {
    for (const c of containersOf(spec)) {
      c.resources ??= {}
      for (const [r, v] of Object.entries(item.default ?? {})) (c.resources.limits ??= {})[r] ??= v
      // An unset request defaults to defaultRequest, else to the (possibly defaulted) limit.
      for (const r of new Set([
        ...Object.keys(item.defaultRequest ?? {}),
        ...Object.keys(item.default ?? {}),
      ]))
        (c.resources.requests ??= {})[r] ??= item.defaultRequest?.[r] ?? c.resources.limits?.[r] ?? ''
    }
  }
}

function checkLimits(items: LimitItem[], resource: string, object: KubeObject): string[] {
  const errors: string[] = []
  const bound = (
    scope: string,
    r: string,
    max: string | undefined,
    min: string | undefined,
    limit: number | undefined,
    request: number | undefined,
  ) => {
    // A claim has only a request: LimitRanger holds it to both bounds.
    const limitWord = scope === 'PersistentVolumeClaim' ? 'request' : 'limit'
    if (max !== undefined && limit !== undefined && limit > quantity(max))
      errors.push(`maximum ${r} usage per ${scope} is ${max}, but ${limitWord} is ${format(r, limit)}`)
    if (min !== undefined && request !== undefined && request < quantity(min))
      errors.push(`minimum ${r} usage per ${scope} is ${min}, but request is ${format(r, request)}`)
  }
  const value = (q: string | undefined) => (q === undefined ? undefined : quantity(q))
  for (const item of items) {
    const resources = new Set([...Object.keys(item.max ?? {}), ...Object.keys(item.min ?? {})])
    for (const r of resources) {
      if (resource === 'pods' && item.type === 'Container')
        for (const c of containersOf((object.spec ?? {}) as PodSpec))
          bound(
            'Container',
            r,
            item.max?.[r],
            item.min?.[r],
            value(c.resources?.limits?.[r]),
            value(c.resources?.requests?.[r]),
          )
      if (resource === 'pods' && item.type === 'Pod') {
        const spec = (object.spec ?? {}) as PodSpec
        bound(
          'Pod',
          r,
          item.max?.[r],
          item.min?.[r],
          podAmount(spec, 'limits', r),
          podAmount(spec, 'requests', r),
        )
      }
      if (resource === 'persistentvolumeclaims' && item.type === 'PersistentVolumeClaim') {
        const storage = value(
          (object.spec as { resources?: { requests?: Record<string, string> } } | undefined)?.resources
            ?.requests?.[r],
        )
        bound('PersistentVolumeClaim', r, item.max?.[r], item.min?.[r], storage, storage)
      }
    }
  }
  return errors
}

function secretBytes(secret: KubeObject): number {
  const data = (secret.data ?? {}) as Record<string, string>
  const stringData = (secret.stringData ?? {}) as Record<string, string>
  let total = 0
  for (const [key, value] of Object.entries(data))
    if (!(key in stringData)) total += Buffer.from(String(value), 'base64').length
  for (const value of Object.values(stringData)) total += Buffer.byteLength(String(value))
  return total
}

/**
 * Admits the create of `object` (of `resource`) in namespace `ns`, after the kind's own admission:
 * LimitRange defaults are written into the object; a refusal carries the API server's status and words.
 */
export function admitCreate(
  store: ObjectStore,
  resource: string,
  ns: string,
  object: KubeObject,
): CreateVerdict {
  const name = object.metadata.name
  if (resource === 'secrets' && secretBytes(object) > SECRET_DATA_MAX_BYTES)
    return {
      ok: false,
      code: 422,
      reason: 'Invalid',
      message: `Secret "${name}" is invalid: data: Too long: must have at most ${SECRET_DATA_MAX_BYTES} bytes`,
    }
  const items = limitItems(store, ns)
  if (resource === 'pods') applyDefaults(items, (object.spec ?? {}) as PodSpec)
  const errors = checkLimits(items, resource, object)
  if (errors.length)
    return {
      ok: false,
      code: 403,
      reason: 'Forbidden',
      message: `${resource} "${name}" is forbidden: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`,
    }
  return checkQuotas(store, resource, ns, object)
}
