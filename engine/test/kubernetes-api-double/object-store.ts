/**
 * The API double's storage: objects per resource, one global resourceVersion counter (a string on
 * the wire, as etcd's revision), and a bounded event history that watches replay from. A watch
 * asking for a resourceVersion older than the history gets 410 Gone, like a compacted etcd.
 */
import { randomUUID } from 'node:crypto'

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string
  kind?: string
  metadata: Record<string, unknown> & {
    name: string
    namespace?: string
    labels?: Record<string, string>
    resourceVersion?: string
    uid?: string
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED'

export interface StoredEvent {
  rv: number
  resource: string
  type: WatchEventType
  object: KubeObject
}

export type WatchListener = (event: StoredEvent) => void

export class ObjectStore {
  private rv = 1
  private readonly objects = new Map<string, Map<string, KubeObject>>()
  private history: StoredEvent[] = []
  /** Events older than this resourceVersion are gone (compacted). */
  compactedRv = 0
  private readonly listeners = new Set<WatchListener>()

  constructor(private readonly historyMax = 1000) {}

  currentRv(): number {
    return this.rv
  }

  private table(resource: string): Map<string, KubeObject> {
    let table = this.objects.get(resource)
    if (!table) {
      table = new Map()
      this.objects.set(resource, table)
    }
    return table
  }

  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.table(resource).get(`${namespace}/${name}`)
  }

  list(resource: string, namespace?: string): KubeObject[] {
    return [...this.table(resource).values()].filter(
      (o) => namespace === undefined || (o.metadata.namespace ?? '') === namespace,
    )
  }

  create(resource: string, namespace: string, object: KubeObject): KubeObject {
    const stored: KubeObject = structuredClone(object)
    stored.metadata = {
      ...stored.metadata,
      // Cluster-scoped kinds (Namespace) carry no namespace field at all.
      ...(namespace ? { namespace } : {}),
      uid: randomUUID(),
      creationTimestamp: new Date().toISOString(),
      resourceVersion: String(++this.rv),
    }
    this.table(resource).set(`${namespace}/${stored.metadata.name}`, stored)
    this.record(resource, 'ADDED', stored)
    return structuredClone(stored)
  }

  /** Applies `change` to the stored object and bumps its resourceVersion. */
  update(
    resource: string,
    namespace: string,
    name: string,
    change: (object: KubeObject) => void,
  ): KubeObject | undefined {
    const stored = this.get(resource, namespace, name)
    if (!stored) return undefined
    change(stored)
    stored.metadata.resourceVersion = String(++this.rv)
    this.record(resource, 'MODIFIED', stored)
    return structuredClone(stored)
  }

  delete(resource: string, namespace: string, name: string): KubeObject | undefined {
    const stored = this.get(resource, namespace, name)
    if (!stored) return undefined
    this.table(resource).delete(`${namespace}/${name}`)
    stored.metadata.resourceVersion = String(++this.rv)
    this.record(resource, 'DELETED', stored)
    return structuredClone(stored)
  }

  private record(resource: string, type: WatchEventType, object: KubeObject): void {
    const event = { rv: this.rv, resource, type, object: structuredClone(object) }
    this.history.push(event)
    if (this.history.length > this.historyMax) {
      const dropped = this.history.splice(0, this.history.length - this.historyMax)
      this.compactedRv = dropped.at(-1)!.rv
    }
    for (const listener of this.listeners) listener(event)
  }

  /** Events after `rv`, or 'gone' when they were compacted away. */
  since(rv: number, resource: string): StoredEvent[] | 'gone' {
    if (rv < this.compactedRv) return 'gone'
    return this.history.filter((e) => e.rv > rv && e.resource === resource)
  }

  /** Drops the whole history (a fault: every older resourceVersion becomes 410 Gone). */
  compact(): void {
    this.compactedRv = this.rv
    this.history = []
  }

  subscribe(listener: WatchListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

/** Equality-based and set-based label selectors (`a=b,c!=d,e in (x,y),f notin (z),g,!h`). */
export function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: string | undefined,
): boolean {
  if (!selector) return true
  const have = labels ?? {}
  const terms = selector.match(/[^,(]+(\([^)]*\))?/g) ?? []
  return terms.every((raw) => {
    const term = raw.trim()
    let m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term)
    if (m) {
      const values = m[3]!.split(',').map((v) => v.trim())
      const value = have[m[1]!]
      return m[2] === 'in'
        ? value !== undefined && values.includes(value)
        : value === undefined || !values.includes(value)
    }
    m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(term)
    if (m) return m[2] === '!=' ? have[m[1]!] !== m[3] : have[m[1]!] === m[3]
    if (term.startsWith('!')) return have[term.slice(1)] === undefined
    return have[term] !== undefined
  })
}

/**
 * Field selectors as the API server supports them for every kind (`metadata.name`,
 * `metadata.namespace`) plus the pod fields the kubelet's clients use (`status.phase`,
 * `spec.nodeName`, `spec.restartPolicy`) and the event fields (`involvedObject.*`, `reason`, `type`); `=`, `==` and `!=`, comma-separated. An unsupported field
 * is an error, as on a real server ("field label not supported").
 */
export function matchesFieldSelector(object: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true
  return selector.split(',').every((raw) => {
    const m = /^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw)
    if (!m) throw new FieldSelectorError(`invalid field selector: ${raw}`)
    const value = fieldValue(object, m[1]!)
    return m[2] === '!=' ? value !== m[3] : value === m[3]
  })
}

export class FieldSelectorError extends Error {}

const FIELDS: Record<string, (o: KubeObject) => unknown> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
  'status.phase': (o) => (o.status as { phase?: string } | undefined)?.phase ?? '',
  'spec.nodeName': (o) => (o.spec as { nodeName?: string } | undefined)?.nodeName ?? '',
  'spec.restartPolicy': (o) => (o.spec as { restartPolicy?: string } | undefined)?.restartPolicy ?? '',
  // Events' own fields (kubectl describe reads a pod's events with involvedObject.*).
  'involvedObject.name': (o) => (o.involvedObject as { name?: string } | undefined)?.name ?? '',
  'involvedObject.kind': (o) => (o.involvedObject as { kind?: string } | undefined)?.kind ?? '',
  'involvedObject.uid': (o) => (o.involvedObject as { uid?: string } | undefined)?.uid ?? '',
  reason: (o) => o.reason ?? '',
  type: (o) => o.type ?? '',
}

function fieldValue(object: KubeObject, field: string): string {
  const read = FIELDS[field]
  if (!read) throw new FieldSelectorError(`field label not supported: ${field}`)
  return String(read(object))
}
