import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const TSX = join(here, '..', '..', 'node_modules', '.bin', 'tsx')
const serve = (args: string[]) =>
  spawnSync(TSX, [join(here, 'serve.ts'), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH } })

describe('serve', () => {
  it('prints the effective configuration with --print-config', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'serve-'))
    const run = serve(['--data-dir', dataDir, '--provider-port', '8099', '--print-config'])
    expect(run.status).toBe(0)
    const config = JSON.parse(run.stdout) as { dataDir: string; provider: { port: number } }
    expect(config.dataDir).toBe(dataDir)
    expect(config.provider.port).toBe(8099)
  })

  it('exits non-zero with a readable message on a config error', () => {
    const run = serve([
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'serve-')),
      '--provider-port',
      'eighty',
      '--log-level',
      'loud',
    ])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Invalid configuration')
    expect(run.stderr).toMatch(/provider\.port/)
    expect(run.stderr).toMatch(/logLevel/)
  })

  it('shows help and refuses unknown flags', () => {
    expect(serve(['--help']).stdout).toContain('--provider-port')
    const bad = serve(['--bogus'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('bogus')
  })
})
