/**
 * Crash recovery on the real LocalDriver (issue 13 §8), from the files a killed console left:
 * a job whose algorithm had not started runs again; one whose inputs are gone fails as "not
 * started"; one that was running is lost, and in every failure the logs on disk are offered.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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
  const spec: JobSpec = { ...rawCodeJobInput({ code }).spec, jobId, jobDir }
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
})
