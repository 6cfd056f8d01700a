/**
 * Turns an ocean.js compute request (initializeCompute, computeStart, freeCompute: spec §4) into
 * what the Operator-Service runs: the assets resolved from the console's registry, every check that
 * depends on the DDO (issue 6: compute service, asset state, algorithm trusted, network access), and
 * the job's spec with the plain file sources. Throws catalogue errors; changes nothing.
 */
import { z } from 'zod'
import type { ComputeEnvironmentConfig, ConsoleConfig } from '../config/schema'
import type { AlgorithmContainer, FileSource } from '../file-source'
import type { RegisterJobInput } from '../operator-service/job-record'

type JobSpec = RegisterJobInput['spec']
import { containerSectionChecksum, computeFilesChecksum } from '../publishing/algorithm-checksums'
import type { AssetRecord } from '../publishing/asset-registry'
import type { DdoService } from '../publishing/ddo'
import { isC2dError } from '../c2d-error'
import { providerError } from './errors'
import type { AlgorithmApprovalGate } from './access-policy'
import { assertCredentials } from './credentials-policy'
import type { ResourceAmount } from './environment-view'

const assetRef = z.object({
  documentId: z.string().min(1),
  serviceId: z.string().min(1),
  transferTxId: z.string().optional(),
  userdata: z.unknown().optional(),
})
/**
 * Ocean Node's `nodePersistentStorage` file object (ocean.js' PersistentStorageObject): a file in
 * one of the consumer's buckets on this node, as `getPersistentStorageFileObject` returns it. The
 * ids are checked again against the bucket rules (persistent-storage.ts) before any path is built.
 */
export const storageFileObjectSchema = z.object({
  type: z.literal('nodePersistentStorage'),
  bucketId: z.string().min(1),
  fileName: z.string().min(1),
})
export type StorageFileObject = z.infer<typeof storageFileObjectSchema>
/** A dataset given as a file object instead of an asset (Ocean Node: `{ fileObject }`, no DDO). */
const storageDatasetRef = z
  .object({
    documentId: z.union([z.literal(''), z.null()]).optional(),
    serviceId: z.union([z.literal(''), z.null()]).optional(),
    fileObject: storageFileObjectSchema,
    userdata: z.unknown().optional(),
  })
  .strict()
const isStorageObject = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { type?: unknown }).type === 'string' &&
  (value as { type: string }).type.toLowerCase() === 'nodepersistentstorage'
/**
 * Either an asset (documentId + serviceId; any other `fileObject` is ignored, as before) or a
 * persistent-storage file alone: one entry naming both is refused rather than half read.
 */
const datasetRef = z.union([
  storageDatasetRef,
  assetRef.extend({ fileObject: z.unknown().optional() }).superRefine((value, ctx) => {
    if (isStorageObject(value.fileObject))
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['fileObject'],
        message:
          'a dataset is an asset (documentId, serviceId) or a nodePersistentStorage fileObject, not both',
      })
  }),
])
const containerSchema = z.object({
  entrypoint: z.string().min(1),
  image: z.string().min(1),
  tag: z.string().min(1),
  checksum: z.string().optional(),
})
export const algorithmRefSchema = z.object({
  documentId: z.string().min(1).optional(),
  serviceId: z.string().min(1).optional(),
  transferTxId: z.string().optional(),
  meta: z
    .object({ rawcode: z.string().optional(), container: containerSchema.optional() })
    .passthrough()
    .optional(),
  algocustomdata: z.record(z.string(), z.unknown()).optional(),
  userdata: z.unknown().optional(),
  /**
   * Ocean Node's algorithm file object: only a `nodePersistentStorage` one is read (the algorithm
   * file in one of the consumer's buckets, run with `meta.container`); any other is ignored, as before.
   */
  fileObject: z.unknown().optional(),
})
export const datasetsSchema = z.array(datasetRef).max(16)
/**
 * Ocean Node's resource entries: an entry without `amount` (ocean.js passes `computeEnv.resources`
 * as they are: id, total, max, min, inUse) is "the minimum"; fillResources fills it.
 */
const resourcesSchema = z
  .array(
    z.object({
      id: z.string().min(1),
      amount: z.preprocess(
        (value) => (value === null || value === undefined || value === '' ? undefined : Number(value)),
        z.number().optional(),
      ),
    }),
  )
  .max(16)

/** Fields common to initializeCompute, computeStart and freeCompute bodies (spec §4). */
export const computeRequestSchema = z.object({
  environment: z.string().min(1),
  datasets: datasetsSchema.optional(),
  dataset: datasetRef.optional(),
  algorithm: algorithmRefSchema,
  resources: resourcesSchema.optional(),
  maxJobDuration: z.union([z.number(), z.string()]).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  additionalViewers: z.array(z.string()).max(32).optional(),
  queueMaxWaitTime: z.union([z.number(), z.string()]).optional(),
  payment: z
    .object({
      chainId: z.coerce.number().int().positive(),
      token: z.string(),
      resources: resourcesSchema.optional(),
      maxJobDuration: z.union([z.number(), z.string()]).optional(),
    })
    .optional(),
  chainId: z.coerce.number().int().positive().optional(),
  /**
   * Ocean Node's persistent-storage bucket of the consumer that receives the job's outputs (ocean.js
   * 8.6 `outputBucketId`; "mutually exclusive with output").
   */
  outputBucketId: z.string().optional(),
  /** ocean.js' ComputeOutput (remote storage for results): not supported here; only checked against outputBucketId. */
  output: z.unknown().optional(),
})
export type ComputeRequest = z.infer<typeof computeRequestSchema>

/**
 * Ocean Node reads an optional field sent as null as omitted; ocean-cli always sends `resources:
 * null` (and ocean.js may send null `metadata`, `additionalViewers`, `payment.resources`…). Only
 * the top level, `payment` and `algorithm` are cleared: a null inside data the consumer passes
 * through (`algocustomdata`, `userdata`) stays theirs.
 */
export function withoutNullFields(body: unknown): unknown {
  const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
  const clear = (value: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null))
  if (!isRecord(body)) return body
  const out = clear(body)
  if (isRecord(out.payment)) out.payment = clear(out.payment)
  if (isRecord(out.algorithm)) out.algorithm = clear(out.algorithm)
  return out
}

export function parseComputeRequest(body: unknown): ComputeRequest {
  const parsed = computeRequestSchema.safeParse(withoutNullFields(body))
  if (!parsed.success) {
    throw providerError(
      'REQUEST_INVALID',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      {
        details: parsed.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
      },
    )
  }
  return parsed.data
}

type DatasetRef = z.infer<typeof datasetRef>
type AssetRef = z.infer<typeof assetRef>

function allDatasets(request: ComputeRequest): DatasetRef[] {
  if (request.datasets !== undefined) return request.datasets
  return request.dataset ? [request.dataset] : []
}

/**
 * The body's datasets that are assets (a DDO and its service): `datasets` wins; the singular
 * `dataset` is the backward-compatible copy (spec §4). Files in persistent storage are not among them.
 */
export function requestedDatasets(request: ComputeRequest): AssetRef[] {
  return allDatasets(request).filter((d): d is AssetRef => !isStorageObject(d.fileObject))
}

/** The body's datasets given as `nodePersistentStorage` file objects, in order. */
export function requestedStorageFiles(request: ComputeRequest): StorageFileObject[] {
  return allDatasets(request).flatMap((d) =>
    isStorageObject(d.fileObject) ? [storageFileObjectSchema.parse(d.fileObject)] : [],
  )
}

export interface ResolvedAsset {
  record: AssetRecord
  service: DdoService
  serviceIndex: number
  transferTxId?: string
}

/** A bucket file a job reads, staged at /data/persistentStorage/<bucketId>/<fileName> (Ocean Node's place). */
export interface StorageInput {
  bucketId: string
  fileName: string
  /** The file on this computer, inside its bucket's folder. */
  path: string
}

/**
 * The persistent storage, as compute planning sees it: resolves a file object the consumer may
 * read (owner or access list) to its file, or throws the storage routes' catalogue error.
 */
export interface StorageInputs {
  inputFile(bucketId: string, fileName: string, consumer: string): Promise<StorageInput>
  /** A bucket the consumer may write a job's outputs into (owner or access list), or the catalogue error. */
  outputBucket(bucketId: string, consumer: string): Promise<{ bucketId: string }>
}

export interface ComputePlan {
  datasets: ResolvedAsset[]
  /** Datasets that are files in the consumer's buckets (no DDO; the consumer's own data). */
  storageInputs: StorageInput[]
  /** Undefined for raw code. */
  algorithm: ResolvedAsset | undefined
  container: AlgorithmContainer
  algorithmSource: FileSource | { type: 'rawcode'; code: string }
  algoCustomData?: Record<string, unknown>
  /** True when the job may reach the network (environment allows it and every dataset does). */
  allowNetwork: boolean
  /** The consumer's bucket that receives the outputs when the job finishes (Ocean Node's `outputBucketId`). */
  outputBucketId?: string
}

export interface AssetLookup {
  get(did: string): AssetRecord | undefined
}

export interface PlanOptions {
  /** Reads a file source's bytes for the algorithm checksum (tests inject; default: local + http). */
  readFile?: (source: FileSource) => Promise<Uint8Array>
  /** The NFT owner, for `publisherTrustedAlgorithmPublishers`; undefined = unknown (not trusted by publisher). */
  publisherOf?: (record: AssetRecord) => Promise<string | undefined>
  /** Issue 12: node-only approvals and the approval inbox, asked when the DDO refuses an algorithm. */
  approvals?: AlgorithmApprovalGate
  /** The consumer of this request (credentials lists, node-only approvals); set per request by the routes. */
  consumer?: string
  /** Persistent storage (provider.persistentStorage); absent: `nodePersistentStorage` datasets are refused. */
  storage?: StorageInputs
}

/**
 * A dataset is computed on through its compute service. An algorithm may be offered through an
 * access service too: ocean.js' own tests and Ocean Market publish algorithms that way, and Ocean
 * Node runs them.
 */
const SERVICE_TYPES = { dataset: ['compute'], algorithm: ['compute', 'access'] } as const

function resolveAsset(
  assets: AssetLookup,
  ref: { documentId: string; serviceId: string; transferTxId?: string },
  role: keyof typeof SERVICE_TYPES,
): ResolvedAsset {
  const record = assets.get(ref.documentId)
  if (!record) throw providerError('ASSET_NOT_FOUND', `DDO ${ref.documentId} not found`)
  const serviceIndex = record.ddo.services.findIndex((s) => s.id === ref.serviceId)
  const service = record.ddo.services[serviceIndex]
  if (!service)
    throw providerError('SERVICE_INVALID', `Service ${ref.serviceId} is not a service of ${ref.documentId}`)
  if (!(SERVICE_TYPES[role] as readonly string[]).includes(service.type))
    throw providerError(
      'SERVICE_INVALID',
      `Service ${ref.serviceId} of ${ref.documentId} is not a compute service`,
    )
  if (record.state !== 0)
    throw providerError('ASSET_NOT_ACTIVE', `Asset ${ref.documentId} is not active (state ${record.state})`)
  return { record, service, serviceIndex, ...(ref.transferTxId ? { transferTxId: ref.transferTxId } : {}) }
}

async function assertAlgorithmTrusted(
  dataset: ResolvedAsset,
  algorithm: ResolvedAsset | undefined,
  options: PlanOptions,
): Promise<void> {
  const compute = dataset.service.compute
  const did = dataset.record.did
  if (!algorithm) {
    if (!compute.allowRawAlgorithm)
      throw providerError('ALGORITHM_NOT_TRUSTED', `Dataset ${did} does not allow raw algorithms`)
    return
  }
  const algoDid = algorithm.record.did
  const trusted = compute.publisherTrustedAlgorithms
  const publishers = compute.publisherTrustedAlgorithmPublishers.map((p) => p.toLowerCase())
  if (publishers.includes('*') || trusted.some((t) => t.did === '*')) return
  const entry = trusted.find((t) => t.did === algoDid)
  if (entry) {
    const container = algorithm.record.ddo.metadata.algorithm?.container
    if (!container) throw providerError('ALGORITHM_NOT_TRUSTED', `${algoDid} is not an algorithm`)
    const files = algorithm.record.files[algorithm.service.id] ?? []
    let filesChecksum: string
    try {
      filesChecksum = await computeFilesChecksum(files, options.readFile)
    } catch (error) {
      throw providerError(
        'ALGORITHM_NOT_TRUSTED',
        `The files of algorithm ${algoDid} cannot be read to check their checksum`,
        { cause: error },
      )
    }
    if (
      entry.filesChecksum !== filesChecksum ||
      entry.containerSectionChecksum !== containerSectionChecksum(container)
    ) {
      throw providerError(
        'ALGORITHM_NOT_TRUSTED',
        `Algorithm ${algoDid} changed since dataset ${did} trusted it (checksum mismatch)`,
      )
    }
    return
  }
  if (publishers.length > 0 && options.publisherOf) {
    const publisher = await options.publisherOf(algorithm.record)
    if (publisher && publishers.includes(publisher.toLowerCase())) return
  }
  throw providerError('ALGORITHM_NOT_TRUSTED', `Algorithm ${algoDid} is not trusted by dataset ${did}`)
}

/** Resolves and checks the request's assets against the registry and the environment. */
export async function planCompute(
  request: ComputeRequest,
  env: ComputeEnvironmentConfig,
  assets: AssetLookup,
  options: PlanOptions = {},
): Promise<ComputePlan> {
  const datasets = requestedDatasets(request).map((ref) => resolveAsset(assets, ref, 'dataset'))
  const storageInputs = await resolveStorageInputs(requestedStorageFiles(request), options)
  const algo = request.algorithm
  let algorithm: ResolvedAsset | undefined
  let container: AlgorithmContainer
  let algorithmSource: ComputePlan['algorithmSource']
  let algorithmFromStorage: { bucketId: string; fileName: string } | undefined
  if (algo.documentId) {
    if (!algo.serviceId)
      throw providerError('REQUEST_INVALID', 'algorithm.serviceId is required with algorithm.documentId')
    algorithm = resolveAsset(
      assets,
      {
        documentId: algo.documentId,
        serviceId: algo.serviceId,
        ...(algo.transferTxId ? { transferTxId: algo.transferTxId } : {}),
      },
      'algorithm',
    )
    if (algorithm.record.kind !== 'algorithm')
      throw providerError('ALGORITHM_NOT_TRUSTED', `${algo.documentId} is not an algorithm`)
    const published = algorithm.record.ddo.metadata.algorithm?.container
    if (!published) throw providerError('ALGORITHM_NOT_TRUSTED', `${algo.documentId} has no container`)
    container = published
    const file = algorithm.record.files[algorithm.service.id]?.[0]
    if (!file) throw providerError('ALGORITHM_NOT_TRUSTED', `Algorithm ${algo.documentId} has no file`)
    algorithmSource = file
  } else if (isStorageObject(algo.fileObject)) {
    // Ocean Node: an algorithm file in the consumer's bucket, run with the request's container.
    const parsed = storageFileObjectSchema.safeParse(algo.fileObject)
    if (!parsed.success)
      throw providerError(
        'REQUEST_INVALID',
        'algorithm.fileObject: a nodePersistentStorage file object needs bucketId and fileName',
      )
    const rawContainer = algo.meta?.container
    if (!rawContainer)
      throw providerError(
        'REQUEST_INVALID',
        'algorithm.meta.container is required with a nodePersistentStorage algorithm.fileObject',
      )
    const [file] = await resolveStorageInputs([parsed.data], options)
    container = { ...rawContainer }
    algorithmSource = { type: 'local', path: file!.path }
    algorithmFromStorage = { bucketId: file!.bucketId, fileName: file!.fileName }
  } else {
    const rawcode = algo.meta?.rawcode
    const rawContainer = algo.meta?.container
    if (!rawcode || !rawContainer)
      throw providerError(
        'REQUEST_INVALID',
        'algorithm needs documentId + serviceId, or meta.rawcode and meta.container',
      )
    container = { ...rawContainer }
    algorithmSource = { type: 'rawcode', code: rawcode }
  }
  // Issue 12: the DDOs' credentials allow/deny lists, for the dataset(s) and the algorithm.
  if (options.consumer)
    for (const asset of [...datasets, ...(algorithm ? [algorithm] : [])])
      assertCredentials(asset.record.ddo as { id?: string; credentials?: unknown }, options.consumer)
  for (const dataset of datasets) {
    try {
      await assertAlgorithmTrusted(dataset, algorithm, options)
    } catch (error) {
      const gate = options.approvals
      // A bucket algorithm is the consumer's own file: no approval request is made for it.
      if (
        !gate ||
        !options.consumer ||
        algorithmFromStorage ||
        !(isC2dError(error) && error.code === 'ALGORITHM_NOT_TRUSTED')
      )
        throw error
      await gate.admit(
        {
          datasetDid: dataset.record.did,
          serviceId: dataset.service.id,
          consumer: options.consumer,
          container,
          reason: (error as Error).message,
          ...(algorithm
            ? {
                algorithmDid: algorithm.record.did,
                algorithmFiles: algorithm.record.files[algorithm.service.id] ?? [],
              }
            : { rawCode: (algorithmSource as { code: string }).code }),
        },
        options.readFile,
      )
    }
  }
  if (env.allowNetwork) {
    const closed = datasets.find((d) => !d.service.compute.allowNetworkAccess)
    if (closed)
      throw providerError(
        'NETWORK_NOT_ALLOWED',
        `Environment ${env.id} gives jobs network access, but dataset ${closed.record.did} does not allow it`,
      )
  }
  const outputBucketId = await resolveOutputBucket(request, options)
  return {
    datasets,
    storageInputs,
    algorithm,
    container,
    algorithmSource,
    ...(algo.algocustomdata ? { algoCustomData: algo.algocustomdata } : {}),
    allowNetwork: env.allowNetwork,
    ...(outputBucketId ? { outputBucketId } : {}),
  }
}

/**
 * Ocean Node's validateOutputBucket, before anything is registered: not with `output`, storage
 * on, a bucket id, the bucket exists and the consumer may use it (owner or access list).
 */
async function resolveOutputBucket(
  request: ComputeRequest,
  options: PlanOptions,
): Promise<string | undefined> {
  const bucketId = request.outputBucketId
  if (bucketId === undefined || bucketId === '') return undefined
  if (request.output !== undefined && request.output !== '')
    throw providerError('REQUEST_INVALID', 'output and outputBucketId are mutually exclusive')
  if (!options.storage)
    throw providerError('STORAGE_DISABLED', 'Persistent storage is not enabled on this node')
  if (!options.consumer)
    throw providerError('REQUEST_INVALID', 'consumerAddress is required with outputBucketId')
  return (await options.storage.outputBucket(bucketId, options.consumer)).bucketId
}

/**
 * Ocean Node's ensureConsumerAllowedForPersistentStorageLocalfsFileObject, before anything is
 * registered: storage on, the bucket exists, the consumer may read it, the file is there.
 */
async function resolveStorageInputs(
  files: StorageFileObject[],
  options: PlanOptions,
): Promise<StorageInput[]> {
  if (files.length === 0) return []
  if (!options.storage)
    throw providerError(
      'STORAGE_DISABLED',
      'This compute job references node persistent storage, which is not enabled on this node',
    )
  if (!options.consumer)
    throw providerError('REQUEST_INVALID', 'consumerAddress is required for nodePersistentStorage files')
  const seen = new Set<string>()
  const out: StorageInput[] = []
  for (const file of files) {
    const input = await options.storage.inputFile(file.bucketId, file.fileName, options.consumer)
    const key = `${input.bucketId}/${input.fileName}`
    // One place per file in the job volume: the same file twice is one input.
    if (seen.has(key)) continue
    seen.add(key)
    out.push(input)
  }
  return out
}

function amountOf(resources: ResourceAmount[], id: string): number {
  return resources.find((r) => r.id === id)?.amount ?? 0
}

/**
 * What a job's spec carries of its environment for the driver: network, placement (Kubernetes) and
 * the pending timeout of each step (Kubernetes; unset = the driver's).
 */
export function jobEnvironment(env: ComputeEnvironmentConfig, allowNetwork: boolean): JobSpec['environment'] {
  return {
    id: env.id,
    allowNetwork,
    ...(env.nodeSelector ? { nodeSelector: env.nodeSelector } : {}),
    ...(env.tolerations ? { tolerations: env.tolerations } : {}),
    ...(env.nodeAffinity ? { nodeAffinity: env.nodeAffinity } : {}),
    ...(env.pendingTimeoutSec !== undefined ? { pendingTimeoutSec: env.pendingTimeoutSec } : {}),
  }
}

/** The Operator-Service input for a planned job. */
export function toRegisterJobInput(input: {
  jobId?: string
  owner: string
  env: ComputeEnvironmentConfig
  plan: ComputePlan
  resources: ResourceAmount[]
  prices?: Array<{ id: string; price: number }>
  maxJobDurationSec: number
  isFree: boolean
  request: ComputeRequest
  limits: ConsoleConfig['limits']
  payment?: RegisterJobInput['payment']
  agreementId?: string
}): RegisterJobInput {
  const { env, plan, resources } = input
  const spec: JobSpec = {
    environment: jobEnvironment(env, plan.allowNetwork),
    datasets: plan.datasets.map((d) => ({
      did: d.record.did,
      ddo: d.record.ddo,
      files: d.record.files[d.service.id] ?? [],
    })),
    ...(plan.storageInputs.length > 0 ? { storageInputs: plan.storageInputs } : {}),
    algorithm: {
      ...(plan.algorithm ? { did: plan.algorithm.record.did, ddo: plan.algorithm.record.ddo } : {}),
      container: plan.container,
      source: plan.algorithmSource,
    },
    ...(plan.algoCustomData ? { algoCustomData: plan.algoCustomData } : {}),
    resources: {
      cpu: amountOf(resources, 'cpu'),
      ramGb: amountOf(resources, 'ram'),
      diskGb: amountOf(resources, 'disk'),
      ...(amountOf(resources, 'gpu') > 0 ? { gpu: amountOf(resources, 'gpu') } : {}),
    },
    maxJobDurationSec: input.maxJobDurationSec,
    limits: {
      inputFileBytesMax: input.limits.inputFileBytesMax,
      outputBytesMax: input.limits.outputBytesMax,
    },
  }
  const queueMaxWaitTimeSec =
    input.request.queueMaxWaitTime === undefined
      ? undefined
      : Math.max(0, Math.floor(Number(input.request.queueMaxWaitTime)) || 0)
  return {
    ...(input.jobId ? { jobId: input.jobId } : {}),
    owner: input.owner,
    environmentId: env.id,
    datasets: plan.datasets.map((d) => ({
      did: d.record.did,
      serviceId: d.service.id,
      ...(d.transferTxId ? { transferTxId: d.transferTxId } : {}),
    })),
    algorithm: plan.algorithm
      ? {
          did: plan.algorithm.record.did,
          serviceId: plan.algorithm.service.id,
          ...(plan.algorithm.transferTxId ? { transferTxId: plan.algorithm.transferTxId } : {}),
          isRawCode: false,
        }
      : { isRawCode: true },
    spec,
    maxJobDurationSec: input.maxJobDurationSec,
    ...(queueMaxWaitTimeSec !== undefined ? { queueMaxWaitTimeSec } : {}),
    resources: resources.map((r) => ({
      ...r,
      ...(input.prices ? { price: input.prices.find((p) => p.id === r.id)?.price ?? 0 } : {}),
    })),
    isFree: input.isFree,
    additionalViewers: input.request.additionalViewers ?? [],
    metadata: input.request.metadata ?? {},
    ...(input.payment ? { payment: input.payment } : {}),
    ...(input.agreementId ? { agreementId: input.agreementId } : {}),
    ...(plan.outputBucketId ? { outputBucketId: plan.outputBucketId } : {}),
  }
}
