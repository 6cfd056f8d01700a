import { describe, expect, it } from 'vitest'
import { computeEnvironmentSchema, type ComputeEnvironmentConfig } from '../config/schema'
import { clampDuration, costWei, fillResources, pricesFor, toWireEnvironment } from './environment-view'

const TOKEN = '0xAbCdEf0000000000000000000000000000000001'

function env(over: Record<string, unknown> = {}): ComputeEnvironmentConfig {
  return computeEnvironmentSchema.parse({
    id: 'env-1',
    description: 'test env',
    cpu: { total: 4, max: 4, min: 1 },
    ramGb: { total: 8, max: 8, min: 0.5 },
    diskGb: { total: 10, max: 10, min: 0 },
    minJobDurationSec: 60,
    maxJobDurationSec: 3600,
    fees: {
      '8996': [
        {
          feeToken: TOKEN,
          prices: [
            { id: 'cpu', price: 1 },
            { id: 'ram', price: 0.5 },
            { id: 'disk', price: 0.1 },
          ],
        },
      ],
    },
    free: { maxJobDurationSec: 120, cpu: 1, ramGb: 1, diskGb: 2 },
    ...over,
  })
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return (error as { code?: string }).code
  }
  return undefined
}

describe('fillResources', () => {
  it('fills every missing resource from its min and keeps the requested amounts', () => {
    expect(fillResources(env(), [{ id: 'cpu', amount: 3 }], { free: false })).toEqual([
      { id: 'cpu', amount: 3 },
      { id: 'ram', amount: 0.5 },
      { id: 'disk', amount: 0 },
    ])
    expect(fillResources(env(), undefined, { free: false }).map((r) => r.amount)).toEqual([1, 0.5, 0])
  })

  it('refuses an amount over the max with the Ocean Node wording (RESOURCES_OVER_LIMIT, 400)', () => {
    let caught: { code?: string; status?: number; message?: string } = {}
    try {
      fillResources(env(), [{ id: 'cpu', amount: 5 }], { free: false })
    } catch (error) {
      caught = error as typeof caught
    }
    expect(caught).toMatchObject({
      code: 'RESOURCES_OVER_LIMIT',
      status: 400,
      message: 'Not enough cpu resources. Requested 5, but max is 4',
    })
  })

  it("applies the free tier's max for free jobs only", () => {
    expect(codeOf(() => fillResources(env(), [{ id: 'cpu', amount: 2 }], { free: true }))).toBe(
      'RESOURCES_OVER_LIMIT',
    )
    expect(codeOf(() => fillResources(env(), [{ id: 'disk', amount: 3 }], { free: true }))).toBe(
      'RESOURCES_OVER_LIMIT',
    )
    expect(
      fillResources(env(), [{ id: 'disk', amount: 2 }], { free: true }).find((r) => r.id === 'disk'),
    ).toEqual({ id: 'disk', amount: 2 })
    expect(fillResources(env(), [{ id: 'cpu', amount: 2 }], { free: false })[0]).toEqual({
      id: 'cpu',
      amount: 2,
    })
  })

  it('refuses unknown resources, negative and non-finite amounts', () => {
    expect(codeOf(() => fillResources(env(), [{ id: 'gpu', amount: 1 }], { free: false }))).toBe(
      'RESOURCES_OVER_LIMIT',
    )
    expect(codeOf(() => fillResources(env(), [{ id: 'cpu', amount: -1 }], { free: false }))).toBe(
      'RESOURCES_OVER_LIMIT',
    )
    expect(codeOf(() => fillResources(env(), [{ id: 'cpu', amount: Number.NaN }], { free: false }))).toBe(
      'RESOURCES_OVER_LIMIT',
    )
  })

  it('fills an amount below the min, or none, with the min (Ocean Node)', () => {
    expect(fillResources(env(), [{ id: 'ram', amount: 0.25 }], { free: false })[1]).toEqual({
      id: 'ram',
      amount: 0.5,
    })
    expect(fillResources(env(), [{ id: 'ram' }], { free: false })[1]).toEqual({ id: 'ram', amount: 0.5 })
  })
})

describe('clampDuration', () => {
  it("clamps to the environment's max, and to the free tier's max for free jobs", () => {
    expect(clampDuration(env(), 10_000, { free: false })).toBe(3600)
    expect(clampDuration(env(), 10_000, { free: true })).toBe(120)
    expect(clampDuration(env(), '90', { free: true })).toBe(90)
    expect(clampDuration(env(), 90.2, { free: false })).toBe(91)
  })

  it('uses the max when no duration is asked, and refuses nonsense (REQUEST_INVALID)', () => {
    expect(clampDuration(env(), undefined, { free: false })).toBe(3600)
    expect(clampDuration(env(), '', { free: true })).toBe(120)
    expect(codeOf(() => clampDuration(env(), -5, { free: false }))).toBe('REQUEST_INVALID')
    expect(codeOf(() => clampDuration(env(), 'soon', { free: false }))).toBe('REQUEST_INVALID')
  })
})

describe('pricesFor', () => {
  it('matches the fee token case-insensitively (spec §14) and per chain', () => {
    expect(pricesFor(env(), 8996, TOKEN.toLowerCase())?.map((p) => p.id)).toEqual(['cpu', 'ram', 'disk'])
    expect(pricesFor(env(), 8996, TOKEN.toUpperCase().replace('0X', '0x'))).toBeDefined()
    expect(pricesFor(env(), 1, TOKEN)).toBeUndefined()
    expect(pricesFor(env(), 8996, '0x0000000000000000000000000000000000000002')).toBeUndefined()
  })
})

describe('costWei (spec §5: Σ price × amount × ceil(max(duration, min)/60))', () => {
  const prices = [
    { id: 'cpu', price: 1 },
    { id: 'ram', price: 0.5 },
    { id: 'disk', price: 0.1 },
  ]
  const E18 = 10n ** 18n

  it('prices whole started minutes exactly, with fractional prices and amounts', () => {
    const resources = [
      { id: 'cpu', amount: 2 },
      { id: 'ram', amount: 0.5 },
      { id: 'disk', amount: 3 },
    ]
    // per minute: 2 + 0.25 + 0.3 = 2.55; 61 s → 2 minutes = 5.1 tokens
    expect(costWei(env(), prices, resources, 61)).toBe((51n * E18) / 10n)
    expect(costWei(env(), prices, resources, 120)).toBe((51n * E18) / 10n)
    expect(costWei(env(), prices, resources, 121)).toBe((153n * E18) / 20n)
  })

  it('charges at least minJobDuration, nothing for unpriced resources, and honours token decimals', () => {
    expect(costWei(env({ minJobDurationSec: 300 }), prices, [{ id: 'cpu', amount: 1 }], 10)).toBe(5n * E18)
    expect(costWei(env(), [{ id: 'cpu', price: 1 }], [{ id: 'ram', amount: 4 }], 600)).toBe(0n)
    expect(costWei(env(), [{ id: 'cpu', price: 0.1 }], [{ id: 'cpu', amount: 1 }], 60, 6)).toBe(100_000n)
    expect(costWei(env(), [{ id: 'cpu', price: 1e-7 }], [{ id: 'cpu', amount: 1 }], 60)).toBe(
      100_000_000_000n,
    )
  })
})

describe('toWireEnvironment (spec §5 shape)', () => {
  it('has every field ocean.js reads, with the node as consumerAddress and the load counters', () => {
    const wire = toWireEnvironment(env(), {
      nodeAddress: '0xNode',
      load: { running: 2, queued: 1, runningFree: 1, queuedFree: 0 },
      chainIds: [8996],
    })
    expect(wire).toMatchObject({
      id: 'env-1',
      description: 'test env',
      consumerAddress: '0xNode',
      platform: { os: 'linux' },
      access: { addresses: [], accessLists: null },
      storageExpiry: 604800,
      minJobDuration: 60,
      maxJobDuration: 3600,
      maxJobs: 2,
      fees: {
        '8996': [
          {
            feeToken: TOKEN,
            prices: [
              { id: 'cpu', price: 1 },
              { id: 'ram', price: 0.5 },
              { id: 'disk', price: 0.1 },
            ],
          },
        ],
      },
      runningJobs: 2,
      runningfreeJobs: 1,
      queuedJobs: 1,
      queuedFreeJobs: 0,
      enableNetwork: false,
    })
    expect(wire.resources).toEqual([
      expect.objectContaining({ id: 'cpu', type: 'cpu', total: 4, max: 4, min: 1, inUse: 0 }),
      expect.objectContaining({ id: 'ram', type: 'ram', total: 8, max: 8, min: 0.5, inUse: 0 }),
      expect.objectContaining({ id: 'disk', type: 'disk', total: 10, max: 10, min: 0, inUse: 0 }),
    ])
    expect(wire.free).toMatchObject({
      maxJobDuration: 120,
      access: { addresses: [], accessLists: null },
      resources: [
        { id: 'cpu', max: 1 },
        { id: 'ram', max: 1 },
        { id: 'disk', max: 2 },
      ],
    })
  })

  it('omits free when no free tier is offered', () => {
    const { free: _free, ...paidOnly } = env()
    const wire = toWireEnvironment(paidOnly as ComputeEnvironmentConfig, {
      nodeAddress: '0xNode',
      load: { running: 0, queued: 0, runningFree: 0, queuedFree: 0 },
      chainIds: [8996],
    })
    expect('free' in wire).toBe(false)
  })

  it('lists fees only for the chains the node serves', () => {
    const prices = [{ id: 'cpu', price: 2 }]
    const fees = { '8996': [{ feeToken: TOKEN, prices }], '4242': [{ feeToken: TOKEN, prices }] }
    const load = { running: 0, queued: 0, runningFree: 0, queuedFree: 0 }
    const wire = (chainIds: number[]) =>
      toWireEnvironment({ ...env(), fees }, { nodeAddress: '0xNode', load, chainIds }).fees
    expect(wire([8996, 8997])).toEqual({ '8996': [{ feeToken: TOKEN, prices }] })
    expect(wire([4242, 8996])).toEqual(fees)
    expect(wire([])).toEqual({})
  })
})
