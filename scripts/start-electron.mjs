#!/usr/bin/env node
// `npm start`: build the main process + preload (build-electron.mjs) and the renderer, then launch
// Electron on dist/main/app.js. When something needed is missing, say what, why and how to fix it,
// and exit non-zero; never try to download anything from here.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { buildElectron, rendererBuilt, root } from './build-electron.mjs'
import { prepareElectronNative } from './electron-native.mjs'
import { appArmorUsernsAdvice } from './linux-userns.mjs'
import { childStdio, relayQuitSignals } from './electron-signals.mjs'

const require = createRequire(import.meta.url)

/**
 * Where the Electron binary is, without requiring the `electron` package (its index.js would start
 * a download when the binary is missing). Honours ELECTRON_OVERRIDE_DIST_PATH as the package does.
 */
export function locateElectronBinary() {
  let packageDir
  try {
    packageDir = dirname(require.resolve('electron/package.json'))
  } catch {
    return { ok: false, reason: 'the electron package is not installed (run npm ci)' }
  }
  const pathFile = join(packageDir, 'path.txt')
  const relativeExe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) {
    const exe = join(override, relativeExe ?? 'electron')
    return existsSync(exe)
      ? { ok: true, path: exe }
      : { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${exe} does not exist` }
  }
  if (!relativeExe)
    return {
      ok: false,
      reason: `${join(packageDir, 'dist')} is missing: the electron package's install step, which downloads the binary, did not run or could not reach the download server`,
    }
  const exe = join(packageDir, 'dist', relativeExe)
  return existsSync(exe)
    ? { ok: true, path: exe }
    : { ok: false, reason: `${exe} is missing: the binary download did not complete` }
}

function fail(lines) {
  console.error(lines.join('\n'))
  process.exit(1)
}

async function main() {
  await buildElectron()
  // Builds dist/renderer when missing or older than its sources; a no-op otherwise.
  const renderer = spawnSync(process.execPath, [join(root, 'scripts', 'ensure-renderer-build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  })
  if (renderer.status !== 0 || !rendererBuilt())
    fail([
      'npm start: the renderer build failed (see above).',
      'Fix the error, or run `npm run build:renderer` to see it alone.',
    ])

  const electron = locateElectronBinary()
  if (!electron.ok) {
    fail([
      'npm start: cannot launch the desktop app — the Electron binary is not available.',
      `  What failed: ${electron.reason}.`,
      '  Why: npm installs Electron as a small package whose install step downloads the binary from',
      '       GitHub releases; without network access to it (or with install scripts disabled) there is',
      '       no binary. The main process and preload were built anyway (dist/main/).',
      '  Fix, one of:',
      '    - with network access: npm rebuild electron   (or: node node_modules/electron/install.js)',
      '    - behind a mirror: ELECTRON_MIRROR=<your mirror> npm rebuild electron',
      '    - with Electron 45 already on disk: ELECTRON_OVERRIDE_DIST_PATH=<its folder> npm start',
      '  Or use the same console in your browser, without Electron:',
      '    npm run serve      (then open the "Console:" URL it prints)',
    ])
  }

  // better-sqlite3 is compiled for the Node that ran npm ci (serve and the tests use that build);
  // Electron has its own ABI. A separate copy built for Electron lives in node_modules/.electron-native/
  // and the main process loads it through better-sqlite3's nativeBinding option.
  const electronVersion = JSON.parse(
    readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'),
  ).version
  let binding
  try {
    const { rebuild } = await import('@electron/rebuild')
    ;({ binding } = await prepareElectronNative({ electronVersion, rebuild }))
  } catch (error) {
    fail([
      `npm start: could not build better-sqlite3 for Electron ${electronVersion}.`,
      `  What failed: ${error instanceof Error ? error.message : String(error)}`,
      "  Why: native modules are compiled for one ABI; Electron's copy is built once, into",
      '       node_modules/.electron-native/, from a prebuilt binary or the Electron headers (network).',
      '  Fix: run npm start again with network access (or behind ELECTRON_MIRROR / npm_config_disturl),',
      '       or use the console in your browser: npm run serve',
    ])
  }
  // Probe the copy in Electron's Node mode so the user gets a fix, not a NODE_MODULE_VERSION trace.
  const probe = spawnSync(
    electron.path,
    ['-e', `require('better-sqlite3')(':memory:', { nativeBinding: ${JSON.stringify(binding)} }).close()`],
    { cwd: root, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' },
  )
  if (probe.status !== 0) {
    fail([
      `npm start: the Electron build of better-sqlite3 (${binding}) does not load in Electron.`,
      `  What failed: ${(probe.stderr || probe.error?.message || '').split('\n').find((l) => l.includes('NODE_MODULE_VERSION') || l.trim()) ?? 'unknown error'}`,
      '  Fix: delete node_modules/.electron-native/ and run npm start again (it rebuilds the copy).',
    ])
  }

  const userns = appArmorUsernsAdvice({ electronPath: electron.path })
  if (userns.length > 0) console.error(userns.join('\n'))

  // CI: build everything and the Electron-ABI copy, then stop (`npm start -- --prepare-only`).
  if (process.argv.includes('--prepare-only')) {
    console.error(
      'npm start: prepared dist/ and node_modules/.electron-native/; not launching (--prepare-only)',
    )
    return
  }

  const stdio = childStdio(process.platform)
  const child = spawn(electron.path, [join(root, 'dist', 'main', 'app.js'), ...process.argv.slice(2)], {
    cwd: root,
    stdio: [stdio.stdin, 'inherit', 'inherit'],
    env: { ...process.env, ...stdio.env, ELECTRON_RUN_AS_NODE: undefined },
  })
  // Ctrl-C: the app stops its engine and quits (main/launch.ts); this wrapper waits for it.
  relayQuitSignals(process, child)
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

main().catch((error) => fail([`npm start: ${error instanceof Error ? error.message : String(error)}`]))
