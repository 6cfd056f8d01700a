/**
 * Issue 12 in the Operator-Service: a job under publisher review holds its outputs at 60 without
 * taking a slot, is released or rejected (only its configuration log stays served; a paid job
 * settles with the review recorded), is rejected when its window passes — also across a restart —
 * and every finished job gets receipt.json after the driver's files.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../clock'
import { MemoryLogger } from '../logging'
import { openDatabase } from '../store/database'
import { FakeDriver, HAPPY_STORY } from '../test/fake-driver'
import { Environments, defaultEnvironment } from './environments'
import { fakeJobInput } from './fake-job-input'
import type { JobReceipts, JobRecord, JobSettlement, RegisterJobInput } from './job-record'
import { SqliteOperatorService } from './operator-service'

/** A job under publisher review (a one-hour window) unless `over` says otherwise. */
const input = (over: Partial<RegisterJobInput> = {}) => fakeJobInput({ review: { windowSec: 3600 }, ...over })

async function harness(
  options: { dataDir?: string; clock?: FakeClock; settlement?: JobSettlement; receipts?: JobReceipts } = {},
) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'review-'))
  const db = openDatabase({ file: join(dataDir, 'console.db') })
  const environments = new Environments(db)
  const base = defaultEnvironment(undefined)
  environments.seed([{ ...base, maxJobs: 1, free: { ...base.free!, maxJobs: 1 } }])
  const driver = new FakeDriver()
  const clock = options.clock ?? new FakeClock()
  const service = new SqliteOperatorService({
    db,
    driver,
    environments,
    dataDir,
    logger: new MemoryLogger(),
    clock,
    ...(options.settlement ? { settlement: options.settlement } : {}),
    ...(options.receipts ? { receipts: options.receipts } : {}),
  })
  await service.start()
  return { service, driver, clock, db, dataDir }
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

function runToOutputs(h: Awaited<ReturnType<typeof harness>>, jobId: string) {
  const config = h.driver.writeResult(jobId, 'configuration.log', 'staged\n', 'configurationLog')
  const log = h.driver.writeResult(jobId, 'algorithm.log', 'secret row\n', 'algorithmLog')
  const out = h.driver.writeResult(jobId, 'outputs.tar', Buffer.from([1, 2, 3]), 'output')
  h.driver.play(jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [config, log, out] }])
}

/** The algorithm exits 3 after writing a log and outputs (they may leak data like a success's). */
function runToFailure(h: Awaited<ReturnType<typeof harness>>, jobId: string) {
  const config = h.driver.writeResult(jobId, 'configuration.log', 'staged\n', 'configurationLog')
  const log = h.driver.writeResult(jobId, 'algorithm.log', 'secret row\nTraceback\n', 'algorithmLog')
  const out = h.driver.writeResult(jobId, 'outputs.tar', Buffer.from([1, 2, 3]), 'output')
  h.driver.play(jobId, [
    ...HAPPY_STORY.slice(0, 3),
    { kind: 'container-exited', exitCode: 3, oomKilled: false, atMs: 2 },
    { kind: 'publishing' },
    { kind: 'outputs-collected', results: [config, log, out] },
  ])
}

describe('publisher review in the Operator-Service', () => {
  it('holds at 60 without a slot, then releases to 70 succeeded with every file', async () => {
    const h = await harness()
    const job = h.service.registerJob(input())
    await flush()
    runToOutputs(h, job.jobId)
    const held = h.service.getJob(job.jobId)!
    expect(held.status).toBe(60)
    expect(held.review).toMatchObject({ state: 'held', windowSec: 3600 })
    expect(held.review!.deadlineMs).toBe(h.clock.nowMs() + 3_600_000)
    expect(held.results).toHaveLength(3)
    // The held job frees its slot: the next job (maxJobs 1) starts.
    const next = h.service.registerJob(input({ review: undefined }))
    await flush()
    expect(h.service.getJob(next.jobId)!.status).toBe(0)
    // The driver replaying its story changes nothing while held.
    h.driver.play(job.jobId, [{ kind: 'lost', reason: 'restart' }])
    expect(h.service.getJob(job.jobId)!.status).toBe(60)

    const released = h.service.releaseJob(job.jobId)
    expect(released.status).toBe(70)
    expect(released.outcome).toEqual({ kind: 'succeeded' })
    expect(released.review).toMatchObject({ state: 'released', decidedBy: 'publisher' })
    expect(released.results.map((r) => r.filename)).toEqual([
      'configuration.log',
      'algorithm.log',
      'outputs.tar',
    ])
    expect(() => h.service.releaseJob(job.jobId)).toThrow(expect.objectContaining({ code: 'JOB_NOT_HELD' }))
  })

  it('rejects with a reason: 70 failed, only the configuration log served; a paid job settles with the review', async () => {
    const settled: JobRecord[] = []
    const h = await harness({
      settlement: {
        async settle(job) {
          settled.push(job)
          return { cancelTx: '0xcancel' }
        },
      },
    })
    const job = h.service.registerJob(
      input({ isFree: false, payment: { chainId: 1, token: '0xT', costWei: '100', lockTx: '0xlock' } }),
    )
    await flush()
    runToOutputs(h, job.jobId)
    expect(h.service.getJob(job.jobId)!.status).toBe(60)
    const rejected = h.service.rejectJob(job.jobId, { reason: 'copies raw rows' })
    expect(rejected.status).toBe(71)
    await flush()
    const done = h.service.getJob(job.jobId)!
    expect(done.status).toBe(70)
    expect(done.outcome).toEqual({
      kind: 'failed',
      reason: 'The publisher rejected the outputs: copies raw rows',
    })
    expect(done.results).toEqual([
      { filename: 'configuration.log', filesizeBytes: 7, type: 'configurationLog', index: 0 },
    ])
    expect(done.payment?.cancelTx).toBe('0xcancel')
    expect(settled[0]?.review).toMatchObject({ state: 'rejected', reason: 'copies raw rows' })
    expect(() => h.service.openResult(job.jobId, 1)).toThrow(
      expect.objectContaining({ code: 'RESULT_NOT_FOUND' }),
    )
  })

  it('rejects a job whose review window passes, also after a restart', async () => {
    const clock = new FakeClock()
    const first = await harness({ clock })
    const job = first.service.registerJob(input())
    await flush()
    runToOutputs(first, job.jobId)
    expect(first.service.getJob(job.jobId)!.review?.state).toBe('held')
    await first.service.close()
    first.db.close()

    clock.advance(3_600_000 + 1)
    const second = await harness({ clock, dataDir: first.dataDir })
    expect(second.driver.resumed).not.toContain(job.jobId)
    clock.advance(0)
    const done = second.service.getJob(job.jobId)!
    expect(done.status).toBe(70)
    expect(done.outcome?.kind).toBe('failed')
    expect(done.outcome?.reason).toBe("The publisher's review window of 1 h passed without a decision")
    expect(done.review).toMatchObject({ state: 'rejected', decidedBy: 'window' })

    // A held job whose window has not passed is still held after a restart, and its timer fires later.
    const pending = second.service.registerJob(input())
    await flush()
    runToOutputs(second, pending.jobId)
    await second.service.close()
    second.db.close()
    const third = await harness({ clock, dataDir: first.dataDir })
    expect(third.service.getJob(pending.jobId)!.review?.state).toBe('held')
    clock.advance(3_599_000)
    expect(third.service.getJob(pending.jobId)!.status).toBe(60)
    clock.advance(1_000)
    expect(third.service.getJob(pending.jobId)!.review?.state).toBe('rejected')
  })

  it('holds a job whose algorithm failed, without a slot; release ends it failed, with every file', async () => {
    const h = await harness()
    const job = h.service.registerJob(input())
    await flush()
    runToFailure(h, job.jobId)
    const held = h.service.getJob(job.jobId)!
    expect(held.status).toBe(41)
    expect(held.review).toMatchObject({ state: 'held', windowSec: 3600 })
    expect(held.outcome).toMatchObject({ kind: 'failed', failureStatus: 41 })
    expect(held.results).toHaveLength(3)
    // Listed for review and not holding its slot: the next job (maxJobs 1) starts.
    const next = h.service.registerJob(input({ review: undefined }))
    await flush()
    expect(h.service.getJob(next.jobId)!.status).toBe(0)

    const released = h.service.releaseJob(job.jobId)
    expect(released.status).toBe(70)
    expect(released.outcome).toMatchObject({
      kind: 'failed',
      failureStatus: 41,
      reason: 'the algorithm exited with code 3',
    })
    expect(released.terminationDetails.exitCode).toBe(3)
    expect(released.review).toMatchObject({ state: 'released', decidedBy: 'publisher' })
    expect(released.results.map((r) => r.filename)).toEqual([
      'configuration.log',
      'algorithm.log',
      'outputs.tar',
    ])
  })

  it('rejects a held failure like a held success; it stays held across a restart', async () => {
    const clock = new FakeClock()
    const first = await harness({ clock })
    const job = first.service.registerJob(input())
    await flush()
    runToFailure(first, job.jobId)
    await first.service.close()
    first.db.close()
    const h = await harness({ clock, dataDir: first.dataDir })
    expect(h.driver.resumed).not.toContain(job.jobId)
    expect(h.service.getJob(job.jobId)).toMatchObject({ status: 41, review: { state: 'held' } })
    const rejected = h.service.rejectJob(job.jobId, { reason: 'log prints rows' })
    expect(rejected.status).toBe(70)
    expect(rejected.outcome).toEqual({
      kind: 'failed',
      reason: 'The publisher rejected the outputs: log prints rows',
    })
    expect(rejected.results.map((r) => r.filename)).toEqual(['configuration.log'])
  })

  it('appends receipt.json after the driver files once a job reaches 70', async () => {
    const sealed: string[] = []
    const receipts: JobReceipts = {
      async seal(job, resultsDir) {
        sealed.push(job.jobId)
        writeFileSync(join(resultsDir, 'receipt.json'), '{}')
        return { filename: 'receipt.json', filesizeBytes: 2 }
      },
    }
    const h = await harness({ receipts })
    const job = h.service.registerJob(input({ review: undefined }))
    await flush()
    runToOutputs(h, job.jobId)
    await flush()
    const done = h.service.getJob(job.jobId)!
    expect(done.results.map((r) => [r.index, r.filename, r.type])).toEqual([
      [0, 'configuration.log', 'configurationLog'],
      [1, 'algorithm.log', 'algorithmLog'],
      [2, 'outputs.tar', 'output'],
      [3, 'receipt.json', 'receipt'],
    ])
    expect(h.service.openResult(job.jobId, 3).contentType).toBe('application/json')
    expect(sealed).toEqual([job.jobId])
  })
})
