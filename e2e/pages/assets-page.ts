// The Assets screen and the publish wizard (files → metadata → compute settings → pricing → review →
// publish), the "you're live" card, field messages, the asset table and each asset's page.
import { resolve } from 'node:path'
import { expect, type Locator, type Page } from '@playwright/test'
import { shortenValue } from '../../engine/console-api/contract'
import type { ConsoleApp } from './console-app'

const REPO_ROOT = resolve(import.meta.dirname, '..', '..')
// Not the dev chain's own sample name: the table must show the asset this test published.
export const SAMPLE_DATASET = {
  name: 'Weather stations (published in the e2e)',
  file: resolve(REPO_ROOT, 'assets', 'sample-data', 'weather.csv'),
}

/** The DID as the console shortens it in lists and option labels: the contract's one shortening. */
export function shortDid(did: string): string {
  return shortenValue(did)
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

  /** The wizard's field for `label`, and the message Mantine shows beside it (its accessible description). */
  field(label: string): Locator {
    return this.form.getByLabel(label, { exact: true })
  }

  async nextStep(): Promise<void> {
    await this.form.getByRole('button', { name: 'Next' }).click()
  }

  /**
   * Walks the wizard: files → metadata → compute settings → pricing → review, and presses Publish
   * unless `publish` is false. Stops at the first step whose field is left empty (for the error
   * tests). `onStep` runs on each step once it shows (screenshots, axe).
   */
  async submitDataset(draft: {
    name: string
    file: string
    allowRawAlgorithm?: boolean
    trustedDids?: string[]
    /** Environment ids to pick; default: the first one listed. */
    environments?: string[]
    pricing?: 'free' | 'fixed' | 'later'
    price?: string
    testFetch?: boolean
    publish?: boolean
    onStep?: (step: 'files' | 'metadata' | 'compute' | 'pricing' | 'review') => Promise<void>
  }): Promise<void> {
    await this.startNewAsset()
    await this.field('File (URL or local path)').fill(draft.file)
    if (draft.testFetch) {
      await this.form.getByRole('button', { name: 'Test fetch' }).click()
      await expect(this.form.getByRole('status').filter({ hasText: /^Reachable/ })).toBeVisible()
    }
    await draft.onStep?.('files')
    await this.nextStep()
    if (!draft.file) return
    await this.field('Name').fill(draft.name)
    await draft.onStep?.('metadata')
    await this.nextStep()
    if (!draft.name) return
    if (draft.allowRawAlgorithm) await this.form.getByLabel('Allow raw algorithm code').check()
    if (draft.trustedDids?.length)
      await this.pickAlgorithms(this.field('Trusted algorithms'), draft.trustedDids)
    const environments = this.form.getByRole('group', { name: /Environments/ })
    if (draft.environments?.length)
      for (const id of draft.environments)
        await environments.getByRole('checkbox', { name: new RegExp(`^${id}\\b`) }).check()
    else await environments.getByRole('checkbox').first().check()
    await draft.onStep?.('compute')
    await this.nextStep()
    const pricing = draft.pricing ?? 'later'
    await this.form
      .getByLabel(
        pricing === 'free'
          ? /^Free: a dispenser/
          : pricing === 'fixed'
            ? 'A fixed price per datatoken'
            : 'Decide later (on the asset page)',
      )
      .check()
    if (pricing === 'fixed') await this.field('Price per datatoken').fill(draft.price ?? '1')
    await draft.onStep?.('pricing')
    await this.nextStep()
    await expect(this.form.getByRole('table', { name: 'Review' })).toBeVisible()
    await draft.onStep?.('review')
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
