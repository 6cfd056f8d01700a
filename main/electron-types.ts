/**
 * The slice of Electron's API the shell uses, as structural types. The real module satisfies them
 * (main/electron-main.ts passes it in and tsc checks the fit); unit tests pass the fakes of
 * main/test/fake-electron.ts, so Electron is faked at its boundary and nowhere else.
 * Type-only: nothing here imports electron at runtime.
 */

export interface PreventableEvent {
  preventDefault(): void
}

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/** A frame that sent an IPC message (Electron's WebFrameMain). */
export interface WebFrameLike {
  readonly url: string
  readonly parent: WebFrameLike | null
}

export interface WindowOpenDetails {
  url: string
}

export interface WebContentsLike {
  readonly id: number
  getURL(): string
  send(channel: string, ...args: unknown[]): void
  isDestroyed(): boolean
  setWindowOpenHandler(handler: (details: WindowOpenDetails) => { action: 'deny' }): void
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): this
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): this
  once(event: 'destroyed', listener: () => void): this
}

export interface IpcInvokeEventLike {
  readonly sender: WebContentsLike
  readonly senderFrame: WebFrameLike | null
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): this
}

export interface ContextBridgeLike {
  exposeInMainWorld(apiKey: string, api: Record<string, unknown>): void
}

/** Options we pass to `new BrowserWindow(...)`; a subset of Electron's, so it fits the real one. */
export interface WindowOptions {
  x?: number
  y?: number
  width: number
  height: number
  minWidth: number
  minHeight: number
  show: boolean
  title: string
  icon?: string
  backgroundColor?: string
  webPreferences: {
    preload: string
    contextIsolation: true
    sandbox: true
    nodeIntegration: false
    nodeIntegrationInWorker: false
    nodeIntegrationInSubFrames: false
    webSecurity: true
    allowRunningInsecureContent: false
    webviewTag: false
    spellcheck: boolean
  }
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike
  loadURL(url: string): Promise<void>
  getNormalBounds(): Rect
  isMaximized(): boolean
  isMinimized(): boolean
  isDestroyed(): boolean
  maximize(): void
  restore(): void
  show(): void
  focus(): void
  /** 'session-end': Windows is logging off or shutting down. */
  on(event: 'close' | 'closed' | 'ready-to-show' | 'session-end', listener: () => void): this
}

export type PermissionRequestHandler = (
  webContents: unknown,
  permission: string,
  callback: (isGranted: boolean) => void,
  details: { requestingUrl?: string },
) => void
export type PermissionCheckHandler = (
  webContents: unknown,
  permission: string,
  requestingOrigin: string,
) => boolean
export interface HeadersReceivedDetails {
  url: string
  responseHeaders?: Record<string, string[]>
}

export interface SessionLike {
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void
  readonly webRequest: {
    onHeadersReceived(
      listener: (
        details: HeadersReceivedDetails,
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void,
    ): void
  }
}

export interface CustomSchemeLike {
  scheme: string
  privileges: {
    standard: boolean
    secure: boolean
    supportFetchAPI: boolean
    corsEnabled: boolean
    stream: boolean
  }
}

export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: CustomSchemeLike[]): void
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void
}

export interface ShellLike {
  openExternal(url: string): Promise<void>
  openPath(path: string): Promise<string>
}

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only in Electron; 'basic_text' means no keyring, i.e. not really encrypted. */
  getSelectedStorageBackend(): string
}

export type MenuRole =
  | 'about'
  | 'quit'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'reload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'close'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'front'

export interface MenuItemTemplate {
  label?: string
  role?: MenuRole
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox'
  checked?: boolean
  accelerator?: string
  enabled?: boolean
  click?: () => void
  submenu?: MenuItemTemplate[]
}

/** What `Menu.buildFromTemplate` returns; opaque to us. */
export type MenuHandle = object

export interface MenuLike {
  buildFromTemplate(template: MenuItemTemplate[]): MenuHandle
  setApplicationMenu(menu: MenuHandle | null): void
}

export interface TrayLike {
  setToolTip(toolTip: string): void
  setContextMenu(menu: MenuHandle | null): void
  /** Windows: a click on the icon (the context menu is the right click). */
  on(event: 'click', listener: () => void): unknown
  destroy(): void
}

export interface AppLike {
  readonly isPackaged: boolean
  requestSingleInstanceLock(): boolean
  whenReady(): Promise<void>
  getPath(name: 'userData' | 'logs'): string
  getVersion(): string
  quit(): void
  exit(exitCode?: number): void
  on(event: 'second-instance' | 'activate' | 'window-all-closed' | 'will-quit', listener: () => void): this
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): this
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): this
}

export interface DialogLike {
  showErrorBox(title: string, content: string): void
  /** Electron's Save dialog (the fake may leave it out: saveResult then answers NOT_AVAILABLE). */
  showSaveDialog?(options: { defaultPath?: string }): Promise<{ canceled: boolean; filePath?: string }>
}

/** An Electron `Notification` (main process): shown by show(); 'click' when the user clicks it. */
export interface NotificationLike {
  show(): void
  on(event: 'click', listener: () => void): unknown
}

export interface NotificationsLike {
  /** Electron's `Notification.isSupported()`: false where the desktop has no notification service. */
  isSupported(): boolean
  /** `new Notification(options)`; only after 'ready'. */
  create(options: { title: string; body: string }): NotificationLike
}
