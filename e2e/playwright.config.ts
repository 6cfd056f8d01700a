/**
 * End-to-end tests (style.md §2.6): two projects over the same page objects.
 *   chromium-http  the console served by `npm run serve` in Debian's Chromium (runs here; never
 *                  `npx playwright install`: it downloads)
 *   electron       the desktop app through Playwright's _electron; skipped, with the reason printed,
 *                  where the Electron binary is missing
 * Each test starts its own serve on a temp data dir with port 0. Traces and screenshots are kept
 * for failures; each spec also saves screenshots of the screens it visits in e2e/artifacts/screens/.
 * Run: npx playwright test -c e2e/playwright.config.ts [--project chromium-http]
 */
import { defineConfig } from '@playwright/test'

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export default defineConfig({
  testDir: './specs',
  outputDir: './artifacts/test-output',
  globalSetup: './global-setup.ts',
  timeout: 180_000,
  expect: { timeout: 20_000 },
  // Two cores shared with the engine under test and its sandboxed jobs: one test at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['html', { outputFolder: './artifacts/html-report', open: 'never' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    video: 'off',
    acceptDownloads: true,
  },
  projects: [
    {
      name: 'chromium-http',
      testIgnore: /electron-app\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.C2D_E2E_CHROMIUM ?? '/usr/bin/chromium',
          args: CHROMIUM_ARGS,
        },
        viewport: { width: 1280, height: 900 },
      },
    },
    {
      name: 'electron',
      testMatch: /electron-app\.spec\.ts$/,
    },
  ],
})
