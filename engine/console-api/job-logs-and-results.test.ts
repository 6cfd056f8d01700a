// readJobLog and saveResult over real files: the algorithm log from its first byte while the job
// runs (before it is a result), ranges that never cut a UTF-8 character, and a result streamed to
// the path the desktop Save dialog chose, with progress, or NOT_AVAILABLE without a dialog.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dispatchConsoleCall } from './dispatch'
import { createFakePorts } from './fake-ports'
import { copyFileStreamed, readFileRange } from './file-access'
import { createLogLineCache } from './log-line-index'
import { createConsoleService } from './service'
import type { EventPayload } from './contract'

function setup(options: { chooseSavePath?: (name: string) => Promise<string | null> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'c2d-logs-'))
  const ports = createFakePorts()
  const logPath = join(dir, 'algorithm.log')
  const resultPath = join(dir, 'out.bin')
  const jobs = {
    ...ports.jobs,
    algorithmLogPath: () => logPath,
    openResult: (_id: string, index: number) => {
      if (index !== 0) throw new Error('no result')
      return {
        path: resultPath,
        sizeBytes: readFileSync(resultPath).length,
        filename: 'out.bin',
        contentType: 'application/octet-stream',
      }
    },
  }
  const service = createConsoleService({
    ...ports,
    jobs,
    readFileRange,
    logLines: createLogLineCache(),
    copyFile: copyFileStreamed,
    ...(options.chooseSavePath ? { chooseSavePath: options.chooseSavePath } : {}),
  })
  return { dir, logPath, resultPath, service, ports }
}

describe('readJobLog', () => {
  it('reads the running algorithm log from its first line, in ranges that keep characters whole', async () => {
    const { logPath, service } = setup()
    writeFileSync(logPath, 'first line\nwärme 1\n')
    const all = await service.readJobLog({
      jobId: 'job-running',
      log: 'algorithm',
      fromByte: 0,
      maxBytes: 1_048_576,
    })
    expect(all).toMatchObject({
      text: 'first line\nwärme 1\n',
      fromByte: 0,
      isRunning: true,
      isAvailable: true,
    })
    expect(all.nextByte).toBe(all.sizeBytes)
    // "ä" is two bytes at 12..13: a range ending at 13 stops before it, the next read starts there.
    const head = await service.readJobLog({
      jobId: 'job-running',
      log: 'algorithm',
      fromByte: 0,
      maxBytes: 13,
    })
    expect(head.text).toBe('first line\nw')
    expect(head.nextByte).toBe(12)
    const rest = await service.readJobLog({
      jobId: 'job-running',
      log: 'algorithm',
      fromByte: 12,
      maxBytes: 100,
    })
    expect(head.text + rest.text).toBe(all.text)
  })

  it('answers an absent log as not available, and an unknown job with JOB_NOT_FOUND', async () => {
    const { service } = setup()
    expect(
      await service.readJobLog({ jobId: 'job-queued', log: 'publish', fromByte: 0, maxBytes: 10 }),
    ).toMatchObject({
      text: '',
      isAvailable: false,
    })
    expect(await dispatchConsoleCall(service, 'readJobLog', { jobId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'JOB_NOT_FOUND' },
    })
    expect(
      await dispatchConsoleCall(service, 'readJobLog', { jobId: 'job-running', fromByte: -1 }),
    ).toMatchObject({
      ok: false,
      error: { code: 'REQUEST_INVALID' },
    })
  })
})

describe('readJobLogLines and searchJobLog', () => {
  it('reads windows of the running log as it grows and searches it on the engine', async () => {
    const { logPath, service } = setup()
    writeFileSync(logPath, 'epoch 1\r\nwärme\r\nepo')
    expect(
      await service.readJobLogLines({ jobId: 'job-running', log: 'algorithm', fromLine: 1, maxLines: 5 }),
    ).toEqual({
      lines: ['wärme', 'epo'],
      hasTimes: false, // written without a times sidecar
      fromLine: 1,
      lineCount: 3,
      sizeBytes: 20,
      isRunning: true,
      isAvailable: true,
    })
    appendFileSync(logPath, 'ch 2\n')
    const found = await service.searchJobLog({
      jobId: 'job-running',
      log: 'algorithm',
      query: 'EPOCH',
      isCaseSensitive: false,
      fromLine: 0,
      direction: 'forward',
      limit: 1,
    })
    expect(found).toMatchObject({ matches: [{ line: 0, column: 0 }], nextCursor: 1, lineCount: 3 })
    const next = await service.searchJobLog({
      jobId: 'job-running',
      log: 'algorithm',
      query: 'EPOCH',
      isCaseSensitive: false,
      fromLine: 1,
      direction: 'forward',
      limit: 1,
    })
    expect(next.matches).toEqual([{ line: 2, column: 0 }])
  })

  it('answers bad input with REQUEST_INVALID and an unknown job with JOB_NOT_FOUND', async () => {
    const { service } = setup()
    expect(
      await dispatchConsoleCall(service, 'searchJobLog', { jobId: 'job-running', query: '' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'REQUEST_INVALID' },
    })
    expect(
      await dispatchConsoleCall(service, 'readJobLogLines', { jobId: 'job-running', maxLines: 1.5 }),
    ).toMatchObject({ ok: false, error: { code: 'REQUEST_INVALID' } })
    expect(await dispatchConsoleCall(service, 'readJobLogLines', { jobId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'JOB_NOT_FOUND' },
    })
  })
})

describe('saveResult', () => {
  it('streams the result to the chosen path with progress', async () => {
    const names: string[] = []
    let target = ''
    const own = setup({ chooseSavePath: async (name) => (names.push(name), target) })
    target = join(own.dir, 'saved.bin')
    writeFileSync(own.resultPath, Buffer.alloc(300_000, 7))
    const seen: Array<EventPayload<'onResultSaveProgress'>> = []
    own.service.subscribe('onResultSaveProgress', (p) => seen.push(p))
    const answer = await own.service.saveResult({ jobId: 'job-finished', index: 0 })
    expect(answer).toEqual({ savedTo: target, sizeBytes: 300_000 })
    expect(readFileSync(target).equals(Buffer.alloc(300_000, 7))).toBe(true)
    expect(seen.length).toBeGreaterThan(2) // 64 KiB reads: several progress events
    expect(seen.at(-1)).toMatchObject({ savedBytes: 300_000, totalBytes: 300_000, isDone: true })
    expect(names).toEqual(['out.bin'])
  })

  it('does nothing when the dialog is cancelled, and answers NOT_AVAILABLE without one', async () => {
    const cancelled = setup({ chooseSavePath: async () => null })
    writeFileSync(cancelled.resultPath, 'x')
    expect(await cancelled.service.saveResult({ jobId: 'job-finished', index: 0 })).toEqual({
      savedTo: null,
      sizeBytes: 1,
    })
    const browser = setup()
    writeFileSync(browser.resultPath, 'x')
    expect(
      await dispatchConsoleCall(browser.service, 'saveResult', { jobId: 'job-finished', index: 0 }),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_AVAILABLE' },
    })
  })
})
