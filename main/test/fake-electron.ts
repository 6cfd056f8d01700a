/**
 * Single Electron objects faked at their boundary, for main/ unit tests of one module (ipc-server,
 * c2d-bridge, security, tray, main-window, secrets). The whole app runs on the strict stand-in of
 * ./electron-stand-in.ts instead (main/app.test.ts). These fakes behave as Electron documents them
 * (preventable events, structured-clone IPC, invoke with sender + senderFrame, contextBridge refusing to overwrite a
 * global). Each fake implements the structural type from main/electron-types.ts, so tsc keeps
 * fakes and real Electron in step. Test helpers (simulate*, request*) play the browser's part.
 */
import { EventEmitter } from 'node:events'
import type {
  BrowserWindowLike,
  ContextBridgeLike,
  HeadersReceivedDetails,
  IpcInvokeEventLike,
  IpcMainLike,
  IpcRendererLike,
  MenuHandle,
  MenuItemTemplate,
  MenuLike,
  PermissionCheckHandler,
  PermissionRequestHandler,
  PreventableEvent,
  Rect,
  SafeStorageLike,
  SessionLike,
  ShellLike,
  TrayLike,
  WebContentsLike,
  WebFrameLike,
  WindowOpenDetails,
  WindowOptions,
} from '../electron-types'

export class FakePreventableEvent implements PreventableEvent {
  defaultPrevented = false
  preventDefault(): void {
    this.defaultPrevented = true
  }
}

export class FakeWebFrame implements WebFrameLike {
  constructor(
    public url: string,
    public readonly parent: FakeWebFrame | null = null,
  ) {}
}

let nextWebContentsId = 1

export class FakeWebContents extends EventEmitter implements WebContentsLike {
  readonly id = nextWebContentsId++
  readonly mainFrame: FakeWebFrame
  private destroyed = false
  private windowOpenHandler: ((details: WindowOpenDetails) => { action: 'deny' }) | null = null
  /** Renderer-side listeners, keyed by channel (what ipcRenderer.on registered). */
  readonly rendererListeners = new Map<string, Array<(event: unknown, ...args: unknown[]) => void>>()

  constructor(url = 'about:blank') {
    super()
    this.mainFrame = new FakeWebFrame(url)
  }

  getURL(): string {
    return this.mainFrame.url
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.emit('destroyed')
  }
  /** Main → renderer: arguments are structured-cloned, as Electron does. */
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed')
    const cloned = structuredClone(args)
    for (const listener of this.rendererListeners.get(channel) ?? [])
      listener({ sender: 'ipcRenderer' }, ...cloned)
  }
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'deny' }): void {
    this.windowOpenHandler = handler
  }

  /** The page tries to navigate; returns whether the app let it (Electron navigates unless prevented). */
  simulateNavigation(url: string, event: 'will-navigate' | 'will-redirect' = 'will-navigate'): boolean {
    const e = new FakePreventableEvent()
    this.emit(event, e, url)
    if (!e.defaultPrevented) this.mainFrame.url = url
    return !e.defaultPrevented
  }
  simulateAttachWebview(): boolean {
    const e = new FakePreventableEvent()
    this.emit('will-attach-webview', e)
    return !e.defaultPrevented
  }
  /** window.open / target=_blank: Electron allows it when no handler is set. */
  simulateWindowOpen(url: string): { action: string } {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }) : { action: 'allow' }
  }
}

type InvokeHandler = (event: IpcInvokeEventLike, ...args: unknown[]) => unknown

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, InvokeHandler>()
  handle(channel: string, listener: InvokeHandler): void {
    // Electron: "Attempted to register a second handler for '<channel>'".
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
}

/** The renderer half of an IPC pair: a page in `contents`, running in `frame` (its main frame by default). */
export class FakeIpcRenderer implements IpcRendererLike {
  constructor(
    private readonly ipcMain: FakeIpcMain,
    readonly contents: FakeWebContents,
    readonly frame: FakeWebFrame | null = contents.mainFrame,
  ) {}

  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.ipcMain.handlers.get(channel)
    if (!handler)
      throw new Error(
        `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`,
      )
    const event: IpcInvokeEventLike = { sender: this.contents, senderFrame: this.frame }
    return structuredClone(await handler(event, ...structuredClone(args)))
  }
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): this {
    const list = this.contents.rendererListeners.get(channel) ?? []
    list.push(listener)
    this.contents.rendererListeners.set(channel, list)
    return this
  }
}

export class FakeContextBridge implements ContextBridgeLike {
  readonly exposed = new Map<string, Record<string, unknown>>()
  exposeInMainWorld(apiKey: string, api: Record<string, unknown>): void {
    if (this.exposed.has(apiKey))
      throw new Error(`Cannot bind an API on top of an existing property on the window object: ${apiKey}`)
    this.exposed.set(apiKey, api)
  }
}

export class FakeSession implements SessionLike {
  permissionRequestHandler: PermissionRequestHandler | null = null
  permissionCheckHandler: PermissionCheckHandler | null = null
  private headersListener:
    | ((
        details: HeadersReceivedDetails,
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void)
    | null = null
  readonly webRequest = {
    onHeadersReceived: (listener: NonNullable<FakeSession['headersListener']>) => {
      this.headersListener = listener
    },
  }
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler
  }
  /** Chromium asks for a permission; Electron grants everything when no handler is set. */
  requestPermission(permission: string, requestingUrl = 'app://console/index.html'): Promise<boolean> {
    const handler = this.permissionRequestHandler
    if (!handler) return Promise.resolve(true)
    return new Promise((resolve) => handler({}, permission, resolve, { requestingUrl }))
  }
  checkPermission(permission: string, requestingOrigin = 'app://console'): boolean {
    return this.permissionCheckHandler ? this.permissionCheckHandler({}, permission, requestingOrigin) : true
  }
  /** A response arrives; returns the headers the page will see. */
  simulateResponse(url: string, responseHeaders: Record<string, string[]>): Record<string, string[]> {
    if (!this.headersListener) return responseHeaders
    let result = responseHeaders
    this.headersListener({ url, responseHeaders }, (response) => {
      result = response.responseHeaders ?? responseHeaders
    })
    return result
  }
}

export class FakeShell implements ShellLike {
  readonly openedExternal: string[] = []
  readonly openedPaths: string[] = []
  async openExternal(url: string): Promise<void> {
    this.openedExternal.push(url)
  }
  async openPath(path: string): Promise<string> {
    this.openedPaths.push(path)
    return ''
  }
}

/** Reversible but not plain: the stored bytes must not contain the secret. */
export class FakeSafeStorage implements SafeStorageLike {
  constructor(
    public isAvailable = true,
    public backend = 'gnome_libsecret',
  ) {}
  isEncryptionAvailable(): boolean {
    return this.isAvailable
  }
  encryptString(plainText: string): Buffer {
    return Buffer.concat([Buffer.from('v10'), Buffer.from(plainText, 'utf8').map((b) => b ^ 0x5a)])
  }
  decryptString(encrypted: Buffer): string {
    if (encrypted.subarray(0, 3).toString() !== 'v10')
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
    return Buffer.from(encrypted.subarray(3).map((b) => b ^ 0x5a)).toString('utf8')
  }
  getSelectedStorageBackend(): string {
    return this.backend
  }
}

export class FakeBrowserWindow extends EventEmitter implements BrowserWindowLike {
  readonly webContents: FakeWebContents
  private bounds: Rect
  private maximized = false
  private minimized = false
  private destroyed = false
  isVisible = false
  focusCount = 0
  readonly loadedUrls: string[] = []

  constructor(readonly options: WindowOptions) {
    super()
    this.webContents = new FakeWebContents()
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width, height: options.height }
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url)
    this.webContents.mainFrame.url = url
  }
  getNormalBounds(): Rect {
    return { ...this.bounds }
  }
  setBounds(bounds: Rect): void {
    this.bounds = { ...bounds }
  }
  isMaximized(): boolean {
    return this.maximized
  }
  isMinimized(): boolean {
    return this.minimized
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  maximize(): void {
    this.maximized = true
  }
  minimize(): void {
    this.minimized = true
  }
  restore(): void {
    this.minimized = false
  }
  show(): void {
    this.isVisible = true
  }
  focus(): void {
    this.focusCount++
  }
  /** The user closes the window: 'close', then 'closed', then the contents go. */
  close(): void {
    this.emit('close')
    this.destroyed = true
    this.emit('closed')
    this.webContents.destroy()
  }
}

export class FakeMenu implements MenuLike {
  applicationMenu: MenuHandle | null = null
  buildFromTemplate(template: MenuItemTemplate[]): MenuHandle {
    return { template }
  }
  setApplicationMenu(menu: MenuHandle | null): void {
    this.applicationMenu = menu
  }
}

export class FakeTray implements TrayLike {
  toolTip = ''
  contextMenu: MenuHandle | null = null
  isDestroyed = false
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip
  }
  setContextMenu(menu: MenuHandle | null): void {
    this.contextMenu = menu
  }
  private clickListeners: Array<() => void> = []
  on(_event: 'click', listener: () => void): this {
    this.clickListeners.push(listener)
    return this
  }
  /** The user clicks the tray icon. */
  click(): void {
    for (const listener of this.clickListeners) listener()
  }
  destroy(): void {
    this.isDestroyed = true
  }
}
