/**
 * The desktop app (Electron project): starts with its engine in the main process (the window first,
 * on the starting page), shows the console over IPC (the page objects of the HTTP project), exposes
 * only window.c2d to the page, and quits gracefully; a closed window comes back on a second launch,
 * the Copy button reaches the clipboard, and the data lives in the README's per-OS folder. Skipped —
 * with the reason printed — where the Electron binary is missing (runs in .github/workflows/desktop.yml).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect, type ElectronApplication, type Page } from '@playwright/test'
import { appCommand, electronBinary, launchElectronApp } from '../fixtures/electron-app'
import { REPO_ROOT } from '../fixtures/start-serve'
import { ConsoleApp, SCREEN_NAMES } from '../pages/console-app'
import { JobsPage } from '../pages/jobs-page'

// global-setup.ts prints the reason once per run; the skip carries it into the report.
const binary = electronBinary()
const CONSOLE_URL = 'app://console/index.html'

/** The first window, once it shows the console (after the starting page). */
async function consoleWindow(app: ElectronApplication): Promise<Page> {
  const page = await app.firstWindow()
  await page.waitForURL(CONSOLE_URL, { timeout: 60_000 })
  await new ConsoleApp(page, 'electron').waitForShell()
  return page
}

/** The data folder the README lists for this OS, under `appData` (the OS's app-data root). */
function readmeDataFolder(appData: string): string {
  return join(appData, 'c2d-publisher-console')
}

test.describe('Electron desktop app', () => {
  test.skip(!binary.ok, binary.ok ? '' : binary.reason)

  test('starts, renders the console over IPC, exposes only window.c2d, and quits gracefully', async () => {
    if (!binary.ok) return
    const { app, userDataDir } = await launchElectronApp(binary.path)
    try {
      const page = await app.firstWindow()
      // The window opens on the starting page while the engine starts, then shows the console.
      await page.waitForURL(CONSOLE_URL, { timeout: 60_000 })
      const consoleApp = new ConsoleApp(page, 'electron')
      await consoleApp.waitForShell()

      // The preload API: call/subscribe, the starting page's and the keychain's members, no Node,
      // and a call answers the envelope.
      const surface = await page.evaluate(async () => {
        const w = window as unknown as {
          c2d: { call(m: string, i: unknown): Promise<unknown> }
          require?: unknown
          process?: unknown
        }
        return {
          keys: Object.keys(w.c2d).sort(),
          hasRequire: typeof w.require !== 'undefined',
          hasProcess: typeof w.process !== 'undefined',
          overview: (await w.c2d.call('getOverview', {})) as { ok: boolean },
          unknown: (await w.c2d.call('dropDatabase', {})) as { ok: boolean; error?: { code: string } },
        }
      })
      expect(surface.keys).toEqual([
        'call',
        'forgetWalletPassword',
        'keychainStatus',
        'onStartup',
        'rememberWalletPassword',
        'startupState',
        'subscribe',
      ])
      expect(surface.hasRequire).toBe(false)
      expect(surface.hasProcess).toBe(false)
      expect(surface.overview.ok).toBe(true)
      expect(surface.unknown).toMatchObject({ ok: false, error: { code: 'METHOD_UNKNOWN' } })

      for (const screen of SCREEN_NAMES) {
        await consoleApp.goTo(screen)
        await consoleApp.screenshot(`screen-${screen.toLowerCase().replace(/ /g, '-')}`)
      }
      await new JobsPage(consoleApp).open()

      // Navigation away from the app is refused by the main process.
      await page.evaluate(() => {
        window.location.href = 'https://example.com/'
      })
      await expect(page).toHaveURL('app://console/index.html')

      // Quit: the engine stops (its log line) before the process exits.
      await app.evaluate(({ app: electronApp }) => electronApp.quit())
      await app.waitForEvent('close')
      const log = readFileSync(join(userDataDir, 'logs', 'main.log'), 'utf8')
      expect(log).toContain('quitting: stopping the engine')
      expect(log).toContain('core stopped')
      expect(existsSync(join(userDataDir, 'window-state.json'))).toBe(true)
    } finally {
      await app.close().catch(() => undefined)
      rmSync(userDataDir, { recursive: true, force: true })
    }
  })

  test('close the window, then launch again: a window with the console appears', async () => {
    if (!binary.ok) return
    const first = await launchElectronApp(binary.path)
    try {
      const page = await consoleWindow(first.app)
      if (process.platform === 'linux') {
        // Linux default: closing the window quits (no "keep serving in the background" chosen).
        const closed = first.app.waitForEvent('close')
        await page.close()
        await closed
        const again = await launchElectronApp(binary.path, { userDataDir: first.userDataDir })
        try {
          await consoleWindow(again.app)
        } finally {
          await again.app.close().catch(() => undefined)
        }
      } else {
        // macOS/Windows: the app keeps serving from the tray; a second launch hands over to it and
        // leaves, and the running app opens a new window.
        await page.close()
        const reopened = first.app.waitForEvent('window', { timeout: 30_000 })
        const command = appCommand(binary.path, [`--user-data-dir=${first.userDataDir}`])
        const second = spawn(command.executable, command.args, { cwd: REPO_ROOT, stdio: 'ignore' })
        const secondExit = new Promise<number | null>((resolve) => second.on('exit', resolve))
        const window = await reopened
        await window.waitForURL(CONSOLE_URL)
        await new ConsoleApp(window, 'electron').waitForShell()
        expect(await secondExit).toBe(0)
      }
    } finally {
      await first.app.close().catch(() => undefined)
      rmSync(first.userDataDir, { recursive: true, force: true })
    }
  })

  test('the Copy button puts the Provider URL on the clipboard', async () => {
    if (!binary.ok) return
    const { app, userDataDir } = await launchElectronApp(binary.path)
    try {
      const page = await consoleWindow(app)
      const consoleApp = new ConsoleApp(page, 'electron')
      await consoleApp.goTo('Overview')
      const url = (await page.getByTestId('provider-url').textContent())?.trim() ?? ''
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      await app.evaluate(({ clipboard }) => clipboard.writeText('before'))
      await page.getByRole('button', { name: 'Copy provider URL' }).click()
      await expect
        .poll(() => app.evaluate(({ clipboard }) => clipboard.readText()), { timeout: 10_000 })
        .toBe(url)
    } finally {
      await app.close().catch(() => undefined)
      rmSync(userDataDir, { recursive: true, force: true })
    }
  })

  test('keeps its data in the folder the README lists for this OS, named "C2D Publisher Console"', async () => {
    if (!binary.ok) return
    // Linux: XDG_CONFIG_HOME moves the OS's app-data root, so the default folder is tested without
    // touching the runner's own. macOS and Windows take it from the OS: only on CI machines.
    test.skip(
      process.platform !== 'linux' && !process.env.CI,
      'writes to the real per-user data folder: CI machines only on macOS and Windows',
    )
    const xdg = mkdtempSync(join(tmpdir(), 'c2d-electron-xdg-'))
    const { app } = await launchElectronApp(binary.path, {
      userDataDir: null,
      ...(process.platform === 'linux' ? { env: { XDG_CONFIG_HOME: xdg } } : {}),
    })
    let userData = ''
    try {
      await consoleWindow(app)
      const paths = await app.evaluate(({ app: electronApp }) => ({
        name: electronApp.getName(),
        appData: electronApp.getPath('appData'),
        userData: electronApp.getPath('userData'),
      }))
      userData = paths.userData
      expect(paths.name).toBe('C2D Publisher Console')
      const expectedRoot =
        process.platform === 'linux'
          ? xdg
          : process.platform === 'darwin'
            ? join(homedir(), 'Library', 'Application Support')
            : (process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
      expect(paths.appData).toBe(expectedRoot)
      expect(paths.userData).toBe(readmeDataFolder(expectedRoot))
      await app.evaluate(({ app: electronApp }) => electronApp.quit())
      await app.waitForEvent('close')
      expect(existsSync(join(userData, 'console.db'))).toBe(true)
      expect(existsSync(join(userData, 'logs', 'main.log'))).toBe(true)
    } finally {
      await app.close().catch(() => undefined)
      rmSync(xdg, { recursive: true, force: true })
      if (process.platform !== 'linux' && userData) rmSync(userData, { recursive: true, force: true })
    }
  })
})
