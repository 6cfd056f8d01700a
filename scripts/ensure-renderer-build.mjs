#!/usr/bin/env node
// Used by `npm run serve`: build the renderer into dist/renderer when it is missing or older than
// any of its sources (renderer/**, the contract and job-status it imports). Fast no-op otherwise.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const builtIndex = join(root, 'dist', 'renderer', 'index.html')
const sources = [
  join(root, 'renderer'),
  join(root, 'engine', 'console-api', 'contract.ts'),
  join(root, 'engine', 'operator-service', 'job-status.ts'),
]

/** Newest modification time under a file or folder, skipping tests (they do not change the bundle). */
function newestMtimeMs(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : stat.mtimeMs
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtimeMs(join(path, name))), 0)
}

const builtAtMs = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0
const sourcesAtMs = Math.max(...sources.map(newestMtimeMs))
if (builtAtMs > 0 && builtAtMs >= sourcesAtMs) process.exit(0)

console.error(
  builtAtMs === 0
    ? 'renderer: no build yet, building dist/renderer…'
    : 'renderer: sources changed, rebuilding dist/renderer…',
)
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js')
const result = spawnSync(
  process.execPath,
  [vite, 'build', '-c', 'renderer/vite.config.ts', '--logLevel', 'warn'],
  { cwd: root, stdio: 'inherit' },
)
if (result.status !== 0) {
  // Do not block `serve`: the Provider and the console API work without the UI.
  console.error(
    'renderer: build failed (see above); serve starts anyway, but the UI at / will not be served until `npm run build:renderer` passes.',
  )
}
