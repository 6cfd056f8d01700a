/// <reference types="electron" />
/**
 * A strict stand-in for the `electron` module's main-process API, for tests on a machine without
 * the Electron binary. It is typed against Electron's own type definitions (electron.d.ts in
 * node_modules): every member it implements is checked by tsc against `typeof import('electron')`,
 * and every member it does not implement throws when touched, so it cannot quietly drift from the
 * real API. It enforces Electron's ordering rules, where Electron throws:
 *
 * - `protocol.registerSchemesAsPrivileged` only before 'ready'; `protocol.handle`, `session`,
 *   `screen`, `new BrowserWindow`, `new Tray` and `new Notification` only after it (`show()` only
 *   where `Notification.isSupported()`); one handler per scheme;
 * - 'ready' comes after the main script's synchronous part (a macrotask later), never at once;
 * - `app.requestSingleInstanceLock()` is per userData folder across the "processes" of one
 *   StandInMachine: the second gets false and the first gets 'second-instance' with its argv;
 * - `ipcMain.handle` twice on a channel throws; a destroyed window or webContents throws;
 * - `app.quit()`: 'before-quit' (preventable), windows closed ('close' preventable), 'will-quit'
 *   (preventable), 'quit'; the last window closed by the user emits 'window-all-closed', and with
 *   no listener the app quits, as Electron does.
 *
 * `loadURL` loads the page the way Chromium does it here: the document and each script, stylesheet
 * and icon it names come from the registered protocol handler, with their status, MIME type and
 * the Content-Security-Policy checked; then the window's preload runs in a node `vm` context with
 * only what a sandboxed preload gets (`require` of 'electron' → contextBridge/ipcRenderer, 'events',
 * 'timers', 'url'; a trimmed `process`; Buffer), and what it exposes through contextBridge (copied by
 * the bridge's rules) is the page's `mainWorld`. The page's own scripts are not executed (no DOM
 * here); tests play the page through `mainWorld`.
 */
import { EventEmitter } from 'node:events'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as nodeTimers from 'node:timers'
import * as nodeUrl from 'node:url'
import vm from 'node:vm'

type ElectronModule = typeof import('electron')

export class StandInError extends Error {}

// Properties that test tools and `await` probe on any object; they are never Electron API.
const PROBES = new Set([
  'then',
  'toJSON',
  'constructor',
  'asymmetricMatch',
  '$$typeof',
  'nodeType',
  'tagName',
  'length',
  'prototype',
  'name',
  '@@__IMMUTABLE_ITERABLE__@@',
  '@@__IMMUTABLE_RECORD__@@',
])

/** `target` as the full Electron type `T`: what it does not implement throws when read. */
function strict<T extends object>(label: string, target: object): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === 'symbol' || prop in t || PROBES.has(prop) || prop.startsWith('_'))
        return Reflect.get(t, prop, receiver) as unknown
      throw new StandInError(
        `electron stand-in: ${label}.${prop} is not implemented (add it to main/test/electron-stand-in.ts, typed against electron.d.ts)`,
      )
    },
  }) as T
}

function destroyedError(): TypeError {
  return new TypeError('Object has been destroyed')
}

// ---------------------------------------------------------------------------------------------
// The machine: what several app processes share (single-instance locks, the session bus).

export interface StandInMachineOptions {
  /** app.getPath('appData'): the OS's per-user app data folder. */
  appData: string
  platform?: NodeJS.Platform
  /** Linux: a StatusNotifier host on the session bus, i.e. tray icons are shown. Default true. */
  hasStatusNotifierHost?: boolean
  /** A desktop notification service (Linux: org.freedesktop.Notifications). Default true. */
  hasNotificationService?: boolean
  /** Linux safeStorage backend. Default 'gnome_libsecret'. */
  safeStorageBackend?: ReturnType<Electron.SafeStorage['getSelectedStorageBackend']>
}

export class StandInMachine {
  readonly locks = new Map<string, StandInApp>()
  readonly processes: StandInProcess[] = []
  constructor(readonly options: StandInMachineOptions) {}
  get platform(): NodeJS.Platform {
    return this.options.platform ?? 'linux'
  }
  hasNotificationService(): boolean {
    return this.options.hasNotificationService ?? true
  }
  /** A new app process; its 'ready' comes a macrotask after this call returns (after the main script). */
  spawn(options: { argv?: string[]; isPackaged?: boolean; holdReady?: boolean } = {}): StandInProcess {
    const process = new StandInProcess(this, options)
    this.processes.push(process)
    return process
  }
  /** What `gdbus call … NameHasOwner <name>` prints on this machine. */
  async dbusNameHasOwner(name: string): Promise<string> {
    if (this.platform !== 'linux') throw new Error('no session bus')
    const has = name === 'org.kde.StatusNotifierWatcher' && (this.options.hasStatusNotifierHost ?? true)
    return `(${has},)\n`
  }
}

// ---------------------------------------------------------------------------------------------
// app

type AppKeys =
  | 'isPackaged'
  | 'whenReady'
  | 'isReady'
  | 'requestSingleInstanceLock'
  | 'hasSingleInstanceLock'
  | 'releaseSingleInstanceLock'
  | 'getPath'
  | 'setPath'
  | 'getName'
  | 'setName'
  | 'getVersion'
  | 'quit'
  | 'exit'

const PATH_NAMES = ['home', 'appData', 'userData', 'sessionData', 'temp', 'logs', 'crashDumps'] as const

class StandInPreventableEvent {
  defaultPrevented = false
  preventDefault(): void {
    this.defaultPrevented = true
  }
}

export class StandInApp extends EventEmitter implements Pick<Electron.App, AppKeys> {
  readonly isPackaged: boolean
  private ready = false
  private readonly readyPromise: Promise<void>
  private resolveReady!: () => void
  private name = 'Electron'
  private readonly paths = new Map<string, string>()
  private lockPath: string | null = null
  state: 'running' | 'quitting' | 'exited' = 'running'
  exitCode: number | null = null

  constructor(
    private readonly proc: StandInProcess,
    isPackaged: boolean,
  ) {
    super()
    this.isPackaged = isPackaged
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve))
    const appData = proc.machine.options.appData
    this.paths.set('appData', appData)
    this.paths.set('home', join(appData, '..'))
    this.paths.set('temp', join(appData, '..', 'tmp'))
  }

  /** Electron's 'ready': once, never before the main script returned. */
  becomeReady(): void {
    if (this.ready || this.state !== 'running') return
    this.ready = true
    this.resolveReady()
    this.emit('ready', new StandInPreventableEvent(), {})
  }
  whenReady(): Promise<void> {
    return this.readyPromise
  }
  isReady(): boolean {
    return this.ready
  }
  getName(): string {
    return this.name
  }
  setName(name: string): void {
    this.name = name
  }
  getVersion(): string {
    return '0.0.0-stand-in'
  }
  getPath(name: Parameters<Electron.App['getPath']>[0]): string {
    const set = this.paths.get(name)
    if (set) return set
    // Electron derives userData from the app name; logs and sessionData from userData.
    if (name === 'userData') return join(this.paths.get('appData')!, this.name)
    if (name === 'sessionData') return this.getPath('userData')
    if (name === 'logs') return join(this.getPath('userData'), 'logs')
    if (name === 'crashDumps') return join(this.getPath('userData'), 'Crashpad')
    throw new Error(`Failed to get '${name}' path`)
  }
  setPath(name: string, path: string): void {
    if (!(PATH_NAMES as readonly string[]).includes(name)) throw new Error(`Failed to set path: ${name}`)
    if (name === 'userData' && this.lockPath !== null)
      this.proc.violations.push(
        'app.setPath("userData") after requestSingleInstanceLock: the lock stays on the old folder',
      )
    if (name === 'userData' && this.ready)
      this.proc.violations.push('app.setPath("userData") after ready: Chromium already uses the old folder')
    this.paths.set(name, path)
  }
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean {
    const path = this.getPath('userData')
    const holder = this.proc.machine.locks.get(path)
    if (holder && holder !== this && holder.state !== 'exited') {
      const argv = [...this.proc.argv]
      setImmediate(() => {
        if (holder.state === 'running')
          holder.emit('second-instance', new StandInPreventableEvent(), argv, '/', additionalData ?? null)
      })
      return false
    }
    this.proc.machine.locks.set(path, this)
    this.lockPath = path
    return true
  }
  hasSingleInstanceLock(): boolean {
    return this.lockPath !== null && this.proc.machine.locks.get(this.lockPath) === this
  }
  releaseSingleInstanceLock(): void {
    if (this.lockPath && this.proc.machine.locks.get(this.lockPath) === this)
      this.proc.machine.locks.delete(this.lockPath)
    this.lockPath = null
  }
  quit(): void {
    if (this.state === 'exited') return
    const beforeQuit = new StandInPreventableEvent()
    this.emit('before-quit', beforeQuit)
    if (beforeQuit.defaultPrevented) return
    this.state = 'quitting'
    for (const window of [...this.proc.windows]) {
      if (window.isDestroyed()) continue
      if (!window.closeByApp()) {
        this.state = 'running' // a window refused to close: the quit is cancelled
        return
      }
    }
    const willQuit = new StandInPreventableEvent()
    this.emit('will-quit', willQuit)
    if (willQuit.defaultPrevented) {
      this.state = 'running'
      return
    }
    this.emit('quit', new StandInPreventableEvent(), 0)
    this.end(0)
  }
  exit(exitCode = 0): void {
    for (const window of [...this.proc.windows]) if (!window.isDestroyed()) window.destroy()
    this.end(exitCode)
  }
  private end(exitCode: number) {
    if (this.state === 'exited') return
    this.state = 'exited'
    this.exitCode = exitCode
    this.releaseSingleInstanceLock()
    for (const tray of this.proc.trays) if (!tray.isDestroyed()) tray.destroy()
    this.proc.markExited(exitCode)
  }
  /** The user closed the last window (not during a quit). */
  lastWindowClosed(): void {
    if (this.state !== 'running') return
    if (this.listenerCount('window-all-closed') > 0) this.emit('window-all-closed')
    else this.quit()
  }
}

// ---------------------------------------------------------------------------------------------
// ipcMain

type IpcMainKeys = 'handle' | 'handleOnce' | 'removeHandler'
type InvokeListener = (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown

class StandInIpcMain extends EventEmitter implements Pick<Electron.IpcMain, IpcMainKeys> {
  readonly handlers = new Map<string, InvokeListener>()
  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, listener)
  }
  handleOnce(channel: string, listener: InvokeListener): void {
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel)
      return listener(event, ...args)
    })
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
}

// ---------------------------------------------------------------------------------------------
// protocol

type ProtocolKeys = 'registerSchemesAsPrivileged' | 'handle' | 'unhandle' | 'isProtocolHandled'
type ProtocolHandler = (request: Request) => Response | Promise<Response>

class StandInProtocol implements Pick<Electron.Protocol, ProtocolKeys> {
  readonly privileged = new Map<string, Electron.Privileges>()
  readonly handlers = new Map<string, ProtocolHandler>()
  constructor(private readonly app: StandInApp) {}
  registerSchemesAsPrivileged(customSchemes: Electron.CustomScheme[]): void {
    if (this.app.isReady())
      throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready')
    for (const s of customSchemes) this.privileged.set(s.scheme, s.privileges ?? {})
  }
  handle(scheme: string, handler: ProtocolHandler): void {
    if (!this.app.isReady()) throw new Error('protocol.handle can only be used after the app is ready')
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`)
    this.handlers.set(scheme, handler)
  }
  unhandle(scheme: string): void {
    this.handlers.delete(scheme)
  }
  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme)
  }
}

// ---------------------------------------------------------------------------------------------
// session

type SessionKeys = 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'
type PermissionRequest = Parameters<Electron.Session['setPermissionRequestHandler']>[0]
type PermissionCheck = Parameters<Electron.Session['setPermissionCheckHandler']>[0]

class StandInSession implements Pick<Electron.Session, SessionKeys> {
  permissionRequestHandler: PermissionRequest = null
  permissionCheckHandler: PermissionCheck = null
  headersListener: ((details: unknown, callback: (response: unknown) => void) => void) | null = null
  readonly webRequest: Electron.WebRequest = strict<Electron.WebRequest>('session.webRequest', {
    onHeadersReceived: (...args: unknown[]) => {
      const listener = args.length === 2 ? args[1] : args[0]
      this.headersListener = (listener ?? null) as StandInSession['headersListener']
    },
  })
  setPermissionRequestHandler(handler: PermissionRequest): void {
    this.permissionRequestHandler = handler
  }
  setPermissionCheckHandler(handler: PermissionCheck): void {
    this.permissionCheckHandler = handler
  }
  /** Chromium asks for a permission on behalf of `contents`; granted when no handler is set. */
  requestPermission(contents: Electron.WebContents, permission: string): Promise<boolean> {
    const handler = this.permissionRequestHandler
    if (!handler) return Promise.resolve(true)
    return new Promise((resolve) =>
      handler(contents, permission as Parameters<NonNullable<PermissionRequest>>[1], resolve, {
        requestingUrl: contents.getURL(),
        isMainFrame: true,
      } as Parameters<NonNullable<PermissionRequest>>[3]),
    )
  }
}

// ---------------------------------------------------------------------------------------------
// webContents, frames, the page

type WebContentsKeys =
  | 'id'
  | 'session'
  | 'mainFrame'
  | 'getURL'
  | 'send'
  | 'isDestroyed'
  | 'isLoading'
  | 'setWindowOpenHandler'
  | 'loadURL'

export interface StandInFrame {
  url: string
  origin: string
  parent: StandInFrame | null
  frames: StandInFrame[]
  frameTreeNodeId: number
}

let nextId = 1

function newFrame(url: string, parent: StandInFrame | null): StandInFrame {
  const frame: StandInFrame = { url, origin: originOf(url), parent, frames: [], frameTreeNodeId: nextId++ }
  parent?.frames.push(frame)
  return frame
}

function originOf(url: string): string {
  try {
    const u = new URL(url)
    return u.host ? `${u.protocol}//${u.host}` : 'null'
  } catch {
    return 'null'
  }
}

/** What Chromium did with the page: the responses it fetched and what it refused. */
export interface LoadedPage {
  url: string
  status: number
  headers: Headers
  csp: Map<string, string[]>
  /** Every subresource fetched, with its status and MIME type. */
  assets: Array<{ url: string; kind: 'script' | 'style' | 'image'; status: number; contentType: string }>
  /** What a real browser would refuse or fail on (a CSP block, a 404 asset, a wrong MIME type). */
  problems: string[]
  /** What the preload exposed through contextBridge: the page's `window.<key>`. */
  mainWorld: Record<string, unknown>
  preloadErrors: unknown[]
}

/** The renderer side of one loaded document: its ipcRenderer listeners die with it. */
class RendererDocument {
  readonly listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>()
  alive = true
}

export class StandInWebContents extends EventEmitter implements Pick<Electron.WebContents, WebContentsKeys> {
  readonly id = nextId++
  readonly session: Electron.Session
  private frame: StandInFrame = newFrame('about:blank', null)
  private destroyed = false
  private loading = false
  windowOpenHandler: Parameters<Electron.WebContents['setWindowOpenHandler']>[0] | null = null
  private document: RendererDocument = new RendererDocument()
  /** Every page loaded, in order. */
  readonly pages: LoadedPage[] = []
  /** The strict proxy handed out as `webContents`. */
  readonly asElectron: Electron.WebContents

  constructor(
    private readonly proc: StandInProcess,
    private readonly webPreferences: Electron.WebPreferences,
    private readonly onFirstPaint: () => void,
  ) {
    super()
    this.session = proc.session.asElectron
    this.asElectron = strict<Electron.WebContents>('webContents', this)
  }

  get mainFrame(): Electron.WebFrameMain {
    return strict<Electron.WebFrameMain>('webFrameMain', this.frame)
  }
  /** The frame object itself (senderFrame compares by identity in Electron too). */
  get mainFrameRecord(): StandInFrame {
    return this.frame
  }
  getURL(): string {
    return this.frame.url
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  isLoading(): boolean {
    return this.loading
  }
  setWindowOpenHandler(handler: Parameters<Electron.WebContents['setWindowOpenHandler']>[0]): void {
    this.windowOpenHandler = handler
  }
  /** Main → renderer: structured-cloned, to the current document's listeners. */
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw destroyedError()
    const cloned = structuredClone(args)
    const doc = this.document
    setImmediate(() => {
      if (!doc.alive) return
      const event = { sender: null, ports: [] }
      for (const listener of [...(doc.listeners.get(channel) ?? [])]) listener(event, ...cloned)
    })
  }
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.document.alive = false
    this.emit('destroyed')
  }

  async loadURL(url: string): Promise<void> {
    if (this.destroyed) throw destroyedError()
    const scheme = url.split(':')[0] ?? ''
    const handler = this.proc.protocol.handlers.get(scheme)
    if (!handler || !this.proc.protocol.privileged.get(scheme)?.standard) {
      const error = Object.assign(new Error(`ERR_UNKNOWN_URL_SCHEME (-302) loading '${url}'`), {
        code: 'ERR_UNKNOWN_URL_SCHEME',
        errno: -302,
        url,
      })
      throw error
    }
    this.loading = true
    this.emit('did-start-loading')
    const response = await handler(new Request(url))
    if (response.status < 200 || response.status > 299) {
      this.loading = false
      this.emit('did-fail-load', {}, -379, 'ERR_HTTP_RESPONSE_CODE_FAILURE', url, true)
      throw Object.assign(new Error(`ERR_HTTP_RESPONSE_CODE_FAILURE (-379) loading '${url}'`), {
        code: 'ERR_HTTP_RESPONSE_CODE_FAILURE',
        errno: -379,
        url,
      })
    }
    const html = await response.text()
    // A new document: the old one's listeners and exposed APIs are gone.
    this.document.alive = false
    this.document = new RendererDocument()
    this.frame = newFrame(url, null)
    const page: LoadedPage = {
      url,
      status: response.status,
      headers: response.headers,
      csp: parseCsp(response.headers.get('content-security-policy')),
      assets: [],
      problems: [],
      mainWorld: {},
      preloadErrors: [],
    }
    this.pages.push(page)
    const type = response.headers.get('content-type') ?? ''
    if (!/^text\/html\b/.test(type))
      page.problems.push(`document ${url} is ${type || 'untyped'}, not text/html`)
    if (page.csp.size === 0) page.problems.push(`document ${url} has no Content-Security-Policy`)
    // The preload runs before the page's scripts.
    if (this.webPreferences.preload) this.runPreload(page, this.webPreferences.preload)
    await this.loadSubresources(page, html, handler)
    this.loading = false
    this.emit('dom-ready')
    this.emit('did-finish-load')
    this.onFirstPaint()
  }

  private async loadSubresources(page: LoadedPage, html: string, handler: ProtocolHandler) {
    const refs: Array<{ kind: 'script' | 'style' | 'image'; ref: string | null }> = []
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      const src = attr(m[1]!, 'src')
      if (src === null && m[2]!.trim() !== '') refs.push({ kind: 'script', ref: null })
      else if (src !== null) refs.push({ kind: 'script', ref: src })
    }
    for (const m of html.matchAll(/<link\b([^>]*)>/gi)) {
      const rel = (attr(m[1]!, 'rel') ?? '').toLowerCase()
      const href = attr(m[1]!, 'href')
      if (href === null) continue
      if (rel === 'stylesheet') refs.push({ kind: 'style', ref: href })
      else if (rel === 'modulepreload') refs.push({ kind: 'script', ref: href })
      else if (rel.split(/\s+/).includes('icon')) refs.push({ kind: 'image', ref: href })
    }
    for (const m of html.matchAll(/<img\b([^>]*)>/gi)) {
      const src = attr(m[1]!, 'src')
      if (src !== null) refs.push({ kind: 'image', ref: src })
    }
    const directive = { script: 'script-src', style: 'style-src', image: 'img-src' } as const
    for (const { kind, ref } of refs) {
      if (ref === null) {
        if (!cspAllows(page.csp, directive[kind], page.url, null))
          page.problems.push(`CSP ${directive[kind]} blocks an inline ${kind}`)
        continue
      }
      const assetUrl = new URL(ref, page.url).href
      if (!cspAllows(page.csp, directive[kind], page.url, assetUrl)) {
        page.problems.push(`CSP ${directive[kind]} blocks ${assetUrl}`)
        continue
      }
      if (originOf(assetUrl) !== originOf(page.url)) continue // allowed elsewhere: not ours to fetch
      const response = await handler(new Request(assetUrl))
      const contentType = response.headers.get('content-type') ?? ''
      await response.arrayBuffer()
      page.assets.push({ url: assetUrl, kind, status: response.status, contentType })
      if (response.status !== 200) page.problems.push(`${kind} ${assetUrl} answered ${response.status}`)
      else if (!MIME_FOR[kind].test(contentType))
        page.problems.push(`${kind} ${assetUrl} is ${contentType || 'untyped'} (refused with nosniff)`)
    }
  }

  /** Electron's sandboxed preload: a CommonJS wrapper with a limited require, in its own world. */
  private runPreload(page: LoadedPage, preloadPath: string) {
    if (this.webPreferences.sandbox !== true || this.webPreferences.contextIsolation !== true) {
      page.preloadErrors.push(new StandInError('the stand-in runs sandboxed, context-isolated preloads only'))
      return
    }
    const doc = this.document
    const frame = this.frame
    const ipcRenderer = strict<Electron.IpcRenderer>(
      'ipcRenderer',
      new StandInIpcRenderer(this.proc, this, frame, doc),
    )
    const contextBridge = strict<Electron.ContextBridge>('contextBridge', {
      exposeInMainWorld(apiKey: string, api: unknown) {
        if (!doc.alive) throw new Error('contextBridge: the document is gone')
        if (apiKey in page.mainWorld)
          throw new Error(`Cannot bind an API on top of an existing property on the window object: ${apiKey}`)
        page.mainWorld[apiKey] = bridgeCopy(api, 0)
      },
    } satisfies Pick<Electron.ContextBridge, 'exposeInMainWorld'>)
    const electronForPreload = strict<typeof Electron.Renderer>('electron (sandboxed preload)', {
      contextBridge,
      ipcRenderer,
    })
    const allowed: Record<string, unknown> = {
      electron: electronForPreload,
      events: EventEmitter,
      timers: nodeTimers,
      url: nodeUrl,
    }
    const sandboxRequire = (id: string) => {
      if (!(id in allowed)) throw new Error(`module not found: ${id}`)
      return allowed[id]
    }
    const sandboxProcess = Object.assign(new EventEmitter(), {
      platform: this.proc.machine.platform,
      arch: process.arch,
      versions: { ...process.versions, electron: '45.0.0-stand-in' },
      env: {},
      argv: [],
      type: 'renderer',
      sandboxed: true,
      contextIsolated: true,
      pid: 4242,
    })
    const context = vm.createContext({
      console,
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
      queueMicrotask,
      structuredClone,
      URL,
      TextEncoder,
      TextDecoder,
    })
    try {
      const source = readFileSync(preloadPath, 'utf8')
      const wrapper = vm.runInContext(
        `(function (exports, require, module, __filename, __dirname, process, Buffer, global, setImmediate, clearImmediate) {${source}\n})`,
        context,
        { filename: preloadPath },
      ) as (...args: unknown[]) => void
      const module = { exports: {} }
      wrapper(
        module.exports,
        sandboxRequire,
        module,
        preloadPath,
        '.',
        sandboxProcess,
        Buffer,
        vm.runInContext('globalThis', context),
        setImmediate,
        clearImmediate,
      )
    } catch (error) {
      page.preloadErrors.push(error)
      this.emit('preload-error', new StandInPreventableEvent(), preloadPath, error)
    }
  }

  /** The page asks to navigate (a link, location.href): will-navigate, navigates unless prevented. */
  simulateNavigation(url: string): boolean {
    const event = new StandInPreventableEvent()
    this.emit('will-navigate', event, url, false, true)
    if (!event.defaultPrevented) {
      this.document.alive = false
      this.frame = newFrame(url, null)
    }
    return !event.defaultPrevented
  }
  /** An iframe appears in the page at `url` (it gets no preload: nodeIntegrationInSubFrames is off). */
  attachSubframe(url: string): StandInFrame {
    return newFrame(url, this.frame)
  }
  /** Raw IPC as a (compromised) renderer would send it from `frame`, bypassing any preload. */
  invokeFrom(frame: StandInFrame, channel: string, ...args: unknown[]): Promise<unknown> {
    return invokeMain(this.proc, this, frame, channel, args)
  }
}

const MIME_FOR = {
  script: /^(text|application)\/javascript\b/,
  style: /^text\/css\b/,
  image: /^image\//,
} as const

function attr(attrs: string, name: string): string | null {
  const m = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs)
  return m ? (m[2] ?? m[3] ?? m[4] ?? '') : null
}

function parseCsp(header: string | null): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const part of (header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name) map.set(name.toLowerCase(), values)
  }
  return map
}

/** CSP level 2 source matching, for the sources this app uses ('self', 'none', 'unsafe-inline', schemes, hosts). */
function cspAllows(
  csp: Map<string, string[]>,
  directive: string,
  pageUrl: string,
  url: string | null,
): boolean {
  const sources = csp.get(directive) ?? csp.get('default-src')
  if (!sources) return true
  if (url === null) return sources.includes("'unsafe-inline'")
  return sources.some((s) => {
    if (s === "'self'") return originOf(url) === originOf(pageUrl)
    if (s === "'none'" || s.startsWith("'")) return false
    if (s.endsWith(':')) return url.startsWith(s)
    return originOf(url) === originOf(s.includes('://') ? s : `https://${s}`)
  })
}

/** contextBridge's copy: plain data copied, functions proxied (their arguments and results copied too). */
function bridgeCopy(value: unknown, depth: number): unknown {
  if (depth > 1000) throw new Error('contextBridge: object too deep')
  if (typeof value === 'function') {
    const fn = value as (...args: unknown[]) => unknown
    return (...args: unknown[]) => {
      const result = fn(...args.map((a) => bridgeCopy(a, depth + 1)))
      return result instanceof Promise
        ? result.then((r) => bridgeCopy(r, depth + 1))
        : bridgeCopy(result, depth + 1)
    }
  }
  if (typeof value === 'symbol') throw new Error('contextBridge: symbols cannot cross the bridge')
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Promise) return value.then((v) => bridgeCopy(v, depth + 1))
  if (value instanceof Error) return new Error(value.message)
  if (Array.isArray(value)) return value.map((v) => bridgeCopy(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = bridgeCopy(v, depth + 1)
  return out
}

async function invokeMain(
  proc: StandInProcess,
  contents: StandInWebContents,
  frame: StandInFrame,
  channel: string,
  args: unknown[],
): Promise<unknown> {
  const cloned = structuredClone(args) // throws "could not be cloned" on functions, as Electron does
  await new Promise((resolve) => setImmediate(resolve))
  const handler = proc.ipcMain.handlers.get(channel)
  if (!handler)
    throw new Error(
      `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`,
    )
  // A frame that is no longer in the page (navigated away) reads as null, as in Electron.
  const isLive = (f: StandInFrame | null): boolean =>
    f === null ? false : f.parent === null ? f === contents.mainFrameRecord : isLive(f.parent)
  const event = strict<Electron.IpcMainInvokeEvent>('IpcMainInvokeEvent', {
    sender: contents.asElectron,
    senderFrame: isLive(frame) ? strict<Electron.WebFrameMain>('webFrameMain', frame) : null,
    frameId: frame.frameTreeNodeId,
    processId: 4242,
    type: 'frame',
    preventDefault() {},
    defaultPrevented: false,
  })
  try {
    return structuredClone(await handler(event, ...cloned))
  } catch (error) {
    throw new Error(`Error invoking remote method '${channel}': ${String(error)}`)
  }
}

// The EventEmitter-style members (on, once, off…) return `this` typed as the full Electron object, which a
// partial stand-in cannot be; they are EventEmitter's own (Electron's objects extend NodeJS.EventEmitter).
type IpcRendererKeys = 'invoke'

class StandInIpcRenderer implements Pick<Electron.IpcRenderer, IpcRendererKeys> {
  constructor(
    private readonly proc: StandInProcess,
    private readonly contents: StandInWebContents,
    private readonly frame: StandInFrame,
    private readonly doc: RendererDocument,
  ) {}
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    return invokeMain(this.proc, this.contents, this.frame, channel, args)
  }
  on(channel: string, listener: (event: Electron.IpcRendererEvent, ...args: unknown[]) => void): this {
    let set = this.doc.listeners.get(channel)
    if (!set) this.doc.listeners.set(channel, (set = new Set()))
    set.add(listener as (event: unknown, ...args: unknown[]) => void)
    return this
  }
  once(channel: string, listener: (event: Electron.IpcRendererEvent, ...args: unknown[]) => void): this {
    const wrapped = (event: Electron.IpcRendererEvent, ...args: unknown[]) => {
      this.removeListener(channel, wrapped)
      listener(event, ...args)
    }
    return this.on(channel, wrapped)
  }
  removeListener(channel: string, listener: (...args: never[]) => void): this {
    this.doc.listeners.get(channel)?.delete(listener as (event: unknown, ...args: unknown[]) => void)
    return this
  }
  off(channel: string, listener: (...args: never[]) => void): this {
    return this.removeListener(channel, listener)
  }
  removeAllListeners(channel?: string): this {
    if (channel) this.doc.listeners.delete(channel)
    else this.doc.listeners.clear()
    return this
  }
}

// ---------------------------------------------------------------------------------------------
// BrowserWindow

type WindowKeys =
  | 'id'
  | 'webContents'
  | 'loadURL'
  | 'show'
  | 'hide'
  | 'focus'
  | 'close'
  | 'destroy'
  | 'isDestroyed'
  | 'isVisible'
  | 'isMinimized'
  | 'isMaximized'
  | 'maximize'
  | 'minimize'
  | 'restore'
  | 'getNormalBounds'
  | 'setBounds'

export class StandInBrowserWindow extends EventEmitter implements Pick<Electron.BrowserWindow, WindowKeys> {
  readonly id = nextId++
  readonly webContents: Electron.WebContents
  readonly contents: StandInWebContents
  private destroyed = false
  private visible = false
  private minimized = false
  private maximized = false
  private bounds: Electron.Rectangle
  private painted = false
  focusCount = 0
  /** When the window first showed, in stand-in ticks (order of events, not wall time). */
  shownAt: number | null = null

  constructor(
    private readonly proc: StandInProcess,
    readonly options: Electron.BrowserWindowConstructorOptions = {},
  ) {
    super()
    if (!proc.app.isReady()) throw new Error('Cannot create BrowserWindow before app is ready')
    this.bounds = {
      x: options.x ?? 0,
      y: options.y ?? 0,
      width: options.width ?? 800,
      height: options.height ?? 600,
    }
    this.contents = new StandInWebContents(proc, options.webPreferences ?? {}, () => {
      if (this.painted || this.destroyed) return
      this.painted = true
      this.emit('ready-to-show')
    })
    this.webContents = this.contents.asElectron
    proc.windows.push(this)
    proc.app.emit('browser-window-created', new StandInPreventableEvent(), this)
    proc.app.emit('web-contents-created', new StandInPreventableEvent(), this.webContents)
    if (options.show !== false) this.show()
  }
  private alive() {
    if (this.destroyed) throw destroyedError()
  }
  loadURL(url: string): Promise<void> {
    this.alive()
    return this.contents.loadURL(url)
  }
  show(): void {
    this.alive()
    if (!this.visible) {
      this.visible = true
      this.shownAt ??= this.proc.tick()
      this.emit('show')
    }
  }
  hide(): void {
    this.alive()
    this.visible = false
  }
  focus(): void {
    this.alive()
    this.focusCount++
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  isVisible(): boolean {
    this.alive()
    return this.visible
  }
  isMinimized(): boolean {
    this.alive()
    return this.minimized
  }
  isMaximized(): boolean {
    this.alive()
    return this.maximized
  }
  maximize(): void {
    this.alive()
    this.maximized = true
  }
  minimize(): void {
    this.alive()
    this.minimized = true
  }
  restore(): void {
    this.alive()
    this.minimized = false
  }
  getNormalBounds(): Electron.Rectangle {
    this.alive()
    return { ...this.bounds }
  }
  setBounds(bounds: Partial<Electron.Rectangle>): void {
    this.alive()
    this.bounds = { ...this.bounds, ...bounds }
  }
  /** The user (or code) closes the window: 'close' (preventable), then it is destroyed. */
  close(): void {
    this.alive()
    if (!this.tryClose()) return
    if (this.proc.app.state === 'running' && this.proc.windows.every((w) => w.isDestroyed()))
      this.proc.app.lastWindowClosed()
  }
  /** app.quit() closing windows: no 'window-all-closed'. Returns false when 'close' was prevented. */
  closeByApp(): boolean {
    return this.tryClose()
  }
  private tryClose(): boolean {
    const event = new StandInPreventableEvent()
    this.emit('close', event)
    if (event.defaultPrevented) return false
    this.destroy()
    return true
  }
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.visible = false
    this.emit('closed')
    this.contents.destroy()
  }
}

// ---------------------------------------------------------------------------------------------
// Tray, Menu, screen, shell, dialog, safeStorage

type TrayKeys = 'setToolTip' | 'setContextMenu' | 'destroy' | 'isDestroyed'

export class StandInTray extends EventEmitter implements Pick<Electron.Tray, TrayKeys> {
  toolTip = ''
  contextMenu: Electron.Menu | null = null
  private destroyed = false
  constructor(
    private readonly proc: StandInProcess,
    readonly image: string | Electron.NativeImage,
  ) {
    super()
    if (!proc.app.isReady()) throw new Error('Tray cannot be created before the app is ready')
    proc.trays.push(this)
  }
  setToolTip(toolTip: string): void {
    if (this.destroyed) throw destroyedError()
    this.toolTip = toolTip
  }
  setContextMenu(menu: Electron.Menu | null): void {
    if (this.destroyed) throw destroyedError()
    this.contextMenu = menu
  }
  destroy(): void {
    this.destroyed = true
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  /** Shown on screen: on Linux only with a StatusNotifier host. */
  isShown(): boolean {
    return (
      !this.destroyed &&
      (this.proc.machine.platform !== 'linux' || (this.proc.machine.options.hasStatusNotifierHost ?? true))
    )
  }
  /** The user clicks the icon (only possible when it is shown). */
  click(): void {
    if (!this.isShown()) throw new StandInError('the tray icon is not on screen: nobody can click it')
    this.emit('click', new StandInPreventableEvent(), { x: 0, y: 0, width: 16, height: 16 }, { x: 0, y: 0 })
  }
}

// ---------------------------------------------------------------------------------------------
// Notification (main process)

type NotificationKeys = 'show' | 'close' | 'title' | 'body'

/** What the desktop was asked to show. */
export interface ShownNotification {
  title: string
  body: string
  /** The user clicks it (Electron: 'click'). */
  click(): void
}

export class StandInNotification
  extends EventEmitter
  implements Pick<Electron.Notification, NotificationKeys>
{
  title: string
  body: string
  constructor(
    private readonly proc: StandInProcess,
    options: Electron.NotificationConstructorOptions = {},
  ) {
    super()
    // A main-process module used only after 'ready' (the stand-in refuses it as it refuses screen).
    if (!proc.app.isReady())
      throw new Error("The 'Notification' module can't be used before the app 'ready' event")
    this.title = options.title ?? ''
    this.body = options.body ?? ''
  }
  show(): void {
    if (!this.proc.machine.hasNotificationService())
      throw new StandInError('Notification.show() where Notification.isSupported() is false: check it first')
    this.proc.notifications.push({
      title: this.title,
      body: this.body,
      click: () => this.emit('click', new StandInPreventableEvent()),
    })
  }
  close(): void {}
}

const ROLES = new Set([
  'undo',
  'redo',
  'cut',
  'copy',
  'paste',
  'pasteAndMatchStyle',
  'delete',
  'selectAll',
  'reload',
  'forceReload',
  'toggleDevTools',
  'resetZoom',
  'zoomIn',
  'zoomOut',
  'toggleSpellChecker',
  'togglefullscreen',
  'window',
  'minimize',
  'close',
  'help',
  'about',
  'services',
  'hide',
  'hideOthers',
  'unhide',
  'quit',
  'showSubstitutions',
  'toggleSmartQuotes',
  'toggleSmartDashes',
  'toggleTextReplacement',
  'startSpeaking',
  'stopSpeaking',
  'zoom',
  'front',
  'appMenu',
  'fileMenu',
  'editMenu',
  'viewMenu',
  'shareMenu',
  'recentDocuments',
  'toggleTabBar',
  'selectNextTab',
  'selectPreviousTab',
  'showAllTabs',
  'mergeAllWindows',
  'clearRecentDocuments',
  'moveTabToNewWindow',
  'windowMenu',
])
const ITEM_TYPES = new Set(['normal', 'separator', 'submenu', 'checkbox', 'radio', 'header', 'palette'])

export interface StandInMenuItem {
  label: string
  type: string
  role?: string
  enabled: boolean
  checked: boolean
  click?: Electron.MenuItemConstructorOptions['click']
  submenu: StandInMenuItem[]
}

function buildItems(
  template: Array<Electron.MenuItemConstructorOptions | Electron.MenuItem>,
): StandInMenuItem[] {
  return template.map((raw) => {
    const item = raw as Electron.MenuItemConstructorOptions
    if (item.role !== undefined && !ROLES.has(item.role)) throw new Error(`Invalid role: ${item.role}`)
    const type = item.type ?? (item.submenu ? 'submenu' : 'normal')
    if (!ITEM_TYPES.has(type)) throw new Error(`Invalid menu item type: ${type}`)
    if (!item.role && type === 'normal' && !item.label) throw new Error('A menu item needs a label or a role')
    const sub = item.submenu
    return {
      label: item.label ?? item.role ?? '',
      type,
      ...(item.role ? { role: item.role } : {}),
      enabled: item.enabled ?? true,
      checked: item.checked ?? false,
      ...(item.click ? { click: item.click } : {}),
      submenu: Array.isArray(sub) ? buildItems(sub) : [],
    }
  })
}

// ---------------------------------------------------------------------------------------------
// A process: one app launch and its modules.

export class StandInProcess {
  readonly argv: string[]
  readonly app: StandInApp
  readonly ipcMain = new StandInIpcMain()
  readonly protocol: StandInProtocol
  readonly session: { impl: StandInSession; asElectron: Electron.Session }
  readonly windows: StandInBrowserWindow[] = []
  readonly trays: StandInTray[] = []
  /** Desktop notifications shown, in order. */
  readonly notifications: ShownNotification[] = []
  readonly errorBoxes: Array<{ title: string; content: string }> = []
  readonly openedPaths: string[] = []
  readonly openedExternal: string[] = []
  applicationMenu: StandInMenuItem[] | null = null
  /** Uses Electron allows but documents as broken (setPath after the lock…). Tests expect none. */
  readonly violations: string[] = []
  exited: Promise<number>
  private markExitedResolve!: (code: number) => void
  private ticks = 0
  /** Order of notable moments, for "the window before the engine" (no wall clock). */
  readonly timeline: Array<{ tick: number; what: string }> = []
  readonly electron: ElectronModule

  constructor(
    readonly machine: StandInMachine,
    options: { argv?: string[]; isPackaged?: boolean; holdReady?: boolean },
  ) {
    this.argv = ['/opt/stand-in/electron', 'dist/main/app.js', ...(options.argv ?? [])]
    this.app = new StandInApp(this, options.isPackaged ?? false)
    this.protocol = new StandInProtocol(this.app)
    const session = new StandInSession()
    this.session = { impl: session, asElectron: strict<Electron.Session>('session', session) }
    this.exited = new Promise((resolve) => (this.markExitedResolve = resolve))
    if (!options.holdReady) setImmediate(() => this.app.becomeReady())
    this.electron = buildElectronModule(this)
  }

  tick(): number {
    return ++this.ticks
  }
  mark(what: string): void {
    this.timeline.push({ tick: this.tick(), what })
  }
  markExited(code: number): void {
    this.mark(`exit ${code}`)
    this.markExitedResolve(code)
  }
  /** The windows still open. */
  openWindows(): StandInBrowserWindow[] {
    return this.windows.filter((w) => !w.isDestroyed())
  }
  /** Finds an application-menu item by label, anywhere in the tree. */
  menuItem(label: string): StandInMenuItem | undefined {
    const find = (items: StandInMenuItem[]): StandInMenuItem | undefined =>
      items.reduce<StandInMenuItem | undefined>(
        (found, i) => found ?? (i.label === label ? i : find(i.submenu)),
        undefined,
      )
    return find(this.applicationMenu ?? [])
  }
  /** The user clicks a menu item: checkboxes flip first, then click(menuItem, window, event). */
  clickMenuItem(item: StandInMenuItem): void {
    if (!item.enabled) throw new StandInError(`menu item "${item.label}" is disabled`)
    if (item.type === 'checkbox') item.checked = !item.checked
    item.click?.(item as unknown as Electron.MenuItem, undefined, {} as Electron.KeyboardEvent)
  }
}

function buildElectronModule(proc: StandInProcess): ElectronModule {
  const app = strict<Electron.App>('app', proc.app)
  const ready = (what: string) => {
    if (!proc.app.isReady())
      throw new Error(`The '${what}' module can't be used before the app 'ready' event`)
  }
  class BrowserWindow extends StandInBrowserWindow {
    constructor(options?: Electron.BrowserWindowConstructorOptions) {
      super(proc, options)
      proc.mark(`window ${this.id} created`)
      // Electron hands out the object itself; the proxy makes unimplemented members throw.
      return strict<BrowserWindow>('BrowserWindow', this)
    }
    static getAllWindows(): Electron.BrowserWindow[] {
      return proc.openWindows() as unknown as Electron.BrowserWindow[]
    }
  }
  class Tray extends StandInTray {
    constructor(image: string | Electron.NativeImage) {
      super(proc, image)
      return strict<Tray>('Tray', this)
    }
  }
  class Notification extends StandInNotification {
    constructor(options?: Electron.NotificationConstructorOptions) {
      super(proc, options)
      return strict<Notification>('Notification', this)
    }
    static isSupported(): boolean {
      return proc.machine.hasNotificationService()
    }
  }
  const menuStatics = {
    buildFromTemplate(template: Array<Electron.MenuItemConstructorOptions | Electron.MenuItem>) {
      return strict<Electron.Menu>('Menu', { items: buildItems(template) })
    },
    setApplicationMenu(menu: Electron.Menu | null) {
      proc.applicationMenu = menu ? ((menu as unknown as { items: StandInMenuItem[] }).items ?? []) : null
    },
    getApplicationMenu() {
      return proc.applicationMenu ? strict<Electron.Menu>('Menu', { items: proc.applicationMenu }) : null
    },
  } satisfies Pick<typeof Electron.Menu, 'buildFromTemplate' | 'setApplicationMenu' | 'getApplicationMenu'>
  const screen = strict<Electron.Screen>('screen', {
    getAllDisplays() {
      ready('screen')
      const workArea = { x: 0, y: 0, width: 1920, height: 1040 }
      return [strict<Electron.Display>('Display', { id: 1, workArea, bounds: { ...workArea, height: 1080 } })]
    },
  } satisfies Pick<Electron.Screen, 'getAllDisplays'>)
  const session = strict<typeof Electron.Session>('session', {
    get defaultSession() {
      if (!proc.app.isReady()) throw new Error('Session can only be received when app is ready')
      return proc.session.asElectron
    },
  })
  const shell = strict<Electron.Shell>('shell', {
    async openPath(path: string) {
      proc.openedPaths.push(path)
      return ''
    },
    async openExternal(url: string) {
      proc.openedExternal.push(url)
    },
  } satisfies Pick<Electron.Shell, 'openPath' | 'openExternal'>)
  const dialog = strict<Electron.Dialog>('dialog', {
    showErrorBox(title: string, content: string) {
      proc.errorBoxes.push({ title, content })
    },
  } satisfies Pick<Electron.Dialog, 'showErrorBox'>)
  const backend = () => proc.machine.options.safeStorageBackend ?? 'gnome_libsecret'
  const available = () => proc.app.isReady() && (proc.machine.platform !== 'linux' || backend() !== 'unknown')
  const safeStorage = strict<Electron.SafeStorage>('safeStorage', {
    isEncryptionAvailable: available,
    getSelectedStorageBackend() {
      if (proc.machine.platform !== 'linux') throw new Error('getSelectedStorageBackend is Linux only')
      return proc.app.isReady() ? backend() : 'unknown'
    },
    encryptString(plainText: string) {
      if (!available())
        throw new Error(
          'Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.',
        )
      return Buffer.concat([Buffer.from('v10'), Buffer.from(plainText, 'utf8').map((b) => b ^ 0x5a)])
    },
    decryptString(encrypted: Buffer) {
      if (!available() || encrypted.subarray(0, 3).toString() !== 'v10')
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      return Buffer.from(encrypted.subarray(3).map((b) => b ^ 0x5a)).toString('utf8')
    },
  } satisfies Pick<
    Electron.SafeStorage,
    'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'
  >)
  const module = {
    app,
    BrowserWindow: BrowserWindow satisfies new (
      options?: Electron.BrowserWindowConstructorOptions,
    ) => Pick<Electron.BrowserWindow, WindowKeys>,
    Tray: Tray satisfies new (image: string | Electron.NativeImage) => Pick<Electron.Tray, TrayKeys>,
    Notification: Notification satisfies new (
      options?: Electron.NotificationConstructorOptions,
    ) => Pick<Electron.Notification, NotificationKeys>,
    Menu: strict<typeof Electron.Menu>('Menu', menuStatics),
    ipcMain: strict<Electron.IpcMain>('ipcMain', proc.ipcMain satisfies Pick<Electron.IpcMain, IpcMainKeys>),
    protocol: strict<Electron.Protocol>(
      'protocol',
      proc.protocol satisfies Pick<Electron.Protocol, ProtocolKeys>,
    ),
    screen,
    session,
    shell,
    dialog,
    safeStorage,
  }
  // The rest of `typeof import('electron')` throws when used.
  return strict<ElectronModule>('electron', module)
}

/** The session behind `session.defaultSession` of a process (tests ask it for permissions). */
export function defaultSessionOf(proc: StandInProcess): StandInSession {
  return proc.session.impl
}
