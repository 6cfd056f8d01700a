/**
 * Ocean Node's persistent-storage routes (ocean-node src/components/httpRoutes/persistentStorage.ts),
 * the wire ocean.js 8.6's HttpProvider calls: signed by `consumerAddress + nonce + command` (the
 * command names below) or an auth token, the signature in the JSON body for a create and in the
 * query string otherwise. Order: shape checks (400), then the signature and nonce (401), then the
 * bucket's access (403/404): a refused request spends no nonce only when its shape was wrong.
 * Registered only when `provider.persistentStorage.enabled`; otherwise the routes answer 404
 * STORAGE_DISABLED. Compute jobs read `nodePersistentStorage` datasets through compute-plan.ts (StorageInputs).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Readable } from 'node:stream'
import { providerError } from '../errors'
import {
  checkAccessLists,
  checkBucketId,
  checkFileName,
  checkLabel,
  onAnAccessList,
  type PersistentStorage,
} from '../persistent-storage'
import type { ProviderDeps } from '../server'

const BASE = '/api/services/persistentStorage/buckets'

/** Ocean Node's PROTOCOL_COMMANDS: the text each request's signature covers. */
export const STORAGE_COMMANDS = {
  createBucket: 'persistentStorageCreateBucket',
  updateBucket: 'persistentStorageUpdateBucket',
  getBuckets: 'persistentStorageGetBuckets',
  listFiles: 'persistentStorageListFiles',
  uploadFile: 'persistentStorageUploadFile',
  getFileObject: 'persistentStorageGetFileObject',
  deleteFile: 'persistentStorageDeleteFile',
} as const

type Params = { bucketId?: string; fileName?: string }

function query(request: FastifyRequest): Record<string, unknown> {
  return (request.query ?? {}) as Record<string, unknown>
}

export function registerPersistentStorageRoutes(
  app: FastifyInstance,
  deps: ProviderDeps,
  guards: { rateLimit(request: FastifyRequest): void },
): void {
  const storage = (): PersistentStorage => {
    if (!deps.persistentStorage)
      throw providerError('STORAGE_DISABLED', 'Persistent storage is not enabled on this node')
    return deps.persistentStorage
  }
  /** The caller, from the query's signature fields or the Authorization token. */
  const caller = (request: FastifyRequest, command: string, fields = query(request)) => {
    guards.rateLimit(request)
    // With an auth token ocean.js puts its unset nonce and signature in the query as "undefined".
    const given = (value: unknown) => (value === 'undefined' ? undefined : value)
    return deps.auth.authenticate(
      command,
      {
        consumerAddress: given(fields.consumerAddress),
        nonce: given(fields.nonce),
        signature: given(fields.signature),
      },
      request.headers.authorization,
    )
  }

  app.post(BASE, async (request) => {
    const store = storage()
    const body = request.body
    if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body))
      throw providerError('REQUEST_INVALID', 'The body must be a JSON object')
    const fields = body as Record<string, unknown>
    const accessLists = checkAccessLists(fields.accessLists)
    const label = checkLabel(fields.label)
    const owner = await caller(request, STORAGE_COMMANDS.createBucket, fields)
    const nodeLists = deps.config.provider.persistentStorage.accessLists
    if (nodeLists.length > 0 && !(await onAnAccessList(deps.accessLists)(nodeLists, owner)))
      throw providerError('STORAGE_CREATE_DENIED', 'You are not allowed to create new buckets')
    const record = await store.createBucket(owner, accessLists, label)
    // Ocean Node's CreateBucketResult: `accessList`, singular.
    return {
      bucketId: record.bucketId,
      owner: record.owner,
      accessList: record.accessLists,
      label: record.label,
    }
  })

  app.get(BASE, async (request) => {
    const store = storage()
    const owner = query(request).owner
    if (typeof owner !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(owner))
      throw providerError('REQUEST_INVALID', 'Invalid parameter: "owner" must be an address')
    const who = await caller(request, STORAGE_COMMANDS.getBuckets)
    return store.bucketsVisibleTo(owner, who)
  })

  app.patch<{ Params: Params }>(`${BASE}/:bucketId`, async (request) => {
    const store = storage()
    const bucketId = checkBucketId(request.params.bucketId)
    const body = request.body
    const label =
      typeof body === 'object' && body !== null && !Buffer.isBuffer(body)
        ? checkLabel((body as Record<string, unknown>).label)
        : undefined
    const who = await caller(request, STORAGE_COMMANDS.updateBucket)
    return { bucketId, label: await store.updateLabel(bucketId, label, who) }
  })

  app.get<{ Params: Params }>(`${BASE}/:bucketId/files`, async (request) => {
    const store = storage()
    const bucketId = checkBucketId(request.params.bucketId)
    return store.listFiles(bucketId, await caller(request, STORAGE_COMMANDS.listFiles))
  })

  app.get<{ Params: Params }>(`${BASE}/:bucketId/files/:fileName/object`, async (request) => {
    const store = storage()
    const bucketId = checkBucketId(request.params.bucketId)
    const fileName = checkFileName(request.params.fileName)
    return store.fileObject(bucketId, fileName, await caller(request, STORAGE_COMMANDS.getFileObject))
  })

  app.delete<{ Params: Params }>(`${BASE}/:bucketId/files/:fileName`, async (request) => {
    const store = storage()
    const bucketId = checkBucketId(request.params.bucketId)
    const fileName = checkFileName(request.params.fileName)
    await store.deleteFile(bucketId, fileName, await caller(request, STORAGE_COMMANDS.deleteFile))
    return { success: true }
  })

  // The upload's body is the file, streamed (ocean.js sends it chunked): its own scope, whose
  // parser hands the raw request stream on instead of buffering it under the 1 MiB body limit.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload))
    scope.post<{ Params: Params }>(`${BASE}/:bucketId/files/:fileName`, async (request) => {
      const store = storage()
      const bucketId = checkBucketId(request.params.bucketId)
      const fileName = checkFileName(request.params.fileName)
      const who = await caller(request, STORAGE_COMMANDS.uploadFile)
      const body = (request.body ?? request.raw) as Readable
      return store.upload(bucketId, fileName, body, who)
    })
  })
}
