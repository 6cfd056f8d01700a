// The Assets screen and the publish wizard: dataset → compute service → review → publish, the
// "you're live" card, field messages, the asset table and each asset's page.
import { resolve } from 'node:path'
import { expect, type Locator, type Page } from '@playwright/test'
import type { ConsoleApp } from './console-app'

const REPO_ROOT = resolve(import.meta.dirname, '..', '..')
// Not the dev chain's own sample name: the table must show the asset this test published.
export const SAMPLE_DATASET = {
  name: 'Weather stations (published in the e2e)',
  file: resolve(REPO_ROOT, 'assets', 'sample-data', 'weather.csv'),
}

/** The DID as the console shortens it in lists (AddressLabel): prefix + 6, "…", last 4. */
export function shortDid(did: string): string {
  const body = did.slice('did:op:'.length)
  return `did:op:${body.slice(0, 6)}…${body.slice(-4)}`
}

export class AssetsPage {
  readonly form: Locator
  readonly table: Locator
  readonly validationProblems: Locator
  readonly liveCard: Locator

  constructor(private readonly app: ConsoleApp) {
    this.form = app.page.getByRole('form', { name: 'Asset' })
    this.table = app.page.getByRole('table', { name: 'Assets' })
    this.validationProblems = this.form.getByRole('alert', { name: 'Validation problems' })
    this.liveCard = app.page.getByRole('region', { name: /You're live/ })
  }

  get page(): Page {
    return this.app.page
  }

  async open(): Promise<void> {
    await this.app.goTo('Assets')
    await expect(this.page.getByRole('heading', { name: 'Assets', exact: true })).toBeVisible()
  }

  async startNewAsset(): Promise<void> {
    if (!(await this.form.isVisible())) await this.page.getByRole('link', { name: 'New asset' }).click()
    await expect(this.form).toBeVisible()
  }

  /** Picks published algorithms by name in a MultiSelect, finding each option by its short DID. */
  async pickAlgorithms(field: Locator, dids: string[]): Promise<void> {
    for (const did of dids) {
      await field.click()
      await this.page.getByRole('option', { name: shortDid(did) }).click()
    }
    await field.press('Escape')
  }

  /** Fills the wizard's first two steps and walks to Review; `publish` presses Publish too. */
  async submitDataset(draft: {
    name: string
    file: string
    allowRawAlgorithm?: boolean
    trustedDids?: string[]
    publish?: boolean
  }): Promise<void> {
    await this.startNewAsset()
    await this.form.getByLabel('Name', { exact: true }).fill(draft.name)
    await this.form.getByLabel('File (URL or local path)').fill(draft.file)
    await this.form.getByRole('button', { name: 'Next' }).click()
    if (!draft.name || !draft.file) return
    if (draft.allowRawAlgorithm) await this.form.getByLabel('Allow raw algorithm code').check()
    if (draft.trustedDids?.length)
      await this.pickAlgorithms(
        this.form.getByLabel('Trusted algorithms', { exact: true }),
        draft.trustedDids,
      )
    await this.form.getByLabel('Decide later (on the asset page)').check()
    await this.form.getByRole('button', { name: 'Next' }).click()
    await expect(this.form.getByRole('table', { name: 'Review' })).toBeVisible()
    if (draft.publish !== false) await this.form.getByRole('button', { name: 'Publish', exact: true }).click()
  }

  /** On the asset page opened from the live card: trusts `dids` (picked by name), confirms, waits for the DDO. */
  async editTrustedAlgorithms(dids: string[]): Promise<void> {
    await this.liveCard.getByRole('link', { name: 'Open the asset page' }).click()
    const form = this.page.getByRole('form', { name: 'Edit trusted algorithms' })
    await this.pickAlgorithms(form.getByLabel('Algorithms allowed to run', { exact: true }), dids)
    await form.getByRole('button', { name: 'Save compute settings' }).click()
    const dialog = this.page.getByRole('dialog', { name: 'Publish the new compute settings?' })
    await dialog.getByRole('button', { name: 'Sign and publish' }).click()
    const now = this.page.getByRole('table', { name: 'Trusted algorithms now' })
    for (const did of dids)
      await expect(now.getByTitle(did, { exact: true })).toBeVisible({ timeout: 60_000 })
  }

  /** Publishes the sample dataset with a compute service trusting `trustedDids`; returns its DID from the live card. */
  async publishSample(trustedDids: string[] = []): Promise<string> {
    await this.submitDataset({ ...SAMPLE_DATASET, allowRawAlgorithm: true, trustedDids })
    await expect(this.liveCard).toBeVisible({ timeout: 60_000 })
    return (await this.liveCard.getByTestId('published-did').innerText()).trim()
  }
}
