/**
 * The Operator-Service's own HTTP API: the seed's job API, callable without the Provider (for
 * scripts, other front ends, an Ocean Node that delegates compute). Loopback only, one bearer
 * token (created once in the data dir, mode 0600, so local scripts can read it).
 *
 * Routes (all JSON; errors are `{ code, message, status, details }`):
 *   GET    /api/v1/operator/environments
 *   POST   /api/v1/operator/jobs                      register a job (already authorised by the caller)
 *   GET    /api/v1/operator/jobs?owner=&status=&environmentId=&limit=&offset=
 *   GET    /api/v1/operator/jobs/:jobId               details + events
 *   POST   /api/v1/operator/jobs/:jobId/stop
 *   DELETE /api/v1/operator/jobs/:jobId               terminal jobs only
 *   GET    /api/v1/operator/jobs/:jobId/results/:index   bytes (Range: bytes=N- supported)
 *
 * Must not import provider, chain or console-api: it serves the operator-service only.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import { nodeAffinitySchema } from '../config/schema'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { C2dError, isC2dError } from '../c2d-error'
import type { Logger } from '../logging'
import type { ComputeEnvironmentConfig } from '../config/schema'
import { ALL_JOB_STATUSES, type JobStatus } from './job-status'
import type { JobRecord, OperatorService } from './operator-service'
import { replyWithResult } from './result-response'

const fileSourceSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('url'),
    url: z
      .string()
      .url()
      .refine((u) => /^https?:/i.test(u), 'only http(s) URLs'),
    method: z.enum(['GET', 'POST']).optional(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ type: z.literal('local'), path: z.string().min(1) }),
  z.object({ type: z.literal('ipfs'), hash: z.string().min(1) }),
  z.object({ type: z.literal('arweave'), transactionId: z.string().min(1) }),
])

const didSchema = z.string().regex(/^did:op:[0-9a-f]{64}$/i, 'a did:op:<64 hex> DID')

/** The register body: what `RegisterJobInput` needs, validated before anything is written. */
export const registerJobBodySchema = z.object({
  owner: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an 0x address'),
  environmentId: z.string().min(1),
  datasets: z
    .array(z.object({ did: didSchema, serviceId: z.string().min(1), transferTxId: z.string().optional() }))
    .min(1),
  algorithm: z.object({
    did: didSchema.optional(),
    serviceId: z.string().optional(),
    transferTxId: z.string().optional(),
    isRawCode: z.boolean().default(false),
  }),
  spec: z.object({
    environment: z.object({
      id: z.string().min(1),
      allowNetwork: z.boolean().default(false),
      nodeSelector: z.record(z.string(), z.string()).optional(),
      nodeAffinity: nodeAffinitySchema.optional(),
      pendingTimeoutSec: z.number().int().positive().optional(),
      tolerations: z
        .array(
          z.object({
            key: z.string(),
            operator: z.string().optional(),
            value: z.string().optional(),
            effect: z.string().optional(),
          }),
        )
        .optional(),
    }),
    datasets: z
      .array(z.object({ did: didSchema, ddo: z.unknown(), files: z.array(fileSourceSchema).min(1) }))
      .min(1),
    algorithm: z.object({
      did: didSchema.optional(),
      ddo: z.unknown().optional(),
      container: z.object({
        entrypoint: z.string().min(1),
        image: z.string().min(1),
        tag: z.string().min(1),
        checksum: z.string().optional(),
      }),
      source: z.union([fileSourceSchema, z.object({ type: z.literal('rawcode'), code: z.string().min(1) })]),
    }),
    algoCustomData: z.record(z.string(), z.unknown()).optional(),
    resources: z.object({
      cpu: z.number().positive(),
      ramGb: z.number().positive(),
      diskGb: z.number().positive(),
      gpu: z.number().min(0).optional(),
    }),
    maxJobDurationSec: z.number().int().positive(),
    limits: z.object({
      inputFileBytesMax: z.number().int().positive(),
      outputBytesMax: z.number().int().positive(),
    }),
  }),
  maxJobDurationSec: z.number().int().positive(),
  queueMaxWaitTimeSec: z.number().int().min(0).optional(),
  resources: z
    .array(z.object({ id: z.string(), amount: z.number().min(0), price: z.number().min(0).optional() }))
    .default([]),
  isFree: z.boolean().default(true),
  additionalViewers: z.array(z.string()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
})

const listQuerySchema = z.object({
  owner: z.string().optional(),
  environmentId: z.string().optional(),
  status: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined
      const codes = s.split(',').map(Number)
      for (const c of codes) {
        if (!(ALL_JOB_STATUSES as readonly number[]).includes(c)) {
          ctx.addIssue({ code: 'custom', message: `unknown status ${c}` })
          return z.NEVER
        }
      }
      return codes as JobStatus[]
    }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
})

export interface OperatorHttpApiDeps {
  operatorService: OperatorService
  listEnvironments: () => ComputeEnvironmentConfig[]
  logger: Logger
  dataDir: string
}

/** The API token: created on first use, kept in `<dataDir>/operator-api.token` (0600). */
export function operatorApiToken(dataDir: string): string {
  const file = join(dataDir, 'operator-api.token')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const token = randomBytes(32).toString('base64url')
  writeFileSync(file, token + '\n', { mode: 0o600 })
  return token
}

/** What the API shows of a job: everything but the spec (which holds dataset URLs and headers). */
export function publicJob(job: JobRecord): Omit<JobRecord, 'spec'> {
  const { spec: _spec, ...rest } = job
  return rest
}

function sendError(reply: FastifyReply, error: C2dError) {
  return reply
    .code(error.status)
    .send({ code: error.code, message: error.message, status: error.status, details: error.details ?? null })
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value)
  if (!result.success) {
    throw new C2dError('REQUEST_INVALID', 400, 'The request does not match the schema', {
      details: result.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
    })
  }
  return result.data
}

export function createOperatorHttpApi(
  deps: OperatorHttpApiDeps,
  options: { token: string },
): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 })
  const expected = Buffer.from(`Bearer ${options.token}`)
  const log = deps.logger.child({ component: 'operator-service.http' })

  // Body-less commands (stop, delete) often still carry `content-type: application/json`.
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if (text === '') return done(null, undefined)
    try {
      done(null, JSON.parse(text as string))
    } catch {
      done(new C2dError('REQUEST_MALFORMED_JSON', 400, 'The body is not valid JSON'), undefined)
    }
  })

  app.addHook('onRequest', async (request, reply) => {
    const given = Buffer.from(request.headers.authorization ?? '')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return sendError(reply, new C2dError('AUTH_TOKEN_INVALID', 401, 'Missing or wrong bearer token'))
    }
  })

  app.setErrorHandler((error, request, reply) => {
    if (isC2dError(error)) {
      if (error.status >= 500) log.error(error.message, { code: error.code, reqId: request.id })
      return sendError(reply, error)
    }
    const fastifyError = error as { statusCode?: number; code?: string; message: string }
    if (
      fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
    ) {
      return sendError(reply, new C2dError('REQUEST_MALFORMED_JSON', 400, 'The body is not valid JSON'))
    }
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, new C2dError('REQUEST_TOO_LARGE', 413, 'The body is over the size limit'))
    }
    if (fastifyError.statusCode && fastifyError.statusCode < 500) {
      return sendError(reply, new C2dError('REQUEST_INVALID', fastifyError.statusCode, fastifyError.message))
    }
    log.error('operator API request failed', { reqId: request.id, error: String(error) })
    return sendError(reply, new C2dError('INTERNAL', 500, `Internal error (request ${request.id})`))
  })
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new C2dError('ROUTE_NOT_FOUND', 404, `No route ${request.method} ${request.url.split('?')[0]}`),
    ),
  )

  const requireJob = (jobId: string): JobRecord => {
    const job = deps.operatorService.getJob(jobId)
    if (!job) throw new C2dError('JOB_NOT_FOUND', 404, `No job ${jobId}`)
    return job
  }

  app.get('/api/v1/operator/environments', async () => deps.listEnvironments())

  app.post('/api/v1/operator/jobs', async (request, reply) => {
    const body = parse(registerJobBodySchema, request.body)
    const envIds = deps.listEnvironments().map((e) => e.id)
    if (!envIds.includes(body.environmentId)) {
      throw new C2dError('ENVIRONMENT_UNKNOWN', 404, `No compute environment "${body.environmentId}"`, {
        details: { known: envIds },
      })
    }
    const job = deps.operatorService.registerJob(body)
    return reply.code(201).send(publicJob(job))
  })

  app.get('/api/v1/operator/jobs', async (request) => {
    const q = parse(listQuerySchema, request.query)
    const filter = { owner: q.owner, environmentId: q.environmentId, statuses: q.status }
    return {
      total: deps.operatorService.countJobs(filter),
      jobs: deps.operatorService.listJobs({ ...filter, limit: q.limit, offset: q.offset }).map(publicJob),
    }
  })

  app.get<{ Params: { jobId: string } }>('/api/v1/operator/jobs/:jobId', async (request) => {
    const job = requireJob(request.params.jobId)
    return { ...publicJob(job), events: deps.operatorService.jobEvents(job.jobId) }
  })

  app.post<{ Params: { jobId: string } }>('/api/v1/operator/jobs/:jobId/stop', async (request) => {
    requireJob(request.params.jobId)
    return publicJob(await deps.operatorService.stopJob(request.params.jobId))
  })

  app.delete<{ Params: { jobId: string } }>('/api/v1/operator/jobs/:jobId', async (request, reply) => {
    requireJob(request.params.jobId)
    await deps.operatorService.deleteJob(request.params.jobId)
    return reply.code(204).send()
  })

  app.get<{ Params: { jobId: string; index: string } }>(
    '/api/v1/operator/jobs/:jobId/results/:index',
    async (request, reply) => {
      requireJob(request.params.jobId)
      if (!/^\d{1,6}$/.test(request.params.index)) {
        throw new C2dError('REQUEST_INVALID', 400, 'index must be a non-negative integer')
      }
      const file = deps.operatorService.openResult(request.params.jobId, Number(request.params.index))
      return replyWithResult(reply, file, request.headers.range)
    },
  )

  return app
}
