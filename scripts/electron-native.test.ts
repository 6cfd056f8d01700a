/** npm start's Electron-ABI copy of the native modules: apart from Node's, rebuilt only when stale. */
import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  copyIsCurrent,
  electronNativeDir,
  prepareElectronNative,
  sqliteBindingPath,
} from './electron-native.mjs'

let appRoot: string
const nodeBuild = () =>
  join(appRoot, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')

function writePackage(version: string) {
  const dir = join(appRoot, 'node_modules', 'better-sqlite3')
  mkdirSync(join(dir, 'lib'), { recursive: true })
  mkdirSync(dirname(nodeBuild()), { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version }))
  writeFileSync(join(dir, 'lib', 'index.js'), 'module.exports = {}')
  writeFileSync(nodeBuild(), 'node-abi build')
}

/** Stands in for @electron/rebuild: records its calls and writes an "Electron" build in place. */
function fakeRebuild() {
  const calls: Array<Record<string, unknown>> = []
  const rebuild = async (options: { buildPath: string; electronVersion: string }) => {
    calls.push(options)
    const out = join(options.buildPath, 'node_modules', 'better-sqlite3', 'build', 'Release')
    mkdirSync(out, { recursive: true })
    writeFileSync(join(out, 'better_sqlite3.node'), `electron ${options.electronVersion} build`)
  }
  return { calls, rebuild }
}

beforeEach(() => {
  appRoot = mkdtempSync(join(tmpdir(), 'c2d-electron-native-'))
  writePackage('12.11.1')
})
afterEach(() => rmSync(appRoot, { recursive: true, force: true }))

describe('prepareElectronNative', () => {
  it("builds a separate copy for Electron and leaves Node's build alone", async () => {
    const { calls, rebuild } = fakeRebuild()
    const said: string[] = []
    const result = await prepareElectronNative({
      appRoot,
      electronVersion: '45.4.1',
      rebuild,
      say: (l) => said.push(l),
    })
    expect(result).toEqual({ rebuilt: true, binding: sqliteBindingPath(appRoot) })
    expect(calls).toEqual([
      expect.objectContaining({
        buildPath: electronNativeDir(appRoot),
        electronVersion: '45.4.1',
        onlyModules: ['better-sqlite3'],
      }),
    ])
    expect(readFileSync(sqliteBindingPath(appRoot), 'utf8')).toBe('electron 45.4.1 build')
    expect(readFileSync(nodeBuild(), 'utf8')).toBe('node-abi build')
    // The copy holds the sources, never Node's build (the rebuild makes its own).
    expect(
      existsSync(join(electronNativeDir(appRoot), 'node_modules', 'better-sqlite3', 'lib', 'index.js')),
    ).toBe(true)
    expect(said.join('\n')).toMatch(
      /building better-sqlite3 for Electron 45\.4\.1 in node_modules\/\.electron-native/,
    )
  })

  it('does not rebuild a current copy, and rebuilds when Electron or the module changes', async () => {
    const { calls, rebuild } = fakeRebuild()
    await prepareElectronNative({ appRoot, electronVersion: '45.4.1', rebuild, say: () => {} })
    expect(copyIsCurrent(appRoot, '45.4.1')).toBe(true)
    expect(
      (await prepareElectronNative({ appRoot, electronVersion: '45.4.1', rebuild, say: () => {} })).rebuilt,
    ).toBe(false)
    expect(copyIsCurrent(appRoot, '46.0.0')).toBe(false)
    expect(
      (await prepareElectronNative({ appRoot, electronVersion: '46.0.0', rebuild, say: () => {} })).rebuilt,
    ).toBe(true)
    writePackage('12.12.0')
    expect(copyIsCurrent(appRoot, '46.0.0')).toBe(false)
    await prepareElectronNative({ appRoot, electronVersion: '46.0.0', rebuild, say: () => {} })
    expect(calls).toHaveLength(3)
  })

  it('fails, and marks nothing current, when the rebuild produced no binding', async () => {
    const rebuild = async () => {}
    await expect(
      prepareElectronNative({ appRoot, electronVersion: '45.4.1', rebuild, say: () => {} }),
    ).rejects.toThrow(/better_sqlite3\.node is missing/)
    expect(copyIsCurrent(appRoot, '45.4.1')).toBe(false)
  })
})
