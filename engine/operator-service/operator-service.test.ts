import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isC2dError } from '../c2d-error'
import { FakeClock } from '../clock'
import { MemoryLogger } from '../logging'
import { openDatabase, type Database } from '../store/database'
import { FakeDriver, HAPPY_STORY } from '../test/fake-driver'
import { Environments, defaultEnvironment } from './environments'
import { fakeJobInput } from './fake-job-input'
import { IllegalJobTransition } from './job-state-machine'
import {
  CLOSE_GRACE_MS,
  STOP_GRACE_MS,
  SqliteOperatorService,
  type JobChange,
  type JobRecord,
  type JobSettlement,
} from './operator-service'
import type { JobOutputDelivery } from './job-record'

const input = fakeJobInput

interface Harness {
  service: SqliteOperatorService
  driver: FakeDriver
  clock: FakeClock
  db: Database
  dataDir: string
  changes: JobChange[]
  logger: MemoryLogger
  environments: Environments
}

async function harness(
  options: {
    maxJobs?: number
    freeMaxJobs?: number
    queueMaxWaitTimeSec?: number
    settlement?: JobSettlement
    dataDir?: string
    driver?: FakeDriver
    outputDelivery?: JobOutputDelivery
  } = {},
): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'opsvc-'))
  const db = openDatabase({ file: join(dataDir, 'console.db') })
  const environments = new Environments(db)
  const base = defaultEnvironment(undefined)
  environments.seed([
    {
      ...base,
      maxJobs: options.maxJobs ?? 2,
      queueMaxWaitTimeSec: options.queueMaxWaitTimeSec ?? 0,
      free: { ...base.free!, maxJobs: options.freeMaxJobs ?? options.maxJobs ?? 2 },
    },
  ])
  const driver = options.driver ?? new FakeDriver()
  const clock = new FakeClock()
  const logger = new MemoryLogger()
  const service = new SqliteOperatorService({
    db,
    driver,
    environments,
    dataDir,
    logger,
    clock,
    settlement: options.settlement,
    ...(options.outputDelivery ? { outputDelivery: options.outputDelivery } : {}),
  })
  const changes: JobChange[] = []
  service.onDidChangeJob((c) => changes.push(c))
  await service.start()
  return { service, driver, clock, db, dataDir, changes, logger, environments }
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

describe('SqliteOperatorService', () => {
  it('writes the job (status 1 then 0) before the driver starts it, and records every event', async () => {
    const h = await harness()
    const seenAtStart: number[] = []
    h.driver.start = async (spec) => {
      seenAtStart.push(h.service.getJob(spec.jobId)!.status)
    }
    const job = h.service.registerJob(input())
    await flush()
    expect(seenAtStart).toEqual([0])
    expect(h.service.jobEvents(job.jobId).map((e) => [e.from, e.to])).toEqual([
      [null, 1],
      [1, 0],
    ])
    expect(h.changes.map((c) => c.to)).toEqual([1, 0])
    expect(h.changes[1]!.seq).toBeGreaterThan(h.changes[0]!.seq)
  })

  it('runs a free job to 70 with indexed results, succeeded outcome, one info line per transition', async () => {
    const h = await harness()
    const job = h.service.registerJob(input())
    await flush()
    const log = h.driver.writeResult(job.jobId, 'algorithm.log', 'hello\n', 'algorithmLog')
    const out = h.driver.writeResult(job.jobId, 'outputs.tar', Buffer.from([1, 2, 3]), 'output')
    h.driver.play(job.jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [log, out] }])
    const done = h.service.getJob(job.jobId)!
    expect(done.status).toBe(70)
    expect(done.outcome).toEqual({ kind: 'succeeded' })
    expect(done.finishedAtMs).not.toBeNull()
    expect(done.results.map((r) => [r.index, r.filename])).toEqual([
      [0, 'algorithm.log'],
      [1, 'outputs.tar'],
    ])
    expect(h.service.jobEvents(job.jobId).map((e) => e.to)).toEqual([1, 0, 20, 30, 40, 60, 70])
    expect(h.logger.lines.filter((l) => l.msg === 'job status' && l.meta.jobId === job.jobId)).toHaveLength(6)
    const opened = h.service.openResult(job.jobId, 0)
    expect(opened.contentType).toMatch(/^text\/plain/)
    expect(readFileSync(opened.path, 'utf8')).toBe('hello\n')
    expect(h.service.openResult(job.jobId, 1).contentType).toBe('application/octet-stream')
    expect(() => h.service.openResult(job.jobId, 2)).toThrow(
      expect.objectContaining({ code: 'RESULT_NOT_FOUND', status: 404 }),
    )
    expect(h.driver.cleaned).toContain(job.jobId)
  })

  it('a finished result keeps its path and size until the job is deleted; a re-created job is opened afresh', async () => {
    const h = await harness()
    const finish = async (bytes: number) => {
      const job = h.service.registerJob(input({ jobId: 'same-id' }))
      await flush()
      const out = h.driver.writeResult(job.jobId, 'outputs.tar', Buffer.alloc(bytes, 7), 'output')
      h.driver.play(job.jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [out] }])
      expect(h.service.getJob(job.jobId)!.status).toBe(70)
    }
    await finish(3)
    expect(h.service.openResult('same-id', 0).sizeBytes).toBe(3)
    expect(h.service.openResult('same-id', 0)).toEqual(h.service.openResult('same-id', 0))
    await h.service.deleteJob('same-id')
    expect(() => h.service.openResult('same-id', 0)).toThrow(
      expect.objectContaining({ code: 'JOB_NOT_FOUND' }),
    )
    await finish(5)
    const reopened = h.service.openResult('same-id', 0)
    expect(reopened.sizeBytes).toBe(5)
    expect(readFileSync(reopened.path)).toEqual(Buffer.alloc(5, 7))
  })

  it('refuses a result whose name escapes the results folder', async () => {
    const h = await harness()
    const job = h.service.registerJob(input())
    await flush()
    h.driver.play(job.jobId, [
      ...HAPPY_STORY,
      {
        kind: 'outputs-collected',
        results: [{ filename: '../../console.db', filesizeBytes: 1, type: 'output' }],
      },
    ])
    expect(() => h.service.openResult(job.jobId, 0)).toThrow(
      expect.objectContaining({ code: 'FILE_NAME_INVALID' }),
    )
  })

  it('answers JOB_NOT_FOUND (404) for unknown jobs', async () => {
    const h = await harness()
    expect(h.service.getJob('nope')).toBeUndefined()
    await expect(h.service.stopJob('nope')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND', status: 404 })
    expect(() => h.service.openResult('nope', 0)).toThrow(expect.objectContaining({ code: 'JOB_NOT_FOUND' }))
  })

  it('rejects an unknown environment and changes nothing', async () => {
    const h = await harness()
    let error: unknown
    try {
      h.service.registerJob(input({ environmentId: 'nowhere' }))
    } catch (e) {
      error = e
    }
    expect(isC2dError(error) && error.code).toBe('ENVIRONMENT_UNKNOWN')
    expect(h.service.countJobs({})).toBe(0)
  })

  it('throws IllegalJobTransition through the one door and writes nothing', async () => {
    const h = await harness()
    const job = h.service.registerJob(input())
    expect(() => h.service.transition(job.jobId, 40, 'test')).toThrow(IllegalJobTransition)
    expect(h.service.getJob(job.jobId)!.status).toBe(0)
    expect(h.service.jobEvents(job.jobId)).toHaveLength(2)
  })

  it('queues beyond maxJobs (status 1) and starts the oldest when a slot frees', async () => {
    const h = await harness({ maxJobs: 1 })
    const a = h.service.registerJob(input())
    h.clock.advance(1)
    const b = h.service.registerJob(input())
    await flush()
    expect(h.service.getJob(a.jobId)!.status).toBe(0)
    expect(h.service.getJob(b.jobId)!.status).toBe(1)
    expect(h.service.environmentLoad('local-sandbox')).toEqual({
      running: 1,
      queued: 1,
      runningFree: 1,
      queuedFree: 1,
    })
    h.driver.play(a.jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [] }])
    expect(h.service.getJob(b.jobId)!.status).toBe(0)
    expect(h.driver.started).toEqual([a.jobId, b.jobId])
  })

  it('expires a queued job after queueMaxWaitTimeSec: 1 → 2 → 70 expired', async () => {
    const h = await harness({ maxJobs: 1, queueMaxWaitTimeSec: 30 })
    h.service.registerJob(input())
    const queued = h.service.registerJob(input())
    h.clock.advance(29_000)
    expect(h.service.getJob(queued.jobId)!.status).toBe(1)
    h.clock.advance(1_000)
    const expired = h.service.getJob(queued.jobId)!
    expect(expired.status).toBe(70)
    expect(expired.outcome).toMatchObject({ kind: 'expired', failureStatus: 2 })
    expect(h.service.jobEvents(queued.jobId).map((e) => e.to)).toEqual([1, 2, 70])
  })

  it('stops a queued job straight to 70 stopped', async () => {
    const h = await harness({ maxJobs: 1 })
    h.service.registerJob(input())
    const queued = h.service.registerJob(input())
    const stopped = await h.service.stopJob(queued.jobId)
    expect(stopped.status).toBe(70)
    expect(stopped.outcome?.kind).toBe('stopped')
    expect(h.driver.stopped).toEqual([])
  })

  it('stops a running job: publishes what exists (40 → 60 → 70), outcome stopped', async () => {
    const h = await harness()
    const job = h.service.registerJob(input())
    await flush()
    h.driver.play(job.jobId, [{ kind: 'algorithm-started', atMs: 1 }])
    expect(h.service.isAlgorithmRunning(job.jobId)).toBe(true)
    await h.service.stopJob(job.jobId)
    expect(h.driver.stopped).toEqual([job.jobId])
    expect(h.service.getJob(job.jobId)!.status).toBe(60)
    h.driver.play(job.jobId, [{ kind: 'outputs-collected', results: [] }])
    const done = h.service.getJob(job.jobId)!
    expect(done.status).toBe(70)
    expect(done.outcome?.kind).toBe('stopped')
  })

  it('fails a stopped job whose driver never ends it, within the stop grace, and frees its slot', async () => {
    const h = await harness({ maxJobs: 1 })
    h.driver.stopScript = [] // the driver is stuck (issue 13: a packer that never returned)
    const stuck = h.service.registerJob(input())
    await flush()
    h.driver.play(stuck.jobId, [{ kind: 'algorithm-started', atMs: 1 }, { kind: 'publishing' }])
    const waiting = h.service.registerJob(input())
    await h.service.stopJob(stuck.jobId)
    expect(h.service.getJob(stuck.jobId)!.status).toBe(60)
    h.clock.advance(STOP_GRACE_MS - 1)
    expect(h.service.getJob(stuck.jobId)!.status).toBe(60)
    h.clock.advance(1)
    const ended = h.service.getJob(stuck.jobId)!
    expect(ended.status).toBe(70)
    expect(ended.outcome?.reason).toMatch(/did not end within 30 s of the stop request/)
    await flush()
    expect(h.driver.started).toContain(waiting.jobId)
  })

  it('shuts down even when the driver never closes', async () => {
    const h = await harness()
    h.driver.close = () => new Promise(() => {})
    let closed = false
    const closing = h.service.close().then(() => (closed = true))
    await flush()
    expect(closed).toBe(false)
    h.clock.advance(CLOSE_GRACE_MS)
    await closing
    expect(h.logger.lines.some((e) => e.msg.includes('did not close in time'))).toBe(true)
  })

  it('settles a paid job at 71 and records the claim tx, retrying a failed settlement', async () => {
    let calls = 0
    const settled: JobRecord[] = []
    const settlement: JobSettlement = {
      async settle(job) {
        calls++
        if (calls === 1) throw new Error('rpc down')
        settled.push(job)
        return { claimTx: '0xclaim' }
      },
    }
    const h = await harness({ settlement })
    const payment = { chainId: 8996, token: '0xtoken', costWei: '100' }
    const job = h.service.registerJob(input({ isFree: false, payment }))
    await flush()
    h.driver.play(job.jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [] }])
    await flush()
    expect(h.service.getJob(job.jobId)!.status).toBe(71)
    h.clock.advance(5_000)
    await flush()
    const done = h.service.getJob(job.jobId)!
    expect(done.status).toBe(70)
    expect(done.payment?.claimTx).toBe('0xclaim')
    expect(settled[0]!.status).toBe(71)
  })

  it('fails a job with a reason when the driver cannot start it', async () => {
    const driver = new FakeDriver()
    driver.failStartWith = new Error('bwrap missing')
    const h = await harness({ driver })
    const job = h.service.registerJob(input())
    await flush()
    const failed = h.service.getJob(job.jobId)!
    // It ends (70) with the failure recorded, instead of waiting at 22 for a driver that never started.
    expect(failed.status).toBe(70)
    expect(failed.outcome).toMatchObject({ kind: 'failed', failureStatus: 22 })
    expect(failed.outcome?.reason).toContain('bwrap missing')
    expect(h.service.jobEvents(job.jobId).map((e) => e.to)).toContain(22)
  })

  it('recovers after a restart: queued requeued, running resumed, lost ones failed with a reason', async () => {
    const first = await harness({ maxJobs: 2 })
    const running = first.service.registerJob(input())
    const lost = first.service.registerJob(input())
    const queued = first.service.registerJob(input())
    await flush()
    first.driver.play(running.jobId, [{ kind: 'algorithm-started', atMs: 1 }])
    first.driver.play(lost.jobId, [{ kind: 'algorithm-started', atMs: 1 }])
    await first.service.close()
    first.db.close()

    const driver = new FakeDriver()
    driver.resumeScripts.set(running.jobId, [
      { kind: 'container-exited', exitCode: 0, oomKilled: false, atMs: 5 },
      { kind: 'publishing' },
      { kind: 'outputs-collected', results: [] },
    ])
    const second = await harness({ dataDir: first.dataDir, driver, maxJobs: 2 })
    expect(driver.resumed.sort()).toEqual([running.jobId, lost.jobId].sort())
    expect(second.service.getJob(running.jobId)!.outcome?.kind).toBe('succeeded')
    const lostJob = second.service.getJob(lost.jobId)!
    expect(lostJob.status).toBe(70)
    expect(lostJob.outcome).toMatchObject({ kind: 'failed', failureStatus: 41 })
    expect(lostJob.outcome?.reason).toContain('no trace')
    // Both slots freed: the queued job started.
    expect(second.service.getJob(queued.jobId)!.status).toBe(0)
  })

  it('after a restart, a job stopped before its algorithm started ends stopped and is not resumed', async () => {
    const first = await harness({ maxJobs: 2 })
    first.driver.stopScript = []
    const job = first.service.registerJob(input())
    await flush()
    first.driver.play(job.jobId, [{ kind: 'volumes-configuring' }])
    await first.service.stopJob(job.jobId)
    await first.service.close()
    first.db.close()

    const driver = new FakeDriver()
    const second = await harness({ dataDir: first.dataDir, driver, maxJobs: 2 })
    expect(driver.resumed).toEqual([])
    const ended = second.service.getJob(job.jobId)!
    expect(ended.status).toBe(70)
    expect(ended.outcome).toMatchObject({ kind: 'stopped' })
    expect(ended.outcome?.reason).toContain('restarted before the stop completed')
  })

  it('deletes only finished jobs', async () => {
    const h = await harness()
    const job = h.service.registerJob(input())
    await expect(h.service.deleteJob(job.jobId)).rejects.toMatchObject({ code: 'JOB_NOT_FINISHED' })
    await flush()
    h.driver.play(job.jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [] }])
    await h.service.deleteJob(job.jobId)
    expect(h.service.getJob(job.jobId)).toBeUndefined()
  })

  it('filters by owner case-insensitively, status, did, and counts', async () => {
    const h = await harness({ maxJobs: 1 })
    h.service.registerJob(input())
    h.service.registerJob(
      input({
        owner: '0x0000000000000000000000000000000000000002',
        datasets: [{ did: 'did:op:other', serviceId: 's' }],
      }),
    )
    expect(h.service.listJobs({ owner: '0xabc0000000000000000000000000000000000001' })).toHaveLength(1)
    expect(h.service.countJobs({ statuses: [1] })).toBe(1)
    expect(h.service.listJobs({ did: 'did:op:other' })).toHaveLength(1)
    expect(h.service.listJobs({ did: 'did:op:algo' })).toHaveLength(2)
    expect(h.service.listJobs({ limit: 1 })).toHaveLength(1)
  })

  it('refuses followAlgorithmLog when the algorithm is not running', async () => {
    const h = await harness()
    const job = h.service.registerJob(input())
    expect(() => h.service.followAlgorithmLog(job.jobId, new AbortController().signal)).toThrow(
      expect.objectContaining({ code: 'LOGS_NOT_STREAMING' }),
    )
  })
})

describe('SqliteOperatorService free tier', () => {
  it('caps concurrent free jobs at free.maxJobs while paid jobs use the remaining slots', async () => {
    const h = await harness({ maxJobs: 2, freeMaxJobs: 1 })
    const free1 = h.service.registerJob(input())
    h.clock.advance(1)
    const free2 = h.service.registerJob(input())
    h.clock.advance(1)
    const paid = h.service.registerJob(
      input({ isFree: false, payment: { chainId: 8996, token: '0xt', costWei: '1' } }),
    )
    expect(h.service.getJob(free1.jobId)!.status).toBe(0)
    expect(h.service.getJob(free2.jobId)!.status).toBe(1)
    expect(h.service.getJob(paid.jobId)!.status).toBe(0)
    expect(h.service.environmentLoad('local-sandbox')).toEqual({
      running: 2,
      queued: 1,
      runningFree: 1,
      queuedFree: 1,
    })
  })
})

describe('SqliteOperatorService logs', () => {
  it('emits onJobLog chunks of algorithm.log while the algorithm runs, and streams followAlgorithmLog', async () => {
    const h = await harness()
    const chunks: string[] = []
    h.service.onJobLog((e) => chunks.push(e.chunk))
    const job = h.service.registerJob(input())
    await flush()
    h.driver.writeResult(job.jobId, 'algorithm.log', 'step 1\n', 'algorithmLog')
    h.driver.play(job.jobId, [
      { kind: 'volumes-configuring' },
      { kind: 'provisioning' },
      { kind: 'algorithm-started', atMs: 1 },
    ])
    const followed: string[] = []
    const follow = (async () => {
      for await (const chunk of h.service.followAlgorithmLog(job.jobId, new AbortController().signal))
        followed.push(chunk.toString())
    })()
    for (let i = 0; i < 10_000 && (chunks.length === 0 || followed.length === 0); i++) await flush()
    expect(chunks).toEqual(['step 1\n'])
    expect(followed).toEqual(['step 1\n'])
    h.driver.play(job.jobId, [
      { kind: 'container-exited', exitCode: 0, oomKilled: false, atMs: 2 },
      { kind: 'publishing' },
    ])
    // Wake the tails (they poll on the clock); the algorithm has ended, so they finish.
    let finished = false
    void follow.then(() => (finished = true))
    for (let i = 0; i < 10_000 && !finished; i++) {
      h.clock.advance(1_000)
      await flush()
    }
    await follow
    expect(h.service.isAlgorithmRunning(job.jobId)).toBe(false)
  })
})

describe('SqliteOperatorService settlement after restart', () => {
  it('keeps a paid job at 71 until settlement is bound, and settles it again after a restart', async () => {
    const first = await harness()
    const job = first.service.registerJob(
      input({ isFree: false, payment: { chainId: 8996, token: '0xt', costWei: '5' } }),
    )
    await flush()
    first.driver.play(job.jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [] }])
    expect(first.service.getJob(job.jobId)!.status).toBe(71) // no settlement bound: waits, never skips payment
    await first.service.close()
    first.db.close()

    const calls: string[] = []
    const second = await harness({ dataDir: first.dataDir })
    expect(second.service.getJob(job.jobId)!.status).toBe(71)
    second.service.setSettlement({
      async settle(j) {
        calls.push(j.jobId)
        return { cancelTx: '0xcancel' }
      },
    })
    await flush()
    expect(calls).toEqual([job.jobId])
    const done = second.service.getJob(job.jobId)!
    expect(done.status).toBe(70)
    expect(done.payment?.cancelTx).toBe('0xcancel')
    expect(second.service.jobEvents(job.jobId).at(-1)!.cause).toBe('settled: cancelled')
  })
})

describe('SqliteOperatorService paid stop in queue', () => {
  it('stops a paid queued job at 70 and cancels its escrow lock', async () => {
    const settled: Array<{ jobId: string; status: number }> = []
    const h = await harness({
      maxJobs: 1,
      settlement: {
        async settle(j) {
          settled.push({ jobId: j.jobId, status: j.status })
          return { cancelTx: '0xrefund' }
        },
      },
    })
    h.service.registerJob(input())
    const paid = h.service.registerJob(
      input({ isFree: false, payment: { chainId: 8996, token: '0xt', costWei: '9' } }),
    )
    await h.service.stopJob(paid.jobId)
    await flush()
    expect(settled).toEqual([{ jobId: paid.jobId, status: 70 }])
    const done = h.service.getJob(paid.jobId)!
    expect(done.outcome?.kind).toBe('stopped')
    expect(done.payment?.cancelTx).toBe('0xrefund')
  })

  describe('outputBucketId: outputs written into the bucket before the job may finish', () => {
    /** A delivery that waits until the test settles it, recording what it was asked. */
    function deferredDelivery() {
      const calls: Array<{ jobId: string; bucketId?: string; tarPath: string }> = []
      let settle: (error?: Error) => void = () => undefined
      const delivery: JobOutputDelivery = {
        deliver: (job, tarPath) => {
          calls.push({ jobId: job.jobId, bucketId: job.outputBucketId, tarPath })
          return new Promise((resolve, reject) => {
            settle = (error) => (error ? reject(error) : resolve({ written: ['a.txt'], skipped: [] }))
          })
        },
      }
      return { calls, delivery, settle: (error?: Error) => settle(error) }
    }
    const BUCKET = '0b7e2f6e-8d6a-4b8e-9c1d-2f3a4b5c6d7e'

    async function finishWithOutputs(h: Harness, outputBucketId?: string) {
      const job = h.service.registerJob({ ...input(), ...(outputBucketId ? { outputBucketId } : {}) })
      await flush()
      const out = h.driver.writeResult(job.jobId, 'outputs.tar', Buffer.from([1, 2, 3]), 'output')
      h.driver.play(job.jobId, [...HAPPY_STORY, { kind: 'outputs-collected', results: [out] }])
      return job
    }

    it('holds the job at 60 until the outputs are written, then finishes it; later observations wait', async () => {
      const d = deferredDelivery()
      const h = await harness({ outputDelivery: d.delivery })
      const job = await finishWithOutputs(h, BUCKET)
      expect(h.service.getJob(job.jobId)!.outputBucketId).toBe(BUCKET)
      expect(h.service.getJob(job.jobId)!.status).toBe(60)
      expect(d.calls).toEqual([
        { jobId: job.jobId, bucketId: BUCKET, tarPath: join(job.spec.jobDir, 'results', 'outputs.tar') },
      ])
      // A repeated collection while the write runs waits for it and is then harmless.
      h.driver.play(job.jobId, [{ kind: 'outputs-collected', results: [] }])
      d.settle()
      await flush()
      await flush()
      const done = h.service.getJob(job.jobId)!
      expect(done.status).toBe(70)
      expect(done.outcome).toEqual({ kind: 'succeeded' })
      expect(done.results.map((r) => r.filename)).toEqual(['outputs.tar'])
      expect(d.calls).toHaveLength(1)
    })

    it('a failed write ends the job 61 with the reason, never as a success', async () => {
      const d = deferredDelivery()
      const h = await harness({ outputDelivery: d.delivery })
      const job = await finishWithOutputs(h, BUCKET)
      d.settle(new Error('The bucket may hold at most 16 bytes on this node'))
      await flush()
      await flush()
      const done = h.service.getJob(job.jobId)!
      expect(h.service.jobEvents(job.jobId).map((e) => e.to)).toEqual([1, 0, 20, 30, 40, 60, 61, 70])
      expect(done.outcome).toMatchObject({ kind: 'failed', failureStatus: 61 })
      expect((done.outcome as { reason: string }).reason).toBe(
        `the outputs could not be written to bucket ${BUCKET}: The bucket may hold at most 16 bytes on this node`,
      )
    })

    it('without storage bound the job fails 61 saying so; a job without a bucket is never delivered', async () => {
      const h = await harness()
      const job = await finishWithOutputs(h, BUCKET)
      await flush()
      await flush()
      expect(h.service.getJob(job.jobId)!.outcome).toMatchObject({
        kind: 'failed',
        failureStatus: 61,
        reason: expect.stringMatching(/persistent storage is not enabled/),
      })
      const d = deferredDelivery()
      const h2 = await harness({ outputDelivery: d.delivery })
      const plain = await finishWithOutputs(h2)
      expect(h2.service.getJob(plain.jobId)!.status).toBe(70)
      expect(d.calls).toEqual([])
    })
  })
})
