import { describe, it, expect } from 'vitest'
import { resolveRuntime } from './runtimes'

describe('resolveRuntime', () => {
  it('maps node images to the given node executable', () => {
    expect(resolveRuntime('node', '20', '/opt/node')).toEqual({ ok: true, runtime: { name: 'node', command: '/opt/node' } })
    expect(resolveRuntime('oceanprotocol/algo_dockers', 'node', '/n')).toMatchObject({ ok: true, runtime: { name: 'node' } })
  })
  it('maps python images to python3', () => {
    expect(resolveRuntime('python', '3.11', '/n')).toMatchObject({ ok: true, runtime: { command: 'python3' } })
    expect(resolveRuntime('docker.io/library/python', '3', '/n')).toMatchObject({ ok: true, runtime: { name: 'python3' } })
    expect(resolveRuntime('oceanprotocol/algo_dockers', 'python-branin', '/n')).toMatchObject({ ok: true, runtime: { name: 'python3' } })
  })
  it('refuses unknown images and lists what it can run', () => {
    const r = resolveRuntime('rust', 'latest', '/n')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.reason).toMatch(/rust:latest.*node:<version>.*python:<version>/)
  })
})
