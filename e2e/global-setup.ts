// Before any e2e test: the renderer build serve and Electron load (built only when stale), the
// Electron bundle when the binary exists, and a clear line about the Electron project's fate.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import type { FullConfig } from '@playwright/test'
import { electronBinary } from './fixtures/electron-app'
import { REPO_ROOT } from './fixtures/start-serve'

function run(script: string): void {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', script)], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  })
  if (result.status !== 0) throw new Error(`scripts/${script} failed (exit ${result.status})`)
}

export default function globalSetup(config: FullConfig): void {
  run('ensure-renderer-build.mjs')
  const wantsElectron = config.projects.some((p) => p.name === 'electron')
  if (!wantsElectron) return
  const binary = electronBinary()
  if (binary.ok) {
    run('build-electron.mjs')
  } else {
    console.warn(`\n[e2e] electron project: SKIPPED — ${binary.reason}\n`)
  }
}
