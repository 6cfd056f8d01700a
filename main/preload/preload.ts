/**
 * The preload of the console window (sandboxed, context-isolated; bundled to CommonJS by
 * scripts/build-electron.mjs because sandboxed preloads cannot load ES modules). It exposes
 * `window.c2d` and nothing else; the logic is in c2d-bridge.ts, where the tests reach it.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { exposeC2d } from './c2d-bridge'

exposeC2d(contextBridge, ipcRenderer)
