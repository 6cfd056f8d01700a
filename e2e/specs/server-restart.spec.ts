// The server stopped and restarted (issue 11): one connection banner at once, the screen marked not
// live instead of stale data shown as live; after a restart on the same data dir (a new per-launch
// token) the tab asks for the new Console URL, and with it shows live data again. Both themes, each
// with axe (no serious violations) and screenshots.
import { rmSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect } from '../fixtures/test'
import { ConsoleApp } from '../pages/console-app'
import { startServe, type ServeInstance } from '../fixtures/start-serve'

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

for (const scheme of ['light', 'dark'] as const) {
  test(`the server stopped and restarted (${scheme} theme)`, async ({ page }, testInfo) => {
    const servers: ServeInstance[] = []
    try {
      const first = await startServe({ keepDataDir: true })
      servers.push(first)
      const app = new ConsoleApp(page, testInfo.project.name)
      await app.open(first.consoleUrl)
      await app.useColorScheme(scheme)
      await app.goTo('Jobs')
      const content = page.locator('main [data-live]')
      await expect(content).toHaveAttribute('data-live', 'true')
      const banner = page.getByText('The console is not answering')

      await first.stop()
      // One banner, quickly (the event stream drops at once), and no error box per query under it.
      await expect(banner).toHaveCount(1)
      await expect(content).toHaveAttribute('data-live', 'false')
      await expect(page.getByText(/Reconnecting… what is shown below is not live/)).toBeVisible()
      await app.goTo('Assets')
      await expect(page.getByRole('heading', { name: 'Assets', level: 2 })).toBeVisible()
      await expect(banner).toHaveCount(1)
      await expect(page.getByText(/^Could not /)).toHaveCount(0)
      await expect(content).toHaveAttribute('data-live', 'false')
      await app.screenshot(`${scheme}-server-stopped`)
      expect(await seriousViolations(page)).toEqual([])

      // Same data dir, same console port (the tab's origin), a new per-launch token.
      const port = new URL(first.consoleOrigin).port
      const second = await startServe({ dataDir: first.dataDir, args: ['--console-port', port] })
      servers.push(second)
      expect(second.consoleOrigin).toBe(first.consoleOrigin)
      expect(second.consoleToken).not.toBe(first.consoleToken)
      const paste = page.getByRole('form', { name: 'Paste the console token' })
      await expect(paste).toBeVisible()
      await expect(banner).toHaveCount(0)
      await app.screenshot(`${scheme}-server-restarted-token`)
      expect(await seriousViolations(page)).toEqual([])
      await paste.getByLabel('Console URL or token').fill(second.consoleUrl)
      await paste.getByRole('button', { name: 'Connect' }).click()
      await app.waitForShell()

      // Live again: no banner, no token screen, the screen live, the data the new server's.
      await expect(page.getByRole('heading', { name: 'Assets', level: 2 })).toBeVisible()
      await expect(content).toHaveAttribute('data-live', 'true')
      await expect(banner).toHaveCount(0)
      await expect(paste).toHaveCount(0)
      await expect(page.getByRole('contentinfo').getByText(/block \d/)).toBeVisible()
      await app.screenshot(`${scheme}-server-back`)
      expect(await seriousViolations(page)).toEqual([])
    } finally {
      for (const s of servers.reverse()) await s.stop()
      if (servers[0]) rmSync(servers[0].dataDir, { recursive: true, force: true })
    }
  })
}
