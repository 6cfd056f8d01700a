/**
 * Crash recovery on the real LocalDriver (issue 13 §8), from the files a killed console left:
 * a job whose algorithm had not started runs again; one whose inputs are gone fails as "not
 * started"; one that was running is lost, and in every failure the logs on disk are offered.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemClock } from '../clock'
import { MemoryLogger } from '../logging'
import type { JobSpec, Observation } from '../operator-engine/driver'
import { LocalDriver } from '../operator-engine/drivers/local/local-driver'
import { rawCodeJobInput } from './job-inputs'

let root: string
let driver: LocalDriver
afterEach(async () => {
  await driver?.close()
  rmSync(root, { recursive: true, force: true })
})

function setup(
  jobId: string,
  resultFiles: Record<string, string>,
  code = 'require("fs").writeFileSync("/data/outputs/a.txt", "1")',
  prepare: (spec: JobSpec) => void = () => undefined,
) {
  root = mkdtempSync(join(tmpdir(), 'c2d-recover-'))
  driver = new LocalDriver({
    logger: new MemoryLogger(),
    clock: systemClock,
    allowUnsandboxed: true,
    ipfsGateway: 'https://ipfs.io',
    arweaveGateway: 'https://arweave.net',
  })
  const jobDir = join(root, 'jobs', jobId)
  mkdirSync(join(jobDir, 'results'), { recursive: true })
  for (const [name, content] of Object.entries(resultFiles))
    writeFileSync(join(jobDir, 'results', name), content)
  const spec: JobSpec = structuredClone({ ...rawCodeJobInput({ code }).spec, jobId, jobDir })
  prepare(spec)
  const seen: Observation[] = []
  const ended = new Promise<void>((resolve) => {
    const report = (_id: string, o: Observation) => {
      seen.push(o)
      if (o.kind === 'outputs-collected' || o.kind === 'results-failed' || o.kind === 'lost') resolve()
    }
    void driver.resume(spec, report)
  })
  return { spec, seen, ended }
}

describe('local driver resume after a crash', () => {
  it('runs a job again whose algorithm had not started', async () => {
    const { seen, ended } = setup('not-started', { 'configuration.log': 'staging…\n' })
    await ended
    const kinds = seen.map((o) => o.kind)
    expect(kinds).toContain('algorithm-started')
    expect(kinds.at(-1)).toBe('outputs-collected')
  }, 60_000)

  it('fails as "not started", with its configuration log, when its inputs are gone', async () => {
    const { spec, seen, ended } = setup('inputs-gone', { 'configuration.log': 'staging…\n' })
    spec.datasets.push({
      did: 'did:op:gone',
      ddo: {},
      files: [{ type: 'local', path: join(root, 'deleted.csv') }],
    })
    await ended
    const last = seen.at(-1)
    expect(last).toMatchObject({
      kind: 'lost',
      reason: expect.stringMatching(/^not started: .*deleted\.csv is missing/),
    })
    expect((last as { results?: Array<{ type: string }> }).results?.map((r) => r.type)).toEqual([
      'configurationLog',
    ])
  })

  it('reports a job that was running as lost, offering the logs that exist', async () => {
    const { seen, ended } = setup('was-running', { 'configuration.log': 'ok\n', 'algorithm.log': 'tick\n' })
    await ended
    const last = seen.at(-1) as { kind: string; results?: Array<{ type: string }> }
    expect(last.kind).toBe('lost')
    expect(last.results?.map((r) => r.type)).toEqual(['configurationLog', 'algorithmLog'])
  })

  /** A dataset file served by a local HTTP server the test can stop. */
  async function serve(body: string): Promise<{ url: string; server: Server; requests: () => number }> {
    let count = 0
    const server = createServer((_req, res) => {
      count++
      res.end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/weather.csv?token=secret`,
      server,
      requests: () => count,
    }
  }
  const stopServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()))
  const withUrlDataset = (spec: JobSpec, url: string) =>
    spec.datasets.push({ did: 'did:op:remote', ddo: {}, files: [{ type: 'url', url }] })
  const readAnswer = `const fs = require('fs'); fs.writeFileSync('/data/outputs/copy.csv', fs.readFileSync('/data/inputs/did:op:remote/0'))`

  it('fails as "not started" when its URL source no longer answers (the server is stopped)', async () => {
    const remote = await serve('a,b\n1,2\n')
    await stopServer(remote.server)
    const { spec, seen, ended } = setup('url-gone', { 'configuration.log': 'staging…\n' }, readAnswer, (s) =>
      withUrlDataset(s, remote.url),
    )
    await ended
    const last = seen.at(-1) as { kind: string; reason?: string }
    expect(last).toMatchObject({
      kind: 'lost',
      reason: expect.stringMatching(
        /^not started: .*dataset did:op:remote file 0: the file's server cannot be reached \(ECONNREFUSED\)/,
      ),
    })
    // Safe to show the consumer: no URL, host, port or query.
    expect(last.reason).not.toMatch(/127\.0\.0\.1|token|secret|weather/)
    expect(seen.map((o) => o.kind)).not.toContain('algorithm-started')
    expect(spec.jobId).toBe('url-gone')
  })

  it('runs again when its URL source still answers', async () => {
    const remote = await serve('a,b\n1,2\n')
    try {
      const { spec, seen, ended } = setup(
        'url-there',
        { 'configuration.log': 'staging…\n' },
        readAnswer,
        (s) => withUrlDataset(s, remote.url),
      )
      await ended
      expect(seen.map((o) => o.kind)).toContain('algorithm-started')
      expect(seen.at(-1)?.kind).toBe('outputs-collected')
      expect(readFileSync(join(spec.jobDir, 'data/outputs/copy.csv'), 'utf8')).toBe('a,b\n1,2\n')
    } finally {
      await stopServer(remote.server)
    }
  }, 60_000)

  it('runs from the copy staged before the crash when the URL source is gone since', async () => {
    const remote = await serve('unused')
    await stopServer(remote.server)
    const { spec, seen, ended } = setup(
      'url-staged',
      { 'configuration.log': 'staging…\n' },
      readAnswer,
      (s) => {
        withUrlDataset(s, remote.url)
        // What a staging that completed before the kill left: the copy and its record.
        mkdirSync(join(s.jobDir, 'data/inputs/did:op:remote'), { recursive: true })
        writeFileSync(join(s.jobDir, 'data/inputs/did:op:remote/0'), 'staged,copy\n')
        writeFileSync(join(s.jobDir, 'staged.json'), JSON.stringify({ 'inputs/did:op:remote/0': 12 }))
      },
    )
    await ended
    expect(seen.at(-1)?.kind).toBe('outputs-collected')
    expect(readFileSync(join(spec.jobDir, 'data/outputs/copy.csv'), 'utf8')).toBe('staged,copy\n')
    expect(readFileSync(join(spec.jobDir, 'results/configuration.log'), 'utf8')).toContain(
      'the copy staged before the restart',
    )
  }, 60_000)

  it('does not trust a staged copy whose size changed (a partial copy): the source is probed', async () => {
    const remote = await serve('unused')
    await stopServer(remote.server)
    const { seen, ended } = setup('url-partial', { 'configuration.log': 'staging…\n' }, readAnswer, (s) => {
      withUrlDataset(s, remote.url)
      mkdirSync(join(s.jobDir, 'data/inputs/did:op:remote'), { recursive: true })
      writeFileSync(join(s.jobDir, 'data/inputs/did:op:remote/0'), 'stag')
      writeFileSync(join(s.jobDir, 'staged.json'), JSON.stringify({ 'inputs/did:op:remote/0': 12 }))
    })
    await ended
    expect(seen.at(-1)).toMatchObject({ kind: 'lost', reason: expect.stringMatching(/^not started: /) })
  })
})
