import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { createConsoleClient, type ConsoleEnvelope } from '../../engine/console-api/contract'
import { dispatchConsoleCall } from '../../engine/index'
import { consoleEvents } from '../../engine/console-api/contract'
import { FakeIpcMain, FakeIpcRenderer, FakeWebContents, FakeWebFrame } from '../test/fake-electron'
import { createFakeLogger } from '../test/fake-logger'
import { createTestConsoleService } from '../test/engine-test-support'
import {
  createC2dBridge,
  IPC_CALL_CHANNEL as PRELOAD_CALL,
  IPC_EVENT_CHANNEL as PRELOAD_EVENT,
} from '../preload/c2d-bridge'
import {
  checkSender,
  createIpcServer,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  type IpcServer,
} from './ipc-server'

const APP = 'app://console/index.html'

describe('IPC sender validation (validatedIpcMain)', () => {
  const attached = new Set([1])
  const event = (frame: FakeWebFrame | null, senderId = 1) => ({
    sender: Object.assign(new FakeWebContents(), { id: senderId }),
    senderFrame: frame,
  })

  it.each([
    ['a main frame at app://console', true, new FakeWebFrame(APP), 1],
    ['a frame that is gone', false, null, 1],
    ['a sub-frame of the console', false, new FakeWebFrame('app://console/x.html', new FakeWebFrame(APP)), 1],
    ['another origin', false, new FakeWebFrame('https://evil.example/'), 1],
    ['file://', false, new FakeWebFrame('file:///tmp/index.html'), 1],
    ['another host on our scheme', false, new FakeWebFrame('app://other/index.html'), 1],
    ['a window the server was not attached to', false, new FakeWebFrame(APP), 2],
  ] as const)('%s → accepted: %s', (_name, expected, frame, senderId) => {
    expect(checkSender(event(frame, senderId), attached).ok).toBe(expected)
  })
})

describe('IPC server', () => {
  let ipcMain: FakeIpcMain
  let window: FakeWebContents
  let server: IpcServer
  let ports: ReturnType<typeof createTestConsoleService>['ports']
  const logger = createFakeLogger()

  beforeEach(() => {
    ipcMain = new FakeIpcMain()
    const test = createTestConsoleService()
    ports = test.ports
    server = createIpcServer({
      ipcMain,
      service: test.service,
      logger,
      dispatch: dispatchConsoleCall,
      events: consoleEvents,
    })
    window = new FakeWebContents(APP)
    server.attach(window)
  })
  afterEach(() => server.dispose())

  const callFrom = (renderer: FakeIpcRenderer, method: unknown, input: unknown) =>
    renderer.invoke(IPC_CALL_CHANNEL, method, input) as Promise<ConsoleEnvelope>

  it('answers a valid call from the console window with { ok: true, value }', async () => {
    const envelope = await callFrom(new FakeIpcRenderer(ipcMain, window), 'getJob', { jobId: 'job-queued' })
    expect(envelope.ok).toBe(true)
    expect(envelope.ok && (envelope.value as { job: { status: number } }).job.status).toBe(1)
  })

  it('refuses a call from another origin and changes nothing', async () => {
    const evil = new FakeWebContents('https://evil.example/')
    server.attach(evil) // even an attached window, once elsewhere, may not call
    const refused = await callFrom(new FakeIpcRenderer(ipcMain, evil), 'stopJob', { jobId: 'job-queued' })
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    const after = await callFrom(new FakeIpcRenderer(ipcMain, window), 'getJob', { jobId: 'job-queued' })
    expect(after.ok && (after.value as { job: { status: number } }).job.status).toBe(1)
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg === 'IPC call refused')).toBe(true)
  })

  it('refuses a call from a sub-frame of the console window', async () => {
    const child = new FakeWebFrame('app://console/index.html', window.mainFrame)
    const refused = await callFrom(new FakeIpcRenderer(ipcMain, window, child), 'stopJob', {
      jobId: 'job-queued',
    })
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
  })

  it('refuses a window it was not attached to, and one that was destroyed', async () => {
    const stranger = new FakeWebContents(APP)
    expect(await callFrom(new FakeIpcRenderer(ipcMain, stranger), 'listJobs', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    })
    const renderer = new FakeIpcRenderer(ipcMain, window)
    window.destroy()
    expect(await callFrom(renderer, 'listJobs', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    })
  })

  it('validates input with the contract schema: REQUEST_INVALID with field details, nothing changed', async () => {
    const renderer = new FakeIpcRenderer(ipcMain, window)
    const bad = await callFrom(renderer, 'stopJob', { jobId: 42 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'REQUEST_INVALID' } })
    expect(!bad.ok && JSON.stringify(bad.error.details)).toContain('jobId')
    const after = await callFrom(renderer, 'getJob', { jobId: 'job-queued' })
    expect(after.ok && (after.value as { job: { status: number } }).job.status).toBe(1)
  })

  it('answers METHOD_UNKNOWN for a name outside the contract and REQUEST_INVALID for a non-string name', async () => {
    const renderer = new FakeIpcRenderer(ipcMain, window)
    expect(await callFrom(renderer, 'constructor', {})).toMatchObject({
      ok: false,
      error: { code: 'METHOD_UNKNOWN' },
    })
    expect(await callFrom(renderer, { toString: 'x' }, {})).toMatchObject({
      ok: false,
      error: { code: 'REQUEST_INVALID' },
    })
  })

  it('keeps service error codes across the boundary', async () => {
    expect(await callFrom(new FakeIpcRenderer(ipcMain, window), 'getJob', { jobId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'JOB_NOT_FOUND' },
    })
  })

  it('pushes events to attached console windows only', async () => {
    const bridge = createC2dBridge(new FakeIpcRenderer(ipcMain, window))
    const elsewhere = new FakeWebContents('https://evil.example/')
    server.attach(elsewhere)
    const leaked: unknown[] = []
    new FakeIpcRenderer(ipcMain, elsewhere).on(IPC_EVENT_CHANNEL, (_e, ...args) => leaked.push(args))
    const seen: Array<{ jobId: string; chunk: string }> = []
    bridge.subscribe('onJobLog', (p) => seen.push(p as { jobId: string; chunk: string }))
    ports.emitLog('job-running', 'epoch 1\n')
    expect(seen).toEqual([{ jobId: 'job-running', chunk: 'epoch 1\n' }])
    expect(leaked).toEqual([])
  })

  it('dispose removes the handler and stops pushing', async () => {
    const bridge = createC2dBridge(new FakeIpcRenderer(ipcMain, window))
    const seen: unknown[] = []
    bridge.subscribe('onJobLog', (p) => seen.push(p))
    server.dispose()
    ports.emitLog('job-running', 'late\n')
    expect(seen).toEqual([])
    await expect(bridge.call('listJobs', {})).rejects.toThrow(/No handler registered/)
    server = createIpcServer({
      ipcMain,
      service: createTestConsoleService().service,
      logger,
      dispatch: dispatchConsoleCall,
      events: consoleEvents,
    }) // afterEach disposes this one
  })

  it('uses the same channel names as the preload', () => {
    expect([IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL]).toEqual([PRELOAD_CALL, PRELOAD_EVENT])
  })

  it('serves the typed console client end to end through the preload bridge', async () => {
    const client = createConsoleClient(createC2dBridge(new FakeIpcRenderer(ipcMain, window)))
    const { total } = await client.listJobs({})
    expect(total).toBe(3)
    await expect(client.getJob({ jobId: 'nope' })).rejects.toMatchObject({
      name: 'ConsoleApiError',
      code: 'JOB_NOT_FOUND',
    })
  })
})
