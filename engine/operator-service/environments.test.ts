import { describe, expect, it } from 'vitest'
import { openDatabase } from '../store/database'
import { Environments, defaultEnvironment, defaultEnvironments } from './environments'

describe('Environments', () => {
  it('seeds only on first start, with fees when a fee token is known', () => {
    const envs = new Environments(openDatabase({ file: ':memory:' }))
    expect(envs.seed([defaultEnvironment({ chainId: 8996, feeToken: '0xocean' })])).toBe(true)
    expect(envs.seed([{ ...defaultEnvironment(undefined), id: 'other' }])).toBe(false)
    const [env] = envs.listEnvironments()
    expect(env!.id).toBe('local-sandbox')
    expect(env!.free).toBeDefined()
    expect(env!.fees['8996']![0]!.feeToken).toBe('0xocean')
    expect(defaultEnvironment(undefined).fees).toEqual({})
  })

  it('prices every served chain in its own fee token by default (several chains at once)', () => {
    const [env] = defaultEnvironments([
      { chainId: 8996, feeToken: '0xocean8996' },
      { chainId: 8997, feeToken: '0xocean8997' },
    ])
    expect(Object.keys(env!.fees)).toEqual(['8996', '8997'])
    expect(env!.fees['8996']!.map((f) => f.feeToken)).toEqual(['0xocean8996'])
    expect(env!.fees['8997']!.map((f) => f.feeToken)).toEqual(['0xocean8997'])
    expect(env!.fees['8997']![0]!.prices).toEqual(env!.fees['8996']![0]!.prices)
    expect(defaultEnvironments([])[0]!.description).toBe('Local sandbox on this machine (free tier)')
  })

  it('offers one environment with a free tier and prices by default (prices only when the fee token is known)', () => {
    const [env, ...rest] = defaultEnvironments({ chainId: 8996, feeToken: '0xocean' })
    expect(rest).toEqual([])
    expect([env!.id, env!.free !== undefined, env!.fees['8996']![0]!.feeToken]).toEqual([
      'local-sandbox',
      true,
      '0xocean',
    ])
    const [chainless, ...none] = defaultEnvironments(undefined)
    expect([chainless!.id, chainless!.free !== undefined, chainless!.fees, none]).toEqual([
      'local-sandbox',
      true,
      {},
      [],
    ])
  })

  it('rejects an invalid environment listing the fields, and changes nothing', () => {
    const envs = new Environments(openDatabase({ file: ':memory:' }))
    expect(() => envs.saveEnvironment({ id: 'bad id!', cpu: { total: -1 } })).toThrow(
      expect.objectContaining({
        code: 'ENVIRONMENT_INVALID',
        status: 400,
        details: expect.arrayContaining([expect.objectContaining({ field: 'id' })]),
      }),
    )
    expect(envs.listEnvironments()).toEqual([])
  })

  it('saves, updates in place, and deletes; unknown ids are ENVIRONMENT_UNKNOWN', () => {
    const envs = new Environments(openDatabase({ file: ':memory:' }))
    envs.saveEnvironment({ ...defaultEnvironment(undefined), id: 'a' })
    envs.saveEnvironment({ ...defaultEnvironment(undefined), id: 'b' })
    envs.saveEnvironment({ ...defaultEnvironment(undefined), id: 'a', maxJobs: 5 })
    expect(envs.listEnvironments().map((e) => [e.id, e.maxJobs])).toEqual([
      ['a', 5],
      ['b', 2],
    ])
    envs.deleteEnvironment('a')
    expect(envs.getEnvironment('a')).toBeUndefined()
    expect(() => envs.deleteEnvironment('a')).toThrow(
      expect.objectContaining({ code: 'ENVIRONMENT_UNKNOWN', status: 404 }),
    )
  })
})
