/**
 * The Electron shell's lifecycle: single-instance lock, hardening (security.ts) before any window
 * exists, the engine started in this process through engine/index.ts with userData as its data
 * dir, the console API over IPC, window/menu/tray, and a graceful quit that stops the engine
 * (core.stop(): servers closed, committed job transitions kept, DB closed) before the process exits.
 *
 * No business logic lives in main/. It may import electron (passed in here, so tests fake it at the
 * boundary), engine/index.ts and the console contract only (lint enforces it).
 */
import { join } from 'node:path'
import type { ConsoleConfig, Core, Logger, StartCoreOptions, createLogger, loadConfig } from '../engine/index'
import type {
  AppLike,
  BrowserWindowLike,
  DialogLike,
  IpcMainLike,
  MenuLike,
  ProtocolLike,
  Rect,
  SafeStorageLike,
  SessionLike,
  ShellLike,
  TrayLike,
  WindowOptions,
} from './electron-types'
import { createIpcServer, type IpcServer } from './console-ipc/ipc-server'
import { RotatingLogFile } from './log-file'
import { applicationMenuTemplate } from './menu'
import { SecretStore } from './secrets'
import { ConsoleTray } from './tray'
import { APP_SCHEME_PRIVILEGES, serveRenderer } from './window/app-protocol'
import { createMainWindow, revealWindow } from './window/main-window'
import { APP_SCHEME, hardenSession, hardenWebContents, isSafeExternalUrl } from './window/security'

/** The parts of the core the shell uses. */
export type ShellCore = Pick<Core, 'consoleService' | 'providerUrl' | 'stop'>

export interface ElectronDeps {
  app: AppLike
  ipcMain: IpcMainLike
  protocol: ProtocolLike
  /** The default session; only valid after 'ready', hence a function. */
  defaultSession(): SessionLike
  shell: ShellLike
  menu: MenuLike
  dialog: DialogLike
  safeStorage: SafeStorageLike
  createWindow(options: WindowOptions): BrowserWindowLike
  /** null where the desktop has no tray (some Linux desktops). */
  createTray(iconPath: string): TrayLike | null
  /** Work areas of the connected displays; only valid after 'ready'. */
  workAreas(): Rect[]
}

export interface EngineDeps {
  loadConfig: typeof loadConfig
  createLogger: typeof createLogger
  startCore(config: ConsoleConfig, options: StartCoreOptions): Promise<ShellCore>
}

export interface AppPaths {
  preload: string
  renderer: string
  trayIcon: string
  windowIcon?: string
  /** better-sqlite3 built for Electron's ABI (`npm start` prepares it; packaged apps have none). */
  sqliteNativeBinding?: string
}

export interface AppHandle {
  readonly isPrimary: boolean
  /** Resolves when the window is up (or the start failed and the app is exiting). */
  readonly started: Promise<void>
  window(): BrowserWindowLike | null
}

/** How long quit waits for core.stop() before exiting anyway (a stuck driver must not hang quit). */
export const ENGINE_STOP_LIMIT_MS = 15_000
const DOCS_URL = 'https://docs.oceanprotocol.com/developers/compute-to-data'

export function runApp(
  electron: ElectronDeps,
  engine: EngineDeps,
  paths: AppPaths,
  platform: NodeJS.Platform = process.platform,
): AppHandle {
  const { app } = electron
  // A second copy would open the same SQLite store and fight over the ports: hand over and leave.
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return { isPrimary: false, started: Promise.resolve(), window: () => null }
  }
  electron.protocol.registerSchemesAsPrivileged(APP_SCHEME_PRIVILEGES)

  const userData = app.getPath('userData')
  let window: BrowserWindowLike | null = null
  let core: ShellCore | null = null
  let ipc: IpcServer | null = null
  let tray: ConsoleTray | null = null
  let logger: Logger | null = null
  let configError: Error | null = null
  let config: ConsoleConfig | null = null
  try {
    config = engine.loadConfig({ overrides: { dataDir: userData } })
    logger = engine.createLogger({
      level: config.logLevel,
      destination: new RotatingLogFile({ dir: join(userData, 'logs') }),
    })
  } catch (error) {
    configError = error instanceof Error ? error : new Error(String(error))
  }
  const warn = (msg: string, meta?: Record<string, unknown>) => logger?.warn(msg, meta)

  app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(contents, { shell: electron.shell, logger: { warn } }),
  )
  // A relaunch while the app serves in the background (window closed) opens a new window.
  app.on('second-instance', () => (core ? openWindow() : revealWindow(window)))

  const openWindow = () => {
    if (window && !window.isDestroyed()) return revealWindow(window)
    window = createMainWindow({
      createWindow: electron.createWindow,
      workAreas: electron.workAreas,
      stateFile: join(userData, 'window-state.json'),
      preloadPath: paths.preload,
      ...(paths.windowIcon ? { iconPath: paths.windowIcon } : {}),
      logger: { warn },
    })
    ipc?.attach(window.webContents)
    window.on('closed', () => {
      window = null
    })
    // Windows log-off/shutdown: stop the core cleanly (the same graceful quit as the menu's).
    window.on('session-end', () => app.quit())
  }
  app.on('activate', () => {
    if (core) openWindow()
  })
  // With a tray the Provider keeps serving consumers while the window is closed; without one,
  // closing the window is the only way the user has to quit.
  app.on('window-all-closed', () => {
    if (!tray) app.quit()
  })

  // Graceful quit: hold the first quit, stop the engine, then quit for real.
  let quitState: 'running' | 'stopping' | 'stopped' = 'running'
  let starting: Promise<void> = Promise.resolve()
  const shutdown = async () => {
    await starting.catch(() => undefined)
    ipc?.dispose()
    tray?.destroy()
    if (!core) return
    let timer: NodeJS.Timeout | undefined
    const limit = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ENGINE_STOP_LIMIT_MS)
      timer.unref?.()
    })
    const outcome = await Promise.race([core.stop().then(() => 'stopped' as const), limit]).catch(
      (error: unknown) => {
        logger?.error('engine stop failed', { error: String(error) })
        return 'failed' as const
      },
    )
    clearTimeout(timer)
    if (outcome === 'timeout')
      logger?.error('engine did not stop in time; exiting anyway', { limitMs: ENGINE_STOP_LIMIT_MS })
  }
  app.on('before-quit', (event) => {
    if (quitState === 'stopped') return
    event.preventDefault()
    if (quitState === 'stopping') return
    quitState = 'stopping'
    logger?.info('quitting: stopping the engine')
    void shutdown().finally(() => {
      quitState = 'stopped'
      app.quit()
    })
  })

  const fail = (title: string, error: unknown, exitCode: number) => {
    const message = error instanceof Error ? error.message : String(error)
    logger?.error(title, { error: message })
    electron.dialog.showErrorBox(title, `${message}\n\nThe log is in ${join(userData, 'logs')}.`)
    quitState = 'stopped'
    app.exit(exitCode)
  }

  const start = async () => {
    await app.whenReady()
    if (configError || !config || !logger) return fail('The console configuration is invalid', configError, 2)
    hardenSession(electron.defaultSession())
    electron.protocol.handle(APP_SCHEME, serveRenderer(paths.renderer))
    const secrets = new SecretStore(electron.safeStorage, userData, platform)
    try {
      // The console's HTTP listener stays off: the window talks over IPC, and no port is opened
      // that another local process could reach.
      core = await engine.startCore(config, {
        logger,
        secrets: secrets.forEngine(),
        listenConsole: false,
        // Results are saved by the engine, streamed disk to disk, to the file picked here.
        ...(electron.dialog.showSaveDialog
          ? {
              chooseSavePath: async (suggestedName: string) => {
                const picked = await electron.dialog.showSaveDialog!({ defaultPath: suggestedName })
                return picked.canceled || !picked.filePath ? null : picked.filePath
              },
            }
          : {}),
        ...(paths.sqliteNativeBinding ? { sqliteNativeBinding: paths.sqliteNativeBinding } : {}),
      })
    } catch (error) {
      return fail('The console engine could not start', error, 1)
    }
    if (quitState !== 'running') return // quit was asked while starting; shutdown() stops the core
    ipc = createIpcServer({ ipcMain: electron.ipcMain, service: core.consoleService, logger })
    electron.menu.setApplicationMenu(
      electron.menu.buildFromTemplate(
        applicationMenuTemplate({
          platform,
          isPackaged: app.isPackaged,
          actions: {
            showConsole: openWindow,
            openDataFolder: () => void electron.shell.openPath(userData),
            openLogFolder: () => void electron.shell.openPath(join(userData, 'logs')),
            openDocumentation: () => {
              if (isSafeExternalUrl(DOCS_URL)) void electron.shell.openExternal(DOCS_URL)
            },
            quit: () => app.quit(),
          },
        }),
      ),
    )
    const nativeTray = electron.createTray(paths.trayIcon)
    if (nativeTray) {
      tray = new ConsoleTray(nativeTray, electron.menu, { showConsole: openWindow, quit: () => app.quit() })
      tray.update({ providerUrl: core.providerUrl })
      core.consoleService.subscribe('onDidChangeClusterHealth', (health) =>
        tray?.update({ isBackendHealthy: health.ok }),
      )
      // A first reading, so the tray does not say "checking" until the next change.
      core.consoleService.checkHealth({}).then(
        (health) => tray?.update({ isBackendHealthy: health.ok }),
        (error: unknown) => logger?.warn('first health check failed', { error: String(error) }),
      )
    }
    openWindow()
    logger.info('console window opened', { version: app.getVersion() })
  }
  starting = start()
  return { isPrimary: true, started: starting, window: () => window }
}
