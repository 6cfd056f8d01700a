/**
 * Issue 14: Ocean Node's `outputBucketId` (a job's outputs written into the consumer's
 * persistent-storage bucket) and an algorithm given as a `nodePersistentStorage` file object,
 * through the Provider with unmodified ocean.js 8.6.2 (`freeComputeStart`'s outputBucketId
 * argument, `listPersistentStorageFiles`) and the real local sandbox.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProviderInstance } from '@oceanprotocol/lib'
import { Wallet, type Signer } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import { startCore, type Core } from '../index'
import { MemoryLogger } from '../logging'
import { datasetPolicySchema } from '../console-api/contract'
import { jobCoreConfig } from './job-core-config'
import { collect, firstJob, paidEnvironment, startOceanTestbed, waitForStatus } from './ocean-consumer'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function start(persistentStorage: Record<string, unknown>): Promise<{ core: Core; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provider-storage-outputs-'))
  const config = jobCoreConfig(dataDir, { overrides: { provider: { port: 0, persistentStorage } } })
  const core = await startCore(config, { logger: new MemoryLogger() })
  cleanups.push(() => core.stop())
  return { core, dataDir }
}

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield part
}

const CONTAINER = { entrypoint: 'node $ALGO', image: 'node', tag: '20', checksum: '' }
const rawAlgorithm = (code: string) => ({ meta: { rawcode: code, container: CONTAINER } }) as never

/** Writes two top-level outputs, one in a sub-folder, and overwrites keep.txt's neighbour `old.txt`. */
const WRITE_OUTPUTS =
  `const fs = require('fs');` +
  ` fs.writeFileSync('/data/outputs/result.txt', 'forty-two\\n');` +
  ` fs.writeFileSync('/data/outputs/old.txt', 'new contents');` +
  ` fs.mkdirSync('/data/outputs/sub'); fs.writeFileSync('/data/outputs/sub/nested.txt', 'deep');` +
  ` console.log('wrote outputs')`

const freeStart = (
  url: string,
  signer: Signer,
  envId: string,
  algorithm: never,
  options: { outputBucketId?: string; output?: unknown } = {},
) =>
  ProviderInstance.freeComputeStart(
    url,
    signer,
    envId,
    [],
    algorithm,
    undefined,
    undefined,
    undefined,
    options.output as never,
    undefined,
    undefined,
    undefined,
    undefined,
    options.outputBucketId,
  )

const bucketDir = (dataDir: string, bucketId: string) =>
  join(dataDir, 'persistent-storage', 'buckets', bucketId)

describe('outputBucketId: outputs written into the consumer bucket', () => {
  it("a finished job's outputs land in the bucket, listed by ocean.js; computeResult still serves the archive", async () => {
    const { core, dataDir } = await start({ enabled: true })
    const url = core.providerUrl
    const owner = Wallet.createRandom()
    const { bucketId } = await ProviderInstance.createPersistentStorageBucket(url, owner, { accessLists: [] })
    await ProviderInstance.uploadPersistentStorageFile(url, owner, bucketId, 'keep.txt', chunks('kept'))
    await ProviderInstance.uploadPersistentStorageFile(url, owner, bucketId, 'old.txt', chunks('old'))
    const env = (await ProviderInstance.getComputeEnvironments(url)).find((e) => e.free)!

    const started = firstJob(
      await freeStart(url, owner, env.id, rawAlgorithm(WRITE_OUTPUTS), { outputBucketId: bucketId }),
    )
    const finished = await waitForStatus(url, owner as never, started.jobId, (j) => j.status === 70)
    expect(finished.terminationDetails?.exitCode).toBe(0)

    const files = await ProviderInstance.listPersistentStorageFiles(url, owner, bucketId)
    expect(files.map((f) => [f.name, f.size])).toEqual([
      ['keep.txt', 4],
      ['old.txt', 12],
      ['result.txt', 10],
    ])
    const dir = bucketDir(dataDir, bucketId)
    expect(readFileSync(join(dir, 'result.txt'), 'utf8')).toBe('forty-two\n')
    expect(readFileSync(join(dir, 'old.txt'), 'utf8')).toBe('new contents')
    // A bucket is flat: the sub-folder's file is only in the archive; no partial file is left.
    expect(existsSync(join(dir, 'sub'))).toBe(false)
    expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([])

    const archive = finished.results.find((r) => r.type === 'output')!
    expect(archive).toBeDefined()
    const tar = await collect(
      await ProviderInstance.getComputeResult(url, owner, started.jobId, archive.index!),
    )
    expect(tar.toString('latin1')).toContain('outputs/sub/nested.txt')
    expect(tar.toString('latin1')).toContain('forty-two')
  }, 120_000)

  it("refuses a stranger's bucket, an unknown bucket, a bad id and storage off: no job", async () => {
    const { core } = await start({ enabled: true })
    const url = core.providerUrl
    const owner = Wallet.createRandom()
    const stranger = Wallet.createRandom()
    const { bucketId } = await ProviderInstance.createPersistentStorageBucket(url, owner, { accessLists: [] })
    const env = (await ProviderInstance.getComputeEnvironments(url)).find((e) => e.free)!
    const algo = rawAlgorithm('1')

    await expect(freeStart(url, stranger, env.id, algo, { outputBucketId: bucketId })).rejects.toThrow(
      /not allowed to access this bucket/,
    )
    await expect(
      freeStart(url, owner, env.id, algo, { outputBucketId: '0b7e2f6e-8d6a-4b8e-9c1d-2f3a4b5c6d7e' }),
    ).rejects.toThrow(/Bucket not found/)
    await expect(freeStart(url, owner, env.id, algo, { outputBucketId: '../x' })).rejects.toThrow(/bucket id/)
    expect(await ProviderInstance.computeStatus(url, owner)).toEqual([])
    expect(await ProviderInstance.computeStatus(url, stranger)).toEqual([])

    const off = await start({ enabled: false })
    const offEnv = (await ProviderInstance.getComputeEnvironments(off.core.providerUrl)).find((e) => e.free)!
    await expect(
      freeStart(off.core.providerUrl, owner, offEnv.id, algo, { outputBucketId: bucketId }),
    ).rejects.toThrow(/not enabled/)
  }, 60_000)

  it('outputs over the bucket limit fail the job at 61 with the reason; the bucket is unchanged', async () => {
    const { core, dataDir } = await start({ enabled: true, bucketBytesMax: 16 })
    const url = core.providerUrl
    const owner = Wallet.createRandom()
    const { bucketId } = await ProviderInstance.createPersistentStorageBucket(url, owner, { accessLists: [] })
    await ProviderInstance.uploadPersistentStorageFile(url, owner, bucketId, 'old.txt', chunks('old'))
    const env = (await ProviderInstance.getComputeEnvironments(url)).find((e) => e.free)!

    const big = `require('fs').writeFileSync('/data/outputs/big.txt', 'x'.repeat(64)); console.log('done')`
    const started = firstJob(
      await freeStart(url, owner, env.id, rawAlgorithm(big), { outputBucketId: bucketId }),
    )
    const finished = await waitForStatus(url, owner as never, started.jobId, (j) => j.status === 70)
    const record = core.operatorService.getJob(started.jobId)!
    expect(record.outcome).toMatchObject({ kind: 'failed', failureStatus: 61 })
    expect((record.outcome as { reason: string }).reason).toMatch(
      new RegExp(`could not be written to bucket ${bucketId}.*at most 16 bytes`),
    )
    expect(core.operatorService.jobEvents(started.jobId).map((e) => e.to)).toContain(61)
    expect(finished.terminationDetails?.exitCode).toBe(0)
    const files = await ProviderInstance.listPersistentStorageFiles(url, owner, bucketId)
    expect(files.map((f) => [f.name, f.size])).toEqual([['old.txt', 3]])
    expect(readdirSync(bucketDir(dataDir, bucketId))).toEqual(['old.txt'])
  }, 120_000)
})

describe('an algorithm given as a nodePersistentStorage file', () => {
  it("runs the bucket's algorithm file, staged read-only at the algorithm's path", async () => {
    const { core } = await start({ enabled: true })
    const url = core.providerUrl
    const owner = Wallet.createRandom()
    const stranger = Wallet.createRandom()
    const { bucketId } = await ProviderInstance.createPersistentStorageBucket(url, owner, { accessLists: [] })
    const code =
      `const fs = require('fs'); console.log('algo-from-bucket ' + fs.readFileSync(__filename, 'utf8').length);` +
      ` try { fs.writeFileSync('/data/transformations/algorithm', 'x'); console.log('write:ok') }` +
      ` catch (e) { console.log('write:refused:' + e.code) }`
    await ProviderInstance.uploadPersistentStorageFile(url, owner, bucketId, 'algo.js', chunks(code))
    const fileObject = await ProviderInstance.getPersistentStorageFileObject(url, owner, bucketId, 'algo.js')
    const env = (await ProviderInstance.getComputeEnvironments(url)).find((e) => e.free)!
    const algorithm = { fileObject, meta: { container: CONTAINER } } as never

    const started = firstJob(await freeStart(url, owner, env.id, algorithm))
    const finished = await waitForStatus(url, owner as never, started.jobId, (j) => j.status === 70)
    expect(finished.terminationDetails?.exitCode).toBe(0)
    const log = finished.results.find((r) => r.type === 'algorithmLog')!
    const text = (
      await collect(await ProviderInstance.getComputeResult(url, owner, started.jobId, log.index!))
    ).toString()
    expect(text).toContain(`algo-from-bucket ${code.length}`)
    expect(text).toMatch(/write:refused:E(ROFS|ACCES|PERM)/)

    // A stranger may not run the owner's algorithm file; a container is required with it.
    await expect(freeStart(url, stranger, env.id, algorithm)).rejects.toThrow(
      /not allowed to access this bucket/,
    )
    await expect(
      freeStart(url, owner, env.id, {
        fileObject: { ...fileObject, fileName: 'none.js' },
        meta: { container: CONTAINER },
      } as never),
    ).rejects.toThrow(/File not found/)
    await expect(freeStart(url, owner, env.id, { fileObject } as never)).rejects.toThrow(/meta.container/)
    expect(await ProviderInstance.computeStatus(url, stranger)).toEqual([])
  }, 120_000)
})

describe('outputBucketId on the dev chain: initializeCompute and publisher review', () => {
  it("initializeCompute refuses a stranger's bucket; a dataset under publisher review refuses any bucket", async () => {
    const bed = await startOceanTestbed('provider-storage-outputs-chain-', {
      provider: { port: 0, persistentStorage: { enabled: true } } as never,
    })
    cleanups.push(async () => {
      await bed.core.stop()
      bed.rpc.destroy()
    })
    const stranger = Wallet.createRandom()
    const { bucketId } = await ProviderInstance.createPersistentStorageBucket(bed.url, bed.consumer, {
      accessLists: [],
    })
    const dataset = {
      documentId: bed.devChain.samples.dataset.did,
      serviceId: bed.devChain.samples.dataset.serviceId,
    }
    const algorithm = {
      documentId: bed.devChain.samples.algorithm.did,
      serviceId: bed.devChain.samples.algorithm.serviceId,
    }
    const envs = await ProviderInstance.getComputeEnvironments(bed.url)
    const { envId } = await paidEnvironment(bed)
    const paidEnv = envs.find((e) => e.id === envId)!
    const token = paidEnv.fees![String(bed.devChain.chainId)]![0]!.feeToken
    const initialize = (consumerAddress: string) =>
      fetch(`${bed.url}/api/services/initializeCompute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          environment: envId,
          consumerAddress,
          datasets: [dataset],
          algorithm,
          outputBucketId: bucketId,
          payment: { chainId: bed.devChain.chainId, token },
          maxJobDuration: 60,
        }),
      })
    const refused = await initialize(stranger.address)
    expect(refused.status).toBe(403)
    expect(refused.headers.get('x-c2d-error-code')).toBe('BUCKET_ACCESS_DENIED')
    expect((await initialize(bed.consumer.address)).status).toBe(200)

    await bed.core.consoleService.setDatasetPolicy({
      did: dataset.documentId,
      policy: datasetPolicySchema.parse({ outputRelease: 'publisher-review', reviewWindowSec: 3600 }),
    })
    const freeEnv = envs.find((e) => e.free)!
    await expect(
      ProviderInstance.freeComputeStart(
        bed.url,
        bed.consumer,
        freeEnv.id,
        [dataset],
        algorithm,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        bucketId,
      ),
    ).rejects.toThrow(/publisher reviews this dataset's outputs/)
    expect(await ProviderInstance.computeStatus(bed.url, bed.consumer)).toEqual([])
  }, 120_000)
})
