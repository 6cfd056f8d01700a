/**
 * The main-process entry (bundled to dist/main/app.js by scripts/build-electron.mjs): hands the real
 * electron module and the engine to launchElectronApp (main/launch.ts). The only file in main/ that
 * imports electron at runtime (besides the preload); the tests run launchElectronApp on the strict
 * stand-in of main/test/electron-stand-in.ts, typed against the same `typeof import('electron')`.
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
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLogger, loadConfig, startCore } from '../engine/index'
import { launchElectronApp } from './launch'

// The bundle sits in dist/main/; the renderer build in dist/renderer/; icons in assets/icons/.
const bundleDir = dirname(fileURLToPath(import.meta.url))

launchElectronApp(
  { BrowserWindow, Menu, Tray, app, dialog, ipcMain, protocol, safeStorage, screen, session, shell },
  { loadConfig, createLogger, startCore },
  {
    appRoot: join(bundleDir, '..', '..'),
    bundleDir,
    argv: process.argv,
    platform: process.platform,
    signals: process,
  },
)
