/**
 * The foundation's end-to-end proof: real algorithms (Python and Node) run on the sample dataset
 * through the real core (startCore → Operator-Service → LocalDriver → bubblewrap), to status 70,
 * with outputs and logs retrievable; plus the limits and the isolation the sandbox promises.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { jobCoreConfig } from './job-core-config'
import { startCore, type Core } from '../index'
import type { JobRecord, RegisterJobInput } from '../operator-service/operator-service'
import { jobStatuses, runJobToFinish } from './job-inputs'

const ASSETS = resolve(__dirname, '../../assets')
const DATASET_DID = 'did:op:' + 'a'.repeat(64)
const hasBwrap = (() => {
  try {
    execFileSync('bwrap', [
      '--unshare-all',
      '--ro-bind',
      '/usr',
      '/usr',
      '--symlink',
      'usr/bin',
      '/bin',
      '--symlink',
      'usr/lib',
      '/lib',
      '--symlink',
      'usr/lib64',
      '/lib64',
      '--',
      '/usr/bin/true',
    ])
    return true
  } catch {
    return false
  }
})()

let dataDir: string
let core: Core
let hostSecret: string
let server: Server
let serverPort: number

beforeAll(async () => {
  if (!hasBwrap)
    throw new Error('bubblewrap is required for this test: apt-get install bubblewrap (.ci/run installs it)')
  dataDir = mkdtempSync(join(tmpdir(), 'c2d-local-it-'))
  hostSecret = join(mkdtempSync(join(tmpdir(), 'c2d-host-')), 'secret.txt')
  writeFileSync(hostSecret, 'publisher secret')
  server = createServer((_req, res) => res.end('reachable'))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  serverPort = (server.address() as { port: number }).port
  const config = jobCoreConfig(dataDir, {
    environmentId: 'sandbox',
    cpu: 2,
    ramGb: 2,
    maxJobs: 2,
    operatorApi: true,
  })
  core = await startCore(config, { listenConsole: false })
})

afterAll(async () => {
  await core?.stop()
  server?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

function jobInput(
  algorithm: { code?: string; file?: string; image: string; entrypoint: string },
  extra: Partial<RegisterJobInput['spec']> = {},
): RegisterJobInput {
  return {
    owner: '0x00000000000000000000000000000000000000c1',
    environmentId: 'sandbox',
    datasets: [{ did: DATASET_DID, serviceId: 'compute' }],
    algorithm: { isRawCode: algorithm.code !== undefined },
    spec: {
      environment: { id: 'sandbox', allowNetwork: false },
      datasets: [
        {
          did: DATASET_DID,
          ddo: { id: DATASET_DID },
          files: [{ type: 'local', path: join(ASSETS, 'sample-data/weather.csv') }],
        },
      ],
      algorithm: {
        container: { entrypoint: algorithm.entrypoint, image: algorithm.image, tag: 'latest' },
        source:
          algorithm.code !== undefined
            ? { type: 'rawcode', code: algorithm.code }
            : { type: 'local', path: join(ASSETS, algorithm.file!) },
      },
      resources: { cpu: 1, ramGb: 1, diskGb: 1 },
      maxJobDurationSec: 60,
      limits: { inputFileBytesMax: 10_000_000, outputBytesMax: 10_000_000 },
      ...extra,
    },
    maxJobDurationSec: extra.maxJobDurationSec ?? 60,
    resources: [],
    isFree: true,
  }
}

/** Registers the job and resolves with it once it reaches 70. */
const runToFinish = (input: RegisterJobInput) => runJobToFinish(core.operatorService, input)

const statuses = (jobId: string) => jobStatuses(core.operatorService, jobId)
const result = (job: JobRecord, type: string) => {
  const index = job.results.findIndex((r) => r.type === type)
  expect(index, `result ${type}`).toBeGreaterThanOrEqual(0)
  return readFileSync(core.operatorService.openResult(job.jobId, index).path)
}
const algorithmLog = (job: JobRecord) => result(job, 'algorithmLog').toString('utf8')

function outputsTarEntry(job: JobRecord, name: string): string {
  const tarPath = core.operatorService.openResult(
    job.jobId,
    job.results.findIndex((r) => r.type === 'output'),
  ).path
  return execFileSync('tar', ['-xOf', tarPath, `outputs/${name}`], { encoding: 'utf8' })
}

describe('local driver through the real core', () => {
  it.each([
    ['Python', { file: 'algorithms/weather-stats.py', image: 'python', entrypoint: 'python3 $ALGO' }],
    ['Node', { file: 'algorithms/weather-stats.js', image: 'node', entrypoint: 'node $ALGO' }],
  ])(
    'runs the %s sample algorithm on the sample dataset to 70 with outputs and logs',
    async (_name, algorithm) => {
      const job = await runToFinish(jobInput(algorithm))
      expect(job.outcome).toEqual({ kind: 'succeeded' })
      expect(statuses(job.jobId)).toEqual([1, 0, 20, 30, 40, 60, 70])
      expect(job.terminationDetails).toEqual({ exitCode: 0, oomKilled: false })
      expect(job.results.map((r) => r.type)).toEqual(
        expect.arrayContaining(['configurationLog', 'algorithmLog', 'output', 'publishLog']),
      )
      const stats = JSON.parse(outputsTarEntry(job, 'stats.json')) as {
        rows: number
        stations: Record<string, { rows: number }>
      }
      expect(stats.rows).toBe(400)
      expect(Object.keys(stats.stations).sort()).toEqual(['east', 'north', 'south', 'west'])
      expect(algorithmLog(job)).toContain(`read ${DATASET_DID}`)
    },
  )

  it('ends a job that exceeds maxJobDuration with status 41 and a reason', async () => {
    const job = await runToFinish(
      jobInput(
        {
          code: 'setInterval(() => console.log("still here"), 200)',
          image: 'node',
          entrypoint: 'node $ALGO',
        },
        { maxJobDurationSec: 1 },
      ),
    )
    expect(statuses(job.jobId)).toEqual([1, 0, 20, 30, 40, 41, 70])
    expect(job.outcome?.kind).toBe('failed')
    expect(job.outcome?.reason).toMatch(/maxJobDuration/)
  })

  it('kills an algorithm over its memory limit and reports OOMKilled', async () => {
    const hog =
      'const k=[]; setInterval(() => { const b = Buffer.alloc(32 * 1024 * 1024, 1); k.push(b) }, 20)'
    const job = await runToFinish(
      jobInput(
        { code: hog, image: 'node', entrypoint: 'node $ALGO' },
        { resources: { cpu: 1, ramGb: 0.25, diskGb: 1 }, maxJobDurationSec: 30 },
      ),
    )
    expect(statuses(job.jobId)).toContain(41)
    expect(job.terminationDetails.oomKilled).toBe(true)
  })

  it('denies the network when the environment does not allow it', async () => {
    const code = `fetch('http://127.0.0.1:${serverPort}/').then(r => r.text()).then(t => { require('fs').writeFileSync('/data/outputs/net.txt', 'reached:' + t) }, e => { require('fs').writeFileSync('/data/outputs/net.txt', 'denied:' + (e.cause?.code ?? e.message)) })`
    const job = await runToFinish(jobInput({ code, image: 'node', entrypoint: 'node $ALGO' }))
    expect(outputsTarEntry(job, 'net.txt')).toMatch(/^denied:/)
  })

  it('cannot read host files: the publisher’s files, /etc/shadow, /root', async () => {
    const code = `const fs = require('fs'); const out = {};
      for (const p of [${JSON.stringify(hostSecret)}, '/etc/shadow', '/root', ${JSON.stringify(dataDir)}]) {
        try { out[p] = 'read:' + String(fs.readdirSync(p).length ?? '') } catch (e) {
          try { out[p] = 'read:' + fs.readFileSync(p, 'utf8') } catch (e2) { out[p] = 'denied:' + e2.code } } }
      fs.writeFileSync('/data/outputs/host.json', JSON.stringify(out))`
    const job = await runToFinish(jobInput({ code, image: 'node', entrypoint: 'node $ALGO' }))
    const seen = JSON.parse(outputsTarEntry(job, 'host.json')) as Record<string, string>
    expect(Object.keys(seen)).toHaveLength(4)
    for (const [path, answer] of Object.entries(seen)) expect(answer, path).toMatch(/^denied:/)
  })

  it('fails with 32 and a clear reason for an image it cannot run', async () => {
    const job = await runToFinish(
      jobInput({ code: 'print(1)', image: 'ghcr.io/acme/julia', entrypoint: 'julia $ALGO' }),
    )
    expect(statuses(job.jobId)).toEqual([1, 0, 20, 30, 32, 70])
    expect(job.outcome?.reason).toMatch(/cannot run image/)
  })

  it('fails with 31 when a dataset file cannot be fetched, without logging its URL', async () => {
    const input = jobInput({ file: 'algorithms/weather-stats.js', image: 'node', entrypoint: 'node $ALGO' })
    input.spec.datasets[0]!.files = [{ type: 'url', url: `http://127.0.0.1:1/secret-path?key=hunter2` }]
    const job = await runToFinish(input)
    expect(statuses(job.jobId)).toEqual([1, 0, 20, 30, 31, 70])
    const configurationLog = result(job, 'configurationLog').toString('utf8')
    expect(configurationLog).not.toContain('hunter2')
    expect(configurationLog).not.toContain('secret-path')
  })
})
