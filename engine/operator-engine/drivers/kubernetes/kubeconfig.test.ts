import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listContexts, loadKubeConfig, resolveNamespace } from './kubeconfig'

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
