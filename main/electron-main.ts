/**
 * The main-process entry (bundled to dist/main/app.js by scripts/build-electron.mjs): hands the real
 * electron module and the engine to launchElectronApp (main/launch.ts). The only file in main/ that
 * imports electron at runtime (besides the preload); the tests run launchElectronApp on the strict
 * stand-in of main/test/electron-stand-in.ts, typed against the same `typeof import('electron')`.
 */
import {
  BrowserWindow,
  Menu,
  Notification,
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
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchElectronApp } from './launch'

// The bundle sits in dist/main/; the renderer build in dist/renderer/; icons in assets/icons/.
const bundleDir = dirname(fileURLToPath(import.meta.url))

launchElectronApp(
  {
    BrowserWindow,
    Menu,
    Notification,
    Tray,
    app,
    dialog,
    ipcMain,
    protocol,
    safeStorage,
    screen,
    session,
    shell,
  },
  // Loaded once the starting window is up (a separate chunk: its module graph takes seconds).
  {
    load: async () => {
      const [engine, contract] = await Promise.all([
        import('../engine/index'),
        import('../engine/console-api/contract'),
      ])
      return { ...engine, consoleEvents: contract.consoleEvents }
    },
  },
  {
    appRoot: join(bundleDir, '..', '..'),
    bundleDir,
    argv: process.argv,
    platform: process.platform,
    signals: process,
    ...(process.env.C2D_QUIT_ON_STDIN === '1' ? { quitRequests: process.stdin } : {}),
  },
)
