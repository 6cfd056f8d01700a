import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { computeEnvironmentSchema } from '../config/schema'
import type { FileSource } from '../file-source'
import { trustedAlgorithmEntry } from '../publishing/algorithm-checksums'
import type { AssetRecord } from '../publishing/asset-registry'
import type { AssetDraft } from '../publishing/ddo'
import {
  parseComputeRequest,
  planCompute,
  requestedDatasets,
  toRegisterJobInput,
  type AssetLookup,
  type ComputeRequest,
} from './compute-plan'
import { codeOf } from '../test/error-code'
import { assetRecord, randomAddress } from '../test/asset-records'

const dir = mkdtempSync(join(tmpdir(), 'plan-'))
const algoFile = join(dir, 'algo.js')
writeFileSync(algoFile, 'console.log("hi")\n')
const dataFile = join(dir, 'data.csv')
writeFileSync(dataFile, 'a,b\n1,2\n')

const env = computeEnvironmentSchema.parse({
  id: 'env',
  cpu: { total: 1, max: 1, min: 1 },
  ramGb: { total: 1, max: 1, min: 0 },
  diskGb: { total: 1, max: 1, min: 0 },
  free: {},
})
const netEnv = { ...env, allowNetwork: true }

const record = assetRecord

const algoFiles: FileSource[] = [{ type: 'local', path: algoFile }]
const algorithm = record(
  {
    kind: 'algorithm',
    name: 'algo',
    container: { image: 'node', tag: '20', entrypoint: 'node $ALGO' },
    service: { files: algoFiles },
  },
  algoFiles,
)
const otherAlgorithm = record(
  {
    kind: 'algorithm',
    name: 'other',
    container: { image: 'node', tag: '20', entrypoint: 'node $ALGO' },
    service: { files: algoFiles },
  },
  algoFiles,
)

async function dataset(
  compute: AssetDraft['service'] extends infer S ? Partial<S> : never,
): Promise<AssetRecord> {
  return record(
    { kind: 'dataset', name: 'data', service: { files: [{ type: 'local', path: dataFile }], ...compute } },
    [{ type: 'local', path: dataFile }],
  )
}

function lookup(...records: AssetRecord[]): AssetLookup {
  const byDid = new Map(records.map((r) => [r.did, r]))
  return { get: (did) => byDid.get(did) }
}

function ref(r: AssetRecord) {
  return { documentId: r.did, serviceId: r.ddo.services[0]!.id }
}

function request(over: Partial<ComputeRequest>): ComputeRequest {
  return parseComputeRequest({ environment: 'env', algorithm: ref(algorithm), ...over })
}

describe('requestedDatasets', () => {
  it('uses datasets when present, the singular dataset only as the fallback (spec §4)', async () => {
    const a = await dataset({})
    const b = await dataset({})
    expect(
      requestedDatasets(request({ datasets: [ref(a)], dataset: ref(b) })).map((d) => d.documentId),
    ).toEqual([a.did])
    expect(requestedDatasets(request({ dataset: ref(b) })).map((d) => d.documentId)).toEqual([b.did])
    expect(requestedDatasets(request({}))).toEqual([])
  })
})

describe('planCompute', () => {
  it('resolves an algorithm by DID trusted with matching checksums (what publishing writes)', async () => {
    const entry = await trustedAlgorithmEntry({ ddo: algorithm.ddo, files: algoFiles })
    const data = await dataset({ publisherTrustedAlgorithms: [entry] })
    const plan = await planCompute(request({ datasets: [ref(data)] }), env, lookup(data, algorithm))
    expect(plan.algorithm?.record.did).toBe(algorithm.did)
    expect(plan.container).toMatchObject({ image: 'node', tag: '20', entrypoint: 'node $ALGO' })
    expect(plan.algorithmSource).toEqual({ type: 'local', path: algoFile })
    expect(plan.datasets.map((d) => d.record.did)).toEqual([data.did])
  })

  it('refuses an algorithm whose file changed since it was trusted (checksum mismatch)', async () => {
    const entry = await trustedAlgorithmEntry({ ddo: algorithm.ddo, files: algoFiles })
    const data = await dataset({ publisherTrustedAlgorithms: [entry] })
    const readFile = async () => new TextEncoder().encode('console.log("changed")\n')
    expect(
      await codeOf(
        planCompute(request({ datasets: [ref(data)] }), env, lookup(data, algorithm), { readFile }),
      ),
    ).toBe('ALGORITHM_NOT_TRUSTED')
    const tamperedContainer = { ...entry, containerSectionChecksum: '0'.repeat(64) }
    const data2 = await dataset({ publisherTrustedAlgorithms: [tamperedContainer] })
    expect(
      await codeOf(planCompute(request({ datasets: [ref(data2)] }), env, lookup(data2, algorithm))),
    ).toBe('ALGORITHM_NOT_TRUSTED')
  })

  it('refuses an algorithm not in the trusted list, and trusts every algorithm with "*"', async () => {
    const entry = await trustedAlgorithmEntry({ ddo: algorithm.ddo, files: algoFiles })
    const data = await dataset({ publisherTrustedAlgorithms: [entry] })
    const other = parseComputeRequest({
      environment: 'env',
      algorithm: ref(otherAlgorithm),
      datasets: [ref(data)],
    })
    expect(await codeOf(planCompute(other, env, lookup(data, otherAlgorithm)))).toBe('ALGORITHM_NOT_TRUSTED')
    const open = await dataset({ publisherTrustedAlgorithmPublishers: [] })
    open.ddo.services[0]!.compute.publisherTrustedAlgorithmPublishers = ['*']
    const plan = await planCompute(
      parseComputeRequest({ environment: 'env', algorithm: ref(otherAlgorithm), datasets: [ref(open)] }),
      env,
      lookup(open, otherAlgorithm),
    )
    expect(plan.algorithm?.record.did).toBe(otherAlgorithm.did)
  })

  it('trusts by publisher only when the NFT owner is listed (case-insensitively)', async () => {
    const publisher = randomAddress()
    const data = await dataset({ publisherTrustedAlgorithmPublishers: [publisher] })
    const req = request({ datasets: [ref(data)] })
    const assets = lookup(data, algorithm)
    expect(
      (await planCompute(req, env, assets, { publisherOf: async () => publisher.toLowerCase() })).algorithm
        ?.record.did,
    ).toBe(algorithm.did)
    expect(await codeOf(planCompute(req, env, assets, { publisherOf: async () => randomAddress() }))).toBe(
      'ALGORITHM_NOT_TRUSTED',
    )
    expect(await codeOf(planCompute(req, env, assets))).toBe('ALGORITHM_NOT_TRUSTED')
  })

  it('accepts raw code only where the dataset allows it, and raw code needs a container', async () => {
    const meta = {
      rawcode: 'print(1)',
      container: { entrypoint: 'python $ALGO', image: 'python', tag: '3.11' },
    }
    const closed = await dataset({ allowRawAlgorithm: false })
    const open = await dataset({ allowRawAlgorithm: true })
    expect(
      await codeOf(
        planCompute(request({ algorithm: { meta }, datasets: [ref(closed)] }), env, lookup(closed)),
      ),
    ).toBe('ALGORITHM_NOT_TRUSTED')
    const plan = await planCompute(request({ algorithm: { meta }, datasets: [ref(open)] }), env, lookup(open))
    expect(plan.algorithm).toBeUndefined()
    expect(plan.algorithmSource).toEqual({ type: 'rawcode', code: 'print(1)' })
    expect(
      await codeOf(
        planCompute(
          request({ algorithm: { meta: { rawcode: 'x' } }, datasets: [ref(open)] }),
          env,
          lookup(open),
        ),
      ),
    ).toBe('REQUEST_INVALID')
  })

  it('refuses a revoked dataset, an unknown DID, a wrong service, and a dataset used as algorithm', async () => {
    const data = await dataset({ allowRawAlgorithm: true })
    const revoked = { ...data, state: 3 }
    const meta = { rawcode: 'x', container: { entrypoint: 'node $ALGO', image: 'node', tag: '20' } }
    expect(
      await codeOf(
        planCompute(request({ algorithm: { meta }, datasets: [ref(revoked)] }), env, lookup(revoked)),
      ),
    ).toBe('ASSET_NOT_ACTIVE')
    expect(
      await codeOf(
        planCompute(
          request({ algorithm: { meta }, datasets: [{ documentId: 'did:op:nope', serviceId: 's' }] }),
          env,
          lookup(data),
        ),
      ),
    ).toBe('ASSET_NOT_FOUND')
    expect(
      await codeOf(
        planCompute(
          request({ algorithm: { meta }, datasets: [{ documentId: data.did, serviceId: 'other' }] }),
          env,
          lookup(data),
        ),
      ),
    ).toBe('SERVICE_INVALID')
    expect(
      await codeOf(planCompute(request({ algorithm: ref(data), datasets: [] }), env, lookup(data))),
    ).toBe('ALGORITHM_NOT_TRUSTED')
  })

  it('refuses network access when the environment gives it and a dataset does not allow it', async () => {
    const meta = { rawcode: 'x', container: { entrypoint: 'node $ALGO', image: 'node', tag: '20' } }
    const closed = await dataset({ allowRawAlgorithm: true, allowNetworkAccess: false })
    const open = await dataset({ allowRawAlgorithm: true, allowNetworkAccess: true })
    expect(
      await codeOf(
        planCompute(request({ algorithm: { meta }, datasets: [ref(closed)] }), netEnv, lookup(closed)),
      ),
    ).toBe('NETWORK_NOT_ALLOWED')
    expect(
      (await planCompute(request({ algorithm: { meta }, datasets: [ref(open)] }), netEnv, lookup(open)))
        .allowNetwork,
    ).toBe(true)
    expect(
      (await planCompute(request({ algorithm: { meta }, datasets: [ref(closed)] }), env, lookup(closed)))
        .allowNetwork,
    ).toBe(false)
  })
})

describe('parseComputeRequest and toRegisterJobInput', () => {
  it('refuses a body without environment or algorithm with field details', () => {
    let caught: { code?: string; details?: Array<{ field: string }> } = {}
    try {
      parseComputeRequest({ datasets: [] })
    } catch (error) {
      caught = error as typeof caught
    }
    expect(caught.code).toBe('REQUEST_INVALID')
    expect(caught.details?.map((d) => d.field).sort()).toEqual(['algorithm', 'environment'])
  })

  it('carries raw code, viewers, metadata, prices and queue wait into the Operator-Service input', async () => {
    const open = await dataset({ allowRawAlgorithm: true })
    const meta = { rawcode: 'x', container: { entrypoint: 'node $ALGO', image: 'node', tag: '20' } }
    const req = request({
      algorithm: { meta },
      datasets: [ref(open)],
      additionalViewers: ['0xV'],
      metadata: { k: 1 },
      queueMaxWaitTime: '30',
    })
    const plan = await planCompute(req, env, lookup(open))
    const input = toRegisterJobInput({
      owner: '0xO',
      env,
      plan,
      resources: [{ id: 'cpu', amount: 1 }],
      prices: [{ id: 'cpu', price: 2 }],
      maxJobDurationSec: 60,
      isFree: false,
      request: req,
      limits: { inputFileBytesMax: 1, outputBytesMax: 2 } as never,
    })
    expect(input.algorithm).toEqual({ isRawCode: true })
    expect(input.datasets).toEqual([{ did: open.did, serviceId: open.ddo.services[0]!.id }])
    expect(input.additionalViewers).toEqual(['0xV'])
    expect(input.metadata).toEqual({ k: 1 })
    expect(input.queueMaxWaitTimeSec).toBe(30)
    expect(input.resources).toEqual([{ id: 'cpu', amount: 1, price: 2 }])
    expect(input.spec.datasets[0]!.files).toEqual([{ type: 'local', path: dataFile }])
    // No pending timeout of its own: the driver's applies.
    expect(input.spec.environment).toEqual({ id: 'env', allowNetwork: false })
  })

  it('carries the environment’s pending timeout and placement into the job’s spec', async () => {
    const open = await dataset({ allowRawAlgorithm: true })
    const meta = { rawcode: 'x', container: { entrypoint: 'node $ALGO', image: 'node', tag: '20' } }
    const req = request({ algorithm: { meta }, datasets: [ref(open)] })
    const gpuEnv = {
      ...env,
      pendingTimeoutSec: 1800,
      nodeSelector: { pool: 'gpu' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
    }
    const input = toRegisterJobInput({
      owner: '0xO',
      env: gpuEnv,
      plan: await planCompute(req, gpuEnv, lookup(open)),
      resources: [{ id: 'cpu', amount: 1 }],
      maxJobDurationSec: 60,
      isFree: true,
      request: req,
      limits: { inputFileBytesMax: 1, outputBytesMax: 2 } as never,
    })
    expect(input.spec.environment).toEqual({
      id: 'env',
      allowNetwork: false,
      pendingTimeoutSec: 1800,
      nodeSelector: { pool: 'gpu' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
    })
  })
})

describe('persistent storage: outputBucketId and an algorithm from a bucket (Ocean Node)', () => {
  const BUCKET = '0b7e2f6e-8d6a-4b8e-9c1d-2f3a4b5c6d7e'
  const OWNER = '0x00000000000000000000000000000000000000a1'
  const container = { entrypoint: 'node $ALGO', image: 'node', tag: '20' }
  /** A bucket of OWNER holding algo.js; anyone else is refused as the storage refuses them. */
  const storage = {
    asked: [] as string[],
    async inputFile(bucketId: string, fileName: string, consumer: string) {
      this.asked.push(`read ${bucketId}/${fileName} by ${consumer}`)
      if (consumer !== OWNER) throw Object.assign(new Error('denied'), { code: 'BUCKET_ACCESS_DENIED' })
      return { bucketId, fileName, path: algoFile }
    },
    async outputBucket(bucketId: string, consumer: string) {
      this.asked.push(`write ${bucketId} by ${consumer}`)
      if (consumer !== OWNER) throw Object.assign(new Error('denied'), { code: 'BUCKET_ACCESS_DENIED' })
      return { bucketId }
    },
  }
  const raw = { meta: { rawcode: 'x', container } }

  it('checks outputBucketId as Ocean Node does and carries it into the Operator-Service input', async () => {
    const open = await dataset({ allowRawAlgorithm: true })
    const req = request({ algorithm: raw, datasets: [ref(open)], outputBucketId: BUCKET })
    expect(await codeOf(planCompute(req, env, lookup(open), { consumer: OWNER }))).toBe('STORAGE_DISABLED')
    expect(
      await codeOf(
        planCompute({ ...req, output: 'ecies-hex' }, env, lookup(open), { consumer: OWNER, storage }),
      ),
    ).toBe('REQUEST_INVALID')
    await expect(
      planCompute({ ...req, output: 'ecies-hex' }, env, lookup(open), { consumer: OWNER, storage }),
    ).rejects.toThrow('output and outputBucketId are mutually exclusive')
    expect(
      await codeOf(
        planCompute(req, env, lookup(open), {
          consumer: '0x00000000000000000000000000000000000000b2',
          storage,
        }),
      ),
    ).toBe('BUCKET_ACCESS_DENIED')
    const plan = await planCompute(req, env, lookup(open), { consumer: OWNER, storage })
    expect(plan.outputBucketId).toBe(BUCKET)
    const input = toRegisterJobInput({
      owner: OWNER,
      env,
      plan,
      resources: [{ id: 'cpu', amount: 1 }],
      maxJobDurationSec: 60,
      isFree: true,
      request: req,
      limits: { inputFileBytesMax: 1, outputBytesMax: 2 } as never,
    })
    expect(input.outputBucketId).toBe(BUCKET)
    // Omitted (or null, as ocean-cli sends optional fields): no bucket, no storage asked.
    const none = await planCompute(
      parseComputeRequest({
        environment: 'env',
        algorithm: raw,
        datasets: [ref(open)],
        outputBucketId: null,
      }),
      env,
      lookup(open),
      { consumer: OWNER },
    )
    expect(none.outputBucketId).toBeUndefined()
  })

  it('runs an algorithm file from a bucket with the request container, trusted as raw code is', async () => {
    const fileObject = { type: 'nodePersistentStorage', bucketId: BUCKET, fileName: 'algo.js' }
    const open = await dataset({ allowRawAlgorithm: true })
    const closed = await dataset({ allowRawAlgorithm: false })
    const req = (d: AssetRecord, algo: Record<string, unknown>) =>
      request({ algorithm: algo as never, datasets: [ref(d)] })
    const plan = await planCompute(req(open, { fileObject, meta: { container } }), env, lookup(open), {
      consumer: OWNER,
      storage,
    })
    expect(plan.algorithm).toBeUndefined()
    expect(plan.algorithmSource).toEqual({ type: 'local', path: algoFile })
    expect(plan.container).toEqual(container)
    // A dataset that refuses raw algorithms refuses it too, and no approval request is made for it.
    const gate = { asked: 0, admit: async () => void gate.asked++ }
    expect(
      await codeOf(
        planCompute(req(closed, { fileObject, meta: { container } }), env, lookup(closed), {
          consumer: OWNER,
          storage,
          approvals: gate as never,
        }),
      ),
    ).toBe('ALGORITHM_NOT_TRUSTED')
    expect(gate.asked).toBe(0)
    // Someone else's bucket, no container, storage off.
    expect(
      await codeOf(
        planCompute(req(open, { fileObject, meta: { container } }), env, lookup(open), {
          consumer: '0x00000000000000000000000000000000000000b2',
          storage,
        }),
      ),
    ).toBe('BUCKET_ACCESS_DENIED')
    expect(
      await codeOf(planCompute(req(open, { fileObject }), env, lookup(open), { consumer: OWNER, storage })),
    ).toBe('REQUEST_INVALID')
    expect(
      await codeOf(
        planCompute(req(open, { fileObject, meta: { container } }), env, lookup(open), { consumer: OWNER }),
      ),
    ).toBe('STORAGE_DISABLED')
  })
})
