// Parts of the console that did not start (or cannot do on-chain work) answer by code, never crash,
// and an on-chain command for an asset this console does not hold reaches no port.
import { describe, it, expect } from 'vitest'
import { isC2dError } from '../c2d-error'
import { dispatchConsoleCall } from './dispatch'
import { createFakePorts, seedJob } from './fake-ports'
import {
  createConsoleService,
  OVERVIEW_HEALTH_MAX_AGE_MS,
  periodStartMs,
  type ConsoleAssetPort,
  type ConsoleReviewPort,
} from './service'

const did = 'did:op:' + 'c'.repeat(64)
const to = '0x' + 'a'.repeat(40)

describe('console service: issue 6 methods without their ports', () => {
  it('answers NOT_AVAILABLE when publishing did not start', async () => {
    const ports = createFakePorts()
    const service = createConsoleService({ ...ports, assets: undefined })
    for (const [method, input] of [
      ['getBalances', {}],
      ['mintDatatokens', { did, to, amount: '1', confirm: true }],
      ['setAssetState', { did, state: 'revoked', confirm: true }],
    ] as const) {
      expect(await dispatchConsoleCall(service, method, input)).toMatchObject({
        ok: false,
        error: { code: 'NOT_AVAILABLE' },
      })
    }
  })

  it('answers NOT_AVAILABLE for an asset port without on-chain actions, after the asset check', async () => {
    const ports = createFakePorts()
    const listOnly: ConsoleAssetPort = {
      list: ports.assets!.list,
      publish: ports.assets!.publish,
      remove: ports.assets!.remove,
    }
    const service = createConsoleService({ ...ports, assets: listOnly })
    await service.createWallet({ password: 'correct horse', confirm: true })
    const { asset } = await service.publishAsset({
      draft: {
        kind: 'dataset',
        name: 'A',
        description: '',
        author: '',
        license: 'MIT',
        service: {
          files: [{ type: 'local', path: '/data/a.csv' }],
          timeoutSec: 0,
          allowRawAlgorithm: false,
          allowNetworkAccess: false,
          publisherTrustedAlgorithmPublishers: [],
          publisherTrustedAlgorithms: [],
        },
      },
    })
    for (const call of [
      () => service.setAssetState({ did: asset.did, state: 'revoked', confirm: true }),
      () => service.getAssetState({ did: asset.did }),
      () => service.mintDatatokens({ did: asset.did, to, amount: '1', confirm: true }),
      () => service.createDispenser({ did: asset.did, maxTokens: '1', maxBalance: '1', confirm: true }),
      () => service.createFixedRate({ did: asset.did, price: '1', confirm: true }),
      () => service.getBalances({}),
    ]) {
      const error = await call().catch((e: unknown) => e)
      expect(isC2dError(error) && error.code).toBe('NOT_AVAILABLE')
    }
    // An unknown DID is named as such before the missing port is.
    const unknown = await service
      .mintDatatokens({ did, to, amount: '1', confirm: true })
      .catch((e: unknown) => e)
    expect(isC2dError(unknown) && unknown.code).toBe('ASSET_NOT_FOUND')
    expect(ports.chainActions).toEqual([])
  })

  it('answers NOT_AVAILABLE for a wallet that cannot import a mnemonic, WALLET_EXISTS when one exists', async () => {
    const ports = createFakePorts()
    const { importMnemonic: _unused, ...withoutMnemonic } = ports.wallet!
    void _unused
    const mnemonic = 'test test test test test test test test test test test junk'
    const noMnemonic = createConsoleService({ ...ports, wallet: withoutMnemonic })
    expect(
      await dispatchConsoleCall(noMnemonic, 'importMnemonic', {
        mnemonic,
        password: 'correct horse',
        confirm: true,
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_AVAILABLE' } })
    const service = createConsoleService(ports)
    await service.createWallet({ password: 'correct horse', confirm: true })
    expect(
      await dispatchConsoleCall(service, 'importMnemonic', {
        mnemonic,
        password: 'correct horse',
        confirm: true,
      }),
    ).toMatchObject({ ok: false, error: { code: 'WALLET_EXISTS' } })
    expect(ports.importedSecret()).toBe('')
  })
})

describe('console service: wallet lock and export (issue 11)', () => {
  it('locks the wallet and keeps its address known; exports the encrypted keystore only with confirm', async () => {
    const ports = createFakePorts()
    const service = createConsoleService(ports)
    const created = await service.createWallet({ password: 'correct horse', confirm: true })
    expect(await dispatchConsoleCall(service, 'lockWallet', {})).toEqual({
      ok: true,
      value: { state: 'locked', address: created.address },
    })
    expect((await service.getSettings({})).walletAddress).toBe(created.address)
    expect(await dispatchConsoleCall(service, 'exportWallet', {})).toMatchObject({
      ok: false,
      error: { code: 'REQUEST_INVALID' },
    })
    const exported = await dispatchConsoleCall(service, 'exportWallet', { confirm: true })
    expect(exported).toMatchObject({ ok: true, value: { address: created.address } })
    expect(JSON.stringify(exported)).not.toMatch(/privateKey|mnemonic/)
  })

  it('refuses an edit while the wallet is locked, and asks for confirm', async () => {
    const ports = createFakePorts()
    const edits: unknown[] = []
    const service = createConsoleService({
      ...ports,
      assets: {
        ...ports.assets!,
        list: () => [
          {
            did,
            kind: 'dataset',
            name: 'A',
            chainId: 8996,
            nftAddress: to,
            datatokenAddress: to,
            state: 0,
            serviceIds: ['s'],
            createdAtMs: 1,
            updatedAtMs: 1,
          },
        ],
        edit: async (_did, changes) => (edits.push(changes), undefined as never),
      },
    })
    const input = { did, changes: { publisherTrustedAlgorithms: [] }, confirm: true }
    expect(await dispatchConsoleCall(service, 'editAsset', { ...input, confirm: false })).toMatchObject({
      ok: false,
      error: { code: 'REQUEST_INVALID' },
    })
    expect(await dispatchConsoleCall(service, 'editAsset', input)).toMatchObject({
      ok: false,
      error: { code: 'WALLET_LOCKED' },
    })
    expect(edits).toEqual([])
  })
})

describe('console service: the Jobs list', () => {
  it('finds the jobs on an asset by a part of its name', async () => {
    const ports = createFakePorts()
    const dataset = 'did:op:' + 'a'.repeat(64)
    const named: ConsoleAssetPort = {
      ...ports.assets!,
      list: () => [
        {
          did: dataset,
          kind: 'dataset',
          name: 'Weather stations 2024',
          chainId: 8996,
          nftAddress: to,
          datatokenAddress: to,
          state: 0,
          serviceIds: ['compute'],
          createdAtMs: 1,
          updatedAtMs: 1,
        },
      ],
    }
    const service = createConsoleService({ ...ports, assets: named })
    const input = { limit: 200, offset: 0 }
    expect((await service.listJobs({ ...input, search: 'stations' })).total).toBe(3)
    expect((await service.listJobs({ ...input, search: 'Stat', outcome: 'succeeded' })).jobs).toHaveLength(1)
    expect((await service.listJobs({ ...input, search: 'rainfall' })).total).toBe(0)
  })
})

describe('console service: earnings', () => {
  it('sums claimed and locked escrow per dataset, period and token; released and free jobs earn nothing', async () => {
    const ports = createFakePorts()
    const token = '0x' + '3'.repeat(40)
    const pay = (costWei: string, extra: Record<string, string> = {}) => ({
      chainId: 8996,
      token,
      costWei,
      ...extra,
    })
    const dsA = 'did:op:' + 'a'.repeat(64)
    const dsB = 'did:op:' + 'd'.repeat(64)
    const march = Date.UTC(2026, 2, 10)
    const april = Date.UTC(2026, 3, 2)
    const extra = [
      seedJob('p1', 70, { finishedAtMs: march, payment: pay('1000000000000000000', { claimTx: '0x1' }) }),
      seedJob('p2', 70, { finishedAtMs: march + 1, payment: pay('350000000000000000', { claimTx: '0x2' }) }),
      seedJob('p3', 70, { finishedAtMs: march + 2, payment: pay('5', { cancelTx: '0x3' }) }),
      seedJob('p4', 40, { createdAtMs: april, finishedAtMs: null, payment: pay('7') }),
      seedJob('p5', 70, {
        finishedAtMs: april,
        datasets: [{ did: dsB, serviceId: 'compute' }],
        payment: pay('2', { claimTx: '0x5' }),
      }),
    ]
    const base = ports.jobs
    const all = () => [...base.listJobs({}), ...extra]
    const jobs = {
      ...base,
      listJobs: (f: { after?: { createdAtMs: number; jobId: string }; limit?: number }) =>
        f.after ? [] : all().slice(0, f.limit),
    }
    const service = createConsoleService({ ...ports, jobs })
    const { rows } = await service.getEarnings({ period: 'month' })
    expect(rows).toEqual(
      [
        {
          datasetDid: dsA,
          periodStartMs: april,
          token,
          claimedWei: '0',
          claimedJobs: 0,
          lockedWei: '7',
          lockedJobs: 1,
          orders: 0,
        },
        {
          datasetDid: dsB,
          periodStartMs: Date.UTC(2026, 3, 1),
          token,
          claimedWei: '2',
          claimedJobs: 1,
          lockedWei: '0',
          lockedJobs: 0,
          orders: 0,
        },
        {
          datasetDid: dsA,
          periodStartMs: Date.UTC(2026, 2, 1),
          token,
          claimedWei: '1350000000000000000',
          claimedJobs: 2,
          lockedWei: '0',
          lockedJobs: 0,
          orders: 0,
        },
      ].map((r) => (r.periodStartMs === april ? { ...r, periodStartMs: Date.UTC(2026, 3, 1) } : r)),
    )
    expect(periodStartMs(Date.UTC(2026, 2, 12, 15), 'week')).toBe(Date.UTC(2026, 2, 9)) // a Thursday → Monday
    expect(periodStartMs(Date.UTC(2026, 2, 12, 15), 'day')).toBe(Date.UTC(2026, 2, 12))
  })
})

describe('console service: earnings over several datasets, orders and totals', () => {
  it('splits a multi-dataset job between its datasets, counts orders (free jobs too) and totals each period', async () => {
    const ports = createFakePorts()
    const token = '0x' + '3'.repeat(40)
    const dsA = 'did:op:' + 'a'.repeat(64)
    const dsB = 'did:op:' + 'd'.repeat(64)
    const algo = 'did:op:' + 'e'.repeat(64)
    const march = Date.UTC(2026, 2, 10)
    const extra = [
      seedJob('m1', 70, {
        finishedAtMs: march,
        datasets: [
          { did: dsA, serviceId: 'compute', transferTxId: '0xa1' },
          { did: dsB, serviceId: 'compute', transferTxId: '0xb1' },
        ],
        algorithm: { isRawCode: false, did: algo, serviceId: 'compute', transferTxId: '0xe1' },
        payment: { chainId: 8996, token, costWei: '7', claimTx: '0x1' },
      }),
      // A free job: no escrow, but its order on dsA counts (and its reused order only once).
      seedJob('m2', 70, {
        finishedAtMs: march + 1,
        datasets: [{ did: dsA, serviceId: 'compute', transferTxId: '0xa2' }],
        payment: null,
      }),
      seedJob('m3', 70, {
        finishedAtMs: march + 2,
        datasets: [{ did: dsA, serviceId: 'compute', transferTxId: '0xa2' }],
        payment: null,
      }),
    ]
    const jobs = {
      ...ports.jobs,
      listJobs: (f: { after?: unknown; limit?: number }) => (f.after ? [] : extra.slice(0, f.limit)),
    }
    const service = createConsoleService({ ...ports, jobs } as never)
    const { rows, totals } = await service.getEarnings({ period: 'month' })
    const month = Date.UTC(2026, 2, 1)
    const row = (did: string, t: string | null) =>
      rows.find((r) => r.datasetDid === did && r.token === t && r.periodStartMs === month)
    // 7 wei over two datasets: 3 each, the remainder to the first; each counted as one job.
    expect(row(dsA, token)).toMatchObject({ claimedWei: '4', claimedJobs: 1, orders: 1 })
    expect(row(dsB, token)).toMatchObject({ claimedWei: '3', claimedJobs: 1, orders: 1 })
    expect(row(algo, token)).toMatchObject({ claimedWei: '0', claimedJobs: 0, orders: 1 })
    expect(row(dsA, null)).toMatchObject({ claimedWei: '0', lockedWei: '0', orders: 1 })
    expect(totals).toEqual(
      [
        {
          periodStartMs: month,
          token,
          claimedWei: '7',
          claimedJobs: 1,
          lockedWei: '0',
          lockedJobs: 0,
          orders: 3,
        },
        {
          periodStartMs: month,
          token: null,
          claimedWei: '0',
          claimedJobs: 0,
          lockedWei: '0',
          lockedJobs: 0,
          orders: 1,
        },
      ].sort((a, b) => (a.token ?? '').localeCompare(b.token ?? '')),
    )
  })
})

describe('console service: the Overview reuses a recent health check', () => {
  /** A health port that counts its checks, on a clock the test moves. */
  function countingHealth() {
    const ports = createFakePorts()
    let now = 50_000
    let checks = 0
    const base = ports.health!
    const service = createConsoleService({
      ...ports,
      clock: { ...ports.clock, nowMs: () => now },
      health: {
        ...base,
        check: async () => ({ ...(await base.check()), checkedAtMs: ++checks }),
      },
    })
    return { service, checks: () => checks, advance: (ms: number) => (now += ms) }
  }

  it('two overview calls within the window run one check; after it, a new one', async () => {
    const { service, checks, advance } = countingHealth()
    const first = await service.getOverview({})
    advance(OVERVIEW_HEALTH_MAX_AGE_MS - 1)
    const second = await service.getOverview({})
    expect(checks()).toBe(1)
    expect(second.health).toEqual(first.health)
    advance(1)
    const third = await service.getOverview({})
    expect(checks()).toBe(2)
    expect(third.health?.checkedAtMs).toBe(2)
  })

  it('overview calls while a check runs share it', async () => {
    const { service, checks } = countingHealth()
    await Promise.all([service.getOverview({}), service.getOverview({}), service.getOverview({})])
    expect(checks()).toBe(1)
  })

  it('checkHealth (the Compute backend screen asking) always runs the check and refreshes the Overview’s', async () => {
    const { service, checks } = countingHealth()
    await service.getOverview({})
    const asked = await service.checkHealth({})
    expect(checks()).toBe(2)
    expect(asked.checkedAtMs).toBe(2)
    expect((await service.getOverview({})).health?.checkedAtMs).toBe(2)
    expect(checks()).toBe(2)
  })

  it('a check that throws is not kept: the next overview runs it again', async () => {
    const ports = createFakePorts()
    let calls = 0
    const service = createConsoleService({
      ...ports,
      health: {
        ...ports.health!,
        check: async () => {
          calls += 1
          if (calls === 1) throw new Error('cluster unreachable')
          return ports.health!.check()
        },
      },
    })
    await expect(service.getOverview({})).rejects.toThrow('cluster unreachable')
    expect((await service.getOverview({})).health?.ok).toBe(true)
    expect(calls).toBe(2)
  })
})

describe('console service: getOverview block height', () => {
  const provider = createFakePorts().provider!

  it("answers the chain's latest block number", async () => {
    const service = createConsoleService({
      ...createFakePorts(),
      provider: { ...provider, blockNumber: async () => 4242 },
    })
    expect((await service.getOverview({})).blockNumber).toBe(4242)
  })

  it('answers null when the RPC fails, and still answers the rest of the overview', async () => {
    const failing = { ...provider, blockNumber: () => Promise.reject(new Error('ECONNREFUSED')) }
    const overview = await createConsoleService({ ...createFakePorts(), provider: failing }).getOverview({})
    expect(overview.blockNumber).toBeNull()
    expect(overview.chainId).toBe(8996)
  })

  it('answers null without a chain, without asking the RPC', async () => {
    let asked = 0
    const off = { ...provider, chain: () => null, blockNumber: async () => (asked++, 1) }
    expect(
      (await createConsoleService({ ...createFakePorts(), provider: off }).getOverview({})).blockNumber,
    ).toBeNull()
    expect(asked).toBe(0)
  })
})

describe("console service: a dataset's allowed environments at publish (issue 11)", () => {
  const datasetDraft = {
    kind: 'dataset' as const,
    name: 'A',
    description: '',
    author: '',
    license: 'MIT',
    service: {
      files: [{ type: 'local' as const, path: '/data/a.csv' }],
      timeoutSec: 0,
      allowRawAlgorithm: false,
      allowNetworkAccess: false,
      publisherTrustedAlgorithmPublishers: [],
      publisherTrustedAlgorithms: [],
    },
  }

  it('refuses them before anything is published when there is no dataset policy store', async () => {
    const ports = createFakePorts()
    const service = createConsoleService({ ...ports, review: undefined })
    await service.createWallet({ password: 'correct horse', confirm: true })
    const refused = await service
      .publishAsset({ draft: datasetDraft, environments: ['free-local'] })
      .catch((e: unknown) => e)
    expect(isC2dError(refused) && refused.code).toBe('NOT_AVAILABLE')
    expect(ports.assets!.list()).toEqual([])
  })

  it('hands them to the asset port with a hook that stores the policy and audits it, for a resume too', async () => {
    const ports = createFakePorts()
    const policies = new Map<string, unknown>()
    const audited: unknown[] = []
    const calls: Array<{ did: string | undefined; environments: string[] | undefined }> = []
    const service = createConsoleService({
      ...ports,
      review: {
        getPolicy: () => ({
          outputRelease: 'automatic',
          reviewWindowSec: 60,
          consumers: { allow: [], deny: [] },
          quotas: {},
          reviewGuards: { allowedPatterns: [] },
          environments: [],
        }),
        setPolicy: (d: string, policy: unknown) => (policies.set(d, policy), policy),
      } as unknown as ConsoleReviewPort,
      audit: { record: (event: unknown) => void audited.push(event) } as never,
      assets: {
        ...ports.assets!,
        // As the publisher: the DID is known, the hook runs, then setMetaData (nothing here).
        publish: async (draft, existingDid, options = {}) => {
          calls.push({ did: existingDid, environments: options.environments })
          options.applyEnvironments?.(did, options.environments ?? ['recorded-env'])
          return ports.assets!.publish(draft)
        },
      },
    })
    await service.createWallet({ password: 'correct horse', confirm: true })
    await service.publishAsset({ draft: datasetDraft, environments: ['free-local', 'free-local'] })
    expect(calls[0]).toEqual({ did: undefined, environments: ['free-local'] })
    expect(policies.get(did)).toMatchObject({ environments: ['free-local'] })
    // A resume names the DID and no environments: the port applies the recorded ones through the hook.
    await service.publishAsset({ draft: datasetDraft, did })
    expect(calls[1]).toEqual({ did, environments: undefined })
    expect(policies.get(did)).toMatchObject({ environments: ['recorded-env'] })
    expect(audited.filter((e) => (e as { type: string }).type === 'config.changed')).toEqual([
      expect.objectContaining({
        type: 'config.changed',
        actor: 'publisher',
        subject: did,
        details: expect.objectContaining({ setting: 'dataset-policy' }),
      }),
      expect.objectContaining({ type: 'config.changed', subject: did }),
    ])
  })
})
