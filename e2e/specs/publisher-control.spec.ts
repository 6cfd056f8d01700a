// Publisher control (issue 12) in the browser: the Inbox, Review and Audit screens open from the
// sidebar on a fresh console, pass axe with no serious violations, and the audit trail verifies.
import AxeBuilder from '@axe-core/playwright'
import { test, expect } from '../fixtures/test'

test('the inbox, review and audit screens open, pass axe, and the audit chain verifies', async ({
  consoleApp,
}) => {
  const page = consoleApp.page
  const problems: string[] = []
  for (const [link, heading] of [
    ['Inbox', 'Approval inbox'],
    ['Review', 'Output review'],
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
