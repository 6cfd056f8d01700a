import { describe, expect, it } from 'vitest'
import {
  FieldSelectorError,
  matchesFieldSelector,
  matchesSelector,
  ObjectStore,
  type KubeObject,
} from './object-store'
import { jsonPatch, mergePatch, PatchError } from './merge-patch'

describe('label selectors', () => {
  const labels = { app: 'c2d', tier: 'algo', job: 'j1' }
  it.each([
    ['', true],
    ['app=c2d', true],
    ['app==c2d,tier=algo', true],
    ['app=other', false],
    ['tier!=algo', false],
    ['missing!=x', true],
    ['tier in (algo, publish)', true],
    ['tier in (publish)', false],
    ['tier notin (publish),app=c2d', true],
    ['missing notin (x)', true],
    ['missing in (x)', false],
    ['job', true],
    ['!job', false],
    ['!missing', true],
  ])('%s → %s', (selector, expected) => {
    expect(matchesSelector(labels, selector)).toBe(expected)
  })
})

describe('field selectors', () => {
  const pod: KubeObject = { metadata: { name: 'p1', namespace: 'ns' }, status: { phase: 'Running' } }
  it('matches metadata.name, metadata.namespace and status.phase with = and !=', () => {
    expect(matchesFieldSelector(pod, 'metadata.name=p1,metadata.namespace=ns')).toBe(true)
    expect(matchesFieldSelector(pod, 'status.phase!=Running')).toBe(false)
    expect(matchesFieldSelector(pod, 'metadata.name==p2')).toBe(false)
  })
  it('refuses a field the API server does not index', () => {
    expect(() => matchesFieldSelector(pod, 'spec.image=x')).toThrow(FieldSelectorError)
  })
})

describe('ObjectStore', () => {
  it('gives every change the next resourceVersion and forgets compacted history (410)', () => {
    const store = new ObjectStore(2)
    const a = store.create('configmaps', 'ns', { metadata: { name: 'a' } })
    const start = Number(a.metadata.resourceVersion)
    store.update('configmaps', 'ns', 'a', (o) => (o.data = { k: 'v' }))
    store.delete('configmaps', 'ns', 'a')
    expect(store.currentRv()).toBe(start + 2)
    expect(store.since(start - 1, 'configmaps')).toBe('gone')
    expect((store.since(start, 'configmaps') as Array<{ type: string }>).map((e) => e.type)).toEqual([
      'MODIFIED',
      'DELETED',
    ])
    store.compact()
    expect(store.since(start + 1, 'configmaps')).toBe('gone')
    expect(store.since(store.currentRv(), 'configmaps')).toEqual([])
  })
  it('keeps cluster-scoped objects without a namespace field', () => {
    const store = new ObjectStore()
    expect(store.create('namespaces', '', { metadata: { name: 'n' } }).metadata).not.toHaveProperty(
      'namespace',
    )
  })
})

describe('patches', () => {
  it('merge patch: null deletes, objects merge, lists replace', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { a: null, b: { c: 5 }, l: [9] })).toEqual({
      b: { c: 5, d: 3 },
      l: [9],
    })
  })
  it('JSON patch: add, replace, remove, test; a failed test or a missing path is an error', () => {
    const doc = { metadata: { labels: { a: '1' } }, list: ['x'] }
    expect(
      jsonPatch(doc, [
        { op: 'add', path: '/metadata/labels/b', value: '2' },
        { op: 'remove', path: '/metadata/labels/a' },
        { op: 'add', path: '/list/-', value: 'y' },
      ]),
    ).toEqual({ metadata: { labels: { b: '2' } }, list: ['x', 'y'] })
    expect(() => jsonPatch(doc, [{ op: 'test', path: '/list/0', value: 'no' }])).toThrow(PatchError)
    expect(() => jsonPatch(doc, [{ op: 'replace', path: '/nope/x', value: 1 }])).toThrow(PatchError)
    expect(doc).toEqual({ metadata: { labels: { a: '1' } }, list: ['x'] })
  })
})
