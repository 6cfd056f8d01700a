/**
 * Ocean Node's P2P commands (`/ocean/nodes/1.0.0`, the JSON ocean.js' P2pProvider writes) mapped to
 * the Provider's HTTP routes, so both transports run the same validation, signatures, nonces and
 * error catalogue. Pure: the translation is data, tested on its own; the protocol handler injects
 * the request into the Provider app.
 *
 * A command is `{ command, authorization?, ...fields }`. Fields that are signed travel unchanged;
 * `authorization` (an auth token) becomes the Authorization header as over HTTP.
 */

export interface InjectRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  headers: Record<string, string>
  /** JSON body (POST) or raw bytes (encrypt), or a stream (the frames after the command). */
  body?: unknown
  /**
   * The body is the frames that follow the command (ocean.js `p2pStreamBody: true`: one frame per
   * chunk, then an empty frame): the protocol handler reads them as a stream and passes it on.
   */
  streamBody?: true
  /** How the answer travels back: one JSON frame, or the body's bytes streamed as frames. */
  answer: 'json' | 'stream' | 'text'
}

export type CommandMapping =
  { ok: true; request: InjectRequest } | { ok: false; status: number; error: string }

/** The commands this console answers over P2P (Ocean Node's names, ocean.js PROTOCOL_COMMANDS). */
export const P2P_COMMANDS = [
  'status',
  'nonce',
  'getComputeEnvironments',
  'initializeCompute',
  'startCompute',
  'freeStartCompute',
  'getComputeStatus',
  'stopCompute',
  'getComputeResult',
  'getComputeStreamableLogs',
  'getFees',
  'fileInfo',
  'encrypt',
  'createAuthToken',
  'invalidateAuthToken',
  'getDDO',
  'persistentStorageCreateBucket',
  'persistentStorageUpdateBucket',
  'persistentStorageGetBuckets',
  'persistentStorageListFiles',
  'persistentStorageGetFileObject',
  'persistentStorageUploadFile',
  'persistentStorageDeleteFile',
] as const
export type P2pCommand = (typeof P2P_COMMANDS)[number]

function query(fields: Record<string, unknown>, names: readonly string[]): string {
  const params = new URLSearchParams()
  for (const name of names) {
    const value = fields[name]
    if (value === undefined || value === null) continue
    params.set(name, typeof value === 'object' ? JSON.stringify(value) : String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

function withoutEnvelope(fields: Record<string, unknown>): Record<string, unknown> {
  const { command: _command, authorization: _authorization, caller: _caller, ...rest } = fields
  return rest
}

/** Translates one decoded command; unknown commands answer 501 as Ocean Node does. */
export function mapCommand(task: unknown): CommandMapping {
  if (typeof task !== 'object' || task === null || Array.isArray(task))
    return { ok: false, status: 400, error: 'Invalid command' }
  const fields = task as Record<string, unknown>
  const command = fields.command
  if (typeof command !== 'string' || !(P2P_COMMANDS as readonly string[]).includes(command))
    return { ok: false, status: 501, error: `No handler found for command: ${String(command)}` }
  const headers: Record<string, string> = {}
  if (typeof fields.authorization === 'string' && fields.authorization !== '')
    headers.authorization = fields.authorization
  const json = (method: 'POST' | 'PATCH', url: string, body = withoutEnvelope(fields)): CommandMapping => ({
    ok: true,
    request: {
      method,
      url,
      headers: { ...headers, 'content-type': 'application/json' },
      body,
      answer: 'json',
    },
  })
  const get = (
    url: string,
    answer: InjectRequest['answer'] = 'json',
    method: 'GET' | 'PUT' | 'DELETE' = 'GET',
  ): CommandMapping => ({
    ok: true,
    request: { method, url, headers, answer },
  })
  switch (command as P2pCommand) {
    case 'status':
      return get('/')
    case 'nonce':
      return get(`/api/services/nonce${query({ userAddress: fields.address }, ['userAddress'])}`)
    case 'getComputeEnvironments':
      return get('/api/services/computeEnvironments')
    case 'initializeCompute':
      return json('POST', '/api/services/initializeCompute')
    case 'startCompute':
      return json('POST', '/api/services/compute')
    case 'freeStartCompute':
      return json('POST', '/api/services/freeCompute')
    case 'getComputeStatus':
      return get(`/api/services/compute${query(fields, ['consumerAddress', 'jobId', 'agreementId'])}`)
    case 'stopCompute':
      return get(
        `/api/services/compute${query(fields, ['jobId', 'consumerAddress', 'nonce', 'signature', 'agreementId'])}`,
        'json',
        'PUT',
      )
    case 'getComputeResult': {
      // Ocean Node resumes at `offset`; over HTTP that is a Range request (spec §7).
      const offset = Number(fields.offset ?? 0)
      if (Number.isInteger(offset) && offset > 0) headers.range = `bytes=${offset}-`
      return get(
        `/api/services/computeResult${query(fields, ['jobId', 'index', 'consumerAddress', 'nonce', 'signature'])}`,
        'stream',
      )
    }
    case 'getComputeStreamableLogs':
      return get(
        `/api/services/computeStreamableLogs${query(fields, ['jobId', 'consumerAddress', 'nonce', 'signature'])}`,
        'stream',
      )
    case 'getFees':
      return get(
        `/api/services/initialize${query({ ...fields, documentId: fields.ddoId, userdata: fields.userdata }, [
          'documentId',
          'serviceId',
          'consumerAddress',
          'environment',
          'validUntil',
          'userdata',
        ])}`,
      )
    case 'fileInfo':
      return json('POST', '/api/services/fileInfo')
    case 'encrypt':
      return {
        ok: true,
        request: {
          method: 'POST',
          url: `/api/services/encrypt${query(fields, ['chainId', 'nonce', 'consumerAddress', 'signature'])}`,
          headers: { ...headers, 'content-type': 'application/octet-stream' },
          body: Buffer.from(
            typeof fields.blob === 'string' ? fields.blob : JSON.stringify(fields.blob ?? ''),
            'utf8',
          ),
          answer: 'text',
        },
      }
    case 'createAuthToken':
      return json('POST', '/api/services/auth/token')
    case 'invalidateAuthToken':
      return json('POST', '/api/services/auth/token/invalidate')
    case 'getDDO':
      return get(`/api/aquarius/assets/ddo/${encodeURIComponent(String(fields.id ?? ''))}`)
  }
  return storageCommand(command, fields, { json, get, headers })
}

const STORAGE_BASE = '/api/services/persistentStorage/buckets'
const SIGNED = ['consumerAddress', 'nonce', 'signature'] as const

/**
 * The persistent-storage commands onto the HTTP routes (routes/persistent-storage.ts), carrying
 * the same signed fields: in the body for a create, in the query string otherwise.
 */
function storageCommand(
  command: string,
  fields: Record<string, unknown>,
  build: {
    json(method: 'POST' | 'PATCH', url: string, body?: unknown): CommandMapping
    get(url: string, answer?: InjectRequest['answer'], method?: 'GET' | 'PUT' | 'DELETE'): CommandMapping
    headers: Record<string, string>
  },
): CommandMapping {
  const segment = (name: 'bucketId' | 'fileName'): string | undefined => {
    const value = fields[name]
    return typeof value === 'string' && value !== '' ? encodeURIComponent(value) : undefined
  }
  const missing = (name: string): CommandMapping => ({
    ok: false,
    status: 400,
    error: `Missing or invalid parameter: "${name}"`,
  })
  const signed = query(fields, SIGNED)
  if (command === 'persistentStorageCreateBucket') return build.json('POST', STORAGE_BASE)
  if (command === 'persistentStorageGetBuckets')
    return build.get(`${STORAGE_BASE}${query(fields, ['owner', ...SIGNED])}`)
  const bucket = segment('bucketId')
  if (bucket === undefined) return missing('bucketId')
  if (command === 'persistentStorageUpdateBucket')
    return build.json('PATCH', `${STORAGE_BASE}/${bucket}${signed}`, { label: fields.label ?? null })
  if (command === 'persistentStorageListFiles') return build.get(`${STORAGE_BASE}/${bucket}/files${signed}`)
  const file = segment('fileName')
  if (file === undefined) return missing('fileName')
  const url = `${STORAGE_BASE}/${bucket}/files/${file}`
  if (command === 'persistentStorageGetFileObject') return build.get(`${url}/object${signed}`)
  if (command === 'persistentStorageDeleteFile') return build.get(`${url}${signed}`, 'json', 'DELETE')
  // persistentStorageUploadFile: the file is the frames after the command.
  if (fields.p2pStreamBody !== true)
    return { ok: false, status: 400, error: 'The upload must stream its body (p2pStreamBody)' }
  return {
    ok: true,
    request: {
      method: 'POST',
      url: `${url}${signed}`,
      headers: { ...build.headers, 'content-type': 'application/octet-stream' },
      streamBody: true,
      answer: 'json',
    },
  }
}

/** The Provider renders errors as a JSON string (spec §13); P2P wants the message text. */
export function errorText(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body)
    if (typeof parsed === 'string') return parsed
    if (parsed && typeof parsed === 'object' && 'error' in parsed)
      return String((parsed as { error: unknown }).error)
  } catch {
    // not JSON: the text itself
  }
  return body
}
