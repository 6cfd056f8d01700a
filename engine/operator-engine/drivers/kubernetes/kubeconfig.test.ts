import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  listContexts,
  loadKubeConfig,
  NoKubeconfigError,
  readKubeconfigFiles,
  resolveNamespace,
} from './kubeconfig'

const kubeconfigYaml = `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: { server: 'https://127.0.0.1:6443' }
users:
- name: u1
  user: { token: t }
contexts:
- name: a
  context: { cluster: c1, user: u1, namespace: jobs }
- name: b
  context: { cluster: c1, user: u1 }
current-context: a
`

function writeKubeconfig(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kubeconfig-')), 'config')
  writeFileSync(path, kubeconfigYaml)
  return path
}

describe('kubeconfig', () => {
  it('lists contexts from a picked file and marks the current one', () => {
    const kubeConfig = loadKubeConfig({ kubeconfigPath: writeKubeconfig() })
    expect(listContexts(kubeConfig).map((c) => [c.name, c.current])).toEqual([
      ['a', true],
      ['b', false],
    ])
    expect(resolveNamespace(kubeConfig)).toBe('jobs')
  })

  it('selects a context and falls back to the default namespace', () => {
    const kubeConfig = loadKubeConfig({ kubeconfigPath: writeKubeconfig(), context: 'b' })
    expect(resolveNamespace(kubeConfig)).toBe('default')
    expect(resolveNamespace(kubeConfig, 'c2d')).toBe('c2d')
  })

  it('refuses an unknown context', () => {
    expect(() => loadKubeConfig({ kubeconfigPath: writeKubeconfig(), context: 'nope' })).toThrow(
      /no context "nope"/,
    )
  })
})

const fileWith = (dir: string, name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
const second = `apiVersion: v1
kind: Config
clusters:
- name: c2
  cluster: { server: 'https://10.0.0.2:6443' }
users:
- name: u2
  user: { token: t2 }
contexts:
- name: b
  context: { cluster: c2, user: u2 }
- name: prod
  context: { cluster: c2, user: u2, namespace: ocean }
current-context: prod
`

describe('kubeconfig files, as kubectl finds them', () => {
  it('with no kubeconfig anywhere there is no context at all (client-node would invent "loaded-context")', () => {
    const home = mkdtempSync(join(tmpdir(), 'home-'))
    const defaultPath = join(home, '.kube', 'config')
    expect(readKubeconfigFiles({ kubeconfigDefaultPath: defaultPath })).toEqual([
      { path: defaultPath, source: 'default', state: 'missing', contexts: [] },
    ])
    expect(() => loadKubeConfig({ kubeconfigDefaultPath: defaultPath })).toThrow(NoKubeconfigError)
    expect(() => loadKubeConfig({ kubeconfigDefaultPath: defaultPath })).toThrow(
      `No kubeconfig found (looked at ${defaultPath} (default))`,
    )
  })

  it('the default file is ~/.kube/config of the home folder (no phantom context with an empty HOME)', () => {
    const saved = { HOME: process.env.HOME, KUBECONFIG: process.env.KUBECONFIG }
    process.env.HOME = mkdtempSync(join(tmpdir(), 'home-'))
    delete process.env.KUBECONFIG
    try {
      expect(() => listContexts(loadKubeConfig({}))).toThrow(NoKubeconfigError)
    } finally {
      process.env.HOME = saved.HOME
      if (saved.KUBECONFIG !== undefined) process.env.KUBECONFIG = saved.KUBECONFIG
    }
  })

  it('lists each KUBECONFIG file with its own contexts and server; missing and broken files say so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfigs-'))
    const first = fileWith(dir, 'a.yaml', kubeconfigYaml)
    const other = fileWith(dir, 'b.yaml', second)
    const broken = fileWith(dir, 'broken.yaml', 'clusters: [ { name: x } ]\n')
    const missing = join(dir, 'gone.yaml')
    const files = readKubeconfigFiles({
      kubeconfigSearchPath: [first, missing, other, broken].join(delimiter),
      kubeconfigDefaultPath: join(dir, 'never-read'),
    })
    expect(files.map((f) => [f.path, f.source, f.state])).toEqual([
      [first, 'KUBECONFIG', 'loaded'],
      [missing, 'KUBECONFIG', 'missing'],
      [other, 'KUBECONFIG', 'loaded'],
      [broken, 'KUBECONFIG', 'invalid'],
    ])
    expect(files[3]!.error).toContain('clusters[0].cluster is missing')
    expect(files[0]!.contexts.map((c) => [c.name, c.server, c.current, c.shadowed])).toEqual([
      ['a', 'https://127.0.0.1:6443', true, false],
      ['b', 'https://127.0.0.1:6443', false, false],
    ])
    // "b" is in both files: kubectl uses the first file's, so the second is marked shadowed.
    expect(files[2]!.contexts.map((c) => [c.name, c.file, c.shadowed])).toEqual([
      ['b', other, true],
      ['prod', other, false],
    ])
  })

  it('merges KUBECONFIG files as kubectl does: the first current-context and the first definition win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfigs-'))
    const first = fileWith(dir, 'a.yaml', kubeconfigYaml)
    const other = fileWith(dir, 'b.yaml', second)
    const search = { kubeconfigSearchPath: [first, join(dir, 'gone.yaml'), other].join(delimiter) }
    const merged = loadKubeConfig(search)
    expect(merged.getCurrentContext()).toBe('a')
    expect(merged.getContexts().map((c) => c.name)).toEqual(['a', 'b', 'prod'])
    expect(loadKubeConfig({ ...search, context: 'b' }).getCurrentCluster()?.server).toBe(
      'https://127.0.0.1:6443',
    )
    expect(loadKubeConfig({ ...search, context: 'prod' }).getCurrentCluster()?.server).toBe(
      'https://10.0.0.2:6443',
    )
  })

  it('a configured file is the only one read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfigs-'))
    const picked = fileWith(dir, 'picked.yaml', second)
    const files = readKubeconfigFiles({
      kubeconfigPath: picked,
      kubeconfigSearchPath: fileWith(dir, 'a', kubeconfigYaml),
    })
    expect(files.map((f) => [f.path, f.source, f.contexts.length])).toEqual([[picked, 'configured', 2]])
  })
})
