/**
 * The console as a user sees it: the main navigation and screenshots. Page objects expose
 * intentions over role locators (Podman's pods-page.ts), so specs read as the user's steps and both
 * Playwright projects (Chromium over HTTP, Electron over IPC) share them.
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, type Locator, type Page } from '@playwright/test'

export const SCREEN_NAMES = [
  'Overview',
  'Compute backend',
  'Assets',
  'Jobs',
  'Inbox',
  'Review',
  'Policies',
  'Audit',
  'Settings',
] as const
export type ScreenName = (typeof SCREEN_NAMES)[number]

export const ARTIFACTS_DIR = resolve(import.meta.dirname, '..', 'artifacts')

export class ConsoleApp {
  readonly nav: Locator

  constructor(
    readonly page: Page,
    /** Sub-folder of e2e/artifacts/screens for this run's screenshots (the project name). */
    private readonly screenshotFolder = 'chromium-http',
  ) {
    this.nav = page.getByRole('navigation', { name: 'Main' })
  }

  /** Opens the console (the serve URL with its #token=) and waits for the shell. */
  async open(url: string): Promise<void> {
    await this.page.goto(url)
    await this.waitForShell()
  }

  async waitForShell(): Promise<void> {
    await expect(this.page.getByRole('heading', { name: 'C2D Publisher Console' })).toBeVisible()
  }

  async goTo(screen: ScreenName): Promise<void> {
    await this.nav.getByRole('link', { name: screen, exact: true }).click()
    await expect(this.nav.getByRole('link', { name: screen, exact: true })).toHaveAttribute(
      'aria-current',
      'page',
    )
  }

  /** Picks the colour scheme as a user would keep it (localStorage), and reloads to apply it. */
  async useColorScheme(scheme: 'light' | 'dark'): Promise<void> {
    await this.page.evaluate((value) => localStorage.setItem('c2d-color-scheme', value), scheme)
    await this.page.reload()
    await this.waitForShell()
    await expect(this.page.locator('html')).toHaveAttribute('data-mantine-color-scheme', scheme)
  }

  /** Saves a full-page screenshot as a test artefact: e2e/artifacts/screens/<project>/<name>.png. */
  async screenshot(name: string): Promise<string> {
    const dir = join(ARTIFACTS_DIR, 'screens', this.screenshotFolder)
    mkdirSync(dir, { recursive: true })
    const path = join(dir, `${name}.png`)
    // The whole page, with the window made as tall as the page first: Chromium's fullPage capture
    // keeps fixed elements where the 900 px window had them, so the status bar showed mid-page.
    const viewport = this.page.viewportSize()
    const height = await this.page.evaluate(() => document.documentElement.scrollHeight)
    if (!viewport || height <= viewport.height) {
      await this.page.screenshot({ path })
      return path
    }
    await this.page.setViewportSize({ width: viewport.width, height })
    try {
      // The taller window may reflow the page (and its height): capture what it settles to.
      await this.page.evaluate(
        () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
      )
      await this.page.screenshot({ path, fullPage: true })
    } finally {
      await this.page.setViewportSize(viewport)
    }
    return path
  }
}
