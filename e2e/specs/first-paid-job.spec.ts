/**
 * Issue 11's journey "first run to first paid job", in Chromium against a fresh `npm run serve`
 * (its own data dir): the publisher creates the wallet on Settings, confirms the compute backend,
 * sets the public URL, publishes a priced dataset through the wizard (each step checked with axe
 * and shot in both themes), and a consumer with unmodified ocean.js buys the datatoken, pays the
 * escrow and runs a paid job against the Provider; the job shows on Jobs and its claimed amount on
 * Earnings.
 */
import AxeBuilder from '@axe-core/playwright'
import { Aquarius, FixedRateExchange, approve } from '@oceanprotocol/lib'
import { test, expect } from '../fixtures/test'
import type { ConsoleApp } from '../pages/console-app'
import { AssetsPage, SAMPLE_DATASET } from '../pages/assets-page'
import { ComputeBackendPage } from '../pages/compute-backend-page'
import { JobsPage } from '../pages/jobs-page'
import { SettingsPage } from '../pages/settings-page'

/**
 * axe (no serious or critical violations) and a screenshot in each theme, without a reload: the
 * wizard's draft lives in memory, so the scheme is switched the way Mantine's manager applies it.
 */
async function checkBothThemes(app: ConsoleApp, name: string): Promise<void> {
  const problems: string[] = []
  for (const scheme of ['light', 'dark'] as const) {
    await app.page.evaluate(
      (value) => document.documentElement.setAttribute('data-mantine-color-scheme', value),
      scheme,
    )
    const { violations } = await new AxeBuilder({ page: app.page }).analyze()
    for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
      problems.push(
        `${name} (${scheme}): ${v.id} ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      )
    await app.screenshot(`first-paid-job-${name}-${scheme}`)
  }
  await app.page.evaluate(() => document.documentElement.setAttribute('data-mantine-color-scheme', 'light'))
  expect(problems, problems.join('\n')).toEqual([])
}

test('first run to first paid job: wallet, backend, public URL, a priced dataset through the wizard, a paid ocean.js job, Jobs and Earnings', async ({
  serve,
  consoleApp,
}) => {
  test.setTimeout(600_000)
  const page = consoleApp.page
  const { oceanConsumer, paidEnvironment, runPaidStart, waitForStatus } =
    await import('../../engine/test/ocean-consumer')
  const me = oceanConsumer(serve.providerUrl!, serve.dataDir)
  try {
    // 1. The wallet, created on Settings (a fresh data dir has none).
    const settings = new SettingsPage(consoleApp)
    await settings.open()
    await expect(settings.walletRegion).toHaveAttribute('data-wallet-state', 'none')
    await settings.ensureWalletUnlocked('first paid job password')

    // 2. The compute backend: the local sandbox, its checks passing.
    const backend = new ComputeBackendPage(consoleApp)
    await backend.open()
    await expect(backend.healthChecks).toBeVisible({ timeout: 60_000 })
    await expect(backend.healthChecks).not.toContainText(/failed/i)

    // 3. The public URL (the Provider as consumers reach it), applied after its exposure warning.
    const publicUrl = serve.providerUrl!.replace('127.0.0.1', 'localhost')
    await settings.open()
    const network = page.getByRole('form', { name: 'Network settings' })
    await network.getByLabel('Public URL').fill(publicUrl)
    await network.getByRole('button', { name: 'Apply network settings' }).click()
    const dialog = page.getByRole('dialog', { name: 'Change how this console is reachable?' })
    if (await dialog.isVisible().catch(() => false))
      await dialog.getByRole('button', { name: 'Apply and expose' }).click()
    await expect(network.getByTestId('service-endpoint')).toHaveText(publicUrl, { timeout: 120_000 })

    // 4. A priced dataset through the wizard, trusting the dev chain's sample algorithm, in the paid environment.
    const { envId } = await paidEnvironment(me)
    const { samples, chainId, contracts } = me.devChain
    const assets = new AssetsPage(consoleApp)
    await assets.open()
    const name = 'Weather stations, priced (first paid job)'
    await assets.submitDataset({
      name,
      file: SAMPLE_DATASET.file,
      trustedDids: [samples.algorithm.did],
      environments: [envId],
      pricing: 'fixed',
      price: '2',
      testFetch: true,
      onStep: (step) => checkBothThemes(consoleApp, step),
    })
    await expect(assets.liveCard).toBeVisible({ timeout: 120_000 })
    const did = (await assets.liveCard.getByTestId('published-did').innerText()).trim()
    await expect(assets.liveCard.getByTestId('published-provider-url')).toHaveText(publicUrl)
    await expect(assets.liveCard).toContainText(`environmentId = '${envId}'`)
    const steps = page.getByRole('list', { name: 'On-chain steps of this publish' })
    await expect(steps).toContainText('Create the fixed price')
    await checkBothThemes(consoleApp, 'live')

    // 5. The consumer, unmodified ocean.js: resolve the DDO, buy one datatoken at the fixed price, pay and start.
    // The price as Ocean's indexer reports it in the DDO (what Ocean Market reads): exchange and contract.
    const ddo = (await new Aquarius(me.url).resolve(did)) as unknown as {
      services: Array<{ id: string; type: string; datatokenAddress: string }>
      indexedMetadata?: {
        stats?: Array<{
          prices?: Array<{ type: string; price: string; contract: string; exchangeId?: string }>
        }>
      }
    }
    const service = ddo.services.find((s) => s.type === 'compute')!
    const fixed = ddo.indexedMetadata?.stats?.[0]?.prices?.find((p) => p.type === 'fixedrate')
    expect(fixed, `prices in the DDO: ${JSON.stringify(ddo.indexedMetadata?.stats)}`).toBeDefined()
    expect(Number(fixed!.price)).toBe(2)
    const config = {
      chainId,
      oceanTokenAddress: contracts.Ocean,
      fixedRateExchangeAddress: fixed!.contract,
    } as never
    await approve(me.payer, config, me.consumer.address, contracts.Ocean!, fixed!.contract, '10')
    const exchange = new FixedRateExchange(fixed!.contract, me.payer, chainId)
    await exchange.buyDatatokens(fixed!.exchangeId!, '1', '10')
    const started = await runPaidStart(me, {
      datasets: [{ documentId: did, serviceId: service.id }],
      algorithm: { documentId: samples.algorithm.did, serviceId: samples.algorithm.serviceId },
    })
    const done = await waitForStatus(me.url, me.consumer, started.jobId, (j) => j.status === 70, 600)
    const payment = (done as unknown as { payment: { claimTx?: string } }).payment
    expect(payment.claimTx).toMatch(/^0x[0-9a-f]{64}$/)

    // 6. The job on Jobs (its page shows the claim), and the amount on Earnings.
    const jobsPage = new JobsPage(consoleApp)
    await jobsPage.open()
    await jobsPage.waitForJob(started.jobId)
    const jobPage = await jobsPage.openJob(started.jobId)
    await expect(jobPage.root).toContainText('claimed', { timeout: 60_000 })
    await expect(jobPage.root.getByTitle(payment.claimTx!, { exact: true })).toBeVisible()
    await consoleApp.screenshot('first-paid-job-job')
    await jobsPage.open()
    await page.getByRole('tab', { name: 'Earnings' }).click()
    const row = page
      .getByRole('table', { name: 'Earnings per asset and period' })
      .getByRole('row', { name: new RegExp(name.replace(/[()]/g, '\\$&')) })
    await expect(row).toBeVisible({ timeout: 60_000 })
    const claimed = (await row.getByRole('cell').nth(2).innerText()).trim()
    // The cell is "<amount> OCEAN (<n> jobs)": this one claimed job, for more than nothing.
    const amount = /^([\d.,]+) OCEAN \(1 job\)$/.exec(claimed)
    expect(amount, `Claimed cell: ${claimed}`).not.toBeNull()
    expect(Number(amount![1]!.replace(/,/g, ''))).toBeGreaterThan(0)
    await checkBothThemes(consoleApp, 'earnings')
  } finally {
    me.rpc.destroy()
  }
})
