import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './load'

function dataDirWith(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'))
  if (config !== undefined)
    writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config))
  return dir
}

describe('loadConfig', () => {
  it('applies defaults', () => {
    const dataDir = dataDirWith()
    const config = loadConfig({ env: {}, overrides: { dataDir } })
    expect(config.dataDir).toBe(dataDir)
    expect(config.provider.port).toBe(8030)
    expect(config.driver.kind).toBe('local')
    expect(config.chain.mode).toBe('dev')
  })

  it('layers file < environment < flags', () => {
    const dataDir = dataDirWith({ provider: { port: 1111, host: '127.0.0.2' }, logLevel: 'warn' })
    expect(loadConfig({ env: {}, overrides: { dataDir } }).provider.port).toBe(1111)
    const withEnv = loadConfig({ env: { C2D_PROVIDER_PORT: '2222' }, overrides: { dataDir } })
    expect(withEnv.provider.port).toBe(2222)
    expect(withEnv.provider.host).toBe('127.0.0.2')
    const withFlag = loadConfig({
      env: { C2D_PROVIDER_PORT: '2222' },
      overrides: { dataDir, provider: { port: 3333 } },
    })
    expect(withFlag.provider.port).toBe(3333)
    expect(withFlag.logLevel).toBe('warn')
  })

  it('validates chain.additionalChains and accepts a valid list (served at once)', () => {
    const problemsOf = (chain: unknown): string[] => {
      try {
        loadConfig({ env: {}, overrides: { dataDir: dataDirWith({ chain }) } })
      } catch (e) {
        return (e as ConfigError).problems
      }
      return []
    }
    const router = '0x' + '1'.repeat(40)
    const escrow = '0x' + '2'.repeat(40)
    const b = {
      chainId: 11155111,
      rpcUrl: 'http://127.0.0.1:1',
      contracts: { Router: router, Escrow: escrow },
    }
    expect(problemsOf({ mode: 'dev' })).toEqual([])
    expect(problemsOf({ mode: 'dev', additionalChains: [b] })).toEqual([])
    expect(problemsOf({ mode: 'dev', additionalChains: [{ ...b, chainId: 8996 }] })).toEqual([
      'chain.additionalChains.0.chainId: 8996 is the primary chain (the dev chain)',
    ])
    const bad = problemsOf({
      mode: 'rpc',
      rpcUrl: 'http://127.0.0.1:2',
      chainId: 11155111,
      additionalChains: [b, { ...b, contracts: { Router: router } }],
    })
    expect(bad).toContain('chain.additionalChains.1.chainId: 11155111 is listed twice')
    expect(bad).toContain('chain.additionalChains.0.chainId: 11155111 is the primary chain (chain.chainId)')
    expect(bad).toContain('chain.additionalChains.1.contracts.Escrow: required')
    expect(problemsOf({ additionalChains: [{ ...b, contracts: { Router: 'nope' } }] })).toContain(
      'chain.additionalChains.0.contracts.Router: a contract address',
    )
    expect(problemsOf({ mode: 'off', additionalChains: [b] })).toContain(
      'chain.additionalChains: needs a primary chain (chain.mode "dev" or "rpc")',
    )
  })

  it('lists every invalid field at once', () => {
    const dataDir = dataDirWith({ provider: { port: 70000 }, logLevel: 'loud' })
    let error: unknown
    try {
      loadConfig({ env: { C2D_CONSOLE_PORT: 'abc' }, overrides: { dataDir } })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems.join('\n')
    expect(problems).toContain('C2D_CONSOLE_PORT')
    expect(problems).toMatch(/provider\.port/)
    expect(problems).toMatch(/logLevel/)
  })

  it('reports a config.json that is not JSON', () => {
    const dataDir = dataDirWith('{ nope')
    expect(() => loadConfig({ env: {}, overrides: { dataDir } })).toThrow(/not valid JSON/)
  })

  it('returns a deeply frozen config', () => {
    const config = loadConfig({ env: {}, overrides: { dataDir: dataDirWith() } })
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.provider)).toBe(true)
    expect(() => {
      ;(config.provider as { port: number }).port = 1
    }).toThrow(TypeError)
  })
})
