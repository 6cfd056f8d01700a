// startCore reports each start step (the desktop "starting" window shows them), and a chain that
// cannot start leaves the console running without a chain, its error on getOverview.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { jobCoreConfig } from './job-core-config'
import { startCore, type StartProgress } from '../index'
import { FakeDriver } from './fake-driver'

describe('startCore progress', () => {
  let dataDir: string
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'c2d-start-'))
  })
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

  it('reports every step in order, the chain skipped when chain.mode is off', async () => {
    const seen: StartProgress[] = []
    const core = await startCore(jobCoreConfig(dataDir), {
      driver: new FakeDriver(),
      listenConsole: false,
      onProgress: (p) => seen.push(p),
    })
    await core.stop()
    expect(seen.map((p) => `${p.step}:${p.state}`)).toEqual([
      'store:running',
      'store:done',
      'chain:skipped',
      'driver:running',
      'driver:done',
      'jobs:running',
      'jobs:done',
      'provider:running',
      'provider:done',
      'samples:skipped',
      'console:running',
      'console:done',
    ])
  })

  it('a chain that fails to start is reported, and the console starts without it, showing the error', async () => {
    const seen: StartProgress[] = []
    // The chain layer refuses to start (here: "rpc" without an RPC URL, which loadConfig would catch
    // earlier, so it is built past it); EDR's missing binding fails the same way (edr-loading.test.ts).
    const base = jobCoreConfig(dataDir)
    const config = { ...base, chain: { ...base.chain, mode: 'rpc' as const } }
    const core = await startCore(config, {
      driver: new FakeDriver(),
      listenConsole: false,
      onProgress: (p) => seen.push(p),
    })
    try {
      expect(seen.find((p) => p.step === 'chain' && p.state === 'failed')?.error?.code).toBe(
        'CHAIN_NOT_CONFIGURED',
      )
      expect(seen.at(-1)).toEqual({ step: 'console', state: 'done' })
      expect(core.chain).toBeUndefined()
      const overview = await core.consoleService.getOverview({})
      expect(overview.chainId).toBeNull()
      expect(overview.chainError).toMatchObject({ code: 'CHAIN_NOT_CONFIGURED' })
      expect(overview.chainError?.message).toContain('chain.rpcUrl')
    } finally {
      await core.stop()
    }
  })

  it('a fatal step is reported as failed and startCore rejects', async () => {
    const seen: StartProgress[] = []
    const driver = new FakeDriver()
    const error = await startCore(
      jobCoreConfig(dataDir, { overrides: { provider: { port: 0, host: '203.0.113.1' } } }),
      {
        driver,
        listenConsole: false,
        onProgress: (p) => seen.push(p),
      },
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(seen.at(-1)).toMatchObject({ step: 'provider', state: 'failed' })
    expect(seen.at(-1)?.error?.message).toBeTruthy()
  })
})
