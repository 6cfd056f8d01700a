/**
 * Property-based fuzz of every Provider route's parameters (issue 13): over real HTTP on a port-0
 * core (chain off, FakeDriver), no generated input yields a 500 (INTERNAL), every refusal is a JSON
 * string with x-c2d-error-code, and nothing changes: no nonce advances, no job appears, the driver
 * is never asked to start or stop anything. numRuns stays modest for CI time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { Wallet, getAddress, hexlify, randomBytes } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { startCore, type Core } from '../index'
import { MemoryLogger } from '../logging'
import { buildDdo } from '../publishing/ddo'
import { FakeDriver } from './fake-driver'
import { jobCoreConfig } from './job-core-config'

const alice = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const randomAddress = () => getAddress(hexlify(randomBytes(20)))

let core: Core
let driver: FakeDriver
let did: string
let serviceId: string

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'provider-fuzz-'))
  driver = new FakeDriver()
  const config = jobCoreConfig(dataDir, {
    overrides: {
      provider: {
        port: 0,
        rateLimitPerMinute: 1_000_000,
        requestsPerMinute: 1_000_000,
        bodyLimitBytes: 256 * 1024,
      },
    },
  })
  core = await startCore(config, { clock: new FakeClock(), driver, logger: new MemoryLogger() })
  writeFileSync(join(dataDir, 'data.csv'), 'a\n1\n')
  const files = [{ type: 'local' as const, path: join(dataDir, 'data.csv') }]
  const nft = randomAddress()
  const datatoken = randomAddress()
  const ddo = buildDdo({
    draft: { kind: 'dataset', name: 'fuzz', service: { files, allowRawAlgorithm: true } },
    chainId: 8996,
    nftAddress: nft,
    datatokenAddress: datatoken,
    serviceEndpoint: core.providerUrl,
    encryptedFiles: '0x00',
    createdIso: '2026-01-01T00:00:00.000Z',
  })
  did = ddo.id
  serviceId = ddo.services[0]!.id
  core.assets.upsert({
    did,
    kind: 'dataset',
    chainId: 8996,
    nftAddress: nft,
    datatokenAddress: datatoken,
    state: 0,
    ddo,
    files: { [serviceId]: files },
    createdAtMs: 0,
    updatedAtMs: 0,
  })
})
afterAll(async () => {
  await core?.stop()
})

const ROUTES = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/api/services/nonce' },
  { method: 'GET', path: '/api/services/computeEnvironments' },
  { method: 'GET', path: '/api/services/initialize' },
  { method: 'POST', path: '/api/services/encrypt' },
  { method: 'POST', path: '/api/services/fileInfo' },
  { method: 'POST', path: '/api/services/auth/token' },
  { method: 'POST', path: '/api/services/auth/token/invalidate' },
  { method: 'POST', path: '/directCommand' },
  { method: 'POST', path: '/api/services/initializeCompute' },
  { method: 'POST', path: '/api/services/compute' },
  { method: 'POST', path: '/api/services/freeCompute' },
  { method: 'GET', path: '/api/services/compute' },
  { method: 'PUT', path: '/api/services/compute' },
  { method: 'DELETE', path: '/api/services/compute' },
  { method: 'GET', path: '/api/services/computeResult' },
  { method: 'GET', path: '/api/services/computeStreamableLogs' },
] as const

const PARAMS = [
  'consumerAddress',
  'userAddress',
  'address',
  'nonce',
  'signature',
  'documentId',
  'serviceId',
  'did',
  'validUntil',
  'jobId',
  'index',
  'agreementId',
  'environment',
  'datasets',
  'dataset',
  'algorithm',
  'resources',
  'maxJobDuration',
  'command',
  'token',
  'metadata',
  'algocustomdata',
  'additionalViewers',
  'output',
  'payment',
  'transferTxId',
  'policyServer',
  '__proto__',
  'constructor',
  'toString',
]

/** Values a hostile or confused client sends: edge strings, huge numbers, prototype names, nesting. */
function value(): fc.Arbitrary<unknown> {
  const edgeString = fc.constantFrom(
    '',
    ' ',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '0',
    '-1',
    '1e400',
    '9'.repeat(80),
    '9'.repeat(400),
    'NaN',
    'Infinity',
    'null',
    'undefined',
    '../../etc/passwd',
    '%00',
    '\u0000',
    '0x',
    '0x' + 'f'.repeat(130),
    alice.address,
    alice.address.toLowerCase(),
    'local-sandbox',
  )
  const known = fc
    .constantFrom(
      () => did,
      () => serviceId,
    )
    .map((f) => f())
  const nested = fc.integer({ min: 1, max: 200 }).map((depth) => {
    let v: unknown = 1
    for (let i = 0; i < depth; i++) v = { a: v }
    return v
  })
  return fc.oneof(
    edgeString,
    known,
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.bigInt({ min: -(10n ** 90n), max: 10n ** 90n }).map((b) => b.toString()),
    fc.boolean(),
    fc.constant(null),
    nested,
    fc.jsonValue({ maxDepth: 4 }),
  )
}

/** Either anything, or a request that is right but for one or two hostile fields (reaches deeper). */
const params = fc.oneof(
  fc.dictionary(fc.constantFrom(...PARAMS), value(), { maxKeys: 6 }),
  fc
    .tuple(fc.dictionary(fc.constantFrom(...PARAMS), value(), { minKeys: 1, maxKeys: 2 }))
    .map(([hostile]) => ({
      did,
      documentId: did,
      serviceId,
      consumerAddress: alice.address,
      userAddress: alice.address,
      command: 'status',
      environment: 'local-sandbox',
      ...hostile,
    })),
)

function toQuery(p: Record<string, unknown>): string {
  const search = new URLSearchParams()
  for (const [k, v] of Object.entries(p))
    search.append(k, typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))
  return search.toString()
}

async function state() {
  const nonce = await fetch(`${core.providerUrl}/api/services/nonce?userAddress=${alice.address}`)
  return {
    nonce: ((await nonce.json()) as { nonce: string | number }).nonce,
    jobs: core.operatorService.countJobs({}),
    started: driver.started.length,
    stopped: driver.stopped.length,
  }
}

describe('Provider fuzz', () => {
  it('no input to any route yields a 500 or changes state', async () => {
    const before = await state()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        params,
        params,
        fc.constantFrom('json', 'text', 'none'),
        async (route, query, body, encoding) => {
          const init: RequestInit = { method: route.method }
          if (route.method !== 'GET' && encoding !== 'none') {
            const text = JSON.stringify(body)
            init.body = encoding === 'json' ? text : text.slice(0, Math.max(0, text.length - 1))
            init.headers = { 'content-type': 'application/json' }
          }
          const res = await fetch(`${core.providerUrl}${route.path}?${toQuery(query)}`, init)
          const text = await res.text()
          const code = res.headers.get('x-c2d-error-code')
          expect({ route: route.path, status: res.status, code }).not.toMatchObject({ status: 500 })
          expect(code).not.toBe('INTERNAL')
          if (res.status >= 400) {
            expect(code, `${route.method} ${route.path} ${res.status}`).toMatch(/^[A-Z_]+$/)
            expect(typeof JSON.parse(text)).toBe('string')
          }
          // 5xx only for what this core lacks whatever the input (no chain is connected).
          if (res.status >= 500) expect(['CHAIN_UNAVAILABLE', 'ENGINE_UNAVAILABLE']).toContain(code)
        },
      ),
      { numRuns: 300 },
    )
    expect(await state()).toEqual(before)
  }, 120_000)
})
