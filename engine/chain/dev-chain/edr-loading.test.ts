/**
 * EDR (native, one binary package per platform) is loaded only when the dev chain starts, and a
 * missing binding is a chain error with its reason and fix, never a module-load crash of the app.
 */
import { describe, it, expect } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { C2dError } from '../../c2d-error'
import { MemoryLogger } from '../../logging'
import { DEV_CHAIN_FILE, startDevChain } from './dev-chain'
import { loadEdr } from './edr-server'

const missingBinding = () =>
  Promise.reject(new Error("Cannot find module '@nomicfoundation/edr-darwin-arm64'\nRequire stack: ..."))

describe('loading EDR', () => {
  it('a missing native binding becomes CHAIN_UNAVAILABLE naming the binding and the fix', async () => {
    const error = await loadEdr(missingBinding).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(C2dError)
    expect((error as C2dError).code).toBe('CHAIN_UNAVAILABLE')
    expect((error as C2dError).status).toBe(502)
    expect((error as Error).message).toContain("Cannot find module '@nomicfoundation/edr-darwin-arm64'")
    expect((error as Error).message).not.toContain('Require stack')
    expect((error as Error).message).toMatch(/npm ci|chain\.mode/)
  })

  it('startDevChain fails with that error before listening or writing dev-chain.json', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'c2d-edr-missing-'))
    try {
      const error = await startDevChain({
        dataDir,
        port: 0,
        logger: new MemoryLogger(),
        loadEdrModule: missingBinding,
      }).catch((e: unknown) => e)
      expect((error as C2dError).code).toBe('CHAIN_UNAVAILABLE')
      expect(existsSync(join(dataDir, DEV_CHAIN_FILE))).toBe(false)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('loads the real module on this machine', async () => {
    const edr = await loadEdr()
    expect(typeof edr.EdrContext).toBe('function')
  })

  it('no engine module imports EDR statically (only type imports and the one dynamic import)', () => {
    const engineDir = join(import.meta.dirname, '..', '..')
    const offenders = readdirSync(engineDir, { recursive: true })
      .map(String)
      .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts'))
      .filter((f) =>
        /^\s*import\s+(?!type\b)[^'"]*from\s+['"]@nomicfoundation\/edr['"]/m.test(
          readFileSync(join(engineDir, f), 'utf8'),
        ),
      )
    expect(offenders).toEqual([])
  })
})
