// The console wired into the real core (startCore with the FakeDriver): the HTTP transport serves the
// operator-service's jobs, pushes their transitions in seq order, serves result files behind the
// token, serves the renderer, and never leaks a job's spec.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { jobCoreConfig } from './job-core-config'
import { startCore, type Core } from '../index'
import { createConsoleClient, type ConsoleClient, type JobChangeEvent } from '../console-api/contract'
import { createHttpClientTransport, type HttpClientTransport } from '../console-api/http-client-transport'
import { FakeDriver, HAPPY_STORY } from './fake-driver'
import { rawCodeJobInput } from './job-inputs'

const SECRET = 'console.log("SECRET-RAW-CODE")'

const job = (jobId: string) => rawCodeJobInput({ jobId, code: SECRET })

describe('console API wired into startCore', () => {
  let dataDir: string
  let core: Core
  let driver: FakeDriver
  let transport: HttpClientTransport
  let client: ConsoleClient

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'c2d-console-'))
    const rendererDir = join(dataDir, 'renderer')
    mkdirSync(rendererDir)
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>C2D Publisher Console</title>')
    const config = jobCoreConfig(dataDir, { operatorApi: true })
    driver = new FakeDriver()
    core = await startCore(config, { driver, rendererDir })
    transport = createHttpClientTransport(core.consoleUrl, core.consoleToken)
    client = createConsoleClient(transport)
  })
  afterEach(async () => {
    transport.close()
    await core.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('returns a loopback console URL and a per-launch token', () => {
    expect(new URL(core.consoleUrl).hostname).toBe('127.0.0.1')
    expect(core.consoleToken.length).toBeGreaterThanOrEqual(40)
  })

  it('lists real jobs, streams their transitions in seq order and serves results, never the spec', async () => {
    const seen: JobChangeEvent[] = []
    const finished = new Promise<void>((resolve) =>
      client.subscribe('onDidChangeJob', (e) => {
        seen.push(e)
        if (e.to === 70) resolve()
      }),
    )
    await transport.ready()
    const registered = core.operatorService.registerJob(job('job-one'))
    // The driver only hears observations once the runner has started the job on it.
    while (!driver.started.includes(registered.jobId)) await new Promise((resolve) => setImmediate(resolve))
    const out = driver.writeResult(registered.jobId, 'outputs.txt', 'forty-two', 'output')
    driver.play(registered.jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [out] }])
    await finished

    expect(seen.map((e) => e.seq)).toEqual([...seen.map((e) => e.seq)].sort((a, b) => a - b))
    const list = await client.listJobs()
    expect(list.jobs.map((j) => j.jobId)).toEqual(['job-one'])
    const detail = await client.getJob({ jobId: 'job-one' })
    expect(detail.events.at(-1)?.to).toBe(70)
    expect(JSON.stringify([list, detail, seen])).not.toContain('SECRET-RAW-CODE')

    const index = detail.job.results.find((r) => r.filename === 'outputs.txt')!.index
    const inline = await client.readResult({ jobId: 'job-one', index })
    expect(Buffer.from(inline.base64, 'base64').toString()).toBe('forty-two')
    const download = await fetch(
      `${core.consoleUrl}/console/v1/jobs/job-one/results/${index}?token=${core.consoleToken}`,
    )
    expect(download.status).toBe(200)
    expect(await download.text()).toBe('forty-two')
  })

  it('serves the renderer at / with a strict CSP', async () => {
    const page = await fetch(`${core.consoleUrl}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('C2D Publisher Console')
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    const escape = await fetch(`${core.consoleUrl}/..%2f..%2fconsole.db`)
    expect(escape.status).toBe(404)
    expect(await escape.text()).not.toContain('SQLite')
  })

  it('answers 404 for a static folder, and a missing file (never a 500 EISDIR)', async () => {
    mkdirSync(join(dataDir, 'renderer', 'assets'))
    for (const path of ['/assets', '/assets/', '/assets/missing.js']) {
      const res = await fetch(`${core.consoleUrl}${path}`)
      expect({ path, status: res.status }).toEqual({ path, status: 404 })
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FILE_NOT_FOUND')
    }
    // Extensionless client routes still load the app.
    expect(await (await fetch(`${core.consoleUrl}/jobs`)).text()).toContain('C2D Publisher Console')
  })

  it('reports driver health and environments from the real parts', async () => {
    const health = await client.checkHealth()
    expect(health).toMatchObject({ driver: 'local', ok: true })
    const envs = await client.listEnvironments()
    expect(envs.environments.map((e) => e.id)).toEqual(['local-sandbox'])
    // No chain: no token a paid tier could take.
    expect(envs.feeToken).toBeNull()
    // Settings → Chain → Check goes through the API: an RPC that does not answer is a failed check.
    const check = await client.checkChain({ mode: 'rpc', rpcUrl: 'http://127.0.0.1:1', chainId: 137 })
    expect(check).toMatchObject({ ok: false, blockNumber: null })
    expect(check.checks[0]).toMatchObject({ id: 'rpc-reachable', ok: false })
    expect((await client.getWallet()).state).toBe('none')
  })
})
