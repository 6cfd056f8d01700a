/**
 * What the main-process entry does with the electron module: the app's name and data folder,
 * `--user-data-dir`, the Electron-ABI SQLite binding, the adapters from Electron's API to the
 * structural types runApp takes, and the signals that mean "quit gracefully" (Ctrl-C in `npm start`
 * on every OS, console close on Windows). electron-main.ts passes the real module; the tests pass
 * the strict stand-in of main/test/electron-stand-in.ts, which tsc checks against the same type.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { runApp, type AppHandle, type EngineDeps } from './app'
import { detectTrayHost, type TrayHostProbe } from './tray-host'

/** The part of `typeof import('electron')` the main process uses. */
export type ElectronMainModule = Pick<
  typeof import('electron'),
  | 'app'
  | 'BrowserWindow'
  | 'Menu'
  | 'Notification'
  | 'Tray'
  | 'dialog'
  | 'ipcMain'
  | 'protocol'
  | 'safeStorage'
  | 'screen'
  | 'session'
  | 'shell'
>

export const APP_NAME = 'C2D Publisher Console'
/** The data folder's name under the OS's app-data folder (README: "Where the data is"). */
export const APP_DATA_FOLDER = 'c2d-publisher-console'

export interface LaunchOptions {
  appRoot: string
  /** Where dist/main/app.js and preload.cjs are. */
  bundleDir: string
  argv: readonly string[]
  platform: NodeJS.Platform
  /** Process signals (process.on); tests pass an emitter. */
  signals: { on(signal: NodeJS.Signals, listener: () => void): unknown }
  /** Linux: is a StatusNotifier host on the session bus (else a tray icon is invisible)? */
  trayHostProbe?: TrayHostProbe
  /**
   * Windows `npm start` (C2D_QUIT_ON_STDIN=1): stdin is a pipe from the wrapper, which writes "quit"
   * on Ctrl-C / Ctrl-Break; its end (the wrapper or its console gone) also quits. A GUI-subsystem
   * Electron is not attached to the console, so it never sees Ctrl-C itself.
   */
  quitRequests?: NodeJS.ReadableStream
}

/** The line the `npm start` wrapper writes to ask a graceful quit (scripts/electron-signals.mjs). */
export const QUIT_REQUEST = 'quit'

/** Signals that ask a graceful quit: Ctrl-C (SIGINT; Windows maps CTRL_C_EVENT to it), kill, terminal
 * closed, and Windows' console close / Ctrl-Break (SIGBREAK). */
export const QUIT_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']

export function launchElectronApp(
  electron: ElectronMainModule,
  engine: EngineDeps,
  options: LaunchOptions,
): AppHandle {
  const { app } = electron
  // One name and one data folder in dev (`npm start`) and packaged: without this, `npm start` runs as
  // "Electron" with its data, wallet and single-instance lock in ~/.config/Electron. Before ready,
  // before anything reads userData.
  app.setName(APP_NAME)
  app.setPath('userData', join(app.getPath('appData'), APP_DATA_FOLDER))
  // Tests and side-by-side profiles: `--user-data-dir=<dir>` (VS Code's flag) moves userData, and with
  // it the engine's data dir, the log and the window state.
  const userDataArg = options.argv.find((a) => a.startsWith('--user-data-dir='))
  if (userDataArg) app.setPath('userData', userDataArg.slice('--user-data-dir='.length))

  // `npm start` keeps an Electron-ABI build of better-sqlite3 apart from Node's
  // (scripts/electron-native.mjs); a packaged app has its modules rebuilt for Electron in place.
  const devSqliteBinding = join(
    options.appRoot,
    'node_modules',
    '.electron-native',
    'node_modules',
    'better-sqlite3',
    'build',
    'Release',
    'better_sqlite3.node',
  )
  const sqliteNativeBinding = !app.isPackaged && existsSync(devSqliteBinding) ? devSqliteBinding : undefined
  const trayIcon = join(
    options.appRoot,
    'assets',
    'icons',
    options.platform === 'darwin' ? 'tray-Template.png' : 'tray.png',
  )

  const handle = runApp(
    {
      app,
      ipcMain: electron.ipcMain,
      protocol: electron.protocol,
      defaultSession: () => electron.session.defaultSession,
      shell: electron.shell,
      menu: electron.Menu,
      dialog: electron.dialog,
      safeStorage: electron.safeStorage,
      createWindow: (windowOptions) => new electron.BrowserWindow(windowOptions),
      createTray: (iconPath) => {
        try {
          return new electron.Tray(iconPath)
        } catch {
          return null
        }
      },
      trayHostAvailable: () => detectTrayHost(options.platform, options.trayHostProbe),
      workAreas: () => electron.screen.getAllDisplays().map((d) => d.workArea),
      notifications: {
        isSupported: () => electron.Notification.isSupported(),
        create: (notificationOptions) => new electron.Notification(notificationOptions),
      },
    },
    engine,
    {
      preload: join(options.bundleDir, 'preload.cjs'),
      renderer: join(options.appRoot, 'dist', 'renderer'),
      startingPage: join(options.bundleDir, 'starting'),
      trayIcon,
      windowIcon: join(options.appRoot, 'assets', 'icons', 'icon.png'),
      ...(sqliteNativeBinding ? { sqliteNativeBinding } : {}),
    },
    options.platform,
  )
  // Without handlers these signals end the process at once: no core.stop(), the SQLite WAL and the
  // running jobs' state left to crash recovery. app.quit() runs the graceful quit (idempotent).
  for (const signal of QUIT_SIGNALS) options.signals.on(signal, () => app.quit())
  if (options.quitRequests) {
    let buffered = ''
    options.quitRequests.on('data', (chunk: Buffer | string) => {
      buffered = (buffered + chunk.toString()).slice(-256)
      if (buffered.split(/\r?\n/).includes(QUIT_REQUEST)) app.quit()
    })
    options.quitRequests.on('end', () => app.quit())
  }
  return handle
}
