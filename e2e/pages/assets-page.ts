// The Assets screen: publish (the sample, or a draft), validation messages, the asset table.
import { resolve } from 'node:path'
import { expect, type Locator, type Page } from '@playwright/test'
import type { ConsoleApp } from './console-app'

const REPO_ROOT = resolve(import.meta.dirname, '..', '..')
// Not the dev chain's own sample name: the table must show the asset this test published.
export const SAMPLE_DATASET = {
  name: 'Weather stations (published in the e2e)',
  file: resolve(REPO_ROOT, 'assets', 'sample-data', 'weather.csv'),
}

export class AssetsPage {
  readonly form: Locator
  readonly table: Locator
  readonly validationProblems: Locator

  constructor(private readonly app: ConsoleApp) {
    this.form = app.page.getByRole('form', { name: 'Asset' })
    this.table = app.page.getByRole('table', { name: 'Assets' })
    this.validationProblems = this.form.getByRole('alert').first()
  }

  get page(): Page {
    return this.app.page
  }

  async open(): Promise<void> {
    await this.app.goTo('Assets')
    await expect(this.page.getByRole('heading', { name: 'Assets', exact: true })).toBeVisible()
  }

  async startNewAsset(): Promise<void> {
    if (!(await this.form.isVisible())) await this.page.getByRole('button', { name: 'New asset' }).click()
    await expect(this.form).toBeVisible()
  }

  /** Fills the form and presses "Validate and publish"; does not wait for the outcome. */
  async submitDataset(draft: {
    name: string
    file: string
    allowRawAlgorithm?: boolean
    trustedDids?: string[]
  }): Promise<void> {
    await this.startNewAsset()
    await this.form.getByRole('radio', { name: 'Dataset' }).check()
    await this.form.getByLabel('Name', { exact: true }).fill(draft.name)
    await this.form.getByLabel('File (URL or local path)').fill(draft.file)
    if (draft.allowRawAlgorithm) await this.form.getByLabel('Allow raw algorithm code').check()
    if (draft.trustedDids)
      await this.form.getByLabel('Trusted algorithm DIDs').fill(draft.trustedDids.join('\n'))
    await this.form.getByRole('button', { name: 'Validate and publish' }).click()
  }

  /** Publishes the sample dataset with a compute service trusting `trustedDids`; returns its DID from the table. */
  async publishSample(trustedDids: string[] = []): Promise<string> {
    await this.submitDataset({ ...SAMPLE_DATASET, allowRawAlgorithm: true, trustedDids })
    const row = this.table
      .getByRole('row')
      .filter({ has: this.page.getByRole('rowheader', { name: SAMPLE_DATASET.name }) })
    await expect(row).toBeVisible({ timeout: 60_000 })
    const did = await row
      .getByRole('cell')
      .filter({ hasText: /^did:op:/ })
      .innerText()
    return did.trim()
  }
}
