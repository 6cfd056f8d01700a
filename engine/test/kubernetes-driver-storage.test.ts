/**
 * Issue 14: files in persistent storage (`nodePersistentStorage` datasets) on the Kubernetes backend.
 * They travel as the job's local files do, inlined in the inputs Secret; the configure pod writes
 * them to Ocean Node's /data/persistentStorage/<bucketId>/<fileName>, and the algorithm pod mounts
 * that folder read-only. Over the inline budget the job is refused before it is registered, saying
 * why (413 JOB_INPUTS_TOO_LARGE, "run the job in a local environment"). A job's outputs reach its
 * `outputBucketId` bucket from this backend too (written by the Operator-Service). Against the API double,
 * whose kubelet runs the pods in bubblewrap with their volume mounts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isC2dError } from '../c2d-error'
import { systemClock } from '../clock'
import { MemoryLogger } from '../logging'
import { Environments, defaultEnvironment } from '../operator-service/environments'
import { SqliteOperatorService } from '../operator-service/operator-service'
import { PersistentStorage } from '../provider/persistent-storage'
import { openDatabase } from '../store/database'
import type { JobSpec, Observation } from '../operator-engine/driver'
import { DEFAULT_MANIFEST_OPTIONS, selectorOf } from '../operator-engine/drivers/kubernetes/manifests'
import { rawCodeJobInput, runJobToFinish } from './job-inputs'
import { driverAgainst } from './kubernetes-api-double/driver-against'
import { startKubernetesApiDouble, type KubernetesApiDouble } from './kubernetes-api-double/api-server'

const NAMESPACE = 'c2d-storage'
const BUCKET = '0b7e2f6e-8d6a-4b8e-9c1d-2f3a4b5c6d7e'
let double: KubernetesApiDouble
let workDir: string

beforeAll(async () => {
  double = await startKubernetesApiDouble({ namespaces: [NAMESPACE] })
  workDir = mkdtempSync(join(tmpdir(), 'c2d-k8s-storage-'))
})
afterAll(async () => {
  await double?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

/** A bucket folder on "this computer" holding `files`. */
function bucket(files: Record<string, string | Buffer>): string {
  const dir = join(workDir, 'buckets', BUCKET)
  mkdirSync(dir, { recursive: true })
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
  return dir
}

const READ_AND_TRY_WRITES =
  `const fs = require('fs'); const p = '/data/persistentStorage/${BUCKET}/input.csv';` +
  ` console.log('read:' + fs.readFileSync(p, 'utf8').trim());` +
  ` for (const w of [p, '/data/persistentStorage/${BUCKET}/new.txt']) {` +
  `   try { fs.writeFileSync(w, 'x'); console.log('write:ok') } catch (e) { console.log('write:refused:' + e.code) } }` +
  ` fs.writeFileSync('/data/outputs/done.txt', 'ok')`

function specWith(
  jobId: string,
  storageInputs: JobSpec['storageInputs'],
  code = READ_AND_TRY_WRITES,
): JobSpec {
  return {
    ...rawCodeJobInput({ code, maxJobDurationSec: 60 }).spec,
    jobId,
    jobDir: join(workDir, jobId),
    ...(storageInputs ? { storageInputs } : {}),
  }
}

async function run(spec: JobSpec): Promise<Observation> {
  const driver = driverAgainst(double, NAMESPACE)
  const end = await new Promise<Observation>(
    (resolve) =>
      void driver.start(spec, (_id, o) => {
        if (
          o.kind === 'outputs-collected' ||
          o.kind === 'results-failed' ||
          o.kind === 'outputs-refused' ||
          o.kind === 'data-provisioning-failed'
        )
          resolve(o)
      }),
  )
  await driver.cleanup(spec.jobId)
  await driver.close()
  expect(double.objects(selectorOf(spec.jobId), NAMESPACE)).toEqual([])
  return end
}

describe('nodePersistentStorage datasets on the Kubernetes backend', () => {
  it("stages the bucket file at Ocean Node's path, read-only for the algorithm", async () => {
    const dir = bucket({ 'input.csv': 'hello-k8s\n' })
    const spec = specWith('storage-read', [
      { bucketId: BUCKET, fileName: 'input.csv', path: join(dir, 'input.csv') },
    ])
    const driver = driverAgainst(double, NAMESPACE)
    expect(() => driver.admit(spec)).not.toThrow()
    await driver.close()
    const end = await run(spec)
    expect(end.kind).toBe('outputs-collected')
    const log = readFileSync(join(spec.jobDir, 'results', 'algorithm.log'), 'utf8')
    expect(log).toContain('read:hello-k8s')
    expect(log).not.toContain('write:ok')
    expect(log.match(/write:refused:E(ROFS|ACCES|PERM)/g)).toHaveLength(2)
    const configureLog = readFileSync(join(spec.jobDir, 'results', 'configuration.log'), 'utf8')
    expect(configureLog).toContain('persistent storage file input.csv: 10 bytes')
    // The bucket on this computer is unchanged.
    expect(readFileSync(join(dir, 'input.csv'), 'utf8')).toBe('hello-k8s\n')
  }, 60_000)

  it('refuses bucket files over the inline budget at admit (JOB_INPUTS_TOO_LARGE, saying why), and a link', async () => {
    const dir = bucket({ 'big.bin': Buffer.alloc(DEFAULT_MANIFEST_OPTIONS.inlineBytesMax + 1) })
    const driver = driverAgainst(double, NAMESPACE)
    const big = specWith('storage-big', [
      { bucketId: BUCKET, fileName: 'big.bin', path: join(dir, 'big.bin') },
    ])
    let refusal: unknown
    try {
      driver.admit(big)
    } catch (error) {
      refusal = error
    }
    expect(isC2dError(refusal) && refusal.code).toBe('JOB_INPUTS_TOO_LARGE')
    expect((refusal as Error).message).toMatch(/persistent storage.*run the job in a local environment/)

    // A link swapped in after the Provider's check is not followed when the driver reads the file.
    const outside = join(workDir, 'outside.txt')
    writeFileSync(outside, 'not yours')
    symlinkSync(outside, join(dir, 'link.txt'))
    const linked = specWith('storage-link', [
      { bucketId: BUCKET, fileName: 'link.txt', path: join(dir, 'link.txt') },
    ])
    expect(() => driver.objectsFor(linked)).toThrow(/cannot be read on this computer/)
    await driver.close()
  }, 30_000)

  it("outputBucketId: a Kubernetes job's outputs land in the consumer's bucket (the Operator-Service writes them)", async () => {
    const dataDir = join(workDir, 'console')
    mkdirSync(dataDir, { recursive: true })
    const owner = '0x00000000000000000000000000000000000000C1'
    const storage = new PersistentStorage(dataDir, {
      limits: { fileBytesMax: 1 << 20, bucketBytesMax: 1 << 20, bucketsPerOwnerMax: 5 },
      onAccessList: async () => false,
      nowMs: () => 0,
    })
    const { bucketId } = await storage.createBucket(owner, [])
    const db = openDatabase({ file: join(dataDir, 'console.db') })
    const environments = new Environments(db)
    environments.seed([defaultEnvironment(undefined)])
    const service = new SqliteOperatorService({
      db,
      driver: driverAgainst(double, NAMESPACE),
      environments,
      dataDir,
      logger: new MemoryLogger(),
      clock: systemClock,
      outputDelivery: {
        deliver: async (job, tarPath) => {
          const { written, skipped } = await storage.writeOutputs(job.outputBucketId!, job.owner, tarPath)
          return { written: written.map((f) => f.name), skipped }
        },
      },
    })
    await service.start()
    const input = rawCodeJobInput({
      code: `require('fs').writeFileSync('/data/outputs/k8s.txt', 'from the cluster')`,
      maxJobDurationSec: 60,
      owner,
    })
    const done = await runJobToFinish(service, { ...input, outputBucketId: bucketId })
    expect(done.outcome).toEqual({ kind: 'succeeded' })
    expect((await storage.listFiles(bucketId, owner)).map((f) => [f.name, f.size])).toEqual([['k8s.txt', 16]])
    expect(readFileSync(join(dataDir, 'persistent-storage', 'buckets', bucketId, 'k8s.txt'), 'utf8')).toBe(
      'from the cluster',
    )
    await service.close()
    db.close()
  }, 60_000)
})
