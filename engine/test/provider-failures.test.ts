/**
 * Issue 3's failure cases over real HTTP against a core (no chain; the fake driver plays the jobs):
 * replayed nonce, wrong signer, the toBeArray leading-zero signature, someone else's job, additional
 * viewers, unknown environment, resources over the free tier, malformed JSON, an oversized body,
 * path traversal in a result index, Range, an unknown route, CORS, the free-tier limit per consumer
 * and the per-IP rate limit. Each failure: the right status, a JSON string body with its code in
 * `x-c2d-error-code`, and nothing changed (no job, no nonce spent, no stop).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Wallet, keccak256, toBeArray, toUtf8Bytes, type BaseWallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCore, type Core } from '../index'
import { FakeDriver, HAPPY_STORY } from './fake-driver'
import { jobCoreConfig } from './job-core-config'

const alice = Wallet.createRandom()
const bob = Wallet.createRandom()
const carol = Wallet.createRandom()
let core: Core
let driver: FakeDriver
let url: string
const dirs: string[] = []

async function startWith(rateLimitPerMinute: number, fake: FakeDriver): Promise<Core> {
  const dataDir = mkdtempSync(join(tmpdir(), 'c2d-provider-failures-'))
  dirs.push(dataDir)
  return startCore(jobCoreConfig(dataDir, { maxJobs: 8, freeMaxJobs: 8, overrides: { provider: { port: 0, bodyLimitBytes: 64 * 1024, rateLimitPerMinute } } }), { listenConsole: false, driver: fake })
}

beforeAll(async () => {
  driver = new FakeDriver()
  core = await startWith(1000, driver)
  url = core.providerUrl
})
afterAll(async () => {
  await core?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function nonceOf(address: string, base = url): Promise<number> {
  return Number(((await (await fetch(`${base}/api/services/nonce?userAddress=${address}`)).json()) as { nonce: string }).nonce)
}

/** ocean.js' signRequest: personal_sign over toBeArray(keccak(address + nonce + command)). */
async function sign(wallet: BaseWallet, nonce: number | string, command: string, address = wallet.address): Promise<string> {
  return wallet.signMessage(toBeArray(keccak256(toUtf8Bytes(address + String(nonce) + command))))
}

const RAW = { meta: { rawcode: 'console.log(1)', container: { entrypoint: 'node $ALGO', image: 'node', tag: '20', checksum: '' } } }

async function freeStart(wallet: BaseWallet, extra: Record<string, unknown> = {}, nonce?: number, base = url): Promise<Response> {
  const n = nonce ?? (await nonceOf(wallet.address, base)) + 1
  return fetch(`${base}/api/services/freeCompute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ consumerAddress: wallet.address, nonce: String(n), signature: await sign(wallet, n, 'freeStartCompute'), environment: 'local-sandbox', datasets: [], algorithm: RAW, ...extra }),
  })
}

async function expectError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toContain('application/json')
  expect(response.headers.get('x-c2d-error-code')).toBe(code)
  const body = (await response.json()) as unknown
  expect(typeof body).toBe('string')
  return body as string
}

async function finishedJobOf(wallet: BaseWallet, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await freeStart(wallet, extra)
  expect(response.status).toBe(200)
  const [job] = (await response.json()) as Array<{ jobId: string }>
  while (!driver.started.includes(job!.jobId)) await new Promise((r) => setTimeout(r, 5))
  const log = driver.writeResult(job!.jobId, 'algorithm.log', 'line one\nline two\n', 'algorithmLog')
  driver.play(job!.jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [log] }])
  while (core.operatorService.getJob(job!.jobId)!.status !== 70) await new Promise((r) => setTimeout(r, 5))
  return job!.jobId
}

async function resultUrl(wallet: BaseWallet, jobId: string, index: string): Promise<string> {
  const n = (await nonceOf(wallet.address)) + 1
  return `${url}/api/services/computeResult?consumerAddress=${wallet.address}&jobId=${jobId}&index=${index}&nonce=${n}&signature=${await sign(wallet, n, 'getComputeResult')}`
}

describe('Provider failure cases', () => {
  it('refuses a replayed nonce (401) without a job, and keeps the nonce', async () => {
    const n = (await nonceOf(alice.address)) + 1
    expect((await freeStart(alice, {}, n)).status).toBe(200)
    const jobs = core.operatorService.countJobs({})
    await expectError(await freeStart(alice, {}, n), 401, 'NONCE_NOT_INCREASING')
    expect(core.operatorService.countJobs({})).toBe(jobs)
    expect(await nonceOf(alice.address)).toBe(n)
  })

  it('refuses a request signed by someone else (401) and spends none of the address nonce', async () => {
    const before = await nonceOf(carol.address)
    const n = before + 1
    const response = await fetch(`${url}/api/services/freeCompute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ consumerAddress: carol.address, nonce: String(n), signature: await sign(bob, n, 'freeStartCompute', carol.address), environment: 'local-sandbox', algorithm: RAW }),
    })
    expect(await expectError(response, 401, 'SIGNATURE_INVALID')).toBe('consumer address and nonce signature mismatch')
    expect(await nonceOf(carol.address)).toBe(before)
  })

  it('accepts a hash with a leading zero byte signed the toBeArray way (spec §3.2)', async () => {
    const wallet = Wallet.createRandom()
    let n = 1
    while (!keccak256(toUtf8Bytes(wallet.address + n + 'freeStartCompute')).startsWith('0x00')) n++
    expect(toBeArray(keccak256(toUtf8Bytes(wallet.address + n + 'freeStartCompute')))).toHaveLength(31)
    expect((await freeStart(wallet, {}, n)).status).toBe(200)
  })

  it('never shows, stops or serves another owner\'s job; additional viewers may read but not stop', async () => {
    const jobId = await finishedJobOf(bob, { additionalViewers: [carol.address] })
    const listed = (await (await fetch(`${url}/api/services/compute?consumerAddress=${alice.address}&jobId=${jobId}`)).json()) as unknown[]
    expect(listed).toEqual([])
    const n = (await nonceOf(alice.address)) + 1
    await expectError(await fetch(`${url}/api/services/compute?consumerAddress=${alice.address}&jobId=${jobId}&nonce=${n}&signature=${await sign(alice, n, 'stopCompute')}`, { method: 'PUT' }), 404, 'JOB_NOT_FOUND')
    expect(core.operatorService.getJob(jobId)!.stopRequested).toBe(false)
    await expectError(await fetch(await resultUrl(alice, jobId, '0')), 404, 'JOB_NOT_FOUND')
    const asViewer = await fetch(await resultUrl(carol, jobId, '0'))
    expect([asViewer.status, await asViewer.text()]).toEqual([200, 'line one\nline two\n'])
    const m = (await nonceOf(carol.address)) + 1
    await expectError(await fetch(`${url}/api/services/compute?consumerAddress=${carol.address}&jobId=${jobId}&nonce=${m}&signature=${await sign(carol, m, 'stopCompute')}`, { method: 'PUT' }), 404, 'JOB_NOT_FOUND')
  })

  it('serves byte ranges (206) and refuses an unsatisfiable one (416) and traversal in the index (400) without spending a nonce', async () => {
    const jobId = await finishedJobOf(bob)
    const ranged = await fetch(await resultUrl(bob, jobId, '0'), { headers: { Range: 'bytes=5-' } })
    expect([ranged.status, ranged.headers.get('content-range'), await ranged.text()]).toEqual([206, 'bytes 5-17/18', 'one\nline two\n'])
    await expectError(await fetch(await resultUrl(bob, jobId, '0'), { headers: { Range: 'bytes=99-' } }), 416, 'RANGE_NOT_SATISFIABLE')
    for (const index of ['../x', '1/../2', '%2e%2e%2fconsole.db', '-1', '0x1']) {
      const before = await nonceOf(bob.address)
      await expectError(await fetch(await resultUrl(bob, jobId, index)), 400, 'FILE_NAME_INVALID')
      expect(await nonceOf(bob.address)).toBe(before)
    }
    await expectError(await fetch(await resultUrl(bob, jobId, '7')), 404, 'RESULT_NOT_FOUND')
  })

  it('refuses an unknown environment (404) and resources over the free tier (400), registering nothing', async () => {
    const jobs = core.operatorService.countJobs({})
    await expectError(await freeStart(carol, { environment: 'nope' }), 404, 'ENVIRONMENT_UNKNOWN')
    expect(await expectError(await freeStart(carol, { resources: [{ id: 'cpu', amount: 64 }] }), 400, 'RESOURCES_OVER_LIMIT')).toContain('Requested 64')
    expect(core.operatorService.countJobs({})).toBe(jobs)
  })

  it('answers malformed JSON (400), an oversized body (413) and unknown routes (404) with JSON strings', async () => {
    await expectError(await fetch(`${url}/api/services/freeCompute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"consumerAddress":' }), 400, 'REQUEST_MALFORMED_JSON')
    await expectError(await fetch(`${url}/api/services/freeCompute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }) }), 413, 'REQUEST_TOO_LARGE')
    await expectError(await fetch(`${url}/api/services/nope`), 404, 'ROUTE_NOT_FOUND')
    await expectError(await fetch(`${url}/api/services/compute?jobId=x`), 400, 'REQUEST_INVALID')
    await expectError(await fetch(`${url}/api/services/nonce?userAddress=0x1234`), 400, 'ADDRESS_INVALID')
  })

  it('answers a browser preflight (CORS) and ignores "Authorization: undefined" on GET /', async () => {
    const preflight = await fetch(`${url}/api/services/freeCompute`, { method: 'OPTIONS', headers: { Origin: 'https://dapp.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    const root = await fetch(`${url}/`, { headers: { Authorization: 'undefined', 'Content-Type': 'application/json' } })
    expect(root.status).toBe(200)
    expect(((await root.json()) as { serviceEndpoints: Record<string, unknown> }).serviceEndpoints.freeCompute).toEqual(['POST', '/api/services/freeCompute'])
  })

  it('limits concurrent free jobs per consumer (429) and registers nothing more', async () => {
    const dave = Wallet.createRandom()
    expect((await freeStart(dave)).status).toBe(200) // left running (the fake driver waits)
    const jobs = core.operatorService.countJobs({})
    await expectError(await freeStart(dave), 429, 'FREE_LIMIT_REACHED')
    expect(core.operatorService.countJobs({})).toBe(jobs)
  })

  it('rate-limits signed commands per IP (429) but not reads', async () => {
    const limitedDriver = new FakeDriver()
    const limited = await startWith(3, limitedDriver)
    try {
      const base = limited.providerUrl
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) statuses.push((await freeStart(Wallet.createRandom(), {}, 1, base)).status)
      expect(statuses).toEqual([200, 200, 200, 429])
      expect(limited.operatorService.countJobs({})).toBe(3)
      for (let i = 0; i < 5; i++) expect((await fetch(`${base}/api/services/computeEnvironments`)).status).toBe(200)
    } finally {
      await limited.stop()
    }
  })
})
