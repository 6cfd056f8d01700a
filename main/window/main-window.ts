/**
 * The main window: created with the secure web preferences of security.ts, loads the renderer from
 * app://console, and keeps its bounds in `<userData>/window-state.json` across launches. A saved
 * position that no longer fits any display (a monitor was unplugged) is dropped, never trusted.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import type { Logger } from '../../engine/index'
import type { BrowserWindowLike, Rect, WindowOptions } from '../electron-types'
import { APP_ENTRY_URL, secureWebPreferences } from './security'

export interface WindowState {
  bounds: Rect
  isMaximized: boolean
}

export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 820 } as const
const MIN_SIZE = { width: 900, height: 600 } as const

function isRect(value: unknown): value is Rect {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  return ['x', 'y', 'width', 'height'].every((k) => typeof r[k] === 'number' && Number.isFinite(r[k]))
}

/** Reads the saved state; anything missing, unparsable or odd-shaped counts as "no state". */
export function readWindowState(file: string): WindowState | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    if (!isRect(parsed.bounds) || parsed.bounds.width < 1 || parsed.bounds.height < 1) return null
    return { bounds: parsed.bounds, isMaximized: parsed.isMaximized === true }
  } catch {
    return null
  }
}

export function writeWindowState(file: string, state: WindowState): void {
  writeFileSync(file, JSON.stringify(state, null, 2) + '\n')
}

/** True when at least a 100×50 px piece of the title area lies on some display's work area. */
export function isVisibleOnSomeDisplay(bounds: Rect, workAreas: Rect[]): boolean {
  return workAreas.some((area) => {
    const overlapWidth = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x)
    const overlapHeight = Math.min(bounds.y + 50, area.y + area.height) - Math.max(bounds.y, area.y)
    return overlapWidth >= 100 && overlapHeight >= 50
  })
}

export function windowOptions(
  state: WindowState | null,
  workAreas: Rect[],
  paths: { preload: string; icon?: string },
): WindowOptions {
  const fits = state !== null && isVisibleOnSomeDisplay(state.bounds, workAreas)
  const size = state
    ? {
        width: Math.max(state.bounds.width, MIN_SIZE.width),
        height: Math.max(state.bounds.height, MIN_SIZE.height),
      }
    : DEFAULT_WINDOW_SIZE
  return {
    ...(fits && state ? { x: state.bounds.x, y: state.bounds.y } : {}),
    ...size,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    // Shown on ready-to-show, so the user never sees an unstyled flash.
    show: false,
    title: 'C2D Publisher Console',
    ...(paths.icon ? { icon: paths.icon } : {}),
    backgroundColor: '#101418',
    webPreferences: secureWebPreferences(paths.preload),
  }
}

export interface MainWindowDeps {
  createWindow(options: WindowOptions): BrowserWindowLike
  workAreas(): Rect[]
  stateFile: string
  preloadPath: string
  /** The page to load first (default: the console; app.ts opens the "starting" page at launch). */
  url?: string
  iconPath?: string
  logger: Pick<Logger, 'warn'>
}

export function createMainWindow(deps: MainWindowDeps): BrowserWindowLike {
  const state = readWindowState(deps.stateFile)
  const window = deps.createWindow(
    windowOptions(state, deps.workAreas(), {
      preload: deps.preloadPath,
      ...(deps.iconPath ? { icon: deps.iconPath } : {}),
    }),
  )
  if (state?.isMaximized) window.maximize()
  window.on('ready-to-show', () => window.show())
  window.on('close', () => {
    try {
      writeWindowState(deps.stateFile, {
        bounds: window.getNormalBounds(),
        isMaximized: window.isMaximized(),
      })
    } catch (error) {
      deps.logger.warn('could not save the window state', { error: String(error) })
    }
  })
  void window
    .loadURL(deps.url ?? APP_ENTRY_URL)
    .catch((error: unknown) => deps.logger.warn('could not load the console page', { error: String(error) }))
  return window
}

/** Brings the window to the front (a second launch, a tray click). */
export function revealWindow(window: BrowserWindowLike | null): void {
  if (!window || window.isDestroyed()) return
  if (window.isMinimized()) window.restore()
  window.show()
  window.focus()
}
