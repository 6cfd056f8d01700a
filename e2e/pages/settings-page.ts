// The Settings screen: the Provider (bind address, public URL), the chain, and the provider wallet
// (create with a confirm field and a one-time recovery phrase, or unlock).
import { expect, type Locator } from '@playwright/test'
import type { ConsoleApp } from './console-app'

export class SettingsPage {
  readonly walletRegion: Locator
  readonly walletForm: Locator

  constructor(private readonly app: ConsoleApp) {
    this.walletRegion = app.page.getByRole('region', { name: 'Provider wallet' })
    this.walletForm = app.page.getByRole('form', { name: 'Wallet', exact: true })
  }

  async open(): Promise<void> {
    await this.app.goTo('Settings')
  }

  /** Creates the provider wallet, or unlocks it when one exists, so the publisher can publish. */
  async ensureWalletUnlocked(password: string): Promise<void> {
    await this.open()
    // Wait for the wallet state to load before deciding.
    await expect(this.walletRegion).toHaveAttribute('data-wallet-state', /^(none|locked|unlocked)$/)
    const state = await this.walletRegion.getAttribute('data-wallet-state')
    if (state === 'unlocked') return
    await this.walletForm.getByLabel('Wallet password').fill(password)
    if (state === 'none') {
      await this.walletForm.getByLabel('Confirm password').fill(password)
      await this.walletForm.getByRole('button', { name: 'Create wallet' }).click()
      const backup = this.app.page.getByRole('region', { name: 'Write down your recovery phrase now' })
      await expect(backup).toBeVisible({ timeout: 60_000 })
      await backup.getByRole('button', { name: 'I have written it down' }).click()
    } else {
      await this.walletForm.getByRole('button', { name: 'Unlock wallet' }).click()
    }
    await expect(this.walletRegion).toHaveAttribute('data-wallet-state', 'unlocked', { timeout: 60_000 })
  }
}
