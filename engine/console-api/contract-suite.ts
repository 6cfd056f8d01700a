/**
 * One contract suite for every transport (style.md §2.3): the same cases run against in-process,
 * HTTP and (added by main/) IPC. A transport passes when the typed client sees the same answers,
 * the same error codes and the same events, in seq order.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import {
  createConsoleClient,
  ConsoleApiError,
  type ConsoleClient,
  type ConsoleService,
  type ConsoleTransport,
  type EventPayload,
} from './contract'
import { createConsoleService } from './service'
import { createFakePorts, type FakePorts } from './fake-ports'

export interface TransportUnderTest {
  transport: ConsoleTransport
  /** Resolves when subscriptions are live (HTTP: the SSE stream is open). */
  ready?(): Promise<void>
  close(): Promise<void> | void
}

/** The ConsoleApiError a call fails with (any other outcome fails the test). */
export async function errorOf(promise: Promise<unknown>): Promise<ConsoleApiError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ConsoleApiError) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

function nextEvent<T>(subscribe: (l: (p: T) => void) => () => void): Promise<T> {
  return new Promise((resolve) => {
    const off = subscribe((payload) => {
      off()
      resolve(payload)
    })
  })
}

export function describeConsoleContract(
  name: string,
  makeTransport: (service: ConsoleService) => Promise<TransportUnderTest>,
): void {
  describe(`console API contract over ${name}`, () => {
    let ports: FakePorts
    let under: TransportUnderTest
    let client: ConsoleClient

    beforeEach(async () => {
      ports = createFakePorts()
      under = await makeTransport(createConsoleService(ports))
      client = createConsoleClient(under.transport)
    })
    afterEach(async () => {
      await under.close()
    })

    it('lists jobs with a status filter and paging, and never returns the job spec', async () => {
      const all = await client.listJobs({})
      expect(all.total).toBe(3)
      expect(JSON.stringify(all)).not.toContain(ports.secretMarker)
      const running = await client.listJobs({ statuses: [40] })
      expect(running.jobs.map((j) => j.jobId)).toEqual(['job-running'])
      const page = await client.listJobs({ limit: 1, offset: 1 })
      expect(page.jobs).toHaveLength(1)
      expect(page.total).toBe(3)
    })

    it('searches by substring, filters by outcome, counts per filter and pages by cursor', async () => {
      const all = await client.listJobs({})
      expect(all.counts).toEqual({
        all: 3,
        running: 1,
        queued: 1,
        succeeded: 1,
        failed: 0,
        stopped: 0,
        expired: 0,
      })
      expect((await client.listJobs({ search: 'RUNN' })).jobs.map((j) => j.jobId)).toEqual(['job-running'])
      const byDid = await client.listJobs({ search: 'aaaaaaaa' })
      expect(byDid.total).toBe(3)
      expect((await client.listJobs({ search: 'running' })).counts.all).toBe(1)
      expect((await client.listJobs({ outcome: 'succeeded' })).jobs.map((j) => j.jobId)).toEqual([
        'job-finished',
      ])
      expect((await client.listJobs({ outcome: 'failed' })).total).toBe(0)
      const first = await client.listJobs({ limit: 2 })
      expect(first.nextCursor).not.toBeNull()
      const second = await client.listJobs({ limit: 2, cursor: first.nextCursor! })
      expect(second.nextCursor).toBeNull()
      expect([...first.jobs, ...second.jobs].map((j) => j.jobId).sort()).toEqual([
        'job-finished',
        'job-queued',
        'job-running',
      ])
      expect((await errorOf(client.listJobs({ cursor: 'not a cursor' }))).code).toBe('REQUEST_INVALID')
    })

    it('sorts on the server by created or status, either way, and pages by cursor in that order', async () => {
      const all = await client.listJobs({})
      const byStatus = (dir: 1 | -1) =>
        [...all.jobs]
          .sort(
            (a, b) =>
              dir *
              (a.status - b.status ||
                a.createdAtMs - b.createdAtMs ||
                (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0)),
          )
          .map((j) => j.jobId)
      const asc = await client.listJobs({ sort: { column: 'status', direction: 'asc' } })
      expect(asc.jobs.map((j) => j.jobId)).toEqual(byStatus(1))
      const desc = await client.listJobs({ sort: { column: 'status', direction: 'desc' } })
      expect(desc.jobs.map((j) => j.jobId)).toEqual(byStatus(-1))
      const oldest = await client.listJobs({ sort: { column: 'created', direction: 'asc' } })
      expect(oldest.jobs.map((j) => j.jobId)).toEqual([...all.jobs].reverse().map((j) => j.jobId))
      // Keyset pages in status order: the cursor carries the status.
      const sort = { column: 'status', direction: 'asc' } as const
      const first = await client.listJobs({ sort, limit: 2 })
      expect(first.nextCursor).toMatch(/^s\d+:/)
      const second = await client.listJobs({ sort, limit: 2, cursor: first.nextCursor! })
      expect([...first.jobs, ...second.jobs].map((j) => j.jobId)).toEqual(byStatus(1))
    })

    it('sorts by duration and by asset name, either way, and pages by a cursor carrying the value', async () => {
      // job-finished ran 1000 ms; job-running and job-queued have no duration yet (-1, the shortest).
      const duration = { column: 'duration', direction: 'desc' } as const
      const first = await client.listJobs({ sort: duration, limit: 1 })
      expect(first.jobs.map((j) => j.jobId)).toEqual(['job-finished'])
      expect(first.nextCursor).toBe('d1000:1000:job-finished')
      const rest = await client.listJobs({ sort: duration, limit: 5, cursor: first.nextCursor! })
      expect(rest.jobs.map((j) => j.jobId)).toEqual(['job-running', 'job-queued'])
      const shortest = await client.listJobs({ sort: { column: 'duration', direction: 'asc' } })
      expect(shortest.jobs.map((j) => j.jobId)).toEqual(['job-queued', 'job-running', 'job-finished'])
      // One dataset for all three: the DID (colons and all) travels URI-encoded in the cursor.
      const byAsset = { column: 'assetName', direction: 'asc' } as const
      const a = await client.listJobs({ sort: byAsset, limit: 2 })
      expect(a.nextCursor).toMatch(/^adid%3Aop%3Aa{64}:1000:job-queued$/)
      const b = await client.listJobs({ sort: byAsset, limit: 2, cursor: a.nextCursor! })
      expect([...a.jobs, ...b.jobs].map((j) => j.jobId)).toEqual([
        'job-finished',
        'job-queued',
        'job-running',
      ])
      // A cursor of one sort is refused by another, and a name that does not decode is refused.
      for (const [sort, cursor] of [
        [duration, a.nextCursor!],
        [byAsset, first.nextCursor!],
        [undefined, first.nextCursor!],
        [byAsset, 'a%E0%A4%A:1000:job-x'],
      ] as const)
        expect((await errorOf(client.listJobs({ sort, cursor }))).code, cursor).toBe('REQUEST_INVALID')
    })

    it('refuses a bad sort or a cursor from another sort with REQUEST_INVALID', async () => {
      for (const sort of [
        { column: 'owner', direction: 'asc' },
        { column: 'status', direction: 'up' },
        { column: 'status' },
        { column: 'status', direction: 'asc', extra: 1 },
        'status',
      ]) {
        const error = await errorOf(client.listJobs({ sort } as never))
        expect(error.code, JSON.stringify(sort)).toBe('REQUEST_INVALID')
      }
      const created = await client.listJobs({ limit: 1 })
      expect(
        (
          await errorOf(
            client.listJobs({ sort: { column: 'status', direction: 'asc' }, cursor: created.nextCursor! }),
          )
        ).code,
      ).toBe('REQUEST_INVALID')
      expect((await errorOf(client.listJobs({ cursor: 's40:12:job-x' }))).code).toBe('REQUEST_INVALID')
    })

    it('returns a job with its stage timeline', async () => {
      ports.transition('job-queued', 0, 'dequeued')
      const { job, events } = await client.getJob({ jobId: 'job-queued' })
      expect(job.status).toBe(0)
      expect(events.map((e) => e.to)).toEqual([1, 0])
    })

    it('answers JOB_NOT_FOUND for an unknown job', async () => {
      const error = await errorOf(client.getJob({ jobId: 'nope' }))
      expect(error.code).toBe('JOB_NOT_FOUND')
    })

    it('reads log lines and searches a log, rejecting bad windows and queries with REQUEST_INVALID', async () => {
      const badWindow = await errorOf(client.readJobLogLines({ jobId: 'job-running', fromLine: -1 }))
      expect(badWindow.code).toBe('REQUEST_INVALID')
      expect(JSON.stringify(badWindow.details)).toContain('fromLine')
      const tooMany = await errorOf(client.readJobLogLines({ jobId: 'job-running', maxLines: 5001 }))
      expect(JSON.stringify(tooMany.details)).toContain('maxLines')
      const emptyQuery = await errorOf(client.searchJobLog({ jobId: 'job-running', query: '' }))
      expect(emptyQuery.code).toBe('REQUEST_INVALID')
      expect(JSON.stringify(emptyQuery.details)).toContain('query')
      const badDirection = await errorOf(
        client.searchJobLog({ jobId: 'job-running', query: 'x', direction: 'sideways' as never }),
      )
      expect(JSON.stringify(badDirection.details)).toContain('direction')
      expect((await errorOf(client.readJobLogLines({ jobId: 'nope' }))).code).toBe('JOB_NOT_FOUND')
      expect((await errorOf(client.searchJobLog({ jobId: 'nope', query: 'x' }))).code).toBe('JOB_NOT_FOUND')
      // No log file behind these ports: an absent log, not an error.
      expect(await client.readJobLogLines({ jobId: 'job-queued', log: 'publish' })).toMatchObject({
        lines: [],
        lineCount: 0,
        isAvailable: false,
      })
    })

    it('rejects invalid input with REQUEST_INVALID and field details, changing nothing', async () => {
      const error = await errorOf(client.saveEnvironment({ environment: { id: 'bad id!' } as never }))
      expect(error.code).toBe('REQUEST_INVALID')
      expect(JSON.stringify(error.details)).toContain('environment.id')
      expect((await client.listEnvironments()).environments.map((e) => e.id)).toEqual(['free-local'])
    })

    it('changes the network exposure only when confirmed, with valid addresses', async () => {
      const unconfirmed = await errorOf(client.saveNetworkSettings({ p2pEnabled: true } as never))
      expect(unconfirmed.code).toBe('REQUEST_INVALID')
      const badAddress = await errorOf(
        client.saveNetworkSettings({ announceAddresses: ['203.0.113.7:9000'], confirm: true }),
      )
      expect(JSON.stringify(badAddress.details)).toContain('announceAddresses')
      expect(await client.getNetworkSettings()).toMatchObject({ p2pEnabled: false, announceAddresses: [] })
      const saved = await client.saveNetworkSettings({ p2pEnabled: true, confirm: true })
      expect(saved.settings).toMatchObject({ p2pEnabled: true, serviceEndpoint: '16Uiu2HAmFakePeer' })
      expect(saved.republish).toMatchObject({ state: 'done', endpoint: '16Uiu2HAmFakePeer' })
    })

    it('answers METHOD_UNKNOWN for a method outside the contract', async () => {
      const envelope = (await under.transport.call('dropDatabase', {})) as {
        ok: boolean
        error: { code: string }
      }
      expect(envelope).toMatchObject({ ok: false, error: { code: 'METHOD_UNKNOWN' } })
    })

    it('stops a queued job', async () => {
      const { job } = await client.stopJob({ jobId: 'job-queued' })
      expect(job.status).toBe(70)
      expect(job.outcome?.kind).toBe('stopped')
    })

    it('reads a small result as base64', async () => {
      const result = await client.readResult({ jobId: 'job-finished', index: 0 })
      expect(result.filename).toBe('out.txt')
      expect(atob(result.base64)).toBe('hello')
      expect((await errorOf(client.readResult({ jobId: 'job-finished', index: 9 }))).code).toBe(
        'RESULT_NOT_FOUND',
      )
    })

    it('requires confirmation for destructive commands and refuses to delete a busy environment', async () => {
      expect((await errorOf(client.deleteEnvironment({ id: 'free-local' } as never))).code).toBe(
        'REQUEST_INVALID',
      )
      expect((await errorOf(client.deleteEnvironment({ id: 'free-local', confirm: true }))).code).toBe(
        'ENVIRONMENT_IN_USE',
      )
    })

    it('refuses to publish without an unlocked wallet, then publishes once one exists', async () => {
      const draft = {
        kind: 'dataset' as const,
        name: 'Weather',
        service: { files: [{ type: 'url' as const, url: 'https://example.org/a.csv' }] },
      }
      expect((await errorOf(client.publishAsset({ draft }))).code).toBe('WALLET_LOCKED')
      const wallet = await client.createWallet({ password: 'correct horse', confirm: true })
      expect(wallet.state).toBe('unlocked')
      const { asset } = await client.publishAsset({ draft })
      expect((await client.listAssets({})).assets.map((a) => a.did)).toEqual([asset.did])
      expect((await client.getSettings()).walletAddress).toBe(wallet.address)
    })

    const publishOneWithWallet = async () => {
      const { asset } = await client.publishAsset({
        draft: {
          kind: 'dataset',
          name: 'Weather',
          service: { files: [{ type: 'url', url: 'https://example.org/a.csv' }] },
        },
      })
      return asset
    }
    const publishOne = async () => {
      await client.createWallet({ password: 'correct horse', confirm: true })
      return publishOneWithWallet()
    }
    const unknownDid = 'did:op:' + 'f'.repeat(64)

    it('sets an asset state on chain with confirmation, returns the tx hash and reads it back', async () => {
      const asset = await publishOne()
      expect((await errorOf(client.setAssetState({ did: asset.did, state: 'revoked' } as never))).code).toBe(
        'REQUEST_INVALID',
      )
      expect(
        (await errorOf(client.setAssetState({ did: asset.did, state: 'gone' as never, confirm: true }))).code,
      ).toBe('REQUEST_INVALID')
      expect(
        (await errorOf(client.setAssetState({ did: unknownDid, state: 'revoked', confirm: true }))).code,
      ).toBe('ASSET_NOT_FOUND')
      expect(ports.chainActions).toEqual([])
      const changed = await client.setAssetState({ did: asset.did, state: 'revoked', confirm: true })
      expect(changed.txHash).toMatch(/^0x[0-9a-f]{64}$/)
      expect(changed.asset.state).toBe(3)
      expect(await client.getAssetState({ did: asset.did })).toEqual({
        did: asset.did,
        state: 3,
        stateName: 'revoked',
        recordedState: 3,
      })
      expect((await client.listAssets({})).assets[0]?.state).toBe(3)
    })

    it('mints datatokens only for a known asset, a valid address and a positive amount', async () => {
      const asset = await publishOne()
      const to = '0x' + 'a'.repeat(40)
      const bad = [
        client.mintDatatokens({ did: asset.did, to: '0x123', amount: '1', confirm: true }),
        client.mintDatatokens({ did: asset.did, to, amount: '0', confirm: true }),
        client.mintDatatokens({ did: asset.did, to, amount: '-1', confirm: true }),
        client.mintDatatokens({ did: asset.did, to, amount: '1e3', confirm: true }),
        client.mintDatatokens({ did: asset.did, to, amount: '1.0000000000000000001', confirm: true }),
        client.mintDatatokens({ did: asset.did, to, amount: '1' } as never),
      ]
      for (const call of bad) expect((await errorOf(call)).code).toBe('REQUEST_INVALID')
      expect(
        (await errorOf(client.mintDatatokens({ did: unknownDid, to, amount: '1', confirm: true }))).code,
      ).toBe('ASSET_NOT_FOUND')
      expect(ports.chainActions).toEqual([])
      const minted = await client.mintDatatokens({ did: asset.did, to, amount: '2.5', confirm: true })
      expect(ports.chainActions).toEqual([
        { kind: 'mint', did: asset.did, to, amount: '2.5', txHash: minted.txHash },
      ])
    })

    const unfinishedRow = (over: Partial<FakePorts['unfinished'][number]> = {}) => ({
      id: 'did:op:' + 'a'.repeat(64),
      did: 'did:op:' + 'a'.repeat(64),
      kind: 'dataset' as const,
      name: 'Half published',
      chainId: 8996,
      stoppedAt: 'metadata' as const,
      txStatus: 'signed' as const,
      txHash: '0x' + '1'.repeat(64),
      error: null,
      startedAtMs: 10,
      updatedAtMs: 20,
      inProgress: false,
      notResumable: null,
      ...over,
    })

    it('lists unfinished publishes (with and without a DID) and resumes one by its id', async () => {
      expect(await client.listUnfinishedPublishes()).toEqual({ publishes: [] })
      const withDid = unfinishedRow()
      const pending = unfinishedRow({
        id: 'pending:1',
        did: null,
        name: 'Before the NFT',
        stoppedAt: 'create',
      })
      ports.unfinished.push(withDid, pending)
      expect((await client.listUnfinishedPublishes()).publishes).toEqual([withDid, pending])
      expect((await errorOf(client.resumePublish({ id: withDid.id }))).code).toBe('WALLET_LOCKED')
      await client.createWallet({ password: 'correct horse', confirm: true })
      expect((await errorOf(client.resumePublish({ id: 'pending:unknown' }))).code).toBe('ASSET_NOT_FOUND')
      const { asset } = await client.resumePublish({ id: withDid.id })
      expect(asset.did).toBe(withDid.did)
      // Only the metadata step was left: the NFT is not created again.
      expect((await client.listAssets({})).assets.map((a) => a.did)).toEqual([withDid.did])
      expect((await client.listUnfinishedPublishes()).publishes.map((p) => p.id)).toEqual(['pending:1'])
    })

    it('discards an unfinished publish only with confirmation, and none that is running', async () => {
      ports.unfinished.push(
        unfinishedRow({ id: 'pending:1', did: null }),
        unfinishedRow({ id: 'pending:2', did: null, inProgress: true }),
      )
      expect((await errorOf(client.discardUnfinishedPublish({ id: 'pending:1' } as never))).code).toBe(
        'REQUEST_INVALID',
      )
      expect((await errorOf(client.discardUnfinishedPublish({ id: 'pending:9', confirm: true }))).code).toBe(
        'ASSET_NOT_FOUND',
      )
      expect((await errorOf(client.discardUnfinishedPublish({ id: 'pending:2', confirm: true }))).code).toBe(
        'PUBLISH_IN_PROGRESS',
      )
      await client.createWallet({ password: 'correct horse', confirm: true })
      expect((await errorOf(client.resumePublish({ id: 'pending:2' }))).code).toBe('PUBLISH_IN_PROGRESS')
      expect(await client.discardUnfinishedPublish({ id: 'pending:1', confirm: true })).toEqual({ ok: true })
      expect((await client.listUnfinishedPublishes()).publishes.map((p) => p.id)).toEqual(['pending:2'])
      expect(ports.chainActions).toEqual([])
    })

    it('creates a dispenser (default limits) and a fixed rate, each one tx; bad prices change nothing', async () => {
      const asset = await publishOne()
      expect(
        (await errorOf(client.createFixedRate({ did: asset.did, price: 'free', confirm: true }))).code,
      ).toBe('REQUEST_INVALID')
      expect(
        (
          await errorOf(
            client.createFixedRate({ did: asset.did, price: '1', baseToken: 'OCEAN', confirm: true }),
          )
        ).code,
      ).toBe('REQUEST_INVALID')
      expect((await errorOf(client.createDispenser({ did: unknownDid, confirm: true }))).code).toBe(
        'ASSET_NOT_FOUND',
      )
      expect(ports.chainActions).toEqual([])
      const dispenser = await client.createDispenser({ did: asset.did, confirm: true })
      const fixed = await client.createFixedRate({ did: asset.did, price: '1.5', confirm: true })
      expect(ports.chainActions.map(({ kind, txHash, ...rest }) => [kind, txHash, rest])).toEqual([
        ['dispenser', dispenser.txHash, { did: asset.did, maxTokens: '1', maxBalance: '1' }],
        ['fixedRate', fixed.txHash, { did: asset.did, price: '1.5' }],
      ])
    })

    it("reads an asset's prices: none at first, then the dispenser and fixed rate it was given", async () => {
      const asset = await publishOne()
      expect((await errorOf(client.getAssetPrices({ did: unknownDid }))).code).toBe('ASSET_NOT_FOUND')
      expect((await errorOf(client.getAssetPrices({ did: 'did:op:short' }))).code).toBe('REQUEST_INVALID')
      const before = await client.getAssetPrices({ did: asset.did })
      expect(before).toEqual({
        did: asset.did,
        datatokenAddress: asset.datatokenAddress,
        fixedRates: [],
        dispensers: [],
      })
      await client.createDispenser({ did: asset.did, maxTokens: '2', maxBalance: '5', confirm: true })
      await client.createFixedRate({ did: asset.did, price: '1.25', confirm: true })
      const after = await client.getAssetPrices({ did: asset.did })
      expect(
        after.dispensers.map(({ active, maxTokens, maxBalance }) => [active, maxTokens, maxBalance]),
      ).toEqual([[true, '2', '5']])
      expect(after.fixedRates.map(({ active, rate }) => [active, rate])).toEqual([[true, '1.25']])
    })

    it('pushes publish progress with the tx hash to subscribers', async () => {
      const asset = await publishOne()
      const mined = nextEvent<{ did?: string; step: string; status: string; txHash?: string }>((l) =>
        client.subscribe('onPublishProgress', (e) => e.status === 'mined' && l(e)),
      )
      await under.ready?.()
      const { txHash } = await client.mintDatatokens({
        did: asset.did,
        to: '0x' + 'a'.repeat(40),
        amount: '1',
        confirm: true,
      })
      expect(await mined).toEqual({ did: asset.did, step: 'mint', status: 'mined', txHash })
    })

    it('refuses on-chain actions while the wallet is locked, sending nothing', async () => {
      const asset = await publishOne()
      ports.lockWallet()
      const error = await errorOf(
        client.mintDatatokens({ did: asset.did, to: '0x' + 'a'.repeat(40), amount: '1', confirm: true }),
      )
      expect(error.code).toBe('WALLET_LOCKED')
      expect(
        (await errorOf(client.setAssetState({ did: asset.did, state: 'deprecated', confirm: true }))).code,
      ).toBe('WALLET_LOCKED')
      expect(ports.chainActions).toEqual([])
      expect((await client.listAssets({})).assets[0]?.state).toBe(0)
    })

    it('imports a wallet by private key; the key never comes back out of any method', async () => {
      const key = 'ab'.repeat(32)
      await client.importWallet({ privateKey: key, password: 'correct horse', confirm: true })
      expect(ports.importedSecret()).toBe(key)
      await publishOneWithWallet()
      const outputs = [
        await client.getWallet(),
        await client.getSettings(),
        await client.getBalances(),
        await client.getOverview(),
        await client.listAssets({}),
      ]
      for (const output of outputs) expect(JSON.stringify(output).toLowerCase()).not.toContain(key)
    })

    it('imports a wallet from a mnemonic; no key or phrase ever comes back out of any method', async () => {
      const phrase = 'test test test test test test test test test test test junk'
      expect(
        (
          await errorOf(
            client.importMnemonic({ mnemonic: 'one two three', password: 'correct horse', confirm: true }),
          )
        ).code,
      ).toBe('REQUEST_INVALID')
      expect((await client.getWallet()).state).toBe('none')
      const wallet = await client.importMnemonic({
        mnemonic: phrase,
        password: 'correct horse',
        confirm: true,
      })
      expect(wallet).toEqual({ state: 'unlocked', address: '0x' + '9'.repeat(40) })
      expect(ports.importedSecret()).toBe(phrase)
      expect(
        (
          await errorOf(
            client.importWallet({ privateKey: 'ab'.repeat(32), password: 'correct horse', confirm: true }),
          )
        ).code,
      ).toBe('WALLET_EXISTS')
      const outputs = [
        await client.getWallet(),
        await client.getSettings(),
        await client.getBalances(),
        await client.getOverview(),
      ]
      for (const output of outputs) {
        expect(JSON.stringify(output)).not.toContain('test test')
        expect(JSON.stringify(output)).not.toContain('ab'.repeat(32))
      }
    })

    it('keeps the desktop-notifications choice (off until chosen) and refuses anything but a boolean', async () => {
      expect(await client.getNotificationSettings()).toEqual({
        desktopNotifications: false,
        surface: 'browser',
        isSupported: true,
      })
      // The change is pushed, so every window's switch follows without asking again.
      const pushed = nextEvent<EventPayload<'onDidChangeNotificationSettings'>>((l) =>
        client.subscribe('onDidChangeNotificationSettings', l),
      )
      await under.ready?.()
      expect(
        (await client.setNotificationSettings({ desktopNotifications: true })).desktopNotifications,
      ).toBe(true)
      expect(await pushed).toEqual({ desktopNotifications: true, surface: 'browser', isSupported: true })
      expect((await client.getNotificationSettings()).desktopNotifications).toBe(true)
      const refused = await errorOf(
        client.setNotificationSettings({ desktopNotifications: 'yes' } as unknown as {
          desktopNotifications: boolean
        }),
      )
      expect(refused.code).toBe('REQUEST_INVALID')
      expect((await client.getNotificationSettings()).desktopNotifications).toBe(true)
    })

    it('reads balances of the publishing account and passes chain errors through by code', async () => {
      expect((await errorOf(client.getBalances())).code).toBe('WALLET_NOT_FOUND')
      const asset = await publishOne()
      const balances = await client.getBalances()
      expect(balances).toMatchObject({
        chainId: 8996,
        nativeWei: '1000000000000000000',
        nativeSymbol: 'ETH',
        canPayGas: true,
        datatokens: [{ did: asset.did, balanceWei: '0' }],
      })
      ports.failBalances(
        Object.assign(new Error('The RPC serves chain 1, but chain 8996 is configured'), {
          name: 'C2dError',
          code: 'CHAIN_ID_MISMATCH',
          status: 502,
        }),
      )
      const wrongChain = await errorOf(client.getBalances())
      expect([wrongChain.code, wrongChain.message]).toEqual([
        'CHAIN_ID_MISMATCH',
        'The RPC serves chain 1, but chain 8996 is configured',
      ])
    })

    it('validates an asset draft with messages per field', async () => {
      const result = await client.validateAsset({
        draft: { kind: 'algorithm', name: '', service: { files: [] } },
      })
      expect(result.valid).toBe(false)
      expect(result.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['name', 'service.files']))
    })

    it('pushes job changes in seq order and log chunks to subscribers', async () => {
      const seen: number[] = []
      client.subscribe('onDidChangeJob', (e) => seen.push(e.seq))
      const log = nextEvent<{ jobId: string; chunk: string }>((l) => client.subscribe('onJobLog', l))
      const last = nextEvent<{ to: number; job: { jobId: string } }>((l) =>
        client.subscribe('onDidChangeJob', (e) => e.to === 70 && l(e)),
      )
      await under.ready?.()
      ports.emitLog('job-running', 'epoch 1\n')
      ports.transition('job-running', 60, 'algorithm exited 0')
      ports.transition('job-running', 70, 'results published')
      expect(await log).toEqual({ jobId: 'job-running', chunk: 'epoch 1\n' })
      const final = await last
      expect(final.job.jobId).toBe('job-running')
      expect(JSON.stringify(final)).not.toContain(ports.secretMarker)
      expect(seen).toEqual([...seen].sort((a, b) => a - b))
      expect(seen).toHaveLength(2)
    })
  })
}
