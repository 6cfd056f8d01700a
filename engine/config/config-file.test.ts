import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { updateConfigFile } from './config-file'
import { loadConfig } from './load'

describe('updateConfigFile', () => {
  it('merges a patch into config.json, and the next loadConfig sees it under env and flags', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cfg-'))
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({ logLevel: 'warn', provider: { host: '0.0.0.0' } }),
    )
    updateConfigFile(dataDir, {
      provider: { port: 9000 },
      driver: { kind: 'kubernetes', kubeContext: 'kind-dev', namespace: 'c2d' },
    })
    expect(JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8'))).toEqual({
      logLevel: 'warn',
      provider: { host: '0.0.0.0', port: 9000 },
      driver: { kind: 'kubernetes', kubeContext: 'kind-dev', namespace: 'c2d' },
    })
    const config = loadConfig({ env: {}, overrides: { dataDir } })
    expect([config.provider.port, config.driver.kind, config.driver.kubeContext]).toEqual([
      9000,
      'kubernetes',
      'kind-dev',
    ])
    expect(loadConfig({ env: { C2D_PROVIDER_PORT: '9100' }, overrides: { dataDir } }).provider.port).toBe(
      9100,
    )
    updateConfigFile(dataDir, { driver: { kind: 'local', kubeContext: undefined } })
    const after = loadConfig({ env: {}, overrides: { dataDir } }).driver
    expect([after.kind, after.kubeContext, after.namespace]).toEqual(['local', undefined, 'c2d'])
  })

  it('refuses an invalid result with the field and changes nothing', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cfg-'))
    updateConfigFile(dataDir, { logLevel: 'debug' })
    const before = readFileSync(join(dataDir, 'config.json'), 'utf8')
    expect(() => updateConfigFile(dataDir, { provider: { port: 70000 } })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        status: 400,
        details: [expect.objectContaining({ field: 'provider.port' })],
      }),
    )
    expect(readFileSync(join(dataDir, 'config.json'), 'utf8')).toBe(before)
  })
})
