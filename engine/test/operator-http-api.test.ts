/**
 * The Operator-Service HTTP API over the real core (startCore with a FakeDriver backend):
 * token, register, list, details, stop, results with Range, delete, and bad input that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jobCoreConfig } from './job-core-config'
import { startCore, type Core } from '../index'
import { FakeDriver, HAPPY_STORY } from './fake-driver'

const DID = 'did:op:' + 'b'.repeat(64)
const OWNER = '0x00000000000000000000000000000000000000A1'

let dataDir: string
let core: Core
let token: string
const driver = new FakeDriver()

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'c2d-opapi-'))
  const config = jobCoreConfig(dataDir, { environmentId: 'env-1', operatorApi: true })
  core = await startCore(config, { driver, listenConsole: false })
  token = readFileSync(join(dataDir, 'operator-api.token'), 'utf8').trim()
})

afterAll(async () => {
  await core?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

const api = (path: string, init: RequestInit = {}) =>
  fetch(core.operatorApiUrl + path, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  })

const body = (overrides: Record<string, unknown> = {}) => ({
  owner: OWNER,
  environmentId: 'env-1',
  datasets: [{ did: DID, serviceId: 'compute' }],
  algorithm: { isRawCode: true },
  spec: {
    environment: { id: 'env-1', allowNetwork: false },
    datasets: [
      {
        did: DID,
        ddo: {},
        files: [{ type: 'url', url: 'https://data.example/secret.csv', headers: { authorization: 'k' } }],
      },
    ],
    algorithm: {
      container: { entrypoint: 'node $ALGO', image: 'node', tag: '20' },
      source: { type: 'rawcode', code: 'console.log(1)' },
    },
    resources: { cpu: 1, ramGb: 1, diskGb: 1 },
    maxJobDurationSec: 60,
    limits: { inputFileBytesMax: 1000, outputBytesMax: 1000 },
  },
  maxJobDurationSec: 60,
  ...overrides,
})

describe('Operator-Service HTTP API', () => {
  it('listens on 127.0.0.1 and refuses calls without the token', async () => {
    expect(new URL(core.operatorApiUrl).hostname).toBe('127.0.0.1')
    const res = await fetch(core.operatorApiUrl + '/api/v1/operator/jobs')
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID', status: 401 })
  })

  it('rejects bad input with a JSON error and creates nothing', async () => {
    const before = core.operatorService.countJobs({})
    const invalid = await api('/api/v1/operator/jobs', {
      method: 'POST',
      body: JSON.stringify(body({ owner: 'not-an-address' })),
    })
    expect(invalid.status).toBe(400)
    expect(await invalid.json()).toMatchObject({ code: 'REQUEST_INVALID', details: [{ field: 'owner' }] })
    const malformed = await api('/api/v1/operator/jobs', { method: 'POST', body: '{"owner":' })
    expect(malformed.status).toBe(400)
    expect((await malformed.json()).code).toBe('REQUEST_MALFORMED_JSON')
    const unknownEnv = await api('/api/v1/operator/jobs', {
      method: 'POST',
      body: JSON.stringify(body({ environmentId: 'nope' })),
    })
    expect(unknownEnv.status).toBe(404)
    expect((await unknownEnv.json()).code).toBe('ENVIRONMENT_UNKNOWN')
    expect(core.operatorService.countJobs({})).toBe(before)
  })

  it('registers a job, lists it by owner, shows details and events, serves results with Range, never shows the spec', async () => {
    const created = await api('/api/v1/operator/jobs', { method: 'POST', body: JSON.stringify(body()) })
    expect(created.status).toBe(201)
    const job = (await created.json()) as { jobId: string; spec?: unknown; status: number }
    expect(job.spec).toBeUndefined()

    await new Promise((r) => setImmediate(r))
    const out = driver.writeResult(job.jobId, 'outputs.tar', Buffer.from('0123456789'), 'output')
    driver.play(job.jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [out] }])

    const list = (await (
      await api(`/api/v1/operator/jobs?owner=${OWNER.toLowerCase()}&status=70`)
    ).json()) as { total: number; jobs: Array<{ jobId: string }> }
    expect(list.jobs.map((j) => j.jobId)).toContain(job.jobId)
    expect(JSON.stringify(list)).not.toContain('secret.csv')

    const details = (await (await api(`/api/v1/operator/jobs/${job.jobId}`)).json()) as {
      status: number
      events: Array<{ to: number }>
    }
    expect(details.status).toBe(70)
    expect(details.events.map((e) => e.to)).toEqual([1, 0, 20, 30, 40, 60, 70])

    const whole = await api(`/api/v1/operator/jobs/${job.jobId}/results/0`)
    expect(whole.status).toBe(200)
    expect(await whole.text()).toBe('0123456789')
    const partial = await api(`/api/v1/operator/jobs/${job.jobId}/results/0`, {
      headers: { range: 'bytes=4-' },
    })
    expect(partial.status).toBe(206)
    expect(partial.headers.get('content-range')).toBe('bytes 4-9/10')
    expect(await partial.text()).toBe('456789')
    const badRange = await api(`/api/v1/operator/jobs/${job.jobId}/results/0`, {
      headers: { range: 'bytes=99-' },
    })
    expect(badRange.status).toBe(416)
    const missing = await api(`/api/v1/operator/jobs/${job.jobId}/results/7`)
    expect(missing.status).toBe(404)
    expect((await missing.json()).code).toBe('RESULT_NOT_FOUND')
    const traversal = await api(`/api/v1/operator/jobs/${job.jobId}/results/..%2F..%2Fconsole.db`)
    expect(traversal.status).toBe(400)

    const deleted = await api(`/api/v1/operator/jobs/${job.jobId}`, { method: 'DELETE' })
    expect(deleted.status).toBe(204)
    expect((await api(`/api/v1/operator/jobs/${job.jobId}`)).status).toBe(404)
  })

  it('stops a queued job (70, stopped) and answers 404 for an unknown job', async () => {
    // The environment runs one job at a time: the first stays "running" (no story played), the second queues.
    const first = (await (
      await api('/api/v1/operator/jobs', { method: 'POST', body: JSON.stringify(body()) })
    ).json()) as { jobId: string }
    const second = (await (
      await api('/api/v1/operator/jobs', { method: 'POST', body: JSON.stringify(body()) })
    ).json()) as { jobId: string; status: number }
    expect(second.status).toBe(1)
    const stopped = await api(`/api/v1/operator/jobs/${second.jobId}/stop`, { method: 'POST' })
    expect(stopped.status).toBe(200)
    expect(await stopped.json()).toMatchObject({ status: 70, outcome: { kind: 'stopped' } })
    expect(first.jobId).not.toBe(second.jobId)
    const unknown = await api('/api/v1/operator/jobs/does-not-exist/stop', { method: 'POST' })
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).code).toBe('JOB_NOT_FOUND')
  })
})
