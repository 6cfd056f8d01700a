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

  /** The "Where jobs run" form. */
  get backendForm(): Locator {
    return this.app.page.getByRole('form', { name: 'Choose the compute backend' })
  }

  get contextChecks(): Locator {
    return this.backendForm.getByRole('list', { name: 'Context checks' })
  }

  /** The table of contexts a kubeconfig file holds. */
  contextsIn(path: string): Locator {
    return this.app.page.getByRole('table', { name: `Contexts in ${path}` })
  }

  /** Picks Kubernetes, a context and a namespace, and runs the context's checks. */
  async checkContext(context: string, namespace: string): Promise<void> {
    const form = this.backendForm
    await form.getByRole('radio', { name: 'A Kubernetes cluster' }).check()
    // A searchable Mantine Select: its options read "<context> (<API server>)".
    await form.getByRole('combobox', { name: 'Context' }).fill(context)
    await this.app.page
      .getByRole('option', { name: `${context} (` })
      .first()
      .click()
    await form.getByRole('textbox', { name: 'Namespace' }).fill(namespace)
    await form.getByRole('button', { name: 'Check connection' }).click()
    await expect(this.contextChecks).toBeVisible({ timeout: 60_000 })
  }

  async useThisBackend(): Promise<void> {
    await this.backendForm.getByRole('button', { name: 'Use this backend' }).click()
  }

  /** An environment's page (#/compute-backend/environments/<id>), from its Edit link in the table. */
  async openEnvironment(id: string): Promise<Locator> {
    await this.app.page
      .getByRole('table', { name: 'Environments' })
      .getByRole('link', { name: `Edit environment ${id}` })
      .click()
    await expect(this.app.page.getByRole('heading', { name: `Environment ${id}`, level: 2 })).toBeVisible()
    return this.app.page.getByRole('form', { name: `Edit environment ${id}` })
  }

  /** Turns the paid tier on (if off) and types per-minute prices in token units. */
  async setPrices(form: Locator, prices: { cpu?: string; ram?: string; disk?: string }): Promise<void> {
    const paid = form.getByRole('switch', { name: /Charge for compute/ })
    if (!(await paid.isChecked())) await paid.check({ force: true })
    if (prices.cpu !== undefined) await form.getByLabel('CPU price per minute').fill(prices.cpu)
    if (prices.ram !== undefined) await form.getByLabel('RAM price per minute').fill(prices.ram)
    if (prices.disk !== undefined) await form.getByLabel('Disk price per minute').fill(prices.disk)
  }

  async addEnvironment(environment: { id: string; cpu?: number; maxJobDurationSec?: number }): Promise<void> {
    const form = this.environmentForm
    if (!(await form.isVisible()))
      await this.app.page.getByRole('button', { name: 'Add an environment' }).click()
    await form.getByLabel('Environment id').fill(environment.id)
    if (environment.cpu !== undefined) {
      await form.getByLabel('CPUs per job').fill(String(environment.cpu))
      await form.getByLabel('CPUs in total').fill(String(environment.cpu))
    }
    if (environment.maxJobDurationSec !== undefined)
      await form.getByLabel('Max job duration (seconds)').fill(String(environment.maxJobDurationSec))
    await form.getByRole('button', { name: 'Save environment' }).click()
  }
}
