// The sub-screens in both themes (issue 11): the publish wizard's first step, an asset page with its
// Prices panel, a finished job's page, a dataset's policies, the Jobs list with a status filter,
// Earnings, Inbox, Review and Audit. Each is opened by its URL, passes axe with no serious or
// critical violations, and is saved as a screenshot (e2e/artifacts/screens/<project>/gallery-*.png;
// the README's light/dark pairs come from these).
import AxeBuilder from '@axe-core/playwright'
import type { Locator } from '@playwright/test'
import { test, expect } from '../fixtures/test'
import { countingAlgorithm, operatorJobs } from '../fixtures/operator-jobs'
import { oceanConsumer } from '../../engine/test/ocean-consumer'
import { SettingsPage } from '../pages/settings-page'

test('the sub-screens in the light and dark themes pass axe with no serious violations', async ({
  serve,
  consoleApp,
}) => {
  test.setTimeout(6 * 60_000)
  const page = consoleApp.page
  // Seeds: a publisher wallet (the wizard asks for one first), the dev chain's sample dataset (in the
  // console's registry, with a free Dispenser) and a finished job.
  await new SettingsPage(consoleApp).ensureWalletUnlocked('e2e wallet password')
  const datasetDid = oceanConsumer(serve.providerUrl!, serve.dataDir).devChain.samples.dataset.did
  const jobs = operatorJobs(serve)
  const jobId = await jobs.startRawCodeJob(countingAlgorithm(3, 100), { maxJobDurationSec: 60 })
  await expect.poll(() => jobs.status(jobId), { timeout: 90_000 }).toBe(70)

  const screens: Array<{ name: string; hash: string; ready: () => Locator }> = [
    { name: 'publish-wizard', hash: '#/assets/new', ready: () => page.getByRole('form', { name: 'Asset' }) },
    {
      name: 'asset-page',
      hash: `#/assets/${encodeURIComponent(datasetDid)}`,
      ready: () => page.getByRole('region', { name: 'Prices' }),
    },
    {
      name: 'job',
      hash: `#/jobs/${encodeURIComponent(jobId)}`,
      ready: () =>
        page.getByRole('article').locator('[data-status]').first().filter({ hasText: 'Succeeded' }),
    },
    {
      name: 'policies-dataset',
      hash: `#/policies/${encodeURIComponent(datasetDid)}`,
      ready: () => page.getByRole('form', { name: 'Dataset policy' }),
    },
    {
      name: 'jobs-succeeded',
      hash: '#/jobs?status=succeeded',
      ready: () => page.getByRole('link', { name: `Open job ${jobId}`, exact: true }),
    },
    {
      name: 'earnings',
      hash: '#/jobs?tab=earnings',
      ready: () => page.getByRole('tab', { name: 'Earnings', selected: true }),
    },
    {
      name: 'inbox',
      hash: '#/inbox',
      ready: () => page.getByRole('heading', { name: 'Approval inbox', level: 2 }),
    },
    {
      name: 'review',
      hash: '#/review',
      ready: () => page.getByRole('heading', { name: 'Output review', level: 2 }),
    },
    {
      name: 'audit',
      hash: '#/audit',
      ready: () => page.getByRole('heading', { name: 'Audit trail', level: 2 }),
    },
  ]

  const problems: string[] = []
  for (const scheme of ['light', 'dark'] as const) {
    await consoleApp.useColorScheme(scheme)
    for (const screen of screens) {
      await page.evaluate((hash) => (location.hash = hash), screen.hash)
      await expect(screen.ready()).toBeVisible({ timeout: 30_000 })
      // Whatever the screen fetches has arrived (no spinner left), so the check sees the real page.
      await expect(page.locator('main .mantine-Loader-root')).toHaveCount(0, { timeout: 30_000 })
      await consoleApp.screenshot(`gallery-${screen.name}-${scheme}`)
      const { violations } = await new AxeBuilder({ page }).analyze()
      for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
        problems.push(
          `${scheme} ${screen.name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        )
    }
  }
  expect(problems, problems.join('\n')).toEqual([])
})
