// Several chains at once (issue 14) through the console API: environments' fees name only served
// chains (a save naming another is refused over HTTP with 400 REQUEST_INVALID and changes nothing),
// the editor learns every served chain with its fee token, and the Overview asks each chain.
import { afterEach, describe, expect, it } from 'vitest'
import type { ConsoleEnvironment } from './contract'
import { createFakePorts } from './fake-ports'
import { startConsoleHttp, type ConsoleHttpServer } from './http-transport'
import { createConsoleService, type ConsoleProviderStatus } from './service'

const OCEAN = '0x' + '0c'.repeat(20)
const OCEAN_2 = '0x' + '0d'.repeat(20)
const prices = [{ id: 'cpu', price: 0.5 }]

function twoChains(blocks: Record<number, number | Error>): ConsoleProviderStatus {
  const base = createFakePorts().provider!
  return {
    ...base,
    chain: () => ({ chainId: 8996, name: 'Ocean dev chain (embedded)', feeToken: OCEAN }),
    chains: () => [
      { chainId: 8996, name: 'Ocean dev chain (embedded)', feeToken: OCEAN },
      { chainId: 8997, name: 'second', feeToken: OCEAN_2 },
    ],
    blockNumber: async (chainId = 8996) => {
      const block = blocks[chainId]
      if (block === undefined || block instanceof Error) throw block ?? new Error('not served')
      return block
    },
  }
}

let server: ConsoleHttpServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function consoleOverHttp() {
  const ports = createFakePorts()
  const service = createConsoleService({ ...ports, provider: twoChains({ 8996: 12, 8997: 34 }) })
  server = await startConsoleHttp({ service, logger: ports.logger, port: 0 })
  const call = async (method: string, input: unknown) => {
    const res = await fetch(`${server!.url}/console/v1/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server!.token}` },
      body: JSON.stringify(input),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  return { ports, service, call }
}

describe('environment prices per served chain', () => {
  it('saves prices for each served chain, each in its own fee token', async () => {
    const { service, call } = await consoleOverHttp()
    const { environments } = await service.listEnvironments({})
    const env = environments[0]!
    const fees = { '8996': [{ feeToken: OCEAN, prices }], '8997': [{ feeToken: OCEAN_2, prices }] }
    const saved = await call('saveEnvironment', { environment: { ...env, fees } })
    expect(saved).toMatchObject({ status: 200, body: { ok: true } })
    expect((await service.listEnvironments({})).environments[0]!.fees).toEqual(fees)
  })

  it('refuses prices for a chain not served: 400 REQUEST_INVALID at the chain, nothing saved', async () => {
    const { service, call } = await consoleOverHttp()
    const before = (await service.listEnvironments({})).environments
    const env = before[0]!
    const fees = { '8996': [{ feeToken: OCEAN, prices }], '4242': [{ feeToken: OCEAN, prices }] }
    const refused = await call('saveEnvironment', { environment: { ...env, description: 'changed', fees } })
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({
      ok: false,
      error: {
        code: 'REQUEST_INVALID',
        message: expect.stringContaining('chain 4242 is not served by this console (it serves 8996, 8997)'),
        details: [{ path: 'environment.fees.4242', message: expect.stringContaining('chain 4242') }],
      },
    })
    // A new environment too, and nothing was written either time.
    const added = await call('saveEnvironment', { environment: { ...env, id: 'other', fees } })
    expect(added.status).toBe(400)
    expect((await service.listEnvironments({})).environments).toEqual(before)
  })

  it("keeps a stored environment's unchanged prices for a chain no longer served, refuses a change to them", async () => {
    const ports = createFakePorts()
    const stored: ConsoleEnvironment = {
      ...ports.environments!.listEnvironments()[0]!,
      fees: { '11155111': [{ feeToken: OCEAN, prices }] },
    }
    ports.environments!.saveEnvironment(stored)
    const service = createConsoleService({ ...ports, provider: twoChains({ 8996: 1 }) })
    // The chain moved in Settings: an edit of the rest of the environment is not refused for them.
    await service.saveEnvironment({ environment: { ...stored, description: 'edited' } })
    expect(ports.environments!.getEnvironment(stored.id)?.description).toBe('edited')
    const changed = { '11155111': [{ feeToken: OCEAN, prices: [{ id: 'cpu', price: 9 }] }] }
    await expect(
      service.saveEnvironment({ environment: { ...stored, fees: changed } }),
    ).rejects.toMatchObject({
      code: 'REQUEST_INVALID',
      details: [{ path: 'environment.fees.11155111' }],
    })
    expect(ports.environments!.getEnvironment(stored.id)?.fees).toEqual(stored.fees)
  })

  it('lists every served chain with its fee token for the editor', async () => {
    const { service } = await consoleOverHttp()
    const out = await service.listEnvironments({})
    expect(out.chains).toEqual([
      { chainId: 8996, name: 'Ocean dev chain (embedded)', primary: true, feeToken: OCEAN },
      { chainId: 8997, name: 'second', primary: false, feeToken: OCEAN_2 },
    ])
    expect(out.feeToken).toEqual({ chainId: 8996, token: OCEAN })
  })
})

describe('Overview per chain', () => {
  it('asks each served chain for its block; one that fails is unreachable, the others still answer', async () => {
    const ports = createFakePorts()
    const service = createConsoleService({
      ...ports,
      provider: twoChains({ 8996: 100, 8997: new Error('ECONNREFUSED') }),
    })
    const overview = await service.getOverview({})
    expect(overview.blockNumber).toBe(100)
    expect(overview.chains).toEqual([
      expect.objectContaining({ chainId: 8996, primary: true, blockNumber: 100, reachable: true }),
      expect.objectContaining({
        chainId: 8997,
        name: 'second',
        primary: false,
        blockNumber: null,
        reachable: false,
      }),
    ])
  })

  it('a port without `chains` serves its one chain', async () => {
    const ports = createFakePorts()
    const overview = await createConsoleService({
      ...ports,
      provider: { ...ports.provider!, blockNumber: async () => 7 },
    }).getOverview({})
    expect(overview.chains).toEqual([
      { chainId: 8996, name: 'dev chain', primary: true, feeToken: null, blockNumber: 7, reachable: true },
    ])
  })
})
