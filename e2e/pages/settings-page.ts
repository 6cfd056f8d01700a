// The Settings screen: provider settings and the provider wallet (create or unlock).
import { expect, type Locator } from '@playwright/test'
import type { ConsoleApp } from './console-app'

export class SettingsPage {
  readonly walletForm: Locator

  constructor(private readonly app: ConsoleApp) {
    this.walletForm = app.page.getByRole('form', { name: 'Wallet', exact: true })
  }

  async open(): Promise<void> {
    await this.app.goTo('Settings')
  }

  /** Creates the provider wallet, or unlocks it when one exists, so the publisher can publish. */
  async ensureWalletUnlocked(password: string): Promise<void> {
    await this.open()
    // Wait for the wallet state to load before deciding ("(none)", "(locked)" or "(unlocked)").
    const state = this.app.page
      .getByRole('region', { name: 'Provider wallet' })
      .getByText(/\((none|locked|unlocked)\)/)
    await expect(state).toBeVisible()
    if ((await state.innerText()).includes('(unlocked)')) return
    await this.walletForm.getByLabel('Wallet password').fill(password)
    await this.walletForm.getByRole('button', { name: /^(Create|Unlock) wallet$/ }).click()
    await expect(this.walletForm).toBeHidden({ timeout: 60_000 })
  }
}
