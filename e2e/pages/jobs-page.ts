// The Jobs screen (live virtual table) and one job's page (timeline, log, results, Stop).
import { expect, type Download, type Locator, type Page } from '@playwright/test'
import { shortenValue } from '../../engine/console-api/contract'
import type { ConsoleApp } from './console-app'

export class JobsPage {
  readonly table: Locator
  readonly summary: Locator

  constructor(private readonly app: ConsoleApp) {
    this.table = app.page.getByRole('table', { name: 'Jobs' })
    this.summary = app.page.getByRole('status').filter({ hasText: /Showing \d+ of \d+ jobs/ })
  }

  get page(): Page {
    return this.app.page
  }

  async open(): Promise<void> {
    await this.app.goTo('Jobs')
    await expect(this.page.getByRole('heading', { name: 'Jobs', exact: true })).toBeVisible()
  }

  row(jobId: string): Locator {
    return this.table
      .getByRole('row')
      .filter({ has: this.page.getByRole('link', { name: `Open job ${jobId}`, exact: true }) })
  }

  /** Job rows (not the header). */
  rows(): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('link', { name: /^Open job / }) })
  }

  async waitForJob(jobId: string): Promise<void> {
    await expect(this.row(jobId)).toBeVisible()
  }

  async openJob(jobId: string): Promise<JobPage> {
    await this.row(jobId)
      .getByRole('link', { name: `Open job ${jobId}`, exact: true })
      .click()
    const job = new JobPage(this.page)
    await expect(job.heading(jobId)).toBeVisible()
    return job
  }
}

export class JobPage {
  readonly status: Locator
  readonly stopButton: Locator
  readonly log: Locator
  readonly timeline: Locator
  readonly results: Locator
  /** The whole job page (facts, payment, timeline, log, results). */
  readonly root: Locator

  constructor(readonly page: Page) {
    const article = page.getByRole('article')
    this.root = article
    this.status = article.locator('[data-status]').first()
    this.stopButton = article.getByRole('button', { name: /^(Stop job|Stopping…)$/ })
    this.log = article.getByRole('log', { name: 'Algorithm log' })
    this.timeline = article.getByRole('list', { name: 'Stage timeline' })
    this.results = article.getByRole('list', { name: 'Results' })
  }

  /** "Job 3f2a5c…91c0": the page shows the id shortened (full on hover and in its copy button). */
  heading(jobId: string): Locator {
    return this.page.getByRole('heading', { name: `Job ${shortenValue(jobId)}`, exact: true })
  }

  /**
   * Records every status the badge shows from now on (in the page, so no state between two polls
   * is missed); read it back with seenStatuses(). Proves the screen followed the job live.
   */
  async recordStatuses(): Promise<void> {
    await this.page.evaluate(() => {
      const w = window as unknown as { __seenStatuses?: number[] }
      const seen: number[] = (w.__seenStatuses = [])
      const note = () => {
        const badge = document.querySelector('article [data-status]')
        const status = badge ? Number(badge.getAttribute('data-status')) : NaN
        if (!Number.isNaN(status) && seen[seen.length - 1] !== status) seen.push(status)
      }
      note()
      new MutationObserver(note).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-status'],
      })
    })
  }

  seenStatuses(): Promise<number[]> {
    return this.page.evaluate(() => (window as unknown as { __seenStatuses?: number[] }).__seenStatuses ?? [])
  }

  async waitForFinished(outcome: 'succeeded' | 'failed' | 'stopped', timeoutMs = 90_000): Promise<void> {
    const label = { succeeded: 'Succeeded', failed: 'Failed', stopped: 'Stopped' }[outcome]
    await expect(this.status).toHaveText(label, { timeout: timeoutMs })
  }

  /** Clicks Stop and confirms in the dialog. */
  async stop(): Promise<void> {
    await this.stopButton.click()
    await this.page
      .getByRole('dialog', { name: 'Stop this job?' })
      .getByRole('button', { name: 'Stop the job' })
      .click()
  }

  /** Clicks a result's Download button and returns the browser download. */
  async download(filename: string): Promise<Download> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.results.getByRole('button', { name: `Download ${filename}` }).click(),
    ])
    return download
  }

  async back(): Promise<void> {
    await this.page.getByRole('button', { name: 'Back to jobs' }).click()
  }
}
