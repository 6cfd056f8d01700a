/**
 * One contract suite for every transport (style.md §2.3): the same cases run against in-process,
 * HTTP and (added by main/) IPC. A transport passes when the typed client sees the same answers,
 * the same error codes and the same events, in seq order.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { createConsoleClient, ConsoleApiError, type ConsoleClient, type ConsoleService, type ConsoleTransport } from './contract'
import { createConsoleService } from './service'
import { createFakePorts, type FakePorts } from './fake-ports'

export interface TransportUnderTest {
  transport: ConsoleTransport
  /** Resolves when subscriptions are live (HTTP: the SSE stream is open). */
  ready?(): Promise<void>
  close(): Promise<void> | void
}

async function errorOf(promise: Promise<unknown>): Promise<ConsoleApiError> {
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

export function describeConsoleContract(name: string, makeTransport: (service: ConsoleService) => Promise<TransportUnderTest>): void {
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

    it('rejects invalid input with REQUEST_INVALID and field details, changing nothing', async () => {
      const error = await errorOf(client.saveEnvironment({ environment: { id: 'bad id!' } as never }))
      expect(error.code).toBe('REQUEST_INVALID')
      expect(JSON.stringify(error.details)).toContain('environment.id')
      expect((await client.listEnvironments()).environments.map((e) => e.id)).toEqual(['free-local'])
    })

    it('answers METHOD_UNKNOWN for a method outside the contract', async () => {
      const envelope = (await under.transport.call('dropDatabase', {})) as { ok: boolean; error: { code: string } }
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
      expect((await errorOf(client.readResult({ jobId: 'job-finished', index: 9 }))).code).toBe('RESULT_NOT_FOUND')
    })

    it('requires confirmation for destructive commands and refuses to delete a busy environment', async () => {
      expect((await errorOf(client.deleteEnvironment({ id: 'free-local' } as never))).code).toBe('REQUEST_INVALID')
      expect((await errorOf(client.deleteEnvironment({ id: 'free-local', confirm: true }))).code).toBe('ENVIRONMENT_IN_USE')
    })

    it('refuses to publish without an unlocked wallet, then publishes once one exists', async () => {
      const draft = { kind: 'dataset' as const, name: 'Weather', service: { files: [{ type: 'url' as const, url: 'https://example.org/a.csv' }] } }
      expect((await errorOf(client.publishAsset({ draft }))).code).toBe('WALLET_LOCKED')
      const wallet = await client.createWallet({ password: 'correct horse', confirm: true })
      expect(wallet.state).toBe('unlocked')
      const { asset } = await client.publishAsset({ draft })
      expect((await client.listAssets({})).assets.map((a) => a.did)).toEqual([asset.did])
      expect((await client.getSettings()).walletAddress).toBe(wallet.address)
    })

    it('validates an asset draft with messages per field', async () => {
      const result = await client.validateAsset({ draft: { kind: 'algorithm', name: '', service: { files: [] } } })
      expect(result.valid).toBe(false)
      expect(result.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['name', 'service.files']))
    })

    it('pushes job changes in seq order and log chunks to subscribers', async () => {
      const seen: number[] = []
      client.subscribe('onDidChangeJob', (e) => seen.push(e.seq))
      const log = nextEvent<{ jobId: string; chunk: string }>((l) => client.subscribe('onJobLog', l))
      const last = nextEvent<{ to: number; job: { jobId: string } }>((l) => client.subscribe('onDidChangeJob', (e) => e.to === 70 && l(e)))
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
