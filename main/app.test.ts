/**
 * The desktop app's lifecycle, run through the main-process entry (launchElectronApp) on the strict
 * Electron stand-in: pages come through the registered app:// handler, the real preload runs
 * sandboxed in a vm, and the console API is called through what it exposed.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { createConsoleClient, type ConsoleTransport } from '../engine/console-api/contract'
import { defaultSessionOf, type StandInMachine } from './test/electron-stand-in'
import { APP_DATA_FOLDER, APP_NAME, QUIT_SIGNALS } from './launch'
import { PREFERENCES_FILE } from './preferences'
import { SecretName, SecretStore } from './secrets'
import type { StartupState } from './startup'
import {
  fakeEngine,
  launchOnStandIn,
  prepareAppRoot,
  settle,
  standInMachine,
  type StandInLaunch,
} from './test/stand-in-app'

let root: Awaited<ReturnType<typeof prepareAppRoot>>
beforeAll(async () => {
  root = await prepareAppRoot()
})
afterAll(() => root.remove())

let env: ReturnType<typeof standInMachine>
beforeEach(() => {
  env = standInMachine()
})
afterEach(() => env.remove())

type C2d = ConsoleTransport & {
  startupState(): Promise<StartupState>
  onStartup(listener: (state: StartupState) => void): () => void
}
type Keychain = {
  keychainStatus(): Promise<unknown>
  rememberWalletPassword(password: string): Promise<unknown>
  forgetWalletPassword(): Promise<unknown>
}
const c2dOf = (launch: StandInLaunch, windowIndex = 0): C2d => {
  const page = launch.proc.windows[windowIndex]!.contents.pages.at(-1)!
  return page.mainWorld.c2d as C2d
}
const userDataOf = (machine: StandInMachine) => join(machine.options.appData, APP_DATA_FOLDER)

async function startedApp(
  options: {
    machine?: StandInMachine
    argv?: string[]
    isPackaged?: boolean
    engine?: ReturnType<typeof fakeEngine>
  } = {},
) {
  const engine = options.engine ?? fakeEngine()
  const launch = launchOnStandIn(options.machine ?? env.machine, root.appRoot, engine.engine, {
    ...(options.argv ? { argv: options.argv } : {}),
    ...(options.isPackaged ? { isPackaged: true } : {}),
  })
  await launch.handle.started
  await settle()
  return { ...launch, engine }
}

describe('the desktop app on the Electron stand-in', () => {
  it('startup: the window shows the starting page before the engine is ready, with each step, then the console', async () => {
    const engine = fakeEngine()
    engine.holdStart()
    const launch = launchOnStandIn(env.machine, root.appRoot, engine.engine)
    expect(launch.proc.windows).toHaveLength(0) // nothing before 'ready'
    await settle()
    // The engine is still starting, and the window is already up on the starting page.
    expect(engine.journal).toEqual(['startCore'])
    const window = launch.proc.windows[0]!
    expect(window.isVisible()).toBe(true)
    // Shown before the engine's module graph was even loaded.
    const loadTick = launch.proc.timeline.find((m) => m.what === 'engine load begun')!.tick
    expect(window.shownAt).not.toBeNull()
    expect(window.shownAt!).toBeLessThan(loadTick)
    const starting = window.contents.pages[0]!
    expect(starting.url).toBe('app://console/_starting/index.html')
    expect(starting.status).toBe(200)
    expect(starting.headers.get('content-type')).toMatch(/^text\/html/)
    expect(starting.csp.get('script-src')).toEqual(["'self'"])
    expect(starting.assets.map((a) => [a.url, a.status, a.contentType.split(';')[0]])).toEqual([
      ['app://console/_starting/starting.js', 200, 'text/javascript'],
      ['app://console/_starting/starting.css', 200, 'text/css'],
    ])
    expect(starting.problems).toEqual([])
    expect(starting.preloadErrors).toEqual([])

    // The page reads the state through the preload, and gets each change pushed.
    const c2d = c2dOf(launch)
    const first = await c2d.startupState()
    expect(first.phase).toBe('starting')
    expect(first.steps.find((s) => s.step === 'store')?.state).toBe('done')
    expect(first.steps.find((s) => s.step === 'chain')?.state).toBe('running')
    const pushed: StartupState[] = []
    c2d.onStartup((s) => pushed.push(s))
    engine.releaseStart()
    await launch.handle.started
    await settle()
    expect(pushed.at(-1)?.phase).toBe('ready')
    expect(pushed.at(-1)?.steps.every((s) => s.state === 'done')).toBe(true)

    // Then the console page, through the same window and protocol handler, and its API via the preload.
    const consolePage = window.contents.pages.at(-1)!
    expect(consolePage.url).toBe('app://console/index.html')
    expect(consolePage.assets.map((a) => [a.kind, a.status])).toEqual([
      ['script', 200],
      ['style', 200],
    ])
    expect(consolePage.problems).toEqual([])
    const client = createConsoleClient(c2dOf(launch))
    expect((await client.listJobs({})).total).toBe(3)
    expect(launch.proc.violations).toEqual([])
  })

  it('a missing asset or a page without its CSP is caught by the stand-in', async () => {
    const app = await startedApp()
    const contents = app.proc.windows[0]!.contents
    await expect(contents.loadURL('app://console/assets/missing.js')).rejects.toThrow(
      /ERR_HTTP_RESPONSE_CODE_FAILURE/,
    )
    await expect(contents.loadURL('https://example.com/')).rejects.toThrow(/ERR_UNKNOWN_URL_SCHEME/)
  })

  it('a failed start shows the error and its fix on the starting window, and closing it quits', async () => {
    const engine = fakeEngine({
      failStart: Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8030'), {
        code: 'EADDRINUSE',
      }),
    })
    const app = await startedApp({ engine })
    const state = await c2dOf(app).startupState()
    expect(state.phase).toBe('failed')
    expect(state.failure?.title).toBe('The console engine could not start')
    expect(state.failure?.message).toContain('EADDRINUSE')
    expect(state.failure?.fix).toMatch(/provider\.port/)
    expect(state.steps.find((s) => s.step === 'provider')?.state).toBe('failed')
    expect(app.proc.errorBoxes).toEqual([]) // on the window, not a dialog
    expect(app.proc.app.state).toBe('running')
    app.proc.windows[0]!.close()
    expect(await app.proc.exited).toBe(1)
  })

  it('an invalid config.json is shown on the starting window, naming the field', async () => {
    const userData = userDataOf(env.machine)
    const { mkdirSync } = await import('node:fs')
    mkdirSync(userData, { recursive: true })
    writeFileSync(join(userData, 'config.json'), '{"logLevel": "loud"}')
    const app = await startedApp()
    const state = await c2dOf(app).startupState()
    expect(state.failure?.title).toBe('The console configuration is invalid')
    expect(state.failure?.message).toContain('logLevel')
    expect(state.failure?.fix).toContain('config.json')
    expect(app.engine.started).toHaveLength(0)
  })

  it("a chain that does not start is not fatal: the console opens and the step shows the chain's error", async () => {
    const app = await startedApp({ engine: fakeEngine({ chainFails: true }) })
    const state = app.handle.startup()
    expect(state.phase).toBe('ready')
    expect(state.steps.find((s) => s.step === 'chain')).toMatchObject({
      state: 'failed',
      message: expect.stringContaining('Fix:'),
    })
    expect(app.proc.windows[0]!.contents.pages.at(-1)!.url).toBe('app://console/index.html')
  })

  it('close then relaunch: serving in the background (Linux, chosen, tray shown), a second launch opens a new window', async () => {
    const first = await startedApp()
    const keep = first.proc.menuItem('Keep serving in the background when the window is closed')!
    expect(keep.enabled).toBe(true)
    first.proc.clickMenuItem(keep)
    expect(JSON.parse(readFileSync(join(userDataOf(env.machine), PREFERENCES_FILE), 'utf8'))).toEqual({
      keepServingInBackground: true,
      desktopNotifications: true,
    })
    first.proc.windows[0]!.close()
    await settle()
    expect(first.proc.app.state).toBe('running')
    expect(first.engine.journal).not.toContain('core.stop begun')
    expect(first.proc.openWindows()).toHaveLength(0)

    // The user launches the app again: the new process loses the lock and leaves; the first opens a window.
    const second = launchOnStandIn(env.machine, root.appRoot, fakeEngine().engine)
    expect(second.handle.isPrimary).toBe(false)
    expect(await second.proc.exited).toBe(0)
    await settle()
    expect(first.proc.openWindows()).toHaveLength(1)
    const reopened = first.proc.windows[1]!
    expect(reopened.isVisible()).toBe(true)
    expect(reopened.contents.pages.map((p) => p.url)).toEqual(['app://console/index.html'])
    expect((await createConsoleClient(c2dOf(first, 1)).listJobs({})).total).toBe(3)
  })

  it('Linux by default (no choice made): closing the window quits gracefully, stopping the core', async () => {
    const app = await startedApp()
    app.proc.windows[0]!.close()
    expect(await app.proc.exited).toBe(0)
    expect(app.engine.journal).toEqual(['startCore', 'core started', 'core.stop begun', 'core.stop done'])
    expect(app.proc.trays[0]!.isDestroyed()).toBe(true)
  })

  it('no tray (GNOME without a StatusNotifier host): the switch is off and greyed, and closing quits even if chosen before', async () => {
    const noTray = standInMachine({ hasStatusNotifierHost: false })
    try {
      const { mkdirSync } = await import('node:fs')
      mkdirSync(userDataOf(noTray.machine), { recursive: true })
      writeFileSync(join(userDataOf(noTray.machine), PREFERENCES_FILE), '{"keepServingInBackground": true}')
      const app = await startedApp({ machine: noTray.machine })
      expect(app.proc.trays[0]!.isShown()).toBe(false)
      const keep = app.proc.menuItem('Keep serving in the background when the window is closed')!
      expect(keep.enabled).toBe(false)
      app.proc.windows[0]!.close()
      expect(await app.proc.exited).toBe(0)
      expect(app.engine.journal).toContain('core.stop done')
    } finally {
      noTray.remove()
    }
  })

  it('Windows: closing the window keeps serving from the tray; a tray click opens the window; session-end quits cleanly', async () => {
    const win = standInMachine({ platform: 'win32' })
    try {
      const app = await startedApp({ machine: win.machine })
      expect(app.proc.menuItem('Keep serving in the background when the window is closed')).toBeUndefined()
      app.proc.windows[0]!.close()
      await settle()
      expect(app.proc.app.state).toBe('running')
      app.proc.trays[0]!.click()
      await settle()
      expect(app.proc.openWindows()).toHaveLength(1)
      app.proc.windows[1]!.emit('session-end')
      expect(await app.proc.exited).toBe(0)
      expect(app.engine.journal).toContain('core.stop done')
    } finally {
      win.remove()
    }
  })

  it('quit during start: the window goes, the engine is stopped once it has started, nothing else opens', async () => {
    const engine = fakeEngine()
    engine.holdStart()
    const launch = launchOnStandIn(env.machine, root.appRoot, engine.engine)
    await settle()
    expect(launch.proc.openWindows()).toHaveLength(1)
    launch.proc.app.quit()
    launch.proc.app.quit() // impatient
    await settle()
    expect(launch.proc.app.state).toBe('running') // held until the engine is stopped
    engine.releaseStart()
    expect(await launch.proc.exited).toBe(0)
    expect(engine.journal).toEqual(['startCore', 'core started', 'core.stop begun', 'core.stop done'])
    expect(launch.proc.windows).toHaveLength(1)
    expect(launch.proc.windows[0]!.contents.pages.map((p) => p.url)).toEqual([
      'app://console/_starting/index.html',
    ])
  })

  it.each(QUIT_SIGNALS)(
    '%s (Ctrl-C in npm start, console close on Windows) quits gracefully',
    async (signal) => {
      const app = await startedApp()
      app.engine.holdStop()
      app.signals.emit(signal)
      await settle()
      expect(app.engine.journal).toContain('core.stop begun')
      expect(app.proc.app.state).toBe('running')
      app.engine.releaseStop()
      expect(await app.proc.exited).toBe(0)
    },
  )

  it('Windows npm start: "quit" on the stdin pipe (the wrapper got Ctrl-C) quits gracefully; so does the pipe ending', async () => {
    for (const ask of [(s: PassThrough) => s.write('noise\r\nquit\r\n'), (s: PassThrough) => s.end()]) {
      const quitRequests = new PassThrough()
      const engine = fakeEngine()
      const launch = launchOnStandIn(env.machine, root.appRoot, engine.engine, { quitRequests })
      await launch.handle.started
      await settle()
      ask(quitRequests)
      expect(await launch.proc.exited).toBe(0)
      expect(engine.journal).toContain('core.stop done')
    }
  })

  it('dev vs packaged naming: "C2D Publisher Console", data and lock in the per-OS folder; --user-data-dir moves both', async () => {
    const dev = await startedApp()
    expect(dev.proc.app.getName()).toBe(APP_NAME)
    expect(dev.engine.started[0]!.config.dataDir).toBe(userDataOf(env.machine))
    expect(existsSync(join(userDataOf(env.machine), 'logs', 'main.log'))).toBe(true)
    expect(dev.proc.menuItem('toggleDevTools')).toBeDefined()
    // A packaged launch on the same machine uses the same folder: it finds the lock held.
    const packaged = launchOnStandIn(env.machine, root.appRoot, fakeEngine().engine, { isPackaged: true })
    expect(packaged.handle.isPrimary).toBe(false)
    expect(packaged.proc.app.getName()).toBe(APP_NAME)
    dev.proc.app.quit()
    await dev.proc.exited
    const alone = await startedApp({ isPackaged: true })
    expect(alone.handle.isPrimary).toBe(true)
    expect(alone.engine.started[0]!.config.dataDir).toBe(userDataOf(env.machine))
    expect(alone.engine.started[0]!.options.sqliteNativeBinding).toBeUndefined()
    expect(alone.proc.menuItem('toggleDevTools')).toBeUndefined()
    // Another profile: its own data dir and its own lock.
    const other = join(env.appData, 'profile-2')
    const profile = await startedApp({ argv: [`--user-data-dir=${other}`] })
    expect(profile.handle.isPrimary).toBe(true)
    expect(profile.engine.started[0]!.config.dataDir).toBe(other)
    expect(profile.proc.violations).toEqual([])
  })

  it('a foreign frame is refused: raw IPC from a subframe, a navigation away, and a console call after it', async () => {
    const app = await startedApp()
    const contents = app.proc.windows[0]!.contents
    const evil = contents.attachSubframe('https://evil.example/')
    expect(await contents.invokeFrom(evil, 'c2d:call', 'listJobs', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: expect.stringContaining('not the main frame') },
    })
    await expect(contents.invokeFrom(evil, 'c2d:startup-state')).rejects.toThrow(/refused/)
    const c2d = c2dOf(app)
    expect(contents.simulateNavigation('https://evil.example/')).toBe(false)
    expect((await createConsoleClient(c2d).listJobs({})).total).toBe(3)
  })

  it('Copy: the clipboard write permission is granted to the console page only', async () => {
    const app = await startedApp()
    const session = defaultSessionOf(app.proc)
    const contents = app.proc.windows[0]!.webContents
    expect(await session.requestPermission(contents, 'clipboard-sanitized-write')).toBe(true)
    expect(await session.requestPermission(contents, 'media')).toBe(false)
    expect(await session.requestPermission(contents, 'clipboard-read')).toBe(false)
  })

  it('basic_text safe storage (Linux without a keyring): "remember the password" is refused with the reason; nothing is kept', async () => {
    const plain = standInMachine({ safeStorageBackend: 'basic_text' })
    try {
      const app = await startedApp({ machine: plain.machine })
      const c2d = c2dOf(app) as C2d & Keychain
      expect(await c2d.keychainStatus()).toMatchObject({
        isAvailable: false,
        reason: expect.stringContaining('keyring'),
        isRemembered: false,
      })
      await expect(c2d.rememberWalletPassword('hunter2')).rejects.toThrow(/Cannot remember this secret/)
      expect(existsSync(join(userDataOf(plain.machine), 'secrets', 'wallet-password.bin'))).toBe(false)
      expect(app.engine.started[0]!.options.secrets).toEqual({})
    } finally {
      plain.remove()
    }
  })

  it('remember the wallet password on this computer: stored encrypted through the preload, handed to the engine at the next start, forgotten on request', async () => {
    const first = await startedApp()
    const c2d = c2dOf(first) as C2d & Keychain
    expect(await c2d.keychainStatus()).toEqual({ isAvailable: true, isRemembered: false })
    expect(await c2d.rememberWalletPassword('hunter2')).toEqual({ isAvailable: true, isRemembered: true })
    const file = join(userDataOf(env.machine), 'secrets', 'wallet-password.bin')
    expect(readFileSync(file).includes(Buffer.from('hunter2'))).toBe(false)
    await expect(c2d.rememberWalletPassword('')).rejects.toThrow(/non-empty/)
    // A foreign frame cannot store or probe it.
    const contents = first.proc.windows[0]!.contents
    const evil = contents.attachSubframe('https://evil.example/')
    await expect(contents.invokeFrom(evil, 'c2d:keychain-remember', 'x')).rejects.toThrow(/refused/)
    await expect(contents.invokeFrom(evil, 'c2d:keychain-status')).rejects.toThrow(/refused/)
    first.proc.app.quit()
    await first.proc.exited

    const second = await startedApp()
    expect(second.engine.started[0]!.options.secrets).toEqual({ walletPassword: 'hunter2' })
    expect(await (c2dOf(second) as C2d & Keychain).forgetWalletPassword()).toEqual({
      isAvailable: true,
      isRemembered: false,
    })
    second.proc.app.quit()
    await second.proc.exited
    const third = await startedApp()
    expect(third.engine.started[0]!.options.secrets).toEqual({})
    expect(
      new SecretStore(third.proc.electron.safeStorage, userDataOf(env.machine), 'linux').read(
        SecretName.WalletPassword,
      ),
    ).toBeUndefined()
  })
  it('desktop notifications: a refused request shows one, its click brings the window up; the menu switch turns them off and is kept', async () => {
    const app = await startedApp()
    const refused = {
      method: 'POST',
      path: '/api/services/compute',
      status: 403,
      elapsedMs: 3,
      atMs: 1,
      errorCode: 'ALGORITHM_DENIED',
    }
    app.engine.ports()!.emitProviderRequest(refused)
    expect(app.proc.notifications.map((n) => [n.title, n.body])).toEqual([
      [
        'A consumer was refused',
        'POST /api/services/compute asked for an algorithm you denied (ALGORITHM_DENIED).',
      ],
    ])
    const window = app.proc.windows[0]!
    const focused = window.focusCount
    app.proc.notifications[0]!.click()
    expect(window.focusCount).toBe(focused + 1)

    const item = app.proc.menuItem('Desktop notifications')!
    expect(item.checked).toBe(true)
    app.proc.clickMenuItem(item)
    expect(JSON.parse(readFileSync(join(userDataOf(env.machine), PREFERENCES_FILE), 'utf8'))).toMatchObject({
      desktopNotifications: false,
    })
    app.engine.ports()!.emitProviderRequest({ ...refused, atMs: 2 })
    expect(app.proc.notifications).toHaveLength(1)
    expect(app.proc.menuItem('Desktop notifications')!.checked).toBe(false)
  })
  it('desktop notifications: the Settings switch (console API over IPC) reads and writes the same preference as the menu', async () => {
    const app = await startedApp()
    const client = createConsoleClient(c2dOf(app))
    expect(await client.getNotificationSettings()).toEqual({
      desktopNotifications: true,
      surface: 'desktop-app',
      isSupported: true,
    })
    expect(await client.setNotificationSettings({ desktopNotifications: false })).toMatchObject({
      desktopNotifications: false,
      surface: 'desktop-app',
    })
    expect(JSON.parse(readFileSync(join(userDataOf(env.machine), PREFERENCES_FILE), 'utf8'))).toMatchObject({
      desktopNotifications: false,
    })
    expect(app.proc.menuItem('Desktop notifications')!.checked).toBe(false)
    app.engine.ports()!.emitProviderRequest({
      method: 'POST',
      path: '/api/services/compute',
      status: 403,
      elapsedMs: 3,
      atMs: 1,
      errorCode: 'ALGORITHM_DENIED',
    })
    expect(app.proc.notifications).toHaveLength(0)
    // The menu's toggle is what the switch reads next, and it is pushed to the window at once (the
    // Settings switch follows without waiting for the next focus).
    await settle() // the switch's own change above has reached the window
    const pushed: unknown[] = []
    const off = client.subscribe('onDidChangeNotificationSettings', (e) => pushed.push(e))
    app.proc.clickMenuItem(app.proc.menuItem('Desktop notifications')!)
    await settle()
    expect(pushed).toEqual([{ desktopNotifications: true, surface: 'desktop-app', isSupported: true }])
    off()
    expect((await client.getNotificationSettings()).desktopNotifications).toBe(true)
    // A preference that cannot be written is not reported as changed, nor applied.
    const file = join(userDataOf(env.machine), PREFERENCES_FILE)
    rmSync(file)
    mkdirSync(file)
    await expect(client.setNotificationSettings({ desktopNotifications: false })).rejects.toMatchObject({
      code: 'INTERNAL',
    })
    expect((await client.getNotificationSettings()).desktopNotifications).toBe(true)
    expect(app.proc.menuItem('Desktop notifications')!.checked).toBe(true)
    rmSync(file, { recursive: true })
  })
  it('desktop notifications: a failed job shows one; its click opens the window on that job (#/jobs/<id>)', async () => {
    // Windows: closing the window keeps serving from the tray, so a notification can come while it is gone.
    const win = standInMachine({ platform: 'win32' })
    try {
      const app = await startedApp({ machine: win.machine })
      app.engine.ports()!.transition('job-running', 70, 'failed', {
        outcome: { kind: 'failed', reason: 'exit code 1' },
      })
      expect(app.proc.notifications.map((n) => n.title)).toEqual(['Job failed'])
      app.proc.windows[0]!.close()
      await settle()
      expect(app.proc.app.state).toBe('running')
      expect(app.proc.openWindows()).toHaveLength(0)
      app.proc.notifications[0]!.click()
      await settle()
      const opened = app.proc.openWindows()
      expect(opened).toHaveLength(1)
      expect(opened[0]!.contents.getURL()).toBe('app://console/index.html#/jobs/job-running')
      // With the window up, a click moves it to the job without opening another.
      app.engine.ports()!.transition('job-queued', 70, 'failed', { outcome: { kind: 'failed', reason: 'x' } })
      app.proc.notifications[1]!.click()
      await settle()
      expect(app.proc.openWindows()).toHaveLength(1)
      expect(opened[0]!.contents.getURL()).toBe('app://console/index.html#/jobs/job-queued')
    } finally {
      win.remove()
    }
  })
})
