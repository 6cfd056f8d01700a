// The Electron-ABI copy of the native modules, kept apart from Node's.
//
// `npm ci` builds better-sqlite3 for the Node that ran it; `npm run serve` and `npm test` use that
// build. Electron has another ABI. Rebuilding in place (electron-builder install-app-deps) would
// break serve and the tests, so `npm start` keeps a second copy under
// node_modules/.electron-native/ (a tiny project of its own, rebuilt there with @electron/rebuild)
// and the Electron main process passes its binding to better-sqlite3's `nativeBinding` option.
// Packaged apps need none of this: electron-builder rebuilds the modules it ships for Electron.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const NATIVE_MODULES = ['better-sqlite3']

/** Folder of the Electron-ABI copy (a project with its own package.json and node_modules/). */
export function electronNativeDir(appRoot = root) {
  return join(appRoot, 'node_modules', '.electron-native')
}

/** The Electron-ABI better_sqlite3.node, where the copy puts it. */
export function sqliteBindingPath(appRoot = root) {
  return join(
    electronNativeDir(appRoot),
    'node_modules',
    'better-sqlite3',
    'build',
    'Release',
    'better_sqlite3.node',
  )
}

function versionOf(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version
}

/** What the copy must have been built from: each module's version and Electron's. */
export function wantedStamp(appRoot, electronVersion) {
  return {
    electron: electronVersion,
    modules: Object.fromEntries(NATIVE_MODULES.map((m) => [m, versionOf(join(appRoot, 'node_modules', m))])),
  }
}

/** True when the copy exists and was built for these versions (no rebuild needed). */
export function copyIsCurrent(appRoot, electronVersion) {
  const stampFile = join(electronNativeDir(appRoot), 'stamp.json')
  if (!existsSync(stampFile) || !existsSync(sqliteBindingPath(appRoot))) return false
  return (
    JSON.stringify(JSON.parse(readFileSync(stampFile, 'utf8'))) ===
    JSON.stringify(wantedStamp(appRoot, electronVersion))
  )
}

/**
 * Copies the native modules (sources, not Node's build) into the separate folder and rebuilds
 * them there for Electron. `rebuild` is @electron/rebuild's function (injected for tests).
 */
export async function prepareElectronNative({
  appRoot = root,
  electronVersion,
  rebuild,
  say = console.error,
}) {
  if (copyIsCurrent(appRoot, electronVersion)) {
    say(
      `npm start: using the Electron ${electronVersion} build of ${NATIVE_MODULES.join(', ')} in node_modules/.electron-native/`,
    )
    return { rebuilt: false, binding: sqliteBindingPath(appRoot) }
  }
  const dir = electronNativeDir(appRoot)
  say(
    `npm start: building ${NATIVE_MODULES.join(', ')} for Electron ${electronVersion} in node_modules/.electron-native/ ` +
      "(a separate copy: Node's build stays for npm run serve and npm test; this needs the Electron headers or a prebuilt binary, once)",
  )
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  const stamp = wantedStamp(appRoot, electronVersion)
  for (const name of NATIVE_MODULES) {
    const from = join(appRoot, 'node_modules', name)
    cpSync(from, join(dir, 'node_modules', name), {
      recursive: true,
      filter: (src) => !src.startsWith(join(from, 'build')) && !src.startsWith(join(from, 'node_modules')),
    })
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'electron-native', private: true, dependencies: stamp.modules }, null, 2) + '\n',
  )
  await rebuild({
    buildPath: dir,
    electronVersion,
    onlyModules: NATIVE_MODULES,
    force: true,
    // better-sqlite3's own dependencies (bindings, file-uri-to-path…) resolve from the main tree.
    projectRootPath: dir,
  })
  if (!existsSync(sqliteBindingPath(appRoot)))
    throw new Error(`the rebuild finished but ${sqliteBindingPath(appRoot)} is missing`)
  writeFileSync(join(dir, 'stamp.json'), JSON.stringify(stamp, null, 2) + '\n')
  say(`npm start: built ${sqliteBindingPath(appRoot)}`)
  return { rebuilt: true, binding: sqliteBindingPath(appRoot) }
}
