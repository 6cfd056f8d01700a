import { describe, it, expect } from 'vitest'
import { entrypointArgv, findSystemPython, resolveRuntime } from './runtimes'

const paths = (node: string) => ({ node, python3: '/usr/bin/python3' })

describe('resolveRuntime', () => {
  it('maps node images to the given node executable', () => {
    expect(resolveRuntime('node', '20', paths('/opt/node'))).toEqual({
      ok: true,
      runtime: { name: 'node', command: '/opt/node' },
    })
    expect(resolveRuntime('oceanprotocol/algo_dockers', 'node', paths('/n'))).toMatchObject({
      ok: true,
      runtime: { name: 'node' },
    })
  })
  it('maps python images to python3', () => {
    expect(resolveRuntime('python', '3.11', paths('/n'))).toMatchObject({
      ok: true,
      runtime: { command: '/usr/bin/python3' },
    })
    expect(resolveRuntime('docker.io/library/python', '3', paths('/n'))).toMatchObject({
      ok: true,
      runtime: { name: 'python3' },
    })
    expect(resolveRuntime('oceanprotocol/algo_dockers', 'python-branin', paths('/n'))).toMatchObject({
      ok: true,
      runtime: { name: 'python3' },
    })
  })
  it('refuses unknown images and lists what it can run', () => {
    const r = resolveRuntime('rust', 'latest', paths('/n'))
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.reason).toMatch(/rust:latest.*node:<version>.*python:<version>/)
  })
})

describe('entrypointArgv', () => {
  const node = { name: 'node' as const, command: '/opt/node' }
  it('replaces $ALGO and the interpreter word, keeps further arguments', () => {
    expect(entrypointArgv('node $ALGO --rows 10', node, '/data/transformations/algorithm')).toEqual([
      '/opt/node',
      '/data/transformations/algorithm',
      '--rows',
      '10',
    ])
    expect(entrypointArgv('python3 ${ALGO}', { name: 'python3', command: '/usr/bin/python3' }, '/a')).toEqual(
      ['/usr/bin/python3', '/a'],
    )
  })
  it('runs the algorithm file when the entrypoint is empty', () => {
    expect(entrypointArgv('  ', node, '/a')).toEqual(['/opt/node', '/a'])
  })
  it('refuses an entrypoint that does not start with an interpreter (no shell, no other binaries)', () => {
    expect(() => entrypointArgv('sh -c "curl x"', node, '/a')).toThrow(/interpreter/)
  })
})

describe('findSystemPython', () => {
  it('prefers /usr/bin/python3 and never a shim from PATH', () => {
    expect(findSystemPython((p) => p === '/usr/local/bin/python3')).toBe('/usr/local/bin/python3')
    expect(findSystemPython(() => true)).toBe('/usr/bin/python3')
  })
})

describe('node algorithms inside Electron (RunAsNode fuse off)', () => {
  const electronHost = (existing: string[], platform: NodeJS.Platform = 'linux', pathEnv = '') => ({
    execPath: '/opt/C2D Publisher Console/c2d-publisher-console',
    electron: true,
    platform,
    pathEnv,
    exists: (p: string) => existing.includes(p),
  })
  const appNode = { node: '/opt/C2D Publisher Console/c2d-publisher-console', python3: '/usr/bin/python3' }

  it("uses a system Node instead of the app's own executable", () => {
    expect(resolveRuntime('node', '20', appNode, electronHost(['/usr/bin/node']))).toEqual({
      ok: true,
      runtime: { name: 'node', command: '/usr/bin/node' },
    })
  })

  it('on Linux ignores a Node under a home folder on PATH (the sandbox hides it); on macOS/Windows PATH counts', () => {
    const home = '/home/ada/.nvm/versions/node/v22/bin'
    expect(resolveRuntime('node', '20', appNode, electronHost([`${home}/node`], 'linux', home)).ok).toBe(
      false,
    )
    expect(
      resolveRuntime('node', '20', appNode, electronHost([`${home}/node`], 'darwin', home)),
    ).toMatchObject({
      ok: true,
      runtime: { command: `${home}/node` },
    })
    expect(
      resolveRuntime(
        'node',
        '20',
        appNode,
        electronHost(['C:\\nodejs\\node.exe'], 'win32', 'C:\\Windows;C:\\nodejs'),
      ),
    ).toMatchObject({ ok: true, runtime: { command: 'C:\\nodejs\\node.exe' } })
  })

  it('without any Node says what to install, instead of running Electron as Node', () => {
    const result = resolveRuntime('oceanprotocol/algo_dockers', 'node', appNode, electronHost([]))
    expect(result.ok).toBe(false)
    expect(!result.ok && result.reason).toMatch(/Node\.js .*nodejs\.org/)
  })

  it('a configured node path is used as given, in Electron too', () => {
    expect(resolveRuntime('node', '20', { ...appNode, node: '/opt/node' }, electronHost([]))).toMatchObject({
      ok: true,
      runtime: { command: '/opt/node' },
    })
  })
})
