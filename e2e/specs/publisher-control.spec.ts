// Publisher control (issue 12) in the browser: the Inbox, Review, Policies and Audit screens open
// from the sidebar on a fresh console, pass axe with no serious violations, and the audit trail
// verifies. Then an ocean.js consumer's refused raw code lands in the inbox with its code, and the
// policy editor denies that consumer (ocean.js is refused), lists it and removes it after a
// confirmation.
import AxeBuilder from '@axe-core/playwright'
import { test, expect } from '../fixtures/test'
import { shortDid } from '../pages/assets-page'

test('the inbox, review and audit screens open, pass axe, and the audit chain verifies', async ({
  consoleApp,
}) => {
  const page = consoleApp.page
  const problems: string[] = []
  for (const [link, heading] of [
    ['Inbox', 'Approval inbox'],
    ['Review', 'Output review'],
    ['Policies', 'Policies'],
    ['Audit', 'Audit trail'],
  ] as const) {
    await consoleApp.nav.getByRole('link', { name: link, exact: true }).click()
    await expect(page.getByRole('heading', { name: heading, level: 2 })).toBeVisible()
    await consoleApp.screenshot(`publisher-control-${link.toLowerCase()}`)
    const { violations } = await new AxeBuilder({ page }).analyze()
    for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
      problems.push(`${link}: ${v.id} (${v.impact}) ${v.help}`)
  }
  expect(problems, problems.join('\n')).toEqual([])
  await page.getByRole('button', { name: 'Verify the chain' }).click()
  await expect(page.getByText('The chain is intact')).toBeVisible()
  await consoleApp.nav.getByRole('link', { name: 'Review', exact: true }).click()
  await expect(page.getByText(/No job is waiting for your review/)).toBeVisible()
})

test('a refused raw algorithm is in the inbox with its code; the policy editor denies a consumer and removes it', async ({
  consoleApp,
  serve,
}) => {
  test.setTimeout(180_000)
  const page = consoleApp.page
  const { createConsumer } = await import('../fixtures/consumer')
  const { oceanConsumer } = await import('../../engine/test/ocean-consumer')
  const consumer = await createConsumer({ dataDir: serve.dataDir, providerUrl: serve.providerUrl! })
  const datasetDid = oceanConsumer(serve.providerUrl!, serve.dataDir).devChain.samples.dataset.did
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

  await consoleApp.nav.getByRole('link', { name: 'Inbox', exact: true }).click()
  const card = page.getByRole('article', { name: /Access request/ })
  await expect(card.getByText(rawcode)).toBeVisible()
  await expect(card.getByRole('button', { name: 'Trust on chain' })).toBeDisabled()
  await expect(card.getByRole('button', { name: 'Approve on this node' })).toBeEnabled()
  await consoleApp.screenshot('publisher-control-inbox-request')

  await consoleApp.nav.getByRole('link', { name: 'Policies', exact: true }).click()
  // A searchable Mantine Select: its options read "<name> (<short DID>)", shortened as everywhere.
  await page.getByRole('combobox', { name: 'Dataset' }).click()
  await page.getByRole('option', { name: shortDid(datasetDid) }).click()
  await expect(page).toHaveURL(/#\/policies\/did/)
  const deny = page.getByRole('region', { name: 'Deny list' })
  await deny.getByLabel('Add to the deny list').fill('0x123')
  await deny.getByRole('button', { name: 'Add' }).click()
  await expect(deny.getByText('An 0x address of 40 hex digits.')).toBeVisible()
  await deny.getByLabel('Add to the deny list').fill(consumer.address)
  await deny.getByRole('button', { name: 'Add' }).click()
  const removeButton = deny.getByRole('button', {
    name: `Remove ${consumer.address.toLowerCase()} from the deny list`,
  })
  await expect(removeButton).toBeVisible()
  expect(
    await consumer.startFreeJob({ datasetDid }).then(
      () => 'accepted',
      (e: Error) => e.message,
    ),
  ).toMatch(/is on the publisher's deny list of/)
  await consoleApp.screenshot('publisher-control-policies')
  const { violations } = await new AxeBuilder({ page }).analyze()
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([])
  await removeButton.click()
  const dialog = page.getByRole('dialog', { name: 'Remove from the deny list?' })
  await dialog.getByRole('button', { name: 'Remove' }).click()
  await expect(deny.getByText('Empty: nobody is denied.')).toBeVisible()

  // Publisher review from the policy editor: the consumer's next job holds its outputs for Review.
  const form = page.getByRole('form', { name: 'Dataset policy' })
  await form.getByText('Publisher review', { exact: true }).click()
  await form.getByLabel('Review window (minutes)').fill('120')
  await form.getByRole('button', { name: 'Save policy' }).click()
  await expect(page.getByText('Saved: the Provider applies it to the next request.')).toBeVisible()
  const jobId = await consumer.startFreeJob({ datasetDid })
  await expect
    .poll(async () => (await consumer.status(jobId)).statusText, { timeout: 120_000 })
    .toBe("Awaiting the publisher's review")
  await consoleApp.nav.getByRole('link', { name: 'Review', exact: true }).click()
  await page.getByRole('button', { name: `Review job ${jobId}` }).click()
  const review = page.getByRole('article', { name: `Review of job ${jobId}` })
  await expect(review.getByRole('table', { name: 'Automated checks' })).toBeVisible()
  await consoleApp.screenshot('publisher-control-review-held')
  await review.getByRole('button', { name: 'Release to the consumer' }).click()
  await page
    .getByRole('dialog', { name: 'Release these outputs?' })
    .getByRole('button', { name: 'Release' })
    .click()
  await expect.poll(async () => (await consumer.status(jobId)).status, { timeout: 60_000 }).toBe(70)
  await consoleApp.nav.getByRole('link', { name: 'Audit', exact: true }).click()
  await expect(page.getByRole('cell', { name: 'review.released' }).first()).toBeVisible()
  await consoleApp.screenshot('publisher-control-audit-trail')
})
