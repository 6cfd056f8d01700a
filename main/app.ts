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
import type {
  ConsoleConfig,
  Core,
  Logger,
  StartCoreOptions,
  createLogger,
  dispatchConsoleCall,
  loadConfig,
} from '../engine/index'
import type { consoleEvents } from '../engine/console-api/contract'
import type {
  AppLike,
  BrowserWindowLike,
  DialogLike,
  IpcMainLike,
  MenuLike,
  NotificationsLike,
  ProtocolLike,
  Rect,
  SafeStorageLike,
  SessionLike,
  ShellLike,
  TrayLike,
  WindowOptions,
} from './electron-types'
import { checkSender, createIpcServer, type IpcServer } from './console-ipc/ipc-server'
import {
  jobRouteUrl,
  showDesktopNotifications,
  withDesktopNotificationSettings,
} from './desktop-notifications'
import { registerKeychainIpc } from './keychain-ipc'
import { RotatingLogFile } from './log-file'
import { applicationMenuTemplate } from './menu'
import { readPreferences, writePreferences, type DesktopPreferences } from './preferences'
import { SecretStore } from './secrets'
import {
  STARTUP_CHANNEL,
  STARTUP_STATE_CHANNEL,
  applyProgress,
  initialStartupState,
  startFailureFix,
  type StartupState,
} from './startup'
import { ConsoleTray } from './tray'
import { APP_SCHEME_PRIVILEGES, serveRenderer } from './window/app-protocol'
import { createMainWindow, revealWindow } from './window/main-window'
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  STARTING_PAGE_URL,
  STARTING_PATH,
  hardenSession,
  hardenWebContents,
  isSafeExternalUrl,
} from './window/security'

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
  /** null where the tray cannot be created. */
  createTray(iconPath: string): TrayLike | null
  /** Whether a tray icon is actually shown (Linux: a StatusNotifier host on D-Bus); default: yes. */
  trayHostAvailable?(): Promise<boolean>
  /** Work areas of the connected displays; only valid after 'ready'. */
  workAreas(): Rect[]
  /** Electron's main-process Notification; absent: no desktop notifications. */
  notifications?: NotificationsLike
}

/** What the shell uses of engine/index.ts. */
export interface EngineModule {
  loadConfig: typeof loadConfig
  createLogger: typeof createLogger
  dispatchConsoleCall: typeof dispatchConsoleCall
  consoleEvents: typeof consoleEvents
  startCore(config: ConsoleConfig, options: StartCoreOptions): Promise<ShellCore>
}

export interface EngineDeps {
  /**
   * Loads the engine. Called once the starting window is up: the engine's module graph (ethers,
   * libp2p, fastify, SQLite…) takes seconds to load, and the window must not wait for it.
   */
  load(): Promise<EngineModule>
}

/** How long the engine waits for the starting window's first paint before loading anyway. */
export const FIRST_PAINT_WAIT_MS = 2_000

export interface AppPaths {
  preload: string
  renderer: string
  /** The static "starting" page (main/window/starting, copied to dist/main/starting). */
  startingPage: string
  trayIcon: string
  windowIcon?: string
  /** better-sqlite3 built for Electron's ABI (`npm start` prepares it; packaged apps have none). */
  sqliteNativeBinding?: string
}

export interface AppHandle {
  readonly isPrimary: boolean
  /** Resolves when the engine is up and the console page loading (or the start failed). */
  readonly started: Promise<void>
  window(): BrowserWindowLike | null
  /** What the starting window shows. */
  startup(): StartupState
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
    return { isPrimary: false, started: Promise.resolve(), window: () => null, startup: initialStartupState }
  }
  electron.protocol.registerSchemesAsPrivileged(APP_SCHEME_PRIVILEGES)

  const userData = app.getPath('userData')
  let window: BrowserWindowLike | null = null
  let core: ShellCore | null = null
  let ipc: IpcServer | null = null
  let tray: ConsoleTray | null = null
  let logger: Logger | null = null
  const warn = (msg: string, meta?: Record<string, unknown>) => logger?.warn(msg, meta)
  const logsDir = join(userData, 'logs')
  let preferences: DesktopPreferences = readPreferences(userData)
  /** Is a tray icon actually on screen (Linux: a StatusNotifier host)? Known once the tray is made. */
  let isTrayShown = false
  let isAppReady = false
  let stopNotifications: (() => void) | null = null

  app.on('web-contents-created', (_event, contents) =>
    hardenWebContents(contents, { shell: electron.shell, logger: { warn } }),
  )

  // The "starting" window's state; pushed to the window on each change, read once on page load.
  let startup: StartupState = initialStartupState()
  const pushStartup = () => {
    const contents = window?.webContents
    if (contents && !contents.isDestroyed()) contents.send(STARTUP_CHANNEL, startup)
  }
  const attachedIds = new Set<number>()
  electron.ipcMain.handle(STARTUP_STATE_CHANNEL, (event) => {
    const check = checkSender(event, attachedIds)
    if (!check.ok) throw new Error(`refused: ${check.reason}`)
    return startup
  })

  let painted: Promise<void> = Promise.resolve()
  /** The starting window's first paint (or its close, or FIRST_PAINT_WAIT_MS). */
  const firstPaint = () => painted
  const openWindow = (url: string = core ? APP_ENTRY_URL : STARTING_PAGE_URL) => {
    if (window && !window.isDestroyed()) return revealWindow(window)
    const opened = createMainWindow({
      createWindow: electron.createWindow,
      workAreas: electron.workAreas,
      stateFile: join(userData, 'window-state.json'),
      preloadPath: paths.preload,
      url,
      ...(paths.windowIcon ? { iconPath: paths.windowIcon } : {}),
      logger: { warn },
    })
    window = opened
    painted = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FIRST_PAINT_WAIT_MS)
      timer.unref?.()
      const done = () => {
        clearTimeout(timer)
        resolve()
      }
      opened.on('ready-to-show', done)
      opened.on('closed', done)
    })
    const id = opened.webContents.id
    attachedIds.add(id)
    ipc?.attach(opened.webContents)
    opened.on('closed', () => {
      attachedIds.delete(id)
      if (window === opened) window = null
    })
    // Windows log-off/shutdown: stop the core cleanly (the same graceful quit as the menu's).
    opened.on('session-end', () => app.quit())
  }
  // A relaunch while the app serves in the background (window closed) opens a new window.
  app.on('second-instance', () => openWindow())
  app.on('activate', () => openWindow())

  /** Whether closing the last window leaves the app serving in the background. */
  const keepsServing = () => {
    if (!core || !tray || !isTrayShown) return false
    // Linux: only when the user chose it (menu), and only where the tray can bring the window back.
    if (platform === 'linux') return preferences.keepServingInBackground
    return true
  }
  app.on('window-all-closed', () => {
    // After a failed start there is nothing to stop: leave with the failure's exit code.
    if (startup.phase === 'failed') {
      quitState = 'stopped'
      return app.exit(1)
    }
    if (!keepsServing()) app.quit()
  })

  // Graceful quit: hold the first quit, stop the engine, then quit for real.
  let quitState: 'running' | 'stopping' | 'stopped' = 'running'
  let starting: Promise<void> = Promise.resolve()
  const shutdown = async () => {
    await starting.catch(() => undefined)
    stopNotifications?.()
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

  /** A fatal start failure: on the starting window, with its fix; the app stays until the user quits. */
  const fail = (title: string, error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    logger?.error(title, { error: message })
    startup = {
      ...startup,
      phase: 'failed',
      failure: { title, message, fix: startFailureFix(error, { userData, logs: logsDir }) },
    }
    pushStartup()
    if (!window) {
      // No window could be shown: the error box is the only way left to tell the user.
      electron.dialog.showErrorBox(title, `${message}\n\nThe log is in ${logsDir}.`)
      quitState = 'stopped'
      app.exit(1)
    }
  }

  /** A notification's click: the window up, on the job's page (the hash route) when there is one. */
  const openJob = (jobId: string | undefined) => {
    const url = jobId ? jobRouteUrl(APP_ENTRY_URL, jobId) : APP_ENTRY_URL
    const current = window
    if (!current || current.isDestroyed()) return openWindow(url)
    revealWindow(current)
    // Only the fragment changes: a same-document navigation, the page is not reloaded.
    if (jobId && core)
      void current
        .loadURL(url)
        .catch((error: unknown) => warn('could not open the job', { error: String(error) }))
  }

  /** Told after desktopNotifications changes (the window's Settings switch follows the menu). */
  const notificationPreferenceListeners = new Set<() => void>()
  const applyPreferences = (next: DesktopPreferences) => {
    const isNotificationChange = next.desktopNotifications !== preferences.desktopNotifications
    preferences = next
    setMenu()
    if (isNotificationChange) notificationPreferenceListeners.forEach((listener) => listener())
  }
  const setPreference = (change: Partial<DesktopPreferences>) => {
    const next = { ...preferences, ...change }
    try {
      writePreferences(userData, next)
    } catch (error) {
      warn('could not save the desktop preferences', { error: String(error) })
    }
    applyPreferences(next)
  }
  /** Settings' switch (over IPC): written first, applied once the file holds it; a failed write throws. */
  const savePreference = (change: Partial<DesktopPreferences>) => {
    const next = { ...preferences, ...change }
    writePreferences(userData, next)
    applyPreferences(next)
  }
  const setMenu = () =>
    electron.menu.setApplicationMenu(
      electron.menu.buildFromTemplate(
        applicationMenuTemplate({
          platform,
          isPackaged: app.isPackaged,
          actions: {
            showConsole: () => openWindow(),
            openDataFolder: () => void electron.shell.openPath(userData),
            openLogFolder: () => void electron.shell.openPath(logsDir),
            openDocumentation: () => {
              if (isSafeExternalUrl(DOCS_URL)) void electron.shell.openExternal(DOCS_URL)
            },
            quit: () => app.quit(),
            ...(electron.notifications
              ? {
                  desktopNotifications: {
                    checked: preferences.desktopNotifications,
                    toggle: (checked: boolean) => setPreference({ desktopNotifications: checked }),
                  },
                }
              : {}),
            ...(platform === 'linux'
              ? {
                  keepServing: {
                    checked: preferences.keepServingInBackground,
                    enabled: isTrayShown,
                    toggle: (checked: boolean) => setPreference({ keepServingInBackground: checked }),
                  },
                }
              : {}),
          },
        }),
      ),
    )

  const start = async () => {
    await app.whenReady()
    isAppReady = true
    hardenSession(electron.defaultSession())
    electron.protocol.handle(
      APP_SCHEME,
      serveRenderer(paths.renderer, { [STARTING_PATH]: paths.startingPage }),
    )
    setMenu()
    const secrets = new SecretStore(electron.safeStorage, userData, platform)
    registerKeychainIpc({
      ipcMain: electron.ipcMain,
      secrets,
      checkSender: (event) => checkSender(event, attachedIds),
    })
    // The window first, before the engine (which takes seconds to load and to start: chain,
    // samples, Provider): it shows each step as it happens, and a failure with its fix.
    openWindow(STARTING_PAGE_URL)
    await firstPaint()
    if (quitState !== 'running') return
    let loaded: EngineModule
    try {
      loaded = await engine.load()
    } catch (error) {
      return fail('The console engine could not be loaded', error)
    }
    let config: ConsoleConfig
    try {
      config = loaded.loadConfig({ overrides: { dataDir: userData } })
      logger = loaded.createLogger({
        level: config.logLevel,
        destination: new RotatingLogFile({ dir: logsDir }),
      })
    } catch (error) {
      return fail('The console configuration is invalid', error)
    }
    try {
      // The console's HTTP listener stays off: the window talks over IPC, and no port is opened
      // that another local process could reach.
      core = await loaded.startCore(config, {
        logger,
        secrets: secrets.forEngine(),
        listenConsole: false,
        onProgress: (progress) => {
          startup = applyProgress(startup, progress)
          pushStartup()
        },
        // Results are saved by the engine, streamed disk to disk, to the file picked here. The dialog
        // is looked up only when a save is asked (the stand-in has none, and says so if touched).
        chooseSavePath: async (suggestedName: string) => {
          const picked = await electron.dialog.showSaveDialog!({ defaultPath: suggestedName })
          return picked.canceled || !picked.filePath ? null : picked.filePath
        },
        ...(paths.sqliteNativeBinding ? { sqliteNativeBinding: paths.sqliteNativeBinding } : {}),
      })
    } catch (error) {
      return fail('The console engine could not start', error)
    }
    if (quitState !== 'running') return // quit was asked while starting; shutdown() stops the core
    const running = core
    const notifications = electron.notifications
    ipc = createIpcServer({
      ipcMain: electron.ipcMain,
      // Settings → Desktop notifications reads and writes desktop-preferences.json, as the File menu does.
      service: withDesktopNotificationSettings(running.consoleService, {
        isOn: () => preferences.desktopNotifications,
        set: (isOn) => savePreference({ desktopNotifications: isOn }),
        isSupported: () => notifications?.isSupported() ?? false,
        onDidChange: (listener) => {
          notificationPreferenceListeners.add(listener)
          return () => void notificationPreferenceListeners.delete(listener)
        },
      }),
      logger,
      dispatch: loaded.dispatchConsoleCall,
      events: loaded.consoleEvents,
    })
    if (electron.notifications)
      stopNotifications = showDesktopNotifications(running.consoleService, {
        notifications: electron.notifications,
        isReady: () => isAppReady,
        isEnabled: () => preferences.desktopNotifications,
        open: openJob,
        logger,
      })
    const nativeTray = electron.createTray(paths.trayIcon)
    if (nativeTray) {
      tray = new ConsoleTray(nativeTray, electron.menu, {
        showConsole: () => openWindow(),
        quit: () => app.quit(),
      })
      tray.update({ providerUrl: running.providerUrl })
      running.consoleService.subscribe('onDidChangeClusterHealth', (health) =>
        tray?.update({ isBackendHealthy: health.ok }),
      )
      // A first reading, so the tray does not say "checking" until the next change.
      running.consoleService.checkHealth({}).then(
        (health) => tray?.update({ isBackendHealthy: health.ok }),
        (error: unknown) => logger?.warn('first health check failed', { error: String(error) }),
      )
      isTrayShown = await (electron.trayHostAvailable?.() ?? Promise.resolve(true))
      if (!isTrayShown)
        logger.warn('no tray is shown on this desktop (no StatusNotifier host): closing the window quits')
      setMenu()
    }
    startup = { ...startup, phase: 'ready' }
    pushStartup()
    const current = window as BrowserWindowLike | null
    if (current && !current.isDestroyed()) {
      ipc.attach(current.webContents)
      void current
        .loadURL(APP_ENTRY_URL)
        .catch((error: unknown) => warn('could not load the console page', { error: String(error) }))
    } else openWindow(APP_ENTRY_URL)
    logger.info('console window opened', { version: app.getVersion() })
  }
  starting = start()
  return { isPrimary: true, started: starting, window: () => window, startup: () => startup }
}
