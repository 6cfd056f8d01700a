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
  method: 'GET' | 'POST' | 'PUT'
  url: string
  headers: Record<string, string>
  /** JSON body (POST) or raw bytes (encrypt). */
  body?: unknown
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
  const json = (method: 'POST', url: string): CommandMapping => ({
    ok: true,
    request: {
      method,
      url,
      headers: { ...headers, 'content-type': 'application/json' },
      body: withoutEnvelope(fields),
      answer: 'json',
    },
  })
  const get = (
    url: string,
    answer: InjectRequest['answer'] = 'json',
    method: 'GET' | 'PUT' = 'GET',
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
