/**
 * Issue 14: files in persistent storage as compute datasets (Ocean Node's `nodePersistentStorage`
 * file object), through the Provider with unmodified ocean.js 8.6.2: upload, getFileObject, then
 * freeComputeStart with `{ fileObject }` as the dataset; the real sandbox reads the file at
 * /data/persistentStorage/<bucketId>/<fileName>. Someone else's bucket, a missing file, a bad
 * name and storage switched off are refused before any job exists.
 */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProviderInstance } from '@oceanprotocol/lib'
import { Wallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import { startCore, type Core } from '../index'
import { MemoryLogger } from '../logging'
import { jobCoreConfig } from './job-core-config'
import { collect, firstJob, waitForStatus } from './ocean-consumer'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function start(persistentStorage: Record<string, unknown>): Promise<{ core: Core; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provider-storage-compute-'))
  const config = jobCoreConfig(dataDir, { overrides: { provider: { port: 0, persistentStorage } } })
  const core = await startCore(config, { logger: new MemoryLogger() })
  cleanups.push(() => core.stop())
  return { core, dataDir }
}

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield part
}

const rawAlgorithm = (code: string) =>
  ({
    meta: { rawcode: code, container: { entrypoint: 'node $ALGO', image: 'node', tag: '20', checksum: '' } },
  }) as never

const READ_INPUT = (bucketId: string, fileName: string) =>
  `const fs = require('fs'); const c = fs.readFileSync('/data/persistentStorage/${bucketId}/${fileName}', 'utf8');` +
  ` console.log('read:' + c.trim());` +
  // Ocean Node mounts the file read-only: writing it, or adding a file beside it, must fail.
  ` for (const p of ['/data/persistentStorage/${bucketId}/${fileName}', '/data/persistentStorage/${bucketId}/new.txt']) {` +
  `   try { fs.writeFileSync(p, 'x'); console.log('write:ok:' + p) } catch (e) { console.log('write:refused:' + e.code) } }`

describe('nodePersistentStorage datasets in compute jobs', () => {
  it("a job reads the bucket file ocean.js uploaded, at Ocean Node's path; the bucket stays as it was", async () => {
    const { core } = await start({ enabled: true })
    const url = core.providerUrl
    const owner = Wallet.createRandom()
    const { bucketId } = await ProviderInstance.createPersistentStorageBucket(url, owner, { accessLists: [] })
    await ProviderInstance.uploadPersistentStorageFile(
      url,
      owner,
      bucketId,
      'input.csv',
      chunks('hello-bucket\n'),
    )
    const fileObject = await ProviderInstance.getPersistentStorageFileObject(
      url,
      owner,
      bucketId,
      'input.csv',
    )
    const env = (await ProviderInstance.getComputeEnvironments(url)).find((e) => e.free)!

    const started = firstJob(
      await ProviderInstance.freeComputeStart(
        url,
        owner,
        env.id,
        [{ fileObject } as never],
        rawAlgorithm(READ_INPUT(bucketId, 'input.csv')),
      ),
    )
    const finished = await waitForStatus(url, owner as never, started.jobId, (j) => j.status === 70)
    expect(finished.terminationDetails?.exitCode).toBe(0)
    const log = finished.results.find((r) => r.type === 'algorithmLog')!
    const text = (
      await collect(await ProviderInstance.getComputeResult(url, owner, started.jobId, log.index!))
    ).toString()
    expect(text).toContain('read:hello-bucket')
    // The staged copy is read-only inside the sandbox (Ocean Node mounts it so).
    expect(text).not.toContain('write:ok')
    expect(text.match(/write:refused:E(ROFS|ACCES|PERM)/g)).toHaveLength(2)
    // The bucket file is unchanged.
    expect(
      (await ProviderInstance.listPersistentStorageFiles(url, owner, bucketId)).map((f) => [f.name, f.size]),
    ).toEqual([['input.csv', 13]])
  }, 120_000)

  it("refuses someone else's bucket, a missing file, a bad name, a link out of the bucket, and storage off: no job", async () => {
    const { core, dataDir } = await start({ enabled: true })
    const url = core.providerUrl
    const owner = Wallet.createRandom()
    const stranger = Wallet.createRandom()
    const { bucketId } = await ProviderInstance.createPersistentStorageBucket(url, owner, { accessLists: [] })
    await ProviderInstance.uploadPersistentStorageFile(url, owner, bucketId, 'secret.csv', chunks('s\n'))
    const outside = join(dataDir, 'outside.txt')
    writeFileSync(outside, 'not yours')
    symlinkSync(outside, join(dataDir, 'persistent-storage', 'buckets', bucketId, 'link.txt'))
    const env = (await ProviderInstance.getComputeEnvironments(url)).find((e) => e.free)!
    const startWith = (signer: typeof owner, fileObject: Record<string, unknown>) =>
      ProviderInstance.freeComputeStart(url, signer, env.id, [{ fileObject } as never], rawAlgorithm('1'))
    const object = (fileName: string, id = bucketId) => ({
      type: 'nodePersistentStorage',
      bucketId: id,
      fileName,
    })

    await expect(startWith(stranger, object('secret.csv'))).rejects.toThrow(
      /not allowed to access this bucket/,
    )
    await expect(startWith(owner, object('missing.csv'))).rejects.toThrow(/File not found/)
    await expect(startWith(owner, object('../secret.csv'))).rejects.toThrow(/one file name/)
    await expect(startWith(owner, object('x', '../../etc'))).rejects.toThrow(/bucket id/)
    await expect(startWith(owner, object('link.txt'))).rejects.toThrow(/File not found/)
    const both = await fetch(`${url}/api/services/initializeCompute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        environment: env.id,
        consumerAddress: owner.address,
        datasets: [{ documentId: 'did:op:1', serviceId: 's', fileObject: object('secret.csv') }],
        algorithm: rawAlgorithm('1'),
      }),
    })
    expect(both.status).toBe(400)
    expect(await ProviderInstance.computeStatus(url, owner)).toEqual([])
    expect(await ProviderInstance.computeStatus(url, stranger)).toEqual([])

    const off = await start({ enabled: false })
    const offEnv = (await ProviderInstance.getComputeEnvironments(off.core.providerUrl)).find((e) => e.free)!
    await expect(
      ProviderInstance.freeComputeStart(
        off.core.providerUrl,
        owner,
        offEnv.id,
        [{ fileObject: object('secret.csv') } as never],
        rawAlgorithm('1'),
      ),
    ).rejects.toThrow(/not enabled/)
  }, 60_000)
})
