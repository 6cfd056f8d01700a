// The Compute backend screen: driver, health checks, environments and the environment form.
import { expect, type Locator } from '@playwright/test'
import type { ConsoleApp } from './console-app'

export class ComputeBackendPage {
  readonly healthChecks: Locator
  readonly environmentForm: Locator
  readonly environmentProblems: Locator

  constructor(private readonly app: ConsoleApp) {
    this.healthChecks = app.page.getByRole('list', { name: 'Health checks' })
    this.environmentForm = app.page.getByRole('form', { name: 'Add environment' })
    this.environmentProblems = this.environmentForm.getByRole('alert')
  }

  async open(): Promise<void> {
    await this.app.goTo('Compute backend')
    await expect(this.app.page.getByRole('heading', { name: 'Compute backend', exact: true })).toBeVisible()
  }

  async addEnvironment(environment: { id: string; cpu?: number; maxJobDurationSec?: number }): Promise<void> {
    const form = this.environmentForm
    await form.getByLabel('Environment id').fill(environment.id)
    if (environment.cpu !== undefined) await form.getByLabel('CPUs per job').fill(String(environment.cpu))
    if (environment.maxJobDurationSec !== undefined)
      await form.getByLabel('Max job duration (seconds)').fill(String(environment.maxJobDurationSec))
    await form.getByRole('button', { name: 'Save environment' }).click()
  }
}
