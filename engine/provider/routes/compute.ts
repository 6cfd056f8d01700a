/**
 * The compute routes of Ocean's wire contract (spec §4, §6, §7, §13): initializeCompute, paid and
 * free start, status, stop, result and live logs. Jobs are the Operator-Service's; this file checks
 * who may do what, plans the job from the registry and answers in the §7 shape (`toWireJob`).
 */
import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AccessListCheck } from '../../chain/access-lists'
import type { ComputeEnvironmentConfig } from '../../config/schema'
import type { JobRecord } from '../../operator-service/job-record'
import { ALL_JOB_STATUSES } from '../../operator-service/job-status'
import { replyWithResult } from '../../operator-service/result-response'
import {
  parseComputeRequest,
  planCompute,
  requestedDatasets,
  toRegisterJobInput,
  type ComputeRequest,
} from '../compute-plan'
import { clampDuration, costWei, fillResources, pricesFor } from '../environment-view'
import { providerError } from '../errors'
import { singleQuery } from '../query'
import { requireAddress } from '../request-auth'
import type { ProviderDeps } from '../server'
import { toWireJob } from '../wire-job'

/** spec §6: minLockSeconds = maxJobDuration + queueMaxWaitTime + claimDurationTimeout. */
export const CLAIM_TIMEOUT_SEC = 3600
/** Every status but 70: a free job holds the consumer's quota until it has finished. */
const UNFINISHED = ALL_JOB_STATUSES.filter((s) => s !== 70)

function canRead(job: JobRecord, address: string): boolean {
  const a = address.toLowerCase()
  return job.owner.toLowerCase() === a || job.additionalViewers.some((v) => v.toLowerCase() === a)
}

/**
 * Ocean Node's `validateAccess` for the environment (and, for a free start, its free tier): each
 * `access` that lists anything must admit the consumer, by address or by a token of one of its
 * access-list contracts. Refused by an address list only: ENVIRONMENT_ACCESS_DENIED; where access
 * lists were consulted too: ENVIRONMENT_ACCESS_LIST_DENIED.
 */
async function assertAccess(
  env: ComputeEnvironmentConfig,
  consumer: string,
  free: boolean,
  accessLists: AccessListCheck | undefined,
): Promise<void> {
  const tiers = [
    { addresses: env.accessAddresses, lists: env.accessLists ?? [] },
    ...(free && env.free ? [{ addresses: env.free.accessAddresses, lists: env.free.accessLists ?? [] }] : []),
  ]
  const lower = consumer.toLowerCase()
  for (const { addresses, lists } of tiers) {
    if (addresses.length === 0 && lists.length === 0) continue
    if (addresses.some((a) => a.toLowerCase() === lower)) continue
    if (lists.length === 0)
      throw providerError(
        'ENVIRONMENT_ACCESS_DENIED',
        `Access denied: ${consumer} may not use environment ${env.id}`,
      )
    if (await onAnAccessList(lists, consumer, accessLists)) continue
    throw providerError(
      'ENVIRONMENT_ACCESS_LIST_DENIED',
      `Access denied: ${consumer} holds no token of environment ${env.id}'s access lists`,
      { details: { accessLists: lists } },
    )
  }
}

async function onAnAccessList(
  lists: NonNullable<ComputeEnvironmentConfig['accessLists']>,
  consumer: string,
  check: AccessListCheck | undefined,
): Promise<boolean> {
  if (!check) return false
  for (const map of lists)
    for (const [chainId, contracts] of Object.entries(map))
      for (const contract of contracts)
        if (await check.holdsToken({ chainId: Number(chainId), contract, address: consumer })) return true
  return false
}

export function registerComputeRoutes(
  app: FastifyInstance,
  deps: ProviderDeps,
  guards: { rateLimit(request: FastifyRequest): void },
): void {
  /** Per-request plan options: the consumer for DDO credentials and node-only approvals (issue 12). */
  const planOptions = (consumer: string) => ({
    ...deps.planOptions,
    consumer,
    ...(deps.approvals ? { approvals: deps.approvals } : {}),
    ...(deps.persistentStorage ? { storage: deps.persistentStorage } : {}),
  })
  /** Issue 12: the console's per-dataset lists and quotas; then the review the job is registered with. */
  const datasetDids = (request: ComputeRequest) => requestedDatasets(request).map((d) => d.documentId)
  const admitPolicies = (request: ComputeRequest, consumer: string, environmentId: string) =>
    deps.datasetPolicies?.admit(datasetDids(request), consumer, environmentId)
  /** A start's quota check and its hold, in one transaction; released once the job is registered. */
  const reserveQuotas = (request: ComputeRequest, consumer: string, environmentId: string) =>
    deps.datasetPolicies?.reserve(datasetDids(request), consumer, environmentId) ?? { release() {} }
  const reviewOf = (request: ComputeRequest) => deps.datasetPolicies?.reviewOf(datasetDids(request))
  /**
   * A job whose outputs the publisher reviews first (issue 12) cannot also write them into the
   * consumer's bucket when it ends: that write would release them before the review.
   */
  const assertOutputBucketAllowed = (plan: { outputBucketId?: string }, request: ComputeRequest) => {
    if (plan.outputBucketId && reviewOf(request))
      throw providerError(
        'OUTPUT_BUCKET_UNDER_REVIEW',
        `outputBucketId: the publisher reviews this dataset's outputs before they are released, so they cannot be written to bucket ${plan.outputBucketId}; start the job without outputBucketId and download the results once released`,
      )
  }
  const withReview = <T extends object>(input: T, request: ComputeRequest) => {
    const review = reviewOf(request)
    return review ? { ...input, review } : input
  }
  const environment = (id: string) => {
    const env = deps.environments.getEnvironment(id)
    if (!env) throw providerError('ENVIRONMENT_UNKNOWN', `Invalid C2D Environment ${id}`)
    return env
  }
  const nodeAddress = () => {
    const identity = deps.node()
    if (!identity)
      throw providerError(
        'PROVIDER_KEY_UNAVAILABLE',
        'The provider key is locked: unlock the publisher wallet in the console',
      )
    return identity.address
  }
  const paid = () => {
    if (!deps.paid)
      throw providerError(
        'CHAIN_UNAVAILABLE',
        'Paid compute is not available: no chain is connected to this console',
      )
    return deps.paid
  }
  /** The paid tier of `env` for the request's payment: prices, resources and duration. */
  const paidTerms = (request: ComputeRequest, env: ComputeEnvironmentConfig) => {
    const payment = request.payment
    const chainId = payment?.chainId ?? request.chainId
    if (!payment || chainId === undefined)
      throw providerError('PAYMENT_INVALID', 'payment {chainId, token} is required for paid compute')
    // An environment's fees may name other chains; only a chain this console serves takes payment.
    if (!deps.chainIds.includes(Number(chainId)))
      throw providerError(
        'PAYMENT_INVALID',
        `Chain ${chainId} is not supported by this node (chainIds: ${deps.chainIds.join(', ') || 'none'})`,
      )
    const prices = pricesFor(env, chainId, payment.token)
    if (!prices)
      throw providerError(
        'PAYMENT_INVALID',
        `Environment ${env.id} takes no payment in token ${payment.token} on chain ${chainId}`,
      )
    const resources = fillResources(env, payment.resources ?? request.resources, { free: false })
    const maxJobDurationSec = clampDuration(env, request.maxJobDuration ?? payment.maxJobDuration, {
      free: false,
    })
    const amountWei = costWei(env, prices, resources, maxJobDurationSec)
    const queueSec = Math.max(0, Math.floor(Number(request.queueMaxWaitTime ?? env.queueMaxWaitTimeSec)) || 0)
    // A held job is claimed when the publisher releases it: the lock must outlive the review window.
    const reviewSec = reviewOf(request)?.windowSec ?? 0
    return {
      chainId: Number(chainId),
      token: payment.token,
      prices,
      resources,
      maxJobDurationSec,
      amountWei,
      lockSeconds: maxJobDurationSec + queueSec + reviewSec + CLAIM_TIMEOUT_SEC,
    }
  }

  app.post('/api/services/initializeCompute', async (request) => {
    const body = parseComputeRequest(request.body)
    const consumer = requireAddress((request.body as Record<string, unknown>).consumerAddress)
    const env = environment(body.environment)
    await assertAccess(env, consumer, false, deps.accessLists)
    admitPolicies(body, consumer, env.id)
    const terms = paidTerms(body, env)
    const plan = await planCompute(body, env, deps.assets, planOptions(consumer))
    assertOutputBucketAllowed(plan, body)
    const chain = paid()
    // Each asset's order and fee are asked on its DDO's chain: one not served is refused first.
    chain.assertServed([...(plan.algorithm ? [plan.algorithm] : []), ...plan.datasets])
    const describe = async (asset: (typeof plan.datasets)[number]) => ({
      did: asset.record.did,
      serviceId: asset.service.id,
      datatoken: asset.service.datatokenAddress,
      chainId: asset.record.chainId,
      consumerAddress: nodeAddress(),
      ...(await chain.assetTerms(asset, consumer)),
    })
    return {
      algorithm: plan.algorithm ? await describe(plan.algorithm) : {},
      datasets: await Promise.all(plan.datasets.map(describe)),
      payment: chain.paymentTerms({
        chainId: terms.chainId,
        token: terms.token,
        amountWei: terms.amountWei,
        minLockSeconds: terms.lockSeconds,
      }),
    }
  })

  app.post('/api/services/compute', async (request) => {
    guards.rateLimit(request)
    const raw = (request.body ?? {}) as Record<string, unknown>
    // Schema first: a malformed request must not spend the nonce (a rejected request changes nothing).
    const body = parseComputeRequest(request.body)
    const owner = await deps.auth.authenticate('startCompute', raw, request.headers.authorization)
    const env = environment(body.environment)
    await assertAccess(env, owner, false, deps.accessLists)
    // The quota check holds a slot until the job is registered: the chain calls below take seconds.
    const reservation = reserveQuotas(body, owner, env.id)
    try {
      return await startPaid(body, owner, env, paidTerms(body, env))
    } finally {
      reservation.release()
    }
  })

  const startPaid = async (
    body: ComputeRequest,
    owner: string,
    env: ComputeEnvironmentConfig,
    terms: ReturnType<typeof paidTerms>,
  ) => {
    const plan = await planCompute(body, env, deps.assets, planOptions(owner))
    assertOutputBucketAllowed(plan, body)
    const chain = paid()
    const assets = [...(plan.algorithm ? [plan.algorithm] : []), ...plan.datasets]
    for (const asset of assets)
      if (!asset.transferTxId)
        throw providerError('ORDER_INVALID', `Missing transferTxId for DDO ${asset.record.did}`, {
          details: { reason: 'missing' },
        })
    chain.assertServed(assets)
    await chain.assertOrders(assets, owner)
    await chain.assertFunds({
      chainId: terms.chainId,
      payer: owner,
      token: terms.token,
      amountWei: terms.amountWei,
      lockSeconds: terms.lockSeconds,
    })
    // The job id is fixed before the lock: the escrow lock id is derived from it (spec §13).
    const jobId = randomUUID().replaceAll('-', '')
    const { lockTx, escrowJobId } = await chain.lock({
      chainId: terms.chainId,
      jobId,
      token: terms.token,
      payer: owner,
      amountWei: terms.amountWei,
      expirySec: terms.lockSeconds,
    })
    let job: JobRecord
    try {
      job = deps.operatorService.registerJob(
        withReview(
          toRegisterJobInput({
            jobId,
            owner,
            env,
            plan,
            resources: terms.resources,
            prices: terms.prices,
            maxJobDurationSec: terms.maxJobDurationSec,
            isFree: false,
            request: body,
            limits: deps.config.limits,
            payment: {
              chainId: terms.chainId,
              token: terms.token,
              costWei: terms.amountWei.toString(),
              lockTx,
              escrowJobId,
            },
            agreementId: lockTx,
          }),
          body,
        ),
      )
    } catch (error) {
      await chain
        .release({ chainId: terms.chainId, jobId, token: terms.token, payer: owner })
        .catch((releaseError: unknown) =>
          deps.logger.error('escrow release failed after a refused job', {
            jobId,
            error: String(releaseError),
          }),
        )
      throw error
    }
    return [toWireJob(job)]
  }

  app.post('/api/services/freeCompute', async (request) => {
    guards.rateLimit(request)
    const raw = (request.body ?? {}) as Record<string, unknown>
    const body = parseComputeRequest(request.body)
    const owner = await deps.auth.authenticate('freeStartCompute', raw, request.headers.authorization)
    const env = environment(body.environment)
    if (!env.free)
      throw providerError(
        'PAYMENT_INVALID',
        `Environment ${env.id} has no free tier: use initializeCompute and computeStart`,
      )
    await assertAccess(env, owner, true, deps.accessLists)
    const resources = fillResources(env, body.resources, { free: true })
    const maxJobDurationSec = clampDuration(env, body.maxJobDuration, { free: true })
    const reservation = reserveQuotas(body, owner, env.id)
    try {
      return await startFree(body, owner, env, env.free, resources, maxJobDurationSec)
    } finally {
      reservation.release()
    }
  })

  const startFree = async (
    body: ComputeRequest,
    owner: string,
    env: ComputeEnvironmentConfig,
    free: NonNullable<ComputeEnvironmentConfig['free']>,
    resources: ReturnType<typeof fillResources>,
    maxJobDurationSec: number,
  ) => {
    const plan = await planCompute(body, env, deps.assets, planOptions(owner))
    assertOutputBucketAllowed(plan, body)
    // Counted right before registering (no await in between), so two racing starts cannot both pass.
    const active = deps.operatorService.countJobs({
      owner,
      environmentId: env.id,
      isFree: true,
      statuses: UNFINISHED,
    })
    if (active >= free.maxJobsPerConsumer) {
      throw providerError(
        'FREE_LIMIT_REACHED',
        `Free compute limit reached: ${owner} already has ${active} free job(s) in ${env.id} (max ${free.maxJobsPerConsumer})`,
      )
    }
    const job = deps.operatorService.registerJob(
      withReview(
        toRegisterJobInput({
          owner,
          env,
          plan,
          resources,
          maxJobDurationSec,
          isFree: true,
          request: body,
          limits: deps.config.limits,
        }),
        body,
      ),
    )
    return [toWireJob(job)]
  }

  // spec §7/§13: unsigned, so it only ever lists the asking address's jobs (or jobs it may view).
  app.get('/api/services/compute', async (request) => {
    const q = singleQuery(request)
    if (!q.consumerAddress && !q.jobId && !q.agreementId)
      throw providerError('REQUEST_INVALID', 'Missing one of ["jobId","consumerAddress","agreementId"]')
    let address: string | undefined = q.consumerAddress ? requireAddress(q.consumerAddress) : undefined
    if (!address && request.headers.authorization && request.headers.authorization !== 'undefined')
      address = (await deps.tokens.verify(request.headers.authorization.replace(/^Bearer\s+/i, ''))).address
    if (!address)
      throw providerError(
        'REQUEST_INVALID',
        'consumerAddress is required: a job is only shown to its owner and viewers',
      )
    // spec §7: ocean.js' own test passes a DID as agreementId; only 0x-hex ids filter.
    const agreementId = q.agreementId && /^0x[0-9a-fA-F]+$/.test(q.agreementId) ? q.agreementId : undefined
    if (q.jobId) {
      const job = deps.operatorService.getJob(q.jobId)
      return job &&
        canRead(job, address) &&
        (!agreementId || job.agreementId.toLowerCase() === agreementId.toLowerCase())
        ? [toWireJob(job)]
        : []
    }
    return deps.operatorService
      .listJobs({ owner: address, ...(agreementId ? { agreementId } : {}) })
      .map(toWireJob)
  })

  app.put('/api/services/compute', async (request) => {
    guards.rateLimit(request)
    const q = singleQuery(request)
    if (!q.jobId) throw providerError('REQUEST_INVALID', 'jobId is required')
    const owner = await deps.auth.authenticate('stopCompute', q, request.headers.authorization)
    const job = deps.operatorService.getJob(q.jobId)
    // Someone else's job answers exactly like an unknown one: existence does not leak.
    if (!job || job.owner.toLowerCase() !== owner.toLowerCase())
      throw providerError('JOB_NOT_FOUND', `Job ${q.jobId} not found`)
    return [toWireJob(await deps.operatorService.stopJob(job.jobId))]
  })

  const readableJob = async (
    request: FastifyRequest,
    command: string,
    validate: (q: Record<string, string | undefined>) => void = () => {},
  ) => {
    const q = singleQuery(request)
    // Bad parameters are refused before the signature is checked, so they do not spend the nonce.
    if (!q.jobId) throw providerError('REQUEST_INVALID', 'jobId is required')
    validate(q)
    const address = await deps.auth.authenticate(command, q, request.headers.authorization)
    const job = deps.operatorService.getJob(q.jobId)
    if (!job || !canRead(job, address)) throw providerError('JOB_NOT_FOUND', `Job ${q.jobId} not found`)
    return { job, q }
  }

  app.get('/api/services/computeResult', async (request, reply: FastifyReply) => {
    guards.rateLimit(request)
    const { job, q } = await readableJob(request, 'getComputeResult', (params) => {
      if (params.index === undefined || !/^\d{1,6}$/.test(params.index))
        throw providerError(
          'FILE_NAME_INVALID',
          'index must be the non-negative integer of a result (results[].index)',
        )
    })
    if (job.review?.state === 'held')
      throw providerError(
        'RESULT_AWAITING_REVIEW',
        `Job ${job.jobId}: the outputs await the publisher's review; poll computeStatus until it reaches 70`,
      )
    const file = deps.operatorService.openResult(job.jobId, Number(q.index))
    return replyWithResult(reply, file, request.headers.range)
  })

  app.get('/api/services/computeStreamableLogs', async (request, reply: FastifyReply) => {
    guards.rateLimit(request)
    const { job } = await readableJob(request, 'getComputeStreamableLogs')
    if (job.review)
      throw providerError(
        'LOGS_WITHHELD',
        `Job ${job.jobId} runs under the publisher's review: its log is released with the outputs`,
      )
    if (!deps.operatorService.isAlgorithmRunning(job.jobId))
      throw providerError('LOGS_NOT_STREAMING', 'Job not found or not running')
    const controller = new AbortController()
    request.raw.on('close', () => controller.abort())
    const stream = Readable.from(deps.operatorService.followAlgorithmLog(job.jobId, controller.signal))
    return reply
      .header('content-type', 'text/plain; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(stream)
  })
}
