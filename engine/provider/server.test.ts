/**
 * The Provider app over real parts (SQLite in a temp dir, the real Operator-Service on the
 * FakeDriver, a real AssetRegistry seeded as engine/publishing builds records), driven with
 * Fastify `inject`. Every refusal is checked on the wire (status, JSON-string body,
 * x-c2d-error-code) and for what must not have happened (nonce, job, stop, files).
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import {
  Signature,
  SigningKey,
  Wallet,
  hexlify,
  solidityPackedKeccak256,
  toBeArray,
  toUtf8Bytes,
  verifyMessage,
} from 'ethers'
import type { LightMyRequestResponse } from 'fastify'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { computeEnvironmentSchema, consoleConfigSchema } from '../config/schema'
import type { FileSource } from '../file-source'
import { MemoryLogger } from '../logging'
import { Environments } from '../operator-service/environments'
import { SqliteOperatorService } from '../operator-service/operator-service'
import { trustedAlgorithmEntry } from '../publishing/algorithm-checksums'
import { AssetRegistry, type AssetRecord } from '../publishing/asset-registry'
import { openDatabase, type Database } from '../store/database'
import { AuthTokensRepo } from '../store/auth-tokens-repo'
import { NoncesRepo } from '../store/nonces-repo'
import { FakeDriver, HAPPY_STORY } from '../test/fake-driver'
import { AuthTokens, loadAuthTokenSecret } from './auth-tokens'
import { RequestAuth } from './request-auth'
import { requestMessageHash } from './request-signature'
import type { AccessListCheck } from '../chain/access-lists'
import { chainError } from '../chain/chain-errors'
import type { PaidCompute } from './paid-compute'
import { createProviderApp, type ProviderApp } from './server'
import { providerError } from './errors'
import { assetRecord } from '../test/asset-records'

const alice = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const bob = new Wallet('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a')
const nodeWallet = new Wallet('0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6')
const CONTAINER = { image: 'node', tag: '20', entrypoint: 'node $ALGO' }
const FEE_TOKEN = '0xAbCdEf0123456789aBcDeF0123456789AbCdEf01'

const record = assetRecord

const env = (over: Record<string, unknown>) =>
  computeEnvironmentSchema.parse({
    cpu: { total: 4, max: 2, min: 1 },
    ramGb: { total: 4, max: 2, min: 0 },
    diskGb: { total: 4, max: 2, min: 0 },
    free: { cpu: 1, maxJobsPerConsumer: 1 },
    ...over,
  })

interface Harness {
  app: ProviderApp
  db: Database
  dataDir: string
  clock: FakeClock
  driver: FakeDriver
  ops: SqliteOperatorService
  logger: MemoryLogger
  assets: AssetRegistry
  tokens: AuthTokens
  environments: Environments
  samples: Record<
    'algo' | 'changedAlgo' | 'untrustedAlgo' | 'data' | 'rawData' | 'revoked' | 'changedData',
    AssetRecord
  >
}

async function harness(
  options: {
    rateLimitPerMinute?: number
    requestsPerMinute?: number
    allowedAdmins?: string[]
    denyList?: { ips?: string[]; peers?: string[] }
    bodyLimitBytes?: number
    dataDir?: string
    paid?: PaidCompute
    accessLists?: AccessListCheck
  } = {},
): Promise<Harness> {
  const fresh = options.dataDir === undefined
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'provider-app-'))
  const db = openDatabase({ file: join(dataDir, 'console.db') })
  const clock = new FakeClock()
  const logger = new MemoryLogger()
  const environments = new Environments(db)
  environments.seed([
    env({ id: 'free-env' }),
    env({ id: 'net-env', allowNetwork: true }),
    env({ id: 'paid-only', free: undefined }),
    env({ id: 'private-env', accessAddresses: [bob.address.toLowerCase()] }),
    env({
      id: 'paid-env',
      free: undefined,
      fees: {
        '8996': [
          {
            feeToken: FEE_TOKEN,
            prices: [
              { id: 'cpu', price: 0.5 },
              { id: 'ram', price: 0.25 },
            ],
          },
        ],
      },
    }),
  ])
  const driver = new FakeDriver()
  const ops = new SqliteOperatorService({ db, driver, environments, dataDir, logger, clock })
  await ops.start()
  const assets = new AssetRegistry(db, clock)
  const samples = {} as Harness['samples']
  if (fresh) {
    const file = (name: string, text: string): FileSource[] => {
      writeFileSync(join(dataDir, name), text)
      return [{ type: 'local', path: join(dataDir, name) }]
    }
    const algoFiles = file('algo.js', 'console.log(1)\n')
    samples.algo = record(
      { kind: 'algorithm', name: 'algo', container: CONTAINER, service: { files: algoFiles } },
      algoFiles,
    )
    const changedFiles = file('changed.js', 'console.log(2)\n')
    samples.changedAlgo = record(
      { kind: 'algorithm', name: 'changed', container: CONTAINER, service: { files: changedFiles } },
      changedFiles,
    )
    samples.untrustedAlgo = record(
      { kind: 'algorithm', name: 'untrusted', container: CONTAINER, service: { files: algoFiles } },
      algoFiles,
    )
    const trusted = [
      await trustedAlgorithmEntry({ ddo: samples.algo.ddo, files: algoFiles }),
      await trustedAlgorithmEntry({ ddo: samples.changedAlgo.ddo, files: changedFiles }),
    ]
    writeFileSync(join(dataDir, 'changed.js'), 'console.log("not what the publisher trusted")\n')
    const dataFiles = file('data.csv', 'a\n1\n')
    samples.data = record(
      { kind: 'dataset', name: 'data', service: { files: dataFiles, publisherTrustedAlgorithms: trusted } },
      dataFiles,
    )
    samples.changedData = samples.data
    samples.rawData = record(
      {
        kind: 'dataset',
        name: 'raw',
        service: { files: dataFiles, allowRawAlgorithm: true, allowNetworkAccess: false },
      },
      dataFiles,
    )
    samples.revoked = {
      ...record(
        { kind: 'dataset', name: 'revoked', service: { files: dataFiles, allowRawAlgorithm: true } },
        dataFiles,
      ),
      state: 3,
    }
    for (const r of Object.values(samples)) assets.upsert(r)
  }
  const tokens = new AuthTokens({
    secret: loadAuthTokenSecret(dataDir),
    repo: new AuthTokensRepo(db),
    clock,
    ttlSec: 60,
  })
  const config = consoleConfigSchema.parse({
    dataDir,
    provider: {
      port: 0,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 1000,
      ...(options.requestsPerMinute ? { requestsPerMinute: options.requestsPerMinute } : {}),
      ...(options.denyList ? { denyList: options.denyList } : {}),
      ...(options.allowedAdmins ? { allowedAdmins: options.allowedAdmins } : {}),
      bodyLimitBytes: options.bodyLimitBytes ?? 64 * 1024,
    },
  })
  const app = await createProviderApp({
    config,
    logger,
    clock,
    operatorService: ops,
    environments,
    assets,
    auth: new RequestAuth({ nonces: new NoncesRepo(db), tokens, clock }),
    tokens,
    node: () => ({
      address: nodeWallet.address,
      publicKey: SigningKey.computePublicKey(nodeWallet.signingKey.publicKey, true),
      signer: nodeWallet,
    }),
    chainIds: [8996],
    ...(options.paid ? { paid: options.paid } : {}),
    ...(options.accessLists ? { accessLists: options.accessLists } : {}),
  })
  return { app, db, dataDir, clock, driver, ops, logger, assets, tokens, environments, samples }
}

const ACCESS_LIST = '0x' + '5a'.repeat(20)
const ref = (r: AssetRecord) => ({ documentId: r.did, serviceId: r.ddo.services[0]!.id })
const flush = () => new Promise((resolve) => setImmediate(resolve))

async function nonceOf(h: Harness, wallet: Wallet): Promise<number> {
  const res = await h.app.inject({ method: 'GET', url: `/api/services/nonce?userAddress=${wallet.address}` })
  return Number((res.json() as { nonce: string }).nonce)
}

/** ocean.js 8.x: nonce = stored + 1, signMessage(toBeArray(keccak(address + nonce + command))). */
async function signed(h: Harness, wallet: Wallet, command: string, nonce?: number) {
  const n = nonce ?? (await nonceOf(h, wallet)) + 1
  return {
    consumerAddress: wallet.address,
    nonce: String(n),
    signature: await wallet.signMessage(toBeArray(requestMessageHash(wallet.address, n, command))),
  }
}

function freeBody(h: Harness, over: Record<string, unknown> = {}) {
  return { environment: 'free-env', datasets: [ref(h.samples.data)], algorithm: ref(h.samples.algo), ...over }
}

async function freeStart(
  h: Harness,
  wallet: Wallet,
  over: Record<string, unknown> = {},
  auth?: Awaited<ReturnType<typeof signed>>,
) {
  return h.app.inject({
    method: 'POST',
    url: '/api/services/freeCompute',
    payload: { ...(auth ?? (await signed(h, wallet, 'freeStartCompute'))), ...freeBody(h, over) },
  })
}

/** The Ocean way to fail: status, a JSON *string* body, and our code in a header. */
function expectError(res: LightMyRequestResponse, status: number, code: string): string {
  expect({ status: res.statusCode, code: res.headers['x-c2d-error-code'] }).toEqual({ status, code })
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  const body = JSON.parse(res.body) as unknown
  expect(typeof body).toBe('string')
  return body as string
}

const jobCount = (h: Harness) => h.ops.countJobs({})
const jobDirs = (h: Harness) =>
  existsSync(join(h.dataDir, 'jobs')) ? readdirSync(join(h.dataDir, 'jobs')) : []

/** A free job of `wallet` run to 70 with a log and an output. */
async function finishedJob(h: Harness, wallet: Wallet, over: Record<string, unknown> = {}) {
  const res = await freeStart(h, wallet, over)
  expect(res.statusCode).toBe(200)
  const jobId = (res.json() as Array<{ jobId: string }>)[0]!.jobId
  await flush()
  const log = h.driver.writeResult(jobId, 'algorithm.log', 'hello log\n', 'algorithmLog')
  const out = h.driver.writeResult(jobId, 'outputs.tar', Buffer.from('0123456789'), 'output')
  h.driver.play(jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [log, out] }])
  expect(h.ops.getJob(jobId)!.status).toBe(70)
  return jobId
}

async function getResult(
  h: Harness,
  wallet: Wallet,
  jobId: string,
  index: string,
  headers: Record<string, string> = {},
) {
  const auth = await signed(h, wallet, 'getComputeResult')
  const qs = `consumerAddress=${auth.consumerAddress}&nonce=${auth.nonce}&signature=${auth.signature}&jobId=${jobId}&index=${index}`
  return h.app.inject({ method: 'GET', url: `/api/services/computeResult?${qs}`, headers })
}

async function stop(h: Harness, wallet: Wallet, jobId: string) {
  const auth = await signed(h, wallet, 'stopCompute')
  return h.app.inject({
    method: 'PUT',
    url: `/api/services/compute?consumerAddress=${auth.consumerAddress}&nonce=${auth.nonce}&signature=${auth.signature}&jobId=${jobId}`,
  })
}

describe('Provider app: discovery and HTTP concerns', () => {
  it('GET / answers the spec §13 document and ignores `Authorization: undefined`', async () => {
    const h = await harness()
    const res = await h.app.inject({
      method: 'GET',
      url: '/',
      headers: { authorization: 'undefined', 'content-type': 'application/json' },
    })
    expect(res.statusCode).toBe(200)
    const doc = res.json() as Record<string, unknown>
    expect(doc).toMatchObject({
      chainIds: ['8996'],
      providerAddress: nodeWallet.address,
      software: expect.any(String),
      version: expect.any(String),
      nodeId: expect.any(String),
    })
    expect(doc.nodePublicKey).toMatch(/^0x0[23][0-9a-f]{64}$/)
    const endpoints = doc.serviceEndpoints as Record<string, [string, string]>
    for (const name of [
      'nonce',
      'computeEnvironments',
      'initializeCompute',
      'computeStart',
      'freeCompute',
      'computeStatus',
      'computeStop',
      'computeResult',
      'computeStreamableLogs',
      'initialize',
      'generateAuthToken',
      'invalidateAuthToken',
      'directCommand',
    ]) {
      expect(endpoints[name]?.[1], name).toMatch(/^\/[a-zA-Z/]+$/)
    }
    expect(endpoints.computeStop).toEqual(['PUT', '/api/services/compute'])
  })

  it('computeEnvironments and GET / are served from memory, yet follow every job, environment and key change', async () => {
    const h = await harness()
    type Env = { id: string; runningJobs: number; queuedJobs: number; description: string }
    const list = async () =>
      (await h.app.inject({ method: 'GET', url: '/api/services/computeEnvironments' })).json() as Env[]
    const load = async () => {
      const e = (await list()).find((x) => x.id === 'free-env')!
      return e.runningJobs + e.queuedJobs
    }
    expect(await load()).toBe(0)
    expect(await load()).toBe(0)
    expect((await freeStart(h, alice)).statusCode).toBe(200)
    expect(await load()).toBe(1)
    h.environments.saveEnvironment({ ...h.environments.getEnvironment('free-env')!, description: 'renamed' })
    expect((await list()).find((x) => x.id === 'free-env')!.description).toBe('renamed')
    h.environments.deleteEnvironment('net-env')
    expect((await list()).map((x) => x.id)).not.toContain('net-env')
    const root = await h.app.inject({ method: 'GET', url: '/' })
    expect(root.headers['content-type']).toBe('application/json; charset=utf-8')
    expect((root.json() as { providerAddress: string }).providerAddress).toBe(nodeWallet.address)
  })

  it('computeEnvironments is an array in the spec §5 shape (free only where offered)', async () => {
    const h = await harness()
    const envs = (
      await h.app.inject({ method: 'GET', url: '/api/services/computeEnvironments' })
    ).json() as Array<Record<string, unknown>>
    expect(envs.map((e) => e.id)).toEqual(['free-env', 'net-env', 'paid-only', 'private-env', 'paid-env'])
    expect(envs[4]!.fees).toEqual({
      '8996': [
        {
          feeToken: FEE_TOKEN,
          prices: [
            { id: 'cpu', price: 0.5 },
            { id: 'ram', price: 0.25 },
          ],
        },
      ],
    })
    expect(envs[3]!.access).toEqual({ addresses: [bob.address.toLowerCase()], accessLists: null })
    for (const e of envs.slice(0, 3)) {
      expect(e).toMatchObject({
        consumerAddress: nodeWallet.address,
        platform: { os: 'linux' },
        access: { addresses: [], accessLists: null },
        minJobDuration: 60,
        maxJobDuration: 3600,
        runningJobs: 0,
        queuedJobs: 0,
        fees: {},
      })
      expect((e.resources as Array<{ id: string }>).map((r) => r.id)).toEqual(['cpu', 'ram', 'disk'])
    }
    expect(envs[0]!.free).toMatchObject({
      maxJobDuration: 60,
      resources: [
        { id: 'cpu', max: 1 },
        { id: 'ram', max: 1 },
        { id: 'disk', max: 1 },
      ],
    })
    expect('free' in envs[2]!).toBe(false)
    expect(envs[1]!.enableNetwork).toBe(true)
  })

  it('an unknown route answers a JSON string 404, never Fastify’s default body', async () => {
    const h = await harness()
    for (const [method, url] of [
      ['GET', '/api/services/nope'],
      ['POST', '/does/not/exist?x=1'],
      ['DELETE', '/api/services/compute'],
    ] as const) {
      const res = await h.app.inject({ method, url })
      const message = expectError(res, 404, 'ROUTE_NOT_FOUND')
      expect(message).not.toContain('x=1')
    }
  })

  it('answers a CORS preflight from a browser origin', async () => {
    const h = await harness()
    const res = await h.app.inject({
      method: 'OPTIONS',
      url: '/api/services/freeCompute',
      headers: {
        origin: 'https://market.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    })
    expect(res.statusCode).toBe(204)
    expect(res.headers['access-control-allow-origin']).toBe('*')
    expect(String(res.headers['access-control-allow-methods'])).toContain('POST')
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization')
    expect(jobCount(h)).toBe(0)
    const get = await h.app.inject({ method: 'GET', url: '/', headers: { origin: 'https://market.example' } })
    expect(get.headers['access-control-allow-origin']).toBe('*')
    expect(String(get.headers['access-control-expose-headers'])).toContain('x-c2d-error-code')
  })

  it('malformed JSON: 400 REQUEST_MALFORMED_JSON, nonce not advanced, no job', async () => {
    const h = await harness()
    const auth = await signed(h, alice, 'freeStartCompute')
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/services/freeCompute',
      headers: { 'content-type': 'application/json' },
      payload: `{"consumerAddress":"${auth.consumerAddress}","nonce":"${auth.nonce}",`,
    })
    expectError(res, 400, 'REQUEST_MALFORMED_JSON')
    expect(await nonceOf(h, alice)).toBe(0)
    expect(jobCount(h)).toBe(0)
  })

  it('oversized body: 413 REQUEST_TOO_LARGE, nonce not advanced, no job', async () => {
    const h = await harness({ bodyLimitBytes: 2048 })
    const res = await freeStart(h, alice, { metadata: { padding: 'x'.repeat(4096) } })
    expectError(res, 413, 'REQUEST_TOO_LARGE')
    expect(await nonceOf(h, alice)).toBe(0)
    expect(jobCount(h)).toBe(0)
    expect(jobDirs(h)).toEqual([])
  })
})

describe('Provider app: signatures and nonces', () => {
  it('a replayed nonce gets 401 NONCE_NOT_INCREASING and registers nothing', async () => {
    const h = await harness()
    const auth = await signed(h, alice, 'freeStartCompute')
    expect((await freeStart(h, alice, {}, auth)).statusCode).toBe(200)
    await flush()
    const before = await nonceOf(h, alice)
    const replay = await freeStart(h, alice, {}, auth)
    expect(expectError(replay, 401, 'NONCE_NOT_INCREASING')).toBe(`nonce: ${auth.nonce} is not a valid nonce`)
    expect(await nonceOf(h, alice)).toBe(before)
    expect(jobCount(h)).toBe(1)
  })

  it('a wrong signer gets 401 SIGNATURE_INVALID; the nonce is not stored; no job, no files', async () => {
    const h = await harness()
    const n = 1
    const forged = {
      consumerAddress: alice.address,
      nonce: String(n),
      signature: await bob.signMessage(toBeArray(requestMessageHash(alice.address, n, 'freeStartCompute'))),
    }
    expect(expectError(await freeStart(h, alice, {}, forged), 401, 'SIGNATURE_INVALID')).toBe(
      'consumer address and nonce signature mismatch',
    )
    expect(await nonceOf(h, alice)).toBe(0)
    expect(jobCount(h)).toBe(0)
    expect(jobDirs(h)).toEqual([])
  })

  it('accepts a hash with a leading zero byte signed the ocean.js way (toBeArray), nonce found by search', async () => {
    const h = await harness()
    let n = 1
    while (!requestMessageHash(alice.address, n, 'freeStartCompute').startsWith('0x00')) n += 1
    const res = await freeStart(h, alice, {}, await signed(h, alice, 'freeStartCompute', n))
    expect(res.statusCode).toBe(200)
    expect(await nonceOf(h, alice)).toBe(n)
    expect(jobCount(h)).toBe(1)
  })

  it('nonces persist across a restart of the app on the same database', async () => {
    const h = await harness()
    const auth = await signed(h, alice, 'freeStartCompute', 41)
    expect((await freeStart(h, alice, {}, auth)).statusCode).toBe(200)
    await flush()
    await h.app.close()
    await h.ops.close()
    h.db.close()
    const again = await harness({ dataDir: h.dataDir })
    expect(await nonceOf(again, alice)).toBe(41)
    expectError(
      await again.app.inject({
        method: 'POST',
        url: '/api/services/freeCompute',
        payload: {
          ...auth,
          environment: 'free-env',
          datasets: [],
          algorithm: { meta: { rawcode: 'x', container: CONTAINER } },
        },
      }),
      401,
      'NONCE_NOT_INCREASING',
    )
    expect(jobCount(again)).toBe(1)
  })

  // Was a bug (fixed by the integrator): style.md §2.5 orders schema checks before the signature and says a rejected
  // request changes nothing; the compute routes authenticate (and store the nonce) first.
  it('a schema failure (no algorithm) answers 400 REQUEST_INVALID before the nonce is stored', async () => {
    const h = await harness()
    const auth = await signed(h, alice, 'freeStartCompute')
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/services/freeCompute',
      payload: { ...auth, environment: 'free-env', datasets: [ref(h.samples.data)] },
    })
    expectError(res, 400, 'REQUEST_INVALID')
    expect(jobCount(h)).toBe(0)
    expect(await nonceOf(h, alice)).toBe(0)
  })
})

describe('Provider app: who may see and touch a job', () => {
  it("someone else's job: status hides it; stop, result and logs answer 404 JOB_NOT_FOUND; nothing stops", async () => {
    const h = await harness()
    const jobId = await finishedJob(h, alice)
    const status = await h.app.inject({
      method: 'GET',
      url: `/api/services/compute?consumerAddress=${bob.address}&jobId=${jobId}`,
    })
    expect(status.statusCode).toBe(200)
    expect(status.json()).toEqual([])
    expect(
      (
        await h.app.inject({ method: 'GET', url: `/api/services/compute?consumerAddress=${bob.address}` })
      ).json(),
    ).toEqual([])
    expectError(await stop(h, bob, jobId), 404, 'JOB_NOT_FOUND')
    expect(h.driver.stopped).toEqual([])
    expect(h.ops.getJob(jobId)!.stopRequested).toBe(false)
    expectError(await getResult(h, bob, jobId, '0'), 404, 'JOB_NOT_FOUND')
    const logsAuth = await signed(h, bob, 'getComputeStreamableLogs')
    const logs = await h.app.inject({
      method: 'GET',
      url: `/api/services/computeStreamableLogs?consumerAddress=${bob.address}&nonce=${logsAuth.nonce}&signature=${logsAuth.signature}&jobId=${jobId}`,
    })
    expectError(logs, 404, 'JOB_NOT_FOUND')
    // The same answer as for a job that does not exist at all (no existence leak).
    expect(expectError(await stop(h, bob, 'no-such-job'), 404, 'JOB_NOT_FOUND')).toBe(
      'Job no-such-job not found',
    )
  })

  it('start and status answer the same job in the spec §7 shape (same jobId string, seconds as strings)', async () => {
    const h = await harness()
    const started = await freeStart(h, alice, { metadata: { purpose: 'test' } })
    const job = (started.json() as Array<Record<string, unknown>>)[0]!
    const jobId = await (async () => {
      await flush()
      return job.jobId as string
    })()
    const log = h.driver.writeResult(jobId, 'algorithm.log', 'x', 'algorithmLog')
    h.driver.play(jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [log] }])
    const [status] = (
      await h.app.inject({
        method: 'GET',
        url: `/api/services/compute?consumerAddress=${alice.address}&jobId=${jobId}`,
      })
    ).json() as Array<Record<string, unknown>>
    expect(status).toMatchObject({
      owner: alice.address,
      jobId,
      did: h.samples.data.did,
      inputDID: [h.samples.data.did],
      algoDID: h.samples.algo.did,
      status: 70,
      statusText: 'Job finished',
      results: [{ filename: 'algorithm.log', filesize: 1, type: 'algorithmLog', index: 0 }],
      agreementId: '',
      environment: 'free-env',
      maxJobDuration: 60,
      metadata: { purpose: 'test' },
      additionalViewers: [],
      stopRequested: false,
      isFree: true,
      terminationDetails: { exitCode: 0, OOMKilled: false },
    })
    expect(status!.dateCreated).toMatch(/^\d+(\.\d+)?$/)
    expect(typeof status!.expireTimestamp).toBe('number')
    expect('spec' in status!).toBe(false)
    expect(JSON.stringify(status)).not.toContain(h.dataDir)
  })

  it('the owner stops their own running job (stopRequested in the answer)', async () => {
    const h = await harness()
    const res = await freeStart(h, alice)
    const jobId = (res.json() as Array<{ jobId: string }>)[0]!.jobId
    await flush()
    const stopped = await stop(h, alice, jobId)
    expect(stopped.statusCode).toBe(200)
    expect((stopped.json() as Array<{ jobId: string; stopRequested: boolean }>)[0]).toMatchObject({
      jobId,
      stopRequested: true,
    })
  })

  it('additionalViewers may read results but not stop', async () => {
    const h = await harness()
    const jobId = await finishedJob(h, alice, { additionalViewers: [bob.address.toLowerCase()] })
    const res = await getResult(h, bob, jobId, '1')
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe('0123456789')
    expect(res.headers['content-type']).toBe('application/octet-stream')
    const log = await getResult(h, bob, jobId, '0')
    expect(log.headers['content-type']).toMatch(/^text\/plain/)
    expectError(await stop(h, bob, jobId), 404, 'JOB_NOT_FOUND')
    expect(h.ops.getJob(jobId)!.stopRequested).toBe(false)
  })

  it('status without consumerAddress is refused; a DID as agreementId is ignored (spec §7)', async () => {
    const h = await harness()
    const jobId = await finishedJob(h, alice)
    expectError(
      await h.app.inject({ method: 'GET', url: `/api/services/compute?jobId=${jobId}` }),
      400,
      'REQUEST_INVALID',
    )
    expectError(await h.app.inject({ method: 'GET', url: '/api/services/compute' }), 400, 'REQUEST_INVALID')
    expectError(
      await h.app.inject({ method: 'GET', url: '/api/services/compute?consumerAddress=0x123' }),
      400,
      'ADDRESS_INVALID',
    )
    const byDid = await h.app.inject({
      method: 'GET',
      url: `/api/services/compute?consumerAddress=${alice.address}&jobId=${jobId}&agreementId=${h.samples.data.did}`,
    })
    expect(
      (byDid.json() as Array<{ jobId: string; status: number }>).map((j) => [j.jobId, j.status]),
    ).toEqual([[jobId, 70]])
    const listed = await h.app.inject({
      method: 'GET',
      url: `/api/services/compute?consumerAddress=${alice.address.toLowerCase()}&agreementId=${h.samples.data.did}`,
    })
    expect((listed.json() as Array<{ jobId: string }>).map((j) => j.jobId)).toEqual([jobId])
    const otherAgreement = await h.app.inject({
      method: 'GET',
      url: `/api/services/compute?consumerAddress=${alice.address}&jobId=${jobId}&agreementId=0xabc`,
    })
    expect(otherAgreement.json()).toEqual([])
  })
})

describe('Provider app: what a start may ask for', () => {
  const RAW = { meta: { rawcode: 'console.log(1)', container: CONTAINER } }
  const cases: Array<[string, (h: Harness) => Record<string, unknown>, number, string]> = [
    ['unknown environment', () => ({ environment: 'nope' }), 404, 'ENVIRONMENT_UNKNOWN'],
    [
      "resources over the environment's max",
      () => ({ resources: [{ id: 'cpu', amount: 3 }] }),
      400,
      'RESOURCES_OVER_LIMIT',
    ],
    [
      "resources over the free tier's max",
      () => ({ resources: [{ id: 'cpu', amount: 2 }] }),
      400,
      'RESOURCES_OVER_LIMIT',
    ],
    [
      'a free start on an environment without a free tier',
      () => ({ environment: 'paid-only' }),
      400,
      'PAYMENT_INVALID',
    ],
    [
      'an environment whose access list leaves the consumer out',
      () => ({ environment: 'private-env' }),
      403,
      'ENVIRONMENT_ACCESS_DENIED',
    ],
    [
      'a revoked dataset',
      (h) => ({ datasets: [ref(h.samples.revoked)], algorithm: RAW }),
      403,
      'ASSET_NOT_ACTIVE',
    ],
    [
      'an untrusted algorithm',
      (h) => ({ algorithm: ref(h.samples.untrustedAlgo) }),
      403,
      'ALGORITHM_NOT_TRUSTED',
    ],
    [
      'a changed algorithm file (checksum mismatch)',
      (h) => ({ algorithm: ref(h.samples.changedAlgo) }),
      403,
      'ALGORITHM_NOT_TRUSTED',
    ],
    ['raw code where the dataset disallows it', () => ({ algorithm: RAW }), 403, 'ALGORITHM_NOT_TRUSTED'],
    [
      'network access the dataset refuses',
      (h) => ({ environment: 'net-env', datasets: [ref(h.samples.rawData)], algorithm: RAW }),
      403,
      'NETWORK_NOT_ALLOWED',
    ],
  ]
  for (const [name, body, status, code] of cases) {
    it(`${name}: ${status} ${code}, no job, no files`, async () => {
      const h = await harness()
      expectError(await freeStart(h, alice, body(h)), status, code)
      expect(jobCount(h)).toBe(0)
      expect(jobDirs(h)).toEqual([])
      expect(h.driver.started).toEqual([])
    })
  }

  it('raw code where the dataset allows it starts a job', async () => {
    const h = await harness()
    const res = await freeStart(h, alice, { datasets: [ref(h.samples.rawData)], algorithm: RAW })
    expect(res.statusCode).toBe(200)
    expect((res.json() as Array<{ isFree: boolean; resources: unknown }>)[0]).toMatchObject({
      isFree: true,
      maxJobDuration: 60,
      resources: [
        { id: 'cpu', amount: 1 },
        { id: 'ram', amount: 0 },
        { id: 'disk', amount: 0 },
      ],
    })
  })

  it('resources as ocean-cli and ocean.js send them: null, entries without amount, below the min (Ocean Node fills the min)', async () => {
    const minimum = [
      { id: 'cpu', amount: 1 },
      { id: 'ram', amount: 0 },
      { id: 'disk', amount: 0 },
    ]
    for (const [name, over] of [
      [
        'resources: null and other optional fields null (ocean-cli)',
        {
          resources: null,
          metadata: null,
          additionalViewers: null,
          maxJobDuration: null,
          queueMaxWaitTime: null,
        },
      ],
      [
        'computeEnv.resources as listed, without amount (ocean.js)',
        {
          resources: [
            { id: 'cpu', total: 4, max: 2, min: 1, inUse: 0 },
            { id: 'ram', amount: null },
          ],
        },
      ],
      ['an amount below the min', { resources: [{ id: 'cpu', amount: 0 }] }],
    ] as const) {
      const h = await harness()
      const res = await freeStart(h, alice, { datasets: [ref(h.samples.rawData)], algorithm: RAW, ...over })
      expect({ name, status: res.statusCode, body: res.statusCode === 200 ? '' : res.body }).toEqual({
        name,
        status: 200,
        body: '',
      })
      expect((res.json() as Array<{ resources: unknown }>)[0]!.resources).toEqual(minimum)
    }
  })

  it('the free tier allows one unfinished job per consumer (429 FREE_LIMIT_REACHED), again once it finished', async () => {
    const h = await harness()
    const first = await freeStart(h, alice)
    expect(first.statusCode).toBe(200)
    await flush()
    expectError(await freeStart(h, alice), 429, 'FREE_LIMIT_REACHED')
    expect(jobCount(h)).toBe(1)
    expect((await freeStart(h, bob)).statusCode).toBe(200)
    const jobId = (first.json() as Array<{ jobId: string }>)[0]!.jobId
    h.driver.play(jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [] }])
    expect(h.ops.getJob(jobId)!.status).toBe(70)
    expect((await freeStart(h, alice)).statusCode).toBe(200)
  })
})

describe('Provider app: results', () => {
  it('Range: bytes=N- answers 206 with Content-Range; a range past the end answers 416', async () => {
    const h = await harness()
    const jobId = await finishedJob(h, alice)
    const partial = await getResult(h, alice, jobId, '1', { range: 'bytes=3-' })
    expect(partial.statusCode).toBe(206)
    expect(partial.headers['content-range']).toBe('bytes 3-9/10')
    expect(partial.headers['content-length']).toBe('7')
    expect(partial.body).toBe('3456789')
    const full = await getResult(h, alice, jobId, '1')
    expect(full.statusCode).toBe(200)
    expect(full.headers['content-range']).toBeUndefined()
    const bad = await getResult(h, alice, jobId, '1', { range: 'bytes=10-' })
    expectError(bad, 416, 'RANGE_NOT_SATISFIABLE')
    expect(bad.headers['content-range']).toBe('bytes */10')
    expectError(await getResult(h, alice, jobId, '2'), 404, 'RESULT_NOT_FOUND')
  })

  // Was a bug (fixed by the integrator): operator-service/results.ts rangeStart only parses "bytes=N-"; a satisfiable
  // closed range (curl -r 0-4, resumable download tools) gets 416 instead of 206 (or 200, ignored).
  it('Range: a satisfiable closed range (bytes=0-4) is served or ignored, never 416', async () => {
    const h = await harness()
    const jobId = await finishedJob(h, alice)
    const res = await getResult(h, alice, jobId, '1', { range: 'bytes=0-4' })
    expect(res.statusCode).toBe(206)
    expect(res.headers['content-range']).toBe('bytes 0-4/10')
    expect(res.headers['content-length']).toBe('5')
    expect(res.body).toBe('01234')
    const suffix = await getResult(h, alice, jobId, '1', { range: 'bytes=-3' })
    expect([suffix.statusCode, suffix.headers['content-range'], suffix.body]).toEqual([
      206,
      'bytes 7-9/10',
      '789',
    ])
    const past = await getResult(h, alice, jobId, '1', { range: 'bytes=8-99' })
    expect([past.statusCode, past.headers['content-range'], past.body]).toEqual([206, 'bytes 8-9/10', '89'])
    // A unit we do not serve is ignored (RFC 9110 lets a server send the whole file).
    const other = await getResult(h, alice, jobId, '1', { range: 'pages=1-' })
    expect([other.statusCode, other.body]).toEqual([200, '0123456789'])
  })

  // Was a bug (fixed by the integrator): rangeStart compares with Math.max(size, 1), so `bytes=0-` on an empty result
  // (an algorithm that printed nothing) answers 206 with the malformed `Content-Range: bytes 0--1/0`.
  it('Range on an empty result answers 416 (or 200), never a malformed Content-Range', async () => {
    const h = await harness()
    const res = await freeStart(h, alice)
    const jobId = (res.json() as Array<{ jobId: string }>)[0]!.jobId
    await flush()
    const empty = h.driver.writeResult(jobId, 'algorithm.log', '', 'algorithmLog')
    h.driver.play(jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [empty] }])
    const result = await getResult(h, alice, jobId, '0', { range: 'bytes=0-' })
    expectError(result, 416, 'RANGE_NOT_SATISFIABLE')
    expect(result.headers['content-range']).toBe('bytes */0')
    const whole = await getResult(h, alice, jobId, '0')
    expect([whole.statusCode, whole.headers['content-length'], whole.body]).toEqual([200, '0', ''])
  })

  it('path traversal in a result index (plain and url-encoded) is 400 FILE_NAME_INVALID and serves nothing', async () => {
    const h = await harness()
    const jobId = await finishedJob(h, alice)
    const nonceBefore = await nonceOf(h, alice)
    for (const index of [
      '../x',
      '1/../2',
      '%2E%2E%2Fx',
      '1%2F..%2F2',
      '..%5C..%5Cconsole.db',
      '%252e%252e%252f',
      '-1',
      '1.0',
      '',
    ]) {
      const res = await getResult(h, alice, jobId, index)
      expectError(res, 400, 'FILE_NAME_INVALID')
      expect(res.body).not.toContain('0123456789')
    }
    // Refused before the signature is checked: no nonce was spent.
    expect(await nonceOf(h, alice)).toBe(nonceBefore)
  })

  it('a result whose file name escapes the results folder is refused (FILE_NAME_INVALID), not served', async () => {
    const h = await harness()
    const res = await freeStart(h, alice)
    const jobId = (res.json() as Array<{ jobId: string }>)[0]!.jobId
    await flush()
    h.driver.play(jobId, [
      ...HAPPY_STORY,
      {
        kind: 'outputs-collected',
        results: [
          { filename: '../../console.db', filesizeBytes: 1, type: 'output' },
          { filename: '..', filesizeBytes: 1, type: 'output' },
        ],
      },
    ])
    for (const index of ['0', '1']) {
      const result = await getResult(h, alice, jobId, index)
      expectError(result, 400, 'FILE_NAME_INVALID')
      expect(result.body).not.toContain('SQLite')
    }
  })
})

describe('Provider app: admin directCommands (Ocean Node AdminCommandHandler)', () => {
  async function admin(h: Harness, wallet: Wallet, command: string, extra: Record<string, unknown> = {}) {
    const auth = await signed(h, wallet, command)
    return h.app.inject({
      method: 'POST',
      url: '/directCommand',
      payload: {
        command,
        address: auth.consumerAddress,
        nonce: auth.nonce,
        signature: auth.signature,
        ...extra,
      },
    })
  }

  it('status lists allowedAdmins; fetchConfig, getLogs and stopJob answer an admin, and refuse anyone else before the nonce', async () => {
    const h = await harness({ allowedAdmins: [alice.address] })
    const status = await h.app.inject({
      method: 'POST',
      url: '/directCommand',
      payload: { command: 'status' },
    })
    expect((status.json() as { allowedAdmins: unknown }).allowedAdmins).toEqual({
      addresses: [alice.address],
      accessLists: {},
    })
    const config = await admin(h, alice, 'fetchConfig')
    expect(config.statusCode).toBe(200)
    expect((config.json() as { provider: { allowedAdmins: string[] } }).provider.allowedAdmins).toEqual([
      alice.address,
    ])
    const logs = await admin(h, alice, 'getLogs', { maxLogs: 2 })
    expect(logs.statusCode).toBe(200)
    const entries = logs.json() as Array<{ path: string; status: number }>
    expect(entries.length).toBe(2)
    const all = (await admin(h, alice, 'getLogs')).json() as Array<{ path: string; status: number }>
    expect(all).toContainEqual(expect.objectContaining({ path: '/directCommand', status: 200 }))
    expect(entries.every((e) => typeof e.path === 'string' && !e.path.includes('?'))).toBe(true)

    const started = await freeStart(h, bob)
    const jobId = (started.json() as Array<{ jobId: string }>)[0]!.jobId
    const stopped = await admin(h, alice, 'stopJob', { jobId })
    expect(stopped.statusCode).toBe(200)
    expect(h.ops.getJob(jobId)?.stopRequested).toBe(true)
    expectError(await admin(h, alice, 'stopJob', { jobId: 'nope' }), 404, 'JOB_NOT_FOUND')

    const bobNonce = await nonceOf(h, bob)
    for (const command of ['fetchConfig', 'getLogs', 'stopJob', 'collectFees'])
      expectError(await admin(h, bob, command, { jobId }), 403, 'ADMIN_DENIED')
    expect(await nonceOf(h, bob)).toBe(bobNonce)
    // A forged signature for the admin's address is refused too.
    const forged = await signed(h, bob, 'fetchConfig')
    const res = await h.app.inject({
      method: 'POST',
      url: '/directCommand',
      payload: {
        command: 'fetchConfig',
        address: alice.address,
        nonce: forged.nonce,
        signature: forged.signature,
      },
    })
    expect(res.statusCode).toBe(401)
  })
})

describe('Provider app: rate limit on every route, and the deny list', () => {
  const ROUTES: Array<{ method: 'GET' | 'POST' | 'PUT'; url: string }> = [
    { method: 'GET', url: '/' },
    { method: 'GET', url: '/api/services/nonce?userAddress=0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
    { method: 'GET', url: '/api/services/computeEnvironments' },
    {
      method: 'GET',
      url: '/api/services/compute?consumerAddress=0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    },
    { method: 'POST', url: '/api/services/initializeCompute' },
    { method: 'POST', url: '/api/services/freeCompute' },
    { method: 'POST', url: '/api/services/compute' },
    { method: 'PUT', url: '/api/services/compute' },
    { method: 'GET', url: '/api/services/computeResult' },
    { method: 'GET', url: '/api/services/computeStreamableLogs' },
    { method: 'GET', url: '/api/services/initialize' },
    { method: 'POST', url: '/api/services/encrypt' },
    { method: 'POST', url: '/api/services/fileInfo' },
    { method: 'POST', url: '/api/services/auth/token' },
    { method: 'POST', url: '/directCommand' },
    { method: 'GET', url: '/api/aquarius/assets/ddo/did:op:' + '0'.repeat(64) },
    { method: 'GET', url: '/no/such/route' },
  ]

  it('every route counts against the per-IP budget: 429, a JSON string, x-c2d-error-code and Retry-After; the window frees it', async () => {
    const h = await harness({ requestsPerMinute: ROUTES.length })
    for (const route of ROUTES) {
      const res = await h.app.inject({ ...route, remoteAddress: '10.9.9.9' })
      expect(res.statusCode, `${route.method} ${route.url}`).not.toBe(429)
    }
    const nonceBefore = await nonceOf(h, alice) // from another IP: its own budget
    for (const route of ROUTES) {
      const res = await h.app.inject({ ...route, remoteAddress: '10.9.9.9' })
      const message = expectError(res, 429, 'RATE_LIMITED')
      expect(message).toContain(`${ROUTES.length} requests per minute`)
      const retryAfter = Number(res.headers['retry-after'])
      expect(retryAfter).toBeGreaterThanOrEqual(1)
      expect(retryAfter).toBeLessThanOrEqual(120)
    }
    // Refused before any handler: nothing was spent.
    expect(await nonceOf(h, alice)).toBe(nonceBefore)
    const wait = Number(
      (await h.app.inject({ method: 'GET', url: '/', remoteAddress: '10.9.9.9' })).headers['retry-after'],
    )
    h.clock.advance(wait * 1000)
    expect((await h.app.inject({ method: 'GET', url: '/', remoteAddress: '10.9.9.9' })).statusCode).toBe(200)
  })

  it('signed commands answer Retry-After too', async () => {
    const h = await harness({ rateLimitPerMinute: 1 })
    expectError(await stop(h, alice, 'unknown-0'), 404, 'JOB_NOT_FOUND')
    const limited = await stop(h, alice, 'unknown-1')
    expectError(limited, 429, 'RATE_LIMITED')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1)
  })

  it('a denied IP or P2P peer gets 403 CLIENT_DENIED on every route, before its budget or nonce is touched', async () => {
    const peer = '12D3KooWDeniedPeer'
    const h = await harness({ denyList: { ips: ['10.6.6.6'], peers: [peer] }, requestsPerMinute: 1000 })
    for (const remoteAddress of ['10.6.6.6', peer])
      for (const route of ROUTES)
        expect(expectError(await h.app.inject({ ...route, remoteAddress }), 403, 'CLIENT_DENIED')).toBe(
          'Unauthorized request',
        )
    const auth = await signed(h, alice, 'freeStartCompute')
    expectError(
      await h.app.inject({
        method: 'POST',
        url: '/api/services/freeCompute',
        remoteAddress: '10.6.6.6',
        payload: { ...auth, ...freeBody(h) },
      }),
      403,
      'CLIENT_DENIED',
    )
    expect(jobCount(h)).toBe(0)
    // The same request from an allowed IP works (its nonce was never spent).
    const ok = await h.app.inject({
      method: 'POST',
      url: '/api/services/freeCompute',
      payload: { ...auth, ...freeBody(h) },
    })
    expect(ok.statusCode).toBe(200)
  })
})

describe('Provider app: rate limit on signed commands', () => {
  it('429 after the configured number per IP per minute; reads unaffected; other IPs unaffected; the window slides', async () => {
    const h = await harness({ rateLimitPerMinute: 3 })
    for (let i = 0; i < 3; i += 1) expectError(await stop(h, alice, `unknown-${i}`), 404, 'JOB_NOT_FOUND')
    expect(await nonceOf(h, alice)).toBe(3)
    const limited = await stop(h, alice, 'unknown-3')
    expectError(limited, 429, 'RATE_LIMITED')
    expectError(await freeStart(h, alice), 429, 'RATE_LIMITED')
    expect(await nonceOf(h, alice)).toBe(3)
    expect(jobCount(h)).toBe(0)
    // Reads are not limited.
    for (let i = 0; i < 5; i += 1) {
      expect(
        (await h.app.inject({ method: 'GET', url: `/api/services/compute?consumerAddress=${alice.address}` }))
          .statusCode,
      ).toBe(200)
      expect(
        (await h.app.inject({ method: 'GET', url: '/api/services/computeEnvironments' })).statusCode,
      ).toBe(200)
    }
    // Another client IP has its own budget.
    const auth = await signed(h, bob, 'freeStartCompute')
    const other = await h.app.inject({
      method: 'POST',
      url: '/api/services/freeCompute',
      remoteAddress: '10.1.2.3',
      payload: { ...auth, ...freeBody(h) },
    })
    expect(other.statusCode).toBe(200)
    // Half a minute later the old burst still counts; two minutes later it does not.
    h.clock.advance(30_000)
    expectError(await stop(h, alice, 'unknown-4'), 429, 'RATE_LIMITED')
    h.clock.advance(120_000)
    expectError(await stop(h, alice, 'unknown-5'), 404, 'JOB_NOT_FOUND')
    expect(await nonceOf(h, alice)).toBe(4)
  })
})

describe('Provider app: auth tokens (spec §3.3)', () => {
  async function issue(h: Harness, wallet: Wallet): Promise<string> {
    const auth = await signed(h, wallet, 'createAuthToken')
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/services/auth/token',
      payload: { address: auth.consumerAddress, nonce: auth.nonce, signature: auth.signature },
    })
    expect(res.statusCode).toBe(200)
    return (res.json() as { token: string }).token
  }
  const tokenStart = (h: Harness, token: string, consumerAddress = alice.address) =>
    h.app.inject({
      method: 'POST',
      url: '/api/services/freeCompute',
      headers: { authorization: token },
      payload: { consumerAddress, ...freeBody(h) },
    })

  it('issue, then start, status and stop with `Authorization: <jwt>` instead of signatures', async () => {
    const h = await harness()
    const token = await issue(h, alice)
    expect(await nonceOf(h, alice)).toBe(1)
    const started = await tokenStart(h, token)
    expect(started.statusCode).toBe(200)
    const jobId = (started.json() as Array<{ jobId: string }>)[0]!.jobId
    await flush()
    const status = await h.app.inject({
      method: 'GET',
      url: `/api/services/compute?jobId=${jobId}`,
      headers: { authorization: token },
    })
    expect((status.json() as Array<{ jobId: string }>).map((j) => j.jobId)).toEqual([jobId])
    const stopped = await h.app.inject({
      method: 'PUT',
      url: `/api/services/compute?consumerAddress=${alice.address}&jobId=${jobId}`,
      headers: { authorization: token },
    })
    expect(stopped.statusCode).toBe(200)
    expect(await nonceOf(h, alice)).toBe(1)
  })

  it('an expired token (FakeClock) is 401 AUTH_TOKEN_INVALID and starts nothing', async () => {
    const h = await harness()
    const token = await issue(h, alice)
    h.clock.advance(61_000)
    expectError(await tokenStart(h, token), 401, 'AUTH_TOKEN_INVALID')
    expectError(
      await h.app.inject({
        method: 'GET',
        url: '/api/services/compute?jobId=x',
        headers: { authorization: token },
      }),
      401,
      'AUTH_TOKEN_INVALID',
    )
    expect(jobCount(h)).toBe(0)
  })

  it('a revoked token is refused (invalidate signed as ocean.js does: address + nonce, no command)', async () => {
    const h = await harness()
    const token = await issue(h, alice)
    const auth = await signed(h, alice, '')
    const revoked = await h.app.inject({
      method: 'POST',
      url: '/api/services/auth/token/invalidate',
      payload: { address: alice.address, nonce: auth.nonce, signature: auth.signature, token },
    })
    expect(revoked.statusCode).toBe(200)
    expectError(await tokenStart(h, token), 401, 'AUTH_TOKEN_INVALID')
    expect(jobCount(h)).toBe(0)
  })

  it("forged, other-secret and another address's tokens are refused; nothing starts or stops", async () => {
    const h = await harness()
    const other = await harness()
    const foreign = await issue(other, alice)
    expectError(await tokenStart(h, foreign), 401, 'AUTH_TOKEN_INVALID')
    const token = await issue(h, alice)
    const [header, payload, signature] = token.split('.')
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), address: bob.address })).toString('base64url')}.${signature}`
    expectError(await tokenStart(h, forged, bob.address), 401, 'AUTH_TOKEN_INVALID')
    // Alice's genuine token does not let anyone act as Bob.
    expectError(await tokenStart(h, token, bob.address), 401, 'AUTH_TOKEN_INVALID')
    expect(jobCount(h)).toBe(0)
    const jobId = await finishedJob(h, bob)
    const bobsStop = await h.app.inject({
      method: 'PUT',
      url: `/api/services/compute?consumerAddress=${alice.address}&jobId=${jobId}`,
      headers: { authorization: token },
    })
    expectError(bobsStop, 404, 'JOB_NOT_FOUND')
    expect(h.ops.getJob(jobId)!.stopRequested).toBe(false)
  })
})

describe('Provider app: one consumer, whatever the address case', () => {
  it('a lowercased address shares the nonce and the free quota of the checksummed one', async () => {
    const h = await harness()
    expect((await freeStart(h, alice)).statusCode).toBe(200)
    await flush()
    const lower = alice.address.toLowerCase()
    // The message is built from the address exactly as sent (spec §3.2): sign the lowercase form.
    const replayNonce = 1
    const replay = {
      consumerAddress: lower,
      nonce: String(replayNonce),
      signature: await alice.signMessage(
        toBeArray(requestMessageHash(lower, replayNonce, 'freeStartCompute')),
      ),
    }
    expectError(
      await h.app.inject({
        method: 'POST',
        url: '/api/services/freeCompute',
        payload: { ...replay, ...freeBody(h) },
      }),
      401,
      'NONCE_NOT_INCREASING',
    )
    const next = {
      consumerAddress: lower,
      nonce: '2',
      signature: await alice.signMessage(toBeArray(requestMessageHash(lower, 2, 'freeStartCompute'))),
    }
    expectError(
      await h.app.inject({
        method: 'POST',
        url: '/api/services/freeCompute',
        payload: { ...next, ...freeBody(h) },
      }),
      429,
      'FREE_LIMIT_REACHED',
    )
    expect(jobCount(h)).toBe(1)
  })

  it('live logs of a job that is not running: 404 LOGS_NOT_STREAMING (JSON string)', async () => {
    const h = await harness()
    const jobId = await finishedJob(h, alice)
    const auth = await signed(h, alice, 'getComputeStreamableLogs')
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/services/computeStreamableLogs?consumerAddress=${alice.address}&nonce=${auth.nonce}&signature=${auth.signature}&jobId=${jobId}`,
    })
    expectError(res, 404, 'LOGS_NOT_STREAMING')
  })
})

describe('Provider app: repeated query parameters', () => {
  // Was a bug (fixed by the integrator): routes/compute.ts reads `request.query` values as strings, but a repeated
  // parameter arrives as an array; `getJob([a, b])` throws inside the store and the request
  // answers 500 INTERNAL (logged as an error) instead of a 400 for bad input.
  it('a repeated jobId on status is a 400 REQUEST_INVALID, not a 500', async () => {
    const h = await harness()
    const jobId = await finishedJob(h, alice)
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/services/compute?consumerAddress=${alice.address}&jobId=${jobId}&jobId=${jobId}`,
    })
    expectError(res, 400, 'REQUEST_INVALID')
  })

  it('a repeated jobId on result download is a 400 REQUEST_INVALID, not a 500', async () => {
    const h = await harness()
    const jobId = await finishedJob(h, alice)
    const res = await getResult(h, alice, `${jobId}&jobId=${jobId}`, '0')
    expectError(res, 400, 'REQUEST_INVALID')
  })

  it('a repeated nonce is refused as an invalid nonce and stores nothing', async () => {
    const h = await harness()
    const auth = await signed(h, alice, 'stopCompute')
    const res = await h.app.inject({
      method: 'PUT',
      url: `/api/services/compute?consumerAddress=${alice.address}&nonce=${auth.nonce}&nonce=${auth.nonce}&signature=${auth.signature}&jobId=x`,
    })
    expectError(res, 400, 'REQUEST_INVALID')
    expect(await nonceOf(h, alice)).toBe(0)
  })
})

describe('Provider app: races and logs', () => {
  it('the same signed start sent twice at once: one job, one 401', async () => {
    const h = await harness()
    const auth = await signed(h, alice, 'freeStartCompute')
    const answers = await Promise.all([freeStart(h, alice, {}, auth), freeStart(h, alice, {}, auth)])
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 401])
    expect(jobCount(h)).toBe(1)
  })

  it('two free starts of one consumer at once (distinct nonces): one job, one 429 FREE_LIMIT_REACHED', async () => {
    const h = await harness()
    const [a, b] = [
      await signed(h, alice, 'freeStartCompute', 1),
      await signed(h, alice, 'freeStartCompute', 2),
    ]
    const answers = await Promise.all([freeStart(h, alice, {}, a), freeStart(h, alice, {}, b)])
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 429])
    expect(jobCount(h)).toBe(1)
  })

  it('never logs signatures, auth tokens or dataset file locations', async () => {
    const h = await harness()
    const auth = await signed(h, alice, 'createAuthToken')
    const issued = await h.app.inject({
      method: 'POST',
      url: '/api/services/auth/token',
      payload: { address: auth.consumerAddress, nonce: auth.nonce, signature: auth.signature },
    })
    const { token } = issued.json() as { token: string }
    const jobId = await finishedJob(h, alice)
    await getResult(h, alice, jobId, '../x')
    await getResult(h, alice, jobId, '0')
    await h.app.inject({
      method: 'GET',
      url: `/api/services/compute?jobId=${jobId}`,
      headers: { authorization: token },
    })
    await h.app.inject({
      method: 'POST',
      url: '/api/services/freeCompute',
      headers: { 'content-type': 'application/json' },
      payload: '{"signature":"0xsecret',
    })
    const logged = JSON.stringify(h.logger.lines)
    expect(h.logger.lines.some((l) => l.msg === 'provider request')).toBe(true)
    expect(logged).not.toContain(auth.signature.slice(2, 40))
    expect(logged).not.toContain(token)
    expect(logged).not.toContain('0xsecret')
    expect(logged).not.toContain('data.csv')
  })
})

/** PaidCompute as the routes see it (paid-compute.ts), recording every call; failures on demand. */
class RecordingPaidCompute implements PaidCompute {
  readonly chainIds = [8996]
  readonly calls: Array<{ method: string; input: unknown }> = []
  failOrders: Error | undefined
  failFunds: Error | undefined
  /** The chains of the assets checked before any chain call (kept apart: no chain is called). */
  readonly servedChecks: number[][] = []
  assertServed(assets: Array<{ record: { chainId: number } }>) {
    this.servedChecks.push(assets.map((a) => a.record.chainId))
  }
  async assetTerms() {
    this.calls.push({ method: 'assetTerms', input: null })
    return { validOrder: false as const }
  }
  paymentTerms(input: { token: string; amountWei: bigint; minLockSeconds: number }) {
    this.calls.push({ method: 'paymentTerms', input })
    return {
      escrowAddress: '0xE',
      payee: nodeWallet.address,
      chainId: 8996,
      minLockSeconds: input.minLockSeconds,
      token: input.token,
      amount: input.amountWei.toString(),
    }
  }
  async assertOrders(assets: unknown[], requester: string) {
    this.calls.push({ method: 'assertOrders', input: { count: assets.length, requester } })
    if (this.failOrders) throw this.failOrders
  }
  async assertFunds(input: unknown) {
    this.calls.push({ method: 'assertFunds', input })
    if (this.failFunds) throw this.failFunds
  }
  async lock(input: { jobId: string; amountWei: bigint }) {
    this.calls.push({ method: 'lock', input })
    return { lockTx: '0x' + 'ab'.repeat(32), escrowJobId: '42' }
  }
  async release(input: unknown) {
    this.calls.push({ method: 'release', input })
  }
  async downloadFee(asset: { service: { id: string } }, validUntilSec: number) {
    this.calls.push({ method: 'downloadFee', input: { serviceId: asset.service.id, validUntilSec } })
    return {
      providerFeeAddress: nodeWallet.address,
      providerFeeToken: FEE_TOKEN,
      providerFeeAmount: '0',
      providerData: '0x',
      v: 27,
      r: '0x' + '00'.repeat(32),
      s: '0x' + '00'.repeat(32),
      validUntil: validUntilSec,
    }
  }
  methods() {
    return this.calls.map((c) => c.method)
  }
}

describe('Provider app: download initialize (ocean.js orderAsset)', () => {
  function timedAsset(h: Harness, timeoutSec: number): AssetRecord {
    const files: FileSource[] = [{ type: 'local', path: join(h.dataDir, 'data.csv') }]
    const r = record({ kind: 'dataset', name: `timed-${timeoutSec}`, service: { files, timeoutSec } }, files)
    h.assets.upsert(r)
    return r
  }
  const initialize = (h: Harness, r: AssetRecord, extra = '') =>
    h.app.inject({
      method: 'GET',
      url: `/api/services/initialize?documentId=${r.did}&serviceId=${r.ddo.services[0]!.id}&fileIndex=0&consumerAddress=${alice.address}${extra}`,
    })

  it('signs validUntil as an absolute Unix time (now + service timeout, 0 = forever), as Ocean Node does', async () => {
    const paid = new RecordingPaidCompute()
    const h = await harness({ paid })
    const nowSec = Math.round(h.clock.nowMs() / 1000)
    const res = await initialize(h, timedAsset(h, 600))
    expect(res.statusCode).toBe(200)
    const body = res.json() as { providerFee: { validUntil: number }; datatoken: string; nonce: string }
    expect(body.providerFee.validUntil).toBe(nowSec + 600)
    const forever = await initialize(h, timedAsset(h, 0))
    expect((forever.json() as typeof body).providerFee.validUntil).toBe(0)
    // An earlier time may be asked for; a later one than the timeout allows is refused, no fee signed.
    const earlier = await initialize(h, timedAsset(h, 601), `&validUntil=${nowSec + 60}`)
    expect((earlier.json() as typeof body).providerFee.validUntil).toBe(nowSec + 60)
    const signedBefore = paid.calls.length
    expectError(
      await initialize(h, timedAsset(h, 602), `&validUntil=${nowSec + 603}`),
      400,
      'REQUEST_INVALID',
    )
    expect(paid.calls.length).toBe(signedBefore)
  })
})

describe('Provider app: paid start over the PaidCompute port', () => {
  const withTx = (r: AssetRecord) => ({ ...ref(r), transferTxId: '0x' + '11'.repeat(32) })
  function paidBody(h: Harness, over: Record<string, unknown> = {}) {
    return {
      environment: 'paid-env',
      datasets: [withTx(h.samples.data)],
      algorithm: withTx(h.samples.algo),
      maxJobDuration: 90,
      chainId: 8996,
      payment: { chainId: 8996, token: FEE_TOKEN.toLowerCase(), resources: [{ id: 'cpu', amount: 2 }] },
      ...over,
    }
  }
  async function paidStart(h: Harness, over: Record<string, unknown> = {}) {
    return h.app.inject({
      method: 'POST',
      url: '/api/services/compute',
      payload: { ...(await signed(h, alice, 'startCompute')), ...paidBody(h, over) },
    })
  }

  it('locks the spec §5 cost (fee token matched case-insensitively) and answers the job with agreementId = lock tx', async () => {
    const paid = new RecordingPaidCompute()
    const h = await harness({ paid })
    const res = await paidStart(h)
    expect(res.statusCode).toBe(200)
    expect(paid.methods()).toEqual(['assertOrders', 'assertFunds', 'lock'])
    expect(paid.servedChecks.length).toBeGreaterThan(0)
    // cpu 2 × 0.5 + ram 0 (min) × 0.25 = 1 token per minute; 90 s → 2 minutes.
    const lock = paid.calls[2]!.input as { jobId: string; amountWei: bigint; expirySec: number }
    expect(lock.amountWei).toBe(2n * 10n ** 18n)
    const [job] = res.json() as Array<Record<string, unknown>>
    expect(job).toMatchObject({
      jobId: lock.jobId,
      agreementId: '0x' + 'ab'.repeat(32),
      isFree: false,
      maxJobDuration: 90,
      payment: { chainId: 8996, cost: (2n * 10n ** 18n).toString() },
    })
    expect(h.ops.getJob(lock.jobId)?.payment?.escrowJobId).toBe('42')
  })

  it('a missing transferTxId, a refused order or short escrow funds lock nothing and register nothing', async () => {
    const paid = new RecordingPaidCompute()
    const h = await harness({ paid })
    expectError(await paidStart(h, { datasets: [ref(h.samples.data)] }), 400, 'ORDER_INVALID')
    expect(paid.methods()).toEqual([])
    paid.failOrders = providerError('ORDER_INVALID', 'wrong consumer', {
      details: { reason: 'wrong-consumer' },
    })
    expectError(await paidStart(h), 400, 'ORDER_INVALID')
    paid.failOrders = undefined
    paid.failFunds = providerError('ESCROW_INSUFFICIENT', 'not enough funds')
    expectError(await paidStart(h), 400, 'ESCROW_INSUFFICIENT')
    expect(paid.methods()).not.toContain('lock')
    expect(jobCount(h)).toBe(0)
  })

  it('a token the environment does not take, or resources over its max, are refused before any chain call', async () => {
    const paid = new RecordingPaidCompute()
    const h = await harness({ paid })
    expectError(
      await paidStart(h, { payment: { chainId: 8996, token: '0x0000000000000000000000000000000000000001' } }),
      400,
      'PAYMENT_INVALID',
    )
    expectError(
      await paidStart(h, {
        payment: { chainId: 8996, token: FEE_TOKEN, resources: [{ id: 'cpu', amount: 3 }] },
      }),
      400,
      'RESOURCES_OVER_LIMIT',
    )
    expectError(await paidStart(h, { environment: 'free-env' }), 400, 'PAYMENT_INVALID')
    expect(paid.methods()).toEqual([])
    expect(jobCount(h)).toBe(0)
  })

  it('a payment on a chain the console does not serve is refused, even when the environment prices it', async () => {
    const paid = new RecordingPaidCompute()
    const h = await harness({ paid })
    const paidEnv = h.environments.getEnvironment('paid-env')!
    h.environments.saveEnvironment({ ...paidEnv, fees: { ...paidEnv.fees, '137': paidEnv.fees['8996']! } })
    const res = await paidStart(h, { payment: { chainId: 137, token: FEE_TOKEN } })
    expect(expectError(res, 400, 'PAYMENT_INVALID')).toContain('Chain 137 is not supported by this node')
    expect(paid.methods()).toEqual([])
    expect(jobCount(h)).toBe(0)
  })

  it('gives the lock back when the job cannot be registered after it', async () => {
    const paid = new RecordingPaidCompute()
    const h = await harness({ paid })
    await h.ops.close()
    const res = await paidStart(h)
    expect(res.statusCode).toBeGreaterThanOrEqual(500)
    expect(JSON.parse(res.body)).toEqual(expect.any(String))
    expect(paid.methods()).toEqual(['assertOrders', 'assertFunds', 'lock', 'release'])
    expect((paid.calls[3]!.input as { jobId: string }).jobId).toBe(
      (paid.calls[2]!.input as { jobId: string }).jobId,
    )
    expect(jobCount(h)).toBe(0)
  })

  it('without a chain, paid start answers 502 CHAIN_UNAVAILABLE and registers nothing', async () => {
    const h = await harness()
    expectError(await paidStart(h), 502, 'CHAIN_UNAVAILABLE')
    expect(jobCount(h)).toBe(0)
  })
})

describe('Provider app: parameter checks come before the signature (style.md §2.5)', () => {
  // Was a bug (fixed by the integrator): these routes verify the signature (storing the nonce) before checking their own
  // required parameters, so a request refused with 400 has still spent the nonce.
  it('invalidate without a token: 400 REQUEST_INVALID, nonce not spent', async () => {
    const h = await harness()
    const auth = await signed(h, alice, '')
    expectError(
      await h.app.inject({
        method: 'POST',
        url: '/api/services/auth/token/invalidate',
        payload: { address: alice.address, nonce: auth.nonce, signature: auth.signature },
      }),
      400,
      'REQUEST_INVALID',
    )
    expect(await nonceOf(h, alice)).toBe(0)
  })

  it('stop without a jobId: 400 REQUEST_INVALID, nonce not spent', async () => {
    const h = await harness()
    const auth = await signed(h, alice, 'stopCompute')
    expectError(
      await h.app.inject({
        method: 'PUT',
        url: `/api/services/compute?consumerAddress=${alice.address}&nonce=${auth.nonce}&signature=${auth.signature}`,
      }),
      400,
      'REQUEST_INVALID',
    )
    expect(await nonceOf(h, alice)).toBe(0)
  })

  it('encrypt with an empty body: 400 REQUEST_INVALID, nonce not spent', async () => {
    const h = await harness()
    const auth = await signed(h, alice, 'encrypt')
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/services/encrypt?chainId=8996&consumerAddress=${alice.address}&nonce=${auth.nonce}&signature=${auth.signature}`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: '',
    })
    expectError(res, 400, 'REQUEST_INVALID')
    expect(await nonceOf(h, alice)).toBe(0)
  })

  it('encrypt answers hex ciphertext for a signed body', async () => {
    const h = await harness()
    const auth = await signed(h, alice, 'encrypt')
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/services/encrypt?chainId=8996&consumerAddress=${alice.address}&nonce=${auth.nonce}&signature=${auth.signature}`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: JSON.stringify([{ type: 'url', url: 'http://x' }]),
    })
    expect(res.statusCode).toBe(200)
    expect(res.body).toMatch(/^(0x)?[0-9a-f]+$/i)
    expect(res.body).not.toContain('http://x')
  })
})

describe('Provider app: malformed HTTP from the client', () => {
  // Was a bug (fixed by the integrator): Fastify answers a bad percent-encoding in the path through its own
  // frameworkErrors path, bypassing setErrorHandler: Fastify's default object body, no
  // x-c2d-error-code (spec §13: every error body is a JSON string).
  it('a bad percent-encoding in the path is a JSON-string 400, not Fastify’s default body', async () => {
    const h = await harness()
    expectError(await h.app.inject({ method: 'GET', url: '/api/services/%ZZ' }), 400, 'REQUEST_INVALID')
  })

  // Was a bug (fixed by the integrator): Fastify's own 4xx errors that sendError does not list (here
  // FST_ERR_CTP_INVALID_CONTENT_LENGTH, 400) become 500 INTERNAL and are logged as errors.
  it('a body shorter than its Content-Length is a 400, not a 500 INTERNAL', async () => {
    const h = await harness()
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/services/freeCompute',
      headers: { 'content-type': 'application/json', 'content-length': '999' },
      payload: '{}',
    })
    expectError(res, 400, 'REQUEST_INVALID')
    expect(h.logger.lines.filter((l) => l.level === 'error')).toEqual([])
  })

  it('a bad percent-encoding in the query is just a bad parameter', async () => {
    const h = await harness()
    expectError(
      await h.app.inject({ method: 'GET', url: '/api/services/compute?consumerAddress=%ZZ' }),
      400,
      'ADDRESS_INVALID',
    )
  })
})

describe('POST /api/aquarius/assets/ddo/validate (ocean.js Aquarius.validate, before setMetaData)', () => {
  it('answers the hash and the node signature ocean.js reads, checked with the DDO schema', async () => {
    const { Aquarius } = await import('@oceanprotocol/lib')
    const h = await harness()
    await h.app.listen({ host: '127.0.0.1', port: 0 })
    try {
      const address = h.app.server.address() as { port: number }
      const url = `http://127.0.0.1:${address.port}`
      const ddo = h.samples.data.ddo
      const result = await new Aquarius(url).validate(ddo as never, alice, url)
      expect(result?.valid).toBe(true)
      const hash = '0x' + createHash('sha256').update(JSON.stringify(ddo)).digest('hex')
      expect(result?.hash).toBe(hash)
      const proof = result!.proof!
      expect(proof.validatorAddress).toBe(nodeWallet.address)
      // The proof recovers to the node: what the ERC721 template checks against its validators.
      const messageHash = solidityPackedKeccak256(['bytes'], [hexlify(toUtf8Bytes(hash))])
      const signer = verifyMessage(
        toBeArray(messageHash),
        Signature.from({ r: proof.r!, s: proof.s!, v: Number(proof.v) }),
      )
      expect(signer).toBe(nodeWallet.address)
      // The nonce was spent like any signed command.
      expect(await nonceOf(h, alice)).toBe(1)
    } finally {
      await h.app.close()
    }
  })

  it('refuses a DDO that fails its schema, and a bad signature, with nothing spent', async () => {
    const h = await harness()
    const broken = { ...h.samples.data.ddo, metadata: { name: 'no type, no author' } }
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/aquarius/assets/ddo/validate',
      payload: { ddo: broken, ...renamePublisher(await signed(h, alice, 'validateDDO')) },
    })
    expectError(res, 400, 'REQUEST_INVALID')
    const forged = await signed(h, bob, 'validateDDO')
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/aquarius/assets/ddo/validate',
      payload: { ddo: h.samples.data.ddo, ...renamePublisher({ ...forged, consumerAddress: alice.address }) },
    })
    expectError(bad, 401, 'SIGNATURE_INVALID')
    expect(await nonceOf(h, bob)).toBe(0)
    const notObject = await h.app.inject({
      method: 'POST',
      url: '/api/aquarius/assets/ddo/validate',
      payload: { ddo: 'x', ...renamePublisher(await signed(h, alice, 'validateDDO')) },
    })
    expectError(notObject, 400, 'REQUEST_INVALID')
  })
})

function renamePublisher(auth: { consumerAddress: string; nonce: string; signature: string }) {
  return { publisherAddress: auth.consumerAddress, nonce: auth.nonce, signature: auth.signature }
}

describe('directCommand status', () => {
  it("answers Ocean Node's OceanNodeStatus shape", async () => {
    const h = await harness()
    const res = await h.app.inject({ method: 'POST', url: '/directCommand', payload: { command: 'status' } })
    expect(res.statusCode).toBe(200)
    const status = res.json() as Record<string, unknown>
    for (const key of [
      'id',
      'publicKey',
      'friendlyName',
      'address',
      'version',
      'http',
      'p2p',
      'provider',
      'indexer',
      'escrowAddress',
      'supportedStorage',
      'platform',
      'uptime',
      'codeHash',
      'allowedAdmins',
      'c2dClusters',
    ])
      expect(status, key).toHaveProperty(key)
    expect(status.address).toBe(nodeWallet.address)
    expect(status.indexer).toEqual([{ chainId: '8996', network: 'development' }])
    expect(status.allowedAdmins).toEqual({ addresses: [], accessLists: {} })
    expect(status.codeHash).toMatch(/^0x[0-9a-f]{64}$/)
    expect(status.supportedStorage).toMatchObject({ url: true, ipfs: true, arwave: true })
  })
})

describe('access-list contracts on environments (Ocean Node access.accessLists)', () => {
  /** A chain where only `holders` hold a token of ACCESS_LIST; `down` = the RPC does not answer. */
  const lists = (holders: string[], down = false) => {
    const asked: string[] = []
    const check: AccessListCheck = {
      holdsToken: ({ chainId, contract, address }) => {
        asked.push(`${chainId}:${contract}:${address}`)
        if (down) return Promise.reject(chainError('CHAIN_UNAVAILABLE', 'RPC unreachable for chain 8996'))
        return Promise.resolve(contract === ACCESS_LIST && holders.includes(address))
      },
    }
    return { check, asked }
  }

  it('admits a token holder, refuses others with ENVIRONMENT_ACCESS_LIST_DENIED, and says CHAIN_UNAVAILABLE when the chain cannot tell', async () => {
    const listed = env({ id: 'listed-env', accessLists: [{ '8996': [ACCESS_LIST] }] })
    const chain = lists([alice.address])
    const h = await harness({ accessLists: chain.check })
    h.environments.saveEnvironment(listed)
    const ok = await freeStart(h, alice, { environment: 'listed-env' })
    expect(ok.statusCode).toBe(200)
    expect(chain.asked).toEqual([`8996:${ACCESS_LIST}:${alice.address}`])
    const refused = await freeStart(h, bob, { environment: 'listed-env' })
    expect(refused.statusCode).toBe(403)
    expect(refused.headers['x-c2d-error-code']).toBe('ENVIRONMENT_ACCESS_LIST_DENIED')
    const shown = (
      await h.app.inject({ method: 'GET', url: '/api/services/computeEnvironments' })
    ).json() as Array<{
      id: string
      access: unknown
    }>
    expect(shown.find((e) => e.id === 'listed-env')?.access).toEqual({
      addresses: [],
      accessLists: [{ '8996': [ACCESS_LIST] }],
    })
    expect(shown.find((e) => e.id === 'free-env')?.access).toEqual({ addresses: [], accessLists: null })

    const down = await harness({ accessLists: lists([], true).check })
    down.environments.saveEnvironment(listed)
    const unknown = await freeStart(down, alice, { environment: 'listed-env' })
    expect(unknown.statusCode).toBe(502)
    expect(unknown.headers['x-c2d-error-code']).toBe('CHAIN_UNAVAILABLE')
    // Without a chain, an access list admits no one.
    const noChain = await harness()
    noChain.environments.saveEnvironment(listed)
    expect((await freeStart(noChain, alice, { environment: 'listed-env' })).headers['x-c2d-error-code']).toBe(
      'ENVIRONMENT_ACCESS_LIST_DENIED',
    )
  })
})
