import { describe, it, expect } from 'vitest'
import { FakeContextBridge, FakeIpcMain, FakeIpcRenderer, FakeWebContents } from '../test/fake-electron'
import * as startup from '../startup'
import * as keychain from '../keychain-ipc'
import {
  C2D_GLOBAL,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  KEYCHAIN_FORGET_CHANNEL,
  KEYCHAIN_REMEMBER_CHANNEL,
  KEYCHAIN_STATUS_CHANNEL,
  STARTUP_CHANNEL,
  STARTUP_STATE_CHANNEL,
  createC2dBridge,
  createStartupBridge,
  exposeC2d,
} from './c2d-bridge'

function page() {
  const ipcMain = new FakeIpcMain()
  const contents = new FakeWebContents('app://console/index.html')
  const ipcRenderer = new FakeIpcRenderer(ipcMain, contents)
  return { ipcMain, contents, ipcRenderer }
}

describe('preload', () => {
  it('exposes exactly one global, window.c2d, with exactly call, subscribe and the startup pair', () => {
    const bridge = new FakeContextBridge()
    exposeC2d(bridge, page().ipcRenderer)
    expect([...bridge.exposed.keys()]).toEqual([C2D_GLOBAL])
    const api = bridge.exposed.get('c2d')!
    expect(Object.keys(api).sort()).toEqual([
      'call',
      'forgetWalletPassword',
      'keychainStatus',
      'onStartup',
      'rememberWalletPassword',
      'startupState',
      'subscribe',
    ])
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true)
    expect(Object.getPrototypeOf(api)).toBe(Object.prototype)
  })

  it('call invokes c2d:call with the method and input, and resolves what main answered', async () => {
    const { ipcMain, ipcRenderer } = page()
    const seen: unknown[] = []
    ipcMain.handle(IPC_CALL_CHANNEL, (_event, ...args) => {
      seen.push(args)
      return { ok: true, value: 7 }
    })
    const c2d = createC2dBridge(ipcRenderer)
    expect(await c2d.call('listJobs', { limit: 5 })).toEqual({ ok: true, value: 7 })
    expect(await c2d.call('getOverview', undefined)).toEqual({ ok: true, value: 7 })
    expect(seen).toEqual([
      ['listJobs', { limit: 5 }],
      ['getOverview', {}],
    ])
    await expect(c2d.call(42 as unknown as string, {})).rejects.toThrow(TypeError)
  })

  it('subscribe delivers only its event, only the payload (never the IPC event), until unsubscribed', () => {
    const { contents, ipcRenderer } = page()
    const c2d = createC2dBridge(ipcRenderer)
    const got: unknown[][] = []
    const off = c2d.subscribe('onJobLog', (...args: unknown[]) => got.push(args))
    contents.send(IPC_EVENT_CHANNEL, 'onJobLog', { jobId: 'j', chunk: 'a' })
    contents.send(IPC_EVENT_CHANNEL, 'onDidChangeJob', { seq: 1 })
    off()
    contents.send(IPC_EVENT_CHANNEL, 'onJobLog', { jobId: 'j', chunk: 'b' })
    expect(got).toEqual([[{ jobId: 'j', chunk: 'a' }]])
  })

  it('refuses events outside the contract and non-function listeners', () => {
    const c2d = createC2dBridge(page().ipcRenderer)
    expect(() => c2d.subscribe('onAnything', () => {})).toThrow(/unknown console event/)
    expect(() => c2d.subscribe('onJobLog', 'x' as unknown as () => void)).toThrow(TypeError)
  })

  it('the startup pair: the same channels as main, state by invoke, pushes until unsubscribed', async () => {
    expect([STARTUP_CHANNEL, STARTUP_STATE_CHANNEL]).toEqual([
      startup.STARTUP_CHANNEL,
      startup.STARTUP_STATE_CHANNEL,
    ])
    expect([KEYCHAIN_STATUS_CHANNEL, KEYCHAIN_REMEMBER_CHANNEL, KEYCHAIN_FORGET_CHANNEL]).toEqual([
      keychain.KEYCHAIN_STATUS_CHANNEL,
      keychain.KEYCHAIN_REMEMBER_CHANNEL,
      keychain.KEYCHAIN_FORGET_CHANNEL,
    ])
    const { ipcMain, contents, ipcRenderer } = page()
    ipcMain.handle(STARTUP_STATE_CHANNEL, () => ({ phase: 'starting' }))
    const bridge = createStartupBridge(ipcRenderer)
    expect(await bridge.startupState()).toEqual({ phase: 'starting' })
    const got: unknown[] = []
    const off = bridge.onStartup((s) => got.push(s))
    contents.send(STARTUP_CHANNEL, { phase: 'ready' })
    off()
    contents.send(STARTUP_CHANNEL, { phase: 'late' })
    expect(got).toEqual([{ phase: 'ready' }])
    expect(() => bridge.onStartup('x' as unknown as () => void)).toThrow(TypeError)
  })
})
