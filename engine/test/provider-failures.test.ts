/**
 * Provider refusals over real HTTP (a port-0 server started by startCore, chain off, FakeDriver,
 * FakeClock): what a consumer's HTTP stack actually sees — JSON-string bodies with
 * x-c2d-error-code on real sockets (also for an oversized body cut off mid-stream), CORS
 * preflights from a browser origin, per-IP limits, and nonces kept across a restart of the whole
 * core on the same data directory. Each refusal also checks that nothing changed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { connect } from 'node:net'
import { join } from 'node:path'
import { Wallet, toBeArray, getAddress, hexlify, randomBytes } from 'ethers'
import { ProviderInstance } from '@oceanprotocol/lib'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { startCore, type Core } from '../index'
import { MemoryLogger } from '../logging'
import { requestMessageHash } from '../provider/request-signature'
import { buildDdo } from '../publishing/ddo'
import type { AssetRecord } from '../publishing/asset-registry'
import { FakeDriver } from './fake-driver'
import { jobCoreConfig } from './job-core-config'

/** A fresh address without deriving an HD wallet (Wallet.createRandom runs PBKDF2: slow). */
const randomAddress = () => getAddress(hexlify(randomBytes(20)))

const alice = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const bob = new Wallet('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a')
const CONTAINER = { image: 'node', tag: '20', entrypoint: 'node $ALGO' }

interface Bed {
  core: Core
  url: string
  dataDir: string
  clock: FakeClock
  driver: FakeDriver
  dataset: AssetRecord
}

const running: Core[] = []
afterEach(async () => {
  for (const core of running.splice(0)) await core.stop()
})

async function start(
  options: { dataDir?: string; rateLimitPerMinute?: number; bodyLimitBytes?: number } = {},
): Promise<Bed> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'provider-failures-'))
  const clock = new FakeClock()
  const driver = new FakeDriver()
  const config = jobCoreConfig(dataDir, {
    overrides: {
      provider: {
        port: 0,
        rateLimitPerMinute: options.rateLimitPerMinute ?? 1000,
        bodyLimitBytes: options.bodyLimitBytes ?? 16 * 1024,
      },
    },
  })
  const core = await startCore(config, { clock, driver, logger: new MemoryLogger() })
  running.push(core)
  const did = 'sample'
  let dataset = core.assets.list({ kind: 'dataset' })[0]
  if (!dataset) {
    writeFileSync(join(dataDir, 'data.csv'), 'a\n1\n')
    const files = [{ type: 'local' as const, path: join(dataDir, 'data.csv') }]
    const nft = randomAddress()
    const datatoken = randomAddress()
    const ddo = buildDdo({
      draft: { kind: 'dataset', name: did, service: { files, allowRawAlgorithm: true } },
      chainId: 8996,
      nftAddress: nft,
      datatokenAddress: datatoken,
      serviceEndpoint: core.providerUrl,
      encryptedFiles: '0x00',
      createdIso: '2026-01-01T00:00:00.000Z',
    })
    dataset = {
      did: ddo.id,
      kind: 'dataset',
      chainId: 8996,
      nftAddress: nft,
      datatokenAddress: datatoken,
      state: 0,
      ddo,
      files: { [ddo.services[0]!.id]: files },
      createdAtMs: 0,
      updatedAtMs: 0,
    }
    core.assets.upsert(dataset)
  }
  return { core, url: core.providerUrl, dataDir, clock, driver, dataset }
}

async function nonceOf(bed: Bed, wallet: Wallet): Promise<number> {
  const res = await fetch(`${bed.url}/api/services/nonce?userAddress=${wallet.address}`)
  return Number(((await res.json()) as { nonce: string }).nonce)
}

async function signed(bed: Bed, wallet: Wallet, command: string, nonce?: number) {
  const n = nonce ?? (await nonceOf(bed, wallet)) + 1
  return {
    consumerAddress: wallet.address,
    nonce: String(n),
    signature: await wallet.signMessage(toBeArray(requestMessageHash(wallet.address, n, command))),
  }
}

function startBody(bed: Bed) {
  return {
    environment: 'local-sandbox',
    datasets: [{ documentId: bed.dataset.did, serviceId: bed.dataset.ddo.services[0]!.id }],
    algorithm: { meta: { rawcode: 'console.log(1)', container: CONTAINER } },
  }
}

function post(
  bed: Bed,
  path: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  return fetch(`${bed.url}${path}`, { method: 'POST', headers, body })
}

/** The Ocean way to fail, as received over a socket. */
async function expectError(res: Response, status: number, code: string): Promise<string> {
  expect({ status: res.status, code: res.headers.get('x-c2d-error-code') }).toEqual({ status, code })
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = JSON.parse(await res.text()) as unknown
  expect(typeof body).toBe('string')
  return body as string
}

const jobs = (bed: Bed) => bed.core.operatorService.countJobs({})

describe('Provider failures over real HTTP', () => {
  it('GET / ignores `Authorization: undefined`; an unknown route is a JSON string 404', async () => {
    const bed = await start()
    const root = await fetch(`${bed.url}/`, {
      headers: { authorization: 'undefined', 'content-type': 'application/json' },
    })
    expect(root.status).toBe(200)
    expect(
      ((await root.json()) as { serviceEndpoints: Record<string, unknown> }).serviceEndpoints.freeCompute,
    ).toEqual(['POST', '/api/services/freeCompute'])
    expect(
      await expectError(await fetch(`${bed.url}/api/services/nothing`), 404, 'ROUTE_NOT_FOUND'),
    ).toContain('/api/services/nothing')
    // ocean.js' own parser reads the environments (chain off: still an array, free tier present).
    const envs = await ProviderInstance.getComputeEnvironments(bed.url)
    expect(envs.map((e) => [e.id, Boolean(e.free)])).toEqual([['local-sandbox', true]])
  })

  it('answers a CORS preflight from a browser origin, and exposes the error code header', async () => {
    const bed = await start()
    const res = await fetch(`${bed.url}/api/services/compute`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT')
    const refused = await fetch(`${bed.url}/api/services/compute?consumerAddress=nope`, {
      headers: { origin: 'http://localhost:5173' },
    })
    expect(refused.headers.get('access-control-expose-headers')).toContain('x-c2d-error-code')
    await expectError(refused, 400, 'ADDRESS_INVALID')
  })

  it('malformed JSON and an oversized body are JSON errors on the socket; nonce not advanced, no job', async () => {
    const bed = await start()
    const auth = await signed(bed, alice, 'freeStartCompute')
    await expectError(
      await post(bed, '/api/services/freeCompute', `{"consumerAddress":"${auth.consumerAddress}",`),
      400,
      'REQUEST_MALFORMED_JSON',
    )
    const huge = JSON.stringify({ ...auth, ...startBody(bed), metadata: { pad: 'x'.repeat(64 * 1024) } })
    await expectError(await post(bed, '/api/services/freeCompute', huge), 413, 'REQUEST_TOO_LARGE')
    expect(await nonceOf(bed, alice)).toBe(0)
    expect(jobs(bed)).toBe(0)
    // The same signed request, well-formed, still works: nothing was spent.
    expect(
      (await post(bed, '/api/services/freeCompute', JSON.stringify({ ...auth, ...startBody(bed) }))).status,
    ).toBe(200)
  })

  it("replay, wrong signer and someone else's job: JSON errors, never plain text; nothing changes", async () => {
    const bed = await start()
    const auth = await signed(bed, alice, 'freeStartCompute')
    const started = await post(
      bed,
      '/api/services/freeCompute',
      JSON.stringify({ ...auth, ...startBody(bed) }),
    )
    expect(started.status).toBe(200)
    const jobId = ((await started.json()) as Array<{ jobId: string }>)[0]!.jobId
    await expectError(
      await post(bed, '/api/services/freeCompute', JSON.stringify({ ...auth, ...startBody(bed) })),
      401,
      'NONCE_NOT_INCREASING',
    )
    const forged = {
      consumerAddress: alice.address,
      nonce: '9',
      signature: await bob.signMessage(toBeArray(requestMessageHash(alice.address, 9, 'freeStartCompute'))),
    }
    await expectError(
      await post(bed, '/api/services/freeCompute', JSON.stringify({ ...forged, ...startBody(bed) })),
      401,
      'SIGNATURE_INVALID',
    )
    expect(await nonceOf(bed, alice)).toBe(Number(auth.nonce))
    expect(jobs(bed)).toBe(1)
    const stop = await signed(bed, bob, 'stopCompute')
    const res = await fetch(
      `${bed.url}/api/services/compute?consumerAddress=${bob.address}&nonce=${stop.nonce}&signature=${stop.signature}&jobId=${jobId}`,
      { method: 'PUT', headers: { 'content-type': 'application/json' } },
    )
    await expectError(res, 404, 'JOB_NOT_FOUND')
    expect(bed.driver.stopped).toEqual([])
    // ocean.js' unsigned status for Bob does not list Alice's job.
    expect(await ProviderInstance.computeStatus(bed.url, bob, jobId)).toEqual([])
  })

  it('429 RATE_LIMITED per IP on signed commands only; the window slides with the clock', async () => {
    const bed = await start({ rateLimitPerMinute: 2 })
    for (let i = 0; i < 2; i += 1) {
      const auth = await signed(bed, alice, 'stopCompute')
      await expectError(
        await fetch(
          `${bed.url}/api/services/compute?consumerAddress=${alice.address}&nonce=${auth.nonce}&signature=${auth.signature}&jobId=x${i}`,
          { method: 'PUT' },
        ),
        404,
        'JOB_NOT_FOUND',
      )
    }
    const auth = await signed(bed, alice, 'freeStartCompute')
    await expectError(
      await post(bed, '/api/services/freeCompute', JSON.stringify({ ...auth, ...startBody(bed) })),
      429,
      'RATE_LIMITED',
    )
    expect(jobs(bed)).toBe(0)
    expect(await nonceOf(bed, alice)).toBe(2)
    expect((await fetch(`${bed.url}/api/services/compute?consumerAddress=${alice.address}`)).status).toBe(200)
    bed.clock.advance(2 * 60_000)
    expect(
      (await post(bed, '/api/services/freeCompute', JSON.stringify({ ...auth, ...startBody(bed) }))).status,
    ).toBe(200)
  })

  it('nonces persist across a restart of the core on the same data directory', async () => {
    const first = await start()
    const auth = await signed(first, alice, 'freeStartCompute', 77)
    expect(
      (await post(first, '/api/services/freeCompute', JSON.stringify({ ...auth, ...startBody(first) })))
        .status,
    ).toBe(200)
    await first.core.stop()
    running.splice(running.indexOf(first.core), 1)
    const second = await start({ dataDir: first.dataDir })
    expect(await nonceOf(second, alice)).toBe(77)
    await expectError(
      await post(second, '/api/services/freeCompute', JSON.stringify({ ...auth, ...startBody(second) })),
      401,
      'NONCE_NOT_INCREASING',
    )
    expect(jobs(second)).toBe(1)
  })

  it('prototype keys, oversized numbers and deep nesting are 400s with a code; no nonce spent, no job', async () => {
    const bed = await start({ bodyLimitBytes: 2 * 1024 * 1024 })
    const did = bed.dataset.did
    for (const serviceId of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
      await expectError(
        await post(bed, '/api/services/fileInfo', JSON.stringify({ did, serviceId })),
        400,
        'SERVICE_INVALID',
      )
    const serviceId = bed.dataset.ddo.services[0]!.id
    for (const digits of [80, 400])
      await expectError(
        await fetch(
          `${bed.url}/api/services/initialize?documentId=${did}&serviceId=${serviceId}&consumerAddress=${alice.address}&validUntil=${'9'.repeat(digits)}`,
        ),
        400,
        'REQUEST_INVALID',
      )
    const nested = (depth: number, leaf: string) => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth)
    await expectError(
      await post(bed, '/directCommand', `{"command":"status","x":${nested(300_000, '1')}}`),
      400,
      'REQUEST_INVALID',
    )
    await expectError(
      await post(bed, '/directCommand', '['.repeat(300_000) + ']'.repeat(300_000)),
      400,
      'REQUEST_INVALID',
    )
    const auth = await signed(bed, alice, 'freeStartCompute')
    const base = JSON.stringify({ ...auth, ...startBody(bed) }).slice(0, -1)
    for (const field of ['metadata', 'algocustomdata'])
      await expectError(
        await post(bed, '/api/services/freeCompute', `${base},"${field}":${nested(200_000, '{}')}}`),
        400,
        'REQUEST_INVALID',
      )
    await expectError(
      await post(bed, '/api/services/freeCompute', `${base},"metadata":{"__proto__":{"isAdmin":true}}}`),
      400,
      'REQUEST_INVALID',
    )
    expect(await nonceOf(bed, alice)).toBe(0)
    expect(jobs(bed)).toBe(0)
    // The same signed request with shallow metadata still works: nothing was spent.
    const ok = await post(bed, '/api/services/freeCompute', `${base},"metadata":{"a":{"b":{"c":1}}}}`)
    expect(ok.status).toBe(200)
  })

  it("the HTTP parser's refusals (431, bad framing) carry the JSON-string body and the error code", async () => {
    const bed = await start()
    const { hostname, port } = new URL(bed.url)
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname)
        let answer = ''
        socket.on('data', (chunk) => (answer += chunk.toString('latin1')))
        socket.on('end', () => resolve(answer))
        socket.on('close', () => resolve(answer))
        socket.on('error', reject)
        socket.write(request)
      })
    const parse = (answer: string) => {
      const [head = '', body = ''] = answer.split('\r\n\r\n')
      return {
        status: Number(head.split(' ')[1]),
        code: /x-c2d-error-code: (\S+)/i.exec(head)?.[1],
        json: /content-type: application\/json/i.test(head),
        body: JSON.parse(body) as unknown,
      }
    }
    const big = parse(await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(32 * 1024)}\r\n\r\n`))
    expect(big).toMatchObject({ status: 431, code: 'REQUEST_HEADERS_TOO_LARGE', json: true })
    expect(typeof big.body).toBe('string')
    const framing = parse(
      await raw('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'),
    )
    expect(framing).toMatchObject({ status: 400, code: 'REQUEST_INVALID', json: true })
    expect(typeof framing.body).toBe('string')
  })
})
