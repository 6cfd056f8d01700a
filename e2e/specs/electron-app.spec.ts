/**
 * The desktop app (Electron project): starts with its engine in the main process, shows the
 * console over IPC (the page objects of the HTTP project), exposes only window.c2d to the page,
 * and quits gracefully. Skipped — with the reason printed — where the Electron binary is missing.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect } from '@playwright/test'
import { electronBinary, launchElectronApp } from '../fixtures/electron-app'
import { ConsoleApp, SCREEN_NAMES } from '../pages/console-app'
import { JobsPage } from '../pages/jobs-page'

// global-setup.ts prints the reason once per run; the skip carries it into the report.
const binary = electronBinary()

test.describe('Electron desktop app', () => {
  test.skip(!binary.ok, binary.ok ? '' : binary.reason)

  test('starts, renders the console over IPC, exposes only window.c2d, and quits gracefully', async () => {
    if (!binary.ok) return
    const { app, userDataDir } = await launchElectronApp(binary.path)
    try {
      const page = await app.firstWindow()
      const consoleApp = new ConsoleApp(page, 'electron')
      await consoleApp.waitForShell()
      expect(page.url()).toBe('app://console/index.html')

      // The preload API: exactly call/subscribe, no Node, and a call answers the envelope.
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
      expect(surface.keys).toEqual(['call', 'subscribe'])
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
})
