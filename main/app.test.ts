import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, loadConfig, type ConsoleConfig, type StartCoreOptions } from '../engine/index'
import { createConsoleClient } from '../engine/console-api/contract'
import { FakeIpcRenderer, createFakeElectron } from './test/fake-electron'
import { createTestConsoleService } from './test/engine-test-support'
import { createC2dBridge } from './preload/c2d-bridge'
import { runApp, type EngineDeps, type ShellCore } from './app'

const PATHS = {
  preload: '/app/dist/main/preload.cjs',
  renderer: '/app/dist/renderer',
  trayIcon: '/app/assets/icons/tray.png',
}

let userData: string
beforeEach(() => {
  userData = mkdtempSync(join(tmpdir(), 'c2d-app-'))
})
afterEach(() => rmSync(userData, { recursive: true, force: true }))

/** A core that records its life; `stop()` waits until the test lets it finish. */
function fakeEngine(options: { failStart?: boolean } = {}) {
  const journal: string[] = []
  const started: Array<{ config: ConsoleConfig; options: StartCoreOptions }> = []
  let finishStop!: () => void
  const stopGate = new Promise<void>((resolve) => (finishStop = resolve))
  let releaseStart: () => void = () => {}
  let startGate: Promise<void> = Promise.resolve()
  const engine: EngineDeps = {
    loadConfig: (o) => loadConfig({ ...o, env: {} }),
    createLogger,
    startCore: async (config, opts) => {
      started.push({ config, options: opts })
      await startGate
      if (options.failStart) throw new Error('port 8030 is in use')
      const core: ShellCore = {
        consoleService: createTestConsoleService().service,
        providerUrl: 'http://127.0.0.1:8030',
        stop: async () => {
          journal.push('core.stop begun')
          await stopGate
          journal.push('core.stop done')
        },
      }
      return core
    },
  }
  return {
    engine,
    journal,
    started,
    finishStop,
    holdStart: () => (startGate = new Promise<void>((resolve) => (releaseStart = resolve))),
    releaseStart: () => releaseStart(),
  }
}

async function launch(
  options: { isOtherInstanceRunning?: boolean; hasTray?: boolean; failStart?: boolean } = {},
  paths: Parameters<typeof runApp>[2] = PATHS,
) {
  const electron = createFakeElectron(userData, options)
  const engine = fakeEngine(options)
  electron.app.on('will-quit', () => engine.journal.push('will-quit'))
  const handle = runApp(electron.deps, engine.engine, paths, 'linux')
  electron.app.emitReady()
  await handle.started
  return { electron, engine, handle }
}

describe('Electron app lifecycle', () => {
  it('leaves at once when another instance holds the lock, starting nothing', async () => {
    const { electron, engine, handle } = await launch({ isOtherInstanceRunning: true })
    expect(handle.isPrimary).toBe(false)
    expect(electron.app.quitCount).toBe(1)
    expect(engine.started).toHaveLength(0)
    expect(electron.windows).toHaveLength(0)
  })

  it('a relaunch after the window was closed (serving in the background from the tray) opens a new window', async () => {
    const { electron, handle } = await launch({ hasTray: true })
    electron.windows[0]!.close()
    expect(handle.window()).toBeNull()
    electron.app.emit('second-instance', {}, [], '')
    expect(electron.windows).toHaveLength(2)
    expect(handle.window()).toBe(electron.windows[1])
    expect(electron.windows[1]!.loadedUrls).toEqual(['app://console/index.html'])
  })

  it('session-end (Windows log-off) stops the core through the graceful quit', async () => {
    const { electron, engine } = await launch({ hasTray: true })
    electron.windows[0]!.emit('session-end')
    await new Promise((resolve) => setImmediate(resolve))
    expect(engine.journal).toEqual(['core.stop begun'])
    engine.finishStop()
    await new Promise((resolve) => setImmediate(resolve))
    expect(electron.app.hasQuit).toBe(true)
    expect(engine.journal).toEqual(['core.stop begun', 'core.stop done', 'will-quit'])
  })

  it("hands the Electron-ABI SQLite binding (npm start's separate copy) to the engine", async () => {
    const binding =
      '/app/node_modules/.electron-native/node_modules/better-sqlite3/build/Release/better_sqlite3.node'
    const { engine } = await launch({}, { ...PATHS, sqliteNativeBinding: binding })
    expect(engine.started[0]!.options.sqliteNativeBinding).toBe(binding)
  })

  it('starts the engine in-process on userData without the console HTTP listener, then opens a hardened window', async () => {
    const { electron, engine, handle } = await launch()
    expect(engine.started).toHaveLength(1)
    expect(engine.started[0]!.config.dataDir).toBe(userData)
    expect(engine.started[0]!.options.listenConsole).toBe(false)
    expect(engine.started[0]!.options.sqliteNativeBinding).toBeUndefined()
    expect(electron.protocol.privileged.map((s) => s.scheme)).toEqual(['app'])
    expect(electron.protocol.handlers.has('app')).toBe(true)
    expect(await electron.session.requestPermission('media')).toBe(false)
    const window = electron.windows[0]!
    expect(handle.window()).toBe(window)
    expect(window.loadedUrls).toEqual(['app://console/index.html'])
    expect(window.options.webPreferences).toMatchObject({
      preload: PATHS.preload,
      sandbox: true,
      contextIsolation: true,
    })
    expect(window.webContents.simulateNavigation('https://evil.example/')).toBe(false)
    expect(electron.menu.applicationMenu).not.toBeNull()
    expect(electron.trays[0]!.toolTip).toContain('http://127.0.0.1:8030')
    await new Promise((resolve) => setImmediate(resolve))
    expect(electron.trays[0]!.toolTip).toContain('compute backend healthy')
    expect(readFileSync(join(userData, 'logs', 'main.log'), 'utf8')).toContain('console window opened')
  })

  it('answers the console API to its window over IPC', async () => {
    const { electron } = await launch()
    const client = createConsoleClient(
      createC2dBridge(new FakeIpcRenderer(electron.ipcMain, electron.windows[0]!.webContents)),
    )
    expect((await client.listJobs({})).total).toBe(3)
  })

  it('brings the window back when a second instance starts', async () => {
    const { electron } = await launch()
    const window = electron.windows[0]!
    window.minimize()
    electron.app.emit('second-instance')
    expect(window.isMinimized()).toBe(false)
    expect(window.focusCount).toBe(1)
  })

  it('quits gracefully: holds the quit until core.stop() has finished, stops once', async () => {
    const { electron, engine } = await launch()
    electron.app.quit()
    electron.app.quit() // impatient user
    await new Promise((resolve) => setImmediate(resolve))
    expect(electron.app.hasQuit).toBe(false)
    expect(engine.journal).toEqual(['core.stop begun'])
    engine.finishStop()
    await new Promise((resolve) => setImmediate(resolve))
    expect(electron.app.hasQuit).toBe(true)
    expect(engine.journal).toEqual(['core.stop begun', 'core.stop done', 'will-quit'])
    expect(electron.trays[0]!.isDestroyed).toBe(true)
  })

  it('stops an engine that was still starting when quit was asked, and opens no window', async () => {
    const electron = createFakeElectron(userData)
    const engine = fakeEngine()
    engine.holdStart()
    const handle = runApp(electron.deps, engine.engine, PATHS, 'linux')
    electron.app.emitReady()
    await new Promise((resolve) => setImmediate(resolve))
    electron.app.quit()
    engine.releaseStart()
    engine.finishStop()
    await handle.started
    await new Promise((resolve) => setImmediate(resolve))
    expect(engine.journal).toEqual(['core.stop begun', 'core.stop done'])
    expect(electron.app.hasQuit).toBe(true)
    expect(electron.windows).toHaveLength(0)
  })

  it('keeps serving from the tray when the window closes; quits when there is no tray', async () => {
    const withTray = await launch()
    withTray.electron.windows[0]!.close()
    withTray.electron.app.emit('window-all-closed')
    expect(withTray.electron.app.quitCount).toBe(0)
    const noTray = await launch({ hasTray: false })
    noTray.electron.app.emit('window-all-closed')
    expect(noTray.electron.app.quitCount).toBe(1)
  })

  it('explains an engine start failure and exits 1', async () => {
    const { electron } = await launch({ failStart: true })
    expect(electron.dialog.errorBoxes[0]).toMatchObject({ title: 'The console engine could not start' })
    expect(electron.dialog.errorBoxes[0]!.content).toContain('port 8030 is in use')
    expect(electron.app.exitCode).toBe(1)
    expect(electron.windows).toHaveLength(0)
  })

  it('explains an invalid config.json and exits 2', async () => {
    writeFileSync(join(userData, 'config.json'), '{"logLevel": "loud"}')
    const { electron, engine } = await launch()
    expect(electron.dialog.errorBoxes[0]!.content).toContain('logLevel')
    expect(electron.app.exitCode).toBe(2)
    expect(engine.started).toHaveLength(0)
  })
})
