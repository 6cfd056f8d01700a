// The Jobs list over a long store in a real browser: virtual rows follow the scroll, later pages
// load as it nears their end, and a sort starts again at the top. The virtualizer's first window
// is taken from the body's fixed size and its mount-time scroll write is skipped (job-table.tsx);
// this is where those would show if they were wrong.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, expect } from '@playwright/test'
import { ConsoleApp } from '../pages/console-app'
import { seedFinishedJobs } from '../fixtures/seed-jobs'
import { startServe, type ServeInstance } from '../fixtures/start-serve'

const JOBS = 1_000
const test = base.extend<{ seeded: ServeInstance }>({
  seeded: async ({}, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'c2d-e2e-jobs-'))
    seedFinishedJobs(dataDir, JOBS)
    const serve = await startServe({ dataDir })
    try {
      await use(serve)
    } finally {
      await serve.stop()
    }
  },
})

test(`${JOBS.toLocaleString('en')} jobs: rows follow the scroll, pages load on the way, a sort starts at the top`, async ({
  page,
  seeded,
}) => {
  const app = new ConsoleApp(page)
  await app.open(seeded.consoleUrl)
  await app.goTo('Jobs')
  const table = page.getByRole('table', { name: 'Jobs' })
  const body = table.getByRole('rowgroup').nth(1)
  const rows = table.getByRole('row')
  // Newest first: seed-000999 is the newest job.
  await expect(rows.nth(1)).toHaveAttribute('aria-rowindex', '2')
  await expect(rows.nth(1).getByRole('link', { name: /^Open job seed-000999-/ })).toBeVisible()
  await expect(page.getByRole('status').filter({ hasText: /^Showing \d+ of 1,000 jobs/ })).toBeVisible()
  // The first window fills the 480 px body and no more than a few rows beyond it.
  const firstWindow = await rows.count()
  expect(firstWindow - 1).toBeGreaterThanOrEqual(12)
  expect(firstWindow - 1).toBeLessThanOrEqual(16)

  // Scroll by wheel, as a user does, until row 400 is drawn: pages beyond the first load on the way.
  await body.hover()
  await expect(async () => {
    await page.mouse.wheel(0, 4000)
    await expect(table.locator('[role="row"][aria-rowindex="401"]')).toBeVisible({ timeout: 500 })
  }).toPass({ timeout: 30_000 })
  await expect(table.locator('[role="row"][aria-rowindex="401"]').getByRole('link')).toHaveAccessibleName(
    /^Open job seed-000600-/,
  )
  // Row 2 (the newest) is no longer drawn: the rows are virtual.
  await expect(table.locator('[role="row"][aria-rowindex="2"]')).toHaveCount(0)
  expect(await body.evaluate((el) => el.scrollTop)).toBeGreaterThan(10_000)

  // Oldest first: the list starts again at its top, with the oldest job.
  await table.getByRole('button', { name: /^Created/ }).click()
  await expect(page).toHaveURL(/dir=asc/)
  await expect(table.locator('[role="row"][aria-rowindex="2"]').getByRole('link')).toHaveAccessibleName(
    /^Open job seed-000000-/,
  )
  await expect.poll(() => body.evaluate((el) => el.scrollTop)).toBe(0)
})
