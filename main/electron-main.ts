/**
 * The main-process entry (bundled to dist/main/app.js by scripts/build-electron.mjs): hands the real
 * electron module and the engine to runApp. The only file in main/ that imports electron at
 * runtime (besides the preload), so everything else can be unit-tested with fakes.
 */
import {
  BrowserWindow,
  Menu,
  Tray,
  app,
  dialog,
  ipcMain,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLogger, loadConfig, startCore } from '../engine/index'
import { runApp } from './app'

// The bundle sits in dist/main/; the renderer build in dist/renderer/; icons in assets/icons/.
const bundleDir = dirname(fileURLToPath(import.meta.url))
const appRoot = join(bundleDir, '..', '..')

// One name and one data folder in dev (`npm start`) and packaged: without this, `npm start` runs as
// "Electron" with its data, wallet and single-instance lock in ~/.config/Electron. The folder is the
// one the README lists (the same default as `npm run serve`). Before ready, before anything reads it.
app.setName('C2D Publisher Console')
app.setPath('userData', join(app.getPath('appData'), 'c2d-publisher-console'))

// Tests and side-by-side profiles: `--user-data-dir=<dir>` (VS Code's flag) moves userData, and with
// it the engine's data dir, the log and the window state. Must happen before anything reads it.
const userDataArg = process.argv.find((a) => a.startsWith('--user-data-dir='))
if (userDataArg) app.setPath('userData', userDataArg.slice('--user-data-dir='.length))

// `npm start` keeps an Electron-ABI build of better-sqlite3 apart from Node's (scripts/electron-native.mjs);
// a packaged app has its modules rebuilt for Electron in place and uses the package's own build.
const devSqliteBinding = join(
  appRoot,
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
  appRoot,
  'assets',
  'icons',
  process.platform === 'darwin' ? 'tray-Template.png' : 'tray.png',
)

runApp(
  {
    app,
    ipcMain,
    protocol,
    defaultSession: () => session.defaultSession,
    shell,
    menu: Menu,
    dialog,
    safeStorage,
    createWindow: (options) => new BrowserWindow(options),
    createTray: (iconPath) => {
      try {
        return new Tray(iconPath)
      } catch {
        return null
      }
    },
    workAreas: () => screen.getAllDisplays().map((d) => d.workArea),
  },
  { loadConfig, createLogger, startCore },
  {
    preload: join(bundleDir, 'preload.cjs'),
    renderer: join(appRoot, 'dist', 'renderer'),
    trayIcon,
    windowIcon: join(appRoot, 'assets', 'icons', 'icon.png'),
    ...(sqliteNativeBinding ? { sqliteNativeBinding } : {}),
  },
)
