#!/usr/bin/env node
// Builds the Electron main process and preload into dist/main/ (the renderer is Vite's job):
//   dist/main/app.js        main process, ESM, our TypeScript (main/ + engine/) bundled; npm packages
//                           stay external (electron-builder ships them, natives rebuilt for Electron)
//   dist/main/preload.cjs   the sandboxed preload: CommonJS (sandboxed preloads cannot be ESM),
//                           self-contained except `electron`
//   dist/main/migrations/   the store's SQL files: engine/store/database.ts resolves
//                           DEFAULT_MIGRATIONS_DIR next to the module that holds it, i.e. the bundle
// Usage: node scripts/build-electron.mjs  (also imported by start-electron.mjs and the pack check)
import { build } from 'esbuild'
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const outDir = join(root, 'dist', 'main')

/** Fails the build when a bundle pulls in something its layer must not (style.md §2.2). */
function checkInputs(metafile, label, forbidden) {
  const bad = Object.keys(metafile.inputs).filter((input) => forbidden.some((re) => re.test(input)))
  if (bad.length > 0) throw new Error(`${label} bundle includes forbidden modules:\n  ${bad.join('\n  ')}`)
}

/** How the sandboxed preload is bundled (also used by the stand-in tests, into a temp folder). */
export const PRELOAD_BUILD = {
  platform: 'browser',
  format: 'cjs',
  target: 'chrome140',
  external: ['electron'],
}

/** Bundles the preload alone to `outfile` (tests: the real preload.cjs, run by the Electron stand-in). */
export async function buildPreload(outfile) {
  await build({
    absWorkingDir: root,
    bundle: true,
    logLevel: 'error',
    legalComments: 'none',
    ...PRELOAD_BUILD,
    entryPoints: ['main/preload/preload.ts'],
    outfile,
  })
}

export async function buildElectron({ quiet = false } = {}) {
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  const common = {
    absWorkingDir: root,
    bundle: true,
    sourcemap: true,
    logLevel: quiet ? 'error' : 'warning',
    metafile: true,
    legalComments: 'none',
  }

  const main = await build({
    ...common,
    entryPoints: { app: 'main/electron-main.ts' },
    outdir: outDir,
    platform: 'node',
    format: 'esm',
    // Electron 45 runs Node 22.
    target: 'node22',
    packages: 'external',
    external: ['electron'],
    outExtension: { '.js': '.js' },
    // The engine is imported dynamically (main/electron-main.ts) so the first window does not wait
    // for its module graph; splitting puts it, with its npm imports, in a chunk loaded then.
    splitting: true,
    // Beside app.js: the store resolves its migrations folder next to the module that holds it.
    chunkNames: '[name]-[hash]',
  })
  checkInputs(main.metafile, 'main', [/^renderer\//])

  const preload = await build({
    ...common,
    ...PRELOAD_BUILD,
    entryPoints: { preload: 'main/preload/preload.ts' },
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
  })
  checkInputs(preload.metafile, 'preload', [
    /^engine\/(?!console-api\/contract\.ts$|operator-service\/job-status\.ts$)/,
    /^renderer\//,
    /^main\/(?!preload\/|electron-types\.ts$)/,
  ])

  const migrationsFrom = join(root, 'engine', 'store', 'migrations')
  cpSync(migrationsFrom, join(outDir, 'migrations'), {
    recursive: true,
    filter: (src) => src === migrationsFrom || src.endsWith('.sql'),
  })
  // The "starting" page (shown before the engine is up), served at app://console/_starting/.
  cpSync(join(root, 'main', 'window', 'starting'), join(outDir, 'starting'), { recursive: true })
  // The bundle is ESM whatever an outer package.json says.
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }, null, 2) + '\n')

  const files = readdirSync(outDir, { recursive: true }).map(String).sort()
  if (!quiet)
    console.error(
      `electron: built ${relative(root, outDir)}/ (${files.filter((f) => !f.endsWith('.map')).join(', ')})`,
    )
  return { outDir, files }
}

/** The built renderer the window loads (npm run build:renderer). */
export function rendererBuilt() {
  return existsSync(join(root, 'dist', 'renderer', 'index.html'))
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildElectron().catch((error) => {
    console.error(`electron: build failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
