import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FakeBrowserWindow } from '../test/fake-electron'
import { createFakeLogger } from '../test/fake-logger'
import type { WindowOptions } from '../electron-types'
import { DEFAULT_WINDOW_SIZE, createMainWindow, isVisibleOnSomeDisplay, readWindowState } from './main-window'

const SCREEN = { x: 0, y: 0, width: 1920, height: 1080 }
let dir: string
let stateFile: string
let created: FakeBrowserWindow[]

function open(workAreas = [SCREEN]) {
  return createMainWindow({
    createWindow: (options: WindowOptions) => {
      const w = new FakeBrowserWindow(options)
      created.push(w)
      return w
    },
    workAreas: () => workAreas,
    stateFile,
    preloadPath: '/app/dist/main/preload.cjs',
    logger: createFakeLogger(),
  }) as FakeBrowserWindow
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'c2d-window-'))
  stateFile = join(dir, 'window-state.json')
  created = []
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('main window', () => {
  it('opens hidden with the secure preferences and loads the app origin, shown when ready', () => {
    const window = open()
    expect(window.options).toMatchObject({
      ...DEFAULT_WINDOW_SIZE,
      show: false,
      webPreferences: {
        preload: '/app/dist/main/preload.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
      },
    })
    expect(window.loadedUrls).toEqual(['app://console/index.html'])
    expect(window.isVisible).toBe(false)
    window.emit('ready-to-show')
    expect(window.isVisible).toBe(true)
  })

  it('saves its bounds on close and restores them next launch', () => {
    const first = open()
    first.setBounds({ x: 100, y: 80, width: 1000, height: 700 })
    first.maximize()
    first.close()
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toEqual({
      bounds: { x: 100, y: 80, width: 1000, height: 700 },
      isMaximized: true,
    })
    const second = open()
    expect(second.options).toMatchObject({ x: 100, y: 80, width: 1000, height: 700 })
    expect(second.isMaximized()).toBe(true)
  })

  it('drops a saved position that is on no display any more, keeping the size', () => {
    writeFileSync(
      stateFile,
      JSON.stringify({ bounds: { x: 3000, y: 200, width: 1000, height: 700 }, isMaximized: false }),
    )
    const window = open([SCREEN])
    expect(window.options.x).toBeUndefined()
    expect(window.options).toMatchObject({ width: 1000, height: 700 })
  })

  it('ignores a damaged state file', () => {
    writeFileSync(stateFile, '{"bounds": {"x": "evil"}')
    expect(readWindowState(stateFile)).toBeNull()
    expect(open().options).toMatchObject(DEFAULT_WINDOW_SIZE)
  })

  it('counts a window as visible only when part of its title area is on a display', () => {
    expect(isVisibleOnSomeDisplay({ x: 10, y: 10, width: 800, height: 600 }, [SCREEN])).toBe(true)
    expect(isVisibleOnSomeDisplay({ x: 1900, y: 10, width: 800, height: 600 }, [SCREEN])).toBe(false)
    expect(isVisibleOnSomeDisplay({ x: 10, y: -500, width: 800, height: 600 }, [SCREEN])).toBe(false)
    expect(
      isVisibleOnSomeDisplay({ x: 2000, y: 10, width: 800, height: 600 }, [
        SCREEN,
        { x: 1920, y: 0, width: 1280, height: 1024 },
      ]),
    ).toBe(true)
  })
})
