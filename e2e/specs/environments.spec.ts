/**
 * Environments from the UI, against `npm run serve` on the dev chain: add one, open its page by
 * its link, price it per resource per minute in OCEAN, see the prices with the symbol, check that
 * the Provider now offers exactly those prices to consumers (computeEnvironments), a wrong price
 * shown next to its field, then delete it behind its confirmation. Screenshots in both themes.
 */
import AxeBuilder from '@axe-core/playwright'
import { test, expect } from '../fixtures/test'
import { ComputeBackendPage } from '../pages/compute-backend-page'

type WireEnv = {
  id: string
  fees?: Record<string, Array<{ feeToken: string; prices: Array<{ id: string; price: number }> }>>
}

test('an environment is added, priced in OCEAN, offered by the Provider, edited and deleted from the UI', async ({
  serve,
  consoleApp,
}) => {
  const page = consoleApp.page
  const backend = new ComputeBackendPage(consoleApp)
  await backend.open()
  await backend.addEnvironment({ id: 'gpu-pool', cpu: 2 })
  await expect(backend.environmentForm.getByText('Saved environment gpu-pool.')).toBeVisible()
  const form = await backend.openEnvironment('gpu-pool')
  await expect(page).toHaveURL(/#\/compute-backend\/environments\/gpu-pool$/)

  // A price the engine could not keep exactly is refused beside its field; nothing is saved.
  await backend.setPrices(form, { cpu: '0.1000000000000000001', ram: '0.05', disk: '0' })
  await form.getByRole('button', { name: 'Save environment' }).click()
  await expect(form.getByLabel('CPU price per minute')).toHaveAttribute('aria-invalid', 'true')
  await expect(form).toContainText('At most 18 decimals')
  await consoleApp.screenshot('error-environment-price')

  await form.getByLabel('CPU price per minute').fill('0.1')
  await form.getByRole('switch', { name: /Offer a free tier/ }).check({ force: true })
  await form.getByLabel('Free jobs at once').fill('2')
  await expect(form.getByTestId('price-per-minute')).toContainText('0.25 OCEAN per minute')
  await form.getByRole('button', { name: 'Save environment' }).click()
  await expect(form.getByText('Saved environment gpu-pool.')).toBeVisible()

  // The Provider offers consumers exactly what was typed, on the dev chain, in OCEAN.
  const wire = (await (
    await fetch(`${serve.providerUrl}/api/services/computeEnvironments`)
  ).json()) as WireEnv[]
  const offered = wire.find((e) => e.id === 'gpu-pool')!
  const fees = offered.fees?.['8996'] ?? []
  expect(fees).toHaveLength(1)
  expect(fees[0]!.prices).toEqual([
    { id: 'cpu', price: 0.1 },
    { id: 'ram', price: 0.05 },
    { id: 'disk', price: 0 },
  ])

  // The page is a deep link: it reloads in place, prefilled (a screenshot in each theme).
  for (const scheme of ['light', 'dark'] as const) {
    await consoleApp.useColorScheme(scheme)
    await expect(
      page.getByRole('form', { name: 'Edit environment gpu-pool' }).getByLabel('CPU price per minute'),
    ).toHaveValue('0.1')
    await consoleApp.screenshot(`${scheme}-environment-page`)
    const { violations } = await new AxeBuilder({ page }).analyze()
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([])
  }

  // Back on the list: the prices with the token symbol read on chain.
  await page.getByRole('link', { name: '← Compute backend' }).click()
  const row = page.getByRole('table', { name: 'Environments' }).getByRole('row', { name: /gpu-pool/ })
  await expect(row).toContainText('cpu 0.1 OCEAN/min, ram 0.05 OCEAN/min, disk 0 OCEAN/min')
  await expect(row).toContainText('2 jobs at once, up to 1 min')

  // Delete asks first; Cancel keeps it, the confirmation removes it (and the Provider stops offering it).
  await row.getByRole('button', { name: 'Delete environment gpu-pool' }).click()
  await page
    .getByRole('dialog', { name: 'Delete environment gpu-pool?' })
    .getByRole('button', { name: 'Cancel' })
    .click()
  await expect(row).toBeVisible()
  await row.getByRole('button', { name: 'Delete environment gpu-pool' }).click()
  await page
    .getByRole('dialog', { name: 'Delete environment gpu-pool?' })
    .getByRole('button', { name: 'Delete environment' })
    .click()
  await expect(
    page.getByRole('table', { name: 'Environments' }).getByRole('row', { name: /gpu-pool/ }),
  ).toHaveCount(0)
  const after = (await (
    await fetch(`${serve.providerUrl}/api/services/computeEnvironments`)
  ).json()) as WireEnv[]
  expect(after.map((e) => e.id)).not.toContain('gpu-pool')
})
