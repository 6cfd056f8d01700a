// The sub-screens in both themes (issue 11): the publish wizard's first step, an asset page with its
// Prices panel, a finished job's page, a dataset's policies, the Jobs list with a status filter,
// Earnings (a claimed paid job), Inbox (a pending request), Review (a held job) and Audit. Each is
// opened by its URL, passes axe with no serious or critical violations, and is saved as a screenshot (e2e/artifacts/screens/<project>/gallery-*.png;
// the README's light/dark pairs come from these).
import AxeBuilder from '@axe-core/playwright'
import type { Locator } from '@playwright/test'
import { test, expect } from '../fixtures/test'
import { countingAlgorithm, operatorJobs } from '../fixtures/operator-jobs'
import { oceanConsumer, runPaidStart, waitForStatus } from '../../engine/test/ocean-consumer'
import { createConsoleClient } from '../../engine/console-api/contract'
import { createHttpClientTransport } from '../../engine/console-api/http-client-transport'
import { createConsumer } from '../fixtures/consumer'
import { SettingsPage } from '../pages/settings-page'

test('the sub-screens in the light and dark themes pass axe with no serious violations', async ({
  serve,
  consoleApp,
}) => {
  test.setTimeout(10 * 60_000)
  const page = consoleApp.page
  // Seeds: a publisher wallet (the wizard asks for one first), the dev chain's sample dataset (in the
  // console's registry, with a free Dispenser) and a finished job.
  await new SettingsPage(consoleApp).ensureWalletUnlocked('e2e wallet password')
  const datasetDid = oceanConsumer(serve.providerUrl!, serve.dataDir).devChain.samples.dataset.did
  const jobs = operatorJobs(serve)
  const jobId = await jobs.startRawCodeJob(countingAlgorithm(3, 100), { maxJobDurationSec: 60 })
  await expect.poll(() => jobs.status(jobId), { timeout: 90_000 }).toBe(70)

  // So Earnings, Inbox and Review show filled screens (not their empty states), in both themes:
  // a paid ocean.js job whose escrow was claimed, a refused raw algorithm waiting in the inbox, and
  // a job whose outputs are held for the publisher's review.
  const me = oceanConsumer(serve.providerUrl!, serve.dataDir)
  const { samples } = me.devChain
  const paid = await runPaidStart(me, {
    datasets: [{ documentId: samples.dataset.did, serviceId: samples.dataset.serviceId }],
    algorithm: { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId },
  })
  const claimed = await waitForStatus(
    me.url,
    me.consumer,
    paid.jobId,
    (j) => j.status === 70 && !!(j as unknown as { payment?: { claimTx?: string } }).payment?.claimTx,
    600,
  )
  expect((claimed as unknown as { payment: { claimTx?: string } }).payment.claimTx).toMatch(
    /^0x[0-9a-f]{64}$/,
  )
  const consumer = await createConsumer({ dataDir: serve.dataDir, providerUrl: serve.providerUrl! })
  const rawcode = "console.log('rows:', require('fs').readdirSync('/data/inputs').length)"
  const refused = await consumer
    .startFreeJob({
      datasetDid,
      algorithm: {
        meta: { rawcode, container: { entrypoint: 'node $ALGO', image: 'node', tag: '20', checksum: '' } },
      } as never,
    })
    .then(
      () => 'accepted',
      (error: Error) => error.message,
    )
  expect(refused).toMatch(/awaiting the publisher's approval, request [0-9a-f]{16}/)
  const transport = createHttpClientTransport(serve.consoleOrigin, serve.consoleToken)
  const client = createConsoleClient(transport)
  const { policy } = await client.getDatasetPolicy({ did: datasetDid })
  await client.setDatasetPolicy({ did: datasetDid, policy: { ...policy, outputRelease: 'publisher-review' } })
  transport.close()
  const heldJobId = await consumer.startFreeJob({ datasetDid })
  await expect
    .poll(async () => (await consumer.status(heldJobId)).statusText, { timeout: 120_000 })
    .toBe("Awaiting the publisher's review")

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
      ready: () =>
        page
          .getByRole('table', { name: 'Earnings per asset and period' })
          .locator('tbody')
          .getByText(/OCEAN \(1 job\)/),
    },
    {
      name: 'inbox',
      hash: '#/inbox',
      ready: () => page.getByRole('article', { name: /Access request/ }).getByText(rawcode),
    },
    {
      name: 'review',
      hash: '#/review',
      ready: () => page.getByRole('button', { name: `Review job ${heldJobId}` }),
    },
    {
      name: 'audit',
      hash: '#/audit',
      // The trail itself (its body mounts after the heading): the refused request and the held job.
      ready: () => page.getByRole('table', { name: 'Audit events' }),
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
