/**
 * Outputs come back through the API only (exec + tar in the publish pod). Big outputs arrive as
 * many WebSocket messages faster than the disk takes them: every byte must still reach
 * results/outputs.tar, the size limit must hold while streaming, and a connection that breaks
 * before tar reported its status must never pass a truncated archive off as the job's outputs.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { list as listTar } from 'tar'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobSpec, Observation } from '../operator-engine/driver'
import { selectorOf } from '../operator-engine/drivers/kubernetes/manifests'
import { rawCodeJobInput } from './job-inputs'
import { driverAgainst } from './kubernetes-api-double/driver-against'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-outputs'
const BIG_BYTES = 24 * 1024 * 1024
let double: KubernetesApiDouble
let workDir: string

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  workDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-outputs-'))
})
afterAll(async () => {
  await double?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

/** A job whose algorithm writes `sizeBytes` of varied bytes to /data/outputs/big.bin. */
function bigOutputJob(jobId: string, outputBytesMax: number): JobSpec {
  const code = `const b = Buffer.alloc(${BIG_BYTES}); for (let i = 0; i < b.length; i += 4) b.writeUInt32LE((i * 2654435761) >>> 0, i); require('fs').writeFileSync('/data/outputs/big.bin', b)`
  const input = rawCodeJobInput({ code, maxJobDurationSec: 60 })
  return {
    ...input.spec,
    jobId,
    jobDir: join(workDir, jobId),
    resources: { cpu: 1, ramGb: 1, diskGb: 1 },
    limits: { inputFileBytesMax: 1_000_000, outputBytesMax },
  }
}

async function run(
  spec: JobSpec,
  onObservation: (o: Observation) => void = () => undefined,
  beforeCleanup?: () => Promise<unknown>,
): Promise<{ end: Observation; seen: Observation[] }> {
  const driver = driverAgainst(double, NAMESPACE)
  const seen: Observation[] = []
  const end = await new Promise<Observation>(
    (resolve) =>
      void driver.start(spec, (_id, o) => {
        seen.push(o)
        onObservation(o)
        if (o.kind === 'outputs-collected' || o.kind === 'results-failed' || o.kind === 'outputs-refused')
          resolve(o)
      }),
  )
  await beforeCleanup?.()
  await driver.cleanup(spec.jobId)
  await driver.close()
  expect(double.objects(selectorOf(spec.jobId), NAMESPACE)).toEqual([])
  return { end, seen }
}

describe('outputs through exec + tar', () => {
  it('brings every byte of a big output home', async () => {
    const spec = bigOutputJob('big-output', 100 * 1024 * 1024)
    const { end } = await run(spec)
    expect(end.kind).toBe('outputs-collected')
    const tarPath = join(spec.jobDir, 'results', 'outputs.tar')
    const entries: Array<{ path: string; size: number }> = []
    await listTar({ file: tarPath, onReadEntry: (e) => entries.push({ path: e.path, size: e.size }) })
    expect(entries).toContainEqual({ path: 'outputs/big.bin', size: BIG_BYTES })
    // The archive is whole: tar's end-of-archive blocks are there and the size is a record multiple.
    expect(statSync(tarPath).size % 512).toBe(0)
    expect(
      readFileSync(tarPath)
        .subarray(-1024)
        .every((byte) => byte === 0),
    ).toBe(true)
    expect(
      (end as Extract<Observation, { kind: 'outputs-collected' }>).results.find((r) => r.type === 'output')
        ?.filesizeBytes,
    ).toBe(statSync(tarPath).size)
  }, 60_000)

  it('refuses outputs over outputBytesMax before packing them (62), and produces no outputs.tar', async () => {
    const spec = bigOutputJob('over-limit', 1024 * 1024)
    const { end } = await run(spec)
    expect(end).toMatchObject({
      kind: 'outputs-refused',
      reason: `the outputs (${BIG_BYTES} bytes, apparent size) exceed the limit of ${1024 * 1024} bytes`,
    })
    expect(existsSync(join(spec.jobDir, 'results', 'outputs.tar'))).toBe(false)
    expect(readFileSync(join(spec.jobDir, 'results', 'publish.log'), 'utf8')).toContain(
      'outputs.tar not produced',
    )
  }, 60_000)

  it('stops streaming at outputBytesMax when only the archive is over it (headers of many empty files)', async () => {
    // 3000 empty files measure 0 bytes, but each is a 512-byte tar header: 1.5 MB of archive.
    const code =
      "const fs = require('fs'); for (let i = 0; i < 3000; i++) fs.writeFileSync('/data/outputs/e' + i, '')"
    const spec = { ...bigOutputJob('over-limit-packed', 1024 * 1024) }
    spec.algorithm = { ...spec.algorithm, source: { type: 'rawcode', code } }
    const { end } = await run(spec)
    expect(end).toMatchObject({
      kind: 'outputs-refused',
      reason: `the outputs (over ${1024 * 1024} bytes packed) exceed the limit of ${1024 * 1024} bytes`,
    })
    expect(existsSync(join(spec.jobDir, 'results', 'outputs.tar'))).toBe(false)
  }, 60_000)

  it('a connection cut mid-copy fails the results instead of keeping a truncated outputs.tar', async () => {
    const spec = bigOutputJob('cut-mid-copy', 100 * 1024 * 1024)
    const tarPath = join(spec.jobDir, 'results', 'outputs.tar')
    let cut = false
    let restored: Promise<void> | undefined
    const watchCopy = () => {
      if (existsSync(tarPath) && statSync(tarPath).size > 0) {
        cut = true
        double.faults.setUnreachable(true)
        restored = new Promise((resolve) =>
          setTimeout(() => resolve(double.faults.setUnreachable(false)), 200),
        )
      } else setTimeout(watchCopy, 2)
    }
    const { end } = await run(
      spec,
      (o) => o.kind === 'publishing' && watchCopy(),
      () => restored ?? Promise.resolve(),
    )
    expect(cut).toBe(true)
    expect(end).toMatchObject({
      kind: 'results-failed',
      reason: expect.stringContaining('could not be copied'),
    })
    expect(existsSync(tarPath)).toBe(false)
  }, 60_000)
})
