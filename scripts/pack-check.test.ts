/**
 * CI packaging check: packs the app with electron-builder `--dir` (the real electron-builder.yml)
 * against a stand-in Electron distribution, offline, and checks what a user's install would hold:
 * entry points, renderer, migrations, sample assets, the native SQLite module outside the asar, and
 * no sources, tests or dev tools. The real Electron binary and the native rebuild for Electron's
 * ABI are what electron-builder adds on a packing machine with network; they are out of scope here.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { buildElectron, root } from './build-electron.mjs'
import { runOnStandIn } from '../main/test/bundle/spawn'

/** Every path in an asar archive (its header is a Chromium pickle: sizes, then a JSON tree). */
export function listAsar(file: string): Map<string, { size?: number; unpacked?: boolean }> {
  const fd = readFileSync(file)
  const headerStringSize = fd.readUInt32LE(12)
  const header = JSON.parse(fd.subarray(16, 16 + headerStringSize).toString('utf8')) as AsarNode
  const out = new Map<string, { size?: number; unpacked?: boolean }>()
  const walk = (node: AsarNode, prefix: string) => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const path = prefix ? `${prefix}/${name}` : name
      if (child.files) walk(child, path)
      else out.set(path, { size: child.size, unpacked: child.unpacked })
    }
  }
  walk(header, '')
  return out
}
interface AsarNode {
  files?: Record<string, AsarNode>
  size?: number
  unpacked?: boolean
}

const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
/** RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadAppFromAsar, V8Snapshot, FileProtocolPrivileges. */
const ELECTRON_DEFAULT_FUSES = '10110001'

/** The fuse wire of a (stand-in) Electron binary, '0'/'1' per fuse. */
export function readFuses(file: string): string {
  const bytes = readFileSync(file)
  const at = bytes.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length
  const length = bytes[at + 1] ?? 0
  return bytes.subarray(at + 2, at + 2 + length).toString('latin1')
}

let work: string
let log = ''
let status: number | null = null
let entries: Map<string, { size?: number; unpacked?: boolean }>
let unpackedDir: string

beforeAll(async () => {
  await buildElectron({ quiet: true })
  const renderer = spawnSync(process.execPath, [join(root, 'scripts', 'ensure-renderer-build.mjs')], {
    cwd: root,
    encoding: 'utf8',
  })
  if (renderer.status !== 0) throw new Error(`renderer build failed:\n${renderer.stderr}`)

  work = mkdtempSync(join(tmpdir(), 'c2d-pack-check-'))
  // The stand-in: what electron-builder copies from an Electron distribution, minus Chromium.
  const dist = join(work, 'electron-dist')
  mkdirSync(join(dist, 'resources'), { recursive: true })
  mkdirSync(join(dist, 'locales'))
  // Real Electron binaries hold a fuse wire after this sentinel (@electron/fuses): version 1, length,
  // one byte per fuse. The stand-in holds Electron 45's defaults, so electron-builder's fuse step runs
  // on it exactly as on a real binary and the test can read back what it wrote.
  writeFileSync(
    join(dist, 'electron'),
    Buffer.concat([
      Buffer.from(
        '#!/bin/sh\necho "stand-in Electron for the packaging check; not runnable" >&2\nexit 1\n# ',
      ),
      Buffer.from(FUSE_SENTINEL),
      Buffer.from([1, ELECTRON_DEFAULT_FUSES.length]),
      Buffer.from(ELECTRON_DEFAULT_FUSES),
      Buffer.from('\n'),
    ]),
  )
  chmodSync(join(dist, 'electron'), 0o755)
  writeFileSync(
    join(dist, 'version'),
    JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version,
  )

  // electron-builder goes quiet under a test runner (it sees VITEST); its log is what we check.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    ELECTRON_GET_USE_PROXY: '1',
  }
  for (const name of Object.keys(env))
    if (name.startsWith('VITEST') || name === 'TEST' || name === 'NODE_ENV') delete env[name]
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'electron-builder', 'cli.js'),
      '--dir',
      '--linux',
      '--x64',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${dist}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${join(work, 'out')}`,
      '--publish',
      'never',
    ],
    {
      cwd: root,
      encoding: 'utf8',
      // Any download attempt goes through a proxy on a closed port and fails the pack: "offline"
      // is enforced, not just hoped for.
      env,
      timeout: 170_000,
    },
  )
  status = result.status
  log = `${result.stdout}\n${result.stderr}`
  const appOut = join(work, 'out', 'linux-unpacked')
  unpackedDir = join(appOut, 'resources', 'app.asar.unpacked')
  entries = existsSync(join(appOut, 'resources', 'app.asar'))
    ? listAsar(join(appOut, 'resources', 'app.asar'))
    : new Map()
}, 180_000)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('packaging check (electron-builder --dir, stand-in Electron)', () => {
  it('packs offline with the stand-in distribution and no native rebuild', () => {
    expect(status, log).toBe(0)
    expect(log).toContain('using custom unpacked Electron distribution')
    expect(log).toContain('skipped dependencies rebuild')
    expect(log).not.toMatch(/download/i)
    expect(existsSync(join(work, 'out', 'linux-unpacked', 'c2d-publisher-console'))).toBe(true)
  })

  it('holds the entry points: package.json → dist/main/app.js, the preload and the ESM marker', () => {
    const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string }
    expect(packageJson.main).toBe('dist/main/app.js')
    for (const path of [
      'package.json',
      'dist/main/app.js',
      'dist/main/preload.cjs',
      'dist/main/package.json',
    ])
      expect(entries.has(path), path).toBe(true)
  })

  it('holds every store migration next to the bundle', () => {
    const migrations = readdirSync(join(root, 'engine', 'store', 'migrations')).filter((f) =>
      f.endsWith('.sql'),
    )
    expect(migrations.length).toBeGreaterThan(0)
    for (const m of migrations) expect(entries.has(`dist/main/migrations/${m}`), m).toBe(true)
  })

  it('holds the renderer bundle', () => {
    expect(entries.has('dist/renderer/index.html')).toBe(true)
    expect([...entries.keys()].some((p) => /^dist\/renderer\/assets\/.+\.js$/.test(p))).toBe(true)
  })

  it('holds the sample assets as real files (the sandbox bind-mounts them) and the icons', () => {
    for (const path of ['assets/samples.json', 'assets/icons/icon.png', 'assets/icons/tray.png'])
      expect(entries.has(path), path).toBe(true)
    const samples = readdirSync(join(root, 'assets', 'sample-data'))
    for (const f of samples) {
      expect(entries.get(`assets/sample-data/${f}`)?.unpacked, f).toBe(true)
      expect(statSync(join(unpackedDir, 'assets', 'sample-data', f)).size).toBe(
        statSync(join(root, 'assets', 'sample-data', f)).size,
      )
    }
    for (const f of readdirSync(join(root, 'assets', 'algorithms')))
      expect(existsSync(join(unpackedDir, 'assets', 'algorithms', f)), f).toBe(true)
  })

  it('ships better-sqlite3 with its native module outside the asar', () => {
    const native = [...entries].filter(
      ([p]) => p.startsWith('node_modules/better-sqlite3/') && p.endsWith('.node'),
    )
    expect(native.length).toBeGreaterThan(0)
    for (const [p, e] of native) {
      expect(e.unpacked, p).toBe(true)
      expect(existsSync(join(unpackedDir, p)), p).toBe(true)
    }
  })

  it('flips the Electron fuses: RunAsNode, NODE_OPTIONS, --inspect off; cookie encryption, asar integrity, asar-only on', () => {
    const fuses = readFuses(join(work, 'out', 'linux-unpacked', 'c2d-publisher-console'))
    // Positions as in @electron/fuses' FuseV1Options; the last two keep Electron's defaults.
    expect(fuses).toBe('010011' + ELECTRON_DEFAULT_FUSES.slice(6))
  })

  it("ships only this target's EDR binding (linux-x64-gnu), unpacked, and no other platform's", () => {
    const edrBinaries = [...entries].filter(
      ([p]) => p.startsWith('node_modules/@nomicfoundation/edr-') && p.endsWith('.node'),
    )
    expect(edrBinaries.map(([p]) => p.split('/')[2])).toEqual(['edr-linux-x64-gnu'])
    for (const [p, e] of edrBinaries) {
      expect(e.unpacked, p).toBe(true)
      expect(existsSync(join(unpackedDir, p)), p).toBe(true)
    }
    expect([...entries.keys()].some((p) => p.startsWith('node_modules/.electron-native/'))).toBe(false)
  })

  it('leaves out sources, tests, source maps and dev tools', () => {
    const paths = [...entries.keys()]
    const offenders = paths.filter(
      (p) =>
        /^(main|engine|renderer|e2e|scripts|bench|docs)\//.test(p) ||
        p.endsWith('.map') ||
        /^node_modules\/(electron|electron-builder|vitest|@playwright|playwright|playwright-core|typescript|esbuild|vite|@oceanprotocol\/lib)\//.test(
          p,
        ),
    )
    expect(offenders).toEqual([])
  })
})

describe('the built main bundle (dist/main/app.js) on the strict Electron stand-in', () => {
  // The bundle runs unchanged in Node with `electron` resolved to main/test/electron-stand-in.ts
  // (ready-gated APIs, pages through the app:// handler, the real preload sandboxed in a vm).
  it('opens the starting page at once, starts the real engine on userData with the bundled migrations, loads the console, answers through the preload, and quits after core.stop()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'c2d-bundle-smoke-'))
    try {
      const userData = join(dir, 'userData')
      mkdirSync(userData)
      writeFileSync(
        join(userData, 'config.json'),
        JSON.stringify({
          provider: { port: 0 },
          operatorApi: { port: 0 },
          chain: { mode: 'off' },
          p2p: { enabled: false },
        }),
      )
      const { report, exitCode, output } = await runOnStandIn(join(root, 'dist', 'main', 'app.js'), {
        appData: join(dir, 'appData'),
        userData,
        waitForConsole: true,
      })
      expect(report, output).not.toBeNull()
      expect(report!.failed, output).toBeUndefined()
      expect(exitCode, output).toBe(0)
      expect(report!.pages.map((p) => p.url)).toEqual([
        'app://console/_starting/index.html',
        'app://console/index.html',
      ])
      for (const page of report!.pages) {
        expect(page.status).toBe(200)
        expect(page.problems, page.url).toEqual([])
        expect(page.preloadErrors, page.url).toEqual([])
        expect(page.assets, page.url).toBeGreaterThan(0)
      }
      expect(report!.firstWindowMs!).toBeLessThan(report!.usableMs!)
      expect(report!.overview).toMatchObject({ ok: true, value: { chainId: null, chainError: null } })
      expect(report!.violations).toEqual([])
      expect(report!.errorBoxes).toEqual([])
      const log = readFileSync(join(userData, 'logs', 'main.log'), 'utf8')
      expect(log.indexOf('quitting: stopping the engine')).toBeGreaterThan(log.indexOf('core started'))
      expect(log.indexOf('core stopped')).toBeGreaterThan(log.indexOf('quitting: stopping the engine'))
      const db = new BetterSqlite3(join(userData, 'console.db'), { readonly: true })
      try {
        const migrations = readdirSync(join(root, 'engine', 'store', 'migrations')).filter((f) =>
          f.endsWith('.sql'),
        ).length
        expect(db.pragma('user_version', { simple: true })).toBe(migrations)
      } finally {
        db.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
