/**
 * A stored compute environment as ocean.js reads it (spec §5), plus the resource rules Ocean Node
 * applies to a request: fill missing amounts from `min`, refuse anything above `max`, clamp the
 * duration, and price it per minute. Pure: no store, no chain.
 */
import { parseUnits } from 'ethers'
import type { ComputeEnvironmentConfig } from '../config/schema'
import { providerError } from './errors'

export interface EnvironmentLoad {
  running: number
  queued: number
  runningFree: number
  queuedFree: number
}

export interface ResourceAmount {
  id: string
  amount: number
}

interface ResourceLimit {
  id: string
  type: string
  total: number
  max: number
  min: number
}

function resourceLimits(env: ComputeEnvironmentConfig): ResourceLimit[] {
  const limits: ResourceLimit[] = [
    { id: 'cpu', type: 'cpu', ...env.cpu },
    { id: 'ram', type: 'ram', ...env.ramGb },
    { id: 'disk', type: 'disk', ...env.diskGb },
  ]
  if (env.gpu && env.gpu.total > 0) limits.push({ id: 'gpu', type: 'gpu', ...env.gpu })
  return limits
}

function freeMax(env: ComputeEnvironmentConfig, id: string): number | undefined {
  if (!env.free) return undefined
  if (id === 'cpu') return env.free.cpu
  if (id === 'ram') return env.free.ramGb
  if (id === 'disk') return env.free.diskGb
  return 0
}

/**
 * The environment's prices on the chains this node serves only (Ocean Node lists `fees` keyed by
 * the chains it serves): prices kept for another chain (a chain no longer configured) are neither
 * shown nor accepted (compute.ts refuses a payment on a chain not served).
 */
export function servedFees(
  env: ComputeEnvironmentConfig,
  chainIds: readonly number[],
): ComputeEnvironmentConfig['fees'] {
  const served = new Set(chainIds.map(String))
  return Object.fromEntries(Object.entries(env.fees).filter(([chainId]) => served.has(chainId)))
}

/** spec §5: the environment object of `GET computeEnvironments`; `chainIds`: the chains served. */
export function toWireEnvironment(
  env: ComputeEnvironmentConfig,
  context: { nodeAddress: string; load: EnvironmentLoad; chainIds: readonly number[] },
): Record<string, unknown> {
  // Ocean Node shows `accessLists: null` when none are configured.
  const access = {
    addresses: env.accessAddresses,
    accessLists: env.accessLists?.length ? env.accessLists : null,
  }
  const inUse = context.load.running
  return {
    id: env.id,
    description: env.description,
    consumerAddress: context.nodeAddress,
    platform: { architecture: process.arch === 'arm64' ? 'arm64' : 'x86_64', os: 'linux' },
    access,
    storageExpiry: env.storageExpirySec,
    minJobDuration: env.minJobDurationSec,
    maxJobDuration: env.maxJobDurationSec,
    maxJobs: env.maxJobs,
    fees: servedFees(env, context.chainIds),
    resources: resourceLimits(env).map((r) => ({
      ...r,
      inUse: 0,
      description: r.type === 'ram' || r.type === 'disk' ? 'GB' : r.type,
    })),
    ...(env.free
      ? {
          free: {
            access: {
              addresses: env.free.accessAddresses,
              accessLists: env.free.accessLists?.length ? env.free.accessLists : null,
            },
            maxJobDuration: env.free.maxJobDurationSec,
            maxJobs: env.free.maxJobs,
            storageExpiry: env.storageExpirySec,
            resources: resourceLimits(env).map((r) => ({ id: r.id, max: freeMax(env, r.id) ?? 0, inUse: 0 })),
            allowImageBuild: false,
          },
        }
      : {}),
    runningJobs: inUse,
    runningfreeJobs: context.load.runningFree,
    queuedJobs: context.load.queued,
    queuedFreeJobs: context.load.queuedFree,
    queMaxWaitTime: env.queueMaxWaitTimeSec,
    queMaxWaitTimeFree: env.queueMaxWaitTimeSec,
    runMaxWaitTime: 0,
    runMaxWaitTimeFree: 0,
    enableNetwork: env.allowNetwork,
  }
}

/**
 * spec §5 resource filling: every resource of the environment gets an amount (the request's, else
 * its `min`, also when below it, as Ocean Node does); a request above `max` (or the free tier's max)
 * or an unknown id is refused.
 */
export function fillResources(
  env: ComputeEnvironmentConfig,
  requested: Array<{ id: string; amount?: number | undefined }> | undefined,
  options: { free: boolean },
): ResourceAmount[] {
  const limits = resourceLimits(env)
  for (const r of requested ?? []) {
    if (!limits.some((l) => l.id === r.id))
      throw providerError(
        'RESOURCES_OVER_LIMIT',
        `Unknown resource ${r.id}; this environment offers ${limits.map((l) => l.id).join(', ')}`,
      )
    if (r.amount !== undefined && (!Number.isFinite(r.amount) || r.amount < 0))
      throw providerError('RESOURCES_OVER_LIMIT', `Invalid amount ${r.amount} for ${r.id}`)
  }
  return limits.map((limit) => {
    const asked = requested?.find((r) => r.id === limit.id)?.amount
    // Ocean Node: a missing amount, or one below the minimum, is the minimum.
    const amount = Math.max(asked ?? limit.min, limit.min)
    const max = options.free ? Math.min(limit.max, freeMax(env, limit.id) ?? limit.max) : limit.max
    if (amount > max)
      throw providerError(
        'RESOURCES_OVER_LIMIT',
        `Not enough ${limit.id} resources. Requested ${amount}, but max is ${max}`,
      )
    return { id: limit.id, amount }
  })
}

/** spec §5: the requested duration, clamped to the environment's (or the free tier's) maximum. */
export function clampDuration(
  env: ComputeEnvironmentConfig,
  requestedSec: unknown,
  options: { free: boolean },
): number {
  const max = options.free && env.free ? env.free.maxJobDurationSec : env.maxJobDurationSec
  if (requestedSec === undefined || requestedSec === null || requestedSec === '') return max
  const value = Number(requestedSec)
  if (!Number.isFinite(value) || value <= 0) throw providerError('REQUEST_INVALID', 'Invalid maxJobDuration')
  return Math.min(Math.ceil(value), max)
}

/** The environment's prices for a chain and fee token (compared case-insensitively: spec §14). */
export function pricesFor(
  env: ComputeEnvironmentConfig,
  chainId: number,
  token: string,
): Array<{ id: string; price: number }> | undefined {
  return env.fees[String(chainId)]?.find((f) => f.feeToken.toLowerCase() === token.toLowerCase())?.prices
}

const WEI_DECIMALS = 18

/**
 * Decimal number → fixed-point bigint with `decimals` places, from its shortest decimal text (so
 * 0.1 is exactly 10^17 wei, not 0.1000000000000000055…); digits beyond `decimals` are dropped.
 */
function toFixed(value: number, decimals: number): bigint {
  let text = String(value)
  if (/e/i.test(text)) text = value.toFixed(Math.min(100, decimals + 2))
  const [whole = '0', fraction = ''] = text.split('.')
  return parseUnits(`${whole}.${fraction.slice(0, decimals) || '0'}`, decimals)
}

/**
 * spec §5: Σ price(id) × amount × ceil(max(duration, minJobDuration)/60), in token wei. With
 * `durationSec` the actual run time this is also the claim amount.
 */
export function costWei(
  env: ComputeEnvironmentConfig,
  prices: Array<{ id: string; price: number }>,
  resources: ResourceAmount[],
  durationSec: number,
  tokenDecimals = WEI_DECIMALS,
): bigint {
  const minutes = BigInt(Math.ceil(Math.max(durationSec, env.minJobDurationSec) / 60))
  const one = 10n ** BigInt(tokenDecimals)
  let total = 0n
  for (const r of resources) {
    const price = prices.find((p) => p.id === r.id)?.price ?? 0
    total += (toFixed(price, tokenDecimals) * toFixed(r.amount, tokenDecimals) * minutes) / one
  }
  return total
}
